"""The safety net: every red flag of the knowledge base, phrased the ways people say it, is escalated wherever
it comes, in its tier; harmless look-alikes are not; a raised sign is remembered; medical topics the article
does not cover are referred.

Each sign has at least three everyday phrasings here. Each must get an `urgent` reply naming that sign as the
first message of a conversation, at every step of every follow-up flow, after an answer, a clarifying
question, a fallback, small talk, a referral and another urgent reply. Every `urgent` reply carries its
tier's message and numbers. A sign added to the knowledge base without phrasings here fails the coverage test.

The blind sets in `data/blind/` (written from the guidance only, labelled separately; see their headers) are
run the same way: first message and mid-conversation, with the recall, false-alarm and referral targets.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from pathlib import Path

import pytest

import faqbot
from faqbot.knowledge import Entry
from faqbot.text import fold
from faqbot.tooling.evaluate import Labelled, evaluate_cases, load_cases

BLIND = Path(__file__).parent / "data" / "blind"
SAFETY_SETS = sorted(BLIND.glob("safety_*.yaml"))
"""The held-out set is scored, never printed: a failing test says how many, not which."""

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
    "age": [
        "I'm 56 and my back started hurting on Monday, I've never had back trouble",
        "my 14 year old son suddenly has back pain since the weekend",
        "my 12 year old has had a bad back since last week, out of nowhere",
        "aged 70 and this back pain came out of nowhere last week",
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


def _warned(bot: faqbot.Bot, sign: str, phrasing: int = 0) -> faqbot.Session:
    """A conversation in which `sign` has just been raised: where the tests of what comes after a warning start."""
    return _after([PHRASINGS[sign][phrasing]], "urgent")(bot)


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
        ("after a referral", _after(["how much ibuprofen can I take?"], "fallback")),
        ("after another urgent reply", _after(["I have lost control of my bladder"], "urgent")),
    ]
    return contexts


def _check_urgent(bot: faqbot.Bot, reply: faqbot.Reply, sign: str) -> None:
    flags = bot.kb.red_flags
    assert flags is not None
    assert reply.kind == "urgent" and sign in reply.signs
    tier = flags.tier(reply.tier or "")
    assert reply.tier == (
        "emergency" if any(s.tier == "emergency" for s in flags.signs if s.id in reply.signs) else "urgent"
    )
    assert tier.message.strip() in reply.markdown
    assert "You mentioned:" in reply.text
    assert [c.number for c in reply.calls][:1] == [tier.calls[0].number]
    assert tier.calls[0].number in reply.text


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


# -- tiers ---------------------------------------------------------------------------------------------


def test_an_emergency_sign_says_call_999_and_an_urgent_one_says_see_a_doctor_today(bot: faqbot.Bot) -> None:
    emergency = bot.session().ask(PHRASINGS["saddle-numbness"][0])
    urgent = bot.session().ask(PHRASINGS["fever"][0])
    assert (emergency.tier, urgent.tier) == ("emergency", "urgent")
    assert "Call 999" in emergency.text and "NHS 111" not in emergency.text.split("You mentioned")[0]
    assert "NHS 111" in urgent.text and "today" in urgent.text
    assert [c.number for c in emergency.calls] == ["999"]
    assert [c.number for c in urgent.calls] == ["111", "999"]


def test_signs_of_both_tiers_get_the_emergency_message_naming_all(bot: faqbot.Bot) -> None:
    reply = bot.session().ask("I've got a fever and both my legs have gone weak")
    assert reply.tier == "emergency" and set(reply.signs) == {"both-legs", "fever"}
    assert reply.signs[0] == "both-legs"  # the most serious first
    assert "weakness or numbness in both legs" in reply.text and "a fever or high temperature" in reply.text


def test_tier_and_numbers_are_in_the_json_reply(bot: faqbot.Bot) -> None:
    data = bot.session().ask(PHRASINGS["chest-pain"][0]).to_dict()
    assert data["kind"] == "urgent" and data["tier"] == "emergency" and data["signs"] == ["chest-pain"]
    assert data["calls"] == [{"number": "999", "label": "999"}]
    assert bot.session().ask("hello").to_dict()["tier"] is None


# -- the warning stays ---------------------------------------------------------------------------------


def test_a_later_exercise_reply_starts_with_a_reminder_of_the_sign(bot: faqbot.Bot) -> None:
    session = bot.session()
    assert session.ask(PHRASINGS["fever"][1]).kind == "urgent"
    assert session.state["flags"] == ["fever"]
    reply = session.ask("so which exercises then?")
    assert reply.kind == "answer" and reply.entry_id in ("recommended-exercises", "safe-exercises")
    first = reply.text.split("\n")[0]
    assert "a fever or high temperature" in first and "today" in first
    follow_up = session.ask("is it safe to exercise when I am in pain?")
    assert follow_up.kind == "follow_up" and "a fever or high temperature" in follow_up.text.split("\n")[0]


@pytest.mark.parametrize("message", ["I'm fine now honestly", "it's probably just a cold", "I'll call tomorrow"])
def test_playing_a_sign_down_gets_a_kind_restatement(bot: faqbot.Bot, message: str) -> None:
    session = _warned(bot, "bladder-bowel", 1)
    reply = session.ask(message)
    assert reply.kind == "urgent" and reply.tier == "emergency" and reply.signs == ("bladder-bowel",)
    assert "loss of bladder or bowel control" in reply.text and "999" in reply.text
    assert reply.markdown != session.bot.session().ask(PHRASINGS["bladder-bowel"][1]).markdown  # not a repeat


@pytest.mark.parametrize(
    "message",
    [
        "could that be from my slipped disc?",
        "right. honestly a bit frightened now",
        # how serious it is: about the warning, not a diagnosis question for the GP referral
        "how serious is that then? it barely hurts",
        "should I be worried about it?",
    ],
)
def test_after_a_warning_asking_about_it_or_being_frightened_gets_it_again(bot: faqbot.Bot, message: str) -> None:
    session = _warned(bot, "bladder-bowel", 1)
    reply = session.ask(message)
    assert reply.kind == "urgent" and reply.signs == ("bladder-bowel",) and "999" in reply.text, reply.text


def test_asking_what_to_do_after_a_warning_gets_the_warning_again(bot: faqbot.Bot) -> None:
    session = _warned(bot, "night-pain")
    reply = session.ask("so what do I do now?")
    assert reply.kind == "urgent" and "please still get it checked today" in reply.text, reply.text


def test_a_question_of_its_own_after_an_ok_is_about_the_warning(bot: faqbot.Bot) -> None:
    session = _warned(bot, "trauma")
    reply = session.ask("hmm ok. what would the doctor even do?")
    assert reply.kind == "urgent" and reply.signs == ("trauma",), reply.text
    assert session.ask("ok will do").kind == "smalltalk"


@pytest.mark.parametrize(
    "message",
    ["nah nothing's broken, I can still walk normally", "I'm grand, honestly. walking fine, just a bit sore"],
)
def test_pointing_to_what_still_works_plays_the_sign_down(bot: faqbot.Bot, message: str) -> None:
    reply = _warned(bot, "trauma").ask(message)
    assert reply.kind == "urgent" and reply.signs == ("trauma",), reply.text
    assert "please still get it checked today" in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "nah I'll be fine, just tell me which exercises to do",
        "probably just knackered tbh. what stretches are ok",
        # doubting the need, or care out of reach, on the way to a question
        "does it have to be today? I can't get off my shift. Could I do some stretches instead?",
        "we can't afford the hospital right now, so what exercises can I do at home?",
        # trying exercise first instead of care
        "could I do a few gentle stretches first and see if it eases off?",
    ],
)
def test_dismissing_a_sign_on_the_way_to_a_question_gets_the_restatement(bot: faqbot.Bot, message: str) -> None:
    session = _warned(bot, "trauma")
    reply = session.ask(message)
    assert reply.kind == "urgent" and reply.signs == ("trauma",), reply.text
    assert "please still get it checked today" in reply.text
    later = session.ask("which exercises do you recommend?")  # asked again, the question is answered
    assert later.kind == "answer" and later.text.startswith("First, please get")


@pytest.mark.parametrize(
    "message",
    [
        "I'll ring the GP tomorrow. In the meantime, what exercises do you recommend?",
        "I'm seeing the doctor later, but which exercises are safe for me till then?",
        # no question mark, the question after a lead-in
        "ok I'll phone the surgery. meanwhile which exercises are safe for me",
    ],
)
def test_putting_care_off_with_a_question_answers_it_with_the_reminder(bot: faqbot.Bot, message: str) -> None:
    session = _warned(bot, "trauma")
    reply = session.ask(message)
    assert reply.kind == "answer" and reply.entry_id in {"recommended-exercises", "safe-exercises"}, reply.text
    assert reply.text.startswith("First, please get") and "trauma" not in reply.text  # the sign's label, kindly


@pytest.mark.parametrize(
    "message",
    ["I'd rather not bother the doctor, they're so busy", "fine, I'll ring them in the morning"],
)
def test_not_wanting_to_bother_anyone_or_waiting_till_morning_puts_care_off(bot: faqbot.Bot, message: str) -> None:
    session = _warned(bot, "fever")
    assert session.ask(message).kind == "urgent"


@pytest.mark.parametrize("message", ["hes fine he says, just doesnt want a fuss", "she won't have any fuss made"])
def test_someone_else_waving_the_warning_away_gets_it_again(bot: faqbot.Bot, message: str) -> None:
    session = bot.session()
    assert session.ask("my grandad is 82 and fell down the stairs yesterday, his back hurts").kind == "urgent"
    reply = session.ask(message)
    assert reply.kind == "urgent" and "trauma" in reply.signs


def test_a_clarifying_question_after_a_warning_carries_the_reminder_too(bot: faqbot.Bot) -> None:
    session = _warned(bot, "trauma")
    reply = session.ask("exercises")  # bare keywords: which question is meant?
    assert reply.kind == "clarify"
    assert reply.text.startswith("First, please get back pain after a fall or accident checked")


def test_playing_down_without_a_sign_raised_is_not_urgent(bot: faqbot.Bot) -> None:
    assert bot.session().ask("I'm fine now honestly").kind != "urgent"


def test_a_new_sign_in_a_later_message_is_added(bot: faqbot.Bot) -> None:
    session = _warned(bot, "fever")
    reply = session.ask(PHRASINGS["both-legs"][0])
    assert reply.tier == "emergency" and session.state["flags"] == ["fever", "both-legs"]
    later = session.ask("What exercises are safe for me to perform?")
    assert "both legs" in later.text.split("\n")[0] and "999" in later.text.split("\n")[0]


def test_remembered_signs_survive_a_saved_state(bot: faqbot.Bot) -> None:
    state = bot.session().ask(PHRASINGS["cancer"][0]).state
    reply = bot.session(state).ask("What exercises are safe for me to perform?")
    assert "a history of cancer" in reply.text.split("\n")[0]


# -- context that cancels a sign ------------------------------------------------------------------------

CANCELLED = [
    ("negation", "no numbness or tingling down below, just a sore back"),
    ("negation", "I haven't lost control of my bladder or anything"),
    ("after", "Chest pain? No. Just my lower back."),
    ("reported", "the doctor asked if I had any numbness around my bottom and I said no"),
    ("someone else", "my dog had a tumour removed last year"),
    ("someone else", "my mum had a fever last week, I'm fine"),
    ("past", "I had a fever back in January but that's long gone"),
    ("long-standing", "my legs have been weak for years because of my knees"),
    ("idiom", "I fell off the wagon with my stretches"),
    ("a phrase's leading 'even' is kept", "lying down at night eases it completely, it only aches after work"),
    ("drinking, not retention", "bursting for the loo after three pints, is cycling ok for my back?"),
    ("posture, not chest pain", "does standing with my chest out help back pain?"),
    ("an angle, not a temperature", "straight leg raise only gets to 40 degrees, which exercises help my back?"),
    ("age, long-standing", "I'm 67 and I've had a bad back since my thirties"),
    ("an idiom after 'but' qualifies the sign", "I tripped on the stairs but caught myself, my back was sore already"),
    ("a crash seen, not in it", "I saw a crash on the way to work, I wasn't involved. Is walking ok for my back?"),
    ("a fall feared", "I'm scared of falling on the ice, is walking ok for my back?"),
    ("a pet's illness", "Cat's tumour is out and she's doing well. Which back exercises first?"),
    ("weight lost by walking", "my jeans are looser since I started walking daily, should I add weights?"),
    ("resolved, in learner's English", "I had fever last month from flu, now it is finish. Can I exercise?"),
    ("homework", "what is the cauda equina, for my biology homework?"),
    (
        "a relative's illness set apart from one's own back",
        "my dad had cancer in his spine years ago but mine is from sitting",
    ),
]
STANDS = [
    ("ability, not denial", "I have no feeling down there at all", "saddle-numbness"),
    ("ability, not denial", "I can't hold my wee any more", "bladder-bowel"),
    ("on behalf, now", "my husband can't feel his legs since this morning", "both-legs"),
    ("on behalf, now", "my mum's 81 and her back started hurting last week", "age"),
    ("history is the sign", "I had breast cancer ten years ago, all clear now", "cancer"),
    ("doubt is not denial", "not sure if it's numbness but my groin feels odd", "saddle-numbness"),
    ("'no can' is an inability", "since Sunday I no can feel nothing between the legs", "saddle-numbness"),
    ("Scots negation", "there's nae feeling roond my bum since Saturday", "saddle-numbness"),
    ("Scots negation", "I cannae pee, been trying for an hour", "bladder-bowel"),
    ("dropped g, intensifier", "I'm losin weight and no even tryin", "weight-loss"),
    ("diet unchanged", "I lost a stone without any change to what I eat", "weight-loss"),
    ("age as 'I have N years'", "I have 67 years and the pain in my back is new since Tuesday", "age"),
    ("age as 'a woman of N'", "a woman of 75, back pain for the first time this week", "age"),
    ("'is that normal?' is no idiom", "hot and shivery since lunch with a bad back, is that normal?", "fever"),
    (
        "'gone' as 'become', not resolved",
        "my bum had all gone to sleep last night and it still feels that way",
        "saddle-numbness",
    ),
    (
        "an excuse before 'but'",
        "could be the old bed, but the pain never lets up and wakes me every night",
        "night-pain",
    ),
    ("chills are the sign", "he's got the chills and a high temp with his bad back", "fever"),
    ("a relative's age in a clause of its own", "my dad, who is 79, has had new back pain since Monday", "age"),
    ("'should' asks", "dropped a stone without trying, what should I do for my back?", "weight-loss"),
    ("an age is no duration", "for my father, he has 45 years, he can't feel his bum since Sunday", "saddle-numbness"),
    ("where one sat explains nothing", "on the train home I couldn't feel the seat under me at all", "saddle-numbness"),
    ("shivering despite the heating", "shivering under two duvets with the heating on full, back's agony", "fever"),
    ("a double negative", "since Tuesday I can't feel nothing round my bottom", "saddle-numbness"),
    ("patois 'mi' as 'I'", "mi cyaan hold mi water since mi back go", "bladder-bowel"),
    ("'my' legs after 'she'", "she said it's a spasm, and also both my legs feel weak and wobbly", "both-legs"),
]


@pytest.mark.parametrize(("why", "message"), CANCELLED)
def test_context_cancels_a_sign(bot: faqbot.Bot, why: str, message: str) -> None:
    assert bot.screen.screen(message) == [], why


@pytest.mark.parametrize(("why", "message", "sign"), STANDS)
def test_context_that_does_not_cancel_a_sign(bot: faqbot.Bot, why: str, message: str, sign: str) -> None:
    assert sign in [s.id for s in bot.screen.screen(message)], why


# -- referrals -----------------------------------------------------------------------------------------

REFERRALS = [
    ("diagnosis", "my physio says disc, my osteopath says muscle. who do I believe?"),
    ("children", "my girl has 12 years and her back hurts after dance, is it normal?"),
    ("pregnancy", "up the duff with number two and my back's killing me, what exercises are ok?"),
    ("diagnosis", "The pain runs down my right leg only. Is that sciatica?"),
    ("diagnosis", "My scan report mentions 'mild degenerative changes'. Is that bad?"),
    ("diagnosis", "My GP says I get spondylosis. What be that?"),
    ("other-body-part", "My back is fine now but my ankle is swollen after football. What should I do?"),
    ("medication", "how much ibuprofen can I take with my back?"),
    ("medication", "I took two co-codamol, can I go for a run now?"),
    ("surgery", "how soon after a discectomy can I start exercising?"),
    ("pregnancy", "I'm 20 weeks pregnant and my lower back aches, what exercises are safe?"),
    ("children", "my 9 year old's back hurts after PE, what should he do?"),
    ("other-body-part", "my knee hurts when I run, what can I do?"),
    ("diagnosis", "is this sciatica or a pulled muscle?"),
    ("children", "I'm 13 and my back hurts after football, what should I do?"),  # the writer's own age
    ("children", "my 7th grader's lower back has ached since the start of term, what should we do?"),
    ("surgery", "are facet joint injections safe for my lower back?"),  # a procedure named in the plural
    ("pregnancy", "are the stretches in this article ok while I'm pregnant?"),  # "this article" is no hearsay
    ("pregnancy", "my partner is in her 7th month and her lower back aches, which exercises can she do?"),
    # Nigerian Pidgin; another part asked for by name though the back is mentioned too
    ("pregnancy", "I get belle now, five months, and my back dey pain me. Wetin I fit do?"),
    ("other-body-part", "my elbow is giving me more grief than my back lately, any exercises for the elbow?"),
    # the part a question ends on is what it asks about, whatever the back pain told before it
    ("other-body-part", "my back's a lot better. my shoulder is the problem now, how do I loosen the shoulder?"),
    ("other-body-part", "squats are fine for my lower back but they leave me limping. what can I do about my ankles?"),
    # everyday care the article does not cover, asked about in its own right
    ("everyday-care", "which pillow is best if I sleep on my side with a sore lower back?"),
    ("everyday-care", "what's the right sitting posture at my desk for a bad back?"),
    ("everyday-care", "what trainers should I get for my walks, with my back the way it is?"),
    # the upper spine is another part, though "spine" is the back's word; a toddler carried is the writer's load
    ("other-body-part", "stiffness in my thoracic spine since I started a desk job. which stretches are good?"),
    ("other-body-part", "knots in my upper back from lifting my toddler all day, what can I do?"),
    # "continue it" points back to the medicine named before
    ("medication", "I've been on amitriptyline for a month. can I continue it now I'm doing the exercises?"),
    # harm to the baby asked, the pregnancy told as weeks in the next sentence
    ("pregnancy", "could sit ups harm the baby? 22 wks and my lower back is sore"),
    ("pregnancy", "is it ok for the baby if I do the back stretches lying down. I'm six months along"),
]


@pytest.mark.parametrize(("topic", "message"), REFERRALS)
def test_medical_topics_the_article_does_not_cover_are_referred(bot: faqbot.Bot, topic: str, message: str) -> None:
    reply = bot.session().ask(message)
    referral = next(r for r in bot.kb.referrals if r.id == topic)
    assert (reply.kind, reply.referral, reply.entry_id) == ("fallback", topic, None)
    assert referral.reply.strip() in reply.markdown
    assert not reply.text.startswith("Yes")


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        (
            "My GP gave me some painkillers and said to keep active. What type of exercises do you recommend?",
            "recommended-exercises",
        ),
        ("I have bad knees too. Which exercises are safe for my lower back?", "safe-exercises"),
        (
            "I had my kids years ago and my back still aches. Is there an alternative to exercise?",
            "alternatives-to-exercise",
        ),
        # a named diagnosis is the background of a question asking for a verdict, not the question
        ("Is it safe to keep jogging with a bulging disc?", "exercise-when-in-pain"),
        (
            "got a slipped disc and my rehab stretches ache a bit, is it normal for the stretches to hurt?",
            "stop-if-painful",
        ),
        # feet in an idiom ("on my feet all day" is standing), knees in an exercise's name
        (
            "I'm on my feet all day at the warehouse and my back aches, what exercises do you recommend?",
            "recommended-exercises",
        ),
        ("the knees to chest stretch hurts my lower back a bit, do I stop doing it?", "stop-if-painful"),
        # a part the answer itself works on, asked of in the question but not asked for
        ("which hip and glute exercises are safe for my lower back?", "safe-exercises"),
        # everyday care in the background of a question about exercise
        (
            "I'm stuck in an office chair 9 to 5, which exercises would you recommend for my back?",
            "recommended-exercises",
        ),
    ],
)
def test_a_topic_mentioned_around_an_article_question_does_not_take_it_over(
    bot: faqbot.Bot, message: str, entry: str
) -> None:
    reply = bot.session().ask(message)
    assert reply.referral is None and reply.entry_id == entry


def test_a_dose_asked_of_medicines_named_before_is_referred(bot: faqbot.Bot) -> None:
    session = bot.session()
    assert session.ask("my doctor gave me naproxen for my back").referral == "medication"
    reply = session.ask("how many of them can I take in a day?")
    assert (reply.kind, reply.referral) == ("fallback", "medication")


def test_a_referral_during_a_follow_up_keeps_the_question_open(bot: faqbot.Bot) -> None:
    session = bot.session()
    session.ask("Is it safe to exercise when I am in pain?")
    reply = session.ask("ok, is it safe after painkillers?")
    assert reply.referral == "medication" and reply.options == ("Yes", "No", "Not sure")
    assert reply.text.rstrip().endswith("Has a doctor advised exercise for your recovery?")
    assert session.state["slots"] == {}
    assert session.ask("no").entry_id == "exercise-when-in-pain"


def test_a_pregnancy_told_while_a_follow_up_question_is_pending_is_referred(bot: faqbot.Bot) -> None:
    session = bot.session()
    session.ask("can I still swim with a sore back?")
    session.ask("yes, my GP said so")
    reply = session.ask("I'm also 8 weeks pregnant, does that count?")
    assert reply.kind == "fallback" and reply.referral == "pregnancy", reply.text


def test_a_pregnancy_mentioned_once_applies_to_what_is_asked_after_it(bot: faqbot.Bot) -> None:
    session = bot.session()
    assert session.ask("I'm 24 weeks pregnant").referral == "pregnancy"
    assert session.state["referred"] == ["pregnancy"]
    later = session.ask("so can I still go running?")
    assert later.kind == "fallback" and later.referral == "pregnancy" and "midwife" in later.text
    assert session.ask("thanks").kind == "smalltalk"  # courtesy is not about the back
    general = session.ask("ok, in general then, what exercises do you recommend for back pain?")
    assert general.kind == "answer" and general.entry_id == "recommended-exercises"
    assert "referred" not in session.state  # asked in general: the rest is answered as asked
    after = session.ask("and is there anything I should avoid?")
    assert after.kind == "answer" and after.referral is None


def test_someone_elses_pregnancy_does_not_refer_the_writers_own_questions(bot: faqbot.Bot) -> None:
    session = bot.session()
    assert session.ask("my wife is 6 months pregnant and her back aches, can she exercise?").referral == "pregnancy"
    reply = session.ask("and me, I have back pain too, can I exercise when it hurts?")
    assert reply.kind == "follow_up" and reply.entry_id == "exercise-when-in-pain"


def test_an_operation_mentioned_once_is_not_remembered(bot: faqbot.Bot) -> None:
    session = bot.session()
    assert session.ask("my surgeon suggested an epidural injection, should I have it?").referral == "surgery"
    assert session.ask("if exercises are causing pain should I stop?").entry_id == "stop-if-painful"


# -- the blind sets: first message and mid-conversation ------------------------------------------------


def _shown(report_cases: list[Labelled], path: Path, text: str) -> str:
    """Failures of a development set are listed; of the held-out set only counted (it is never looked at)."""
    return text if "holdout" not in path.name else f"{len(report_cases)} held-out messages (not listed)"


TARGETS = {"emergency": 1.0, "urgent": 0.98, "false alarms": 0.03, "referrals": 0.90}
"""Where the screen must be on the development sets (tuned on; a little slack for the writer-labelled set)."""
DEV_SLACK = 0.03
HOLDOUT_FLOOR = {"emergency": 0.90, "urgent": 0.90, "false alarms": 0.05, "referrals": 0.80}
"""Near what the screen reached on the held-out set (README "Safety"; its second version, written when the first
was retired to development, gave 5.0 % false alarms on arrival): below the targets, so these are floors that catch
a regression, not the goal."""


@pytest.mark.parametrize("path", SAFETY_SETS, ids=[p.stem for p in SAFETY_SETS])
def test_blind_sets_red_flags_false_alarms_and_referrals(bot: faqbot.Bot, path: Path) -> None:
    report = evaluate_cases(bot, list(load_cases(path)))
    want = _wanted(path)
    missed = [r for r in report.results if r.case.expect.kind == "urgent" and r.got.kind != "urgent"]
    why = _shown([r.case for r in missed], path, "\n".join(f"{r.case.text!r}: {r.got}" for r in missed))
    assert (report.tier_recall("emergency") or 0) >= want["emergency"], why
    assert (report.tier_recall("urgent") or 0) >= want["urgent"], why
    assert (report.false_alarm_rate or 0) <= want["false alarms"]
    assert report.referral_routing is None or report.referral_routing >= want["referrals"]  # a set may have none


def _wanted(path: Path) -> dict[str, float]:
    if "holdout" in path.name:
        return HOLDOUT_FLOOR
    return {k: v + DEV_SLACK if k == "false alarms" else v - DEV_SLACK for k, v in TARGETS.items()}


@pytest.mark.parametrize("path", SAFETY_SETS, ids=[p.stem for p in SAFETY_SETS])
def test_blind_red_flags_mid_conversation(bot: faqbot.Bot, path: Path) -> None:
    urgent = [c for c in load_cases(path) if c.expect.kind == "urgent"]
    missed: dict[str, list[str]] = {"emergency": [], "urgent": []}
    contexts = _contexts(bot)
    for name, start in contexts:
        for case in urgent:
            if start(bot).ask(case.text).kind != "urgent":
                missed[case.expect.tier or "urgent"].append(f"{name}: {case.text!r}")
    want = _wanted(path)
    total = {t: sum(c.expect.tier == t for c in urgent) * len(contexts) for t in missed}
    for tier, cases in missed.items():
        assert len(cases) <= (1 - want[tier]) * total[tier] + 1e-9, _shown([], path, "\n".join(cases))


@pytest.mark.parametrize(
    "message",
    [
        "ok but i cant really go to A&E tonight, ive got the kids. can it wait till monday?",
        "my mom says its growing pains",
    ],
)
def test_after_a_warning_a_message_the_bot_cannot_answer_gets_the_warning_again(bot: faqbot.Bot, message: str) -> None:
    session = _warned(bot, "saddle-numbness")
    reply = session.ask(message)
    assert reply.kind == "urgent" and reply.tier == "emergency", reply.text
    assert "Call 999" in reply.text and "Sorry, I can't answer" not in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "and cycling, is that alright for now?",
        "and my walks, alright to keep doing them for now?",
        # a question tag without its question mark still asks
        "ok, but realistically, a gentle walk wouldn't hurt would it",
    ],
)
def test_after_a_warning_a_loosely_worded_exercise_question_is_answered_under_the_reminder(
    bot: faqbot.Bot, message: str
) -> None:
    session = _warned(bot, "fever")
    reply = session.ask(message)
    assert reply.kind in ("answer", "follow_up", "clarify"), reply.text
    assert reply.text.startswith("First, please get a fever or high temperature checked")


@pytest.mark.parametrize("message", ["should I see my GP first?", "is it ok to drive myself to the hospital?"])
def test_after_a_warning_a_question_about_getting_care_gets_the_warning_again(bot: faqbot.Bot, message: str) -> None:
    session = _warned(bot, "fever")
    reply = session.ask(message)
    assert reply.kind == "urgent" and reply.tier == "urgent", reply.text


@pytest.mark.parametrize(
    "message",
    [
        "ok ok, my partner will drive me in now",
        "right, calling them now. thanks",
        "we're on our way",
        "will do",
        "Alright, I'll make an appointment. Thank you",
        "my daughter can take me this afternoon",
        "Right, will ring the surgery now. Cheers",  # an intention with its subject left out asks nothing
        "ok fine ill go",  # "i'll" without its apostrophe
        # taking someone else in
        "right, I'm taking her to A&E now",
    ],
)
def test_after_a_warning_going_for_care_is_wished_well_not_warned_again(bot: faqbot.Bot, message: str) -> None:
    session = _warned(bot, "both-legs")
    reply = session.ask(message)
    assert reply.kind == "smalltalk" and "the right thing to do" in reply.text and "999" in reply.text
    assert session.state["flags"] == ["both-legs"]  # still remembered
    assert session.ask("I'll call them tomorrow").kind == "urgent"  # putting it off is not going


def test_an_age_that_opens_a_later_sentence_is_read(bot: faqbot.Bot) -> None:
    reply = bot.session().ask("so fed up. 61, and this lower back pain only started last week. can I swim?")
    assert reply.kind == "urgent" and reply.signs == ("age",), reply.text
    # a number opening a sentence is no age when a unit follows it
    assert bot.session().ask("so fed up. 12 weeks of a sore lower back now. can I swim?").kind != "urgent"


@pytest.mark.parametrize(
    "message",
    ["I'll ring them in the morning... actually no, scratch that, ringing 111 now", "ok, will try 111 then"],
)
def test_putting_care_off_then_taking_it_back_or_trying_111_is_going_for_care(bot: faqbot.Bot, message: str) -> None:
    session = _warned(bot, "fever")
    reply = session.ask(message)
    assert reply.kind == "smalltalk" and "the right thing to do" in reply.text, reply.text


@pytest.mark.parametrize(
    "message",
    ["I'm 17 and my lower back has been sore after the gym, what stretches?", "I'm 18, got back pain from gaming"],
)
def test_a_writer_under_20_with_back_pain_now_gets_the_age_sign_without_new(bot: faqbot.Bot, message: str) -> None:
    reply = bot.session().ask(message)
    assert reply.kind == "urgent" and reply.signs == ("age",), reply.text


@pytest.mark.parametrize(
    "message",
    [
        "I'm 19 and my back is fine, I just want to avoid back pain when I start lifting weights",
        "I'm 16, my back's fine, but my dad has a sore lower back. What exercises would help him?",
        "I'm 17 and have no back pain at all, which moves should I avoid when lifting?",
    ],
)
def test_a_young_writer_without_back_pain_of_their_own_gets_no_age_sign(bot: faqbot.Bot, message: str) -> None:
    assert bot.session().ask(message).kind != "urgent"


def test_the_time_of_a_booked_appointment_is_no_age(bot: faqbot.Bot) -> None:
    session = bot.session()
    assert session.ask("my back only started hurting yesterday and I've got a temperature").signs == ("fever",)
    reply = session.ask("ok, booked in with the GP at 4")
    assert reply.kind == "smalltalk" and "age" not in session.state["flags"], reply.text


def test_without_a_warning_going_somewhere_is_no_smalltalk_about_care(bot: faqbot.Bot) -> None:
    assert "the right thing to do" not in bot.session().ask("I'm on my way to the gym, is that ok?").text


def test_after_a_warning_a_short_question_is_not_read_in_the_earlier_answers_context(bot: faqbot.Bot) -> None:
    session = bot.session()
    assert session.ask("which exercises do you recommend for a bad back").kind == "answer"
    assert session.ask(PHRASINGS["both-legs"][0]).kind == "urgent"
    assert session.ask("Oh dear. Should I ring my daughter first?").kind == "urgent"


@pytest.mark.parametrize(
    ("message", "urgent"),
    [
        ("nah never been to a doc about it, it started like last week. im 16 btw", True),
        ("I'm 38 with three kids under 7 and my back went a fortnight ago, is it safe to keep dancing?", False),
        ("my son is 15 and his back started hurting last week, can he still play football?", True),
    ],
)
def test_the_age_sign_reads_the_writers_own_age_and_pain_named_by_a_pronoun(
    bot: faqbot.Bot, message: str, urgent: bool
) -> None:
    reply = bot.session().ask(message)
    assert (reply.kind == "urgent" and "age" in reply.signs) is urgent, reply.text


@pytest.mark.parametrize(
    ("message", "signs"),
    [
        ("slipped on the wet decking yesterday and landed on my backside, can I still do my stretches?", {"trauma"}),
        ("I'm 74 and took a tumble off the bus step, my back has ached ever since. Is walking ok?", {"trauma", "age"}),
    ],
)
def test_a_fall_told_by_where_one_landed_is_raised(bot: faqbot.Bot, message: str, signs: set[str]) -> None:
    reply = bot.session().ask(message)
    assert reply.kind == "urgent" and set(reply.signs) == signs, reply.text


def test_explaining_a_sign_away_on_the_way_to_a_question_gets_the_restatement(bot: faqbot.Bot) -> None:
    session = _warned(bot, "fever")
    reply = session.ask("I think it's because I sat by the radiator all day. Which exercises can I do?")
    assert reply.kind == "urgent" and "please still get it checked today" in reply.text


RAISED_IN_EVERYDAY_WORDS = [
    # a numbness explained away by sitting is still a numbness
    (
        "my bottom has gone numb since last night, probably from sitting at my desk. can I still stretch?",
        "saddle-numbness",
    ),
    ("mi back a hurt mi every night an it nuh ease off at all, mi cyaan sleep", "night-pain"),
    ("everyone says I've slimmed down but I've never dieted in my life, and my back aches", "weight-loss"),
    # Pidgin, patois, Filipino English, a relative told at length, a sentence running past "approx."
    ("my bum and inner thighs no dey feel anything since Saturday, back dey pain me", "saddle-numbness"),
    ("since this morning I no fit hold my urine, my back is very bad", "bladder-bowel"),
    ("I keep peeing myself without noticing and my back's been sore since the weekend", "bladder-bowel"),
    ("my back is agony and I pissed myself in the car this morning, I never even felt it", "bladder-bowel"),
    ("(college wrestling, sophomore, 19) tweaked my back at practice on monday, can I still lift?", "age"),
    # retention on someone's behalf, weight lost shown by clothes or scales, ages as a birthday or without the "I"
    (
        "my partner hasn't passed water since yesterday afternoon though he keeps trying, his back's bad",
        "bladder-bowel",
    ),
    ("my work trousers are a size smaller now and I haven't changed what I eat, back aching", "weight-loss"),
    ("had my 70th birthday last week and this back pain is brand new, can I do yoga?", "age"),
    ("am 67, back only started hurting on Sunday. walking ok?", "age"),
    ("Year 9 pupil, my lower back started hurting at netball last week", "age"),
    # struck, not fallen; a remedy that failed is no cause; a feeling only compared with a harmless scene
    ("a cow kicked me in the back at milking yesterday and it's agony", "trauma"),
    ("it's constant and worse every night, I've changed the mattress twice and nothing helps", "night-pain"),
    ("numb between my legs, like when you sit on your foot too long, and my back is agony", "saddle-numbness"),
    (
        "she's been trying to pee since breakfast after lifting her toddler and nothing happens, her back went",
        "bladder-bowel",
    ),
    ("my gran had a fall in the garden yesterday and her back is sore now", "trauma"),
    ("fell off the jeepney this morning, landed on the road, my back hurts", "trauma"),
    ("Fell approx. 3 metres from a ladder on Sunday, lower back has hurt since", "trauma"),
    ("I'm losing weight even though I eat normally, and my back aches", "weight-loss"),
    (
        "my husband is 40, he has had a temperature of 38.9 since Monday and now bad low back pain. Should he rest",
        "fever",
    ),
    ("my back aches constantly and it's much worse once the sun goes down", "night-pain"),
    ("My lola is 80 po, her back only started hurting this week", "age"),
    ("My mama na 75, her back start to pain her this week", "age"),
    ("Mi a 66 an mi back jus start hurt mi yesterday", "age"),
    # a sign wins over the referral topic it comes with
    (
        "I've been taking codeine for my back and since this morning I can't pee at all though I'm bursting",
        "bladder-bowel",
    ),
    ("Is it sciatica when it's both sides? Both feel numb from the knees down since this morning.", "both-legs"),
    ("my waist dey pain me and I no fit piss since morning", "bladder-bowel"),
    # clinical shorthand, what stopped working, and a roundabout word for each
    ("altered sensation over my medial thighs and perianal area since today, can I do bridges?", "saddle-numbness"),
    ("Since Monday I can't feel myself when I go to the toilet. Ok to keep stretching?", "saddle-numbness"),
    ("my poo just comes without me pushing now. which exercises are ok?", "bladder-bowel"),
    ("Last pee was about 14 hours ago and my back is agony. Can I do yoga?", "bladder-bowel"),
    ("I get the urge but I just can't go. is walking ok for my back?", "bladder-bowel"),
    ("since my back went I can't control my water. which stretches help?", "bladder-bowel"),
    ("both my legs keep folding under me since the weekend, is pilates ok?", "both-legs"),
    ("paracetamol hasn't touched this tight band across my chest. ok to swim?", "chest-pain"),
    ("my back aches and I'm radiating heat like a furnace. Can I go to pilates?", "fever"),
    ("I've had to make new holes in my belt without doing a thing. Should I do core work?", "weight-loss"),
    ("I had an adenocarcinoma removed in 2019 and now my lower back aches. Is running ok?", "cancer"),
    # a sign typed in fragments, read across them
    ("back gave out sunday. numb. round my backside and my bits. can i stretch?", "saddle-numbness"),
    ("keep having accidents. wee. since the back went", "bladder-bowel"),
    ("weak. both legs. back in bits since the weekend, swimming ok?", "both-legs"),
    # the sign's own words name the writer's body ("round my balls"), whoever was greeted first
    ("mate since yesterday its gone dead round my balls and my bum, back still sore. gym?", "saddle-numbness"),
    # numbness that stays, whatever started it
    ("after my ride my groin was numb and it has not come back since, hours now. back aches too", "saddle-numbness"),
    (
        "numb around my bum from sitting at my desk and it won't go away even after I stand up. back is sore",
        "saddle-numbness",
    ),
    # weakness, not sensing the need to go, fever and weight loss in other everyday ways
    ("both my legs are not strong any more and my back hurts, can I still swim?", "both-legs"),
    ("I can't tell anymore when I need a wee, my back has been bad since Friday", "bladder-bowel"),
    ("I honestly cannot tell whether I need the toilet, lower back has been sore for days", "bladder-bowel"),
    ("I don't seem to get the urge to go to the loo since my back started, is that normal?", "bladder-bowel"),
    ("neither of my legs does what I want since my back went", "both-legs"),
    ("having temperature since yesterday and low back pain. exercises?", "fever"),
    ("I've dropped a stone and I'm not on any diet, and my back aches", "weight-loss"),
    # a fall in Scots, a tackle that cracked, weight lost with the diet denied in a learner's grammar, numbness
    # likened to a ride that never happened
    ("came aff the quad bike on saturday and ma back's been sair since", "trauma"),
    ("got flattened in a tackle at footy and felt a crack in my lower back", "trauma"),
    ("I lose weight, my trousers are falling down, I am not on diet, and my back hurt", "weight-loss"),
    ("numb down below, like after a long horse ride, but I haven't been riding. back aches", "saddle-numbness"),
    # weight loss seen in the face, the reason for it told in a sentence of its own
    (
        "my mum has gone thin in the face these last months. She says she eats fine. Her back is bad, can she swim?",
        "weight-loss",
    ),
    # slimming said of the person, with no reason for it
    ("I keep slimming without trying, and my lower back is bad", "weight-loss"),
    ("she keeps slimming for no reason at all and now her back hurts", "weight-loss"),
    # retention told as a wait at the toilet that came to nothing
    ("sat on the loo for twenty minutes this morning, nada. back is agony", "bladder-bowel"),
    # what the legs will not do, said with "won't" / "don't" / "wouldn't"
    ("both my legs just won't take any weight since this morning", "both-legs"),
    ("my back went on Friday and now both legs don't work properly", "both-legs"),
    ("my legs both wouldnt lift me out of the chair this morning, back's been bad for days", "both-legs"),
    # losing weight while eating as before is unexplained
    ("I lose 5 kilo this month but I am eating same like always, also my back is hurting", "weight-loss"),
    # not knowing when you need to go; a misspelt ability after "not" is a loss, not a denial
    ("since my back went last week I just don't notice when I need the loo until I'm sat on it", "bladder-bowel"),
    ("my back hurts and i am not controll my wee since today", "bladder-bowel"),
    # numb like after the dentist; "felt numb" as well as "feels numb" when wiping
    ("bum cheeks feel like the dentist has been at them, back has been sore for days", "saddle-numbness"),
    (
        "wiped after the loo this morning and it felt numb, like there was cardboard in the way. back went on monday",
        "saddle-numbness",
    ),
]
LOOK_ALIKES = [
    "I nearly wet myself with excitement when my physio said I could run again! Which stretches first?",
    "completely dead on my feet after a night shift and my back's stiff, any gentle stretches?",
    "boiling after my spin class, is it ok to stretch my back straight away?",
    "my first crossfit session was a total crash and burn, back's sore, too much too soon?",
    "tripped over the cat, no harm done, but it made me want a stronger back. Where do I start?",
    "Hay fever is awful this week but my back feels much better. Which exercises next?",
    "Happy accident: walking the dog loosened my back up. Any other alternatives to the gym?",
    "My housemate has flu and a high temperature; I feel fine, just a stiff back. Can I exercise?",
    "legs like jelly after spin class as usual, which exercises are safe for my back?",
    # how often is not since when; a figure of speech; someone else's fall or fever; a decade of pain
    "My 13 year old games about 6 hours a day and his back aches most days, how do I get him to sit properly?",
    "Feel like I've been hit by a truck - figure of speech, tough week. Back's stiff. Safe to exercise in pain?",
    "Slipped on the stairs? Not me thankfully, my husband did. I have my usual achy back. What should I avoid?",
    "My boss is off with a fever and a bad back, but this is about me - no fever, a sore back. Can I exercise?",
    "I'm 58 and I've kept my sore back in check with exercise for a decade. If a new exercise hurts, do I stop?",
    # "back" as a time, not the body of the relative named
    "My husband had prostate cancer back in 2015, he's fine now, and I've got a stiff back from gardening. Stretches?",
    # a wet floor, a charity morning, a pace, a back long the same
    "Mopped the kitchen, slipped on the wet floor but caught myself on the worktop, back's same as ever. Stretches?",
    "Doing the Macmillan coffee morning at work so I've been on my feet baking all day, back's tight. Stretches?",
    "Typing at a feverish pace all week, back is stiff, any desk stretches?",
    "I'm 68 and my back's been the same since my 40s. Which exercises are safe?",
    "I did 2 years of physio after a skiing injury, and there's a new twinge since Monday. Can I still do pilates?",
    # an exercise named after the chest
    "lying down and hugging my knees to my chest makes my lower back twinge, should I stop that one?",
    # a sign long gone or seen to by a doctor
    "I had chest pains years ago but they went away. Can I do pilates for my back?",
    "the GP checked the chest pain I had on Monday, ECG normal and it's gone now. can I go back to the gym?",
    # an idiom at a price, an animal's legs, numbness that goes on standing, the same old pain, sleep unbroken
    "my legs turned to jelly when I saw the bill for private physio. what exercises can I do at home?",
    "the vet hoisted our mare up, she's weak in both hind legs, and now my back hurts. can I ride?",
    "after long rides my bum goes numb but it comes right once I'm off the bike. is core work ok?",
    "Grandma is 84 with the same back pain as always, no new problem. What exercise suits her?",
    "my back's a touch worse at night but I sleep fine. which exercises do you recommend?",
    "numb bum after a long road trip, gone as soon as I stood up. any stretches for driving?",
    # an age that names a child the writer carries, not the writer's own age
    "I've got a 3 year old who wants carrying everywhere and my lower back started aching last week. Any stretches?",
    "lifting my 18 month old's pram into the boot, my back began hurting on monday, can I still do pilates?",
    # a fragment that says something is fine is no part of a sign
    "The ache is worst first thing, then it settles as the day goes on. Sleeping ok. Stretch in the morning?",
    # numbness that passes with its cause
    "my bum goes numb on long bike rides but it goes away as soon as I get off. back is a bit stiff",
    # "a pain in the bum" is an idiom, not a body part
    "my manager is a pain in the arse and my back has gone numb with boredom in meetings, any stretches?",
    "the commute is a right pain in the backside and my lower back is numb from it, can I do pilates?",
    # legs heavy after a long run, numbness that ends with the ride, a blush, a sign asked about and denied
    "both legs heavy after a 15k run yesterday and my back's a bit tight, any stretches?",
    "my bum goes numb on the road bike but it's fine the minute I get off, any stretches for cyclists?",
    "burning up with embarrassment, I put my back out at the school disco. which exercises are safe?",
    "Night pain? Not really, only a bit stiff when I turn over. What exercises do you recommend?",
    # a trip to the toilet that was unremarkable
    "been to the toilet, nothing unusual there, it's just my lower back that's stiff. any stretches?",
    # numbness or dead legs that pass by themselves, or are boredom; aches gone by morning after a shift
    "my legs both ache after a long shift on the ward but it's all gone by the morning. exercises for my back?",
    "I sat on the toilet too long and got dead legs, it went off after a minute. good stretches for my back?",
    "numb from the waist down from boredom in these meetings lol, any desk exercises for my back?",
    "my bum goes numb on the hard seats at the stadium but it's fine once I get up. which stretches for my back?",
    # someone else's age or temperature, a chest sore from coughing
    "my daughter is 11 and keeps me busy. my lower back has been sore since last week, what exercises help?",
    "the wee one's running a temperature and I've been up all night rocking her, my back is in bits. stretches?",
    "my chest aches from coughing with this cold, and my lower back's stiff from lying in bed. can I stretch?",
    # the heat of a room or a class, reading up on a condition
    "is a heated pilates studio ok for my back? the studio is 38 degrees",
    "the hot tub at the leisure centre is 40 degrees, is a soak in it ok for a stiff lower back?",
    "I was googling cauda equina at 2am and panicked, I don't have any of it. should I stop if stretching hurts?",
    # a setback is no accident, stiffness no night pain
    "after a bad couple of weeks my back is nearly right, will a run knock it back?",
    "does lying in bed all the time make it stiffer? I've rested loads",
]


@pytest.mark.parametrize(("message", "sign"), RAISED_IN_EVERYDAY_WORDS)
def test_signs_in_everyday_and_regional_words_are_raised(bot: faqbot.Bot, message: str, sign: str) -> None:
    reply = bot.session().ask(message)
    assert reply.kind == "urgent" and sign in reply.signs, reply.text


@pytest.mark.parametrize("message", LOOK_ALIKES)
def test_everyday_idioms_and_look_alikes_are_not_escalated(bot: faqbot.Bot, message: str) -> None:
    assert bot.session().ask(message).kind != "urgent"


@pytest.mark.parametrize(
    "message",
    [
        "my chest went tight and heavy on the bike at the gym this morning, it went away after I stopped. is spin ok?",
        "Had a squeezing feeling in my chest walking up the hill on Sunday, gone now. Fine to keep walking?",
    ],
)
def test_an_emergency_sign_that_came_and_went_lately_is_still_raised(bot: faqbot.Bot, message: str) -> None:
    """Chest pain on exertion that stops with rest is the classic warning: gone now is not the all-clear."""
    reply = bot.session().ask(message)
    assert reply.kind == "urgent" and reply.tier == "emergency" and "chest-pain" in reply.signs, reply.text


@pytest.mark.parametrize(
    ("message", "referral"),
    [
        ("The GP has me on two tablets for my back. Is it safe to take both and still go swimming?", "medication"),
        ("buntis ako, 5 months, sore lower back. pwede mag yoga?", "pregnancy"),
    ],
)
def test_referral_topics_in_other_words(bot: faqbot.Bot, message: str, referral: str) -> None:
    assert bot.session().ask(message).referral == referral


@pytest.mark.parametrize(
    "message",
    [
        "ok, I'll ring the surgery first thing in the morning",
        "right, will pop down to the GP tomorrow",
        "fair enough, I'll get my doctor to take a look at it tomorrow",
    ],
)
def test_booking_a_doctor_soon_takes_the_advice_for_a_see_a_doctor_today_sign(bot: faqbot.Bot, message: str) -> None:
    """For the urgent tier the advice is an urgent GP appointment: asking for one in the morning takes it, and the
    reply says to ask for today, or NHS 111, and names the emergency signs; for the 999 tier it is putting it off."""
    reply = _warned(bot, "fever").ask(message)
    assert reply.kind == "smalltalk" and "the right thing to do" in reply.text
    assert "today" in reply.text and "111" in reply.text and "999" in reply.text
    assert _warned(bot, "bladder-bowel").ask(message).kind == "urgent"


@pytest.mark.parametrize(
    "message", ["I'll ring them if it gets any worse", "I'll see the GP next week", "ok, I'll wait and see the doctor"]
)
def test_care_on_a_condition_or_next_week_is_warned_again(bot: faqbot.Bot, message: str) -> None:
    reply = _warned(bot, "fever").ask(message)
    assert reply.kind == "urgent" and reply.tier == "urgent" and "today" in reply.text


@pytest.mark.parametrize(
    "message", ["huh. I didn't reckon that was anything serious", "I assumed it was normal at my age"]
)
def test_having_thought_a_sign_harmless_gets_the_warning_restated(bot: faqbot.Bot, message: str) -> None:
    reply = _warned(bot, "weight-loss").ask(message)
    assert reply.kind == "urgent" and reply.signs == ("weight-loss",) and "still get it checked today" in reply.text


def test_going_now_takes_the_warning_however_lightly_it_was_thought_of(bot: faqbot.Bot) -> None:
    """Thinking a sign harmless is warned again (above), unless the person is going for care now all the same."""
    reply = _warned(bot, "weight-loss").ask("right, ringing 111 now, didn't think it was anything serious")
    assert reply.kind == "smalltalk" and "the right thing to do" in reply.text


def test_what_about_another_body_part_asks_about_it_though_the_back_is_named(bot: faqbot.Bot) -> None:
    """ "What about my shoulders?" asks about the shoulders by name, as "… for my shoulders?" does; "what about
    swimming for my back?" still asks about the back."""
    reply = bot.session().ask("how about my shoulders, they ache after the rows I do for my back")
    assert reply.kind == "fallback" and reply.referral == "other-body-part"
    assert bot.session().ask("what about swimming for my back?").referral is None


