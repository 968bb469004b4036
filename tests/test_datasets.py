"""Reading CLINC150 and StackFAQ into knowledge bases, on tiny synthetic files in the same formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faqbot.errors import UsageError
from faqbot.tooling.datasets import (
    OOS,
    DatasetError,
    load_clinc,
    load_stackfaq,
    read_clinc,
    resolve,
)

BENCH = Path(__file__).resolve().parent / "data" / "bench"
CLINC = BENCH / "clinc_tiny.json"
STACKFAQ = BENCH / "stackfaq_tiny.xml"
REAL = Path(__file__).resolve().parents[2] / "shared" / "bench-data"


def test_clinc_entry_per_intent_with_train_utterances_as_phrasings() -> None:
    clinc = load_clinc(CLINC)
    raw = json.loads(CLINC.read_text(encoding="utf-8"))
    assert [e.id for e in clinc.kb.entries] == ["check_balance", "weather", "set_alarm", "translate"]
    weather = clinc.kb.by_id["weather"]
    assert list(weather.phrasings) == [u for u, intent in raw["train"] if intent == "weather"]


def test_clinc_val_and_test_include_their_out_of_scope_split() -> None:
    clinc = load_clinc(CLINC)
    raw = json.loads(CLINC.read_text(encoding="utf-8"))
    assert len(clinc.val) == len(raw["val"]) + len(raw["oos_val"])
    assert len(clinc.test) == len(raw["test"]) + len(raw["oos_test"])
    assert sum(c.expect == OOS for c in clinc.test) == len(raw["oos_test"])
    assert not {c.text for c in clinc.val} & {c.text for c in clinc.test}


def test_folder_resolves_to_the_dataset_file(tmp_path: Path) -> None:
    (tmp_path / "data_full.json").write_text(CLINC.read_text(encoding="utf-8"), encoding="utf-8")
    assert resolve(tmp_path, "data_full.json") == tmp_path / "data_full.json"
    assert len(load_clinc(tmp_path).kb.entries) == 4


def test_missing_dataset_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"looked for data_full\.json"):
        read_clinc(tmp_path)
    with pytest.raises(UsageError, match="no such dataset file"):
        read_clinc(tmp_path / "nope.json")


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "data_full.json"
    bad.write_text('{\n  "train": [\n    ["hi", "greet"],,\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"data_full\.json:3: not valid JSON"):
        read_clinc(bad)


def test_missing_split_and_bad_pair_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "data_full.json"
    bad.write_text(json.dumps({"train": [["hi", "greet"]]}), encoding="utf-8")
    with pytest.raises(DatasetError, match="missing the list 'val'"):
        read_clinc(bad)
    splits = {k: [["hi", "greet"]] for k in ("val", "oos_val", "test", "oos_test")}
    bad.write_text(json.dumps({"train": [["hi", "greet"], ["only one"]], **splits}), encoding="utf-8")
    with pytest.raises(DatasetError, match=r"train\[1\]: expected \[utterance, intent\]"):
        read_clinc(bad)


def test_clinc_intent_unseen_in_train_is_refused(tmp_path: Path) -> None:
    raw = json.loads(CLINC.read_text(encoding="utf-8"))
    raw["test"].append(["book a table for two", "restaurant_reservation"])
    path = tmp_path / "data_full.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(DatasetError, match="restaurant_reservation"):
        load_clinc(path)


def test_stackfaq_zero_shot_entries_are_thread_questions_only() -> None:
    zero, _ = load_stackfaq(STACKFAQ)
    assert zero.name == "zero-shot"
    assert [e.question for e in zero.kb.entries][:2] == [
        "How do I delete my account on the photo sharing site?",
        "Bold text in the wiki editor",
    ]
    assert all(not e.alternates for e in zero.kb.entries)
    assert len(zero.queries) == 4 * 10 - 1  # one paraphrase is empty and skipped
    assert zero.kb.entries[0].answer == "Open <b>Settings</b>, then Account, then Delete."


def test_stackfaq_few_shot_splits_paraphrases_at_the_star() -> None:
    _, few = load_stackfaq(STACKFAQ)
    first = few.kb.entries[0]
    assert first.alternates[0] == "How can I close my photo sharing account for good?"
    assert len(first.alternates) == 4
    assert next(c.text for c in few.queries if c.expect == first.id) == "delete photo sharing account"
    assert len(few.queries) == 4 * 5
    assert not {c.text for c in few.queries} & {a for e in few.kb.entries for a in e.alternates}


def test_stackfaq_broken_xml_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "faq.xml"
    bad.write_text("<root>\n<qapair>\n<rephr>x</question>\n</root>\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"faq\.xml:3: not valid XML"):
        load_stackfaq(bad)


def test_stackfaq_without_separator_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "faq.xml"
    bad.write_text("<root><qapair><rephr>a</rephr><question>q</question></qapair></root>", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"qapair 1: no <rephr>\*</rephr> separator"):
        load_stackfaq(bad)


@pytest.mark.skipif(not (REAL / "clinc150" / "data_full.json").is_file(), reason="CLINC150 data not present")
def test_real_clinc150_sizes() -> None:
    clinc = load_clinc(REAL / "clinc150")
    assert len(clinc.kb.entries) == 150
    assert sum(len(e.phrasings) for e in clinc.kb.entries) == 15_000
    assert (len(clinc.val), len(clinc.test)) == (3_100, 5_500)


@pytest.mark.skipif(not (REAL / "stackfaq" / "stackExchange-FAQ.xml").is_file(), reason="StackFAQ not present")
def test_real_stackfaq_sizes() -> None:
    zero, few = load_stackfaq(REAL / "stackfaq")
    assert (len(zero.kb.entries), len(zero.queries)) == (125, 1_249)
    assert len(few.queries) + sum(len(e.alternates) for e in few.kb.entries) == 1_249
