"""Loading hostile knowledge-base files: only `KnowledgeError` naming `path:LINE:`, quickly, never code run.

The fuzzers take the bundled knowledge base and mutate it (delete a line or a key, replace a value by a list,
mapping, number, boolean or null, duplicate an id, break the indentation, insert huge strings, tags such as
`!!python/object/apply:os.system`, aliases, junk bytes), or write YAML-ish text from scratch. A mutation may
still be a valid knowledge base: loading it is then fine. Every load must take under 2 s more than loading the
bundled knowledge base itself on the same machine (so coverage tracing or a slow runner does not count, a hang or a
blow-up does), and the payloads would create a marker file if they ever ran: it must not exist afterwards.

Below them, regression tests keep the minimal files the fuzzers found.
"""

from __future__ import annotations

import functools
import gc
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from fuzz_settings import READABLE_FAILURES, fuzz
from hypothesis import given
from hypothesis import strategies as st

import faqbot
from faqbot import check, knowledge

pytestmark = READABLE_FAILURES

BUNDLED = Path(__file__).resolve().parent.parent / "knowledge" / "back_pain.yaml"
LINES = BUNDLED.read_text(encoding="utf-8").splitlines(keepends=True)
IDS = re.findall(r"^  - id: (\S+)$", "".join(LINES), re.MULTILINE)
MARKER = "faqbot-pwned"
MAX_SECONDS = 2.0
"""How much longer than an ordinary load a hostile file may take to load or be refused, on top of `SLOWER` more
ordinary loads: parsing 15 MB of YAML scales with the machine and with coverage tracing as an ordinary load does,
while a runaway (an alias bomb, a catastrophic pattern) takes minutes, not seconds."""
SLOWER = 2


def _payloads(marker: Path) -> list[str]:
    """Values that would run code, or build Python objects, under an unsafe YAML loader."""
    return [
        f"!!python/object/apply:os.system ['touch {marker}']",
        f"!!python/object/apply:subprocess.call [['touch', '{marker}']]",
        f"!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
        f"!!python/object/apply:builtins.exec [\"open('{marker}', 'w')\"]",
        f"!!python/object/apply:builtins.open ['{marker}', 'w']",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/object:builtins.object {}",
        "!!python/tuple [1, 2]",
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!!omap [a: 1]",
        "!!timestamp 2001-12-14",
        "!custom x",
        "!<tag:example.com,2000:x> y",
    ]


def _values(marker: Path) -> list[str]:
    return [
        "[1, 2]",
        "[]",
        "{a: 1}",
        "{}",
        "42",
        "-1",
        "0",
        "3.5",
        "1e400",
        ".nan",
        "-.inf",
        "0x1F",
        "0o7",
        "1_000",
        "true",
        "no",
        "on",
        "null",
        "~",
        "''",
        '""',
        "' '",
        "2001-12-14",
        "=",
        "<<: *a",
        "&a x",
        "*a",
        "*undefined",
        "[[[[[[[[[[]]]]]]]]]]",
        "|\n  text",
        ">-",
        '"' + "x" * 100_000 + '"',
        "x" * 20_000,
        "'\\ud800'",
        '"\\ud800"',
        '"\\0\\x1b"',
        "\u202e\u200f",
        "🤕" * 100,
        *_payloads(marker),
    ]


Mutation = Callable[[list[str]], list[str]]


def _key_line(line: str) -> re.Match[str] | None:
    return re.match(r"^(\s*(?:-\s+)?[\w-]+:)(.*)$", line.rstrip("\n"))


def _delete_line(i: int) -> Mutation:
    return lambda lines: lines[: i % len(lines)] + lines[i % len(lines) + 1 :]


def _delete_key(i: int) -> Mutation:
    """Delete a `key:` line and everything indented below it."""

    def apply(lines: list[str]) -> list[str]:
        start = i % len(lines)
        indent = len(lines[start]) - len(lines[start].lstrip())
        end = start + 1
        while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
            end += 1
        return lines[:start] + lines[end:]

    return apply