@pytest.mark.parametrize(
    "message", ["pain goes from my back down one leg. this is a trapped nerve?", "so that's a slipped disc then?"]
)
def test_a_diagnosis_asked_in_a_statements_order_is_referred(bot: faqbot.Bot, message: str) -> None:
    reply = bot.session().ask(message)
    assert reply.kind == "fallback" and reply.referral == "diagnosis"


def test_asking_whether_exercises_suit_a_child_is_referred_though_the_writers_back_is_named(bot: faqbot.Bot) -> None:
    """ "Are they ok for kids?" asks for a child by name, whatever "my back stretches" says of the writer; "… for my
    back with the kids in tow?" still asks about the writer's back."""
    reply = bot.session().ask("my little boy likes doing my back stretches with me. are they ok for kids?")
    assert reply.kind == "fallback" and reply.referral == "children"
    assert bot.session().ask("is swimming safe for my back with the kids in tow?").referral is None


def test_cancer_free_for_years_is_a_history_of_cancer_but_a_clear_test_is_not(bot: faqbot.Bot) -> None:
    """ "Cancer free for four years" says the person had cancer: the sign; "my tests showed I'm cancer free" is a
    scare ruled out."""
    reply = bot.session().ask("been cancer free for four years now, but my lower back has started aching. ok to swim?")
    assert reply.kind == "urgent" and reply.signs == ("cancer",)
    assert bot.session().ask("my tests showed I'm cancer free, so is swimming ok for my sore back?").kind != "urgent"


