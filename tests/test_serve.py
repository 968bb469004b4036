"""`faqbot serve` as a real process: startup checks, SIGHUP reloads, and 1,000 concurrent conversations."""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _serve_helpers import Server

import faqbot
from faqbot import cli

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "knowledge" / "back_pain.yaml"
ARTIFACTS = ROOT / "test-artifacts"
EXERCISE = "Is it safe to exercise when I am in pain?"
RENAMED = "Is it safe to exercise while my back hurts?"
SCRIPTS = {
    "advised, source known": [EXERCISE, "Yes", "Yes"],
    "advised, source unknown": [EXERCISE, "Yes", "No"],
    "not advised": [EXERCISE, "No"],
    "safe exercises, then out of scope": ["What exercises are safe for me to perform?", "how do I bake bread"],
    "red flag mid-flow": [EXERCISE, "I can't control my bladder"],
}


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    path = tmp_path / "kb.yaml"
    shutil.copyfile(BUNDLED, path)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with Server("--no-access-log", log_path=log, env={"FAQBOT_SECRET": "serve tests"}) as running:
        yield running


def questions(server: Server) -> list[str]:
    status, data = server.get("/api/faq")
    assert status == 200
    return [e["question"] for e in data["entries"]]


# -- the command -------------------------------------------------------------------------------------------


def test_help_teaches_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["serve", "--help"])
    out = capsys.readouterr().out
    for flag in ("--kb", "--host", "--port", "--workers", "--allow-origin", "FAQBOT_SECRET", "SIGHUP", "example"):
        assert flag in out


