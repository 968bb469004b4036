"""The word-group pattern language of red flags, referrals and their `unless` contexts.

A pattern is word groups separated by spaces; all groups must occur in the words looked at (a sentence,
usually), in any order, so filler words and word order do not hide a sign. Within a group `|` separates
alternatives, `_` joins a phrase (`cannot_feel`) and a trailing `*` matches any ending (`numb*`); `@name` stands
for all the words of the knowledge base's `vocabulary` of that name, so that a wide list of lay, regional,
clinical and misspelt words for one idea is written once and used by many patterns. Small typos in
longer words still match (same first and last letter, one or two edits; an English word is never taken for a
typo of another). Words are normalised like messages,
so a pattern's lay words become the knowledge base's synonyms, as the message's do.

A match reports where it starts and ends, because what surrounds a sign decides whether it counts
("no numbness", "my dog had a tumour"): see `cues`.

Matching runs on every message, so it is built for speed: each word is compared with the patterns' words
once (and cached), phrases are looked up by their first word, and a pattern is only checked when its first
group was hit.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from . import frequency
from .text import MAX_CACHED_WORD, Normaliser

__all__ = ["INTENSIFIERS", "Match", "PatternSet", "expand"]

_FUZZY_MIN_LEN = 5
_LONGEST_PHRASE = 12
"""More words than any phrase of a vocabulary has: how far a phrase opened by an intensifier is read."""
_CACHED_WORDS = 200
"""Sentences up to this many words have their spans cached (a few recent ones: the turn being handled)."""
INTENSIFIERS = frozenset("really properly quite very even actually just totally completely fully anymore".split())
"""Skipped inside phrases: they intensify what is said without changing it."""


@dataclass(frozen=True, slots=True)
class _Alternative:
    """One alternative of a group: a word or a phrase, the last word possibly a prefix (`numb*`)."""

    words: tuple[str, ...]
    prefix: bool


@dataclass(frozen=True, slots=True)
class Match:
    """One pattern of item `item` found in words[start:end] (the span from its first to its last group)."""

    item: int
    start: int
    end: int
    places: tuple[tuple[int, int], ...] = ()
    """Where each group matched, (start, end) in words: the span's other words are context."""


_Groups = list[frozenset[int]]
_Spans = dict[int, list[tuple[int, int]]]
"""Alternative id → the (start, end) word positions where it occurs."""


