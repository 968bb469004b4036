"""The index cache: a large knowledge base is read and indexed once, then loaded back from the user's cache.

What a user sees: the second `Bot.load` of an unchanged file answers exactly as the first without parsing
the YAML again; an edited file, another faqbot version or a damaged cache file never gives stale or wrong
answers (the cache is rebuilt); a small knowledge base writes nothing.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
import yaml

import faqbot
from faqbot import indexcache, knowledge

QUERIES = ["how do I reset my password", "cancel my gym membership", "what is the weather on mars", "pasword"]


def _large_kb(path: Path, entries: int = 2_100, extra: str = "") -> Path:
    """A knowledge base past the caching size, with a follow-up flow and red flags to round-trip too."""
    verbs = ["reset", "cancel", "renew", "update", "delete", "share", "book", "track", "replace", "pay"]
    nouns = ["password", "membership", "card", "order", "invoice", "parcel", "address", "ticket", "loan", "pin"]
    items = []
    for i in range(entries):
        verb, noun = verbs[i % 10], nouns[(i // 10) % 10]
        items.append({"id": f"e{i}", "question": f"How do I {verb} my {noun} number {i}?", "answer": f"Answer {i}."})
    items[0]["alternates"] = ["forgot my password", "password reset"]
    items[1]["follow_up"] = {
        "start": "kind",
        "steps": [
            {
                "id": "kind",
                "ask": "Which card?",
                "slot": "card",
                "options": [{"value": "debit"}, {"value": "credit"}],
                "next": {"debit": "debit", "credit": "credit"},
            }
        ],
        "variants": [
            {"id": "debit", "title": "Debit", "answer": "Debit."},
            {"id": "credit", "title": "Credit", "answer": "Credit."},
        ],
    }
    doc = {"meta": {"title": "Big"}, "entries": items}
    path.write_text(yaml.safe_dump(doc, sort_keys=False) + extra, encoding="utf-8")
    return path


def _index_files() -> list[Path]:
    return sorted((Path(os.environ["FAQBOT_CACHE_DIR"]) / "index").glob("*.json"))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FAQBOT_CACHE_DIR", str(folder))
    return folder


def _answers(bot: faqbot.Bot) -> list[list[tuple[str, float]]]:
    return [[(c.entry_id, c.score) for c in bot.matcher.rank(q, 5)] for q in QUERIES]


def test_second_load_comes_from_the_cache_and_answers_the_same(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _large_kb(tmp_path / "big.yaml")
    first = faqbot.Bot.load(path)
    assert len(_index_files()) == 1

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the YAML was parsed again")

    monkeypatch.setattr(knowledge, "load", no_parsing)
    second = faqbot.Bot.load(path)
    assert second.kb == first.kb
    assert second.threshold == first.threshold and second.calibration == first.calibration
    assert _answers(second) == _answers(first)
    session = second.session()
    assert session.ask("how do I cancel my password number 1?").kind == "follow_up"
    assert session.ask("credit").text == "Credit."
    assert second.kb.entry("e1").where == first.kb.entry("e1").where  # errors and checks still name file:line


def test_an_edited_file_is_indexed_again(cache: Path, tmp_path: Path) -> None:
    path = _large_kb(tmp_path / "big.yaml")
    faqbot.Bot.load(path)
    text = path.read_text(encoding="utf-8").replace("Answer 5.", "A new answer.")
    path.write_text(text, encoding="utf-8")
    bot = faqbot.Bot.load(path)
    assert bot.kb.entry("e5").answer == "A new answer."
    assert len(_index_files()) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],
        lambda text: "not json at all",
        lambda text: text.replace('"@columns":"Entry"', '"@columns":"Popen"'),
        lambda text: text.replace('"@array":"I"', '"@array":"O"', 1),
        lambda text: json.dumps({**json.loads(text), "format": 999}),
        lambda text: text.replace('"sorted_words":["', '"sorted_words":["x", "', 1),
    ],
    ids=["truncated", "garbage", "foreign-type", "foreign-array", "other-format", "wrong-length"],
)
def test_a_damaged_cache_file_is_ignored_and_rebuilt(
    cache: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: object
) -> None:
    path = _large_kb(tmp_path / "big.yaml")
    expected = _answers(faqbot.Bot.load(path))
    (file,) = _index_files()
    file.write_text(damage(file.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    with caplog.at_level(logging.WARNING, logger="faqbot.indexcache"):
        bot = faqbot.Bot.load(path)
    assert _answers(bot) == expected
    assert "ignoring the index cache" in caplog.text
    assert _answers(faqbot.Bot.load(path)) == expected  # and the file was replaced with a good one


def test_small_knowledge_bases_and_an_empty_setting_write_nothing(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faqbot.Bot.load()
    assert not _index_files()
    monkeypatch.setenv("FAQBOT_CACHE_DIR", "")
    faqbot.Bot.load(_large_kb(tmp_path / "big.yaml"))
    assert not (cache / "index").exists()


def test_the_bundled_knowledge_base_survives_the_round_trip(cache: Path, bot: faqbot.Bot) -> None:
    # Everything a knowledge base can hold (flows, red-flag tiers, referrals, small talk, vocabulary) comes back.
    saved = indexcache.Saved(bot.kb, bot.calibration, bot.matcher.state())
    indexcache.write("k" * 32, saved)
    found = indexcache.read("k" * 32)
    assert found is not None
    assert found.kb == bot.kb and found.calibration == bot.calibration


def test_only_the_most_recent_indexes_are_kept(cache: Path, bot: faqbot.Bot) -> None:
    saved = indexcache.Saved(bot.kb, bot.calibration, bot.matcher.state())
    for n in range(indexcache.KEEP + 3):
        indexcache.write(f"{n:032d}", saved)
        os.utime(_index_files()[-1], ns=(n, n))  # distinct times, whatever the clock's resolution
    assert len(_index_files()) == indexcache.KEEP
