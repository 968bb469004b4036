"""Red-flag screening: the first thing every message meets.

The signs and their patterns are declared in the knowledge base, never in code. A pattern is word groups
separated by spaces; all groups must occur in the message, in any order, so filler words and word order
do not hide a sign. Within a group `|` separates alternatives, `_` joins a phrase and a trailing `*`
matches any ending. Small typos in longer words still match (same first and last letter, one or two edits).

Screening runs on every message, so it is built for speed: each message word is compared with the
patterns' words once (and cached), phrases are looked up by their first word, and a pattern is then a
handful of set intersections.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from .knowledge import RedFlag, RedFlags
from .text import MAX_CACHED_WORD, Normaliser

__all__ = ["SCREEN_CHARS", "Screen"]

SCREEN_CHARS = 20_000
"""Red flags are looked for in this much of a message: far more than is matched, on purpose."""

_FUZZY_MIN_LEN = 5


@dataclass(frozen=True, slots=True)
class _Alternative:
    """One alternative of a group: a word or a phrase, the last word possibly a prefix (`numb*`)."""

    words: tuple[str, ...]
    prefix: bool


class Screen:
    """The compiled red-flag patterns of one knowledge base."""

    def __init__(self, red_flags: RedFlags | None, normaliser: Normaliser) -> None:
        self._normaliser = normaliser
        self._alternatives: list[_Alternative] = []
        self._ids: dict[_Alternative, int] = {}
        self._signs = [
            (sign, [self._compile(p) for p in sign.patterns]) for sign in (red_flags.signs if red_flags else ())
        ]
        self._words = [(i, a) for i, a in enumerate(self._alternatives) if len(a.words) == 1]
        self._phrases: dict[str, list[tuple[int, _Alternative]]] = {}
        for i, alt in enumerate(self._alternatives):
            if len(alt.words) > 1:
                self._phrases.setdefault(alt.words[0], []).append((i, alt))
        self._word_hits: Callable[[str], frozenset[int]] = lru_cache(maxsize=65_536)(self._token_hits)
        # Most messages hit an alternative or two ("back", "pain") and no whole pattern, so a pattern is
        # only checked when its first group is hit.
        self._triggered_by: dict[int, list[tuple[int, list[frozenset[int]]]]] = {}
        for n, (_, patterns) in enumerate(self._signs):
            for groups in patterns:
                for alt_id in groups[0] if groups else ():
                    self._triggered_by.setdefault(alt_id, []).append((n, groups))

    def _compile(self, pattern: str) -> list[frozenset[int]]:
        """A pattern as the sets of alternative ids of its groups: it matches when every set is hit."""
        groups = []
        for group in pattern.split():
            ids = set()
            for text in group.split("|"):
                words = tuple(self._normaliser.words(text.rstrip("*").replace("_", " ")))
                if words:
                    ids.add(self._intern(_Alternative(words, text.endswith("*"))))
            if ids:
                groups.append(frozenset(ids))
        return groups

    def _intern(self, alt: _Alternative) -> int:
        if alt not in self._ids:
            self._ids[alt] = len(self._alternatives)
            self._alternatives.append(alt)
        return self._ids[alt]

    def _token_hits(self, token: str) -> frozenset[int]:
        """The single-word alternatives this token satisfies: exactly, as a prefix, or with a small typo."""
        return frozenset(i for i, alt in self._words if _word_matches(alt.words[0], alt.prefix, token))

    def _hits(self, words: Sequence[str]) -> set[int]:
        hits: set[int] = set()
        for i, word in enumerate(words):
            hits |= self._word_hits(word) if len(word) <= MAX_CACHED_WORD else self._token_hits(word)
            for index, alt in self._phrases.get(word, ()):
                if _phrase_at(alt, words, i):
                    hits.add(index)
        return hits

    def signs(self, words: Sequence[str]) -> list[RedFlag]:
        """The red flags among these normalised words (`Normaliser.words`), in knowledge-base order."""
        hits = self._hits(words)
        found = {
            n
            for alt in hits
            for n, groups in self._triggered_by.get(alt, ())
            if all(not group.isdisjoint(hits) for group in groups)
        }
        return [self._signs[n][0] for n in sorted(found)]

    def screen(self, text: str) -> list[RedFlag]:
        """The red flags this message shows (empty when none)."""
        return self.signs(self._normaliser.words(text, SCREEN_CHARS))


def _phrase_at(alt: _Alternative, words: Sequence[str], start: int) -> bool:
    *head, last = alt.words
    end = start + len(alt.words)
    if end > len(words) or list(words[start : end - 1]) != head:
        return False
    tail = words[end - 1]
    return tail == last or (alt.prefix and tail.startswith(last))


def _word_matches(word: str, prefix: bool, token: str) -> bool:
    if token == word or (prefix and token.startswith(word)):
        return True
    if len(word) < _FUZZY_MIN_LEN or len(token) < _FUZZY_MIN_LEN or token[0] != word[0]:
        return False
    if not prefix and token[-1] != word[-1]:
        return False  # "cancel" is not a typo of "cancer": typos rarely change both ends of a word
    budget = 1 if len(word) < 8 else 2
    forms = [token[: len(word) + shift] for shift in (-1, 0, 1)] if prefix else [token]
    return any(Levenshtein.distance(word, form, score_cutoff=budget) <= budget for form in forms)
