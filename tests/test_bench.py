"""`faqbot bench` smoke runs on tiny scaled knowledge bases, and the scaled-KB builders (no timing asserts)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from cli_helpers import BUNDLED_KB

from faqbot.cli import main
from faqbot.errors import UsageError
from faqbot.knowledge import load
from faqbot.tooling.bench import query_mix
from faqbot.tooling.scaled import ENV, find_clinc, generated, perturb, scaled_kb

CLINC = Path(__file__).resolve().parent / "data" / "bench" / "clinc_tiny.json"


def test_bench_generated_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--scale", "200", "--generated", "--quick", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    kb = data["kb"]
    assert kb["entries"] == 7 and "labelled queries" in kb["queries"]["source"]
    assert {"p50", "p99", "mean"} <= kb["match_ms"].keys() and {"p50", "p99", "mean"} <= kb["reply_ms"].keys()
    assert len(kb["reply_ms"]["p50_by_round"]) == 1  # --quick: one round
    assert kb["cold_start_ms"]["imports"] > 0 and kb["cold_start_ms"]["first_load"] > 0
    assert kb["load_ms"] > 0 and kb["replies_per_second"] > 0 and kb["memory_mb"]["load_peak_tracemalloc"] > 0
    scaled = data["scaled"]
    assert scaled["entries"] == 200 and scaled["source"] == "generated FAQ-like questions (--generated)"
    for method in ("faqbot", "naive"):
        assert 0 <= scaled[method]["accuracy"] <= 1
    assert scaled["speedup_mean"] > 0
    assert scaled["load_s"]["cold"] > 0 and scaled["load_s"]["cached"] > 0  # from the YAML file, fresh processes
    assert scaled["peak_rss_mb"]["cold"] > 10 and scaled["peak_rss_mb"]["cached"] > 10


def test_bench_skips_the_naive_reference_on_very_large_knowledge_bases(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from faqbot.tooling import bench

    monkeypatch.setattr(bench, "NAIVE_UP_TO", 100)
    assert main(["bench", "--scale", "200", "--generated", "--quick"]) == 0
    out = capsys.readouterr().out
    assert "naive reference skipped above 100 entries" in out and "cold" in out and "cached" in out


def test_bench_with_clinc_data_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--scale", "200", "--clinc", str(CLINC), "--quick"]) == 0
    out = capsys.readouterr().out
    assert "Scaled KB: 200 entries" in out and "CLINC150 train utterances" in out
    assert "plus 176 generated entries" in out  # the tiny file has only 24 train utterances
    for label in ("import faqbot", "Bot.load()", "match p50 / p99", "reply p50 / p99", "throughput", "speed-up"):
        assert label in out


def test_bench_scale_zero_skips_the_scaled_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--scale", "0", "--quick", "--json"]) == 0
    assert "scaled" not in json.loads(capsys.readouterr().out)


def test_bench_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--scale", "-1"]) == 2
    assert "--scale must be >= 0" in capsys.readouterr().err
    assert main(["bench", "--clinc", str(tmp_path / "none.json"), "--quick"]) == 2
    assert "no such dataset file" in capsys.readouterr().err


def test_env_naming_missing_data_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, str(tmp_path))
    with pytest.raises(UsageError, match=r"no clinc150/data_full\.json there"):
        find_clinc(None)
    (tmp_path / "clinc150").mkdir()
    (tmp_path / "clinc150" / "data_full.json").write_text(CLINC.read_text(encoding="utf-8"), encoding="utf-8")
    assert find_clinc(None) == tmp_path / "clinc150" / "data_full.json"
    assert find_clinc(str(CLINC)) == CLINC


def test_scaled_clinc_kb_covers_every_intent_first() -> None:
    scaled = scaled_kb(6, 100, CLINC)
    assert sorted(set(scaled.group.values())) == ["check_balance", "set_alarm", "translate", "weather"]
    assert [e.id for e in scaled.kb.entries][:4] == ["check_balance-0", "weather-0", "set_alarm-0", "translate-0"]
    assert len(scaled.queries) == 12 and all(intent in scaled.group.values() for _, intent in scaled.queries)


def test_scaled_queries_are_spread_over_the_test_split() -> None:
    scaled = scaled_kb(24, 4, CLINC)
    assert [intent for _, intent in scaled.queries] == ["check_balance", "weather", "set_alarm", "translate"]


def test_generated_kb_is_deterministic_and_distinct() -> None:
    first, second = generated(300, 20), generated(300, 20)
    assert first.kb.entries == second.kb.entries and first.queries == second.queries
    assert len({e.question for e in first.kb.entries}) == 300
    assert all(expect in first.group for _, expect in first.queries)


def test_perturb_changes_text_but_keeps_most_words() -> None:
    rng = random.Random(1)
    text = "how do i renew my expired passport online"
    variant = perturb(text, rng)
    assert variant != text
    assert len(set(variant.split()) & set(text.split())) >= 4


def test_query_mix_falls_back_to_perturbed_phrasings() -> None:
    kb = load()
    queries, source = query_mix(kb, ())
    assert len(queries) == sum(len(e.phrasings) for e in kb.entries) and "perturbed" in source
    assert query_mix(kb, ("a", "b")) == (("a", "b"), "2 labelled queries (queries.yaml)")


def test_bench_times_a_fresh_process_on_a_relative_kb_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The fresh interpreter runs from beside the package, not from the user's directory.
    (tmp_path / "my_faq.yaml").write_text(BUNDLED_KB.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["bench", "--kb", "my_faq.yaml", "--scale", "0", "--quick", "--json"]) == 0
    cold = json.loads(capsys.readouterr().out)["kb"]["cold_start_ms"]
    assert cold["imports"] > 0 and cold["first_load"] > 0  # NaN would fail both


def test_bench_times_review_of_a_generated_log(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--scale", "0", "--quick", "--review", "2000"]) == 0
    out = capsys.readouterr().out
    assert "faqbot review of 2,000 logged turns (500 unanswered, " in out
