from __future__ import annotations

import json
from typing import Any

import pytest

import faqbot

CONVERSATION = [
    "hi",
    "Is it safe to exercise when I am in pain?",
    "yep",
    "thanks",
    "not sure",
    "What exercises are safe for me to perform?",
    "2",
    "how do I bake bread",
    "1",
]


def test_state_is_plain_json(bot: faqbot.Bot) -> None:
    session = bot.session()
    for message in CONVERSATION:
        state = session.ask(message).state
        assert json.loads(json.dumps(state)) == state


def test_resuming_from_saved_state_gives_the_same_replies(bot: faqbot.Bot) -> None:
    straight = bot.session()
    expected = [straight.ask(m) for m in CONVERSATION]
    state: dict[str, Any] | None = None
    for message, want in zip(CONVERSATION, expected, strict=True):
        reply = bot.session(json.loads(json.dumps(state)) if state else None).ask(message)
        assert (reply.kind, reply.entry_id, reply.markdown, reply.options) == (
            want.kind,
            want.entry_id,
            want.markdown,
            want.options,
        )
        state = reply.state


def test_changing_a_reply_state_does_not_change_the_session(bot: faqbot.Bot) -> None:
    session = bot.session()
    reply = session.ask("Is it safe to exercise when I am in pain?")
    reply.state["pending"] = None
    assert session.ask("no").entry_id == "exercise-when-in-pain"


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ([], "state: expected an object, got a list"),
        ("{}", "state: expected an object, got a string"),
        ({}, "state.version: unsupported version None"),
        ({"version": 3, "slots": {}, "pending": None}, "state.version: unsupported version 3"),
        ({"version": 1, "slots": {}}, "state: missing key 'pending'"),
        ({"version": 2, "slots": {}, "pending": None, "flags": []}, "state: missing key 'last'"),
        (
            {"version": 2, "slots": {}, "pending": None, "flags": ["flu"], "last": None},
            "state.flags: unknown red-flag sign 'flu'",
        ),
        (
            {"version": 2, "slots": {}, "pending": None, "flags": ["fever", "fever"], "last": None},
            "state.flags: a red-flag sign is listed twice",
        ),
        (
            {"version": 2, "slots": {}, "pending": None, "flags": [], "last": None, "referred": ["knitting"]},
            "state.referred: unknown referral topic 'knitting'",
        ),
        (
            {"version": 2, "slots": {}, "pending": None, "flags": [], "last": None, "referred": "pregnancy"},
            "state.referred: expected a list of at most 7 referral topic ids",
        ),
        (
            {"version": 2, "slots": {}, "pending": None, "flags": [], "last": None, "ages": [9, "ten"]},
            "state.ages: expected a list of at most 4 ages from 0 to 130",
        ),
        (
            {"version": 2, "slots": {}, "pending": None, "flags": [], "last": None, "ages": [True]},
            "state.ages: expected a list of at most 4 ages from 0 to 130",
        ),
        (
            {"version": 2, "slots": {}, "pending": None, "flags": [], "last": None, "ages": [1, 2, 3, 4, 5]},
            "state.ages: expected a list of at most 4 ages from 0 to 130",
        ),
        (
            {"version": 2, "slots": {}, "pending": None, "flags": [], "last": None, "new_pain": "yes"},
            "state.new_pain: expected true or false, got 'yes'",
        ),
        (
            {"version": 2, "slots": {}, "pending": None, "flags": [], "last": None, "behalf": 1},
            "state.behalf: expected true or false, got 1",
        ),
        (
            {"version": 2, "slots": {}, "pending": None, "flags": [], "last": None, "also": ["posture"]},
            "state.also: unknown entry 'posture'",
        ),
        (
            {
                "version": 2,
                "slots": {},
                "pending": None,
                "flags": [],
                "last": {"entry": "safe-exercises", "variant": "x"},
            },
            "state.last.variant: 'x' is not a variant of 'safe-exercises'",
        ),
        ({"version": True, "slots": {}, "pending": None}, "state.version"),
        ({"version": 1, "slots": {}, "pending": None, "extra": 1}, "state: unknown key 'extra'"),
        ({"version": 1, "slots": [], "pending": None}, "state.slots: expected an object, got a list"),
        ({"version": 1, "slots": {"mood": "yes"}, "pending": None}, "state.slots: unknown slot 'mood'"),
        (
            {"version": 1, "slots": {"doctor_advised": "perhaps"}, "pending": None},
            "state.slots.doctor_advised: 'perhaps' is not one of no, unsure, yes",
        ),
        ({"version": 1, "slots": {"doctor_advised": ["yes"]}, "pending": None}, "state.slots.doctor_advised"),
        ({"version": 1, "slots": {}, "pending": "x"}, "state.pending: expected an object or null"),
        ({"version": 1, "slots": {}, "pending": {"kind": "dance"}}, "state.pending.kind"),
        (
            {
                "version": 1,
                "slots": {},
                "pending": {"kind": "follow_up", "entry": "nope", "step": "doctor", "tries": 0},
            },
            "state.pending.entry: unknown entry 'nope'",
        ),
        (
            {
                "version": 1,
                "slots": {},
                "pending": {"kind": "follow_up", "entry": "safe-exercises", "step": "doctor", "tries": 0},
            },
            "is not a step of 'safe-exercises'",
        ),
        (
            {
                "version": 1,
                "slots": {},
                "pending": {"kind": "follow_up", "entry": "exercise-when-in-pain", "step": "doctor", "tries": -1},
            },
            "state.pending.tries",
        ),
        (
            {"version": 1, "slots": {}, "pending": {"kind": "choice", "entries": [], "clarify": False}},
            "state.pending.entries",
        ),
        (
            {"version": 1, "slots": {}, "pending": {"kind": "choice", "entries": [["x"]], "clarify": False}},
            "state.pending.entries: unknown entry",
        ),
        (
            {"version": 1, "slots": {}, "pending": {"kind": "choice", "entries": ["safe-exercises"], "clarify": 1}},
            "state.pending.clarify",
        ),
    ],
)
def test_tampered_state_raises_state_error(bot: faqbot.Bot, state: Any, message: str) -> None:
    with pytest.raises(faqbot.StateError) as caught:
        bot.session(state)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_version_1_state_is_read_as_version_2(bot: faqbot.Bot) -> None:
    old = {"version": 1, "slots": {"doctor_advised": "no"}, "pending": None}
    session = bot.session(old)
    assert session.state == {
        "version": 2,
        "slots": {"doctor_advised": "no"},
        "pending": None,
        "flags": [],
        "last": None,
    }
    assert session.ask("Is it safe to exercise when I am in pain?").kind == "answer"  # the slot is remembered


