"""Public benchmark data turned into in-memory knowledge bases and labelled queries.

The data itself is never shipped with faqbot (CLINC150 is CC BY 3.0, StackFAQ has no licence of its own
and holds StackExchange content): users point `faqbot eval --dataset` at their own copy, and this module
reads it into the same `KnowledgeBase` and `Case` values that a YAML knowledge base and a labelled
cases file produce, so the benchmarks measure exactly the code path users run.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import FaqbotError, UsageError
from ..knowledge import Entry, KnowledgeBase, Meta

__all__ = [
    "CLINC_FILE",
    "OOS",
    "STACKFAQ_FILE",
    "URGENT",
    "Case",
    "Clinc",
    "DatasetError",
    "Retrieval",
    "clinc_benchmark",
    "load_clinc",
    "load_stackfaq",
    "read_clinc",
    "resolve",
]

OOS = "oos"
"""The label of a query no entry answers (CLINC150 uses the same word)."""
URGENT = "urgent"
"""The label of a query that must be escalated as a red flag."""
CLINC_FILE = "data_full.json"
STACKFAQ_FILE = "stackExchange-FAQ.xml"
CLINC_SPLITS = ("train", "val", "oos_val", "test", "oos_test")


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled query."""

    text: str
    expect: str
    """The entry id that should answer, `oos` (nothing should) or `urgent` (a red flag)."""
    line: int = 0
    """Where the case was written in its file (0 when unknown), for error messages and reports."""


@dataclass(frozen=True, slots=True)
class Clinc:
    """CLINC150 as a knowledge base: one entry per intent, its `train` utterances as alternates."""

    kb: KnowledgeBase
    val: tuple[Case, ...]
    """`val` + `oos_val`: the only queries thresholds may be tuned on."""
    test: tuple[Case, ...]
    """`test` + `oos_test`: what is reported."""


@dataclass(frozen=True, slots=True)
class Retrieval:
    """One StackFAQ setting: a knowledge base and the paraphrases that should find each entry."""

    name: str
    kb: KnowledgeBase
    queries: tuple[Case, ...]


class DatasetError(FaqbotError):
    """A dataset file that exists but is not in the expected format (exit status 1)."""


def resolve(path: str | Path, filename: str) -> Path:
    """The dataset file itself, or `filename` inside a folder; `UsageError` when neither exists."""
    given = Path(path)
    found = given / filename if given.is_dir() else given
    if not found.is_file():
        where = f"{given} (looked for {filename} in it)" if given.is_dir() else str(given)
        raise UsageError(f"no such dataset file: {where}")
    return found


# -- CLINC150 -------------------------------------------------------------------------------------------


def read_clinc(path: str | Path) -> dict[str, list[tuple[str, str]]]:
    """The CLINC150 splits as (utterance, intent) pairs, checked so later code can trust them."""
    file = resolve(path, CLINC_FILE)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{file}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{file}: cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise DatasetError(f"{file}: expected a JSON object with the keys {', '.join(CLINC_SPLITS)}")
    return {split: _clinc_pairs(file, data, split) for split in CLINC_SPLITS}


def _clinc_pairs(file: Path, data: dict[str, object], split: str) -> list[tuple[str, str]]:
    items = data.get(split)
    if not isinstance(items, list):
        raise DatasetError(f"{file}: missing the list {split!r} (is this CLINC150's data_full.json?)")
    pairs = []
    for i, item in enumerate(items):
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) and x.strip() for x in item)):
            raise DatasetError(f"{file}: {split}[{i}]: expected [utterance, intent], got {item!r:.80}")
        pairs.append((item[0].strip(), item[1].strip()))
    return pairs


