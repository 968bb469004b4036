"""`faqbot import`: turn an FAQ (Markdown or text article, HTML page, CSV/TSV sheet) into a knowledge-base YAML file."""

from __future__ import annotations

import argparse
import sys

from ._common import emit

EPILOG = """\
examples:
  faqbot import article.txt                      the knowledge base on stdout
  faqbot import faq.md -o knowledge/faq.yaml     then: faqbot check knowledge/faq.yaml
  faqbot import faq.html -o kb.yaml              a saved FAQ web page (needs: pip install "faqbot[html]")
  faqbot import questions.csv -o kb.yaml         columns: question, answer[, alternates]

Markdown and text: questions are headings ending in "?" (or, without such headings, lines ending in "?");
each answer is the text that follows, lists kept as Markdown.
HTML: schema.org FAQPage (JSON-LD or microdata), <details>/<summary>, <dt>/<dd> question lists, then headings
ending in "?"; answers become Markdown with their lists and links.
CSV/TSV: a header row naming Question, Answer and Alternates (any order), or those columns in that order;
alternates in one cell, separated by "|", ";" or new lines.
Add alternates to each entry afterwards so the matcher understands more ways of asking.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("file", metavar="FILE", help="the FAQ to read: Markdown, text, HTML, CSV or TSV")
    parser.add_argument(
        "--format",
        choices=("auto", "markdown", "html", "csv", "tsv"),
        default="auto",
        help="how to read FILE (default: by its extension, and HTML when it starts like a web page)",
    )
    parser.add_argument("-o", "--output", metavar="KB.yaml", help="write to this file instead of stdout")
    parser.add_argument("--force", action="store_true", help="overwrite the output file if it exists")


def run(args: argparse.Namespace) -> int:
    from .. import knowledge
    from ..tooling.faqimport import import_file, to_yaml
    from ._common import existing_file

    source = existing_file(args.file)
    faq = import_file(source, args.format)
    text = to_yaml(faq, source.name)
    knowledge.load(args.output or "<import>", text=text)  # what we write must load
    for note in faq.skipped:
        print(f"faqbot import: note: skipped {note}", file=sys.stderr)
    emit(text, args.output, args.force)
    count = len(faq.questions)
    print(f"imported {count} question{'' if count == 1 else 's'} from {args.file}", file=sys.stderr)
    return 0
