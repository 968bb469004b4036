"""The safety net: every red flag of the knowledge base, phrased several ways, is escalated wherever it comes.

Each sign has at least three everyday phrasings. Each must get an `urgent` reply naming that sign as the
first message of a conversation, at every step of every follow-up flow, after an answer, a clarifying
question, a fallback and small talk. Every `urgent` reply carries the knowledge base's emergency message
and the 999 number. A sign added to the knowledge base without phrasings here fails the coverage test.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import pytest

import faqbot
from faqbot.knowledge import Entry
from faqbot.text import fold

PHRASINGS = {
    "bladder-bowel": [
        "I keep wetting myself since my back went",
        "I can't hold my wee any more and my back is killing me",
        "I've had a couple of accidents with my bowels this week",
        "my back hurts and now I can't tell when I need the toilet",
    ],
    "saddle-numbness": [
        "my bum has gone numb",
        "pins and needles around my groin since yesterday",
        "my inner thighs are tingling and my back aches",
        "could this be cauda equina?",
    ],
    "both-legs": [
        "both of my legs feel weak",
        "my legs gave way on the stairs this morning",
        "I can't walk properly, both legs are numb",
        "my legs feel like jelly and won't hold me",
    ],
    "fever": [
        "I'm running a temperature and my back hurts",
        "feverish with lower back ache",
        "temperature of 38.5 and my back is sore",
        "I keep shivering and sweating at night",
    ],
    "trauma": [
        "I slipped on the ice and landed on my back",
        "my back has hurt since the car crash",
        "I was knocked off my bike on Monday",
        "fell down the stairs last night and my back is agony",
    ],
    "weight-loss": [
        "I've lost a lot of weight and I don't know why",
        "dropping kilos without trying, plus back pain",
        "my clothes are loose, I keep getting thinner for no reason",
        "I have lost half a stone without dieting",
    ],
    "cancer": [
        "I was treated for a tumour last year",
        "my doctor said the cancer may have spread to my bones",
        "I finished radiotherapy in the spring",
        "I had lymphoma as a teenager",
    ],
    "night-pain": [
        "the pain is worst at night and never stops",
        "my back wakes me up at night, it's excruciating",
        "it's constant and worse when I lie down in bed",
        "I cannot sleep because the pain is so bad",
    ],
    "chest-pain": [
        "I have pains in my chest as well as my back",
        "my chest feels tight when I walk",
        "there's a crushing feeling in my chest",
        "could this be a heart attack? my back and chest hurt",
    ],
}
CASES = [(sign, phrasing) for sign, phrasings in PHRASINGS.items() for phrasing in phrasings]
Context = tuple[str, Callable[[faqbot.Bot], faqbot.Session]]


def test_every_sign_of_the_knowledge_base_has_three_different_phrasings(bot: faqbot.Bot) -> None:
    assert bot.kb.red_flags is not None
    assert set(PHRASINGS) == {sign.id for sign in bot.kb.red_flags.signs}
    for phrasings in PHRASINGS.values():
        assert len({fold(p) for p in phrasings}) == len(phrasings) >= 3


def _path_to(entry: Entry, target: str) -> list[str]:
    """Option labels that lead a new conversation from the flow's start to the step `target`."""
    flow = entry.follow_up
    assert flow is not None
    paths: deque[tuple[str, list[str]]] = deque([(flow.start, [])])
    seen = {flow.start}
    while paths:
        step_id, labels = paths.popleft()
        if step_id == target:
            return labels
        step = flow.steps[step_id]
        for value, following in step.next.items():
            if following in flow.steps and following not in seen:
                seen.add(following)
                paths.append((following, [*labels, step.option(value).label]))
    raise AssertionError(f"step {target!r} of {entry.id!r} cannot be reached")


def _at_step(entry: Entry, step_id: str) -> Callable[[faqbot.Bot], faqbot.Session]:
    def start(bot: faqbot.Bot) -> faqbot.Session:
        session = bot.session()
        reply = session.ask(entry.question)
        for label in _path_to(entry, step_id):
            reply = session.ask(label)
        assert reply.kind == "follow_up"
        assert session.state["pending"] == {"kind": "follow_up", "entry": entry.id, "step": step_id, "tries": 0}
        return session

    return start


