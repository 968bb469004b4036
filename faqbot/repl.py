"""`faqbot chat`: the terminal conversation, as a prompt_toolkit REPL or, off a terminal, a line filter.

The conversation logic (`Chat`) does not know how lines arrive, so the interactive REPL, the plain line
mode used by `printf ... | faqbot chat`, and the tests all drive the same code. Only this module imports
prompt_toolkit, and only when the interactive REPL starts.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import render
from .bot import Bot
from .dialogue import Reply
from .errors import FaqbotError
from .files import TargetExistsError, data_dir, write_atomic
from .text import fold

if TYPE_CHECKING:
    from prompt_toolkit.completion import CompleteEvent, Completion
    from prompt_toolkit.document import Document

__all__ = ["COMMANDS", "Chat", "format_reply", "history_path", "run_interactive", "run_plain", "use_color"]

Write = Callable[[str], object]
COMMANDS = {
    "/help": "show this help",
    "/topics": "list the questions I can answer; pick one by its number",
    "/reset": "start a new conversation (forget what you told me)",
    "/export [--force] [FILE|DIR]": "save this conversation as Markdown (default: a new file in this folder)",
    "/good, /bad": "say whether the last answer helped (kept in the conversation log, with --log)",
    "/quit": "leave (Ctrl-D and Ctrl-C work too)",
}
_QUIT_WORDS = {"/quit", "/exit", "/q", "quit", "exit"}
_QUIT_COMMANDS = {"/quit", "/exit", "/q"}
MAX_WIDTH = 100


def use_color(stream: Any) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org) or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def terminal_width() -> int:
    return max(20, min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH))


def format_reply(reply: Reply, width: int = 80, color: bool = False, hint: bool = True) -> str:
    """A reply for the terminal: its Markdown rendered and wrapped, then its options numbered from 1."""
    style = render.ansi if color else None
    text = render.to_terminal(reply.markdown, width=width, style=style)
    if not reply.options:
        return text
    lead = ["You might also ask:"] if reply.kind == "answer" else []
    numbered = [_option_line(n, label, width) for n, label in enumerate(reply.options, 1)]
    note = "(type a number to choose)"
    note = render.ansi("em", note) if color else note
    return "\n".join([text, "", *lead, *numbered, *([note] if hint else [])])


def _option_line(number: int, label: str, width: int) -> str:
    """ "  2. label", wrapped under its own text when it is longer than the line."""
    first = f"  {number}. "
    return textwrap.fill(
        label,
        max(width, len(first) + 10),
        initial_indent=first,
        subsequent_indent=" " * len(first),
        break_on_hyphens=False,
    )


class Chat:
    """One terminal conversation: messages go to the bot, lines starting with "/" are commands."""

    def __init__(self, bot: Bot, write: Write, width: int = 80, color: bool = False) -> None:
        self.bot = bot
        self.session = bot.session()
        self._write = write
        self.width = width
        self.color = color
        self._menu: list[str] | None = None
        self._hinted = False
        self._transcript: list[tuple[str, str]] = []
        self._offered: tuple[str, ...] = ()
        self._last_id = ""

    def say(self, text: str) -> None:
        self._write(text.rstrip("\n") + "\n\n")

    def opening(self) -> None:
        """The title, the disclaimer (once, before anything else) and how to get help."""
        meta = self.bot.kb.meta
        title = textwrap.fill(meta.title, self.width)
        title = render.ansi("heading", title) if self.color else title
        lines = [title]
        if meta.disclaimer:
            lines.append(render.to_terminal(" ".join(meta.disclaimer.split()), width=self.width))
        lines.append(
            render.to_terminal(
                "Ask a question in your own words. Type /help for commands, /quit to leave.", width=self.width
            )
        )
        self.say("\n\n".join(lines))

    def goodbye(self) -> None:
        farewell = next((t.reply for t in self.bot.kb.smalltalk if t.intent == "goodbye"), "Goodbye.")
        self.say(render.to_terminal(farewell, width=self.width))

    def handle(self, line: str) -> bool:
        """Answer one line; False when the user asked to leave."""
        text = line.strip()
        if not text:
            return True
        if text.lower() in _QUIT_WORDS or text.lower().partition(" ")[0] in _QUIT_COMMANDS:
            self.goodbye()  # "/quit now" leaves too; "quit smoking?" is a message
            return False
        if text.startswith("/"):
            self._command(text)
            return True
        mistake = self._out_of_range(text)
        if mistake:
            self.say(mistake)  # the list stays on offer
            return True
        picked = self._from_menu(text)
        self._menu = None
        self.ask(picked or text)
        return True

    def ask(self, text: str) -> Reply:
        reply = self.session.ask(text)
        self._offered = reply.options
        self._last_id = reply.id
        self._transcript.append((text, _transcript_reply(reply)))
        self.say(format_reply(reply, self.width, self.color, hint=not self._hinted))
        self._hinted = self._hinted or bool(reply.options)
        return reply

    def _from_menu(self, text: str) -> str | None:
        if self._menu and text.isdigit() and 1 <= int(text) <= len(self._menu):
            return self._menu[int(text) - 1]
        return None

    def _out_of_range(self, text: str) -> str:
        """What to say for a number no list offers ("9" with three options), or "" for anything else."""
        count = len(self._menu) if self._menu else len(self._offered)
        if not text.isdigit() or not count or 1 <= int(text) <= count:
            return ""
        return f"There is no option {int(text)}: type a number from 1 to {count}, or ask in your own words."

    def _command(self, text: str) -> None:
        name, _, argument = text.partition(" ")
        name = name.lower()
        if name in ("/help", "/?"):
            rows = [f"  {command:<16} {summary}" for command, summary in COMMANDS.items()]
            self.say(
                "\n".join(
                    [
                        "Commands:",
                        *rows,
                        "",
                        "Answer a numbered choice with its number. Press Tab to complete a question.",
                    ]
                )
            )
        elif name == "/topics":
            self._menu = [entry.question for entry in self.bot.kb.entries]
            rows = [f"  {n}. {q}" for n, q in enumerate(self._menu, 1)]
            self.say("\n".join(["I can answer:", *rows, "(type a number to choose)"]))
        elif name == "/reset":
            self.session, self._menu, self._transcript, self._offered = self.bot.session(), None, [], ()
            self.say("Started a new conversation: I have forgotten what you told me.")
        elif name == "/export":
            self._export(argument.strip())
        elif name in ("/good", "/bad"):
            self._feedback(name == "/good")
        else:
            self.say(f"Unknown command {name}. Type /help for the commands.")

    def _feedback(self, helpful: bool) -> None:
        if self.bot.log is None:
            self.say("Thanks. (Feedback is kept only in a conversation log: start with faqbot chat --log PATH.)")
        elif not self._last_id:
            self.say("There is no answer to rate yet.")
        else:
            self.bot.feedback(self._last_id, helpful)
            self.say("Thanks for telling me." if helpful else "Thanks for telling me; that helps improve the answers.")

    def _export(self, argument: str) -> None:
        """`/export [--force] [FILE|DIR]`: a new file in the current folder unless told otherwise; the full
        path is said, so the user can find it."""
        try:
            words = shlex.split(argument)
        except ValueError as exc:
            self.say(f"Could not save: {exc} (quote a file name with spaces)")
            return
        force = any(w in ("--force", "-f") for w in words)
        names = [w for w in words if w not in ("--force", "-f")]
        if len(names) > 1 or any(n.startswith("-") for n in names):
            self.say("Usage: /export [--force] [FILE|DIR] (quote a file name with spaces)")
            return
        default = datetime.now().strftime("faqbot-conversation-%Y%m%d-%H%M%S.md")
        path = Path(names[0]).expanduser() if names else Path(default)
        if path.is_dir():
            path = path / default
        try:
            write_atomic(path, self.transcript_markdown(), overwrite=force)
        except TargetExistsError:
            self.say(f"Could not save: {path} exists. Use /export --force {shlex.quote(str(path))} to replace it.")
            return
        except FaqbotError as exc:
            self.say(f"Could not save: {exc.format_message()}")
            return
        self.say(f"Saved this conversation to {path.resolve()}.")

    def transcript_markdown(self) -> str:
        """The conversation so far as a Markdown document."""
        parts = [f"# Conversation: {self.bot.kb.meta.title}"]
        if self.bot.kb.meta.disclaimer:
            parts.append(f"> {' '.join(self.bot.kb.meta.disclaimer.split())}")
        for said, answered in self._transcript:
            parts += [f"**You:** {said}", f"**faqbot:**\n\n{answered}"]
        return "\n\n".join(parts) + "\n"


def _transcript_reply(reply: Reply) -> str:
    options = "\n".join(f"{n}. {label}" for n, label in enumerate(reply.options, 1))
    return "\n\n".join(p for p in (reply.markdown.strip(), options) if p)


# -- plain line mode ---------------------------------------------------------------------------------


def run_plain(bot: Bot, lines: Iterable[str], write: Write, width: int = 80, color: bool = False) -> int:
    """One message per line, each echoed as "> message" and followed by the reply; 0 at end of input."""
    chat = Chat(bot, write, width, color)
    chat.opening()
    for line in lines:
        text = line.strip()
        if not text:
            continue
        write(f"> {text}\n")
        if not chat.handle(text):
            break
    return 0


# -- interactive REPL --------------------------------------------------------------------------------


def history_path() -> Path | None:
    """Where typed lines are remembered between runs: the user's data dir (XDG on Linux); None if unusable."""
    try:
        directory = data_dir()
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return directory / "history"


