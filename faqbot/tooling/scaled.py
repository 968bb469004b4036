"""Large knowledge bases for `faqbot bench`, and realistic queries against them.

A matcher that is fast on seven entries may crawl on fifteen thousand, so the benchmark also runs on a
scaled knowledge base. With CLINC150 at hand every `train` utterance becomes its own entry (many
near-duplicate entries per intent, as in a big real FAQ) and the queries are CLINC `test` utterances,
answered correctly by any entry of the right intent. Without it a generated knowledge base is used, with
queries that are its own questions lightly perturbed (typos, dropped and extra words), deterministically.
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..knowledge import Entry, KnowledgeBase, Meta
from .datasets import CLINC_FILE, read_clinc, resolve

__all__ = ["ENV", "Scaled", "default_clinc_path", "find_clinc", "generated", "perturb", "scaled_kb", "write_yaml"]

ENV = "FAQBOT_BENCH_DATA"
"""A bench-data folder (holding clinc150/data_full.json) or the data_full.json file itself."""
SEED = 20190801


@dataclass(frozen=True)
class Scaled:
    """A scaled knowledge base with labelled queries; an answer is right when its group matches."""

    kb: KnowledgeBase
    group: dict[str, str]
    """Entry id → the group that answers alike (the CLINC intent; the entry itself when generated)."""
    queries: tuple[tuple[str, str], ...]
    """(query text, expected group)."""
    source: str
    data: Path | None = None
    """The CLINC150 file it was built from (None when generated)."""


def default_clinc_path() -> Path:
    """`../shared/bench-data/clinc150/data_full.json`, relative to the repository holding this package."""
    return Path(__file__).resolve().parents[3] / "shared" / "bench-data" / "clinc150" / CLINC_FILE


def find_clinc(explicit: str | None) -> Path | None:
    """Where CLINC150 is: `--clinc PATH`, else $FAQBOT_BENCH_DATA, else beside the repository; or None.

    A location the user named (flag or variable) must exist; only the default may be silently absent.
    """
    if explicit:
        return resolve(explicit, CLINC_FILE)
    env = os.environ.get(ENV)
    if env:
        for candidate in (Path(env) / "clinc150" / CLINC_FILE, Path(env) / CLINC_FILE, Path(env)):
            if candidate.is_file():
                return candidate
        raise UsageError(f"{ENV}={env}: no clinc150/{CLINC_FILE} there")
    path = default_clinc_path()
    return path if path.is_file() else None


def scaled_kb(size: int, queries: int, clinc: Path | None) -> Scaled:
    """A knowledge base of `size` entries with up to `queries` labelled queries."""
    if clinc is None:
        return generated(size, queries)
    raw = read_clinc(clinc)
    by_intent: dict[str, list[str]] = {}
    for text, intent in raw["train"]:
        by_intent.setdefault(intent, []).append(text)
    picked = _round_robin(by_intent, size)
    entries = [Entry(id=f"{intent}-{k}", question=text, answer=f"Intent {intent}.") for intent, k, text in picked]
    group = {e.id: intent for e, (intent, _, _) in zip(entries, picked, strict=True)}
    source = "CLINC150 train utterances, one entry each"
    if size > len(entries):
        extra = generated(size - len(entries), 0)
        entries += extra.kb.entries
        group.update(extra.group)
        source += f", plus {size - len(picked):,} generated entries"
    wanted = [(text, intent) for text, intent in raw["test"] if intent in set(group.values())]
    kb = KnowledgeBase(meta=Meta(title=f"CLINC150 x {len(entries)}"), entries=tuple(entries))
    return Scaled(kb, group, _spread(wanted, queries), source, clinc)


def write_yaml(kb: KnowledgeBase, path: Path) -> Path:
    """The knowledge base as a YAML file a user could have written (ids, questions, alternates, answers)."""
    import yaml

    entries = [
        {
            "id": e.id,
            "question": e.question,
            **({"alternates": list(e.alternates)} if e.alternates else {}),
            "answer": e.answer,
        }
        for e in kb.entries
    ]
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with path.open("w", encoding="utf-8") as file:
        yaml.dump(
            {"meta": {"title": kb.meta.title}, "entries": entries},
            file,
            Dumper=dumper,
            sort_keys=False,
            allow_unicode=True,
            width=200,
        )
    return path


def _round_robin(by_intent: dict[str, list[str]], size: int) -> list[tuple[str, int, str]]:
    """Utterances taken one per intent in turn, so even a small scaled KB covers every intent."""
    picked: list[tuple[str, int, str]] = []
    depth = max((len(v) for v in by_intent.values()), default=0)
    for k in range(depth):
        for intent, texts in by_intent.items():
            if len(picked) == size:
                return picked
            if k < len(texts):
                picked.append((intent, k, texts[k]))
    return picked


def _spread(items: Sequence[tuple[str, str]], count: int) -> tuple[tuple[str, str], ...]:
    """`count` items evenly spread over the list (the test split is grouped by intent)."""
    if count >= len(items):
        return tuple(items)
    return tuple(items[i * len(items) // count] for i in range(count))


# -- generated knowledge bases --------------------------------------------------------------------------

_VERBS = """reset change cancel renew update delete export import share upload download transfer book refund
track replace repair clean install configure connect disconnect block unblock verify activate pause restore
print scan sync backup recover rename merge split schedule report order return exchange charge pay""".split()
_NOUNS = """password account card subscription order invoice receipt parcel delivery address email phone
profile photo album calendar meeting booking ticket flight hotel room car insurance policy claim loan
mortgage balance statement pin router printer laptop tablet watch speaker camera charger battery screen
keyboard mouse headphones voucher coupon membership plan contract warranty appointment prescription
vaccine referral parking permit licence passport visa luggage seat menu recipe allergy diet""".split()
_ADJECTIVES = """old new second shared business family expired lost broken damaged foreign spare default
monthly annual digital paper temporary""".split()
_TEMPLATES = (
    "how do i {verb} my {noun}",
    "can i {verb} the {noun} for my {noun2}",
    "what is the best way to {verb} a {adj} {noun}",
    "why can't i {verb} my {adj} {noun}",
    "is it possible to {verb} my {noun} online",
    "who do i contact to {verb} my {noun} and {noun2}",
    "how long does it take to {verb} a {noun}",
    "where can i {verb} my {adj} {noun2} {noun}",
)
_FILLERS = ("hi, ", "quick question: ", "hello, ", "please tell me ", "i need to know ")


def generated(size: int, queries: int, seed: int = SEED) -> Scaled:
    """`size` distinct FAQ-like questions from templates, and perturbed copies of some as queries."""
    rng = random.Random(seed)
    questions: dict[str, None] = {}
    while len(questions) < size:
        template = rng.choice(_TEMPLATES)
        noun, noun2 = rng.sample(_NOUNS, 2)
        questions[template.format(verb=rng.choice(_VERBS), noun=noun, noun2=noun2, adj=rng.choice(_ADJECTIVES))] = None
    entries = tuple(Entry(id=f"gen-{i:05d}", question=q, answer="Generated entry.") for i, q in enumerate(questions, 1))
    kb = KnowledgeBase(meta=Meta(title=f"generated x {size}"), entries=entries)
    targets = _spread([(e.question, e.id) for e in entries], queries)
    labelled = tuple((perturb(text, rng), entry_id) for text, entry_id in targets)
    return Scaled(kb, {e.id: e.id for e in entries}, labelled, "generated FAQ-like questions")


def perturb(text: str, rng: random.Random) -> str:
    """A user-like variant: one typo, and sometimes a dropped word or a friendly opening."""
    words = text.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 5]
    if long_words:
        i = rng.choice(long_words)
        j = rng.randrange(len(words[i]) - 1)
        word = words[i]
        words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    if len(words) > 4 and rng.random() < 0.3:
        del words[rng.randrange(len(words))]
    opening = rng.choice(_FILLERS) if rng.random() < 0.3 else ""
    return opening + " ".join(words) + ("?" if rng.random() < 0.5 else "")
