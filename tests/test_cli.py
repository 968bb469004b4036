"""The `faqbot` command through the real console script, as a user or a script runs it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import BUNDLED_KB, MINI_KB, SEED, checkout_env, faqbot_command, run_faqbot

import faqbot
from faqbot import cli

ANSI = "\x1b["


def assert_one_error_line(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """A clean failure: exactly one line on stderr, mentioning what is wrong, and no traceback."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


# -- help --------------------------------------------------------------------------------------------


def test_help_lists_every_command_with_an_example() -> None:
    result = run_faqbot("--help")
    assert result.returncode == 0
    for command in ("chat", "ask", "check", "export", "import"):
        assert command in result.stdout
    assert "examples:" in result.stdout


@pytest.mark.parametrize("command", ["chat", "ask", "check", "export", "import"])
def test_each_command_help_teaches_with_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"faqbot {command}" in out


def test_import_and_help_stay_light() -> None:
    code = (
        "import sys, faqbot, faqbot.cli as c\n"
        "try:\n    c.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('prompt_toolkit', 'markdown_it')]\n"
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


# -- chat (plain line mode: stdin is not a terminal) --------------------------------------------------


def test_chat_reads_one_message_per_line_and_exits_at_end_of_input() -> None:
    result = run_faqbot("chat", stdin="hi\nis it safe to exercise in pain?\nyes\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    disclaimer_start = faqbot.Bot.load().kb.meta.disclaimer.split()[:4]
    assert out.count(" ".join(disclaimer_start)) == 1
    assert out.index(" ".join(disclaimer_start)) < out.index("> hi")
    assert "Has a doctor advised exercise" in out
    assert "1. Yes" in out and "2. No" in out and "3. Not sure" in out
    assert "Do you know where your pain comes from" in out
    assert ANSI not in out


def test_chat_answers_a_follow_up_by_its_number() -> None:
    result = run_faqbot("chat", stdin="Is it safe to exercise when I am in pain?\n1\n1\n/quit\nhi\n")
    assert result.returncode == 0
    assert "exercise can be safe" in result.stdout
    assert "> hi" not in result.stdout  # /quit stopped reading


def test_chat_survives_bytes_that_are_not_utf8() -> None:
    result = subprocess.run(
        [*faqbot_command(), "chat"],
        input=b"\xff\xfe hi\nhow do I bake bread\n",
        env=checkout_env(),
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    assert b"Sorry, I can't answer" in result.stdout


def test_chat_with_missing_kb_is_a_usage_error() -> None:
    result = run_faqbot("chat", "--kb", "no-such-kb.yaml", stdin="hi\n")
    assert result.returncode == 2
    assert_one_error_line(result, "no-such-kb.yaml", "no such file")


# -- ask ---------------------------------------------------------------------------------------------


def test_ask_prints_the_reply_with_numbered_options() -> None:
    result = run_faqbot("ask", "Is it safe to exercise when I am in pain?")
    assert result.returncode == 0
    assert "Has a doctor advised exercise" in result.stdout
    assert "1. Yes" in result.stdout
    assert ANSI not in result.stdout
    # a number typed into the next call would start afresh: say how to keep the conversation instead
    assert "type a number to choose" not in result.stdout
    assert "ask again with --state FILE" in result.stdout


def test_ask_json_prints_the_reply_fields() -> None:
    result = run_faqbot("ask", "What exercises are safe for me to perform?", "--json")
    assert result.returncode == 0
    reply = json.loads(result.stdout)
    assert set(reply) >= {"kind", "entry_id", "text", "markdown", "html", "options", "tier", "referral", "state"}
    assert (reply["kind"], reply["entry_id"], reply["tier"]) == ("answer", "safe-exercises", None)
    assert isinstance(reply["options"], list) and reply["state"]["version"] == 2


def test_ask_state_file_carries_the_conversation(tmp_path: Path) -> None:
    state = tmp_path / "chat.json"
    first = run_faqbot("ask", "Is it safe to exercise when I am in pain?", "--state", str(state), "--json")
    assert json.loads(first.stdout)["kind"] == "follow_up"
    assert json.loads(state.read_text())["pending"]["step"] == "doctor"
    second = run_faqbot("ask", "yes", "--state", str(state), "--json")
    reply = json.loads(second.stdout)
    assert reply["state"]["slots"] == {"doctor_advised": "yes"}
    assert json.loads(state.read_text()) == reply["state"]
    assert not [p for p in tmp_path.iterdir() if p.name != "chat.json"]  # no temporary file left


def test_ask_with_a_corrupt_state_file_fails_cleanly_and_keeps_it(tmp_path: Path) -> None:
    state = tmp_path / "chat.json"
    state.write_text("{not json")
    result = run_faqbot("ask", "hi", "--state", str(state))
    assert result.returncode == 1
    assert_one_error_line(result, f"{state}:1", "invalid JSON")
    assert state.read_text() == "{not json"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('["a", "list"]', "expected a JSON object"),
        (
            '{"version": 1, "slots": {}, "pending": {"kind": "choice", "entries": ["nope"], "clarify": false}}',
            "unknown entry 'nope'",
        ),
        ('{"version": 3, "slots": {}, "pending": null}', "unsupported version"),
    ],
)
def test_ask_with_a_state_of_the_wrong_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, fragment: str
) -> None:
    state = tmp_path / "chat.json"
    state.write_text(content)
    assert cli.main(["ask", "hi", "--state", str(state)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(state) in err and fragment in err
    assert state.read_text() == content


# -- check -------------------------------------------------------------------------------------------


def test_check_bundled_kb_is_clean() -> None:
    result = run_faqbot("check", str(BUNDLED_KB))
    assert result.returncode == 0
    assert result.stdout == ""
    assert "0 errors, 0 warnings" in result.stderr


def test_check_reports_errors_with_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(MINI_KB.replace("    question: What water", "    qestion: What water"))
    good = tmp_path / "good.yaml"
    good.write_text(MINI_KB)
    result = run_faqbot("check", str(good), str(broken))
    assert result.returncode == 1
    line = next(n for n, text in enumerate(MINI_KB.splitlines(), 1) if "question: What water" in text)
    assert result.stdout.splitlines() == [
        f"{broken}:{line}: error: entries[1].qestion: unknown key (did you mean 'question'?)"
    ]


def test_check_warnings_only_exit_zero_unless_strict(tmp_path: Path) -> None:
    kb = tmp_path / "kb.yaml"
    kb.write_text(MINI_KB.replace("Longer makes it bitter:", "As explained above, longer makes it bitter:"))
    result = run_faqbot("check", str(kb))
    assert result.returncode == 0
    assert ": warning: brew-time: answer leans on 'explained above'" in result.stdout
    assert cli.main(["check", "--strict", str(kb)]) == 1


def test_check_missing_file_is_a_usage_error() -> None:
    result = run_faqbot("check", "no-such.yaml")
    assert result.returncode == 2
    assert_one_error_line(result, "no-such.yaml", "no such file")


def test_unreadable_yaml_names_file_and_line(tmp_path: Path) -> None:
    kb = tmp_path / "kb.yaml"
    kb.write_text("meta:\n  title: x\nentries: [\n  - id: a\n")
    result = run_faqbot("ask", "hi", "--kb", str(kb))
    assert result.returncode == 1
    assert_one_error_line(result, f"{kb}:", "invalid YAML")


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    # A true process: the traceback is what Python prints for an exception that leaves the program.
    result = run_faqbot("--debug", "ask", "hi", "--kb", str(tmp_path / "missing.yaml"), real_process=True)
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_bad_flag_names_the_flag() -> None:
    result = run_faqbot("export", "--colour")
    assert result.returncode == 2
    assert "--colour" in result.stderr and "Traceback" not in result.stderr


def test_bad_format_names_the_choices() -> None:
    result = run_faqbot("export", "--format", "pdf")
    assert result.returncode == 2
    assert "pdf" in result.stderr and "markdown" in result.stderr


# -- export and import -------------------------------------------------------------------------------


def test_export_writes_each_format(tmp_path: Path) -> None:
    markdown = run_faqbot("export")
    assert markdown.returncode == 0 and markdown.stdout.startswith("# ")
    page = tmp_path / "faq.html"
    assert run_faqbot("export", "--format", "html", "-o", str(page)).returncode == 0
    assert page.read_text().startswith("<!DOCTYPE html>")
    data = json.loads(run_faqbot("export", "--format", "jsonld").stdout)
    assert data["@type"] == "FAQPage"


def test_export_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "faq.md"
    target.write_text("keep me")
    refused = run_faqbot("export", "-o", str(target))
    assert refused.returncode == 1
    assert_one_error_line(refused, str(target), "--force")
    assert target.read_text() == "keep me"
    assert run_faqbot("export", "-o", str(target), "--force").returncode == 0
    assert target.read_text().startswith("# ")


def test_export_to_a_missing_directory_fails_cleanly(tmp_path: Path) -> None:
    result = run_faqbot("export", "-o", str(tmp_path / "nope" / "faq.md"))
    assert result.returncode == 1
    assert_one_error_line(result, "cannot write")


def test_import_seed_article_then_check_accepts_it(tmp_path: Path) -> None:
    out = tmp_path / "seed.yaml"
    result = run_faqbot("import", str(SEED), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "imported 7 questions" in result.stderr
    check = run_faqbot("check", str(out))
    assert check.returncode == 0
    assert ": error:" not in check.stdout
    assert len(faqbot.Bot.load(out).kb.entries) == 7


def test_import_errors(tmp_path: Path) -> None:
    missing = run_faqbot("import", str(tmp_path / "missing.md"))
    assert missing.returncode == 2
    assert_one_error_line(missing, "missing.md", "no such file")
    prose = tmp_path / "prose.txt"
    prose.write_text("No questions here.\n")
    empty = run_faqbot("import", str(prose))
    assert empty.returncode == 1
    assert_one_error_line(empty, f"{prose}:1", "no questions found")


# -- interrupted writes leave the old file intact ----------------------------------------------------

_KILL_MID_WRITE = """
import os, sys
import faqbot.cli
real_fsync = os.fsync
def fsync_then_die(fd):
    real_fsync(fd)          # the new content is on disk in the temporary file ...
    os.kill(os.getpid(), 9)  # ... and the process dies before the rename
os.fsync = fsync_then_die
faqbot.cli.main(sys.argv[1:])
"""


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "html", "-o", "{target}", "--force"],
        ["ask", "What exercises are safe for me to perform?", "--state", "{target}"],
    ],
)
def test_killed_mid_write_leaves_the_old_file(tmp_path: Path, args: list[str]) -> None:
    target = tmp_path / "target.json"
    old = json.dumps({"version": 1, "slots": {}, "pending": None})
    target.write_text(old)
    argv = [a.format(target=target) for a in args]
    result = subprocess.run([sys.executable, "-c", _KILL_MID_WRITE, *argv], capture_output=True, text=True)
    assert result.returncode == -signal.SIGKILL
    assert target.read_text() == old