@pytest.mark.parametrize(
    "message",
    [
        "lost 5 kg since June, I didn't change anything, I eat normally. sore back, ok to swim?",
    ],
)
def test_a_negation_does_not_reach_past_a_new_subject(bot: faqbot.Bot, message: str) -> None:
    """ "I don't do any diet, I eat like always": the "not" denies the diet, not the eating that explains nothing."""
    reply = bot.session().ask(message)
    assert reply.kind == "urgent" and reply.signs == ("weight-loss",)


def test_a_negation_still_reaches_past_a_thought_or_a_doubt(bot: faqbot.Bot) -> None:
    assert bot.session().ask("I don't think I have any numbness in my groin, is yoga ok for my back?").kind != "urgent"


@pytest.mark.parametrize(
    "message",
    [
        "my hips and lower back feel tight, my chest is absolutely fine. should I stretch first thing?",
        "weak and tired today, but my legs are fine, both of them. Is walking ok for my back?",
    ],
)
def test_a_part_said_to_be_fine_is_set_aside(bot: faqbot.Bot, message: str) -> None:
    assert bot.session().ask(message).kind != "urgent"


def test_how_a_part_feels_is_no_part_said_to_be_fine(bot: faqbot.Bot) -> None:
    """ "I can't feel my bum good" says how it feels ("good" is no verdict on the part)."""
    reply = bot.session().ask("since Tuesday I cannot feel my bum good when I sit on the toilet. Can I do the plank?")
    assert reply.kind == "urgent" and reply.tier == "emergency"


