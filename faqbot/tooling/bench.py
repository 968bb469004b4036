"""Performance measurements behind `faqbot bench`: will the bot keep up?

Everything is measured in this process except `import faqbot`, which needs a fresh interpreter. Latency is
per call with `time.perf_counter`, reported as p50/p99/mean; throughput is replies per second of one
process answering one query after another. Memory is the Python heap's peak while building the index
(tracemalloc, which sees only Python allocations) and the process's peak resident size (ru_maxrss).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..bot import Bot
from ..knowledge import KnowledgeBase
from .evaluate import load_cases, percentiles
from .progress import track
from .scaled import Scaled, perturb, write_yaml

__all__ = [
    "bundled_queries",
    "cold_start_ms",
    "import_ms",
    "load_ms",
    "max_rss_mb",
    "measure_kb",
    "measure_scaled",
    "query_mix",
    "traced_peak",
]

T = TypeVar("T")

LABELLED = Path(__file__).resolve().parents[2] / "tests" / "data" / "queries.yaml"
"""The labelled queries of a source checkout (absent from an installed wheel)."""
_IMPORT_LINE = re.compile(r"import time:\s+\d+\s+\|\s+(\d+)\s+\|\s*faqbot\s*$")


def import_ms(runs: int) -> float:
    """Median cumulative time of `import faqbot` in fresh interpreters, from `python -X importtime`."""
    samples = []
    for _ in range(runs):
        done = _fresh_python("-X", "importtime", "-c", "import faqbot")
        found = [int(m.group(1)) for line in done.stderr.splitlines() if (m := _IMPORT_LINE.match(line))]
        if found:
            samples.append(found[-1] / 1000)
    return statistics.median(samples) if samples else float("nan")


_COLD_START = """
import sys, time
start = time.perf_counter()
import faqbot
faqbot.Bot
imported = time.perf_counter()
faqbot.Bot.load(sys.argv[1] or None)
print((imported - start) * 1000, (time.perf_counter() - imported) * 1000)
"""


def cold_start_ms(path: str | Path | None, runs: int) -> dict[str, float]:
    """Medians, in fresh interpreters, of importing what `Bot` needs (faqbot's modules, PyYAML, rapidfuzz;
    `import faqbot` alone defers them) and of the first `Bot.load(path)`: the wait before a new process
    can answer."""
    imports, loads = [], []
    for _ in range(runs):
        done = _fresh_python("-c", _COLD_START, str(Path(path).resolve()) if path else "")
        numbers = done.stdout.split()
        if done.returncode == 0 and len(numbers) == 2:
            imports.append(float(numbers[0]))
            loads.append(float(numbers[1]))
    if not imports:
        return {"imports": float("nan"), "first_load": float("nan")}
    return {"imports": statistics.median(imports), "first_load": statistics.median(loads)}


def _fresh_python(*args: str) -> subprocess.CompletedProcess[str]:
    """A new interpreter run from beside this package, so that it imports the same faqbot (a checkout or an
    install) as this process. Paths given to it must be absolute: its working directory is not the user's."""
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=False, cwd=Path(__file__).resolve().parents[2]
    )


def load_ms(path: str | Path | None, runs: int) -> float:
    """Median wall time of `Bot.load(path)`: read, validate, normalise and index the knowledge base."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        Bot.load(path)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def traced_peak(build: Callable[[], T]) -> tuple[T, float]:
    """What `build()` returns, and the Python heap's peak in MB while it ran (tracemalloc)."""
    tracemalloc.start()
    try:
        result = build()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak / 2**20


def max_rss_mb() -> float | None:
    """This process's peak resident set size in MB (ru_maxrss), or None where `resource` is missing."""
    try:
        import resource
    except ImportError:
        return None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10


def bundled_queries() -> tuple[str, ...]:
    """The labelled queries of a checkout (`tests/data/queries.yaml`), or () when not present."""
    if not LABELLED.is_file():
        return ()
    return tuple(c.text for c in load_cases(LABELLED))


def query_mix(kb: KnowledgeBase, labelled: Sequence[str], seed: int = 7) -> tuple[tuple[str, ...], str]:
    """Queries to time with, and where they came from: the labelled set, else perturbed KB phrasings."""
    if labelled:
        return tuple(labelled), f"{len(labelled)} labelled queries ({LABELLED.name})"
    import random

    rng = random.Random(seed)
    phrasings = [p for e in kb.entries for p in e.phrasings]
    return tuple(perturb(p, rng) for p in phrasings), f"{len(phrasings)} perturbed phrasings of the KB"


