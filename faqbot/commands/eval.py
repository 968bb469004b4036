"""`faqbot eval`: matching accuracy on labelled queries or on a public benchmark.

`faqbot eval CASES.yaml` answers "does it understand my users?" for your own knowledge base;
`faqbot eval --dataset clinc150|stackfaq PATH` compares the matcher with published numbers. The heavy
modules are imported inside `run()` so `faqbot --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ._common import existing_file, load_bot
from ._format import MISSING, ms, pct, seconds, table

if TYPE_CHECKING:
    from ..tooling.benchmarks import ClincReport, RetrievalReport
    from ..tooling.evaluate import CaseReport

EPILOG = """\
examples:
  faqbot eval tests/data/queries.yaml --min-accuracy 0.95
  faqbot eval my_cases.yaml --kb my_faq.yaml --json
  faqbot eval --dataset clinc150 ../shared/bench-data/clinc150/data_full.json
  faqbot eval --dataset stackfaq ../shared/bench-data/stackfaq/ --calibrated
  faqbot eval --log logs/ --kb my_faq.yaml     real questions asked again after an edit

CASES.yaml holds `queries: [{text: ..., expect: ...}]` (expect: an entry id, `oos` for nothing should
answer, `urgent` for a red flag) or, in full, `queries: [{text, kind, entry, tier, referral, fills}]`;
a conversations file holds `conversations: [{id, turns: [{say, kind, entry, ...}]}]`, judged turn by turn.
Exit status: 0 ok, 1 below --min-accuracy or a broken file, 2 misuse.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument(
        "path",
        metavar="CASES.yaml|PATH",
        nargs="+",
        help="labelled messages or conversations (one or more files), or with --dataset the dataset file or folder",
    )
    parser.add_argument("--kb", metavar="PATH", help="knowledge base to evaluate (default: the bundled one)")
    parser.add_argument(
        "--dataset", choices=("clinc150", "stackfaq"), help="evaluate on a public benchmark built in memory from PATH"
    )
    parser.add_argument(
        "--tune",
        choices=("accuracy", "balanced"),
        default="accuracy",
        help="clinc150 threshold rule on val: accuracy with oos as its own class (default, as "
        "in the CLINC150 paper) or balanced = (in-scope accuracy + OOS recall) / 2",
    )
    parser.add_argument(
        "--calibrated",
        action="store_true",
        help="with --dataset: also report at the threshold faqbot measures on the knowledge base itself (nothing "
        "tuned on val), as a new user gets it; for stackfaq every query is asked through session.ask",
    )
    parser.add_argument(
        "--log",
        action="store_true",
        help="the PATHs are conversation logs (faqbot serve/chat --log): ask every logged conversation again "
        "and report what changed (answered now, answer changed, newly unanswered)",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON instead of a report")
    parser.add_argument(
        "--min-accuracy",
        metavar="X",
        help="exit 1 when accuracy is below X, a fraction from 0 to 1 (e.g. 0.95); the "
        "accuracy is in-scope top-1 (cases, clinc150 test) or Hit@1 of each stackfaq setting",
    )
    parser.add_argument(
        "--failures",
        metavar="N",
        type=int,
        default=20,
        help="failing queries to list in the report (default 20; --json lists all)",
    )


def run(args: argparse.Namespace) -> int:
    minimum = _fraction(args.min_accuracy)
    if args.dataset and args.kb:
        raise UsageError("--kb cannot be combined with --dataset (the dataset is the knowledge base)")
    if args.dataset and len(args.path) > 1:
        raise UsageError("--dataset takes one PATH (the dataset file or its folder)")
    if args.dataset:
        args.path = args.path[0]
    if args.log:
        return _replay(args)
    if args.dataset == "clinc150":
        accuracies, data = _clinc(args)
    elif args.dataset == "stackfaq":
        accuracies, data = _stackfaq(args)
    else:
        accuracies, data = _cases(args)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    worst = min((a for a in accuracies if a is not None), default=None)
    if minimum is not None and (worst is None or worst < minimum):
        print(f"faqbot eval: accuracy {pct(worst)} is below --min-accuracy {minimum:g}", file=sys.stderr)
        return 1
    return 0


def _fraction(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not 0 <= number <= 1:
        raise UsageError(f"--min-accuracy: expected a fraction from 0 to 1 (e.g. 0.95), got {value!r}")
    return number


# -- labelled cases -------------------------------------------------------------------------------------


def _cases(args: argparse.Namespace) -> tuple[list[float | None], dict[str, Any]]:
    from ..tooling.evaluate import evaluate_file

    for path in args.path:
        existing_file(path)  # every file is checked before the knowledge base loads: a typo fails fast, exit 2
    bot = load_bot(args.kb)
    accuracies, reports = [], []
    for path in args.path:
        report = evaluate_file(bot, path)
        if not args.json:
            print(_cases_text(path, bot, report, args.failures))
        accuracies.append(report.accuracy)
        reports.append({"file": path, "kb": bot.kb.path, **report.to_dict()})
    return accuracies, reports[0] if len(reports) == 1 else {"files": reports}


def _cases_text(path: str, bot: Any, report: CaseReport, show: int) -> str:
    latency = report.latency_ms()
    conversations = len({r.case.conversation for r in report.results if r.case.conversation})
    what = (
        f"{len(report.results)} turns of {conversations} conversations"
        if conversations
        else f"{len(report.results)} messages"
    )
    lines = [
        f"{path}: {what} on {bot.kb.meta.title} ({len(bot.kb.entries)} entries)",
        f"  {seconds(report.seconds)} in all; reply time per message p50 {ms(latency['p50'])} ms, "
        f"mean {ms(latency['mean'])} ms",
        "",
        table([row for row in _headline(report) if row[1] != MISSING], align="lrl"),
        "",
        "per label",
        table(
            [["label", "cases", "correct", "accuracy"]]
            + [[label, str(n), str(ok), pct(ok / n)] for label, (n, ok) in report.per_label().items()]
        ),
    ]
    confused = report.confused()
    if confused:
        lines += ["", "most confused (expected -> got)"]
        lines += [f"  {n:3d}  {e} -> {g}" for e, g, n in confused]
    failures = report.failures
    if failures:
        lines += ["", f"failing messages ({len(failures)}{f', first {show}' if len(failures) > show else ''})"]
        lines += [_failure_line(path, r) for r in failures[: max(show, 0)]]
    return "\n".join(lines)


def _headline(report: CaseReport) -> list[list[str]]:
    in_scope = len(report.in_scope)
    fallback = sum(r.case.expect.kind == "fallback" for r in report.results)
    per_tier = {t: sum(r.case.expect.tier == t for r in report.results) for t in ("emergency", "urgent")}
    referrals = sum(bool(r.case.expect.referral) for r in report.results)
    kinds = sum(r.case.expect.kind is not None for r in report.results)
    right = sum(r.correct for r in report.results if r.case.expect.kind is not None)
    return [
        [
            "reply right (kind and entry)",
            pct(report.kind_agreement),
            f"{right}/{kinds}",
        ],
        [
            "entry accuracy, in scope",
            pct(report.accuracy),
            f"{sum(r.case.expect.entry_right(r.got) for r in report.in_scope)}/{in_scope} "
            "(clarify counts if its 1st option is right)",
        ],
        ["matcher top-1, no threshold", pct(report.matcher_top1), ""],
        ["clarify rate, in scope", pct(report.clarify_rate), ""],
        [
            "fallback recall",
            pct(report.oos_recall),
            f"{fallback} messages expect a fallback (out of scope or referral)",
        ],
        ["fallback precision", pct(report.oos_precision), "of the replies that were fallbacks"],
        ["red-flag recall, emergency", pct(report.tier_recall("emergency")), f"{per_tier['emergency']} messages"],
        ["red-flag recall, urgent", pct(report.tier_recall("urgent")), f"{per_tier['urgent']} messages"],
        ["red-flag recall", pct(report.red_flag_recall), f"tier right in {pct(report.tier_agreement)} of them"],
        [
            "false alarms",
            pct(report.false_alarm_rate),
            f"{report.false_alarms} urgent replies to messages that were not red flags",
        ],
        ["referral routing", pct(report.referral_routing), f"{referrals} messages expect a referral"],
        ["invented answers", str(report.invented_fills), "turns that filled a slot the message did not give"],
    ]


def _failure_line(path: str, r: Any) -> str:
    from ..tooling.evaluate import _shown, _shown_got

    ranking = ", ".join(f"{c.entry_id} {c.score:.1f}" for c in r.candidates) or "nothing"
    where = f"{r.case.conversation} turn {r.case.turn}, " if r.case.conversation else ""
    invented = f"; invented {dict(r.invented)}" if r.invented else ""
    return (
        f"  {path}:{r.case.line}: {where}expect {_shown(r.case.expect)}, got {_shown_got(r.got)}{invented}; "
        f"ranking: {ranking}\n      {r.case.text!r}"
    )


# -- replaying logs -------------------------------------------------------------------------------------


def _replay(args: argparse.Namespace) -> int:
    from ..tooling.review import log_files, read_log, replay

    if args.dataset:
        raise UsageError("--log cannot be combined with --dataset")
    files = log_files(args.path)
    found = replay(read_log(files), load_bot(args.kb))
    if args.json:
        print(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
        return 0
    data = found.to_dict()
    lines = [f"{found.turns:,} logged turns asked again: {data['unchanged']:,} unchanged"]
    for name in ("answered now", "answer changed", "newly unanswered", "other change"):
        changed = found.changes.get(name, [])
        lines.append(f"  {name}: {len(changed):,}")
        lines += [f"      {m!r}: {b} -> {a}" for m, b, a in changed[: max(args.failures, 0)]]
    print("\n".join(lines))
    return 0


# -- public benchmarks ----------------------------------------------------------------------------------


def _clinc(args: argparse.Namespace) -> tuple[list[float | None], dict[str, Any]]:
    from ..tooling.benchmarks import evaluate_clinc
    from ..tooling.datasets import load_clinc

    start = time.perf_counter()
    clinc = load_clinc(args.path)
    load = time.perf_counter() - start
    report = evaluate_clinc(clinc, args.tune, calibrated=args.calibrated)
    if not args.json:
        print(_clinc_text(report, load))
    data = report.to_dict()
    data["stages"] = {"load": load, **data["stages"]}
    return [report.test["in_scope_accuracy"]], data


RULES = {"accuracy": "accuracy on val with oos as its own class", "balanced": "(in-scope acc + OOS recall)/2 on val"}
METRICS = {
    "in_scope_accuracy": "in-scope accuracy",
    "oos_recall": "OOS recall",
    "oos_precision": "OOS precision",
    "accuracy": "accuracy, oos as a class",
    "top1_no_threshold": "in-scope top-1, no threshold",
}


def _clinc_text(report: ClincReport, load: float) -> str:
    rows = [["", "val", "test"]]
    for key, name in METRICS.items():
        rows.append([name, pct(report.val[key]), pct(report.test[key])])
    latency, stages = report.ms_per_query, report.stages
    calibrated = []
    if report.calibrated:
        cal = report.calibrated
        rows[0].append("test, calibrated")
        for row, key in zip(rows[1:], METRICS, strict=True):
            row.append(pct(cal["test"][key]))
        calibrated = [
            f"  calibrated: threshold {cal['threshold']:.2f} measured on the knowledge base itself ({cal['rule']}), "
            "nothing tuned on val"
        ]
    return "\n".join(
        [
            f"{report.title}: {report.entries} entries, {report.phrasings:,} phrasings",
            f"  threshold {report.threshold:.2f}, tuned on val + oos_val ({report.queries['val']:,} queries) "
            f"maximising {RULES[report.rule]}",
            *calibrated,
            "",
            table(rows),
            "",
            f"  ms/query (rank, test): p50 {ms(latency['p50'])}, p99 {ms(latency['p99'])}, mean {ms(latency['mean'])}",
            f"  stages: load {seconds(load)}, index build {seconds(stages['index_build'])}, "
            f"rank val {seconds(stages['rank_val'])}, rank test ({report.queries['test']:,} queries) "
            f"{seconds(stages['rank_test'])}",
        ]
    )


def _stackfaq(args: argparse.Namespace) -> tuple[list[float | None], dict[str, Any]]:
    from ..tooling.benchmarks import evaluate_retrieval
    from ..tooling.datasets import load_stackfaq

    start = time.perf_counter()
    settings = load_stackfaq(args.path)
    load = time.perf_counter() - start
    reports = [evaluate_retrieval(s, calibrated=args.calibrated) for s in settings]
    if not args.json:
        print(_stackfaq_text(str(args.path), reports, load))
    data = {"dataset": "stackfaq", "settings": [r.to_dict() for r in reports], "stages": {"load": load}}
    return [r.hit1 for r in reports], data


def _stackfaq_text(path: str, reports: list[RetrievalReport], load: float) -> str:
    from ..tooling.benchmarks import MRR_DEPTH

    rows = [
        [
            "setting",
            "entries",
            "phrasings",
            "queries",
            "Hit@1",
            "Hit@3",
            f"MRR@{MRR_DEPTH}",
            "ms/query p50",
            "mean",
            "index build",
            "ranking",
        ]
    ]
    for r in reports:
        rows.append(
            [
                r.name,
                str(r.entries),
                f"{r.phrasings:,}",
                f"{r.queries:,}",
                pct(r.hit1),
                pct(r.hit3),
                f"{r.mrr:.3f}",
                ms(r.ms_per_query["p50"]),
                ms(r.ms_per_query["mean"]),
                seconds(r.stages["index_build"]),
                seconds(r.stages["rank"]),
            ]
        )
    asked = []
    if any(r.answered for r in reports):
        asked = ["", "asked through session.ask at the calibrated threshold (nothing tuned on the queries):"]
        answered = [["setting", "threshold", "right entry", "wrong entry", "clarify", "fallback"]]
        for r in reports:
            if r.answered:
                a = r.answered
                answered.append(
                    [r.name, f"{a['threshold']:.2f}", pct(a["right"]), pct(a["wrong"]), pct(a["clarify"]),
                     pct(a["fallback"])]
                )  # fmt: skip
        asked.append(table(answered))
    return "\n".join(
        [
            f"StackFAQ ({path}): {reports[0].entries} threads; no threshold (every query is in scope)",
            "",
            table(rows),
            *asked,
            "",
            f"  stages: load {seconds(load)}; index build and ranking per setting above",
        ]
    )
