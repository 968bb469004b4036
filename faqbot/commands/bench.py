"""`faqbot bench`: load time, latency, throughput and memory, on your KB and on a 15,000-entry one.

The scaled run also times the naive reference (rapidfuzz `extractOne` with `WRatio` over every phrasing)
on the same queries, so "faster and more accurate" is a measured claim, not a hope. Heavy modules are
imported inside `run()` so `faqbot --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from typing import Any

from ..errors import UsageError
from ._format import ms, pct, seconds, shown_path, table

EPILOG = """\
examples:
  faqbot bench                          bundled KB + 15,000-entry KB vs the naive reference
  faqbot bench --kb my_faq.yaml --scale 0 --json
  faqbot bench --clinc ../shared/bench-data/clinc150/

CLINC150 is looked for in --clinc PATH, else in $FAQBOT_BENCH_DATA (a bench-data folder holding
clinc150/data_full.json, or the file itself), else in ../shared/bench-data/clinc150/data_full.json beside
the repository. Without it (or with --generated) the scaled KB is generated, and the output says so.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("--kb", metavar="PATH", help="knowledge base to measure (default: the bundled one)")
    parser.add_argument(
        "--scale",
        metavar="N",
        type=int,
        default=15_000,
        help="entries in the scaled knowledge base (default 15000; 0 skips the scaled run)",
    )
    parser.add_argument(
        "--queries",
        metavar="N",
        type=int,
        help="queries timed on the scaled KB, for faqbot and the naive reference (default 500, or 50 with --quick)",
    )
    parser.add_argument("--clinc", metavar="PATH", help="CLINC150 data_full.json or its folder")
    parser.add_argument("--generated", action="store_true", help="use a generated scaled KB even if CLINC is found")
    parser.add_argument(
        "--quick", action="store_true", help="one pass per measurement (a smoke test; the numbers are noisy)"
    )
    parser.add_argument(
        "--review",
        type=int,
        default=0,
        metavar="TURNS",
        help="also time faqbot review on a generated log of this many turns (e.g. 100000; default: skip)",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON instead of a table")


def run(args: argparse.Namespace) -> int:
    from .. import __version__
    from ..knowledge import load
    from ..tooling.bench import bundled_queries, max_rss_mb, measure_kb, measure_scaled, query_mix
    from ..tooling.scaled import find_clinc, scaled_kb

    count = args.queries if args.queries is not None else 50 if args.quick else 500
    if args.scale < 0 or count < 1:
        raise UsageError(f"--scale must be >= 0 and --queries >= 1 (got {args.scale} and {count})")
    clinc = None if args.generated or args.scale == 0 else find_clinc(args.clinc)
    queries, source = query_mix(load(args.kb), () if args.kb else bundled_queries())
    result: dict[str, Any] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "faqbot": __version__,
        "kb": measure_kb(args.kb, queries, source, args.quick),
    }
    if args.scale:
        result["scaled"] = measure_scaled(scaled_kb(args.scale, count, clinc))
        if clinc is None:
            result["scaled"]["source"] += " (--generated)" if args.generated else " (no CLINC150 data found)"
    if args.review > 0:
        from ..tooling.bench import measure_review

        result["review"] = measure_review(args.kb, args.review, queries)
    result["max_rss_mb"] = max_rss_mb()
    print(json.dumps(result, indent=2) if args.json else _text(result))
    return 0


def _text(result: dict[str, Any]) -> str:
    lines = [f"faqbot bench: faqbot {result['faqbot']}, Python {result['python']}, {result['cpus']} CPUs", ""]
    lines += _kb_text(result["kb"])
    if "scaled" in result:
        lines += ["", *_scaled_text(result["scaled"])]
    if "review" in result:
        r = result["review"]
        lines += [
            "",
            f"faqbot review of {r['turns']:,} logged turns ({r['unanswered']:,} unanswered, "
            f"{r['clusters']:,} clusters): {r['seconds']:.2f} s",
        ]
    rss = result["max_rss_mb"]
    if rss is not None:
        lines += ["", f"process peak resident memory: {rss:.0f} MB (ru_maxrss, whole process, whole run)"]
    return "\n".join(lines)


