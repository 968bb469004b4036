"""The chat REPL: prompt_toolkit driven through a pipe, and one real session in a pseudo-terminal."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import checkout_env, faqbot_command
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

import faqbot
from faqbot import repl

ANSI = "\x1b["


def chat(bot: faqbot.Bot, keys: str, history: object = None, width: int = 80) -> tuple[int, str]:
    """Type `keys` into the REPL (Enter is "\\r"); returns the exit status and everything printed."""
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        status = repl.run_interactive(
            bot,
            write=out.write,
            input=pipe,
            output=DummyOutput(),
            history=history or InMemoryHistory(),
            color=False,
            width=width,
        )
    return status, out.getvalue()


def test_follow_up_answered_by_number(bot: faqbot.Bot) -> None:
    status, out = chat(bot, "Is it safe to exercise when I am in pain?\r1\r1\r\x04")
    assert status == 0
    assert out.index("Has a doctor advised exercise") < out.index("Do you know where your pain comes from")
    assert "exercise can be safe" in out
    assert "  1. Yes\n  2. No\n  3. Not sure" in out


def test_disclaimer_once_at_start_and_goodbye_at_end(bot: faqbot.Bot) -> None:
    _, out = chat(bot, "hi\rWhat exercises are safe for me to perform?\r\x04")
    disclaimer = " ".join(bot.kb.meta.disclaimer.split()[:5])
    assert out.count(disclaimer) == 1
    assert out.index(disclaimer) < out.index("Hello!")
    assert out.rstrip().endswith("see a doctor.")


@pytest.mark.parametrize("key", ["\x03", "\x04"])
def test_ctrl_c_and_ctrl_d_leave_with_a_goodbye(bot: faqbot.Bot, key: str) -> None:
    status, out = chat(bot, key)
    assert status == 0
    assert "Take care of your back" in out


def test_quit_command_stops_reading(bot: faqbot.Bot) -> None:
    status, out = chat(bot, "/quit\rhow do I bake bread\r")
    assert status == 0
    assert "Sorry, I can't answer" not in out


def test_help_and_unknown_commands(bot: faqbot.Bot) -> None:
    _, out = chat(bot, "/help\r/frobnicate\r\x04")
    for command in ("/help", "/topics", "/reset", "/export", "/quit"):
        assert command in out
    assert "Unknown command /frobnicate" in out


def test_topics_lists_questions_and_a_number_picks_one(bot: faqbot.Bot) -> None:
    _, out = chat(bot, "/topics\r5\r\x04")
    for n, entry in enumerate(bot.kb.entries, 1):
        assert f"{n}. {entry.question}" in out
    assert "It depends on your level of back pain" in out  # safe-exercises, the fifth question


def test_reset_forgets_slots(bot: faqbot.Bot) -> None:
    keys = "Is it safe to exercise when I am in pain?\ryes\r/reset\rIs it safe to exercise when I am in pain?\r\x04"
    _, out = chat(bot, keys)
    after_reset = out[out.index("Started a new conversation") :]
    assert "Has a doctor advised exercise" in after_reset


def test_export_saves_the_transcript(bot: faqbot.Bot, tmp_path: Path) -> None:
    target = tmp_path / "talk.md"
    _, out = chat(bot, f"What exercises are safe for me to perform?\r/export {target}\r/export {target}\r\x04")
    assert f"Saved this conversation to {target}" in out
    assert f"Could not save: {target} exists. Use /export --force {target} to replace it." in out  # never overwrites
    text = target.read_text()
    assert text.startswith("# Conversation: ")
    assert "**You:** What exercises are safe for me to perform?" in text
    assert "protect the lower back from injury" in text


def test_export_force_replaces_and_a_folder_gets_a_new_file(bot: faqbot.Bot, tmp_path: Path) -> None:
    target = tmp_path / "talk.md"
    target.write_text("old\n")
    _, out = chat(bot, f"hello\r/export --force {target}\r/export {tmp_path}\r/export a b\r\x04")
    assert f"Saved this conversation to {target}" in out
    assert target.read_text().startswith("# Conversation: ")
    saved = [p for p in tmp_path.iterdir() if p.name.startswith("faqbot-conversation-")]
    assert len(saved) == 1 and f"Saved this conversation to {saved[0]}" in out
    assert "Usage: /export [--force] [FILE|DIR]" in out


def test_a_number_no_list_offers_says_how_many_there_are(bot: faqbot.Bot) -> None:
    _, out = chat(bot, "/topics\r12\r2\r\x04")
    assert "There is no option 12: type a number from 1 to 7, or ask in your own words." in out
    assert "avoid any exercise that involves" in out  # the list stayed on offer: 2 picked its second question


def test_quit_with_words_after_it_leaves(bot: faqbot.Bot) -> None:
    status, out = chat(bot, "/quit now\rhow do I bake bread\r")
    assert status == 0
    assert "Take care of your back" in out and "Sorry, I can't answer" not in out


def test_non_tty_plain_mode(bot: faqbot.Bot) -> None:
    out = io.StringIO()
    status = repl.run_plain(bot, ["how do I bake bread\n", "\n", "I can't control my bladder\n"], out.write)
    assert status == 0
    text = out.getvalue()
    assert "> how do I bake bread" in text and "Sorry, I can't answer" in text
    assert "Call 999 or go to A&E now." in text
    assert ANSI not in text


def test_history_is_saved_between_runs(bot: faqbot.Bot, tmp_path: Path) -> None:
    path = tmp_path / "history"
    chat(bot, "What exercises are safe for me to perform?\r\x04", history=FileHistory(str(path)))
    assert "What exercises are safe for me to perform?" in path.read_text()
    _, out = chat(bot, "\x1b[A\r\x04", history=FileHistory(str(path)))  # Up arrow recalls it
    assert "It depends on your level of back pain" in out


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_DATA_HOME is the Linux convention")
def test_history_lives_in_the_xdg_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert repl.history_path() == tmp_path / "faqbot" / "history"


def test_completion_of_questions_and_commands(bot: faqbot.Bot) -> None:
    safe = [c.text for c in repl.complete(bot, "safe exercises")]
    assert safe[0] == "What exercises are safe for me to perform?"
    assert [c.text for c in repl.complete(bot, "/to")] == ["/topics"]
    assert len(list(repl.complete(bot, ""))) == len(bot.kb.entries)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(bot: faqbot.Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert repl.use_color(_Tty()) and not repl.use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not repl.use_color(_Tty())
    reply = bot.session().ask("What exercises are safe for me to perform?")
    assert ANSI in repl.format_reply(reply, color=True)
    assert ANSI not in repl.format_reply(reply, color=False)


def test_replies_fit_the_width(bot: faqbot.Bot) -> None:
    _, out = chat(bot, "Is it safe to exercise when I am in pain?\r2\r\x04", width=40)
    assert max(len(line) for line in out.splitlines()) <= 40


# -- a real pseudo-terminal --------------------------------------------------------------------------


@pytest.fixture
def pty_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {
        **checkout_env(),
        "XDG_DATA_HOME": str(tmp_path),
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "COLUMNS": "100",
        "LINES": "40",
    }
    env.pop("NO_COLOR", None)
    return env


def phrase(text: str) -> str:
    """A pattern for words that the terminal may have wrapped onto two lines."""
    return r"\s+".join(map(re.escape, text.split()))


def test_pseudo_terminal_session_answers_a_follow_up_by_number(pty_env: dict[str, str], tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    command = faqbot_command()
    seen = io.StringIO()
    child = pexpect.spawn(
        command[0], [*command[1:], "chat"], env=pty_env, encoding="utf-8", timeout=20, dimensions=(40, 100)
    )
    child.logfile_read = seen
    try:
        child.expect(phrase("Type /help for commands"))
        child.sendline("Is it safe to exercise when I am in pain?")
        child.expect(phrase("Has a doctor advised exercise"))
        child.expect(phrase("3. Not sure"))
        child.sendline("1")
        child.expect(phrase("Do you know where your pain comes from"))
        child.sendline("1")
        child.expect(phrase("exercise can be safe"))
        child.expect(re.escape("\x1b[?2004h"))  # the next prompt is up (raw mode), so Ctrl-D reaches it
        child.sendcontrol("d")
        child.expect(phrase("Take care of your back"))
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert "\x1b[1m" in seen.getvalue()  # bold answers on a terminal (NO_COLOR is not set)
    history = (tmp_path / "faqbot" / "history").read_text()
    assert "Is it safe to exercise when I am in pain?" in history