def test_an_emergency_sign_begun_within_hours_beside_a_chronic_back_is_raised(bot: faqbot.Bot) -> None:
    reply = bot.session().ask("tight crushing feeling in my chest since an hour ago, on top of my chronic back pain")
    assert reply.kind == "urgent" and reply.signs == ("chest-pain",)


@pytest.mark.parametrize(
    ("message", "sign"),
    [
        ("my husband's not getting the urge to wee and has to force it, his back is agony", "bladder-bowel"),
        ("mum needs pads now because she's going without realising, her back went on Friday", "bladder-bowel"),
    ],
)
def test_retention_and_incontinence_told_by_effort_and_pads(bot: faqbot.Bot, message: str, sign: str) -> None:
    reply = bot.session().ask(message)
    assert reply.kind == "urgent" and reply.signs == (sign,)


@pytest.mark.parametrize(
    "message",
    [
        "Typical Cancer me, overthinking again. is yoga alright for my back?",
        "this back is like a cancer on my weekends, what exercises help?",
        "should I do a longer warm up on cold mornings for my stiff back?",
        "I love badminton, the jump smash is my best shot. Will it hurt my back more?",
    ],
)
def test_a_sign_word_said_as_a_star_sign_a_simile_or_a_sport_is_no_sign(bot: faqbot.Bot, message: str) -> None:
    assert bot.session().ask(message).kind != "urgent"


