"""`faqbot chat`: talk to the bot in the terminal (a REPL), or pipe messages through it one per line."""

from __future__ import annotations

import argparse
import io
import sys
from typing import TYPE_CHECKING

from ._common import KB_HELP, load_bot, tolerant_stdout

if TYPE_CHECKING:
    from ..bot import Bot

EPILOG = """\
examples:
  faqbot chat                          the bundled back-pain FAQ, with history and Tab completion
  faqbot chat --kb my_faq.yaml         your own knowledge base
  printf 'hi\\nis it safe to exercise in pain?\\nyes\\n' | faqbot chat
                                       one message per line, each reply printed (for scripts)

In the chat: answer a numbered choice with its number; /help, /topics, /reset, /export, /quit.
Colour is off when NO_COLOR is set or the output is not a terminal.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("--kb", metavar="PATH", help=KB_HELP)
    parser.add_argument("--no-history", action="store_true", help="do not read or save the history of typed lines")
    parser.add_argument(
        "--log",
        metavar="PATH",
        help="keep a conversation log (a .jsonl file, a directory, or - for standard output); /good and /bad "
        "rate the last answer",
    )


def run(args: argparse.Namespace) -> int:
    bot = load_bot(args.kb)
    if args.log:
        from ..convlog import ConversationLog

        bot.log = ConversationLog(args.log)
    try:
        return _chat(bot, args.no_history)
    finally:
        if bot.log is not None:
            bot.log.close()  # every turn is on disk when the command returns, not when the process ends


def _chat(bot: Bot, no_history: bool) -> int:
    from .. import repl

    tolerant_stdout()
    if sys.stdin.isatty() and sys.stdout.isatty():
        history = None
        if no_history:
            from prompt_toolkit.history import InMemoryHistory

            history = InMemoryHistory()
        return repl.run_interactive(bot, history=history)
    # Bytes that are not UTF-8 become U+FFFD instead of stopping the script with a decoding error.
    lines = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    return repl.run_plain(bot, lines, _write, width=repl.terminal_width(), color=repl.use_color(sys.stdout))


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