def _timed(call: Callable[[str], object], queries: Sequence[str], budget: float, rounds: int) -> list[list[float]]:
    """Milliseconds per call in consecutive rounds; each round cycles through the queries at least once and
    until its share of `budget` seconds has passed. Rounds show how much a shared machine drifts."""
    return [_round(call, queries, budget / rounds) for _ in range(rounds)]


def _round(call: Callable[[str], object], queries: Sequence[str], budget: float) -> list[float]:
    samples: list[float] = []
    deadline = time.perf_counter() + budget
    while not samples or time.perf_counter() < deadline:
        for query in queries:
            start = time.perf_counter()
            call(query)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def _latency(rounds: list[list[float]]) -> dict[str, Any]:
    """p50, p99 and mean over every sample, and the p50 of each round."""
    return {
        **percentiles([ms for samples in rounds for ms in samples]),
        "p50_by_round": [round(statistics.median(samples), 4) for samples in rounds],
    }


def _replies_per_second(bot: Bot, queries: Sequence[str], budget: float) -> float:
    """Whole turns (new session + ask) back to back in this one process."""
    done = 0
    start = time.perf_counter()
    while not done or time.perf_counter() - start < budget:
        for query in queries:
            bot.session().ask(query)
        done += len(queries)
    return done / (time.perf_counter() - start)


def measure_kb(path: str | None, queries: Sequence[str], source: str, quick: bool) -> dict[str, Any]:
    """Load time, match and reply latency, throughput and memory for one knowledge base file."""
    runs, fresh, budget, rounds = (2, 1, 0.0, 1) if quick else (7, 5, 2.0, 5)
    bot, heap = traced_peak(lambda: Bot.load(path))
    match = _timed(lambda q: bot.match(q, 3), queries, budget, rounds)
    reply = _timed(lambda q: bot.session().ask(q), queries, budget, rounds)
    return {
        "kb": bot.kb.path,
        "title": bot.kb.meta.title,
        "entries": len(bot.kb.entries),
        "phrasings": sum(len(e.phrasings) for e in bot.kb.entries),
        "import_ms": import_ms(fresh),
        "load_ms": load_ms(path, runs),
        "cold_start_ms": cold_start_ms(path, fresh),
        "queries": {
            "source": source,
            "distinct": len(queries),
            "match_samples": sum(map(len, match)),
            "reply_samples": sum(map(len, reply)),
        },
        "match_ms": _latency(match),
        "reply_ms": _latency(reply),
        "replies_per_second": _replies_per_second(bot, queries, budget),
        "memory_mb": {"load_peak_tracemalloc": round(heap, 2)},
    }


NAIVE_UP_TO = 50_000
"""Entries up to which the naive reference is timed too (beyond, each of its queries takes a second or more)."""


def measure_scaled(scaled: Scaled) -> dict[str, Any]:
    """Loading the scaled knowledge base from its YAML file as a user would, in fresh processes: cold (parse,
    index, calibrate, write the index cache) and again from the index cache; then faqbot's ranking, and the
    naive extractOne over every phrasing, on the same queries. Peak memory is each process's own."""
    with tempfile.TemporaryDirectory(prefix="faqbot-bench-") as folder:
        path = write_yaml(scaled.kb, Path(folder) / "scaled.yaml")
        env = {**os.environ, "FAQBOT_CACHE_DIR": str(Path(folder) / "cache")}
        cold = _load_in_fresh_process(path, env, [])
        cached = _load_in_fresh_process(path, env, [text for text, _ in scaled.queries])
    right = sum(
        found is not None and scaled.group.get(found) == expect
        for found, (_, expect) in zip(cached["ids"], scaled.queries, strict=True)
    )
    ours: dict[str, Any] = {
        "method": "bot.matcher.rank(query, 1), no threshold",
        "ms": percentiles(cached["ms"]),
        "accuracy": right / max(len(scaled.queries), 1),
    }
    naive: dict[str, Any] | None = _run_naive(scaled) if len(scaled.kb.entries) <= NAIVE_UP_TO else None
    return {
        "entries": len(scaled.kb.entries),
        "phrasings": sum(len(e.phrasings) for e in scaled.kb.entries),
        "source": scaled.source,
        "data": None if scaled.data is None else str(scaled.data),
        "queries": len(scaled.queries),
        "load_s": {"cold": round(cold["load_s"], 3), "cached": round(cached["load_s"], 3)},
        "peak_rss_mb": {"cold": cold["rss_mb"], "cached": cached["rss_mb"]},
        "faqbot": ours,
        "naive": naive,
        "speedup_mean": naive["ms"]["mean"] / ours["ms"]["mean"] if naive and ours["ms"]["mean"] else None,
        "speedup_p50": naive["ms"]["p50"] / ours["ms"]["p50"] if naive and ours["ms"]["p50"] else None,
    }