@pytest.mark.parametrize(
    ("message", "referral"),
    [
        ("ibuprofen gel or the heat spray... which is better for a sore back", "medication"),
        (
            "my little girl has had backache for months from her school bag. Should she carry it on one side?",
            "children",
        ),
        ("estoy embarazada, 6 months, can I do squats for my back?", "pregnancy"),
        ("twinges when I turn in bed, more likely my joints or a muscle do you reckon?", "diagnosis"),
        ("reckon I tweaked my back at work, how long am I going to be out for?", "diagnosis"),
    ],
)
def test_referral_topics_asked_by_pointing_back_or_in_other_words(bot: faqbot.Bot, message: str, referral: str) -> None:
    reply = bot.session().ask(message)
    assert reply.kind == "fallback" and reply.referral == referral


def test_a_grown_up_with_a_child_in_the_story_is_no_childs_back(bot: faqbot.Bot) -> None:
    """A question about "he" or "she" reads the sentences before it for referrals (above); ages given there, none of
    them a child's, say the child in the story is not whose back it is."""
    reply = bot.session().ask("My son (he's 30) hurt his back carrying his baby around. Which exercises can he do?")
    assert reply.referral is None and reply.kind == "answer"


def test_anyone_with_back_pain_asks_in_general_after_a_pregnancy_referral(bot: faqbot.Bot) -> None:
    session = bot.session()
    assert session.ask("I'm 20 weeks pregnant and my back aches, can I do pilates?").referral == "pregnancy"
    reply = session.ask("fair enough. what should anyone with back pain avoid when they start exercising?")
    assert reply.kind == "answer" and reply.referral is None