def test_failed_state_save_keeps_the_old_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "chat.json"
    assert cli.main(["ask", "Is it safe to exercise when I am in pain?", "--state", str(state)]) == 0
    saved = state.read_text()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", disk_full)
    assert cli.main(["ask", "yes", "--state", str(state)]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert state.read_text() == saved
    assert [p.name for p in tmp_path.iterdir()] == ["chat.json"]


def test_no_command_prints_help_and_exits_2() -> None:
    result = run_faqbot()
    assert result.returncode == 2
    assert "usage: faqbot" in result.stdout and "chat" in result.stdout


@pytest.mark.parametrize(("error", "code"), [(KeyboardInterrupt, 130), (BrokenPipeError, 0)])
def test_ctrl_c_and_a_closed_pipe_end_quietly(monkeypatch: pytest.MonkeyPatch, error: type, code: int) -> None:
    from faqbot.commands import check

    def interrupted(args: object) -> int:
        raise error

    monkeypatch.setattr(check, "run", interrupted)
    result = run_faqbot("check")
    assert result.returncode == code
    assert "Traceback" not in result.stderr


def test_chat_with_a_log_records_the_turns(tmp_path: Path) -> None:
    result = run_faqbot("chat", "--log", str(tmp_path / "logs"), stdin="what exercises do you recommend?\n")
    assert result.returncode == 0
    (log_file,) = (tmp_path / "logs").glob("*.jsonl")
    turns = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines()]
    assert [(t["kind"], t["entry"]) for t in turns if t["type"] == "turn"] == [("answer", "recommended-exercises")]
