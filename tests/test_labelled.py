"""The public labelled set: what people really type, run through the real dialogue path.

Targets: top-1 accuracy ≥ 95 % in scope, out-of-scope rejection ≥ 90 %, red-flag recall 100 %.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import faqbot
from faqbot.tooling.evaluate import CaseReport, evaluate_cases, load_cases

QUERIES = Path(__file__).parent / "data" / "queries.yaml"


@pytest.fixture(scope="module")
def report(bot: faqbot.Bot) -> CaseReport:
    return evaluate_cases(bot, load_cases(QUERIES, [e.id for e in bot.kb.entries]))


def describe(report: CaseReport) -> str:
    return "\n".join(f"{r.case.text!r}: expected {r.case.expect}, got {r.got}" for r in report.failures)


def test_the_set_is_big_enough(report: CaseReport) -> None:
    per_label = report.per_label()
    assert len(report.results) >= 200
    assert per_label["oos"][0] >= 40 and per_label["urgent"][0] >= 20
    assert all(total >= 20 for label, (total, _) in per_label.items())


def test_in_scope_top1_accuracy(report: CaseReport) -> None:
    assert report.accuracy is not None and report.accuracy >= 0.95, describe(report)


def test_out_of_scope_rejection(report: CaseReport) -> None:
    assert report.oos_recall is not None and report.oos_recall >= 0.90, describe(report)


def test_every_red_flag_is_escalated(report: CaseReport) -> None:
    assert report.red_flag_recall == 1.0, describe(report)
    assert report.false_alarms == 0, describe(report)
