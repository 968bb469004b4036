"""Public benchmarks (CLINC150, StackFAQ) run on the matcher's ranking.

These measure the matcher as a classifier and a retriever, the way the published numbers do: the top
candidate of `bot.matcher.rank(text, limit)` is the prediction, and out-of-scope is a threshold on its
score, exactly the decision `Bot.match` makes. The threshold is tuned on CLINC150's `val` + `oos_val`
only and then frozen for `test`, so the reported numbers are honest held-out numbers.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from .datasets import OOS, Case, Clinc, Retrieval
from .evaluate import percentiles
from .progress import track

if TYPE_CHECKING:
    from ..bot import Bot
    from ..knowledge import KnowledgeBase

__all__ = [
    "ClincReport",
    "RetrievalReport",
    "Scored",
    "TuneRule",
    "evaluate_clinc",
    "evaluate_retrieval",
    "score_cases",
    "threshold_metrics",
    "tune_threshold",
]

TuneRule = Literal["accuracy", "balanced"]
"""`accuracy`: maximise accuracy over val with oos as its own class (the CLINC150 paper's rule).
`balanced`: maximise (in-scope accuracy + OOS recall) / 2 over val."""

CLASSIFY_DEPTH = 3
"""Candidates asked for when classifying: the dialogue asks for 3, so timings match real use."""
MRR_DEPTH = 10
"""StackFAQ rankings are cut at 10 (MRR@10); an entry not in the top 10 counts as reciprocal rank 0."""


@dataclass(frozen=True, slots=True)
class Scored:
    """One query's ranking: the expected label, the entries found best first, and the top score."""

    expect: str
    ranking: tuple[str, ...]
    score: float
    """The top candidate's score; -inf when nothing was found (always out of scope)."""
    seconds: float

    @property
    def top(self) -> str | None:
        return self.ranking[0] if self.ranking else None


def score_cases(bot: Bot, cases: Sequence[Case], limit: int, label: str) -> list[Scored]:
    """Rank every case once (thresholds are applied later, so tuning never ranks twice)."""
    rank = bot.matcher.rank
    scored = []
    for case in track(cases, len(cases), label):
        start = time.perf_counter()
        found = rank(case.text, limit)
        seconds = time.perf_counter() - start
        score = found[0].score if found else float("-inf")
        scored.append(Scored(case.expect, tuple(c.entry_id for c in found), score, seconds))
    return scored


# -- thresholds -----------------------------------------------------------------------------------------


def tune_threshold(scored: Sequence[Scored], rule: TuneRule = "accuracy") -> float:
    """The threshold that maximises `rule` on `scored`; ties go to the lowest threshold.

    A query is accepted when its top score is >= the threshold. Each candidate threshold sits halfway
    between two neighbouring observed scores, so it does not hinge on one query's exact score.
    """
    found = sorted((s for s in scored if s.top is not None), key=lambda s: s.score)
    n_in = sum(s.expect != OOS for s in scored)
    n_oos = len(scored) - n_in
    right = sum(s.top == s.expect for s in found)
    rejected_oos = sum(s.expect == OOS for s in scored if s.top is None)
    best_value, best_threshold = _objective(rule, right, rejected_oos, n_in, n_oos), 0.0
    lost = 0
    for i, s in enumerate(found):
        lost += s.top == s.expect
        rejected_oos += s.expect == OOS
        if i + 1 < len(found) and found[i + 1].score == s.score:
            continue
        threshold = (s.score + found[i + 1].score) / 2 if i + 1 < len(found) else s.score + 1.0
        value = _objective(rule, right - lost, rejected_oos, n_in, n_oos)
        if value > best_value:
            best_value, best_threshold = value, threshold
    return best_threshold


def _objective(rule: TuneRule, accepted_right: int, rejected_oos: int, n_in: int, n_oos: int) -> Fraction:
    if rule == "accuracy":
        return Fraction(accepted_right + rejected_oos, max(n_in + n_oos, 1))
    parts = [Fraction(accepted_right, n_in)] if n_in else []
    parts += [Fraction(rejected_oos, n_oos)] if n_oos else []
    return sum(parts, Fraction(0)) / max(len(parts), 1)


def threshold_metrics(scored: Sequence[Scored], threshold: float) -> dict[str, float | None]:
    """In-scope accuracy, OOS recall and precision, all-class accuracy, and top-1 with no threshold."""
    accepted = [s.top is not None and s.score >= threshold for s in scored]
    in_scope = [(s, ok) for s, ok in zip(scored, accepted, strict=True) if s.expect != OOS]
    oos = [ok for s, ok in zip(scored, accepted, strict=True) if s.expect == OOS]
    said_oos = [s.expect == OOS for s, ok in zip(scored, accepted, strict=True) if not ok]
    right = [ok and s.top == s.expect for s, ok in in_scope]
    return {
        "in_scope_accuracy": _mean(right),
        "oos_recall": _mean([not ok for ok in oos]),
        "oos_precision": _mean(said_oos),
        "accuracy": _mean(right + [not ok for ok in oos]),
        "top1_no_threshold": _mean([s.top == s.expect for s, _ in in_scope]),
    }


def _mean(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


# -- CLINC150 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClincReport:
    """CLINC150 at one threshold tuned on val: metrics on val and test, timings per stage."""

    title: str
    entries: int
    phrasings: int
    rule: TuneRule
    threshold: float
    val: dict[str, float | None]
    test: dict[str, float | None]
    ms_per_query: dict[str, float]
    """Ranking time per test query (p50, p99, mean)."""
    stages: dict[str, float]
    """Seconds per stage: index build, ranking val, ranking test (plus `load` when the caller adds it)."""
    queries: dict[str, int]
    calibrated: dict[str, Any] | None = None
    """With `calibrated=True`: the self-calibrated threshold (nothing tuned on val) and its val and test metrics."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "calibrated": self.calibrated,
            "dataset": "clinc150",
            "title": self.title,
            "entries": self.entries,
            "phrasings": self.phrasings,
            "tune": self.rule,
            "threshold": self.threshold,
            "val": self.val,
            "test": self.test,
            "ms_per_query": self.ms_per_query,
            "stages": self.stages,
            "queries": self.queries,
        }


def evaluate_clinc(clinc: Clinc, rule: TuneRule = "accuracy", calibrated: bool = False) -> ClincReport:
    """Build the index, tune the threshold on val + oos_val, then report on test + oos_test; `calibrated` adds
    the same metrics at the threshold faqbot measures on the knowledge base itself, as a new user gets it."""
    bot, build = _build(clinc.kb, calibrated)
    start = time.perf_counter()
    val = score_cases(bot, clinc.val, CLASSIFY_DEPTH, "ranking val")
    val_seconds = time.perf_counter() - start
    threshold = tune_threshold(val, rule)
    start = time.perf_counter()
    test = score_cases(bot, clinc.test, CLASSIFY_DEPTH, "ranking test")
    test_seconds = time.perf_counter() - start
    return ClincReport(
        title=clinc.kb.meta.title,
        entries=len(clinc.kb.entries),
        phrasings=_phrasings(clinc.kb.entries),
        rule=rule,
        threshold=threshold,
        val=threshold_metrics(val, threshold),
        test=threshold_metrics(test, threshold),
        ms_per_query=percentiles([s.seconds * 1000 for s in test]),
        stages={"index_build": build, "rank_val": val_seconds, "rank_test": test_seconds},
        queries={"val": len(val), "test": len(test)},
        calibrated=_calibrated(bot, val, test) if calibrated else None,
    )


def _calibrated(bot: Bot, val: Sequence[Scored], test: Sequence[Scored]) -> dict[str, Any]:
    calibration = bot.calibration
    return {
        "threshold": bot.threshold,
        "rule": calibration.rule if calibration else None,
        "val": threshold_metrics(val, bot.threshold),
        "test": threshold_metrics(test, bot.threshold),
    }


# -- StackFAQ -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetrievalReport:
    """One StackFAQ setting: Hit@1, Hit@3 and MRR@10 over its queries."""

    name: str
    entries: int
    phrasings: int
    queries: int
    hit1: float
    hit3: float
    mrr: float
    ms_per_query: dict[str, float]
    stages: dict[str, float]
    answered: dict[str, Any] | None = None
    """With `calibrated=True`: every query asked through `session.ask` at the self-calibrated threshold, and the
    share of replies that answer (or start the follow-up of) the right entry, ask to clarify, or fall back."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "answered": self.answered,
            "setting": self.name,
            "entries": self.entries,
            "phrasings": self.phrasings,
            "queries": self.queries,
            "hit@1": self.hit1,
            "hit@3": self.hit3,
            f"mrr@{MRR_DEPTH}": self.mrr,
            "ms_per_query": self.ms_per_query,
            "stages": self.stages,
        }


def evaluate_retrieval(retrieval: Retrieval, calibrated: bool = False) -> RetrievalReport:
    """Rank each paraphrase with no threshold (StackFAQ has no out-of-scope queries); `calibrated` also asks each
    one through the dialogue at the self-calibrated threshold."""
    bot, build = _build(retrieval.kb, calibrated)
    start = time.perf_counter()
    scored = score_cases(bot, retrieval.queries, MRR_DEPTH, f"ranking {retrieval.name}")
    query_seconds = time.perf_counter() - start
    ranks = [s.ranking.index(s.expect) + 1 if s.expect in s.ranking else 0 for s in scored]
    n = max(len(ranks), 1)
    return RetrievalReport(
        name=retrieval.name,
        entries=len(retrieval.kb.entries),
        phrasings=_phrasings(retrieval.kb.entries),
        queries=len(ranks),
        hit1=sum(r == 1 for r in ranks) / n,
        hit3=sum(1 <= r <= 3 for r in ranks) / n,
        mrr=sum(1 / r for r in ranks if r) / n,
        ms_per_query=percentiles([s.seconds * 1000 for s in scored]),
        stages={"index_build": build, "rank": query_seconds},
        answered=_answered(bot, retrieval.queries) if calibrated else None,
    )


def _answered(bot: Bot, queries: Sequence[Case]) -> dict[str, Any]:
    kinds = {"right": 0, "wrong": 0, "clarify": 0, "fallback": 0}
    for case in track(queries, len(queries), "asking through the dialogue"):
        reply = bot.session().ask(case.text)
        if reply.kind in ("answer", "follow_up"):
            kinds["right" if reply.entry_id == case.expect else "wrong"] += 1
        else:
            kinds["clarify" if reply.kind == "clarify" else "fallback"] += 1
    n = max(len(queries), 1)
    return {"threshold": bot.threshold, **{k: v / n for k, v in kinds.items()}}


def _build(kb: KnowledgeBase, calibrated: bool = False) -> tuple[Bot, float]:
    """The bot and the seconds it took; without `calibrated` the threshold is fixed at 0 (no calibration run),
    since the caller applies its own thresholds to the scores."""
    from ..bot import Bot

    if not calibrated:
        kb = dataclasses.replace(kb, settings=dataclasses.replace(kb.settings, threshold=0.0))
    start = time.perf_counter()
    bot = Bot(kb)
    return bot, time.perf_counter() - start


def _phrasings(entries: Sequence[Any]) -> int:
    return sum(len(e.phrasings) for e in entries)
