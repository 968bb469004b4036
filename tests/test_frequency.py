from __future__ import annotations

import pytest

from faqbot import Bot, frequency
from faqbot.knowledge import Entry, KnowledgeBase, Meta
from faqbot.matcher import Matcher, Weights


def test_rarity_follows_general_english() -> None:
    assert frequency.rarity("the") < frequency.rarity("exercise") < frequency.rarity("github")
    assert frequency.rarity("strikethrough") == frequency.RAREST  # too rare to be listed
    assert frequency.rarity("exercise") == pytest.approx(3.3)


@pytest.mark.parametrize("word", ["", "Exercise", "zzzzzzzz", "a" * 200, "\u00e9t\u00e9"])
def test_rarity_of_any_string_is_in_range(word: str) -> None:
    assert 0 < frequency.rarity(word) <= frequency.RAREST


BOLD = KnowledgeBase(
    meta=Meta(title="Formatting"),
    entries=(
        Entry(id="email-bold", question="How do I make text bold in an email?", answer="Select it and press Ctrl+B."),
        Entry(id="markdown-bold", question="How do I make words bold in Markdown?", answer="Put ** around them."),
        Entry(id="markdown-preview", question="How do I preview Markdown?", answer="Open the preview pane."),
    ),
)


def test_rare_english_word_outweighs_a_common_one_with_one_wording_per_entry() -> None:
    # "text" is in one question and "markdown" in two, so the knowledge base alone makes "text" the
    # telling word; in English at large "markdown" is far rarer, and the prior lets it decide.
    bot = Bot(BOLD)
    assert [c.entry_id for c in bot.matcher.rank("bold text in markdown")][:1] == ["markdown-bold"]
    without = Matcher(BOLD, bot.normaliser, Weights(prior=0.0))
    assert [c.entry_id for c in without.rank("bold text in markdown")][:1] == ["email-bold"]


def test_knowledge_base_without_entries_still_loads_and_replies() -> None:
    bot = Bot(KnowledgeBase(meta=Meta(title="Empty"), entries=()))
    assert bot.match("how do I bold text") == []
    assert bot.session().ask("how do I bold text").kind == "fallback"