def _after(messages: list[str], kind: str) -> Callable[[faqbot.Bot], faqbot.Session]:
    def start(bot: faqbot.Bot) -> faqbot.Session:
        session = bot.session()
        replies = [session.ask(message) for message in messages]
        assert replies[-1].kind == kind, (messages, replies[-1].kind)
        return session

    return start


def _after_a_clarifying_question(bot: faqbot.Bot) -> faqbot.Session:
    first, second = (e.id for e in bot.kb.entries[:2])
    return bot.session(
        {"version": 1, "slots": {}, "pending": {"kind": "choice", "entries": [first, second], "clarify": True}}
    )


def _contexts(bot: faqbot.Bot) -> list[Context]:
    """Every place a red flag may come: new, each follow-up step, after each other kind of reply."""
    flows = [e for e in bot.kb.entries if e.follow_up is not None]
    assert flows, "the bundled knowledge base has follow-up flows"
    plain = next(e for e in bot.kb.entries if e.follow_up is None)
    contexts: list[Context] = [("a new conversation", lambda bot: bot.session())]
    contexts += [(f"{e.id}, step {step}", _at_step(e, step)) for e in flows for step in e.follow_up.steps]  # type: ignore[union-attr]
    contexts += [
        (f"{flows[0].id}, asked again", _after([flows[0].question, "banana bread"], "follow_up")),
        ("after an answer", _after([plain.question], "answer")),
        ("after a follow-up answered", _after([flows[0].question, "no"], "answer")),
        ("after a clarifying question", _after_a_clarifying_question),
        ("after a fallback", _after(["how do I bake sourdough bread"], "fallback")),
        ("after small talk", _after(["hello"], "smalltalk")),
        ("after another urgent reply", _after(["I have lost control of my bladder"], "urgent")),
    ]
    return contexts


def _check_urgent(bot: faqbot.Bot, reply: faqbot.Reply, sign: str) -> None:
    assert bot.kb.red_flags is not None
    assert reply.kind == "urgent"
    assert sign in reply.signs
    assert bot.kb.red_flags.message.strip() in reply.markdown
    assert "999" in reply.markdown and "999" in reply.text


@pytest.mark.parametrize(("sign", "phrasing"), CASES)
def test_red_flag_is_urgent_wherever_it_comes(bot: faqbot.Bot, sign: str, phrasing: str) -> None:
    missed = []
    for name, start in _contexts(bot):
        reply = start(bot).ask(phrasing)
        if reply.kind != "urgent" or sign not in reply.signs:
            missed.append(f"{name}: {reply.kind} {reply.signs}")
            continue
        _check_urgent(bot, reply, sign)
    assert not missed, f"{phrasing!r} ({sign}) was not escalated:\n" + "\n".join(missed)


@pytest.mark.parametrize(("sign", "phrasing"), CASES[::3])
def test_red_flag_given_as_the_answer_to_a_follow_up_question_is_urgent(
    bot: faqbot.Bot, sign: str, phrasing: str
) -> None:
    for entry in (e for e in bot.kb.entries if e.follow_up is not None):
        for step in entry.follow_up.steps:  # type: ignore[union-attr]
            session = _at_step(entry, step)(bot)
            _check_urgent(bot, session.ask(f"yes, and {phrasing}"), sign)


def test_urgent_reply_ends_the_pending_follow_up(bot: faqbot.Bot) -> None:
    entry = next(e for e in bot.kb.entries if e.follow_up is not None)
    session = _at_step(entry, entry.follow_up.start)(bot)  # type: ignore[union-attr]
    reply = session.ask(PHRASINGS["chest-pain"][0])
    assert reply.kind == "urgent" and reply.state["pending"] is None
    assert session.ask("yes").kind != "follow_up"  # "yes" no longer answers the abandoned question
