"""Labelled-query evaluation: how often the bot gives people the answer they were after.

Each case goes through the real dialogue path (`bot.session().ask(text)`, a fresh conversation per case),
because that is what users meet: red-flag screening, small talk, clarification and the out-of-scope
threshold all change the outcome, not only the matcher's ranking. The ranking (`bot.matcher.rank`) is
recorded beside it, to show what a failing query nearly got.

A `clarify` reply counts as correct when its first option is the expected entry (the user gets there in
one tap); how often that happens is reported separately as the clarify rate.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._yamlnodes import KnowledgeError, Node, compose, did_you_mean
from .datasets import OOS, URGENT, Case
from .progress import track

if TYPE_CHECKING:
    from .bot import Bot
    from .matcher import Candidate

__all__ = ["CaseReport", "CaseResult", "evaluate_cases", "load_cases", "percentiles"]

RANK_DEPTH = 3
"""Candidates recorded per case (what a failing query nearly got)."""
TOP_CONFUSED = 10


def load_cases(path: str | Path, known_ids: Iterable[str] | None = None) -> tuple[Case, ...]:
    """Read a cases file (`queries: [{text, expect}]`); errors name file:line and the field.

    With `known_ids`, an `expect` that is neither one of them nor `oos`/`urgent` is refused, so a typo in
    a label fails loudly instead of counting as a wrong answer.
    """
    top = compose(path).fields({"queries"}, set())
    allowed = None if known_ids is None else [*known_ids, OOS, URGENT]
    cases = tuple(_case(node, allowed) for node in top["queries"].items())
    if not cases:
        raise top["queries"].error("no queries")
    return cases


def _case(node: Node, allowed: list[str] | None) -> Case:
    fields = node.fields({"text", "expect"}, set())
    expect_node = fields["expect"]
    expect = expect_node.word()
    if allowed is not None and expect not in allowed:
        hint = did_you_mean(expect, allowed)
        raise KnowledgeError(expect_node.where, expect_node.field, f"unknown entry id {expect!r}{hint}")
    return Case(fields["text"].text(), expect, node.where.line)


@dataclass(frozen=True, slots=True)
class CaseResult:
    """What the bot did with one labelled query."""

    case: Case
    got: str
    """The entry id the reply is about (for `clarify`, its first option), `oos` or `urgent`."""
    kind: str
    """The reply kind (`answer`, `follow_up`, `clarify`, `fallback`, `urgent`, `smalltalk`)."""
    candidates: tuple[Candidate, ...]
    """The matcher's ranking, whatever the threshold."""
    seconds: float

    @property
    def correct(self) -> bool:
        return self.got == self.case.expect