def _replace_value(i: int, value: str) -> Mutation:
    def apply(lines: list[str]) -> list[str]:
        at = i % len(lines)
        found = _key_line(lines[at])
        if found is None:
            return lines
        return [*lines[:at], f"{found.group(1)} {value}\n", *lines[at + 1 :]]

    return apply


def _duplicate_id(i: int, j: int) -> Mutation:
    def apply(lines: list[str]) -> list[str]:
        at = [n for n, line in enumerate(lines) if re.match(r"^\s*-?\s*id: ", line)]
        if not at:
            return lines
        n = at[i % len(at)]
        return [*lines[:n], re.sub(r"id: .*", f"id: {IDS[j % len(IDS)]}", lines[n]), *lines[n + 1 :]]

    return apply


def _indent(i: int, spaces: int) -> Mutation:
    def apply(lines: list[str]) -> list[str]:
        at = i % len(lines)
        line = lines[at].lstrip(" ") if spaces < 0 else " " * spaces + lines[at]
        return [*lines[:at], line, *lines[at + 1 :]]

    return apply


def _insert(i: int, text: str) -> Mutation:
    def apply(lines: list[str]) -> list[str]:
        at = i % len(lines)
        column = len(lines[at]) // 2
        return [*lines[:at], lines[at][:column] + text + lines[at][column:], *lines[at + 1 :]]

    return apply


def _copy_line(i: int, j: int) -> Mutation:
    return lambda lines: [*lines[: i % len(lines)], lines[j % len(lines)], *lines[i % len(lines) :]]


def _mutations(marker: Path) -> st.SearchStrategy[Mutation]:
    line = st.integers(0, 10 * len(LINES))
    return st.one_of(
        st.builds(_delete_line, line),
        st.builds(_delete_key, line),
        st.builds(_replace_value, line, st.sampled_from(_values(marker)) | st.text(max_size=20)),
        st.builds(_duplicate_id, line, line),
        st.builds(_indent, line, st.integers(-1, 5)),
        st.builds(
            _insert,
            line,
            st.sampled_from(
                [
                    "'",
                    '"',
                    "[",
                    "{",
                    ":",
                    ": ",
                    "#",
                    "&x ",
                    "*x",
                    "!",
                    "|",
                    "\t",
                    "- ",
                    "? ",
                    "---\n",
                    "...\n",
                    "%YAML 1.1\n",
                    "\\",
                ]
            )
            | st.text(max_size=8),
        ),
        st.builds(_copy_line, line, line),
    )


@functools.cache
def _ordinary_load_seconds() -> float:
    """How long the bundled knowledge base takes to load here, coverage tracing and the machine's speed included."""
    start = time.perf_counter()
    faqbot.Bot.load(BUNDLED)
    return time.perf_counter() - start


def _load(path: Path, marker: Path) -> faqbot.KnowledgeError | None:
    """Load `path`: fine (None), or a `KnowledgeError` naming `path:LINE:`; quickly; the marker never appears."""
    budget = MAX_SECONDS + (1 + SLOWER) * _ordinary_load_seconds()
    start = time.perf_counter()
    try:
        faqbot.Bot.load(path)
        return None
    except faqbot.KnowledgeError as exc:
        assert re.match(rf"{re.escape(str(path))}:[1-9][0-9]*: \S", str(exc)), str(exc)[:300]  # noqa: PT017
        assert exc.where.line >= 1 and "\n" not in str(exc)  # noqa: PT017
        return exc
    finally:
        assert time.perf_counter() - start < budget
        assert not marker.exists(), "a YAML payload ran code"


def test_mutated_knowledge_bases_load_or_fail_with_a_location(tmp_path: Path) -> None:
    marker, path = tmp_path / MARKER, tmp_path / "kb.yaml"

    @fuzz(50, heavy=3000)
    @given(changes=st.lists(_mutations(marker), min_size=1, max_size=4))
    def mutate(changes: list[Mutation]) -> None:
        lines = list(LINES)
        for change in changes:
            lines = change(lines)
        path.write_text("".join(lines), encoding="utf-8")
        _load(path, marker)

    mutate()


