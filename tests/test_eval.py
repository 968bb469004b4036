"""`faqbot eval`: labelled cases, public benchmark smoke runs, metrics and CLI errors (no timing asserts)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import faqbot
from faqbot.cli import main
from faqbot.matcher import Candidate
from faqbot.tooling.benchmarks import Scored, threshold_metrics, tune_threshold
from faqbot.tooling.evaluate import (
    CaseReport,
    CaseResult,
    Expect,
    Got,
    Labelled,
    evaluate_cases,
    evaluate_file,
    load_cases,
)
from faqbot.tooling.progress import Progress

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "data" / "queries.yaml"
BENCH = ROOT / "tests" / "data" / "bench"

TWO_ENTRY_KB = """\
version: 1
meta: {title: Two questions}
entries:
  - id: opening-hours
    question: When is the library open?
    answer: Nine to five.
  - id: renew-books
    question: How do I renew my borrowed books?
    answer: Online, under My loans.
"""


def _result(expect: str | Expect, got: str, kind: str = "answer", **extra: object) -> CaseResult:
    label = expect if isinstance(expect, Expect) else Expect.shorthand(expect)
    entry = None if got in ("oos", "urgent") else got
    return CaseResult(
        Labelled(f"{label.label}->{got}", label, 1), Got(kind, entry, **extra), (Candidate(got, 60.0, "x"),), 0.001
    )


# -- metrics --------------------------------------------------------------------------------------------


def test_metrics_count_in_scope_oos_and_red_flags_separately() -> None:
    report = CaseReport(
        (
            _result("a", "a"),
            _result("a", "b", "clarify"),
            _result("b", "b", "clarify"),
            _result("b", "oos", "fallback"),
            _result("oos", "oos", "fallback"),
            _result("oos", "a"),
            _result("urgent", "urgent", "urgent"),
            _result("urgent", "oos", "fallback"),
            _result("oos", "urgent", "urgent"),
        ),
        seconds=0.1,
    )
    assert report.accuracy == 2 / 4
    assert report.clarify_rate == 2 / 4
    assert report.oos_recall == 1 / 3
    assert report.oos_precision == 1 / 3  # of three replies that offered no entry, one was right
    assert report.red_flag_recall == 1 / 2
    assert report.false_alarms == 1
    assert report.per_label()["a"] == (2, 1)
    assert report.confused()[0][2] == 1 and len(report.confused()) == 5


def test_full_labels_measure_kind_tier_referral_and_invented_answers() -> None:
    emergency = Expect(kind="urgent", tier="emergency")
    urgent = Expect(kind="urgent", tier="urgent")
    referral = Expect(kind="fallback", referral="medication")
    follow_up = Expect(kind="follow_up", entry="a", fills=(("doctor", "yes"),))
    unsure_source = Expect(kind="answer", entry="a", fills=(("source", "unsure"),))
    report = CaseReport(
        (
            _result(emergency, "urgent", "urgent", tier="emergency"),
            _result(urgent, "urgent", "urgent", tier="emergency"),  # escalated, to the wrong tier
            _result(urgent, "oos", "fallback"),
            _result(referral, "oos", "fallback", referral="medication"),
            _result(referral, "oos", "fallback"),  # a plain fallback, not the referral
            _result(follow_up, "a", "follow_up", filled=(("doctor", "yes"),)),
            _result(Expect(kind="smalltalk"), "a", "follow_up", filled=(("doctor", "yes"),)),  # "ok thanks" as yes
            _result(Expect(kind="answer", entry="a", alt=(Expect(kind="answer", entry="b"),)), "b"),
            _result(  # "no idea" read as "not sure" where the label says "no", and its alternative "not sure"
                Expect(kind="answer", entry="a", fills=(("source", "no"),), alt=(unsure_source,)),
                "a",
                filled=(("source", "unsure"),),
            ),
        ),
        seconds=0.1,
    )
    assert report.tier_recall("emergency") == 1.0 and report.tier_recall("urgent") == 1 / 2
    assert report.tier_agreement == 1 / 2
    assert report.referral_routing == 1 / 2
    assert report.invented_fills == 1  # only "ok thanks" as yes: a fill an alternative reading gives is not invented
    assert report.kind_agreement == 6 / 9
    assert report.accuracy == 4 / 4  # follow_up a, answer b (an alternative), the wrong kind about a, answer a


def test_report_json_lists_every_failure_with_its_ranking() -> None:
    report = CaseReport((_result("a", "a"), _result("a", "b")), seconds=0.1)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["failures"] == [
        {
            "line": 1,
            "conversation": None,
            "turn": 0,
            "text": "a->b",
            "expect": "a",
            "got": "answer b",
            "kind": "answer",
            "candidates": [{"entry_id": "b", "score": 60.0}],
        }
    ]
    assert data["oos"] == {"recall": None, "precision": None}
    assert data["red_flags"]["recall_per_tier"] == {"emergency": None, "urgent": None}


def test_clarify_counts_when_its_first_option_is_the_expected_entry(bot: faqbot.Bot) -> None:
    report = evaluate_cases(bot, [Labelled(e.question, Expect(entry=e.id)) for e in bot.kb.entries])
    for result in report.results:
        if result.got.kind == "clarify":
            assert result.got.entry in bot.kb.by_id
    assert {r.case.expect.entry for r in report.results} == set(bot.kb.by_id)


def test_labelled_set_smoke(bot: faqbot.Bot) -> None:
    report = evaluate_cases(bot, load_cases(QUERIES, known_ids=bot.kb.by_id))
    assert len(report.results) == len(load_cases(QUERIES))
    assert report.accuracy is not None and 0 <= report.accuracy <= 1
    assert {"p50", "p99", "mean"} <= report.latency_ms().keys()


def test_conversations_are_asked_in_one_session_and_judged_turn_by_turn(
    bot: faqbot.Bot, write_kb: Callable[..., Path]
) -> None:
    path = write_kb(
        """conversations:
  - id: one
    turns:
      - say: Is it safe to exercise when I am in pain?
        kind: follow_up
        entry: exercise-when-in-pain
      - say: thanks
        kind: smalltalk
      - say: no, not yet
        kind: answer
        entry: exercise-when-in-pain
        fills: {doctor_advised: "no"}