def run_interactive(
    bot: Bot,
    *,
    write: Write | None = None,
    input: Any = None,
    output: Any = None,
    history: Any = None,
    color: bool | None = None,
    width: int | None = None,
) -> int:
    """The prompt_toolkit REPL; `input`/`output`/`history` are for tests (pipe input, DummyOutput)."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    if history is None:
        path = history_path()
        history = FileHistory(str(path)) if path else InMemoryHistory()
    write = write or _stdout_write
    chat = Chat(bot, write, width or terminal_width(), use_color(sys.stdout) if color is None else color)
    prompt: PromptSession[str] = PromptSession(
        history=history,
        completer=_completer(bot),
        complete_while_typing=False,
        input=input,
        output=output,
        enable_history_search=True,
    )
    chat.opening()
    while True:
        try:
            line = prompt.prompt("> ")
        except (EOFError, KeyboardInterrupt):
            chat.goodbye()
            return 0
        if not chat.handle(line):
            return 0


def _stdout_write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _completer(bot: Bot) -> Any:
    from prompt_toolkit.completion import Completer

    class QuestionCompleter(Completer):
        """Fuzzy completion of the knowledge base's questions (and of the slash commands)."""

        def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
            yield from complete(bot, document.text_before_cursor)

    return QuestionCompleter()


def complete(bot: Bot, typed: str) -> Iterator[Completion]:
    """Questions that fuzzily contain what was typed, best first; commands after a "/"."""
    from prompt_toolkit.completion import Completion
    from rapidfuzz import fuzz

    if typed.startswith("/"):
        for command, summary in COMMANDS.items():
            name = command.split()[0]
            if name.startswith(typed.lower()):
                yield Completion(name, start_position=-len(typed), display_meta=summary)
        return
    folded = fold(typed).strip()
    questions = [e.question for e in bot.kb.entries]
    if folded:
        scored = [
            (max(fuzz.token_set_ratio(folded, fold(q)), fuzz.partial_ratio(folded, fold(q))), -i, q)
            for i, q in enumerate(questions)
        ]
        questions = [q for score, _, q in sorted(scored, reverse=True) if score >= 60]
    for question in questions:
        yield Completion(question, start_position=-len(typed))