class PatternSet:
    """The compiled patterns of a list of items (signs, referrals): which items some words show, and where."""

    def __init__(
        self, items: Sequence[Sequence[str]], normaliser: Normaliser, vocabulary: Mapping[str, Sequence[str]] = {}
    ) -> None:
        self._normaliser = normaliser
        self._vocabulary = vocabulary
        self._alternatives: list[_Alternative] = []
        self._ids: dict[_Alternative, int] = {}
        self._patterns = [(n, self._compile(p)) for n, patterns in enumerate(items) for p in patterns]
        self._patterns = [(n, groups) for n, groups in self._patterns if groups]
        self._words = [(i, a) for i, a in enumerate(self._alternatives) if len(a.words) == 1]
        # Phrases are looked up by their first two words: phrases often start with a common word ("my back").
        self._phrases: dict[tuple[str, str], list[tuple[int, _Alternative]]] = {}
        self._prefixed: dict[str, list[tuple[int, _Alternative]]] = {}
        for i, alt in enumerate(self._alternatives):
            if len(alt.words) == 2 and alt.prefix:
                self._prefixed.setdefault(alt.words[0], []).append((i, alt))  # "inner_thigh*": any second word
            elif len(alt.words) > 1:
                self._phrases.setdefault((alt.words[0], alt.words[1]), []).append((i, alt))
        self._starts = {first for first, _second in self._phrases} | set(self._prefixed)
        """First words of phrases: a word that is none of these and hits no single word is skipped at once."""
        self._word_hits: Callable[[str], frozenset[int]] = lru_cache(maxsize=65_536)(self._token_hits)
        self._cached_spans: Callable[[tuple[str, ...]], _Spans] = lru_cache(maxsize=64)(self._spans)
        # Most sentences hit an alternative or two ("back", "pain") and no whole pattern, so a pattern is only
        # checked when its first group is hit.
        self._triggered_by: dict[int, list[tuple[int, int, _Groups]]] = {}
        for pattern, (n, groups) in enumerate(self._patterns):
            for alt_id in groups[0]:
                self._triggered_by.setdefault(alt_id, []).append((pattern, n, groups))

    def _compile(self, pattern: str) -> _Groups:
        """A pattern as the sets of alternative ids of its groups: it matches when every set is hit."""
        groups = []
        for group in pattern.split():
            ids = set()
            for text in expand(group, self._vocabulary):
                words = self._normaliser.phrase(text.rstrip("*").replace("_", " "))
                # Messages are read without intensifiers, so phrases are too ("no even tryin" is "no tryin"); one
                # that starts with one ("even lying down") means something else without it, and is kept whole.
                plain = words[:1] + tuple(w for w in words[1:] if w not in INTENSIFIERS)
                if len(plain) > 1:
                    words = plain
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

    def spans(self, words: Sequence[str]) -> _Spans:
        """Where each alternative occurs in `words` (normalised words, `Normaliser.words`), computed once per
        distinct sentence: a message is looked at several times (its sentences, then its questions)."""
        if isinstance(words, tuple) and len(words) <= _CACHED_WORDS:
            return self._cached_spans(words)
        return self._spans(words)

    def _spans(self, words: Sequence[str]) -> _Spans:
        """Where each alternative occurs in `words` (normalised words, `Normaliser.words`).

        Phrases are found with intensifiers skipped ("I can't really feel my legs" has `cannot_feel`); the
        places reported are in `words`.
        """
        found: _Spans = {}
        if INTENSIFIERS.isdisjoint(words):
            kept: Sequence[int] = range(len(words))
            reduced = words
        else:
            kept = [i for i, word in enumerate(words) if word not in INTENSIFIERS]
            reduced = [words[i] for i in kept]
        phrases, prefixed, starts = self._phrases, self._prefixed, self._starts
        cached, uncached = self._word_hits, self._token_hits
        for n, word in enumerate(reduced):
            word_hits = cached(word) if len(word) <= MAX_CACHED_WORD else uncached(word)
            if not word_hits and word not in starts:
                continue
            i = kept[n]
            for alt_id in word_hits:
                found.setdefault(alt_id, []).append((i, i + 1))
            if n + 1 < len(reduced):
                for alt_id, alt in phrases.get((word, reduced[n + 1]), ()):
                    if _phrase_at(alt, reduced, n):
                        found.setdefault(alt_id, []).append((i, kept[n + len(alt.words) - 1] + 1))
            for alt_id, alt in prefixed.get(word, ()):
                if _phrase_at(alt, reduced, n):
                    found.setdefault(alt_id, []).append((i, kept[n + 1] + 1))
        if reduced is not words:  # an intensifier is skipped inside phrases, but is still a word of its own
            added = set()
            for i, word in enumerate(words):
                if word in INTENSIFIERS:
                    for alt_id in cached(word):
                        found.setdefault(alt_id, []).append((i, i + 1))
                        added.add(alt_id)
                    added |= self._opened_by(word, i, reduced, kept, found)
            for alt_id in added:
                found[alt_id].sort()
        return found

    def _opened_by(self, word: str, i: int, reduced: Sequence[str], kept: Sequence[int], found: _Spans) -> set[int]:
        """The phrases that open with the intensifier at words[i] ("even though I eat", "even lying down"): kept
        whole when compiled, they are read from it on, with the words after it as `reduced` has them."""
        n = bisect.bisect_left(kept, i)  # where the words after it start in `reduced`
        if n >= len(reduced):
            return set()
        joined = [word, *reduced[n : n + _LONGEST_PHRASE]]
        added = set()
        for alt_id, alt in self._phrases.get((word, reduced[n]), ()):
            if _phrase_at(alt, joined, 0):
                found.setdefault(alt_id, []).append((i, kept[n + len(alt.words) - 2] + 1))
                added.add(alt_id)
        return added

    def find(self, spans: _Spans, start: int = 0, end: int | None = None) -> list[Match]:
        """The first match of each pattern within words[start:end], given the `spans` of all the words, in the
        order of the patterns (so of their items): an item may match several ways, and a way its context
        cancels does not hide another."""
        if not spans:
            return []
        if start == 0 and end is None:
            inside = spans
        else:
            stop = end if end is not None else 1 << 30
            inside = {a: [s for s in places if start <= s[0] and s[1] <= stop] for a, places in spans.items()}
            inside = {a: places for a, places in inside.items() if places}
        found: dict[int, Match] = {}
        for alt_id in inside:
            for pattern, n, groups in self._triggered_by.get(alt_id, ()):
                if pattern in found:
                    continue
                match = _match(n, groups, inside)
                if match is not None:
                    found[pattern] = match
        return [found[p] for p in sorted(found)]

    def search(self, words: Sequence[str]) -> list[Match]:
        """The first match of each pattern anywhere in `words`."""
        return self.find(self.spans(words))