def _kb_text(kb: dict[str, Any]) -> list[str]:
    match, reply, q, cold = kb["match_ms"], kb["reply_ms"], kb["queries"], kb["cold_start_ms"]
    return [
        f"{kb['title']} ({shown_path(kb['kb'])}: {kb['entries']} entries, {kb['phrasings']} phrasings)",
        f"  query mix: {q['source']}; {q['match_samples']:,} matches and {q['reply_samples']:,} replies timed",
        table(
            [
                [
                    "import faqbot",
                    f"{kb['import_ms']:.1f} ms",
                    "python -X importtime, cumulative, median of fresh runs",
                ],
                ["Bot.load()", f"{kb['load_ms']:.1f} ms", "median of repeated loads"],
                [
                    "fresh process",
                    f"{cold['imports']:.0f} + {cold['first_load']:.0f} ms",
                    "importing what Bot needs + the first Bot.load(), median of fresh runs",
                ],
                [
                    "match p50 / p99",
                    f"{ms(match['p50'])} / {ms(match['p99'])} ms",
                    f"bot.match(query, 3){_by_round(match)}",
                ],
                [
                    "reply p50 / p99",
                    f"{ms(reply['p50'])} / {ms(reply['p99'])} ms",
                    f"session.ask(query), new session each{_by_round(reply)}",
                ],
                ["throughput", f"{kb['replies_per_second']:,.0f} replies/s", "one process, one query after another"],
                [
                    "memory",
                    f"{kb['memory_mb']['load_peak_tracemalloc']:.2f} MB",
                    "Python heap peak during Bot.load (tracemalloc)",
                ],
            ],
            align="lrl",
        ),
    ]


def _by_round(latency: dict[str, Any]) -> str:
    """ "; p50 by round 0.24-0.39" when there were several rounds: how steady the machine was."""
    p50s = latency["p50_by_round"]
    return f"; p50 by round {ms(min(p50s))}-{ms(max(p50s))}" if len(p50s) > 1 else ""


def _scaled_text(scaled: dict[str, Any]) -> list[str]:
    from ..tooling.bench import NAIVE_UP_TO

    ours, naive = scaled["faqbot"], scaled["naive"]
    speedup = scaled["speedup_mean"]
    load, rss = scaled["load_s"], scaled["peak_rss_mb"]
    rows = [
        ["", "faqbot", "naive"],
        ["match p50 (ms)", ms(ours["ms"]["p50"]), ms(naive["ms"]["p50"]) if naive else "-"],
        ["match p99 (ms)", ms(ours["ms"]["p99"]), ms(naive["ms"]["p99"]) if naive else "-"],
        ["match mean (ms)", ms(ours["ms"]["mean"]), ms(naive["ms"]["mean"]) if naive else "-"],
        ["top-1 accuracy", pct(ours["accuracy"]), pct(naive["accuracy"]) if naive else "-"],
    ]
    return [
        f"Scaled KB: {scaled['entries']:,} entries, {scaled['phrasings']:,} phrasings; {scaled['source']}"
        + (f" ({shown_path(scaled['data'])})" if scaled["data"] else ""),
        f"  Bot.load(file) in a fresh process: cold {seconds(load['cold'])} (parse, index, calibrate, save the "
        f"index), cached {seconds(load['cached'])}",
        f"  peak resident memory: {_mb(rss['cold'])} loading cold, {_mb(rss['cached'])} loading cached and matching",
        f"  {scaled['queries']:,} queries" + (", each timed with both methods:" if naive else ":"),
        table(rows),
        f"  speed-up (mean): {speedup:.1f}x" if speedup else f"  naive reference skipped above {NAIVE_UP_TO:,} entries",
        f"  faqbot = {ours['method']}",
        *([f"  naive  = {naive['method']}"] if naive else []),
    ]


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MB"