""",
        "conversations.yaml",
    )
    report = evaluate_file(bot, path)
    assert [(r.case.conversation, r.case.turn) for r in report.results] == [("one", 1), ("one", 2), ("one", 3)]
    assert report.results[2].got.filled == (("doctor_advised", "no"),)
    assert report.invented_fills == sum(bool(r.invented) for r in report.results)


# -- thresholds -----------------------------------------------------------------------------------------


def _scored(expect: str, top: str | None, score: float) -> Scored:
    return Scored(expect, (top,) if top else (), score if top else float("-inf"), 0.0)


def test_threshold_maximises_accuracy_with_oos_as_a_class() -> None:
    val = [
        _scored("a", "a", 80),
        _scored("b", "b", 70),
        _scored("oos", "a", 40),
        _scored("oos", "b", 30),
        _scored("a", "b", 35),
        _scored("oos", None, 0),
    ]
    threshold = tune_threshold(val, "accuracy")
    assert 40 < threshold < 70
    metrics = threshold_metrics(val, threshold)
    assert metrics["oos_recall"] == 1.0 and metrics["in_scope_accuracy"] == 2 / 3
    assert metrics["top1_no_threshold"] == 2 / 3


def test_balanced_rule_weighs_oos_recall_as_much_as_accuracy() -> None:
    # Ten in-scope queries and one out-of-scope query scoring above two correct in-scope ones.
    val = [_scored("a", "a", 90)] * 8 + [_scored("a", "a", 20), _scored("a", "a", 25), _scored("oos", "a", 30)]
    assert tune_threshold(val, "accuracy") == 0.0  # rejecting costs two right answers to gain one
    assert 30 < tune_threshold(val, "balanced") < 90


def test_threshold_metrics_precision() -> None:
    scored = [_scored("a", "a", 10), _scored("oos", "a", 10), _scored("oos", "a", 90)]
    metrics = threshold_metrics(scored, 50)
    assert metrics["oos_precision"] == 1 / 2
    assert metrics["oos_recall"] == 1 / 2


# -- progress -------------------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_only_on_a_terminal_after_a_second() -> None:
    now = [0.0]
    terminal, pipe = _Terminal(), io.StringIO()
    bars = [Progress(10, "eval", stream, clock=lambda: now[0]) for stream in (terminal, pipe)]
    for bar in bars:
        bar.advance()
    assert terminal.getvalue() == ""
    now[0] = 1.5
    for bar in bars:
        bar.advance()
        bar.close()
    assert "eval [" in terminal.getvalue() and "2/10" in terminal.getvalue()
    assert pipe.getvalue() == ""


# -- the command ----------------------------------------------------------------------------------------


def test_eval_cases_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(QUERIES), "--failures", "2"]) == 0
    out = capsys.readouterr().out
    assert "entry accuracy, in scope" in out and "red-flag recall" in out and "per label" in out


def test_eval_reads_several_files_and_conversations(capsys: pytest.CaptureFixture[str]) -> None:
    blind = QUERIES.parent / "blind"
    assert (
        main(["eval", str(blind / "singles_dev.yaml"), str(blind / "conversations_dev.yaml"), "--failures", "0"]) == 0
    )
    out = capsys.readouterr().out
    assert "messages on" in out and "turns of" in out and "invented answers" in out and "false alarms" in out


def test_eval_json_and_min_accuracy(write_kb: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    kb = write_kb(TWO_ENTRY_KB)
    cases = write_kb("queries:\n  - text: When is the library open?\n    expect: renew-books\n", "cases.yaml")
    assert main(["eval", str(cases), "--kb", str(kb), "--json", "--min-accuracy", "0"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cases"] == 1 and data["accuracy"] == 0.0
    assert main(["eval", str(cases), "--kb", str(kb), "--json", "--min-accuracy", "0.5"]) == 1
    assert "accuracy 0.0 % is below --min-accuracy 0.5" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["95", "-0.1", "abc", "nan"])
def test_bad_min_accuracy_is_a_usage_error(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(QUERIES), "--min-accuracy", value]) == 2
    err = capsys.readouterr().err
    assert (
        err.strip() == f"faqbot eval: error: --min-accuracy: expected a fraction from 0 to 1 (e.g. 0.95), got {value!r}"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("queries:\n  - text: hi\n    expect: nope\n", "cases.yaml:3: queries[0].expect: unknown entry id 'nope'"),
        ("queries:\n  - text: hi\n    expect: opening-hour\n", "(did you mean 'opening-hours'?)"),
        ("queries:\n  - text: hi\n", "cases.yaml:2: queries[0]: give either `expect`"),
        (
            "queries:\n  - text: hi\n    kind: answr\n",
            "queries[0].kind: unknown reply kind 'answr' (did you mean 'answer'?)",
        ),
        ("queries:\n  - text: [unclosed\n", "cases.yaml:3: invalid YAML"),
        ("questions: []\n", "cases.yaml:1: questions: unknown key"),
    ],
)
def test_broken_cases_file_names_file_and_line(
    text: str, message: str, write_kb: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    kb = write_kb(TWO_ENTRY_KB)
    cases = write_kb(text, "cases.yaml")
    assert main(["eval", str(cases), "--kb", str(kb)]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_missing_cases_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(tmp_path / "nope.yaml")]) == 2  # a usage mistake, named without an invented line
    assert capsys.readouterr().err.strip() == f"faqbot eval: error: {tmp_path / 'nope.yaml'}: no such file"


def test_clinc150_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--dataset", "clinc150", str(BENCH / "clinc_tiny.json")]) == 0
    out = capsys.readouterr().out
    assert "threshold" in out and "OOS recall" in out and "ms/query" in out and "index build" in out
    assert main(["eval", "--dataset", "clinc150", str(BENCH / "clinc_tiny.json"), "--tune", "balanced", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tune"] == "balanced" and data["queries"] == {"val": 11, "test": 16}
    assert set(data["test"]) == {"in_scope_accuracy", "oos_recall", "oos_precision", "accuracy", "top1_no_threshold"}
    assert {"load", "index_build", "rank_val", "rank_test"} <= data["stages"].keys()


def test_stackfaq_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--dataset", "stackfaq", str(BENCH / "stackfaq_tiny.xml"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["setting"] for s in data["settings"]] == ["zero-shot", "few-shot"]
    assert [s["queries"] for s in data["settings"]] == [39, 20]
    for setting in data["settings"]:
        assert 0 <= setting["hit@1"] <= setting["hit@3"] <= 1 and 0 <= setting["mrr@10"] <= 1
    assert main(["eval", "--dataset", "stackfaq", str(BENCH / "stackfaq_tiny.xml")]) == 0
    assert "Hit@1" in capsys.readouterr().out


def test_dataset_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--dataset", "clinc150", str(tmp_path)]) == 2
    assert "no such dataset file" in capsys.readouterr().err
    assert main(["eval", "--dataset", "stackfaq", str(BENCH / "stackfaq_tiny.xml"), "--kb", "x.yaml"]) == 2
    assert "--kb cannot be combined with --dataset" in capsys.readouterr().err
    bad = tmp_path / "data_full.json"
    bad.write_text("{oops", encoding="utf-8")
    assert main(["eval", "--dataset", "clinc150", str(bad)]) == 1
    assert f"{bad}:1: not valid JSON" in capsys.readouterr().err


def test_console_script_reports_one_line_without_traceback(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "faqbot"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "faqbot"]
    done = subprocess.run(
        [*command, "eval", str(tmp_path / "missing.yaml")], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stderr.strip() == f"faqbot eval: error: {tmp_path / 'missing.yaml'}: no such file"
    assert done.stdout == ""


def test_import_faqbot_does_not_load_evaluation_or_benchmarks() -> None:
    code = "import faqbot, sys; print(sorted(m for m in sys.modules if m.startswith('faqbot')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    loaded = done.stdout
    for module in ("evaluate", "benchmarks", "datasets", "bench", "scaled", "progress", "commands"):
        assert f"'faqbot.{module}'" not in loaded
