"""FAQ pages and spreadsheets read as questions and answers: HTML (schema.org FAQPage, `<details>`, question lists
and headings) and CSV/TSV.

A site owner's FAQ usually already exists as a web page or a spreadsheet. HTML is read with Beautiful Soup
(the standard library's parser underneath) and answers become Markdown with markdownify, so lists and links
survive. The page's own structure is trusted in this order, the first that yields questions winning:

1. schema.org `FAQPage` as JSON-LD (what search engines read) or as microdata (`itemtype=".../Question"`);
2. `<details><summary>question</summary>answer</details>`;
3. definition lists, `<dt>question</dt><dd>answer</dd>`;
4. headings that end in "?", each answered by what follows it (the Markdown reader of `faqimport` does this).

Both need the `html` extra (`pip install "faqbot[html]"`); CSV needs nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

    from .faqimport import ImportedFaq

__all__ = ["HTML_STRATEGIES", "parse_csv", "parse_html"]

HTML_STRATEGIES = (
    "schema.org FAQPage JSON-LD or microdata, <details>/<summary>, <dl> question lists and headings ending in '?'"
)
_QUESTION_COLUMNS = ("question", "questions", "q", "title")
_ANSWER_COLUMNS = ("answer", "answers", "a", "response", "body")
_ALTERNATE_COLUMNS = ("alternates", "alternatives", "variants", "paraphrases", "also asked as", "synonyms")
_ALTERNATE_SPLIT = re.compile(r"\s*(?:\||\n|;)\s*")
_NOISE = ("script", "style", "noscript", "template", "nav", "header", "footer", "form", "svg", "iframe")


# -- HTML ----------------------------------------------------------------------------------------------


def parse_html(text: str, default_title: str = "FAQ") -> ImportedFaq:
    """The questions and answers of an FAQ web page (see the module docstring for what is looked for)."""
    from .faqimport import ImportedFaq, parse_faq

    soup = _soup(text)
    title = _page_title(soup) or default_title
    for strategy in (_json_ld, _microdata, _details, _definition_list):
        found = _unique(strategy(soup))
        if found:
            questions, skipped = found
            return ImportedFaq(title, tuple(questions), skipped=tuple(skipped))
    faq = parse_faq(_markdown(_main(soup)), default_title=title)  # headings ending in "?"
    return ImportedFaq(title, faq.questions, updated=faq.updated, skipped=faq.skipped)


def _soup(text: str) -> BeautifulSoup:
    try:
        from bs4 import BeautifulSoup
    except ImportError:  # pragma: no cover - the html extra is part of the test extra
        raise UsageError('reading HTML needs the html extra: pip install "faqbot[html]"') from None
    return BeautifulSoup(text, "html.parser")


def _page_title(soup: BeautifulSoup) -> str:
    og = soup.find("meta", attrs={"property": "og:title"})
    if og is not None and og.get("content"):
        return " ".join(str(og["content"]).split())
    for name in ("h1", "title"):
        tag = soup.find(name)
        if tag is not None and tag.get_text(strip=True):
            return " ".join(tag.get_text(" ", strip=True).split())
    return ""


def _json_ld(soup: BeautifulSoup) -> Iterator[tuple[str, str]]:
    for script in soup.find_all("script", attrs={"type": re.compile(r"application/ld\+json", re.I)}):
        try:
            data = json.loads(script.string or "")
        except json.JSONDecodeError:
            continue  # a broken block elsewhere on the page must not hide a good one
        for question in _json_questions(data):
            name = _text_of(question.get("name"))
            answer = question.get("acceptedAnswer") or question.get("suggestedAnswer")
            answer = answer[0] if isinstance(answer, list) and answer else answer
            body = _text_of(answer.get("text")) if isinstance(answer, dict) else ""
            if name:
                yield _plain_text(name), _markdown_of_html(body)


def _json_questions(data: Any) -> Iterator[dict[str, Any]]:
    """Every `Question` under any `FAQPage` in a JSON-LD value (lists and `@graph` included)."""
    if isinstance(data, list):
        for item in data:
            yield from _json_questions(item)
    elif isinstance(data, dict):
        if _has_type(data, "FAQPage"):
            entities = data.get("mainEntity", [])
            for entity in entities if isinstance(entities, list) else [entities]:
                if isinstance(entity, dict) and _has_type(entity, "Question"):
                    yield entity
        for key in ("@graph", "mainEntityOfPage"):
            if key in data:
                yield from _json_questions(data[key])


def _has_type(data: dict[str, Any], name: str) -> bool:
    kinds = data.get("@type", [])
    return name in (kinds if isinstance(kinds, list) else [kinds])


def _text_of(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _microdata(soup: BeautifulSoup) -> Iterator[tuple[str, str]]:
    for item in soup.find_all(True, attrs={"itemtype": re.compile(r"schema\.org/Question$", re.I)}):
        name = item.find(True, attrs={"itemprop": "name"})
        answer = item.find(True, attrs={"itemprop": re.compile(r"acceptedAnswer|suggestedAnswer")})
        body = answer.find(True, attrs={"itemprop": "text"}) if answer is not None else None
        if name is not None and body is not None:
            yield _plain_text(name.get_text(" ")), _markdown(body)


def _details(soup: BeautifulSoup) -> Iterator[tuple[str, str]]:
    for details in soup.find_all("details"):
        summary = details.find("summary")
        if summary is None:
            continue
        question = _plain_text(summary.get_text(" "))
        summary.extract()
        yield question, _markdown(details)


def _definition_list(soup: BeautifulSoup) -> Iterator[tuple[str, str]]:
    for term in soup.find_all("dt"):
        question = _plain_text(term.get_text(" "))
        definition = term.find_next_sibling(["dd", "dt"])
        if question.endswith("?") and definition is not None and definition.name == "dd":
            yield question, _markdown(definition)


def _unique(pairs: Iterator[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[str]] | None:
    """Questions with an answer, first of each; None when there are none (the next strategy is tried)."""
    from .faqimport import unique_pairs

    found, skipped = unique_pairs(pairs)
    return (found, skipped) if found else None


def _main(soup: BeautifulSoup) -> Tag | BeautifulSoup:
    """The page's content without navigation, scripts and forms: `<main>` or `<article>` when it has one."""
    for tag in soup.find_all(_NOISE):
        tag.decompose()
    return soup.find("main") or soup.find("article") or soup.find("body") or soup


