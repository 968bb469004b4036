"""Running the `faqbot` command of this checkout, and small knowledge bases for the CLI-side tests.

`run_faqbot` calls `faqbot.cli.main` in this process (the checkout's code, measured by coverage, fast), with
its own standard streams, working directory and environment; `real_process=True` runs `python -m faqbot` in
a child process instead, for the tests where the process itself is the point (exit on a signal, a terminal,
the console script). Either way the result is a `CompletedProcess`."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_KB = ROOT / "knowledge" / "back_pain.yaml"
SEED = ROOT / "tests" / "data" / "seed" / "exercise-and-lower-back-pain-part-2.txt"  # a copy of the source article

MINI_KB = """\
version: 1
meta:
  title: Tea questions
  source: A tea leaflet
  updated: Updated May 1, 2020
  disclaimer: General information only.
entries:
  - id: brew-time
    question: How long should I brew green tea?
    alternates: [green tea brewing time, how many minutes for green tea]
    answer: |
      **Two to three minutes.** Longer makes it bitter:

      - 2 minutes for a light cup;
      - 3 minutes for a strong one.
  - id: water-temperature
    question: What water temperature is best for green tea?
    alternates: [how hot should the water be for green tea]
    answer: Around 80 degrees Celsius, not boiling.
"""


def faqbot_command() -> list[str]:
    """`python -m faqbot` with this checkout first on the path, whatever else is installed."""
    return [sys.executable, "-m", "faqbot"]


def checkout_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child process that must run this checkout's code."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": path, **(env or {})}


def run_faqbot(
    *args: str,
    stdin: str | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    real_process: bool = False,
) -> subprocess.CompletedProcess[str]:
    if real_process:
        return subprocess.run(
            [*faqbot_command(), *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=cwd,
            env=checkout_env(env),
            timeout=timeout,
            check=False,
        )
    return _in_process(list(args), stdin, cwd, env or {})


class _Stream(io.TextIOWrapper):
    """A text stream over bytes, like a real one (`.buffer`, `reconfigure`), kept readable after the command."""

    def __init__(self, text: str = "") -> None:
        super().__init__(io.BytesIO(text.encode("utf-8")), encoding="utf-8", newline=None, write_through=True)

    def value(self) -> str:
        self.flush()
        data = self.buffer.getvalue()  # type: ignore[attr-defined]
        return str(data.decode("utf-8", "replace")).replace("\r\n", "\n")

    def close(self) -> None:  # a command closing stderr (broken pipe) must not lose what was written
        self.flush()


def _in_process(
    args: list[str], stdin: str | None, cwd: Path | None, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    from faqbot import cli

    out, err = _Stream(), _Stream()
    saved_env, saved_cwd, saved_stdin = dict(os.environ), os.getcwd(), sys.stdin
    os.environ.update(env)
    sys.stdin = _Stream(stdin or "")
    handler = logging.StreamHandler(err)
    logging.getLogger("faqbot").addHandler(handler)
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(args)
            except SystemExit as exc:  # argparse: --help, usage errors
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        logging.getLogger("faqbot").removeHandler(handler)
        sys.stdin = saved_stdin
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(["faqbot", *args], code, out.value(), err.value())
