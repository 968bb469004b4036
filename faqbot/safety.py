"""Red-flag screening and referrals: the first things every message meets.

The signs, their tiers and patterns are declared in the knowledge base, never in code (`patterns` describes
the pattern language). A sign is looked for sentence by sentence, and clause by clause within a sentence, so
words from different parts of a long story do not combine into a sign. Where it is found, what surrounds it
may cancel it (`cues`): a negation just before it ("no numbness"), someone or something else as its subject
("my dog had a tumour", unless the message asks about that person's back), the resolved past ("years ago",
"fine now"), a long-standing state ("weak for years"), or one of the sign's own `unless` patterns (idioms such
as "fell off the wagon"). Each sign declares which of these apply; when none clearly does, the sign stands.

Referrals (medical topics the knowledge base does not cover) use the same patterns, without the cues.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from . import cues
from .knowledge import RedFlag, RedFlags, Referral
from .patterns import Match, PatternSet
from .text import Normaliser, Sentence

__all__ = ["SCREEN_CHARS", "Referrals", "Screen"]

SCREEN_CHARS = 20_000
"""Red flags are looked for in this much of a message: far more than is matched, on purpose."""

_CLAUSE_BREAKS = frozenset("but though although however except whereas yet".split())


class Screen:
    """The compiled red-flag signs of one knowledge base."""

    def __init__(self, red_flags: RedFlags | None, normaliser: Normaliser) -> None:
        self._normaliser = normaliser
        self._signs: tuple[RedFlag, ...] = red_flags.signs if red_flags else ()
        self._patterns = PatternSet([s.patterns for s in self._signs], normaliser)
        self._unless = PatternSet([s.unless for s in self._signs], normaliser)

    def screen(self, text: str) -> list[RedFlag]:
        """The red flags this message shows (empty when none), most serious tier first."""
        return self.signs(self._normaliser.sentences(text, SCREEN_CHARS))

    def signs(self, sentences: Sequence[Sentence]) -> list[RedFlag]:
        """The red flags among these sentences (`Normaliser.sentences`), emergency tier first."""
        if not self._signs:
            return []
        plain = [w for s in sentences for w in s.plain]
        behalf = cues.on_behalf(plain)
        found: set[int] = set()
        for sentence in sentences:
            found |= self._in_sentence(sentence, behalf, found)
        found = {n for n in found if self._old_enough(self._signs[n], plain)}
        order = sorted(found, key=lambda n: (self._signs[n].tier != "emergency", n))
        return [self._signs[n] for n in order]

    def _in_sentence(self, sentence: Sentence, behalf: bool, known: set[int]) -> set[int]:
        spans = self._patterns.spans(sentence.words)
        if not spans:
            return set()
        found: set[int] = set()
        for low, high in _clauses(sentence.words):
            for match in self._patterns.find(spans, low, high):
                if match.item not in known | found and not self._cancelled(sentence, match, low, behalf):
                    found.add(match.item)
        return found

    def _cancelled(self, sentence: Sentence, match: Match, low: int, behalf: bool) -> bool:
        """Whether the context of this match says it is not a sign of the person asking, now."""
        sign = self._signs[match.item]
        plain, start = sentence.plain, sentence.plain_index(match.start)
        by = sign.cancelled_by
        if "negation" in by and cues.negated(plain, start, sentence.plain_index(low)):
            return True
        if "someone-else" in by:
            who = cues.someone_else(plain, start)
            if who == "animal" or (who == "person" and not behalf):
                return True
        if "past" in by and cues.in_the_past(plain):
            return True
        if "long-standing" in by and cues.long_standing(plain):
            return True
        return bool(sign.unless) and any(m.item == match.item for m in self._unless.search(sentence.words))

    @staticmethod
    def _old_enough(sign: RedFlag, plain: Sequence[str]) -> bool:
        """A sign with an age range needs an age outside it in the message, and nothing long-standing."""
        if sign.age is None:
            return True
        under, over = sign.age
        if "long-standing" in sign.cancelled_by and cues.long_standing(plain):
            return False
        return any(age < under or age > over for age in cues.ages(plain))


class Referrals:
    """The referral topics of one knowledge base: medical questions it does not answer, and who can."""

    def __init__(self, referrals: Sequence[Referral], normaliser: Normaliser) -> None:
        self._referrals = tuple(referrals)
        self._patterns = PatternSet([r.patterns for r in self._referrals], normaliser)
        self._unless = PatternSet([r.unless for r in self._referrals], normaliser)

    def find(self, sentences: Sequence[Sentence]) -> list[Referral]:
        """The referral topics these sentences ask about, in knowledge-base order."""
        found: set[int] = set()
        for sentence in sentences:
            spans = self._patterns.spans(sentence.words)
            if not spans:
                continue
            unless = {m.item for m in self._unless.search(sentence.words)}
            for match in self._patterns.find(spans):
                start = sentence.plain_index(match.start)
                if match.item not in unless and not cues.negated(sentence.plain, start):
                    found.add(match.item)
        return [self._referrals[n] for n in sorted(found)]


def _clauses(words: Sequence[str]) -> list[tuple[int, int]]:
    """Word ranges of the clauses of a sentence ("no fever | but my legs are numb"), then the whole sentence."""
    cuts = [i for i, w in enumerate(words) if w in _CLAUSE_BREAKS]
    if not cuts:
        return [(0, len(words))]
    bounds = [0, *cuts, len(words)]
    return [*((a, b) for a, b in pairwise(bounds) if b > a), (0, len(words))]