def _markdown(tag: Tag | BeautifulSoup) -> str:
    return _markdown_of_html(tag.decode_contents() if hasattr(tag, "decode_contents") else str(tag))


def _markdown_of_html(html: str) -> str:
    from markdownify import markdownify

    text = markdownify(html, heading_style="ATX", bullets="-", strip=["img"], escape_underscores=False)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _plain_text(text: str) -> str:
    return " ".join(text.split())


# -- CSV and TSV ---------------------------------------------------------------------------------------


def parse_csv(text: str, name: str, delimiter: str | None = None, default_title: str = "FAQ") -> ImportedFaq:
    """Rows of question, answer and optional alternates (one cell, separated by "|", ";" or new lines).

    A first row naming the columns ("Question", "Answer", "Alternates", in any order) is a header; without one
    the columns are taken in that order. Answers are Markdown already, as a spreadsheet cell holds them.
    """
    from .faqimport import FaqImportError, ImportedFaq

    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter or _sniff(text)))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise FaqImportError(f"{name}:1: no rows (expected question and answer columns)")
    columns, first = _columns(rows[0])
    found: list[tuple[str, str]] = []
    alternates: list[tuple[str, ...]] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(rows[first:], first + 1):
        cell = [row[i].strip() if i is not None and i < len(row) else "" for i in columns]
        question, answer, others = " ".join(cell[0].split()), cell[1], cell[2]
        key = question.casefold()
        if not question:
            skipped.append(f"row {number} (no question)")
        elif not answer:
            skipped.append(f"{question} (row {number}: no answer)")
        elif key in seen:
            skipped.append(f"{question} (row {number}: asked before)")
        else:
            seen.add(key)
            found.append((question, answer))
            alternates.append(tuple(a for a in _ALTERNATE_SPLIT.split(others) if a and a.casefold() != key))
    if not found:
        raise FaqImportError(f"{name}:1: no rows with both a question and an answer")
    return ImportedFaq(default_title, tuple(found), skipped=tuple(skipped), alternates=tuple(alternates))


def _sniff(text: str) -> str:
    first = text.split("\n", 1)[0]
    return "\t" if first.count("\t") > first.count(",") else ","


def _columns(header: list[str]) -> tuple[list[int | None], int]:
    """Indexes of the question, answer and alternates columns, and the first data row (1 after a header)."""
    names = [" ".join(cell.casefold().split()) for cell in header]

    def find(choices: tuple[str, ...]) -> int | None:
        return next((i for i, cell in enumerate(names) if cell in choices), None)

    question, answer = find(_QUESTION_COLUMNS), find(_ANSWER_COLUMNS)
    if question is not None and answer is not None:
        return [question, answer, find(_ALTERNATE_COLUMNS)], 1
    return [0, 1, 2], 0
