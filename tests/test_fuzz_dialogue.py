"""Hostile and random messages and states against the bundled knowledge base.

Properties (hypothesis; small by default, thousands of examples with FAQBOT_FUZZ=1, see fuzz_settings):

- any `str` gets a `Reply` of a valid kind, quickly, in every kind of conversation state;
- saving `reply.state` through JSON and resuming gives exactly the reply that not saving gives;
- any JSON value, or a real state mutated, is either accepted or refused with `StateError`, never another error.

Below them, regression tests keep the minimal inputs the fuzzers found.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import pytest

import faqbot
from faqbot import choices, text

EXERCISE = "Is it safe to exercise when I am in pain?"


# -- regressions: minimal inputs found by the fuzzers ------------------------------------------------------


def _seconds(call: object, *args: object) -> float:
    start = time.perf_counter()
    call(*args)  # type: ignore[operator]
    return time.perf_counter() - start


def test_a_long_run_of_spaces_is_not_read_as_a_number_slowly() -> None:
    # `^\s*(option|#)?\s*(\d)\s*[.)]?\s*$` backtracked quadratically: 10,000 spaces took seconds.
    assert _seconds(choices.pick_number, " " * 10_000, 3) < 0.05
    assert _seconds(choices.pick_number, "1" + " " * 10_000 + "x", 3) < 0.05
    assert choices.pick_number("  #2 ) \n", 3) == 1
    assert choices.pick_number("option\t3.", 3) == 2
    assert choices.pick_number("2 x", 3) is None


def test_whitespace_reply_to_offered_questions_is_answered_quickly(bot: faqbot.Bot) -> None:
    session = bot.session()
    session.ask("how do I bake bread")  # a fallback offers questions: a number would pick one
    assert _seconds(session.ask, "\t" * 10_000) < 0.5


def test_folding_keeps_to_its_limit_when_normalisation_lengthens_the_text() -> None:
    # NFKC turns "\ufdfa" into 18 characters: the 2,000-character cut was applied before it only.
    assert len(text.fold("\ufdfa" * 2_000)) <= text.MAX_CHARS
    assert len(text.fold("idk " * 1_000)) <= text.MAX_CHARS  # contractions lengthen too
    assert text.fold("Can't ﬁnd it") == "cannot find it"


def test_characters_that_normalise_to_many_are_answered_quickly(bot: faqbot.Bot) -> None:
    session = bot.session()
    session.ask(EXERCISE)  # a follow-up is pending: the reply is also read as an answer to it
    assert _seconds(session.ask, "\ufdfa" * 10_000) < 0.5


def _median_ms(bot: faqbot.Bot, state: dict[str, Any] | None, message: str, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        session = bot.session(state)
        times.append(_seconds(session.ask, message))
    return 1000 * statistics.median(times)


LONG_SMALL_TALK = {"hi": "hi " * 3_334, "a": "a " * 5_000, "thank-you": "thank you " * 1_000, "i": "i " * 5_000}


@pytest.mark.parametrize("message", LONG_SMALL_TALK.values(), ids=LONG_SMALL_TALK.keys())
def test_long_all_small_talk_messages_are_answered_within_50_ms(bot: faqbot.Bot, message: str) -> None:
    # Every small-talk phrase was compared at every word position: 60-140 ms for these 10,000 characters.
    assert _median_ms(bot, None, message) < 50


def test_reading_yes_no_unsure_is_linear_in_the_words() -> None:
    # Every yes/no/unsure phrase was compared at every word position (about 100 x the words).
    words = ["x", "not", "sure"] * 3_000
    assert _seconds(choices._signals, words) < 0.05
    assert choices._signals(words) == {"unsure"}
    assert choices._signals(["he", "has", "not"]) == {"no"}


def test_long_reply_to_a_follow_up_question_is_answered_within_50_ms(bot: faqbot.Bot) -> None:
    session = bot.session()
    session.ask(EXERCISE)
    assert _median_ms(bot, session.state, "x " * 5_000) < 50


def _deep_list(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


HOSTILE_VALUES = {"deep": _deep_list(100_000), "long-text": "x" * 10_000_000, "huge-number": 10**5_000}


@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_state_errors_show_hostile_values_briefly(bot: faqbot.Bot, value: Any) -> None:
    # The messages held repr(value): a RecursionError for the deep list, a ValueError for the number
    # (more digits than Python prints) and ten megabytes of text on one line for `faqbot ask --state`.
    follow_up = {"kind": "follow_up", "entry": "exercise-when-in-pain", "step": "doctor", "tries": 0}
    states = [
        {"version": value, "slots": {}, "pending": None},
        {"version": 1, "slots": {"doctor_advised": value}, "pending": None},
        {"version": 1, "slots": {}, "pending": {"kind": value}},
        {"version": 1, "slots": {}, "pending": {**follow_up, "entry": value}},
        {"version": 1, "slots": {}, "pending": {**follow_up, "step": value}},
        {"version": 1, "slots": {}, "pending": {**follow_up, "tries": value}},
        {"version": 1, "slots": {}, "pending": {"kind": "choice", "entries": [value], "clarify": False}},
    ]
    for state in states:
        with pytest.raises(faqbot.StateError) as caught:
            bot.session(state)
        assert len(str(caught.value)) < 300
