from __future__ import annotations

from pathlib import Path

import faqbot
from faqbot.matcher import Matcher
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
