"""Importing a written FAQ: the seed article, other layouts, and the export → import round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import faqbot
from faqbot import check, knowledge
from faqbot.errors import UsageError
from faqbot.tooling import export, faqimport


def norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def seed() -> faqimport.ImportedFaq:
    return faqimport.import_file(SEED)


def test_seed_article_yields_its_seven_questions(seed: faqimport.ImportedFaq, bot: faqbot.Bot) -> None:
    questions = [q for q, _ in seed.questions]
    assert questions == [e.question for e in bot.kb.entries]  # the bundled KB uses the article's wording
    assert seed.skipped == ()  # the overview list at the top yields no duplicates


def test_seed_meta(seed: faqimport.ImportedFaq) -> None:
    assert seed.title == "Concerns About Exercise for Lower Back Pain. Part 2"
    assert seed.updated == "Updated August 18, 2016"


def test_seed_answers_are_the_text_that_follows_with_lists_as_markdown(seed: faqimport.ImportedFaq) -> None:
    answers = dict(seed.questions)
    first = answers["Is it safe to exercise when I am in pain?"]
    assert first.startswith("Yes and No\n\nIt all depends on the type of exercise")
    assert "- Your doctor advises exercise for your recovery." in first.splitlines()
    assert "  " not in first and "\u00a0" not in first  # doubled and no-break spaces cleaned up
    safe = answers["What exercises are safe for me to perform?"]
    assert "1. Protect the lower back from injury" in safe.splitlines()
    assert "8. Help the muscle group and joints" in safe
    assert answers["If the exercise causes me pain, should I stop?"] == "If it doesn’t pass the above criteria."
    assert norm(answers["Is there an alternative to exercising for lower back pain?"]).endswith(
        "this advice will be very helpful to you recovery."
    )


def test_seed_yaml_loads_and_checks_without_errors(seed: faqimport.ImportedFaq, tmp_path: Path) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(faqimport.to_yaml(seed, SEED.name))
    kb = knowledge.load(path)
    assert [e.id for e in kb.entries][:2] == [
        "is-it-safe-to-exercise-when-i-am-in-pain",
        "do-i-risk-further-injury-or-increasing-my-pain",
    ]
    assert [(e.question, e.answer.rstrip("\n")) for e in kb.entries] == list(seed.questions)
    findings = check.check_file(path)
    assert not [f for f in findings if f.severity == "error"]
    # The article's own cross-references are what `check` is there to point out.
    assert any("'the above'" in f.message for f in findings)


# -- other layouts -----------------------------------------------------------------------------------


def test_markdown_headings_are_questions_and_other_headings_end_answers() -> None:
    text = """# Tea FAQ

Intro paragraph. Is this a question?

## How long should I brew tea?

About three minutes.

- less for green tea
- more for black tea

## Can I add milk?

### Milk types

Any milk works.

## About us

We like tea. Why? Because.
"""
    faq = faqimport.parse_faq(text)
    assert faq.title == "Tea FAQ"
    assert faq.questions == (
        ("How long should I brew tea?", "About three minutes.\n\n- less for green tea\n- more for black tea"),
        ("Can I add milk?", "# Milk types\n\nAny milk works."),
    )


def test_plain_text_questions_with_answers_on_the_next_line() -> None:
    text = "Q: Does it hurt?\nA: Only a little.\n\nIs it quick?\nYes, very.\nUsually.\n"
    faq = faqimport.parse_faq(text, default_title="Fallback title")
    assert faq.questions == (("Does it hurt?", "Only a little."), ("Is it quick?", "Yes, very.\nUsually."))
    assert faq.title == "Fallback title"


def test_questions_without_answers_and_repeats_are_skipped() -> None:
    faq = faqimport.parse_faq("Is it one?\n\nIs it two?\n\nTwo.\n\nIs it two?\n\nAgain.\n")
    assert faq.questions == (("Is it two?", "Two."),)
    assert faq.skipped == ("Is it one? (no answer follows it)", "Is it two? (asked before)")


def test_ids_are_unique_slugs() -> None:
    faq = faqimport.ImportedFaq("T", (("Why?", "a"), ("Why!?", "b"), ("¿Qué?", "c"), ("???", "d")))
    kb = knowledge.load("<t>", text=faqimport.to_yaml(faq))
    assert [e.id for e in kb.entries] == ["why", "why-2", "que", "question-4"]


def test_import_file_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        faqimport.import_file(tmp_path / "missing.md")
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(faqimport.FaqImportError, match="not UTF-8"):
        faqimport.import_file(binary)


# -- round trip --------------------------------------------------------------------------------------


def test_export_then_import_gives_back_the_questions_and_answers(bot: faqbot.Bot) -> None:
    faq = faqimport.parse_faq(export.to_markdown(bot.kb))
    assert faq.title == bot.kb.meta.title
    assert faq.source == bot.kb.meta.source and faq.updated == bot.kb.meta.updated
    assert norm(faq.disclaimer) == norm(bot.kb.meta.disclaimer)
    assert [q for q, _ in faq.questions] == [e.question for e in bot.kb.entries]
    for (_, answer), entry in zip(faq.questions, bot.kb.entries, strict=True):
        if entry.follow_up is None:
            assert norm(answer) == norm(entry.answer)
        else:  # a flow's tailored answers come back as sub-sections of the answer: nothing is lost
            assert norm(answer).startswith(norm(entry.answer))
            for variant in entry.follow_up.variants.values():
                assert norm(f"# {variant.title} {variant.answer}") in norm(answer)


def test_round_trip_is_stable_for_a_kb_without_flows(tmp_path: Path) -> None:
    faq = faqimport.import_file(SEED)
    kb = knowledge.load("<seed>", text=faqimport.to_yaml(faq))
    again = faqimport.parse_faq(export.to_markdown(kb))
    assert again.questions == faq.questions


_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFG0123456789", min_size=1, max_size=8)
_sentence = st.lists(_words, min_size=1, max_size=8).map(" ".join)
_question = _sentence.map(lambda s: s[0].upper() + s[1:] + "?")
_block = st.one_of(
    _sentence.map(lambda s: s + "."),
    st.lists(_sentence, min_size=1, max_size=4).map(lambda items: "\n".join(f"- {i}" for i in items)),
    st.lists(_sentence, min_size=1, max_size=4).map(
        lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))
    ),
)
_answer = st.lists(_block, min_size=1, max_size=4).map("\n\n".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_question, _answer), min_size=1, max_size=6, unique_by=lambda qa: qa[0].casefold()))
def test_round_trip_property(pairs: list[tuple[str, str]]) -> None:
    faq = faqimport.ImportedFaq("Generated FAQ", tuple(pairs))
    kb = knowledge.load("<generated>", text=faqimport.to_yaml(faq))
    back = faqimport.parse_faq(export.to_markdown(kb))
    assert [(q, norm(a)) for q, a in back.questions] == [(q, norm(a)) for q, a in pairs]
