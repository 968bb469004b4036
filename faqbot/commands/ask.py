"""`faqbot ask`: one reply to one message, for scripts; `--state FILE` carries a conversation across calls."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..errors import FaqbotError
from ._common import KB_HELP, load_bot, tolerant_stdout

EPILOG = """\
examples:
  faqbot ask "is it safe to exercise in pain?"
  faqbot ask "is it safe to exercise in pain?" --state chat.json   # asks a follow-up question
  faqbot ask yes --state chat.json                                  # ... and continues from it
  faqbot ask "what exercises are safe?" --json | jq .kind

--json prints the reply's kind, entry_id, text, markdown, options and state.
--state FILE is read if it exists (an empty file starts afresh) and rewritten atomically after the reply.
"""


class StateFileError(FaqbotError):
    """A `--state` file that does not hold a conversation state (exit 1; the file is left as it is)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("question", nargs="+", metavar="QUESTION", help="the message (quote it, or give words)")
    parser.add_argument("--json", action="store_true", help="print the whole reply as JSON")
    parser.add_argument("--state", metavar="FILE", help="continue the conversation saved in FILE and save it")
    parser.add_argument("--kb", metavar="PATH", help=KB_HELP)


def run(args: argparse.Namespace) -> int:
    from ..files import write_atomic
    from ..repl import format_reply, terminal_width, use_color

    bot = load_bot(args.kb)
    tolerant_stdout()
    state = _read_state(Path(args.state)) if args.state else None
    try:
        session = bot.session(state)
    except FaqbotError as exc:  # StateError: valid JSON, but not a state of this knowledge base
        raise StateFileError(f"{args.state}: {exc.format_message()}") from None
    reply = session.ask(" ".join(args.question))
    if args.state:
        write_atomic(args.state, json.dumps(reply.state, indent=2, sort_keys=True) + "\n")
    if args.json:
        print(json.dumps(reply.to_dict(), ensure_ascii=False, indent=2))
    else:
        # Without --state the next call starts afresh, so a number typed next would not pick anything.
        print(format_reply(reply, terminal_width(), use_color(sys.stdout), hint=bool(args.state)))
        if reply.options and not args.state:
            print("(to answer, ask again with --state FILE: it keeps the conversation between calls)")
    return 0


def _read_state(path: Path) -> dict[str, Any] | None:
    """The saved state, None for a missing or empty file (a new conversation)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StateFileError(f"{path}: cannot read the conversation state: {exc}") from None
    if not text.strip():
        return None
    try:
        state = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateFileError(f"{path}:{exc.lineno}: not a conversation state (invalid JSON: {exc.msg})") from None
    if not isinstance(state, dict):
        raise StateFileError(f"{path}: not a conversation state (expected a JSON object)")
    return state