def test_literally_fine_plays_a_sign_down(bot: faqbot.Bot) -> None:
    reply = _warned(bot, "fever").ask("honestly it's literally fine")
    assert reply.kind == "urgent" and "still get it checked today" in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "two children under 5 and lifting them all day, my back's been sore since Tuesday. Can I do yoga?",
        "I came off my motorbike years back, it did heal, but now my back aches from work. Which exercises?",
        "my grandad had a tumour removed, he always said rest is best when your back goes. Rest or keep moving?",
    ],
)
def test_ages_of_a_group_a_fall_years_back_and_someones_saying_are_no_signs(bot: faqbot.Bot, message: str) -> None:
    """ "Under 5" bounds a group's ages, no one's; "years back" is long ago; "your back" in someone's saying is
    anyone's back, so his tumour stays his."""
    reply = bot.session().ask(message)
    assert reply.kind != "urgent" and reply.referral is None


def test_sitting_on_the_toilet_is_where_saddle_numbness_is_noticed(bot: faqbot.Bot) -> None:
    """Sitting too long explains a numb bottom ("from sitting on the sofa all weekend"); sitting on the toilet is
    only where the person noticed it."""
    message = "sitting on the toilet this morning my bottom felt like it wasn't there, back's been sore since Monday"
    assert bot.session().ask(message).signs == ("saddle-numbness",)
    harmless = "numb bum from sitting on the sofa all weekend watching the cricket, back is stiff, stretches?"
    assert bot.session().ask(harmless).kind != "urgent"


