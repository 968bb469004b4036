"""Red-flag screening: the first thing every message meets.

The signs and their patterns are declared in the knowledge base, never in code. A pattern is word groups
separated by spaces; all groups must occur in the message, in any order, so filler words and word order
do not hide a sign. Within a group `|` separates alternatives, `_` joins a phrase and a trailing `*`
matches any ending. Small typos in longer words still match (same first letter, one or two edits).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from .knowledge import RedFlag, RedFlags
from .text import Normaliser

__all__ = ["Screen", "SCREEN_CHARS"]

SCREEN_CHARS = 20_000
"""Red flags are looked for in this much of a message: far more than is matched, on purpose."""

_FUZZY_MIN_LEN = 5

_Key = tuple[str, bool]
"""A pattern word and whether it is a prefix (`numb*`)."""


@dataclass(frozen=True, slots=True)
class _Alternative:
    words: tuple[str, ...]
    prefix: bool

    def occurs(self, message: Sequence[str], hits: frozenset[_Key]) -> bool:
        if len(self.words) == 1:
            return (self.words[0], self.prefix) in hits
        size = len(self.words)
        return any(self._phrase_at(message[i : i + size]) for i in range(len(message) - size + 1))

    def _phrase_at(self, window: Sequence[str]) -> bool:
        *head, last = self.words
        tail = window[-1]
        return list(window[:-1]) == head and (tail == last or (self.prefix and tail.startswith(last)))


@dataclass(frozen=True, slots=True)
class _Pattern:
    groups: tuple[tuple[_Alternative, ...], ...]

    def matches(self, message: Sequence[str], hits: frozenset[_Key]) -> bool:
        return all(any(alt.occurs(message, hits) for alt in group) for group in self.groups)


class Screen:
    """The compiled red-flag patterns of one knowledge base."""

    def __init__(self, red_flags: RedFlags | None, normaliser: Normaliser) -> None:
        self._normaliser = normaliser
        self._signs = [
            (sign, [self._compile(p) for p in sign.patterns]) for sign in (red_flags.signs if red_flags else ())
        ]
        self._keys = sorted({(alt.words[0], alt.prefix) for _, patterns in self._signs for p in patterns
                             for group in p.groups for alt in group if len(alt.words) == 1})
        self._hits: Callable[[str], frozenset[_Key]] = lru_cache(maxsize=65_536)(self._token_hits)

    def _compile(self, pattern: str) -> _Pattern:
        groups = []
        for group in pattern.split():
            alts = []
            for alt in group.split("|"):
                words = tuple(self._normaliser.words(alt.rstrip("*").replace("_", " ")))
                if words:
                    alts.append(_Alternative(words, alt.endswith("*")))
            if alts:
                groups.append(tuple(alts))
        return _Pattern(tuple(groups))

    def _token_hits(self, token: str) -> frozenset[_Key]:
        """The single-word alternatives this token satisfies: exactly, as a prefix, or with a small typo."""
        return frozenset(key for key in self._keys if _word_matches(key, token))

    def signs(self, words: Sequence[str]) -> list[RedFlag]:
        """The red flags among these normalised words (`Normaliser.words`), in knowledge-base order."""
        hits: frozenset[_Key] = frozenset().union(*(self._hits(w) for w in dict.fromkeys(words)))
        return [sign for sign, patterns in self._signs if any(p.matches(words, hits) for p in patterns)]

    def screen(self, text: str) -> list[RedFlag]:
        """The red flags this message shows (empty when none)."""
        return self.signs(self._normaliser.words(text, SCREEN_CHARS))


def _word_matches(key: _Key, token: str) -> bool:
    word, prefix = key
    if token == word or (prefix and token.startswith(word)):
        return True
    if len(word) < _FUZZY_MIN_LEN or len(token) < _FUZZY_MIN_LEN or token[0] != word[0]:
        return False
    if not prefix and token[-1] != word[-1]:
        return False  # "cancel" is not a typo of "cancer": typos rarely change both ends of a word
    budget = 1 if len(word) < 8 else 2
    forms = [token[: len(word) + shift] for shift in (-1, 0, 1)] if prefix else [token]
    return any(Levenshtein.distance(word, form, score_cutoff=budget) <= budget for form in forms)
