"""The fuzzy intent matcher: which knowledge-base entry a message is about, or none.

An index is built once at load. A message is scored in three parts that catch different failures:

- *term overlap*: IDF-weighted content words (stemmed, synonyms applied, typos corrected against the
  knowledge base's vocabulary), as an F-measure of how much of the message and of a phrasing agree;
- *entry evidence*: how many of an entry's phrasings share each word, so an entry with many phrasings
  is judged on all of them, not on one lucky neighbour;
- *surface similarity*: rapidfuzz's token-sort ratio on the normalised text, which keeps function words
  such as "which" or "should" that tell close questions apart.

Only phrasings that share a word with the message are scored (an inverted index prunes the rest), and
words the knowledge base has never seen count against the match: that is what makes "should I use ice or
heat?" out of scope for a knowledge base about exercise. Everything iterates in insertion order, so the
ranking is the same in every process whatever the hash seed.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from .knowledge import KnowledgeBase
from .text import STOPWORDS, Normaliser, stem

__all__ = ["Candidate", "Matcher", "Weights"]

MAX_WORDS = 64
"""Words of a message that are matched; FAQ questions are far shorter, junk is often far longer."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One entry a message may be about."""

    entry_id: str
    score: float
    """Calibrated similarity, 0-100; comparable with the knowledge base's `threshold`."""
    matched: str
    """The question or alternate phrasing that matched best."""


@dataclass(frozen=True, slots=True)
class Weights:
    """How the three parts of the score are mixed (they sum to 1)."""

    overlap: float = 0.45
    entry: float = 0.25
    surface: float = 0.30
    shortlist: int = 24
    """Phrasings (by term overlap) that get the more expensive surface comparison."""
    unknown: float = 1.0
    """Weight of a word the knowledge base has never seen, relative to its rarest known word."""


@dataclass(frozen=True, slots=True)
class _Phrasing:
    entry: int
    text: str
    surface: str
    mass: float


class Matcher:
    """An index over one knowledge base's questions and alternates."""

    def __init__(self, kb: KnowledgeBase, normaliser: Normaliser, weights: Weights = Weights()) -> None:
        self._kb = kb
        self._normaliser = normaliser
        self._weights = weights
        self._ids = [e.id for e in kb.entries]
        analysed = [(i, text, normaliser.words(text)) for i, e in enumerate(kb.entries) for text in e.phrasings]
        self._stems: dict[str, str] = {}
        for _, _, words in analysed:
            for word in words:
                if word not in STOPWORDS and word not in self._stems:
                    self._stems[word] = stem(word)
        self._by_initial: dict[str, list[str]] = {}
        for word in self._stems:
            self._by_initial.setdefault(word[0], []).append(word)
        self._idf = self._weigh([(i, self._content(words)) for i, _, words in analysed])
        self._unknown = weights.unknown * max(self._idf.values(), default=1.0)
        self._phrasings: list[_Phrasing] = []
        self._postings: dict[str, list[int]] = {}
        share: dict[str, dict[int, float]] = {}
        counts = [len(e.phrasings) for e in kb.entries]
        for i, text, words in analysed:
            terms = self._content(words)
            index = len(self._phrasings)
            self._phrasings.append(_Phrasing(i, text, " ".join(words), sum(self._idf[t] for t in terms)))
            for term in terms:
                self._postings.setdefault(term, []).append(index)
                by_entry = share.setdefault(term, {})
                by_entry[i] = by_entry.get(i, 0.0) + 1.0 / counts[i]
        self._entry_share = {term: list(by_entry.items()) for term, by_entry in share.items()}
        self._correct: Callable[[str], str | None] = lru_cache(maxsize=65_536)(self._nearest_stem)

    def _content(self, words: Sequence[str]) -> list[str]:
        return list(dict.fromkeys(self._stems[w] for w in words if w not in STOPWORDS))

    def _weigh(self, docs: list[tuple[int, list[str]]]) -> dict[str, float]:
        """IDF over entries (not phrasings): a word shared by every entry tells them apart least."""
        entries_with: dict[str, set[int]] = {}
        for entry, terms in docs:
            for term in terms:
                entries_with.setdefault(term, set()).add(entry)
        n = len(self._ids)
        return {term: math.log(1 + (n + 1) / (len(es) + 0.5)) for term, es in entries_with.items()}

    def _nearest_stem(self, word: str) -> str | None:
        """The knowledge base's stem for a word it does not know, allowing for a typo or two."""
        direct = stem(word)
        if direct in self._idf:
            return direct
        if len(word) < 5:
            return None
        budget = 1 if len(word) < 8 else 2
        same_start = self._by_initial.get(word[0], [])
        found = process.extractOne(word, same_start, scorer=DamerauLevenshtein.distance, score_cutoff=budget)
        return self._stems[found[0]] if found else None

    def _query_terms(self, words: Sequence[str]) -> tuple[list[tuple[str, float]], float]:
        """Known terms with their weights, and the total weight including the words nobody knows."""
        known: dict[str, float] = {}
        unknown = 0.0
        for word in dict.fromkeys(w for w in words if w not in STOPWORDS):
            term = self._stems.get(word) or self._correct(word)
            if term is None:
                unknown += self._unknown if any(c.isalpha() for c in word) else 0.0
            elif term not in known:
                known[term] = self._idf[term]
        return list(known.items()), sum(known.values()) + unknown

    def rank(self, text: str, limit: int = 3) -> list[Candidate]:
        """Entries best first with their scores, whatever the threshold (for clarification and evaluation)."""
        return self.rank_words(self._normaliser.words(text), limit)

    def match(self, text: str, limit: int = 3) -> list[Candidate]:
        """Entries above the knowledge base's threshold, best first; [] when the message is out of scope."""
        threshold = self._kb.settings.threshold
        return [c for c in self.rank(text, limit) if c.score >= threshold]

    def rank_words(self, words: Sequence[str], limit: int = 3) -> list[Candidate]:
        words = words[:MAX_WORDS]
        terms, total = self._query_terms(words)
        if not terms or total <= 0:
            return []
        overlap: dict[int, float] = {}
        for term, weight in terms:
            for p in self._postings[term]:
                overlap[p] = overlap.get(p, 0.0) + weight
        evidence: dict[int, float] = {}
        for term, weight in terms:
            for entry, share in self._entry_share[term]:
                evidence[entry] = evidence.get(entry, 0.0) + weight * share / total
        surface = " ".join(words)
        best: dict[int, tuple[float, int]] = {}
        w = self._weights
        for p in heapq.nlargest(w.shortlist, overlap, key=lambda p: (self._f1(overlap[p], total, p), -p)):
            phrasing = self._phrasings[p]
            recall = overlap[p] / total
            score = (w.overlap * self._f1(overlap[p], total, p) + w.entry * evidence[phrasing.entry]
                     + w.surface * recall * fuzz.token_sort_ratio(surface, phrasing.surface) / 100)
            if phrasing.entry not in best or score > best[phrasing.entry][0]:
                best[phrasing.entry] = (score, p)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        return [Candidate(self._ids[e], round(100 * s, 2), self._phrasings[p].text) for e, (s, p) in ranked]

    def _f1(self, shared: float, total: float, p: int) -> float:
        mass = self._phrasings[p].mass
        if shared <= 0 or mass <= 0:
            return 0.0
        recall, precision = shared / total, shared / mass
        return 2 * recall * precision / (recall + precision)
