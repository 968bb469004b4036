"""The fuzzy intent matcher: which knowledge-base entry a message is about, or none.

An index is built once at load. Messages and phrasings become *terms*: stemmed content words (synonyms
applied, typos corrected towards the knowledge base's words) and adjacent word pairs, which keep the
function words that tell "is it safe to exercise" from "which exercises are safe". Terms are weighted by
IDF over entries and, the less text the knowledge base has, by their rarity in general English
(`frequency`). A phrasing that shares terms with the message is scored in parts that catch different
failures:

- *overlap*: an F-measure of the weighted terms the message and the phrasing share;
- *entry*: the cosine between the message and all of the entry's phrasings together, so an entry is
  judged on all its wordings, not one lucky neighbour;
- *surface*: rapidfuzz's token-sort ratio on the normalised text (order and small differences), scaled by
  how much of the message is understood so that it cannot carry a match on function words alone;
- *support*: a bonus for the amount of shared evidence, so a long, chatty message is not judged on
  proportions alone.

Words the knowledge base has never seen count against a match, everyday chatter and words of no English list
(another language: "tengo lower back pain, que exercises recomiendas") only a little: that is what makes "should I
use ice or heat?" out of scope for a knowledge base about exercise. An entry's score
also credits its second-best phrasing. Scores are calibrated to 0-100 and compared with the knowledge
base's threshold. Only phrasings sharing a term are scored (an inverted index; a small knowledge base sums
its frequent terms as packed vectors instead), and only a shortlist gets the surface comparison. Everything
iterates in insertion order, so rankings are the same in every process whatever the hash seed.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import math
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise, repeat
from operator import add, itemgetter, truediv
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from . import frequency
from .knowledge import KnowledgeBase
from .text import CHATTER, MAX_CACHED_WORD, STOPWORDS, VAGUE, Normaliser, stem

__all__ = ["Candidate", "Matcher", "Weights"]

NEGATIONS = frozenset("not no never without none nothing neither nor nobody cannot".split())
"""Words that turn a question around (after `tokens`, "don't" is "do not")."""
NEGATED_WORDS = 8
MAX_WORDS = 64
"""Words of a message that are matched; FAQ questions are far shorter, junk is often far longer."""
_SCALE = 1 << 16
"""Term weights are whole multiples of 1/_SCALE, so sums of them are exact, as floats and as integers."""
_LOOKUP_COST = 16
"""A binary search in a posting list costs about this many steps of walking one."""
_FIELD = array("I").itemsize
"""Bytes per phrasing in a packed vector (see `Matcher._pack`)."""
_REAL_WORD = 5.0
"""`frequency.rarity` at or below which a word is common English (Zipf 3 or more: "sleeping", "machines"): a word
people use on purpose, not a typo to correct towards a known word ("sleeping" is not "seeing")."""


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
    entry: float = 0.50
    surface: float = 0.25
    entry_scale: float = 1.5
    """The entry cosine is multiplied by this (and capped at 1): many wordings rarely all share a word."""
    second: float = 0.3
    """Weight of an entry's second-best phrasing: two close phrasings are better evidence than one."""
    pairs: float = 0.4
    """Weight of adjacent word pairs relative to single words (0 turns them off)."""
    pairs_full: float = 20.0
    """Phrasings per entry (on average) from which pairs get their full weight. Pairs are sparse: with a
    handful of wordings per entry their counts are noise, with dozens they tell close questions apart."""
    unknown: float = 2.0
    """Weight of a word the knowledge base has never seen, relative to its rarest known word."""
    chatter: float = 0.1
    """The same for an unknown everyday word (`text.CHATTER`): "honestly", "weeks", "my mum"."""
    foreign: float = 0.5
    """The same for an unknown word that is not English at all (no frequency list holds it)."""
    vague: float = 0.3
    """Weight of a known vague word (`text.VAGUE`: "best", "good", "need") relative to other words."""
    support: float = 0.2
    support_cap: float = 4.0
    """Shared evidence, in units of the rarest word, at which the support bonus is full."""
    shortlist: int = 24
    """Phrasings (by overlap) that get the surface comparison."""
    prior: float = 1.0
    """Strength of the general-English prior on word weights (`frequency`) for a few entries of one wording
    each. It fades as 1 / wordings per entry and as entries grow past `prior_entries`: the more text the
    knowledge base has, the better its own statistics tell common words from rare ones."""
    prior_entries: float = 500.0
    common: float = 0.01
    """A term in more than this share of phrasings only adds to candidates that rarer terms found (speed)."""
    negation: float = 0.6
    """A message that negates ("not join contest", "no cancellation") scores this share against a wording
    that does not: it is not the positive question."""


class _Phrasing(NamedTuple):
    """One question or alternate (a named tuple: a large knowledge base makes hundreds of thousands)."""

    entry: int
    text: str
    sorted_words: str
    """Its normalised words in sorted order, for the token-sort comparison."""
    negated: bool = False
    """Whether it says "not", "no", "without"…: a negated message is only like a negated wording."""


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
        terms_of = [self._terms([self._stems[w] for w in words], words) for _, _, words in analysed]
        idf = self._weigh([(i, terms) for (i, _, _), terms in zip(analysed, terms_of, strict=True)])
        self._rarest = max(idf.values(), default=1.0)
        """The unit of the unknown-word penalty and of the support bonus (from the knowledge base alone)."""
        self._idf = {
            term: max(1, round(weight * _SCALE)) / _SCALE
            for term, weight in self._with_prior(idf, len(analysed)).items()
        }
        self._index(analysed, terms_of)
        self._finish()

    def _finish(self) -> None:
        """The parts derived from the index in moments (also after `restore`)."""
        self._common = max(1000, int(self._weights.common * len(self._phrasings)))
        self._packed = self._pack() if len(self._phrasings) <= self._common else {}
        self._scaled_masses = [mass * _SCALE for mass in self._masses] if self._packed else []
        """The masses in 1/_SCALE units, as the packed sums are."""
        self._spelling_index(self._normaliser)
        self._sorted_stems = sorted(t for t in self._idf if " " not in t and len(t) >= 4)
        self._correct: Callable[[str], tuple[str, ...]] = lru_cache(maxsize=65_536)(self._nearest_stems)

    # -- saving and restoring ----------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """The built index as data for `indexcache`: what takes time to build, nothing derived. Numbers are in
        arrays (per-term lists laid end to end, with offsets), which save and load as bytes, not as text."""
        terms = list(self._postings)
        # With one wording per entry each term's entries are its phrasings: saved once.
        postings_are_entries = all(ph.entry == p for p, ph in enumerate(self._phrasings))
        return {
            "weights": [getattr(self._weights, f.name) for f in dataclasses.fields(self._weights)],
            "words": list(self._stems),
            "stems": list(self._stems.values()),
            "terms": terms,
            "idf": array("d", [self._idf[t] for t in terms]),
            "rarest": self._rarest,
            "sorted_words": [ph.sorted_words for ph in self._phrasings],
            "negated": [p for p, ph in enumerate(self._phrasings) if ph.negated],
            "masses": array("d", self._masses),
            "entry_norm": array("d", self._entry_norm),
            "postings": _laid_end_to_end([self._postings[t] for t in terms]),
            "share_entries": None if postings_are_entries else _laid_end_to_end([self._share[t][0] for t in terms]),
            "share": array("d", itertools.chain.from_iterable(self._share[t][1] for t in terms)),
        }

    @classmethod
    def restore(
        cls, kb: KnowledgeBase, normaliser: Normaliser, state: dict[str, Any], weights: Weights = Weights()
    ) -> Matcher:
        """The matcher `state()` was taken from, without rebuilding its index.

        `state` must come from a matcher of this same knowledge base and faqbot version (`indexcache` keys it
        so); shapes are checked enough that a damaged file raises `ValueError` rather than answering wrongly."""
        if state["weights"] != [getattr(weights, f.name) for f in dataclasses.fields(weights)]:
            raise ValueError("index built with other weights")
        self = cls.__new__(cls)
        self._kb, self._normaliser, self._weights = kb, normaliser, weights
        self._ids = [e.id for e in kb.entries]
        texts = [(i, text) for i, e in enumerate(kb.entries) for text in e.phrasings]
        negated = set(state["negated"])
        self._phrasings = [
            _Phrasing(i, text, words, p in negated)
            for p, ((i, text), words) in enumerate(zip(texts, state["sorted_words"], strict=True))
        ]
        self._stems = dict(zip(state["words"], state["stems"], strict=True))
        terms: list[str] = state["terms"]
        self._idf = dict(zip(terms, state["idf"].tolist(), strict=True))
        self._rarest = float(state["rarest"])
        self._masses, self._entry_norm = state["masses"].tolist(), state["entry_norm"].tolist()
        if len(self._masses) != len(texts) or len(self._entry_norm) != len(self._ids):
            raise ValueError("index of another knowledge base")
        self._postings = dict(zip(terms, _cut(state["postings"]), strict=True))
        fractions: array[float] = state["share"]
        self._share = {}
        start = 0
        share_entries = (
            list(self._postings.values()) if state["share_entries"] is None else _cut(state["share_entries"])
        )
        for term, entries in zip(terms, share_entries, strict=True):
            self._share[term] = (entries, fractions[start : start + len(entries)])
            start += len(entries)
        if start != len(fractions):
            raise ValueError("damaged index")
        self._finish()
        return self

    def _terms(self, stems: Sequence[str | None], words: Sequence[str]) -> list[str]:
        """Content-word stems, then word pairs (with function words: "is it" differs from "what is")."""
        unigrams = [s for s, w in zip(stems, words, strict=True) if s is not None and w not in STOPWORDS]
        if not unigrams:  # "is anyone there?", "hello": a wording of function words only is matched on them
            unigrams = [s for s in stems if s is not None]
        pairs = [f"{a} {b}" for a, b in pairwise(stems) if a is not None and b is not None]
        return list(dict.fromkeys(unigrams + pairs if self._weights.pairs else unigrams))

    def _weigh(self, docs: list[tuple[int, list[str]]]) -> dict[str, float]:
        """IDF over entries (not phrasings): a word shared by every entry tells them apart least."""
        entries_with: Counter[str] = Counter()  # counting in C: a large knowledge base has millions of terms
        for _, group in itertools.groupby(docs, key=itemgetter(0)):
            entries_with.update(dict.fromkeys(itertools.chain.from_iterable(terms for _, terms in group)).keys())
        n, w = len(self._ids), self._weights
        pair = w.pairs * min(1.0, len(docs) / max(n, 1) / w.pairs_full)
        vague = {stem(word) for word in VAGUE}
        return {
            term: (pair if " " in term else w.vague if term in vague else 1.0) * math.log(1 + (n + 1) / (count + 0.5))
            for term, count in entries_with.items()
        }

    def _with_prior(self, idf: dict[str, float], phrasings: int) -> dict[str, float]:
        """Word weights scaled by how rare each word is in English (`frequency.rarity`, relative to the
        knowledge base's typical word), as strongly as `Weights.prior` says for a knowledge base this size."""
        w, entries = self._weights, max(len(self._ids), 1)
        strength = w.prior * min(1.0, entries / max(phrasings, 1)) * w.prior_entries / (w.prior_entries + entries)
        if not strength:
            return idf
        rarity: dict[str, float] = {}
        for word, term in self._stems.items():
            if term in idf:  # content words only: word pairs keep their weight
                rarity[term] = min(rarity.get(term, frequency.RAREST), frequency.rarity(word))
        if not rarity:
            return idf
        typical = math.exp(math.fsum(math.log(r) for r in rarity.values()) / len(rarity))
        return {
            term: weight * (rarity[term] / typical) ** strength if term in rarity else weight
            for term, weight in idf.items()
        }

    def _index(self, analysed: list[tuple[int, str, list[str]]], terms_of: list[list[str]]) -> None:
        self._phrasings: list[_Phrasing] = []
        self._masses: list[float] = []
        """Each phrasing's total term weight (a plain list: the shortlist reads it for every candidate)."""
        postings: dict[str, list[int]] = {}
        idf = self._idf
        for p, ((entry, text, words), terms) in enumerate(zip(analysed, terms_of, strict=True)):
            for term in terms:
                found = postings.get(term)
                if found is None:
                    postings[term] = [p]
                else:
                    found.append(p)
            self._phrasings.append(_Phrasing(entry, text, " ".join(sorted(words)), _negates(words)))
            self._masses.append(sum(idf[t] for t in terms))
        self._postings: dict[str, array[int]] = {term: array("I", ps) for term, ps in postings.items()}  # compact
        self._share = self._shares(terms_of)
        """Each term's entries (ascending) and the share of each entry's phrasings that have it, as arrays: a
        dictionary per term would cost several times the memory on a large knowledge base."""
        norms = [0.0] * len(self._ids)
        for term, (entries, fractions) in self._share.items():
            weight = idf[term]
            for entry, fraction in zip(entries, fractions, strict=True):
                norms[entry] += (fraction * weight) ** 2
        self._entry_norm = [math.sqrt(n) or 1.0 for n in norms]

    def _shares(self, terms_of: list[list[str]]) -> dict[str, tuple[array[int], array[float]]]:
        """For each term, the entries with it and the share of their phrasings that have it.

        With one wording per entry (most imported FAQs, and the largest) that is the term's postings, wholly."""
        if len(self._phrasings) == len(self._ids):
            ones = array("d", [1.0])
            return {term: (postings, ones * len(postings)) for term, postings in self._postings.items()}
        counts = [len(e.phrasings) for e in self._kb.entries]
        share: dict[str, dict[int, float]] = {}
        for phrasing, terms in zip(self._phrasings, terms_of, strict=True):
            entry = phrasing.entry
            for term in terms:
                by_entry = share.setdefault(term, {})
                by_entry[entry] = by_entry.get(entry, 0.0) + 1.0 / counts[entry]
        return {term: (array("I", by_entry), array("d", by_entry.values())) for term, by_entry in share.items()}

    def _pack(self) -> dict[str, int]:
        """Frequent terms of a small knowledge base as packed vectors: one Python int holding the term's
        weight (in 1/_SCALE units) in a fixed-width field per phrasing. Adding such ints adds every field at
        once, at C speed: in a small knowledge base "exercise" or "pain" is in nearly every phrasing, and
        adding their weights one phrasing at a time would be most of a reply's work."""
        phrasings = len(self._phrasings)
        packed: dict[str, int] = {}
        for term, postings in self._postings.items():
            if len(postings) >= max(8, phrasings // 16):
                fields, units = array("I", bytes(_FIELD * phrasings)), round(self._idf[term] * _SCALE)
                for p in postings:
                    fields[p] = units
                packed[term] = int.from_bytes(fields.tobytes(), sys.byteorder)
        return packed

    def _spelling_index(self, normaliser: Normaliser) -> None:
        """Typos are corrected towards the knowledge base's words and its synonyms' lay words."""
        self._spelled = {
            variant: tuple(stem(w) for w in canonical)
            for variant, canonical in normaliser.single_words().items()
            if len(variant) >= 5
        }
        self._by_start: dict[tuple[str, int], list[tuple[int, str]]] = {}
        """Known words by first letter and length, each with its place in the knowledge base's order: a typo is
        looked for only among words of a length it can be within reach of (a large knowledge base knows tens of
        thousands of words), and equally close ones are still decided by that order."""
        for order, word in enumerate(dict.fromkeys([*self._stems, *self._spelled])):
            if word not in STOPWORDS:
                self._by_start.setdefault((word[0], len(word)), []).append((order, word))

    def _nearest_stems(self, word: str) -> tuple[str, ...]:
        """The stems a word the index has not seen stands for: another form of a known word, or a typo of
        a known word or of a synonym ("trian" → "train" → exercise). Empty when it is unknown."""
        direct = stem(word)
        if direct in self._idf or word in STOPWORDS:
            return (direct,)
        if len(word) < 5 or word in CHATTER:
            return ()  # "meantime" is not a longer "meant": everyday words are no typos of the knowledge base's
        if word in self._spelled:
            return self._spelled[word]  # a synonym's lay word, as typed
        if frequency.rarity(word) <= _REAL_WORD:
            return self._by_prefix(direct)
        budget = 1 if len(word) < 8 else 2
        buckets = (
            self._by_start.get((word[0], size), []) for size in range(len(word) - budget, len(word) + budget + 1)
        )
        same_start = [known for _, known in sorted(itertools.chain.from_iterable(buckets))]
        found = process.extractOne(word, same_start, scorer=DamerauLevenshtein.distance, score_cutoff=budget)
        if found is not None:
            return self._spelled.get(found[0]) or (self._stems[found[0]],)
        return self._by_prefix(direct)

    def _by_prefix(self, root: str) -> tuple[str, ...]:
        """A known stem that extends this one or that it extends ("notif" ~ "notifi")."""
        i = bisect.bisect_left(self._sorted_stems, root)
        if i < len(self._sorted_stems) and self._sorted_stems[i].startswith(root):
            return (self._sorted_stems[i],)
        for cut in range(len(root) - 1, max(3, len(root) - 3), -1):
            if root[:cut] in self._idf:
                return (root[:cut],)
        return ()

    # -- matching ------------------------------------------------------------------------------------

    def coverage(self, words: Sequence[str]) -> tuple[int, int]:
        """How many of the message's content words the knowledge base knows, and how many it does not.

        Content words are neither function words nor everyday chatter; a typo of a known word counts as known.
        "best gym in Leeds?" has one of each: a message about something else leaves words unexplained.
        """
        content = [w for w in dict.fromkeys(words) if w not in STOPWORDS and w not in CHATTER and w.isalpha()]
        known = sum(bool(self._known_stems(w)) for w in content)
        return known, len(content) - known

    def in_most_entries(self, word: str, share: float) -> bool:
        """Whether at least this share of the entries have the (normalised) word: it says what the whole knowledge
        base is about ("back", "pain"), not which question is meant."""
        stemmed = self._stems.get(word)
        found = self._share.get(stemmed) if stemmed is not None else None
        return found is not None and len(found[0]) >= share * len(self._ids)

    def knows(self, word: str) -> bool:
        """Whether a (normalised) word is one of the knowledge base's own words, not a stop word."""
        return word in self._stems and word not in STOPWORDS

    def rank(self, text: str, limit: int = 3) -> list[Candidate]:
        """Entries best first with their scores, whatever the threshold (for clarification and evaluation)."""
        return self.rank_words(self._normaliser.words(text), limit)

    def match(self, text: str, threshold: float, limit: int = 3) -> list[Candidate]:
        """Entries at or above `threshold`, best first; [] when the message is out of scope."""
        return [c for c in self.rank(text, limit) if c.score >= threshold]

    def rank_words(self, words: Sequence[str], limit: int = 3) -> list[Candidate]:
        """`rank` for a message already normalised with this knowledge base's `Normaliser`."""
        words = words[:MAX_WORDS]
        terms, total = self._query_terms(words)
        if total <= 0 or not any(" " not in term for term, _ in terms):
            return []
        shortlist = self._shortlist(terms, total)
        phrasings = [self._phrasings[p] for _, p, _ in shortlist]
        # One call compares the message with every shortlisted phrasing (token-sort ratio: both sides are
        # stored with their words sorted).
        similar = process.extract(
            " ".join(sorted(words)),
            [ph.sorted_words for ph in phrasings],
            scorer=fuzz.ratio,
            processor=None,
            limit=None,
        )
        cosines = self._entry_cosines(dict.fromkeys(ph.entry for ph in phrasings), terms, total)
        w = self._weights
        surface = w.surface / 100 / total  # the ratio is 0-100 and counts as much as the message is understood
        support = 1 / (self._rarest * w.support_cap)
        by_entry: dict[int, list[tuple[float, int]]] = {}
        # Only a short message is read as negated: in a story, "no fever, no numbness" is not the question.
        negated = len(words) <= NEGATED_WORDS and _negates(words)
        for _, ratio, i in similar:
            f1, p, shared = shortlist[i]
            entry = phrasings[i].entry
            score = w.overlap * f1 + w.entry * cosines[entry] + surface * ratio * shared
            if negated and not phrasings[i].negated:
                score *= w.negation
            by_entry.setdefault(entry, []).append((-score - w.support * min(shared * support, 1.0), p))
        return self._best(by_entry, limit)

    def _shortlist(self, terms: list[tuple[str, float]], total: float) -> list[tuple[float, int, float]]:
        """The phrasings with the best overlap F-measure, best first (ties: first in the knowledge base), as
        (F-measure, phrasing, shared weight)."""
        size = self._weights.shortlist
        if self._packed and total * _SCALE < 1 << (8 * _FIELD):  # no field can overflow: shared <= total
            units = self._overlap_packed(terms)
            # Half the F-measure of every phrasing, computed and ranked in C (map, a stable sort that keeps the
            # first of equals): this runs over all phrasings for every message.
            half = list(map(truediv, units, map(add, repeat(total * _SCALE), self._scaled_masses)))
            best = sorted(range(len(half)), key=half.__getitem__, reverse=True)[:size]
            return [(2 * half[p], p, units[p] / _SCALE) for p in best if half[p] > 0]
        overlap = self._overlap(terms)
        masses = self._masses
        f1 = [2 * shared / (total + masses[p]) for p, shared in overlap.items()]
        return [(f, p, overlap[p]) for f, p in _best_of(f1, list(overlap), size)]

    def _overlap_packed(self, terms: list[tuple[str, float]]) -> array[int]:
        """Shared weight of every phrasing in 1/_SCALE units: packed vectors for frequent terms, one phrasing
        at a time for the others. (The caller checks that no field can overflow into the next.)"""
        summed, rest = 0, []
        for term, weight in terms:
            vector = self._packed.get(term)
            if vector is None:
                rest.append((term, round(weight * _SCALE)))
            else:
                summed += vector
        shared = array("I", summed.to_bytes(_FIELD * len(self._phrasings), sys.byteorder))
        for term, units in rest:
            for p in self._postings[term]:
                shared[p] += units
        return shared

    def _query_terms(self, words: Sequence[str]) -> tuple[list[tuple[str, float]], float]:
        """Known terms, rarest first, with their weights; and the total weight, unknown words included."""
        w, idf = self._weights, self._idf
        found = {word: self._known_stems(word) for word in words}
        unknown = 0.0
        extra: list[str] = []
        for word, stems in found.items():
            if len(stems) > 1:
                extra += stems[1:]
            elif not stems and any(c.isalpha() for c in word):
                unknown += self._rarest * w.unknown * self._unknown_share(word)
        extra += [  # "git hub"; but "do in" is no "doin", two function words make no content word
            self._stems[a + b]
            for a, b in pairwise(words)
            if a + b in self._stems and not (a in STOPWORDS and b in STOPWORDS)
        ]
        firsts = [found[word][0] if found[word] else None for word in words]
        terms = dict.fromkeys(self._terms(firsts, words) + extra)
        known = sorted([(t, idf[t]) for t in terms if t in idf], key=itemgetter(1), reverse=True)  # stable
        return known, sum(weight for _, weight in known) + unknown

    def _unknown_share(self, word: str) -> float:
        """How much of an unknown word's weight counts against a match: little for everyday chatter and for a
        word no English list holds (another language or dialect: "po", "masakit", "kahit"), all for an English
        word the knowledge base never uses ("mattress")."""
        w = self._weights
        if word in CHATTER or len(word) == 1:
            return w.chatter
        return w.foreign if frequency.rarity(word) >= frequency.RAREST else 1.0

    def _known_stems(self, word: str) -> tuple[str, ...]:
        if word in self._stems:
            return (self._stems[word],)
        # Only words of a sensible length are cached: distinct junk words would fill the cache.
        return self._correct(word) if len(word) <= MAX_CACHED_WORD else self._nearest_stems(word)

    def _overlap(self, terms: list[tuple[str, float]]) -> dict[int, float]:
        """Shared weight per phrasing; common terms (after rarer ones) only add to candidates found already."""
        overlap: dict[int, float] = {}
        for term, weight in terms:
            postings = self._postings[term]
            if len(postings) > self._common and overlap and len(overlap) * _LOOKUP_COST < len(postings):
                for p in overlap:  # few candidates, a very common term: look each up (postings are ascending)
                    i = bisect.bisect_left(postings, p)
                    if i < len(postings) and postings[i] == p:
                        overlap[p] += weight
            elif len(postings) > self._common and overlap:
                for p in postings:
                    if p in overlap:
                        overlap[p] += weight
            else:
                for p in postings:
                    overlap[p] = overlap.get(p, 0.0) + weight
        return overlap

    def _entry_cosines(
        self, entries: dict[int, None], terms: list[tuple[str, float]], total: float
    ) -> dict[int, float]:
        """The cosine between the message and each of these entries' phrasings taken together (capped at 1).

        Unknown words are in the message's norm: they make it less like every entry."""
        known = sum(weight for _, weight in terms)
        norm = math.sqrt(sum(weight * weight for _, weight in terms) + (total - known) ** 2)
        dots = dict.fromkeys(entries, 0.0)
        for term, weight in terms:
            with_term, fractions = self._share[term]
            for entry in entries:
                i = bisect.bisect_left(with_term, entry)
                if i < len(with_term) and with_term[i] == entry:
                    dots[entry] += weight * fractions[i]
        scale = self._weights.entry_scale / norm
        return {entry: min(1.0, scale * dot / self._entry_norm[entry]) for entry, dot in dots.items()}

    def _best(self, by_entry: dict[int, list[tuple[float, int]]], limit: int) -> list[Candidate]:
        """Each entry's score from its best and second-best phrasings, calibrated to 0-1 (0-100 shown).

        `by_entry` holds (-score, phrasing) pairs, so that plain sorting puts the best (and the first
        phrasing of equals) first."""
        second = self._weights.second
        scale = (1 + second) * (1 + self._weights.support)
        best: list[tuple[float, int, int]] = []
        for entry, found in by_entry.items():
            found.sort()
            runner_up = -found[1][0] if len(found) > 1 else 0.0
            score = (-found[0][0] + second * runner_up) / scale
            best.append((-score, entry, found[0][1]))
        best.sort()  # best first; equal scores: first entry
        return [Candidate(self._ids[e], round(-100 * s, 2), self._phrasings[p].text) for s, e, p in best[:limit]]


def _negates(words: Sequence[str]) -> bool:
    """Whether a wording says "not", "no"… other than as "or not" ("can I run or not?" asks the positive)."""
    return any(w in NEGATIONS and (i == 0 or words[i - 1] != "or") for i, w in enumerate(words))


def _laid_end_to_end(lists: Sequence[Sequence[int]]) -> tuple[array[int], array[int]]:
    """Lists of phrasing or entry numbers as one array, with the offset where each ends."""
    ends = array("Q", itertools.accumulate(map(len, lists)))
    return ends, array("I", itertools.chain.from_iterable(lists))


def _cut(packed: tuple[array[int], array[int]]) -> list[array[int]]:
    """The lists `_laid_end_to_end` joined, each as an array (compact, and shared between forked workers)."""
    ends, flat = packed
    if ends and ends[-1] != len(flat):
        raise ValueError("damaged index")
    return [flat[start:end] for start, end in pairwise(itertools.chain((0,), ends))]


def _best_of(scores: list[float], ids: Sequence[int], size: int) -> list[tuple[float, int]]:
    """The `size` best positive (score, id) pairs, best first, ties to the lower id."""
    cut = sorted(scores)[-size] if len(scores) > size else 0.0  # sorting plain floats is much faster than tuples
    best = [(f, p) for f, p in zip(scores, ids, strict=True) if f >= cut and f > 0]
    best.sort(key=lambda fp: (-fp[0], fp[1]))
    return best[:size]
