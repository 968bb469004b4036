"""`faqbot export`: the FAQ as Markdown, a standalone HTML page, or schema.org FAQPage JSON-LD."""

from __future__ import annotations

import argparse

from ..tooling.export import FORMATS
from ._common import KB_HELP, emit, load_bot

EPILOG = """\
examples:
  faqbot export                                  Markdown on stdout
  faqbot export --format html -o faq.html        a standalone, accessible page with JSON-LD
  faqbot export --format jsonld -o faq.jsonld --force

An existing file is never replaced unless --force is given; files are written atomically.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("--format", "-f", choices=FORMATS, default="markdown", help="output format (default: markdown)")
    parser.add_argument("--kb", metavar="PATH", help=KB_HELP)
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")


def run(args: argparse.Namespace) -> int:
    from ..tooling.export import export

    bot = load_bot(args.kb)
    emit(export(bot.kb, args.format), args.output, args.force)
    return 0
