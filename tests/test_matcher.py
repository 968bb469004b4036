from __future__ import annotations

from pathlib import Path

import pytest

import faqbot
from faqbot.matcher import Matcher
from faqbot.text import stem
from faqbot.tooling.evaluate import load_cases

DATA = Path(__file__).resolve().parent / "data"


def test_packed_and_general_overlap_rank_alike(bot: faqbot.Bot) -> None:
    # A small knowledge base sums shared weights with packed vectors; any other takes the general path.
    # Both must give the same rankings and scores, so the fast path can never change an answer.
    general = Matcher(bot.kb, bot.normaliser)
    general._packed = {}  # what a knowledge base too big to pack gets
    assert bot.matcher._packed, "the bundled knowledge base should take the packed path"
    cases = load_cases(DATA / "queries.yaml") + load_cases(DATA / "queries_holdout.yaml")
    texts = [c.text for c in cases] + [p for e in bot.kb.entries for p in e.phrasings]
    for text in texts:
        assert bot.matcher.rank(text, 5) == general.rank(text, 5), text


@pytest.mark.parametrize(
    ("word", "not_read_as"),
    [
        ("sleeping", "seeing"),  # two edits apart, both everyday English
        ("couch", "cough"),
    ],
)
def test_an_everyday_word_is_not_corrected_into_another(bot: faqbot.Bot, word: str, not_read_as: str) -> None:
    """A word in common use is meant as typed: only a word no English list holds is taken for a typo."""
    stems = bot.matcher._known_stems(word)
    assert not_read_as not in stems and stem(not_read_as) not in stems


def test_typos_and_synonyms_are_still_read(bot: faqbot.Bot) -> None:
    assert bot.matcher.rank("which excersises are safe")[0].entry_id == "safe-exercises"
    assert bot.matcher.rank("best workouts for a sore back")[0].entry_id == "recommended-exercises"


def test_words_in_most_entries_are_told_apart_from_those_that_pick_one(bot: faqbot.Bot) -> None:
    matcher = bot.matcher
    assert matcher.in_most_entries("back", 0.9) and matcher.in_most_entries("pain", 0.9)
    assert not matcher.in_most_entries("alternative", 0.9)  # the word of one question
    assert not matcher.in_most_entries("xylophone", 0.0)  # a word the knowledge base never uses