@pytest.mark.parametrize("flags", [["--workers", "0"], ["--port", "70000"], ["--max-message", "0"]])
def test_bad_flag_values_are_usage_errors(flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", *flags]) == 2
    assert "faqbot serve: error:" in capsys.readouterr().err


def test_broken_knowledge_base_is_refused_at_startup(kb_copy: Path) -> None:
    kb_copy.write_text(
        BUNDLED.read_text(encoding="utf-8").replace("    question: Is it safe", "    questoin: Is it safe")
    )
    result = subprocess.run(
        [sys.executable, "-m", "faqbot", "serve", "--kb", str(kb_copy)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert f"{kb_copy}:" in result.stderr and "questoin" in result.stderr and "Traceback" not in result.stderr


def test_serves_pages_api_and_widget(server: Server) -> None:
    status, page = server.get("/")
    assert status == 200 and "widget.js" in page
    assert server.get("/faq")[0] == 200 and server.get("/widget.js")[0] == 200
    status, data = server.chat(EXERCISE)
    assert status == 200 and data["kind"] == "follow_up"
    status, data = server.chat("Yes", "forged." + data["state"])
    assert (status, data["error"]) == (400, "invalid_state")


# -- reloading: whole or not at all ------------------------------------------------------------------------


def test_sighup_reloads_whole_or_keeps_the_old_knowledge_base(kb_copy: Path, tmp_path: Path) -> None:
    good = BUNDLED.read_text(encoding="utf-8")
    with Server("--kb", str(kb_copy), "--no-access-log", log_path=tmp_path / "serve.log") as server:
        _status, first = server.chat(EXERCISE)
        assert EXERCISE in questions(server)

        kb_copy.write_text(good[: len(good) // 2], encoding="utf-8")  # a writer caught halfway
        server.signal(signal.SIGHUP)
        server.wait_for_log("not reloaded")
        assert EXERCISE in questions(server)
        assert server.chat("Yes", first["state"])[1]["kind"] == "follow_up"  # conversation goes on

        kb_copy.write_text(good.replace(EXERCISE, RENAMED), encoding="utf-8")
        server.signal(signal.SIGHUP)
        server.wait_for_log("knowledge base reloaded")
        assert RENAMED in questions(server) and EXERCISE not in questions(server)


def test_sighup_with_several_workers_replaces_them_only_with_a_valid_file(kb_copy: Path, tmp_path: Path) -> None:
    good = BUNDLED.read_text(encoding="utf-8")
    with Server("--kb", str(kb_copy), "--workers", "2", "--no-access-log", log_path=tmp_path / "serve.log") as server:
        kb_copy.write_text(good.replace("related: [safe-exercises, risk", "related: [no-such-entry, risk"))
        server.signal(signal.SIGHUP)
        server.wait_for_log("not reloaded")
        assert all(EXERCISE in questions(server) for _ in range(10))

        kb_copy.write_text(good.replace(EXERCISE, RENAMED), encoding="utf-8")
        server.signal(signal.SIGHUP)
        # uvicorn replaces the workers one by one; wait until both old ones have finished, since a
        # connection an old worker accepts just as it shuts down may be closed without a response.
        server.wait_for_log("Finished server process", count=2, timeout=40)
        assert all(RENAMED in questions(server) for _ in range(10))


def test_restart_picks_up_the_new_file(kb_copy: Path, tmp_path: Path) -> None:
    kb_copy.write_text(BUNDLED.read_text(encoding="utf-8").replace(EXERCISE, RENAMED), encoding="utf-8")
    with Server("--kb", str(kb_copy), "--no-access-log", log_path=tmp_path / "serve.log") as server:
        assert RENAMED in questions(server)


# -- 1,000 concurrent conversations --------------------------------------------------------------------------


def expected_replies(bot: faqbot.Bot) -> dict[str, list[tuple[Any, ...]]]:
    expected = {}
    for name, script in SCRIPTS.items():
        session = bot.session()
        expected[name] = [(str(r.kind), r.entry_id, r.text, list(r.options)) for r in map(session.ask, script)]
    return expected


class _Lanes:
    """A few keep-alive connections, each carrying one request at a time, shared by all conversations.

    httpx's connection pool slows down sharply when hundreds of requests wait on one pool, which would
    measure the client rather than the server. Here every request takes the next lane in turn, so the
    turns of one conversation travel over different connections and so reach different workers.
    """

    def __init__(self, url: str, lanes: int) -> None:
        import httpx

        self.url = url
        self.clients = [
            httpx.AsyncClient(timeout=30, trust_env=False, limits=httpx.Limits(max_connections=1)) for _ in range(lanes)
        ]
        self.locks = [asyncio.Lock() for _ in self.clients]
        self.turn = itertools.count()
        self.latencies: list[float] = []

    async def post(self, payload: dict[str, Any]) -> Any:
        lane = next(self.turn) % len(self.clients)
        async with self.locks[lane]:
            started = time.perf_counter()
            response = await self.clients[lane].post(self.url, json=payload)
            self.latencies.append(time.perf_counter() - started)
        return response

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()


async def _converse(lanes: _Lanes, script: list[str]) -> list[tuple[Any, ...]]:
    token, got = None, []
    for message in script:
        response = await lanes.post({"message": message, "state": token})
        assert response.status_code == 200, response.text
        data = response.json()
        got.append((data["kind"], data["entry_id"], data["text"], data["options"]))
        token = data["state"]
    return got


async def _many(url: str, names: list[str]) -> tuple[list[Any], list[float]]:
    lanes = _Lanes(url, lanes=8)
    try:
        tasks = [_converse(lanes, SCRIPTS[name]) for name in names]
        results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=90)
    finally:
        await lanes.close()
    return results, lanes.latencies


def test_a_thousand_concurrent_conversations_without_cross_talk(
    bot: faqbot.Bot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = expected_replies(bot)
    names = [list(SCRIPTS)[i % len(SCRIPTS)] for i in range(1000)]
    with Server(
        "--workers",
        "2",
        "--no-access-log",
        "--rate-limit",
        "0",
        log_path=tmp_path / "serve.log",
        env={"FAQBOT_SECRET": "load test"},
    ) as server:
        started = time.perf_counter()
        results, latencies = asyncio.run(_many(server.url + "/api/chat", names))
        elapsed = time.perf_counter() - started
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, f"{len(errors)} conversations failed, first: {errors[0]!r}"
    wrong = [i for i, (name, got) in enumerate(zip(names, results, strict=True)) if got != expected[name]]
    assert not wrong, f"{len(wrong)} conversations got replies meant for another"
    cuts = statistics.quantiles(latencies, n=100)
    report = {
        "conversations": len(names),
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "concurrency.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    with capsys.disabled():
        print(
            f"\n1,000 concurrent conversations, 2 workers, 8 connections: {report['requests']} requests in "
            f"{report['seconds']} s, latency p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms"
        )
