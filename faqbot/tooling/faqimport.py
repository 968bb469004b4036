"""A written FAQ (Markdown or plain text, or via `pageimport` an HTML page or a CSV/TSV sheet) turned into a
knowledge base, ready for `faqbot check`.

Questions are headings that end in "?" when the document has any; otherwise they are lines that end in "?"
and stand alone (a question in a bulleted list is an overview, not a section, so it yields no duplicate).
Each answer is the blocks that follow, kept as Markdown (lists stay lists), up to the next question or a
heading of the same level. This reads back what `faqbot export --format markdown` writes: the title, the
source line, the date and the disclaimer go to `meta`, and a question's sub-sections stay in its answer.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import render
from ..errors import FaqbotError, UsageError
from . import pageimport

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = ["FORMATS", "FaqImportError", "ImportedFaq", "import_file", "parse_faq", "to_yaml", "unique_pairs"]

MAX_QUESTION = 200
"""A "line ending in ?" longer than this is prose, not a question."""
_BULLETS = re.compile(r"^[ \t]*[\u2022\u25e6\u25aa\u2023\u25cf\u00b7\u2043][ \t]*")
_SPACES = re.compile(r"(?<=\S)[ \t]{2,}")
_QA_PREFIX = re.compile(r"^(?:Q|Question)[ \t]*[:.][ \t]*(?=\S)", re.IGNORECASE)
_A_PREFIX = re.compile(r"^(?:A|Answer)[ \t]*[:.][ \t]*(?=\S)", re.IGNORECASE)
"""A "Q." / "A." label before the text; a label with nothing after it ("A.") is the text itself."""
_UPDATED = re.compile(r"^(?:(?:last\s+)?updated|published|posted|revised)\b.*\d{4}", re.IGNORECASE)
_SOURCE = re.compile(r"^source\s*:\s*", re.IGNORECASE)
_DISCLAIMER = re.compile(r"^\*\*disclaimer\.?\*\*\s*", re.IGNORECASE)


class FaqImportError(FaqbotError):
    """The document holds no question a knowledge base could be made of."""


@dataclass(frozen=True, slots=True)
class ImportedFaq:
    """What was read from a written FAQ."""

    title: str
    questions: tuple[tuple[str, str], ...]
    """(question, answer Markdown) in document order."""
    updated: str = ""
    source: str = ""
    disclaimer: str = ""
    skipped: tuple[str, ...] = field(default=())
    """Questions left out, with the reason (no answer, or a repeat of an earlier question)."""
    alternates: tuple[tuple[str, ...], ...] = field(default=())
    """Other wordings of each question, in the order of `questions` (a sheet's alternates column)."""


@dataclass(slots=True)
class _Block:
    kind: str
    text: str
    """A paragraph's or heading's inline text (empty for lists, quotes and code)."""
    start: int
    end: int
    level: int = 0


FORMATS = ("auto", "markdown", "html", "csv", "tsv")
"""What `import_file` reads; "auto" goes by the file's extension, then by whether it looks like HTML."""


def import_file(path: str | Path, format: str = "auto") -> ImportedFaq:
    """Read and parse one FAQ file; `UsageError` when it cannot be read, `FaqImportError` when it has no Q&A."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{source}: is a directory, expected a Markdown or text file") from None
    except UnicodeDecodeError as exc:
        raise FaqImportError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"{source}: cannot read: {exc.strerror}") from None
    title = source.stem.replace("-", " ").replace("_", " ").capitalize()
    kind = _format(source, text) if format == "auto" else format
    if kind in ("csv", "tsv"):
        return pageimport.parse_csv(text, str(source), "\t" if kind == "tsv" else ",", default_title=title)
    if kind == "html":
        faq = pageimport.parse_html(text, default_title=title)
        expected = pageimport.HTML_STRATEGIES
    else:
        faq = parse_faq(text, default_title=title)
        expected = "headings or lines ending in '?'"
    if not faq.questions:
        raise FaqImportError(f"{source}:1: no questions found (looked for {expected})")
    return faq


def _format(source: Path, text: str) -> str:
    suffix = source.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return suffix[1:]
    if suffix in (".html", ".htm", ".xhtml") or re.match(r"\s*<(?:!doctype\s+html|html)\b", text, re.IGNORECASE):
        return "html"
    return "markdown"


def parse_faq(text: str, default_title: str = "FAQ") -> ImportedFaq:
    """The title, dates and question/answer pairs of a Markdown or plain-text FAQ."""
    lines = _clean(text)
    blocks = _blocks(lines)
    by_heading = any(b.kind == "heading" and _is_question(b.text) for b in blocks)
    starts = [i for i, b in enumerate(blocks) if _starts_question(b, by_heading)]
    first = starts[0] if starts else len(blocks)
    title = _title(blocks[:first]) or default_title
    found, skipped = unique_pairs(
        _question_and_answer(lines, blocks, i, _answer_end(blocks, i, next_start, by_heading))
        for i, next_start in pairwise([*starts, len(blocks)])
    )
    intro = _intro_lines(lines, blocks[:first])
    return ImportedFaq(
        title=title,
        questions=tuple(found),
        updated=next((line for line in intro if _UPDATED.match(line)), ""),
        source=next((_plain(_SOURCE.sub("", line)) for line in intro if _SOURCE.match(line)), ""),
        disclaimer=_disclaimer(lines, blocks[:first]),
        skipped=tuple(skipped),
    )


# -- reading the document ----------------------------------------------------------------------------


def unique_pairs(pairs: Iterable[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[str]]:
    """The questions that have an answer, the first of each (compared without case or spacing), and why the
    others were left out; questions that are empty are dropped. Every importer keeps pairs this way."""
    found: list[tuple[str, str]] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for question, answer in pairs:
        key = " ".join(question.casefold().split())
        if not question:
            continue
        if not answer:
            skipped.append(f"{question} (no answer follows it)")
        elif key in seen:
            skipped.append(f"{question} (asked before)")
        else:
            seen.add(key)
            found.append((question, answer))
    return found, skipped


def _clean(text: str) -> list[str]:
    """Unicode bullets become Markdown list items; no-break and doubled spaces become single spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\t", "    ")
    out = []
    for line in text.split("\n"):
        line = _BULLETS.sub("- ", line) if _BULLETS.match(line) else line
        out.append(_SPACES.sub(" ", line.rstrip()))
    return out


def _blocks(lines: list[str]) -> list[_Block]:
    """The document's top-level blocks with their line ranges, from markdown-it's source map."""
    tokens = render.parser().parse("\n".join(lines))
    blocks: list[_Block] = []
    for i, token in enumerate(tokens):
        if token.level != 0 or token.map is None or token.nesting == -1:
            continue
        inline = _inline_text(tokens, i)
        level = int(token.tag[1]) if token.type == "heading_open" else 0
        kind = token.type.removesuffix("_open")
        blocks.append(_Block(kind, inline, token.map[0], token.map[1], level))
    return blocks


def _inline_text(tokens: Sequence[Token], i: int) -> str:
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if tokens[i].type in ("heading_open", "paragraph_open") and nxt is not None and nxt.type == "inline":
        return nxt.content.strip()
    return ""


def _is_question(text: str) -> bool:
    first = text.split("\n", 1)[0].strip()
    return first.endswith("?") and 0 < len(first) <= MAX_QUESTION


def _starts_question(block: _Block, by_heading: bool) -> bool:
    if by_heading:
        return block.kind == "heading" and _is_question(block.text)
    return block.kind == "paragraph" and _is_question(block.text)


def _answer_end(blocks: list[_Block], start: int, next_question: int, by_heading: bool) -> int:
    """Where an answer stops: the next question, or a heading at the question's level or above."""
    level = blocks[start].level if by_heading else 7
    for j in range(start + 1, next_question):
        if blocks[j].kind == "heading" and (blocks[j].level <= level or not by_heading):
            return j
    return next_question


def _question_and_answer(lines: list[str], blocks: list[_Block], i: int, stop: int) -> tuple[str, str]:
    head = blocks[i]
    first, _, rest = head.text.partition("\n")
    question = _plain(_QA_PREFIX.sub("", first.strip()))
    body_start = head.start + 1 if rest else head.end
    chunks = [textwrap.dedent("\n".join(lines[a:b])).strip("\n") for a, b in _ranges(blocks, i, stop, body_start)]
    answer = "\n\n".join(c for c in chunks if c.strip())
    answer = _A_PREFIX.sub("", answer, count=1)
    if head.kind == "heading":
        answer = render.shift_headings(answer, -head.level)  # export shifts them back
    return question, answer.strip()


def _ranges(blocks: list[_Block], i: int, stop: int, body_start: int) -> list[tuple[int, int]]:
    ranges = [(body_start, blocks[i].end)] if body_start < blocks[i].end else []
    return ranges + [(b.start, b.end) for b in blocks[i + 1 : stop]]


def _title(intro: list[_Block]) -> str:
    headings = [b for b in intro if b.kind == "heading"]
    top = min(headings, key=lambda b: b.level) if headings else None
    if top is not None:
        return _plain(top.text)
    paragraph = next((b for b in intro if b.kind == "paragraph"), None)
    return _plain(paragraph.text.split("\n", 1)[0]) if paragraph else ""


def _intro_lines(lines: list[str], intro: list[_Block]) -> list[str]:
    return [
        _plain(line) if not _SOURCE.match(line) else line.strip()
        for b in intro
        if b.kind == "paragraph"
        for line in lines[b.start : b.end]
        if line.strip()
    ]


def _disclaimer(lines: list[str], intro: list[_Block]) -> str:
    for block in intro:
        if block.kind == "blockquote":
            text = " ".join(line.lstrip("> ").strip() for line in lines[block.start : block.end])
            if _DISCLAIMER.match(text):
                return _plain(_DISCLAIMER.sub("", text))
    return ""


def _plain(markdown: str) -> str:
    """Inline Markdown as the text a reader sees ("\\*" → "*", "*x*" → "x")."""
    return " ".join(render.to_text(markdown).split()) if markdown.strip() else ""


# -- writing the knowledge base ----------------------------------------------------------------------


def to_yaml(faq: ImportedFaq, source_name: str = "") -> str:
    """The knowledge base as YAML, answers as readable block text, with a note on what to do next."""
    import yaml  # deferred with the rest of the import path

    ids: set[str] = set()
    entries: list[dict[str, Any]] = []
    for n, (question, answer) in enumerate(faq.questions, 1):
        entry: dict[str, Any] = {"id": _unique(_slug(question, n), ids), "question": question}
        others = faq.alternates[n - 1] if n - 1 < len(faq.alternates) else ()
        if others:
            entry["alternates"] = list(others)
        entries.append({**entry, "answer": answer})
    meta: dict[str, str] = {"title": faq.title, "source": faq.source or faq.title}
    if faq.updated:
        meta["updated"] = faq.updated
    if faq.disclaimer:
        meta["disclaimer"] = faq.disclaimer
    document = {"version": 1, "meta": meta, "entries": entries}
    header = (
        f"# Knowledge base imported from {source_name or 'a written FAQ'} by `faqbot import`.\n"
        "# Add `alternates` (other ways people ask each question) so the matcher understands more,\n"
        "# then validate with `faqbot check`.\n"
    )
    return header + yaml.dump(document, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=110)


def _dumper() -> Any:
    import yaml

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)  # indent list items under their key, as people write them

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value + ("\n" if style else ""), style=style)

    Dumper.add_representer(str, text)
    return Dumper


def _slug(question: str, number: int) -> str:
    ascii_text = unicodedata.normalize("NFKD", question).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 60:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or f"question-{number}"


def _unique(slug: str, taken: set[str]) -> str:
    result, n = slug, 2
    while result in taken:
        result, n = f"{slug}-{n}", n + 1
    taken.add(result)
    return result
