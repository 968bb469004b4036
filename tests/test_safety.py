from __future__ import annotations

import pytest

import faqbot
from faqbot import cues
from faqbot.knowledge import RedFlag, RedFlags
from faqbot.safety import Screen
from faqbot.text import Normaliser

PHRASINGS = {
    "bladder-bowel": [
        "I can't control my bladder",
        "i've wet myself and my back is agony",
        "struggling to pee since my back went",
        "lost control of my bowels",
    ],
    "saddle-numbness": [
        "numbness in my groin",
        "cant feel my bum or between my legs",
        "tingling around my private parts",
        "my inner thighs feel numb",
    ],
    "both-legs": ["both my legs have gone weak", "my legs keep giving way", "I can't feel my legs"],
    "fever": [
        "back pain and a fever",
        "I have a temperature of 39",
        "shivering with night sweats",
        "I've got the chills and back pain",
    ],
    "trauma": ["fell off a ladder yesterday", "hurt my back in a car accident", "came off my motorbike"],
    "weight-loss": [
        "losing weight without trying",
        "lost a stone for no reason",
        "unexplained weight loss",
        "dropped 10kg for no reason",
    ],
    "cancer": [
        "I had breast cancer five years ago",
        "history of prostate cancer",
        "I'm on chemo",
        "had lymphoma in my twenties, all clear now, is it worth telling someone about my back?",
    ],
    "night-pain": [
        "the pain at night is unbearable",
        "it wakes me up every night",
        "can't sleep because of the pain",
        "constant and worst at nite",
        "constant ache, zero relief lying down, far worse at night",  # "zero" denies the relief, not the sign
    ],
    "chest-pain": ["chest pain and back pain", "tightness in my chest", "pain in my chest"],
    "age": [
        "I'm 58 and my back started hurting last week, never had it before",
        "my 15 year old has had back pain since Monday",
        "aged 72, sudden back pain this morning",
    ],
}
NOT_RED_FLAGS = [
    "how do I cancel my subscription",
    "can exercise help me lose weight",
    "is it ok to exercise at night",
    "what is the best sleeping position",
    "should I stop if it hurts",
    "fall behind on my training",
    "can I do chest presses with back pain",
    "is it safe to exercise when I am in pain",
    "I fell off the wagon with my exercises",
    "I can't stand for long",
    "I can't sleep on my side",
    "my mum had cancer years ago",
    "my dog had a tumour removed",
    "her legs have been weak for years",
    "my back is a bit worse at night",
    "a spasm makes standing up straight hard",
    "no numbness or tingling down below",
    "thinking of getting a different saddle for my bike",
    "lost some weight after cutting out sugar",
    "someone reversed into our parked car, nobody was in it",
    "I haven't lost control of my bladder",
    "I had a fever last week but it's gone now",
    "I'm 65 and have had a bad back for 30 years",
    "my chest doesn't hurt, only my back",
    "Chest pain? No. Just my back.",
    "the doctor asked if I had any numbness in the saddle area",
    "I lost a stone on a diet and feel great",
    "my knee has started swelling up",
]


@pytest.mark.parametrize(("sign", "message"), [(s, m) for s, ms in PHRASINGS.items() for m in ms])
def test_red_flag_phrasings(bot: faqbot.Bot, sign: str, message: str) -> None:
    assert sign in [s.id for s in bot.screen.screen(message)]


@pytest.mark.parametrize("message", NOT_RED_FLAGS)
def test_ordinary_questions_are_not_red_flags(bot: faqbot.Bot, message: str) -> None:
    assert bot.screen.screen(message) == []


def test_every_sign_in_the_knowledge_base_has_test_phrasings(bot: faqbot.Bot) -> None:
    assert bot.kb.red_flags is not None
    assert {s.id for s in bot.kb.red_flags.signs} == set(PHRASINGS)


def test_pattern_syntax() -> None:
    flags = RedFlags("Go now.", "Test", (RedFlag("x", "x", ("numb* groin|inner_thigh",)),))
    screen = Screen(flags, Normaliser())
    assert screen.screen("numbness on my inner thigh")
    assert screen.screen("my groin is numb")
    assert screen.screen("numbnes in the groin")  # a small typo
    assert not screen.screen("my thigh is numb")  # `inner_thigh` is a phrase
    assert not screen.screen("numb fingers")


@pytest.mark.parametrize("kind", [list, tuple])
def test_cues_read_words_the_same_as_a_list_or_a_tuple(kind: type) -> None:

    assert cues.in_the_past(kind("it happened in the past".split()))
    assert cues.someone_else(kind("i am a girl and my legs are numb".split()), 7) is None
    assert cues.on_behalf(kind("asking for my mum her legs are numb".split()))
    assert cues.ages(kind("i was born in 1950".split()))
    assert cues.has_phrase(kind("it is in the past now".split()), ("in the past",))


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("Is hot yoga safe with back pain?", "whether"),
        ("so can I still run or not", "whether"),
        ("Exercise now is ok or not ok?", "whether"),
        ("which exercises are ok when my back is sore?", "which"),
        ("what stretches help a stiff back?", "which"),
        ("Is there a type of exercise that helps?", None),  # "is there" asks which, in yes/no clothing
        ("do u have any exercises for back pain", None),
        ("Is it ok to exercise, and if so what exercises should I do?", None),  # both ways: no form
        ("what if it hurts?", None),
        ("If the exercise causes me pain, should I stop?", "whether"),  # the part that asks opens with "should"
        ("Is cycling or rowing better for a sore lower back?", "which"),  # a choice between two
        ("Is cycling ok with my sore back or am I better off resting?", "whether"),  # "better off" compares nothing
        ("swimming with a sore back ok??", "whether"),  # a fragment asking for a verdict
        ("Swimming I can continue with my back pain?", "whether"),  # a statement's word order, asked
        ("Is there one I can do sitting down?", None),  # "I can" inside the question is no such order
        ("back's stiff today. climbing wall?", "whether"),  # a thing named alone asks whether one may
        ("hockey practice tonight y/n?", "whether"),  # the answers typed after it
        ("my back is sore. stretches?", None),  # a noun that asks for a list names no one thing
    ],
)
def test_question_form_tells_whether_from_which(question: str, form: str | None) -> None:
    sentences = Normaliser().sentences(question)
    asked = [s.plain[s.plain_index(low) : s.plain_index(high - 1) + 1] for s in sentences for low, high in s.asking]
    assert cues.question_form(asked) == form


@pytest.mark.parametrize(
    "message",
    [
        "I wake at 4 with my back aching, has been like that since last week",
        "you ring the surgery at 8 and it's full by 8.05, so no appointment yet",
    ],
)
def test_a_time_of_day_is_not_an_age(message: str) -> None:
    words = [w for s in Normaliser().sentences(message) for w in s.plain]
    assert cues.ages(words) == []


def test_an_age_after_at_still_reads(bot: faqbot.Bot) -> None:
    words = [w for s in Normaliser().sentences("retired at 66 and my back started hurting last week") for w in s.plain]
    assert cues.ages(words) == [66]