def clinc_benchmark(raw: dict[str, list[tuple[str, str]]], title: str = "CLINC150") -> Clinc:
    """One entry per intent (first train utterance as question, the rest as alternates)."""
    by_intent: dict[str, list[str]] = {}
    for text, intent in raw["train"]:
        by_intent.setdefault(intent, []).append(text)
    entries = tuple(
        Entry(id=intent, question=texts[0], alternates=tuple(texts[1:]), answer=f"Intent {intent}.")
        for intent, texts in by_intent.items()
    )
    kb = KnowledgeBase(meta=Meta(title=title), entries=entries)
    val = _cases(raw["val"], raw["oos_val"])
    test = _cases(raw["test"], raw["oos_test"])
    unknown = sorted({c.expect for c in val + test} - set(by_intent) - {OOS})
    if unknown:
        raise DatasetError(f"{title}: intents in val/test that train never shows: {', '.join(unknown[:5])}")
    return Clinc(kb, val, test)


def _cases(*splits: Iterable[tuple[str, str]]) -> tuple[Case, ...]:
    return tuple(Case(text, intent) for split in splits for text, intent in split)


def load_clinc(path: str | Path) -> Clinc:
    """CLINC150 `data_full.json` (or the folder holding it) as a benchmark."""
    return clinc_benchmark(read_clinc(path), title=f"CLINC150 ({resolve(path, CLINC_FILE).name})")


# -- StackFAQ -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Thread:
    question: str
    answer: str
    before: tuple[str, ...]
    """Paraphrases before the `*` separator (alternates in the few-shot setting)."""
    after: tuple[str, ...]


def load_stackfaq(path: str | Path) -> tuple[Retrieval, Retrieval]:
    """StackFAQ's XML as its zero-shot and few-shot settings (see `Retrieval`).

    Zero-shot: each entry is only its thread question and all ten paraphrases are queries. Few-shot: the
    paraphrases before `*` become alternates and the ones after it are the queries.
    """
    file = resolve(path, STACKFAQ_FILE)
    threads = _threads(file)
    ids = [f"t{i:03d}" for i in range(1, len(threads) + 1)]
    zero_kb = _stackfaq_kb(file, ids, threads, few_shot=False)
    few_kb = _stackfaq_kb(file, ids, threads, few_shot=True)
    zero = tuple(Case(q, i) for i, t in zip(ids, threads, strict=True) for q in t.before + t.after)
    few = tuple(Case(q, i) for i, t in zip(ids, threads, strict=True) for q in t.after)
    return Retrieval("zero-shot", zero_kb, zero), Retrieval("few-shot", few_kb, few)


def _stackfaq_kb(file: Path, ids: Sequence[str], threads: Sequence[_Thread], few_shot: bool) -> KnowledgeBase:
    entries = tuple(
        Entry(id=i, question=t.question, answer=t.answer, alternates=t.before if few_shot else ())
        for i, t in zip(ids, threads, strict=True)
    )
    setting = "few-shot" if few_shot else "zero-shot"
    return KnowledgeBase(meta=Meta(title=f"StackFAQ {setting} ({file.name})"), entries=entries)


def _threads(file: Path) -> list[_Thread]:
    try:
        root = ET.parse(file).getroot()
    except ET.ParseError as exc:
        line, column = exc.position
        raise DatasetError(f"{file}:{line}: not valid XML (column {column})") from None
    except OSError as exc:
        raise DatasetError(f"{file}: cannot read: {exc}") from None
    pairs = root.findall("qapair")
    if not pairs:
        raise DatasetError(f"{file}: no <qapair> elements (is this StackFAQ's stackExchange-FAQ.xml?)")
    return [_thread(file, n, qa) for n, qa in enumerate(pairs, 1)]


def _thread(file: Path, n: int, qa: ET.Element) -> _Thread:
    question = _text(qa.find("question"))
    if not question:
        raise DatasetError(f"{file}: qapair {n}: missing or empty <question>")
    rephrased = [_text(r) for r in qa.findall("rephr")]
    if "*" not in rephrased:
        raise DatasetError(f"{file}: qapair {n}: no <rephr>*</rephr> separator")
    cut = rephrased.index("*")
    answer = next((a for a in (_text(e) for e in qa.findall("answer")) if a), "(no answer)")
    return _Thread(
        question, answer, tuple(r for r in rephrased[:cut] if r), tuple(r for r in rephrased[cut + 1 :] if r)
    )


def _text(element: ET.Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""