def expand(group: str, vocabulary: Mapping[str, Sequence[str]]) -> list[str]:
    """A group's alternatives, with each `@name` replaced by the knowledge base's vocabulary of that name."""
    found: list[str] = []
    for text in group.split("|"):
        found += vocabulary[text[1:]] if text.startswith("@") else [text]
    return found


def _match(item: int, groups: _Groups, spans: _Spans) -> Match | None:
    """The earliest place of each group, if every group occurs in words of its own: the match spans them all.

    Two groups never take the same place: when a synonym makes one word satisfy both ("programme" is read as
    "exercises"), "does it help my exercises" must not match "exercises … exercises|programme". (A phrase may
    contain another group's word: "cannot_sleep" is both the relentless pain and the night.)
    """
    chosen = []
    for group in groups:
        places = [place for alt_id in group for place in spans.get(alt_id, ())]
        if not places:
            return None
        chosen.append(min(places))
    if _overlapping(chosen):  # rare: only then are all the places of every group needed
        options = [sorted({place for alt_id in group for place in spans.get(alt_id, ())}) for group in groups]
        found = _disjoint(options, [])
        if found is None:
            return None
        chosen = found
    return Match(item, min(s for s, _ in chosen), max(e for _, e in chosen), tuple(sorted(chosen)))


def _overlapping(places: Sequence[tuple[int, int]]) -> bool:
    return len(set(places)) < len(places)


def _disjoint(
    options: Sequence[Sequence[tuple[int, int]]], chosen: list[tuple[int, int]]
) -> list[tuple[int, int]] | None:
    """One place per group, earliest first, no two the same (a small search: groups and places are few)."""
    if len(chosen) == len(options):
        return chosen
    for place in options[len(chosen)]:
        if place not in chosen:
            found = _disjoint(options, [*chosen, place])
            if found is not None:
                return found
    return None


def _phrase_at(alt: _Alternative, words: Sequence[str], start: int) -> bool:
    """Whether the phrase starts at words[start]; its longer words may have a small typo ("pins and neddles")."""
    *head, last = alt.words
    end = start + len(alt.words)
    if end > len(words):
        return False
    if any(w != h and not _word_matches(h, False, w) for h, w in zip(head, words[start : end - 1], strict=True)):
        return False
    token = words[end - 1]
    # A phrase names one thing; the plural of its last word names more of it ("facet joint injections").
    return _word_matches(last, alt.prefix, token) or (bool(head) and token in (last + "s", last + "es"))


def _word_matches(word: str, prefix: bool, token: str) -> bool:
    if token == word or (prefix and token.startswith(word)):
        return True
    if len(token) >= 4 and word == token + "g":
        return True  # a dropped g: "roastin", "sweatin", "hurtin"
    if len(word) < _FUZZY_MIN_LEN or len(token) < _FUZZY_MIN_LEN or token[0] != word[0]:
        return False
    if frequency.rarity(token) < frequency.RAREST:
        return False  # an English word is not a typo of another ("swelling" is not "sweating")
    if not prefix and token[-1] != word[-1]:
        return False  # "cancel" is not a typo of "cancer": typos rarely change both ends of a word
    budget = 1 if len(word) < 8 else 2
    forms = [token[: len(word) + shift] for shift in (-1, 0, 1)] if prefix else [token]
    return any(OSA.distance(word, form, score_cutoff=budget) <= budget for form in forms)  # a swap is one edit
