"""The `faqbot` command: chat, ask, check, export, import, eval, bench, serve.

Each subcommand lives in the module that owns its job and exposes two functions:
`add_arguments(parser)` and `run(args) -> int`. This module only wires them together, turns
`FaqbotError` into one line on stderr with its exit code, and never shows a traceback unless `--debug`.
Subcommand modules are imported only when their command runs, so `faqbot --help` stays fast and the web
stack is needed only for `faqbot serve`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from . import __version__
from .errors import FaqbotError

# name → (module, one-line help). The module provides add_arguments(parser) and run(args) -> int.
COMMANDS: dict[str, tuple[str, str]] = {
    "chat": ("faqbot.commands.chat", "chat with the bot in the terminal"),
    "ask": ("faqbot.commands.ask", "ask one question and print the reply"),
    "check": ("faqbot.commands.check", "validate knowledge-base files"),
    "export": ("faqbot.commands.export", "export the FAQ as Markdown, HTML or JSON-LD"),
    "import": ("faqbot.commands.import_", "turn an FAQ (Markdown, text, HTML, CSV) into a knowledge base"),
    "eval": ("faqbot.commands.eval", "measure matching accuracy on labelled queries or a public benchmark"),
    "bench": ("faqbot.commands.bench", "measure load time, latency, throughput and memory"),
    "serve": ("faqbot.commands.serve", "serve the chat API, widget and FAQ page over HTTP"),
    "review": ("faqbot.commands.review", "read conversation logs: unanswered questions, feedback, suggestions"),
}

EPILOG = """\
examples:
  faqbot chat                                   chat about the bundled back-pain FAQ
  faqbot ask "is it safe to exercise in pain?"  one reply, e.g. for scripts (--json for all fields)
  faqbot check knowledge/back_pain.yaml         find mistakes in a knowledge base
  faqbot export --format html -o faq.html       a standalone FAQ page

Run `faqbot COMMAND --help` for the options of each command.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="faqbot",
        description="A conversational FAQ chatbot: asks follow-up questions, escalates red flags, exports the FAQ.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"faqbot {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name, (module_name, summary) in COMMANDS.items():
        command = sub.add_parser(
            name,
            help=summary,
            description=summary[0].upper() + summary[1:] + ".",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.set_defaults(module=module_name)
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        importlib.import_module(module_name).add_arguments(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `faqbot` command; returns the exit status (0 ok, 1 content error, 2 usage error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(importlib.import_module(args.module).run(args))
    except FaqbotError as exc:
        if args.debug:
            raise
        print(f"faqbot {args.command}: error: {exc.format_message()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