def _through_a_web_client(bot: faqbot.Bot, reply: faqbot.Reply) -> faqbot.Session:
    """The conversation after `reply`, its state sent to a web client as JSON and back."""
    return bot.session(json.loads(json.dumps(reply.state)))


def test_an_age_given_earlier_is_remembered_in_the_state_and_makes_later_new_pain_a_red_flag(bot: faqbot.Bot) -> None:
    session = bot.session()
    first = session.ask("my daughter is 9 and her lower back hurts when she does backbends at gymnastics")
    assert first.kind != "urgent" and first.state["ages"] == [9]
    resumed = _through_a_web_client(bot, first)
    reply = resumed.ask("it started about a month ago, she's never complained before")
    assert reply.kind == "urgent" and "age" in reply.signs


def test_new_pain_said_earlier_is_remembered_in_the_state_and_makes_a_later_age_a_red_flag(bot: faqbot.Bot) -> None:
    session = bot.session()
    assert session.ask("is it safe tae train wi a sore back").kind == "follow_up"
    assert session.ask("the physio at the club said keep moving aye").kind == "follow_up"
    onset = session.ask("no idea whats causing it, it only started last week")
    assert onset.kind == "answer" and onset.state["new_pain"] is True
    resumed = _through_a_web_client(bot, onset)
    reply = resumed.ask("im only 16 if that matters")
    assert reply.kind == "urgent" and "age" in reply.signs


def test_an_age_alone_without_new_pain_is_no_red_flag(bot: faqbot.Bot) -> None:
    session = bot.session()
    session.ask("I've had a bad back for about ten years, is it safe to exercise?")
    reply = session.ask("I'm 67 if that matters")
    assert reply.kind != "urgent"
    assert "new_pain" not in reply.state


def test_asking_for_someone_else_is_remembered_so_their_later_sign_is_caught(bot: faqbot.Bot) -> None:
    """A sign said of "him" a few messages after "my dad's back" is the dad's, not a bystander's."""
    session = bot.session()
    first = session.ask("I'm asking for my dad, his lower back has been stiff all week. Can he still go bowling?")
    assert first.kind == "follow_up" and first.state["behalf"] is True
    resumed = _through_a_web_client(bot, first)
    reply = resumed.ask("oh and he's had a temperature since last night, he keeps shivering")
    assert reply.kind == "urgent" and "fever" in reply.signs


def test_speaking_of_ones_own_back_ends_asking_for_someone_else(bot: faqbot.Bot) -> None:
    session = bot.session()
    session.ask("asking for my wife, her lower back aches after gardening, should she rest?")
    mine = session.ask("actually my lower back hurts as well, is swimming ok for me?")
    assert "behalf" not in mine.state
    assert session.ask("my brother has a temperature, poor guy").kind != "urgent"  # a bystander again


def test_someone_elses_sign_without_asking_for_them_is_no_red_flag(bot: faqbot.Bot) -> None:
    session = bot.session()
    session.ask("is it ok to go to the gym with a sore back?")
    assert session.ask("my flatmate has a temperature so I'm staying clear of him").kind != "urgent"


def test_the_other_part_of_a_two_part_question_survives_a_saved_state(bot: faqbot.Bot) -> None:
    first = bot.session().ask("is there something I can do besides exercise, and which exercises should I avoid?")
    assert {first.entry_id, *first.state["also"]} == {"alternatives-to-exercise", "risk-of-injury"}
    later = bot.session(json.loads(json.dumps(first.state))).ask("and my second question?")
    assert (later.kind, later.entry_id) == ("answer", first.state["also"][0])
    assert "also" not in later.state
