"""`faqbot check`: validate knowledge bases, printing `file:line: error|warning: message` per problem."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from ..bot import Bot
    from ..check import Finding

EPILOG = """\
examples:
  faqbot check                          the bundled knowledge base
  faqbot check knowledge/back_pain.yaml faq2.yaml
  faqbot check knowledge/               every *.yaml file in a directory

Errors (the file does not load): unknown keys, wrong types, missing fields, duplicate ids, dangling
`related` or flow references. Warnings: unreachable flow steps, answers that lean on "above"/"below",
phrasings that the matcher maps to another entry, near-identical phrasings across entries.
After the findings (stdout), each file that loads gets a quality summary (stderr): the out-of-scope threshold
and how it was chosen, the share of held-out alternates answered correctly (an estimate of accuracy on
questions phrased like them), the share of everyday off-topic messages turned away, and the entries that
have only one wording. --json prints all of it as one JSON document instead.
Exit status: 1 if any file has errors (or warnings, with --strict), else 0.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("paths", nargs="*", metavar="PATH", help="knowledge-base files or directories")
    parser.add_argument("--strict", action="store_true", help="exit 1 on warnings too (for CI)")
    parser.add_argument("--json", action="store_true", help="print findings and calibration as JSON")


def run(args: argparse.Namespace) -> int:
    from ..check import inspect_file, quality
    from ..knowledge import bundled_path

    paths = _expand(args.paths) if args.paths else [bundled_path()]
    errors = warnings = 0
    report = []
    for path in paths:
        findings, bot = inspect_file(path)
        for finding in findings:
            if not args.json:
                print(finding)
            errors += finding.severity == "error"
            warnings += finding.severity == "warning"
        if bot is not None and not args.json:
            for line in quality(bot):
                print(f"{path}: {line}", file=sys.stderr)
        report.append(_file_report(path, findings, bot))
    files = f"{len(paths)} file" + ("s" if len(paths) != 1 else "")
    if args.json:
        print(json.dumps({"files": report, "errors": errors, "warnings": warnings}, indent=2, ensure_ascii=False))
    else:
        print(f"checked {files}: {_count(errors, 'error')}, {_count(warnings, 'warning')}", file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


def _file_report(path: Path, findings: list[Finding], bot: Bot | None) -> dict[str, Any]:
    return {
        "file": str(path),
        "loads": bot is not None,
        "findings": [
            {"line": f.where.line, "severity": f.severity, "message": f.message, "text": str(f)} for f in findings
        ],
        "threshold": bot.threshold if bot else None,
        "clarify_margin": bot.kb.settings.clarify_margin if bot else None,
        "calibration": bot.calibration.to_dict() if bot and bot.calibration else None,
    }


def _expand(names: list[str]) -> list[Path]:
    paths: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                raise UsageError(f"{name}: no *.yaml files in this directory")
            paths += found
        elif path.exists():
            paths.append(path)
        else:
            raise UsageError(f"{name}: no such file")
    return paths


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