def test_mutated_bytes_load_or_fail_with_a_location(tmp_path: Path) -> None:
    """Junk bytes, invalid UTF-8, NULs, byte-order marks and cuts anywhere in the file."""
    marker, path = tmp_path / MARKER, tmp_path / "kb.yaml"
    original = BUNDLED.read_bytes()
    junk = st.sampled_from(
        [
            b"\xff",
            b"\xfe\xff",
            b"\xed\xa0\x80",
            b"\x00",
            b"\xef\xbb\xbf",
            b"\xc3",
            b"\x80",
            b"\xf4\x90\x80\x80",
            b"\x1b[31m",
            b"\x85",
            b"\xe2\x80\xa8",
            b"\r",
            bytes(range(256)),
        ]
    )
    change = st.tuples(
        st.integers(0, len(original)),
        st.sampled_from(["insert", "replace", "cut"]),
        junk | st.binary(min_size=1, max_size=16),
    )

    @fuzz(60, heavy=2000)
    @given(changes=st.lists(change, min_size=1, max_size=4))
    def corrupt(changes: list[tuple[int, str, bytes]]) -> None:
        data = bytearray(original)
        for at, how, junk_bytes in changes:
            if how == "insert":
                data[at:at] = junk_bytes
            elif how == "replace":
                data[at : at + len(junk_bytes)] = junk_bytes
            else:
                del data[at : at + 8 * len(junk_bytes)]
        path.write_bytes(bytes(data))
        _load(path, marker)

    corrupt()


def test_yaml_ish_text_loads_or_fails_with_a_location(tmp_path: Path) -> None:
    """Text written from YAML's own tokens, the knowledge base's keys and tag payloads."""
    marker, path = tmp_path / MARKER, tmp_path / "kb.yaml"
    tokens = st.sampled_from(
        [
            "- ",
            ": ",
            "\n",
            "  ",
            "    ",
            "[",
            "]",
            "{",
            "}",
            ", ",
            "&a ",
            "*a",
            "&b ",
            "*b",
            "!!str ",
            "!!int ",
            "? ",
            "---\n",
            "...\n",
            "'",
            '"',
            "#",
            "|\n",
            ">\n",
            "<<: ",
            "%TAG ! tag:x,2000:\n",
            "meta",
            "title",
            "entries",
            "id",
            "question",
            "answer",
            "follow_up",
            "steps",
            "variants",
            "red_flags",
            "signs",
            "patterns",
            "x",
            "yes",
            "1",
            "1.5",
            "null",
            *_payloads(marker),
        ]
    )
    text = st.lists(tokens | st.text(max_size=5), max_size=60).map("".join)

    @fuzz(100, heavy=5000)
    @given(text=text)
    def write(text: str) -> None:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _load(path, marker)

    write()


