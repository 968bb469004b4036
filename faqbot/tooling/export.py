"""The knowledge base as a document: Markdown, a standalone HTML page, and schema.org FAQPage JSON-LD.

An export is for people who will never open the chat (a help page, a printed sheet, search engines), so
nothing in the knowledge base is lost: the answers that a follow-up flow tailors to the reader appear as
labelled sub-sections under their question ("If your doctor has not advised exercise yet …").
Anchors follow GitHub's heading slugs, so the Markdown table of contents works where Markdown is shown.
The reverse direction, a written FAQ into a knowledge base, lives in `faqbot.faqimport`.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from .. import render
from ..knowledge import Entry, KnowledgeBase, Variant

__all__ = ["FORMATS", "Slugger", "export", "slugify", "to_html", "to_jsonld", "to_markdown"]

FORMATS = ("markdown", "html", "jsonld")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_DATE = re.compile(r"([A-Z][a-z]+)\s+(\d{1,2}),?\s+(\d{4})")


def export(kb: KnowledgeBase, fmt: str) -> str:
    """The knowledge base in one of `FORMATS`, as text ready to write to a file."""
    if fmt == "markdown":
        return to_markdown(kb)
    if fmt == "html":
        return to_html(kb)
    if fmt == "jsonld":
        return json.dumps(to_jsonld(kb), ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown export format {fmt!r} (expected one of {', '.join(FORMATS)})")


# -- anchors -----------------------------------------------------------------------------------------


def slugify(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation and symbols dropped, spaces to hyphens."""
    kept = (c for c in text.strip().lower() if c in " -_" or unicodedata.category(c)[0] in "LNM")
    return "".join(kept).replace(" ", "-")


class Slugger:
    """Unique anchors in document order, numbered like GitHub's (`faq`, `faq-1`, `faq-2`)."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def slug(self, text: str) -> str:
        base = slugify(text) or "section"
        result = base
        while result in self._seen:
            self._seen[base] += 1
            result = f"{base}-{self._seen[base]}"
        self._seen[result] = 0
        return result


def _sections(kb: KnowledgeBase) -> Iterator[tuple[Entry, str, list[tuple[Variant, str]]]]:
    """Each entry with its anchor, and its flow's variants with theirs, all unique in one document."""
    slugger = Slugger()
    for reserved in (kb.meta.title, "Contents"):
        slugger.slug(reserved)
    for entry in kb.entries:
        anchor = slugger.slug(entry.question)
        variants = list(entry.follow_up.variants.values()) if entry.follow_up else []
        yield entry, anchor, [(v, slugger.slug(v.title)) for v in variants]


# -- Markdown ----------------------------------------------------------------------------------------


def to_markdown(kb: KnowledgeBase) -> str:
    """A Markdown FAQ: title, source, date, disclaimer, linked contents, each question with its answer."""
    meta = kb.meta
    parts = [f"# {_escape(meta.title)}"]
    source = _markdown_source(kb)
    if source or meta.updated:
        parts.append("  \n".join(p for p in (source, _escape(meta.updated)) if p))
    if meta.disclaimer:
        parts.append(f"> **Disclaimer.** {_escape(' '.join(meta.disclaimer.split()))}")
    sections = list(_sections(kb))
    contents = ["## Contents", ""]
    for number, (entry, anchor, variants) in enumerate(sections, 1):
        contents.append(f"{number}. [{_escape(entry.question)}](#{anchor})")
        contents += [f"   - [{_escape(v.title)}](#{a})" for v, a in variants]
    parts.append("\n".join(contents))
    for entry, _anchor, variants in sections:
        parts.append(f"## {_escape(entry.question)}")
        parts.append(shift_headings(entry.answer.strip(), 2))
        for variant, _ in variants:
            parts.append(f"### {_escape(variant.title)}")
            parts.append(shift_headings(variant.answer.strip(), 3))
    return "\n\n".join(parts) + "\n"


def _markdown_source(kb: KnowledgeBase) -> str:
    meta = kb.meta
    if not meta.source and not meta.url:
        return ""
    name = _escape(meta.source or meta.url)
    return f"Source: [{name}](<{meta.url}>)" if _is_web_url(meta.url) else f"Source: *{name}*"


def _escape(text: str) -> str:
    """Plain text that Markdown shows as written (no accidental emphasis, links or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def shift_headings(markdown: str, below: int) -> str:
    """Headings inside an answer moved under level `below`, so the document's outline stays in order."""
    return render.shift_headings(markdown, below)


# -- HTML --------------------------------------------------------------------------------------------


def to_html(kb: KnowledgeBase, *, stylesheet: str | None = None, chat_url: str | None = None) -> str:
    """A standalone, accessible HTML page of the FAQ with its FAQPage JSON-LD embedded.

    It needs no CSS and runs no script (the JSON-LD block is data), so it works under a strict
    Content-Security-Policy; pass `stylesheet` to link one, and `chat_url` for a link to the chat. A knowledge
    base with red flags gets a section on when to get help now, before the questions.
    """
    meta = kb.meta
    esc = _escape_html
    head = _html_head(kb, stylesheet)
    body = ["<header>", f"<h1>{esc(meta.title)}</h1>", *_html_byline(kb), "</header>", "<main>"]
    if meta.disclaimer:
        body.append(
            f'<aside aria-label="Disclaimer"><p><strong>Disclaimer.</strong> '
            f"{esc(' '.join(meta.disclaimer.split()))}</p></aside>"
        )
    if chat_url:
        body.append(f'<p class="chat-link"><a href="{esc(chat_url)}">Have a question of your own? Ask the chat</a></p>')
    body += _html_red_flags(kb)
    sections = list(_sections(kb))
    body += _html_contents(sections)
    for entry, anchor, variants in sections:
        body.append(f'<section aria-labelledby="{anchor}">')
        body.append(f'<h2 id="{anchor}">{esc(entry.question)}</h2>')
        body.append(render.to_html(shift_headings(entry.answer.strip(), 2)).strip())
        for variant, variant_anchor in variants:
            body.append(f'<section aria-labelledby="{variant_anchor}">')
            body.append(f'<h3 id="{variant_anchor}">{esc(variant.title)}</h3>')
            body.append(render.to_html(shift_headings(variant.answer.strip(), 3)).strip())
            body.append("</section>")
        body.append("</section>")
    body.append("</main>")
    lang = esc(meta.language or "en")
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                f'<html lang="{lang}">',
                "<head>",
                *head,
                "</head>",
                "<body>",
                *body,
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )


def _html_red_flags(kb: KnowledgeBase) -> list[str]:
    """The signs that need help now, most serious tier first, each tier with what to do (from the knowledge
    base's red-flag section, with its source)."""
    flags = kb.red_flags
    if flags is None or not flags.signs:
        return []
    esc = _escape_html
    parts = ['<section class="red-flags" aria-labelledby="red-flags">', '<h2 id="red-flags">When to get help now</h2>']
    for name in ("emergency", "urgent"):
        signs = [s for s in flags.signs if s.tier == name]
        if not signs:
            continue
        tier = flags.tier(name)
        parts.append(render.to_html(tier.message.strip()).strip())
        parts.append("<ul>" + "".join(f"<li>{esc(s.label)}</li>" for s in signs) + "</ul>")
    parts.append(f"<p><em>Source: {esc(' '.join(flags.source.split()))}</em></p>")
    parts.append("</section>")
    return parts


def _html_head(kb: KnowledgeBase, stylesheet: str | None) -> list[str]:
    meta, esc = kb.meta, _escape_html
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(meta.title)}</title>",
    ]
    if meta.disclaimer:
        head.append(f'<meta name="description" content="{esc(" ".join(meta.disclaimer.split()))}">')
    if stylesheet:
        head.append(f'<link rel="stylesheet" href="{esc(stylesheet)}">')
    head.append(f'<script type="application/ld+json">\n{jsonld_script_text(kb)}\n</script>')
    return head


def _html_byline(kb: KnowledgeBase) -> list[str]:
    meta, esc = kb.meta, _escape_html
    source = meta.source or meta.url
    if _is_web_url(meta.url):
        source_html = f'<a href="{esc(meta.url)}">{esc(source)}</a>'
    else:
        source_html = f"<cite>{esc(source)}</cite>" if source else ""
    parts = [f"Source: {source_html}" if source_html else "", esc(meta.updated)]
    line = "<br>\n".join(p for p in parts if p)
    return [f"<p>{line}</p>"] if line else []


def _html_contents(sections: list[tuple[Entry, str, list[tuple[Variant, str]]]]) -> list[str]:
    out = ['<nav aria-labelledby="contents">', '<h2 id="contents">Contents</h2>', "<ol>"]
    for entry, anchor, variants in sections:
        item = f'<li><a href="#{anchor}">{_escape_html(entry.question)}</a>'
        if variants:
            links = "".join(f'<li><a href="#{a}">{_escape_html(v.title)}</a></li>' for v, a in variants)
            item += f"<ul>{links}</ul>"
        out.append(item + "</li>")
    out += ["</ol>", "</nav>"]
    return out


def _is_web_url(url: str) -> bool:
    """Only http(s) addresses become links: a `javascript:` URL in a knowledge base must not."""
    return url.lower().startswith(("https://", "http://")) and not any(c in url for c in ' <>"\n')


def _escape_html(text: str) -> str:
    """Escaped for text and double-quoted attributes; apostrophes stay readable ("don't")."""
    return html.escape(text, quote=False).replace('"', "&quot;")


# -- JSON-LD -----------------------------------------------------------------------------------------


def to_jsonld(kb: KnowledgeBase) -> dict[str, Any]:
    """A schema.org FAQPage: each question with its accepted answer, as search engines require.

    The answer text is the answer's safe HTML (search engines accept paragraphs, lists, links and
    emphasis), with a flow's tailored answers appended under their titles.
    """
    meta = kb.meta
    page: dict[str, Any] = {"@context": "https://schema.org", "@type": "FAQPage", "name": meta.title}
    if meta.language:
        page["inLanguage"] = meta.language
    if _is_web_url(meta.url):
        page["url"] = meta.url
    modified = _iso_date(meta.updated)
    if modified:
        page["dateModified"] = modified
    page["mainEntity"] = [_question(entry) for entry in kb.entries]
    return page


def _question(entry: Entry) -> dict[str, Any]:
    parts = [render.to_html(shift_headings(entry.answer.strip(), 2)).strip()]
    for variant in entry.follow_up.variants.values() if entry.follow_up else ():
        parts.append(f"<h3>{html.escape(variant.title, quote=False)}</h3>")
        parts.append(render.to_html(shift_headings(variant.answer.strip(), 3)).strip())
    answer = {"@type": "Answer", "text": "\n".join(parts)}
    return {"@type": "Question", "name": entry.question, "acceptedAnswer": answer}


def jsonld_script_text(kb: KnowledgeBase) -> str:
    """The JSON-LD as text safe inside `<script type="application/ld+json">` (no `</script>` break-out)."""
    text = json.dumps(to_jsonld(kb), ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c")


def _iso_date(updated: str) -> str:
    """ "Updated August 18, 2016" → "2016-08-18"; "" when there is no recognisable date."""
    match = _DATE.search(updated)
    if not match:
        return ""
    try:
        return datetime.strptime(" ".join(match.groups()), "%B %d %Y").date().isoformat()
    except ValueError:
        return ""
