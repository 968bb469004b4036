"""The owner's loop: conversation log, feedback, `faqbot review` (clusters, --apply, report) and replay."""

from __future__ import annotations

import json
import os
import random
import shutil
import urllib.request
from pathlib import Path

import pytest
from _serve_helpers import Server
from cli_helpers import run_faqbot

import faqbot
from faqbot.convlog import ConversationLog, redact
from faqbot.tooling import review

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "knowledge" / "back_pain.yaml"
SECRET = "review tests secret 5d1e"

# Questions the bundled knowledge base cannot answer today, each asked in several wordings. The first group is
# close to an entry (its suggestion is alternates of that entry); the others are new topics.
PLANTED = {
    "stretching routine": [
        "lower back mobility routine morning plz xyzzy",
        "morning lower back mobility routine xyzzy",
        "xyzzy lower back mobility routine morning",
    ],
    "parking": ["where do i park for the clinic", "where can i park at the clinic", "clinic parking where"],
    "opening hours": ["what time does the clinic open", "clinic opening times", "when does the clinic open"],
}
ANSWERED = ["Is it safe to exercise when I am in pain?", "What exercises are safe for me to perform?", "thanks"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at jo.bloggs+back@example.co.uk please", "mail me at [email] please"),
        ("ring 07700 900123 or +44 7700 900123", "ring [phone] or [phone]"),
        ("call (020) 7946-0958 after 6", "call [phone] after 6"),
        ("US: 415.555.0132, zip 94103-1234", "US: [phone], zip [zip]"),
        ("I live in SW1A 1AA, and B33 8TH too", "I live in [postcode], and [postcode] too"),
        ("card 4111111111111111 exp 12/29", "card [number] exp 12/29"),
        ("I'm 55 with a temperature of 38.5 since 2019", "I'm 55 with a temperature of 38.5 since 2019"),
    ],
)
def test_redaction_of_contact_details_and_long_numbers(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_the_log_records_turns_and_feedback_without_tokens_or_secrets(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from faqbot.web import LiveBot, create_app

    log = ConversationLog(tmp_path / "logs")
    app = create_app(LiveBot(faqbot.Bot.load(log=log)), secret=SECRET)
    with TestClient(app) as client:
        first = client.post("/api/chat", json={"message": "What exercises are safe for me to perform?"}).json()
        second = client.post("/api/chat", json={"message": "thanks, my email is a@b.org", "state": first["state"]})
        assert client.post("/api/feedback", json={"reply": first["id"], "helpful": False}).status_code == 204
        assert client.post("/api/feedback", json={"reply": "not an id", "helpful": True}).status_code == 400
        assert client.post("/api/feedback", json={"reply": first["id"]}).status_code == 400
    log.close()
    text = log.file.read_text() if log.file else ""
    records = [json.loads(line) for line in text.splitlines()]
    assert [r["type"] for r in records] == ["turn", "turn", "feedback"]
    assert records[0]["conversation"] == records[1]["conversation"]
    assert records[0]["entry"] == "safe-exercises" and records[0]["reply"] == first["id"]
    assert "[email]" in records[1]["message"]
    assert records[2] == {**records[2], "reply": first["id"], "helpful": False}
    assert SECRET not in text and first["state"] not in text and second.json()["state"] not in text


def test_a_log_that_cannot_be_written_never_breaks_a_reply(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "log.jsonl"
    blocked.mkdir()  # a directory where the log file should be: every write fails
    bot = faqbot.Bot.load(log=ConversationLog(blocked / "x.jsonl"))
    (blocked / "x.jsonl").mkdir()
    session = bot.session()
    assert session.ask("What exercises are safe for me to perform?").entry_id == "safe-exercises"
    assert session.ask("how do I bake bread").kind == "fallback"
    assert [r.message for r in caplog.records if r.name == "faqbot.log"].__len__() == 1


def test_log_files_rotate_by_size(tmp_path: Path) -> None:
    log = ConversationLog(tmp_path / "talk.jsonl", max_bytes=2_000, backups=2)
    bot = faqbot.Bot.load(log=log)
    for _ in range(30):
        bot.session().ask("What exercises are safe for me to perform?")
    log.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["talk.jsonl", "talk.jsonl.1", "talk.jsonl.2"]
    assert all(p.stat().st_size <= 2_000 for p in tmp_path.iterdir())


def _post(url: str, data: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(url, data=json.dumps(data).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        return json.loads(body) if body else {}


def test_two_workers_log_review_finds_planted_questions_apply_and_replay(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    kb = tmp_path / "kb.yaml"
    shutil.copyfile(BUNDLED, kb)
    original = kb.read_text()
    rng = random.Random(7)
    wordings = [w for group in PLANTED.values() for w in group]
    with Server(
        "--workers", "2", "--kb", str(kb), "--log", str(logs), "--no-access-log", "--rate-limit", "0",
        log_path=tmp_path / "serve.log", env={"FAQBOT_SECRET": SECRET},
    ) as server:  # fmt: skip
        for n in range(200):
            state = None
            for message in [rng.choice(ANSWERED), wordings[n % len(wordings)]]:
                reply = _post(server.url + "/api/chat", {"message": message, "state": state})
                state = reply["state"]  # type: ignore[assignment]
                if reply["kind"] == "answer" and n % 10 == 0:
                    _post(server.url + "/api/feedback", {"reply": reply["id"], "helpful": n % 20 == 0})
    files = sorted(logs.iterdir())
    assert len(files) == 2, files  # one file per worker process

    result = run_faqbot("review", str(logs), "--kb", str(kb), "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["turns"] == 400 and found["conversations"] == 200
    clusters = {frozenset(w["text"] for w in c["wordings"]): c for c in found["unanswered"]}
    for group in PLANTED.values():
        assert frozenset(group) in clusters, (group, list(clusters))
    routine = clusters[frozenset(PLANTED["stretching routine"])]
    logged = [json.loads(line) for path in files for line in path.read_text().splitlines()]
    fallbacks = sum(r.get("message") in PLANTED["stretching routine"] and r.get("kind") == "fallback" for r in logged)
    assert routine["suggestion"] == "alternates" and routine["count"] == fallbacks > 0
    assert clusters[frozenset(PLANTED["parking"])]["suggestion"] == "new"
    assert found["feedback"]  # thumbs up and down reached the log through both workers

    before = run_faqbot("eval", "--log", str(logs), "--kb", str(kb), "--json")
    assert json.loads(before.stdout)["unchanged"] == 400

    applied = run_faqbot("review", str(logs), "--kb", str(kb), "--apply")
    assert applied.returncode == 0, applied.stderr
    edited = kb.read_text()
    assert "lower back mobility routine morning plz xyzzy" in edited
    # comments, order and formatting survive byte for byte outside the lines added
    assert [line for line in edited.splitlines() if "xyzzy" not in line] == original.splitlines()

    after = json.loads(run_faqbot("eval", "--log", str(logs), "--kb", str(kb), "--json").stdout)
    now = {change["message"] for change in after.get("answered now", [])}
    assert set(PLANTED["stretching routine"]) <= now
    assert not after.get("newly unanswered")


def test_review_report_text_html_and_interactive(tmp_path: Path) -> None:
    log = ConversationLog(tmp_path / "logs")
    bot = faqbot.Bot.load(log=log)
    for message in ["clinic parking where", "where do i park for the clinic", "What exercises are safe for me?"]:
        reply = bot.session().ask(message)
    bot.feedback(reply.id, False)
    bot.session().ask("I can't control my bladder and my back hurts")
    log.close()
    (tmp_path / "logs" / "junk.jsonl").write_text("not json\n{}\n")
    result = run_faqbot("review", str(tmp_path / "logs"), "--html", str(tmp_path / "report.html"))
    assert result.returncode == 0, result.stderr
    assert "2x  'clinic parking where'  (2 wordings)" in result.stdout
    assert "suggestion: new entry" in result.stdout
    assert "answers marked unhelpful" in result.stdout and "red flags raised: emergency 1" in result.stdout
    assert "2 lines were not log records and were skipped" in result.stdout
    page = (tmp_path / "report.html").read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page and "<script" not in page
    assert "clinic parking where" in page


def test_apply_edits_flow_lists_block_lists_and_entries_without_alternates() -> None:
    text = (
        "entries:\n"
        "  - id: a  # first\n"
        "    question: A?\n"
        "    alternates: [one, two]\n"
        "    answer: A.\n"
        "  - id: b\n"
        "    question: >-\n"
        "      B, written\n"
        "      over two lines?\n"
        "    answer: B.\n"
        "  - id: c\n"
        "    question: C?\n"
        "    alternates:\n"
        "      - three   # keep me\n"
        "\n"
        "    answer: C.\n"
    )
    edited = review.apply_alternates(text, {"a": ["x y"], "b": ['say "b"'], "c": ["four"]})
    assert edited.splitlines() == [
        "entries:",
        "  - id: a  # first",
        "    question: A?",
        '    alternates: [one, two, "x y"]',
        "    answer: A.",
        "  - id: b",
        "    question: >-",
        "      B, written",
        "      over two lines?",
        "    alternates:",
        '      - "say \\"b\\""',
        "    answer: B.",
        "  - id: c",
        "    question: C?",
        "    alternates:",
        "      - three   # keep me",
        '      - "four"',
        "",
        "    answer: C.",
    ]
    with pytest.raises(faqbot.FaqbotError, match="no entry with id 'nope'"):
        review.apply_alternates(text, {"nope": ["x"]})


def test_review_of_a_missing_log_is_a_usage_error(tmp_path: Path) -> None:
    result = run_faqbot("review", str(tmp_path / "none"))
    assert result.returncode == 2 and "no such file or directory" in result.stderr
    os.makedirs(tmp_path / "empty")
    assert "no log files" in run_faqbot("review", str(tmp_path / "empty")).stderr


def test_interactive_review_asks_before_each_suggestion(tmp_path: Path) -> None:
    log = ConversationLog(tmp_path / "logs")
    bot = faqbot.Bot.load(log=log)
    for message in ["lower back mobility routine morning plz xyzzy", "core work plan lower back kthx qwerty"]:
        assert bot.session().ask(message).kind == "fallback"
    log.close()
    kb = tmp_path / "kb.yaml"
    shutil.copyfile(BUNDLED, kb)
    result = run_faqbot(
        "review", str(tmp_path / "logs"), "--kb", str(kb), "--interactive", stdin="n\ny\n"
    )  # in order: core…, lower…
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("? [y/N]") == 2
    text = kb.read_text()
    assert "lower back mobility routine morning plz xyzzy" in text and "qwerty" not in text