def _load_in_fresh_process(path: Path, env: dict[str, str], queries: list[str]) -> dict[str, Any]:
    """`Bot.load(path)` and the queries' top entries, timed in a new Python process (see `scaled_child`)."""
    code = "from faqbot.tooling.bench import scaled_child; scaled_child()"
    job = json.dumps({"path": str(path), "queries": queries})
    done = subprocess.run([sys.executable, "-c", code], input=job, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the scaled benchmark's process failed: {done.stderr.strip().splitlines()[-1:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def scaled_child() -> None:
    """In a fresh process: load the knowledge base named on stdin, rank its queries, print times as JSON."""
    job = json.load(sys.stdin)
    start = time.perf_counter()
    bot = Bot.load(job["path"])
    load = time.perf_counter() - start
    ids: list[str | None] = []
    times: list[float] = []
    for text in track(job["queries"], len(job["queries"]), "faqbot"):
        start = time.perf_counter()
        found = bot.matcher.rank(text, 1)
        times.append((time.perf_counter() - start) * 1000)
        ids.append(found[0].entry_id if found else None)
    json.dump({"load_s": load, "rss_mb": max_rss_mb(), "ids": ids, "ms": times}, sys.stdout)


def _run_naive(scaled: Scaled) -> dict[str, Any]:
    """The reference a first version would write: `extractOne` with rapidfuzz's default WRatio."""
    from rapidfuzz import fuzz, process

    phrasings = [p for e in scaled.kb.entries for p in e.phrasings]
    owner = [e.id for e in scaled.kb.entries for _ in e.phrasings]
    times, right = [], 0
    for text, expect in track(scaled.queries, len(scaled.queries), "naive extractOne"):
        start = time.perf_counter()
        found = process.extractOne(text, phrasings, scorer=fuzz.WRatio)
        times.append((time.perf_counter() - start) * 1000)
        right += found is not None and scaled.group[owner[found[2]]] == expect
    return {
        "method": "rapidfuzz.process.extractOne(query, all_phrasings, scorer=fuzz.WRatio)",
        "ms": percentiles(times),
        "accuracy": right / max(len(scaled.queries), 1),
    }


def measure_review(path: str | None, turns: int, queries: Sequence[str], seed: int = 7) -> dict[str, Any]:
    """Time `faqbot review` (read, count, cluster, suggest) on a generated log of `turns` turns: the query mix,
    a quarter of it unanswered, many of those with a varying word so that they do not all cluster at once."""
    import json
    import random
    import tempfile

    from .review import log_files, read_log, review

    rng = random.Random(seed)
    kinds = ["answer", "follow_up", "smalltalk", "fallback"]
    with tempfile.TemporaryDirectory() as directory:
        log = Path(directory) / "bench.jsonl"
        with log.open("w", encoding="utf-8") as handle:
            for n in range(turns):
                kind = kinds[n % len(kinds)]
                message = rng.choice(queries) + (f" {rng.randint(1, turns // 20 or 1)}" if n % 8 == 3 else "")
                record = {"type": "turn", "time": f"2026-01-{1 + n % 28:02d}T12:00:00.000000Z",
                          "conversation": f"{n // 4:016x}", "reply": f"{n:016x}", "message": message, "kind": kind,
                          "entry": None, "score": 20.0, "runner_up": None, "tier": None, "referral": None}  # fmt: skip
                handle.write(json.dumps(record) + "\n")
        bot = Bot.load(path)
        start = time.perf_counter()
        found = review(read_log(log_files([directory])), bot)
        seconds = time.perf_counter() - start
    return {
        "turns": found.turns,
        "unanswered": found.kinds["fallback"],
        "clusters": len(found.unanswered),
        "seconds": seconds,
    }
