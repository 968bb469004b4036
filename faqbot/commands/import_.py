"""`faqbot import`: turn a Markdown or plain-text FAQ article into a knowledge-base YAML file."""

from __future__ import annotations

import argparse
import sys

from ._common import emit

EPILOG = """\
examples:
  faqbot import article.txt                      the knowledge base on stdout
  faqbot import faq.md -o knowledge/faq.yaml     then: faqbot check knowledge/faq.yaml

Questions are headings ending in "?" (or, without such headings, lines ending in "?"); each answer is the
text that follows, lists kept as Markdown. Add alternates to each entry afterwards so the matcher
understands more ways of asking.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("file", metavar="FILE", help="the Markdown or text FAQ to read")
    parser.add_argument("-o", "--output", metavar="KB.yaml", help="write to this file instead of stdout")
    parser.add_argument("--force", action="store_true", help="overwrite the output file if it exists")


def run(args: argparse.Namespace) -> int:
    from .. import knowledge
    from ..faqimport import import_file, to_yaml
    from ._common import existing_file

    source = existing_file(args.file)
    faq = import_file(source)
    text = to_yaml(faq, source.name)
    knowledge.load(args.output or "<import>", text=text)  # what we write must load
    for note in faq.skipped:
        print(f"faqbot import: note: skipped {note}", file=sys.stderr)
    emit(text, args.output, args.force)
    print(f"imported {len(faq.questions)} questions from {args.file}", file=sys.stderr)
    return 0
