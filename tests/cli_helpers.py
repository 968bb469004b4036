"""Running the real `faqbot` console script, and small knowledge bases for the CLI-side tests."""

from __future__ import annotations

import os
import shutil
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
    """The installed console script (as users run it), else the module."""
    script = shutil.which("faqbot")
    return [script] if script else [sys.executable, "-m", "faqbot"]


def run_faqbot(
    *args: str,
    stdin: str | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run(
        [*faqbot_command(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=timeout,
        check=False,
    )
