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
from .text import CHATTER, STOPWORDS, Normaliser, stem

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
    """The matcher's knobs, tuned once on public data (see README "Performance"), not per knowledge base."""

    overlap: float = 0.25
    """Share of the score from the best phrasing's term overlap (an F-measure)."""
    entry: float = 0.50
    """Share from the entry as a whole (cosine with all its phrasings' words)."""
    surface: float = 0.25
    """Share from rapidfuzz's token-sort ratio, scaled by how much of the message is understood."""
    cosine: bool = True
    cosine_scale: float = 1.5
    cosine_unknown: float = 1.0
    second: float = 0.3
    """Weight of an entry's second-best phrasing: two close phrasings are better evidence than one."""
    pairs: float = 0.4
    """Weight of adjacent word pairs relative to single words (0 turns them off)."""
    unknown: float = 2.0
    """Weight of a word the knowledge base has never seen, relative to its rarest known word."""
    chatter: float = 0.1
    """The same for an unknown everyday word (`text.CHATTER`): "honestly", "weeks", "my mum"."""
    support: float = 0.2
    """Bonus for the amount of matched evidence, so a long message is not judged on proportions alone."""
    support_cap: float = 4.0
    """Evidence (in units of the rarest word) at which the bonus is full."""
    shortlist: int = 24
    """Phrasings (by term overlap) that get the more expensive surface comparison."""
    chars: float = 0.0
    gram: int = 3


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
                if word not in self._stems:
                    self._stems[word] = stem(word)
        # Typos are corrected towards the knowledge base's words and towards its synonyms' lay words.
        self._spelled = {variant: tuple(stem(w) for w in canonical)
                         for variant, canonical in normaliser.single_words().items() if len(variant) >= 5}
        self._by_initial: dict[str, list[str]] = {}
        for word in [*self._stems, *self._spelled]:
            if word not in STOPWORDS:
                self._by_initial.setdefault(word[0], []).append(word)
        terms_of = [self._terms([self._stems[w] for w in words], words) for _, _, words in analysed]
        self._idf = self._weigh([(i, terms) for (i, _, _), terms in zip(analysed, terms_of)])
        self._rarest = max(self._idf.values(), default=1.0)
        self._unknown = weights.unknown * self._rarest
        self._phrasings: list[_Phrasing] = []
        self._postings: dict[str, list[int]] = {}
        share: dict[str, dict[int, float]] = {}
        counts = [len(e.phrasings) for e in kb.entries]
        for (i, text, words), terms in zip(analysed, terms_of):
            index = len(self._phrasings)
            self._phrasings.append(_Phrasing(i, text, " ".join(words), sum(self._idf[t] for t in terms)))
            for term in terms:
                self._postings.setdefault(term, []).append(index)
                by_entry = share.setdefault(term, {})
                by_entry[i] = by_entry.get(i, 0.0) + 1.0 / counts[i]
        self._entry_share = {term: list(by_entry.items()) for term, by_entry in share.items()}
        norms = [0.0] * len(self._ids)
        for term, by_entry in share.items():
            for entry, fraction in by_entry.items():
                norms[entry] += (fraction * self._idf[term]) ** 2
        self._entry_norm = [math.sqrt(n) or 1.0 for n in norms]
        self._correct: Callable[[str], tuple[str, ...]] = lru_cache(maxsize=65_536)(self._nearest_stem)
        gram_entries: dict[str, set[int]] = {}
        for i, _, words in analysed:
            for g in _grams(words, weights.gram):
                gram_entries.setdefault(g, set()).add(i)
        n = len(self._ids)
        self._gram_idf = {g: math.log(1 + (n + 1) / (len(es) + 0.5)) for g, es in gram_entries.items()}
        self._gram_unknown = math.log(1 + (n + 1) / 0.5)

    def _terms(self, stems: Sequence[str | None], words: Sequence[str]) -> list[str]:
        """Content-word stems, then word pairs (with function words: "is it" differs from "what is")."""
        unigrams = [s for s, w in zip(stems, words) if s is not None and w not in STOPWORDS]
        pairs = [f"{a} {b}" for a, b in zip(stems, stems[1:]) if a is not None and b is not None]
        return list(dict.fromkeys(unigrams + (pairs if self._weights.pairs else [])))

    def _weigh(self, docs: list[tuple[int, list[str]]]) -> dict[str, float]:
        """IDF over entries (not phrasings): a word shared by every entry tells them apart least."""
        entries_with: dict[str, set[int]] = {}
        for entry, terms in docs:
            for term in terms:
                entries_with.setdefault(term, set()).add(entry)
        n = len(self._ids)
        pair = self._weights.pairs
        return {term: (pair if " " in term else 1.0) * math.log(1 + (n + 1) / (len(es) + 0.5))
                for term, es in entries_with.items()}

    def _nearest_stem(self, word: str) -> tuple[str, ...]:
        """The knowledge base's stems for a word it does not know as such: another form of a known word,
        or a typo of a known word or of a synonym ("trian" → "train" → exercise). Empty when unknown."""
        direct = stem(word)
        if direct in self._idf or word in STOPWORDS:
            return (direct,)
        if len(word) < 5:
            return ()
        budget = 1 if len(word) < 8 else 2
        same_start = self._by_initial.get(word[0], [])
        found = process.extractOne(word, same_start, scorer=DamerauLevenshtein.distance, score_cutoff=budget)
        if found is None:
            return ()
        return self._spelled.get(found[0]) or (self._stems[found[0]],)

    def _query_terms(self, words: Sequence[str]) -> tuple[list[tuple[str, float]], float]:
        """Known terms with their weights, and the total weight including the words nobody knows."""
        stems: list[str | None] = []
        extra: list[str] = []
        unknown = 0.0
        seen: set[str] = set()
        for word in words:
            found = (self._stems[word],) if word in self._stems else self._correct(word)
            stems.append(found[0] if found else None)
            extra.extend(found[1:])
            if not found and word not in seen and any(c.isalpha() for c in word):
                unknown += self._unknown * (self._weights.chatter if word in CHATTER else 1.0)
            seen.add(word)
        terms = dict.fromkeys(self._terms(stems, words) + extra)
        known = [(t, self._idf[t]) for t in terms if t in self._idf]
        return known, sum(weight for _, weight in known) + unknown

    def rank(self, text: str, limit: int = 3) -> list[Candidate]:
        """Entries best first with their scores, whatever the threshold (for clarification and evaluation)."""
        return self.rank_words(self._normaliser.words(text), limit)

    def match(self, text: str, limit: int = 3) -> list[Candidate]:
        """Entries above the knowledge base's threshold, best first; [] when the message is out of scope."""
        threshold = self._kb.settings.threshold
        return [c for c in self.rank(text, limit) if c.score >= threshold]

    def rank_words(self, words: Sequence[str], limit: int = 3) -> list[Candidate]:
        w = self._weights
        words = words[:MAX_WORDS]
        terms, total = self._query_terms(words)
        if not any(" " not in t for t, _ in terms) or total <= 0:
            return []
        overlap: dict[int, float] = {}
        for term, weight in terms:
            for p in self._postings[term]:
                overlap[p] = overlap.get(p, 0.0) + weight
        evidence: dict[int, float] = {}
        for term, weight in terms:
            for entry, share in self._entry_share[term]:
                evidence[entry] = evidence.get(entry, 0.0) + weight * share
        if self._weights.cosine:
            qnorm = math.sqrt(sum(w * w for _, w in terms) + self._weights.cosine_unknown * (total - sum(w for _, w in terms)) ** 2)
            evidence = {e: min(1.0, v * self._weights.cosine_scale / (qnorm * self._entry_norm[e])) for e, v in evidence.items()}
        else:
            evidence = {e: v / total for e, v in evidence.items()}
        surface = " ".join(words)
        if w.chars:
            qgrams = self._gram_vector(words)
            qnorm_g = math.sqrt(sum(v * v for v in qgrams.values())) or 1.0
        scores: dict[int, list[tuple[float, int]]] = {}
        for p in heapq.nlargest(w.shortlist, overlap, key=lambda p: (self._f1(overlap[p], total, p), -p)):
            phrasing = self._phrasings[p]
            recall = overlap[p] / total
            score = (w.overlap * self._f1(overlap[p], total, p) + w.entry * evidence[phrasing.entry]
                     + w.surface * recall * fuzz.token_sort_ratio(surface, phrasing.surface) / 100)
            if w.chars:
                score += w.chars * self._gram_cosine(qgrams, qnorm_g, phrasing.surface.split())
            if w.support:
                score = (score + w.support * min(overlap[p] / self._rarest, w.support_cap) / w.support_cap) / (1 + w.support)
            scores.setdefault(phrasing.entry, []).append((score, p))
        best: dict[int, tuple[float, int]] = {}
        for entry, found in scores.items():
            found.sort(key=lambda sp: (-sp[0], sp[1]))
            top = found[0][0] + w.second * (found[1][0] if len(found) > 1 else 0.0)
            best[entry] = (top / (1 + w.second), found[0][1])
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        return [Candidate(self._ids[e], round(100 * s, 2), self._phrasings[p].text) for e, (s, p) in ranked]

    def _gram_vector(self, words: Sequence[str]) -> dict[str, float]:
        vec: dict[str, float] = {}
        for g in _grams(words, self._weights.gram):
            vec[g] = vec.get(g, 0.0) + self._gram_idf.get(g, self._gram_unknown)
        return vec

    def _gram_cosine(self, q: dict[str, float], qnorm: float, words: Sequence[str]) -> float:
        p = self._gram_vector(words)
        dot = sum(v * q[g] for g, v in p.items() if g in q)
        pnorm = math.sqrt(sum(v * v for v in p.values())) or 1.0
        return dot / (qnorm * pnorm)

    def _f1(self, shared: float, total: float, p: int) -> float:
        mass = self._phrasings[p].mass
        if shared <= 0 or mass <= 0:
            return 0.0
        recall, precision = shared / total, shared / mass
        return 2 * recall * precision / (recall + precision)


def _grams(words: Sequence[str], n: int) -> list[str]:
    """Character n-grams of the content words, with word boundaries marked ("<ex", "exe", ...)."""
    grams: list[str] = []
    for word in words:
        if word not in STOPWORDS:
            padded = f"<{word}>"
            grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams
