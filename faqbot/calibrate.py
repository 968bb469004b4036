"""Self-calibration: the out-of-scope threshold a knowledge base needs, measured on the knowledge base itself.

A score means different things on different knowledge bases: seven long, similar questions about back pain
score a correct match far higher than 150 short intents of a bank's assistant, or 125 one-line questions
imported from a help page. So when a knowledge base gives no `matching.threshold` (the recommended way), the
threshold is chosen at load from two kinds of evidence:

- **in scope**: alternates held out of a copy of the index (every other alternate, a few hundred at most,
  spread over the entries) and asked of it: how high does a correct match score when the wording is new?
- **out of scope**: everyday messages about other topics (`data/offtopic.txt`, written for faqbot and
  dedicated to the public domain) asked of the whole index: how high does chatter about something else score?

When the knowledge base's own questions stand clear of everyday chatter (the 5th percentile of correct held-out
matches is above the 95th percentile of off-topic messages) the threshold keeps 95 % of them: a health or
product FAQ answers what it knows and nothing near it. When the two overlap (a knowledge base that covers
everyday topics, like a bank's or a travel assistant's) it steps down by the overlap, to no lower than the
median off-topic score. With too few held-out alternates to measure (an imported FAQ of one wording per
question), the off-topic evidence alone decides: its 90th percentile, and at least the median of the off-topic
messages that share a word with the knowledge base.

The result depends only on the knowledge base's content and faqbot's version, so it is cached in memory and
on disk (a small JSON file of numbers in the user's cache directory; a damaged file is ignored).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .files import cache_dir
from .knowledge import KnowledgeBase
from .matcher import Matcher
from .text import Normaliser

__all__ = ["CLARIFY_SHARE", "Calibration", "calibrate", "calibrated"]

MAX_PROBES = 300
"""Held-out alternates asked at most (spread over the entries): enough for a 5th percentile, fast to score."""
MAX_OFFTOPIC = 400
"""Off-topic messages asked at most (an even sample of the shipped list)."""
MIN_PROBES = 20
"""Fewer correct held-out matches than this cannot place a percentile: the off-topic evidence decides alone."""
IN_SCOPE_QUANTILE = 0.05
OFFTOPIC_QUANTILE = 0.95
OFFTOPIC_ONLY_QUANTILE = 0.90
_VERSION = 2
"""Bump when the rule changes, so cached calibrations of the old rule are not reused."""


@dataclass(frozen=True, slots=True)
class Calibration:
    """The threshold chosen for one knowledge base, and the evidence behind it (shown by `faqbot check`)."""

    threshold: float
    rule: str
    """"clear" (own questions stand clear of chatter), "overlap" or "off-topic only" (too few alternates)."""
    probes: int
    """Held-out alternates asked."""
    correct: int
    """Of those, how many the reduced index matched to their own entry (above any threshold)."""
    answered: int
    """Of those, how many scored at or above the threshold: answered right, as the estimate of accuracy."""
    offtopic: int
    rejected: int
    """Off-topic messages below the threshold."""
    single: tuple[str, ...] = ()
    """Entries with one wording only: add alternates to these."""

    @property
    def accuracy(self) -> float | None:
        """Estimated share of questions phrased like the alternates that get the right answer."""
        return self.answered / self.probes if self.probes else None

    @property
    def offtopic_rejected(self) -> float | None:
        return self.rejected / self.offtopic if self.offtopic else None

    def to_dict(self) -> dict[str, object]:
        return {
            "threshold": self.threshold,
            "rule": self.rule,
            "probes": self.probes,
            "correct": self.correct,
            "answered": self.answered,
            "estimated_accuracy": self.accuracy,
            "offtopic": self.offtopic,
            "offtopic_rejected": self.offtopic_rejected,
            "single_wording_entries": list(self.single),
        }


CLARIFY_SHARE = 0.1
"""A calibrated knowledge base asks which question was meant when the runner-up is within this share of the
threshold of the best (unless it sets `clarify_margin`): on a knowledge base whose matches score 10 to 30 a
fixed margin of 4 points would ask about almost everything."""
FIXED_CLARIFY_MARGIN = 4.0
"""The margin of a knowledge base that fixes its own threshold but not its margin."""


def calibrated(kb: KnowledgeBase, normaliser: Normaliser, matcher: Matcher) -> tuple[KnowledgeBase, Calibration | None]:
    """The knowledge base with a number for `threshold` and `clarify_margin` in its settings: measured when it
    gives none (the calibration is returned too), the knowledge base's own otherwise."""
    settings = kb.settings
    found = calibrate(kb, normaliser, matcher) if settings.threshold is None else None
    threshold = found.threshold if found else settings.threshold
    assert threshold is not None
    margin = settings.clarify_margin
    if margin is None:
        margin = round(CLARIFY_SHARE * threshold, 2) if found else FIXED_CLARIFY_MARGIN
    settings = dataclasses.replace(settings, threshold=threshold, clarify_margin=margin)
    return dataclasses.replace(kb, settings=settings), found


def calibrate(kb: KnowledgeBase, normaliser: Normaliser, matcher: Matcher) -> Calibration:
    """Measure (or read from the cache) the calibration of a knowledge base; `matcher` indexes all of it."""
    key = _fingerprint(kb)
    cached = _from_disk(key)
    if cached is not None:
        return cached
    found = _measure(kb, normaliser, matcher)
    _to_disk(key, found)
    return found


def _measure(kb: KnowledgeBase, normaliser: Normaliser, matcher: Matcher) -> Calibration:
    reduced, held = _held_out(kb)
    scores: list[float] = []
    if held:
        index = Matcher(reduced, normaliser)
        for text, entry in held:
            ranked = index.rank(text, limit=1)
            if ranked and ranked[0].entry_id == entry:
                scores.append(ranked[0].score)
    offtopic = [_top(matcher, text) for text in _offtopic_sample()]
    threshold, rule = _threshold(scores, offtopic)
    single = tuple(e.id for e in kb.entries if not e.alternates)
    return Calibration(
        threshold=round(threshold, 2),
        rule=rule,
        probes=len(held),
        correct=len(scores),
        answered=sum(s >= threshold for s in scores),
        offtopic=len(offtopic),
        rejected=sum(s < threshold for s in offtopic),
        single=single,
    )


def _threshold(scores: Sequence[float], offtopic: Sequence[float]) -> tuple[float, str]:
    if len(scores) < MIN_PROBES:
        # At least half of the off-topic messages that share a word with the knowledge base are turned away,
        # even when most share none (a small knowledge base would otherwise get a threshold of 0).
        sharing = [score for score in offtopic if score > 0]
        return max(_quantile(offtopic, OFFTOPIC_ONLY_QUANTILE), _quantile(sharing, 0.5)), "off-topic only"
    low, high = _quantile(scores, IN_SCOPE_QUANTILE), _quantile(offtopic, OFFTOPIC_QUANTILE)
    if low >= high:
        return low, "clear"
    return max(_quantile(offtopic, 0.5), low - (high - low)), "overlap"


def _held_out(kb: KnowledgeBase) -> tuple[KnowledgeBase, list[tuple[str, str]]]:
    """A copy without every other alternate (taken round-robin over the entries), and those alternates.

    Each entry keeps its question and at least half of its alternates, so it is still itself in the copy.
    """
    held: list[tuple[str, str]] = []
    removed: dict[str, set[int]] = {e.id: set() for e in kb.entries}
    depth = 0
    while len(held) < MAX_PROBES:
        taken = False
        for entry in kb.entries:
            index = 2 * depth + 1
            if index < len(entry.alternates) and len(held) < MAX_PROBES:
                held.append((entry.alternates[index], entry.id))
                removed[entry.id].add(index)
                taken = True
        if not taken:
            break
        depth += 1
    entries = tuple(
        dataclasses.replace(e, alternates=tuple(a for i, a in enumerate(e.alternates) if i not in removed[e.id]))
        for e in kb.entries
    )
    return dataclasses.replace(kb, entries=entries), held


def _top(matcher: Matcher, text: str) -> float:
    ranked = matcher.rank(text, limit=1)
    return ranked[0].score if ranked else 0.0


@lru_cache(maxsize=1)
def _offtopic_sample() -> tuple[str, ...]:
    lines = resources.files("faqbot").joinpath("data/offtopic.txt").read_text(encoding="utf-8").splitlines()
    lines = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    step = max(1, len(lines) // MAX_OFFTOPIC)
    return tuple(lines[::step][:MAX_OFFTOPIC])


def _quantile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between the nearest ranks (numpy's default); 0 for no values."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


# -- cache -----------------------------------------------------------------------------------------------


def _fingerprint(kb: KnowledgeBase) -> str:
    """What the calibration depends on: the phrasings, the synonyms, the rule and faqbot's version."""
    from . import __version__

    digest = hashlib.sha256(f"{_VERSION}\0{__version__}\0".encode())
    for entry in kb.entries:
        digest.update(json.dumps([entry.id, entry.question, entry.alternates]).encode())
    digest.update(json.dumps(sorted((k, list(v)) for k, v in kb.synonyms.items())).encode())
    return digest.hexdigest()[:32]


_MEMORY: dict[str, Calibration] = {}


def _from_disk(key: str) -> Calibration | None:
    if key in _MEMORY:
        return _MEMORY[key]
    directory = cache_dir()
    if directory is None:
        return None
    try:
        data = json.loads((directory / "calibration" / f"{key}.json").read_text(encoding="utf-8"))
        found = Calibration(
            threshold=float(data["threshold"]),
            rule=str(data["rule"]),
            probes=int(data["probes"]),
            correct=int(data["correct"]),
            answered=int(data["answered"]),
            offtopic=int(data["offtopic"]),
            rejected=int(data["rejected"]),
            single=tuple(str(s) for s in data["single"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing, damaged or foreign: measured again
    if not 0 <= found.threshold <= 100:
        return None
    _MEMORY[key] = found
    return found


def _to_disk(key: str, found: Calibration) -> None:
    _MEMORY[key] = found
    directory = cache_dir()
    if directory is None:
        return
    from .errors import FaqbotError
    from .files import write_atomic

    record = {f.name: getattr(found, f.name) for f in dataclasses.fields(found)}
    try:
        (directory / "calibration").mkdir(parents=True, exist_ok=True)
        write_atomic(directory / "calibration" / f"{key}.json", json.dumps(record) + "\n")
    except (OSError, FaqbotError):
        return  # a cache that cannot be written only makes the next load slower