class _Draw:
    """Random choices drawn from hypothesis data, so that failures shrink."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def choice(self, options: list[Any]) -> Any:
        return self.data.draw(st.sampled_from(options))

    def count(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, high))

    def maybe(self) -> bool:
        return self.data.draw(st.booleans())

    def text(self, most: int = 4) -> str:
        return " ".join(self.choice(KB_WORDS) for _ in range(self.count(1, most))).strip() or "x"


KB_WORDS = [
    "back",
    "pain",
    "exercise",
    "safe",
    "yes",
    "no",
    "not",
    "sure",
    "a",
    "the",
    "hi",
    "thanks",
    "first",
    "!",
    "?",
    "' '",
    "_",
    "*",
    "|",
    "numb*",
    "leg|legs",
    "cannot_feel",
    "é",
    "ß",
    "\ufdfa",
    "1",
    "10kg",
    "🤕",
    "\u202e",
    "can't",
    "idk",
    "option",
    "#1",
    "one",
    "x",
]
KB_MESSAGES = [
    "hi",
    "yes",
    "no",
    "1",
    "2",
    "3",
    "not sure",
    "",
    "!",
    "thanks",
    "help",
    "option 2",
    "the second one",
    "back pain",
    "numb leg",
    "x",
    "maybe",
    "two",
    "first",
    "firsx",
    "🤕",
    "10kg",
    " " * 3_000,
    "hi " * 500,
]


def _flow(draw: _Draw, ids: list[str]) -> dict[str, Any]:
    steps = [f"s{k}" for k in range(draw.count(1, 3))]
    variants = [f"v{k}" for k in range(draw.count(1, 3))]
    made = []
    for step in steps:
        values = (
            ["yes", "no", "unsure"]
            if draw.maybe()
            else list(
                dict.fromkeys(
                    draw.choice(["yes", "no", "unsure", "maybe", "1", "two", "a b"]) for _ in range(draw.count(2, 4))
                )
            )
        )
        made.append(
            {
                "id": step,
                "ask": draw.text(),
                "slot": draw.choice(["slot1", "slot2", "doctor_advised"]),
                "options": [{"value": v, "label": draw.text(2), "says": [draw.text(2)]} for v in values],
                "next": {v: draw.choice(steps + variants) for v in values},
            }
        )
    return {
        "start": draw.choice(steps),
        "steps": made,
        "variants": [
            {
                "id": v,
                "title": draw.text(),
                "answer": draw.text(6),
                **({"related": [draw.choice(ids)]} if draw.maybe() else {}),
            }
            for v in variants
        ],
    }


def _knowledge_base(draw: _Draw) -> dict[str, Any]:
    ids = list(dict.fromkeys(draw.choice(["a", "b", "c-1", "d_2"]) for _ in range(draw.count(1, 4))))
    entries = []
    for entry_id in ids:
        entry: dict[str, Any] = {
            "id": entry_id,
            "question": draw.text(),
            "answer": draw.text(8),
            "alternates": [draw.text() for _ in range(draw.count(0, 3))],
        }
        if draw.maybe():
            entry["related"] = [draw.choice(ids) for _ in range(draw.count(1, 2))]
        if draw.maybe():
            entry["follow_up"] = _flow(draw, ids)
        entries.append(entry)
    kb: dict[str, Any] = {
        "meta": {"title": draw.text()},
        "entries": entries,
        "matching": {
            "threshold": draw.choice([0, 1, 29, 99, 100]),
            "clarify_margin": draw.choice([0, 4, 100]),
            "suggestions": draw.count(0, 10),
        },
        "synonyms": {draw.text(2): [draw.text(2) for _ in range(draw.count(0, 3))] for _ in range(draw.count(0, 3))},
    }
    if draw.maybe():
        kb["red_flags"] = {
            "message": draw.text(),
            "source": draw.text(),
            "signs": [
                {"id": f"r{k}", "label": draw.text(), "patterns": [draw.text(3)]} for k in range(draw.count(0, 3))
            ],
        }
    if draw.maybe():
        kb["smalltalk"] = {
            intent: {"patterns": [draw.text(2) for _ in range(draw.count(0, 3))], "reply": draw.text()}
            for intent in ("greeting", "thanks", "help")
            if draw.maybe()
        }
    if draw.maybe():
        kb["fallback"] = {"text": draw.text(), "suggest": [draw.choice(ids)]}
    return kb


def test_knowledge_bases_built_from_random_parts_answer_any_conversation(tmp_path: Path) -> None:
    """Odd but valid content (words that fold to nothing, flows that loop, slots shared between steps,
    thresholds of 0 or 100) loads and then answers every message; invalid content is a located error."""
    marker, path = tmp_path / MARKER, tmp_path / "kb.yaml"

    @fuzz(25, heavy=1500)
    @given(data=st.data())
    def build(data: st.DataObject) -> None:
        draw = _Draw(data)
        kb = _knowledge_base(draw)
        path.write_text(yaml.safe_dump(kb, allow_unicode=True), encoding="utf-8")
        if _load(path, marker) is not None:
            return
        bot = faqbot.Bot.load(path)
        session = bot.session()
        for message in [e["question"] for e in kb["entries"]] + [draw.choice(KB_MESSAGES) for _ in range(8)]:
            reply = session.ask(message)
            assert str(reply.kind) in {str(kind) for kind in faqbot.ReplyKind}
            assert reply.text is not None and reply.html is not None
            session = bot.session(json.loads(json.dumps(reply.state)))
        assert all(str(finding) for finding in check.check(bot))

    build()


HOSTILE_FILES: dict[str, Callable[[Path], str | bytes]] = {
    "empty": lambda m: "",
    "only-comments": lambda m: "# nothing here\n",
    "only-a-bom": lambda m: b"\xef\xbb\xbf",
    "empty-document": lambda m: "---\n...\n",
    "two-documents": lambda m: "meta: {title: a}\n---\nmeta: {title: b}\n",
    "a-list": lambda m: "- a\n- b\n",
    "a-number": lambda m: "42\n",
    "binary-junk": lambda m: bytes(range(256)) * 64,
    "utf-16": lambda m: "meta: {title: a}\n".encode("utf-16"),
    "huge-string": lambda m: "".join(LINES).replace("Is it safe to exercise when I am in pain?", "x" * 15_000_000, 1),
    "huge-file": lambda m: "# " + "x" * (21 * 2**20) + "\n",
    "deep-nesting": lambda m: "meta: " + "[" * 10_000 + "]" * 10_000,
    "billion-laughs": lambda m: (
        "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
        + "".join(f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))
    ),
    "billion-laughs-in-synonyms": lambda m: "".join(LINES).replace(
        "\nsynonyms:\n",
        "\nsynonyms:\n  a: &a [lol,lol,lol,lol]\n"
        + "".join(
            f"  {n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        1,
    ),
    "python-tags-everywhere": lambda m: (
        "".join(LINES)
        .replace("version: 1", f"version: {_payloads(m)[0]}")
        .replace("  clarify_margin: 0", f"  clarify_margin: {_payloads(m)[1]}")
        .replace("    answer: |", f"    x: {_payloads(m)[3]}\n    answer: |")
    ),
    "python-tag-as-a-key": lambda m: f"? {_payloads(m)[0]}\n: x\n",
    "python-tag-on-an-entry": lambda m: "".join(LINES).replace(
        "  - id: risk-of-injury", f"  - !!python/object/apply:os.system ['touch {m}']\n    id: risk-of-injury", 1
    ),
    "merge-key": lambda m: "".join(LINES).replace("meta:\n", "base: &b {title: t}\nmeta:\n  <<: *b\n", 1),
    "duplicate-entry-id": lambda m: "".join(LINES).replace(
        "  - id: risk-of-injury", "  - id: exercise-when-in-pain", 1
    ),
    "duplicate-key": lambda m: "".join(LINES).replace("version: 1", "version: 1\nversion: 1", 1),
    "undefined-alias": lambda m: "meta: *nowhere\n",
}


@pytest.mark.parametrize("make", HOSTILE_FILES.values(), ids=HOSTILE_FILES.keys())
def test_hostile_files_fail_with_a_location(tmp_path: Path, make: Callable[[Path], str | bytes]) -> None:
    marker, path = tmp_path / MARKER, tmp_path / "kb.yaml"
    content = make(marker)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    error = _load(path, marker)
    assert error is not None or make is HOSTILE_FILES["huge-string"]  # 15 MB of question is valid, if silly


def test_a_directory_or_a_missing_file_fails_with_a_location(tmp_path: Path) -> None:
    for path in (tmp_path, tmp_path / "missing.yaml"):
        assert _load(path, tmp_path / MARKER) is not None


# -- regressions: minimal files found by the fuzzers ----------------------------------------------------------


DEEP = {  # text, the line the error names
    "flow-list": ("[" * 30_000 + "]" * 30_000, 1),
    "flow-mapping": ("a: " + "{a: " * 30_000 + "1" + "}" * 30_000, 1),
    "block-list": ("- " * 30_000 + "x", 1),
    "block-mapping-by-indentation": ("".join(" " * i + f"k{i}:\n" for i in range(200)) + " " * 200 + "x", 101),
    "flow-after-an-anchor": ("a: &x " + "[" * 30_000 + "]" * 30_000, 1),
    "flow-in-an-answer": ("entries:\n  - id: a\n    question: q?\n    answer: " + "[" * 100_000 + "]" * 100_000, 4),
}


def _load_in_a_subprocess(path: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys, faqbot\ntry:\n    faqbot.Bot.load(sys.argv[1])\n"
        "except faqbot.KnowledgeError as exc:\n    print(exc)\n"
    )
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)


# -- regressions: minimal files found by the fuzzers ----------------------------------------------------------


@pytest.mark.parametrize(("text", "line"), DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_refused_before_it_crashes_or_hangs_the_parser(tmp_path: Path, text: str, line: int) -> None:
    # libyaml's composer recursed on the C stack: 30,000 levels killed the process (SIGSEGV); 100,000 flow
    # levels took minutes in its scanner. Run in a subprocess, so that a crash fails this test only.
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    done = _load_in_a_subprocess(path)
    assert done.returncode == 0, done.stderr
    # Our own depth check, or (PyYAML ≥ 6.0.4) the parser's: either way a located one-line error.
    assert done.stdout.startswith(f"{path}:{line}: invalid YAML: "), done.stdout
    assert "nested more than 100 levels deep" in done.stdout or "maximum nesting depth" in done.stdout, done.stdout


def test_nesting_a_real_knowledge_base_needs_is_fine(write_kb: object) -> None:
    text = "meta: {title: t}\nentries:\n  - id: a\n    question: q?\n    answer: a\n    tags: " + "[" * 10 + "]" * 10
    path = write_kb(text)  # type: ignore[operator]
    with pytest.raises(faqbot.KnowledgeError, match=r":6: entries\[0\]\.tags\[0\]: expected text, got a list"):
        faqbot.Bot.load(path)


UNREADABLE_NUMBERS = {  # old text, new text, the error expected
    "int-tag": ("version: 1", "version: !!int abc", ":6: version: cannot read 'abc' as a YAML int"),
    "float-tag": (
        "clarify_margin: 0",
        "clarify_margin: !!float abc",
        ":22: matching.clarify_margin: cannot read 'abc' as a YAML float",
    ),
    "empty-int": (
        "clarify_margin: 0",
        "clarify_margin: !!int",
        ":22: matching.clarify_margin: cannot read '' as a YAML int",
    ),
    "more-digits-than-python-reads": ("version: 1", "version: 1" + "0" * 5_000, ":6: version: cannot read '1000"),
    "too-large-for-a-float": (
        "clarify_margin: 0",
        "clarify_margin: 1" + "0" * 400,
        ":22: matching.clarify_margin: '1000",
    ),
}


@pytest.mark.parametrize(("old", "new", "error"), UNREADABLE_NUMBERS.values(), ids=UNREADABLE_NUMBERS.keys())
def test_numbers_python_cannot_read_are_knowledge_errors(tmp_path: Path, old: str, new: str, error: str) -> None:
    # These raised ValueError, IndexError or OverflowError from the YAML constructor or float().
    text = BUNDLED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "kb.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(faqbot.KnowledgeError) as caught:
        faqbot.Bot.load(path)
    assert str(caught.value).startswith(f"{path}{error}")
    assert len(str(caught.value)) < 200


def _with_synonyms(lines: str) -> str:
    text = BUNDLED.read_text(encoding="utf-8")
    assert "\nsynonyms:\n" in text
    return text.replace("\nsynonyms:\n", "\nsynonyms:\n" + lines, 1)


def test_an_alias_bomb_under_the_node_budget_is_refused_at_once(tmp_path: Path) -> None:
    # 400 aliases of a 1,000-word list: a 10 kB file standing for 400,000 synonyms loaded, in about 4 s.
    path = tmp_path / "kb.yaml"
    words = ", ".join(["abc def"] * 1_000)
    path.write_text(_with_synonyms(f"  zz: &w [{words}]\n" + "".join(f"  z{i}: *w\n" for i in range(400))))
    start = time.perf_counter()
    with pytest.raises(faqbot.KnowledgeError, match=r"^.*kb\.yaml:\d+: aliases repeat 400,400 nodes .*alias bomb"):
        faqbot.Bot.load(path)
    assert time.perf_counter() - start < 1


def test_a_node_that_contains_itself_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text("meta: &m\n  title: *m\nentries: []\n")
    with pytest.raises(
        faqbot.KnowledgeError, match=r"kb\.yaml:1: invalid YAML: an alias refers to a node that contains it"
    ):
        faqbot.Bot.load(path)


def test_aliases_that_share_a_little_still_load(tmp_path: Path) -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    text = text.replace(
        "related: [safe-exercises, risk-of-injury, recommended-exercises]",
        "related: &related [safe-exercises, risk-of-injury, recommended-exercises]",
        1,
    )
    text = text.replace("related: [recommended-exercises, stop-if-painful]", "related: *related")
    path = tmp_path / "kb.yaml"
    path.write_text(text)
    bot = faqbot.Bot.load(path)
    assert bot.kb.entry("recovery-setback").related == ("safe-exercises", "risk-of-injury", "recommended-exercises")


BAD_CHARACTERS = {  # bytes written instead of "clarify_margin: 0" on line 22, the error expected
    "nul": (
        b"clarify_margin: 3\x00",
        ":22: invalid YAML: unacceptable character #x0000: control characters are not allowed",
    ),
    "bell": (b"clarify_margin: \x073", ":22: invalid YAML: unacceptable character #x0007"),
    "invalid-utf8": (b"clarify_margin: \xff3", ":22: not UTF-8 text (invalid start byte at byte "),
    "lone-surrogate-bytes": (
        b"clarify_margin: \xed\xa0\x803",
        ":22: not UTF-8 text (invalid continuation byte at byte ",
    ),
}


@pytest.mark.parametrize(("bad", "error"), BAD_CHARACTERS.values(), ids=BAD_CHARACTERS.keys())
def test_a_character_yaml_refuses_is_reported_on_its_line_in_one_line(tmp_path: Path, bad: bytes, error: str) -> None:
    # These were all reported on line 1, and libyaml's message ran over two lines.
    path = tmp_path / "kb.yaml"
    path.write_bytes(BUNDLED.read_bytes().replace(b"clarify_margin: 0", bad, 1))
    with pytest.raises(faqbot.KnowledgeError) as caught:
        faqbot.Bot.load(path)
    assert str(caught.value).startswith(f"{path}{error}")
    assert "\n" not in str(caught.value)


def test_text_in_memory_with_a_lone_surrogate_is_a_knowledge_error() -> None:
    # knowledge.load(text=...) raised UnicodeEncodeError from libyaml.
    text = BUNDLED.read_text(encoding="utf-8").replace("clarify_margin: 0", "clarify_margin: \ud8003", 1)
    with pytest.raises(faqbot.KnowledgeError, match=r"^kb\.yaml:22: not UTF-8 text \(surrogates not allowed"):
        knowledge.load("kb.yaml", text=text)


def _live_yaml_nodes() -> int:
    gc.collect()
    return sum(isinstance(o, yaml.Node) for o in gc.get_objects())


def test_loading_keeps_nothing_of_the_file_it_read() -> None:
    # A shared YAML constructor kept every scalar node it read: each load leaked the file's nodes (a serve
    # reloading on SIGHUP, `faqbot check` over many files), and loads slowed as the heap grew.
    faqbot.Bot.load(BUNDLED)
    before = _live_yaml_nodes()
    for _ in range(3):
        faqbot.Bot.load(BUNDLED)
    assert _live_yaml_nodes() == before
