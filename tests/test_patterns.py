"""The word-group pattern language used by red flags, referrals and statements."""

from __future__ import annotations

import pytest

from faqbot.patterns import PatternSet
from faqbot.text import Normaliser, tokens

NORMALISER = Normaliser({"exercises": ["programme"], "back pain": ["bad back"]})


def found(pattern: str, text: str, vocabulary: dict[str, list[str]] | None = None) -> bool:
    patterns = PatternSet([[pattern]], NORMALISER, vocabulary or {})
    return bool(patterns.search(NORMALISER.replace(tokens(text))))


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("cause_back_pain", "can stress cause back pain"),  # a phrase of three words
        ("numb* bottom|groin", "my groin has gone numb"),  # groups in any order, a prefix
        ("cannot_feel legs", "I can't really feel my legs"),  # an intensifier inside a phrase is skipped
        ("numbness", "some numbnes down there"),  # a small typo in a longer word
        ("back_pain", "I have a bad back"),  # the pattern's words are normalised like the message's
        ("@sore back", "my back is aching"),  # a named vocabulary
        ("lost_weight not_even_trying", "I lost weight and I'm not even trying"),  # an intensifier in the pattern too
        ("facet_joint_injection", "are facet joint injections painful"),  # a phrase's last word in the plural
    ],
)
def test_pattern_matches(pattern: str, text: str) -> None:
    assert found(pattern, text, {"sore": ["aching", "sore"]})


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("exercises exercises|programme", "my exercises"),  # "programme" is read as "exercises": one place, not two
        ("cancer", "I want to cancel"),  # an English word is not a typo of another
        ("numb* bottom", "my bottom is fine"),  # every group must occur
        ("even_lying_down", "lying down helps"),  # a leading intensifier is the phrase's meaning: kept
        ("numb", "it numbs the pain"),  # a single word is not made plural (it may be a verb)
    ],
)
def test_pattern_does_not_match(pattern: str, text: str) -> None:
    assert not found(pattern, text)


def test_a_phrase_may_hold_another_groups_word() -> None:
    assert found("cannot_sleep sleep*", "I cannot sleep")


def test_a_long_message_is_searched_as_a_whole() -> None:
    assert found("cause_back_pain", "x " * 300 + "can stress cause back pain")


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("doctor only|just gave", "the doctor just gave me a prescription"),
        ("just pain", "it is just the pain"),
        ("really bad", "it is really bad"),
    ],
)
def test_an_intensifier_named_alone_in_a_group_is_found(pattern: str, text: str) -> None:
    """Intensifiers are skipped inside phrases ("can't really feel"), but a group that names one alone still finds
    it: "only|just" must match the "just" of "the doctor just gave me…"."""
    assert found(pattern, text)
    assert not found(pattern, "the doctor gave me a prescription")
