"""`faqbot check`: validate knowledge bases, printing `file:line: error|warning: message` per problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import UsageError

EPILOG = """\
examples:
  faqbot check                          the bundled knowledge base
  faqbot check knowledge/back_pain.yaml faq2.yaml
  faqbot check knowledge/               every *.yaml file in a directory

Errors (the file does not load): unknown keys, wrong types, missing fields, duplicate ids, dangling
`related` or flow references. Warnings: unreachable flow steps, answers that lean on "above"/"below",
phrasings that the matcher maps to another entry, near-identical phrasings across entries.
Exit status: 1 if any file has errors (or warnings, with --strict), else 0.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("paths", nargs="*", metavar="PATH", help="knowledge-base files or directories")
    parser.add_argument("--strict", action="store_true", help="exit 1 on warnings too (for CI)")


def run(args: argparse.Namespace) -> int:
    from ..knowledge import bundled_path
    from ..lint import check_file

    paths = _expand(args.paths) if args.paths else [bundled_path()]
    errors = warnings = 0
    for path in paths:
        for finding in check_file(path):
            print(finding)
            errors += finding.severity == "error"
            warnings += finding.severity == "warning"
    files = f"{len(paths)} file" + ("s" if len(paths) != 1 else "")
    print(f"checked {files}: {_count(errors, 'error')}, {_count(warnings, 'warning')}", file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


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