@pytest.mark.parametrize(
    ("message", "sign"),
    [
        ("my trousers are hanging off me even though I'm eating like a horse, back aches. ok to jog?", "weight-loss"),
        ("back aches in bed even lying still, can I swim?", "night-pain"),
        ("since lunchtime my bum feels like it's made of rubber, even when I stand up. stretches?", "saddle-numbness"),
        ("been playing football and now my groin and bum are numb. can I play Sunday?", "saddle-numbness"),
        (
            "wee'd a bit in the car and didn't notice till I got out, back's agony. can I still do pilates?",
            "bladder-bowel",
        ),
        ("dad's back never lets up, he's up in the wee small hours walking about with it. exercises?", "night-pain"),
    ],
)
def test_signs_read_through_even_football_and_what_was_not_noticed(bot: faqbot.Bot, message: str, sign: str) -> None:
    """A phrase that opens with "even" ("even though I'm eating") is read as written; "even when I stand up" says
    the numbness stays; football named is no stadium seat; wetting oneself unnoticed is the sign."""
    reply = bot.session().ask(message)
    assert reply.kind == "urgent" and sign in reply.signs


@pytest.mark.parametrize(
    "message",
    [
        "what a car crash of a day, my back is stiff from the desk. stretches?",
        "had the flu with a fever last month, healthy now, back a bit tight. gym ok?",
        "nothing going on in my chest, just my lower back aching after decorating. yoga ok?",
        "I'm 61, lower back pain ever since a slipped disc in 2010, it's always been like this. can I run?",
    ],
)
def test_idioms_the_recovered_and_the_long_standing_are_no_signs(bot: faqbot.Bot, message: str) -> None:
    assert bot.session().ask(message).kind != "urgent"


