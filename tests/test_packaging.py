from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_the_knowledge_base_and_the_word_frequencies(tmp_path: Path) -> None:
    # An installed faqbot reads both at Bot.load(); a wheel without them would fail for every user.
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("faqbot-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert {"faqbot/kb/back_pain.yaml", "faqbot/data/english_frequencies.txt.gz", "faqbot/py.typed"} <= names
    assert "License-Expression: MIT AND CC-BY-SA-4.0" in metadata.splitlines()