@dataclass(frozen=True)
class CaseReport:
    """Metrics over a labelled set; every rate is a fraction 0-1, or None when nothing was counted."""

    results: tuple[CaseResult, ...]
    seconds: float
    in_scope: tuple[CaseResult, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "in_scope", tuple(r for r in self.results if r.case.expect not in (OOS, URGENT)))

    @property
    def accuracy(self) -> float | None:
        """Top-1 accuracy over in-scope queries (clarify counts when its first option is right)."""
        return _rate(r.correct for r in self.in_scope)

    @property
    def clarify_rate(self) -> float | None:
        return _rate(r.kind == "clarify" for r in self.in_scope)

    @property
    def matcher_top1(self) -> float | None:
        """The ranking's top-1 over in-scope queries, ignoring the threshold and the dialogue."""
        return _rate(bool(r.candidates) and r.candidates[0].entry_id == r.case.expect for r in self.in_scope)

    @property
    def oos_recall(self) -> float | None:
        return _rate(r.got == OOS for r in self.results if r.case.expect == OOS)

    @property
    def oos_precision(self) -> float | None:
        return _rate(r.case.expect == OOS for r in self.results if r.got == OOS)

    @property
    def red_flag_recall(self) -> float | None:
        return _rate(r.got == URGENT for r in self.results if r.case.expect == URGENT)

    @property
    def false_alarms(self) -> int:
        """Queries that were not red flags but got the urgent reply."""
        return sum(r.got == URGENT and r.case.expect != URGENT for r in self.results)

    @property
    def failures(self) -> tuple[CaseResult, ...]:
        return tuple(r for r in self.results if not r.correct)

    def per_label(self) -> dict[str, tuple[int, int]]:
        """Expected label → (cases, correct), in the order labels first appear."""
        counts: dict[str, list[int]] = {}
        for r in self.results:
            tally = counts.setdefault(r.case.expect, [0, 0])
            tally[0] += 1
            tally[1] += r.correct
        return {label: (n, ok) for label, (n, ok) in counts.items()}

    def confused(self, top: int = TOP_CONFUSED) -> list[tuple[str, str, int]]:
        """The most frequent (expected, got) mistakes, most frequent first."""
        pairs = Counter((r.case.expect, r.got) for r in self.failures)
        return [(e, g, n) for (e, g), n in sorted(pairs.items(), key=lambda item: (-item[1], item[0]))[:top]]

    def latency_ms(self) -> dict[str, float]:
        return percentiles([r.seconds * 1000 for r in self.results])

    def to_dict(self) -> dict[str, Any]:
        """Everything `faqbot eval --json` prints."""
        return {
            "cases": len(self.results),
            "in_scope": len(self.in_scope),
            "accuracy": self.accuracy,
            "correct": sum(r.correct for r in self.in_scope),
            "clarify_rate": self.clarify_rate,
            "matcher_top1": self.matcher_top1,
            "oos": {"recall": self.oos_recall, "precision": self.oos_precision},
            "red_flags": {"recall": self.red_flag_recall, "false_alarms": self.false_alarms},
            "per_label": {
                label: {"cases": n, "correct": ok, "accuracy": ok / n} for label, (n, ok) in self.per_label().items()
            },
            "confused": [{"expected": e, "got": g, "count": n} for e, g, n in self.confused()],
            "failures": [_failure(r) for r in self.failures],
            "ms_per_query": self.latency_ms(),
            "seconds": round(self.seconds, 3),
        }


def _failure(r: CaseResult) -> dict[str, Any]:
    return {
        "line": r.case.line,
        "text": r.case.text,
        "expect": r.case.expect,
        "got": r.got,
        "kind": r.kind,
        "candidates": [{"entry_id": c.entry_id, "score": c.score} for c in r.candidates],
    }


def evaluate_cases(bot: Bot, cases: Sequence[Case], label: str = "eval") -> CaseReport:
    """Run every case through a fresh conversation and the ranking; see `CaseReport` for the metrics."""
    by_question: dict[str, str] = {}
    for entry in bot.kb.entries:
        by_question.setdefault(entry.question, entry.id)
    start = time.perf_counter()
    results = tuple(_run_case(bot, case, by_question) for case in track(cases, len(cases), label))
    return CaseReport(results, time.perf_counter() - start)


def _run_case(bot: Bot, case: Case, by_question: dict[str, str]) -> CaseResult:
    session = bot.session()
    start = time.perf_counter()
    reply = session.ask(case.text)
    seconds = time.perf_counter() - start
    candidates = tuple(bot.matcher.rank(case.text, RANK_DEPTH))
    kind = str(reply.kind)
    if kind == "urgent":
        got = URGENT
    elif kind == "clarify" and reply.options:
        got = by_question.get(reply.options[0], OOS)
    else:
        got = reply.entry_id or OOS
    return CaseResult(case, got, kind, candidates, seconds)


def percentiles(values_ms: Sequence[float]) -> dict[str, float]:
    """p50, p99 and mean of a list of milliseconds (zeros when empty), rounded for reports."""
    if not values_ms:
        return {"p50": 0.0, "p99": 0.0, "mean": 0.0}
    ordered = sorted(values_ms)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return {
        "p50": round(statistics.median(ordered), 4),
        "p99": round(p99, 4),
        "mean": round(statistics.fmean(ordered), 4),
    }


def _rate(flags: Iterable[bool]) -> float | None:
    values = list(flags)
    return sum(values) / len(values) if values else None