@pytest.mark.parametrize(
    ("message", "referral"),
    [
        ("thinking of getting a steroid jab for my back, worth it?", "surgery"),
        ("my elbow is sore from the planks I do for my back, is there something for the elbow?", "other-body-part"),
    ],
)
def test_more_referral_words(bot: faqbot.Bot, message: str, referral: str) -> None:
    reply = bot.session().ask(message)
    assert reply.kind == "fallback" and reply.referral == referral


def test_a_topic_only_asked_about_is_set_aside_only_by_its_question(bot: faqbot.Bot) -> None:
    """Exercise named in a statement beside the question ("I do pilates on Mondays") leaves a question about chairs
    about the chair; named in the question ("which stretches suit my new pillow?") it is about exercise."""
    reply = bot.session().ask("What's the best office chair for back pain? I do pilates on Mondays.")
    assert reply.kind == "fallback" and reply.referral == "everyday-care"
    assert bot.session().ask("which stretches suit someone with a new pillow and a sore back?").referral is None


@pytest.mark.parametrize(
    "message",
    [
        "Numbness in my groin was the first thing she asked about. No, I don't have any. Which stretches first?",
        "I've got proper gym fever, can't wait to lift again. will it set my back back?",
        "my legs gave way on my last rep going for a new PR, fine a second later, back tight now. rest?",
        "legs like lead after twelve hours on my feet, back grumbling. ok to skip stretches?",
        "my dad's legs are both weak, he's had it thirty years since polio, and lifting him hurts my back. exercises?",
        "which sports bra for running? big chest and my back aches",
    ],
)
def test_a_sign_denied_in_a_sentence_of_its_own_and_more_look_alikes(bot: faqbot.Bot, message: str) -> None:
    assert bot.session().ask(message).kind != "urgent"
