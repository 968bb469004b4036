from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

import faqbot

SCRIPTS = [
    ["Is it safe to exercise when I am in pain?", "yes", "muscular", "1"],
    ["hi", "Is it safe to exercise when I am in pain?", "nah", "2"],
    ["What exercises are safe for me to perform?", "If the exercise causes me pain, should I stop?"],
    ["how do I bake bread", "3", "thanks", "bye"],
    ["Is it safe to exercise when I am in pain?", "I've lost control of my bladder", "no"],
]


def converse(bot: faqbot.Bot, index: int) -> list[tuple[str, str | None, str]]:
    session = bot.session()
    return [(r.kind, r.entry_id, r.markdown) for r in map(session.ask, SCRIPTS[index % len(SCRIPTS)])]


def test_import_answers_the_acceptance_question() -> None:
    reply = faqbot.Bot.load().session().ask("is it safe to work out with a bad back?")
    assert reply.kind == "follow_up" and reply.entry_id == "exercise-when-in-pain"
    assert reply.options == ("Yes", "No", "Not sure")


def test_one_bot_shared_by_threads_gives_the_same_replies(bot: faqbot.Bot) -> None:
    expected = [converse(bot, i) for i in range(len(SCRIPTS))]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: converse(bot, i), range(8 * 500)))
    assert all(result == expected[i % len(SCRIPTS)] for i, result in enumerate(results))


def test_match_returns_ranked_candidates_or_nothing(bot: faqbot.Bot) -> None:
    found = bot.match("which exercises are safe for my back", limit=3)
    assert found and found[0].entry_id == "safe-exercises"
    assert 0 <= found[-1].score <= found[0].score <= 100
    assert found[0].matched in bot.kb.entry("safe-exercises").phrasings
    assert bot.match("what is the capital of france") == []


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   \t\n",
        "a" * 10_000,
        "🙂🙂🙂",
        "腰痛で運動してもいいですか",
        "\x00\x01\x02\x7f",
        "\ud800 lone surrogate",
        "ﬁne ＥＸＥＲＣＩＳＥ",
        "\u202eright to left",
        "?!?!",
        "1234567890",
        "exercise " * 3000,
        "<script>alert(1)</script>",
        "{}",
        "null",
        "'; DROP TABLE users; --",
    ],
)
def test_any_string_gets_a_reply(bot: faqbot.Bot, message: str) -> None:
    reply = bot.session().ask(message)
    assert reply.kind in set(faqbot.ReplyKind)
    assert reply.text and "<script>" not in reply.html


def test_empty_message_gets_help(bot: faqbot.Bot) -> None:
    reply = bot.session().ask("  ")
    assert reply.kind == "smalltalk" and len(reply.options) == 7


@pytest.mark.parametrize("value", [None, 3, b"bytes", ["list"]])
def test_non_string_message_is_a_type_error(bot: faqbot.Bot, value: object) -> None:
    with pytest.raises(TypeError):
        bot.session().ask(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bot.match(value)  # type: ignore[arg-type]


def test_reply_renders_text_and_safe_html(bot: faqbot.Bot) -> None:
    reply = bot.session().ask("What exercises are safe for me to perform?")
    assert "1. protect the lower back from injury;" in reply.text
    assert "<ol>" in reply.html and "<strong>" in reply.html
    assert reply.to_dict()["kind"] == "answer"
