"""Loading hostile knowledge-base files: only `KnowledgeError` naming `path:LINE:`, quickly, never code run.

Regression tests keep the minimal files the fuzzers found.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import faqbot
from faqbot import knowledge

DEEP = {  # text, the line the error names
    "flow-list": ("[" * 30_000 + "]" * 30_000, 1),
    "flow-mapping": ("a: " + "{a: " * 30_000 + "1" + "}" * 30_000, 1),
    "block-list": ("- " * 30_000 + "x", 1),
    "flow-in-an-answer": ("entries:\n  - id: a\n    question: q?\n    answer: " + "[" * 100_000 + "]" * 100_000, 4),
}


def _load_in_a_subprocess(path: Path) -> subprocess.CompletedProcess[str]:
    code = "import sys, faqbot\ntry:\n    faqbot.Bot.load(sys.argv[1])\nexcept faqbot.KnowledgeError as exc:\n    print(exc)\n"
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)


# -- regressions: minimal files found by the fuzzers ----------------------------------------------------------


@pytest.mark.parametrize(("text", "line"), DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_refused_before_it_crashes_or_hangs_the_parser(tmp_path: Path, text: str, line: int) -> None:
    # libyaml's composer recursed on the C stack: 30,000 levels killed the process (SIGSEGV); 100,000 flow
    # levels took minutes in its scanner. Run in a subprocess, so that a crash fails this test only.
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    done = _load_in_a_subprocess(path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{path}:{line}: invalid YAML: nested more than 100 levels deep"), done.stdout


def test_nesting_a_real_knowledge_base_needs_is_fine(write_kb: object) -> None:
    text = "meta: {title: t}\nentries:\n  - id: a\n    question: q?\n    answer: a\n    tags: " + "[" * 10 + "]" * 10
    path = write_kb(text)  # type: ignore[operator]
    with pytest.raises(faqbot.KnowledgeError, match=r":6: entries\[0\]\.tags\[0\]: expected text, got a list"):
        faqbot.Bot.load(path)


BUNDLED = Path(__file__).resolve().parent.parent / "knowledge" / "back_pain.yaml"
UNREADABLE_NUMBERS = {  # old text, new text, the error expected
    "int-tag": ("version: 1", "version: !!int abc", ":6: version: cannot read 'abc' as a YAML int"),
    "float-tag": ("threshold: 29", "threshold: !!float abc", ":21: matching.threshold: cannot read 'abc' as a YAML float"),
    "empty-int": ("threshold: 29", "threshold: !!int", ":21: matching.threshold: cannot read '' as a YAML int"),
    "more-digits-than-python-reads": ("version: 1", "version: 1" + "0" * 5_000, ":6: version: cannot read '1000"),
    "too-large-for-a-float": ("threshold: 29", "threshold: 1" + "0" * 400, ":21: matching.threshold: '1000"),
}


@pytest.mark.parametrize(("old", "new", "error"), UNREADABLE_NUMBERS.values(), ids=UNREADABLE_NUMBERS.keys())
def test_numbers_python_cannot_read_are_knowledge_errors(tmp_path: Path, old: str, new: str, error: str) -> None:
    # These raised ValueError, IndexError or OverflowError from the YAML constructor or float().
    text = BUNDLED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "kb.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(faqbot.KnowledgeError) as caught:
        faqbot.Bot.load(path)
    assert str(caught.value).startswith(f"{path}{error}")
    assert len(str(caught.value)) < 200


def _with_synonyms(lines: str) -> str:
    text = BUNDLED.read_text(encoding="utf-8")
    assert "\nsynonyms:\n" in text
    return text.replace("\nsynonyms:\n", "\nsynonyms:\n" + lines, 1)


def test_an_alias_bomb_under_the_node_budget_is_refused_at_once(tmp_path: Path) -> None:
    # 400 aliases of a 1,000-word list: a 10 kB file standing for 400,000 synonyms loaded, in about 4 s.
    path = tmp_path / "kb.yaml"
    words = ", ".join(["abc def"] * 1_000)
    path.write_text(_with_synonyms(f"  zz: &w [{words}]\n" + "".join(f"  z{i}: *w\n" for i in range(400))))
    start = time.perf_counter()
    with pytest.raises(faqbot.KnowledgeError, match=r"^.*kb\.yaml:\d+: aliases repeat 400,400 nodes .*alias bomb"):
        faqbot.Bot.load(path)
    assert time.perf_counter() - start < 1


def test_a_node_that_contains_itself_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text("meta: &m\n  title: *m\nentries: []\n")
    with pytest.raises(faqbot.KnowledgeError, match=r"kb\.yaml:1: invalid YAML: an alias refers to a node that contains it"):
        faqbot.Bot.load(path)


def test_aliases_that_share_a_little_still_load(tmp_path: Path) -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    text = text.replace("related: [safe-exercises, risk-of-injury, recommended-exercises]",
                        "related: &related [safe-exercises, risk-of-injury, recommended-exercises]", 1)
    text = text.replace("related: [recommended-exercises, stop-if-painful]", "related: *related")
    path = tmp_path / "kb.yaml"
    path.write_text(text)
    bot = faqbot.Bot.load(path)
    assert bot.kb.entry("recovery-setback").related == ("safe-exercises", "risk-of-injury", "recommended-exercises")


BAD_CHARACTERS = {  # bytes written instead of "threshold: 29" on line 21, the error expected
    "nul": (b"threshold: 29\x00", ":21: invalid YAML: unacceptable character #x0000: control characters are not allowed"),
    "bell": (b"threshold: \x0729", ":21: invalid YAML: unacceptable character #x0007"),
    "invalid-utf8": (b"threshold: \xff29", ":21: not UTF-8 text (invalid start byte at byte "),
    "lone-surrogate-bytes": (b"threshold: \xed\xa0\x8029", ":21: not UTF-8 text (invalid continuation byte at byte "),
}


@pytest.mark.parametrize(("bad", "error"), BAD_CHARACTERS.values(), ids=BAD_CHARACTERS.keys())
def test_a_character_yaml_refuses_is_reported_on_its_line_in_one_line(tmp_path: Path, bad: bytes, error: str) -> None:
    # These were all reported on line 1, and libyaml's message ran over two lines.
    path = tmp_path / "kb.yaml"
    path.write_bytes(BUNDLED.read_bytes().replace(b"threshold: 29", bad, 1))
    with pytest.raises(faqbot.KnowledgeError) as caught:
        faqbot.Bot.load(path)
    assert str(caught.value).startswith(f"{path}{error}")
    assert "\n" not in str(caught.value)


def test_text_in_memory_with_a_lone_surrogate_is_a_knowledge_error() -> None:
    # knowledge.load(text=...) raised UnicodeEncodeError from libyaml.
    text = BUNDLED.read_text(encoding="utf-8").replace("threshold: 29", "threshold: \ud80029", 1)
    with pytest.raises(faqbot.KnowledgeError, match=r"^kb\.yaml:21: not UTF-8 text \(surrogates not allowed"):
        knowledge.load("kb.yaml", text=text)


def _live_yaml_nodes() -> int:
    gc.collect()
    return sum(isinstance(o, yaml.Node) for o in gc.get_objects())


def test_loading_keeps_nothing_of_the_file_it_read() -> None:
    # A shared YAML constructor kept every scalar node it read: each load leaked the file's nodes (a serve
    # reloading on SIGHUP, `faqbot check` over many files), and loads slowed as the heap grew.
    faqbot.Bot.load(BUNDLED)
    before = _live_yaml_nodes()
    for _ in range(3):
        faqbot.Bot.load(BUNDLED)
    assert _live_yaml_nodes() == before
