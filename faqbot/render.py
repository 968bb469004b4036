"""Markdown from the knowledge base → plain text, terminal text or safe HTML, with markdown-it-py.

One parser, configured once: CommonMark with raw HTML disabled, so `<script>` in a knowledge base reaches a
web page as text, never as markup (markdown-it also refuses `javascript:` links). Plain text keeps lists as
lists ("- item", "1. item") because a screen reader or a terminal has no bullets to lean on.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

__all__ = ["ansi", "to_html", "to_terminal", "to_text", "visible_width"]

Style = Callable[[str, str], str]
"""(markup kind, text) → styled text; kinds are "strong", "em", "code" and "heading"."""


_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_ANSI = {"strong": ("1", "22"), "em": ("3", "23"), "code": ("36", "39"), "heading": ("1;4", "22;24")}
_CLOSES = {"1": "22", "2": "22", "3": "23", "4": "24", **{str(c): "39" for c in (*range(30, 38), *range(90, 98))}}


def ansi(kind: str, text: str) -> str:
    """A `Style` for terminals: bold, italic, cyan code and underlined headings, as ANSI SGR codes.

    Each kind switches off only its own attribute, so bold inside a heading does not end the heading.
    """
    on, off = _ANSI.get(kind, ("", ""))
    return f"\x1b[{on}m{text}\x1b[{off}m" if on else text


def visible_width(text: str) -> int:
    """Columns a string takes in a terminal: escape codes take none, wide (East Asian) characters two."""
    plain = _SGR.sub("", text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in plain)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # deferred: keeps `import faqbot` fast

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@lru_cache(maxsize=2048)
def to_html(markdown: str) -> str:
    return str(parser().render(markdown))


@lru_cache(maxsize=2048)
def to_text(markdown: str) -> str:
    return to_terminal(markdown, width=0)


def to_terminal(markdown: str, width: int = 80, style: Style | None = None) -> str:
    """Readable text; wrapped to `width` columns when it is positive, styled by `style` if given."""
    from markdown_it.tree import SyntaxTreeNode

    root = SyntaxTreeNode(parser().parse(markdown))
    blocks = _blocks(root.children, width, style or _plain, indent="")
    return "\n\n".join(b for b in blocks if b).strip("\n")


def _plain(_kind: str, text: str) -> str:
    return text


def _blocks(nodes: list[SyntaxTreeNode], width: int, style: Style, indent: str) -> list[str]:
    out: list[str] = []
    for node in nodes:
        if node.type in ("paragraph", "heading"):
            text = _inline(node.children, style)
            if node.type == "heading":
                text = style("heading", text)
            out.append(_wrap(text, width, indent, indent))
        elif node.type in ("bullet_list", "ordered_list"):
            out.append("\n".join(_list_items(node, width, style, indent)))
        elif node.type in ("fence", "code_block"):
            out.append("\n".join(indent + "    " + line for line in node.content.rstrip("\n").split("\n")))
        elif node.type == "blockquote":
            out.extend(_blocks(node.children, width, style, indent + "> "))
        elif node.type == "hr":
            out.append(indent + "-" * 3)
        else:
            out.extend(_blocks(node.children, width, style, indent))
    return out


def _list_items(node: SyntaxTreeNode, width: int, style: Style, indent: str) -> list[str]:
    start = int(str(node.attrs.get("start", 1)))
    lines = []
    for number, item in enumerate(node.children, start):
        marker = f"{number}. " if node.type == "ordered_list" else "- "
        inner = _blocks(item.children, width, style, indent + " " * len(marker))
        text = "\n".join(inner).lstrip()
        lines.append(indent + marker + text)
    return lines


def _inline(nodes: list[SyntaxTreeNode], style: Style) -> str:
    parts: list[str] = []
    for node in nodes:
        if node.type == "inline":
            parts.append(_inline(node.children, style))
        elif node.type == "text":
            parts.append(node.content)
        elif node.type in ("softbreak", "hardbreak"):
            parts.append(" " if node.type == "softbreak" else "\n")
        elif node.type == "code_inline":
            parts.append(style("code", node.content))
        elif node.type in ("strong", "em"):
            parts.append(style(node.type, _inline(node.children, style)))
        elif node.type == "link":
            label = _inline(node.children, style)
            href = str(node.attrs.get("href", ""))
            parts.append(label if not href or href == label else f"{label} ({href})")
        elif node.type == "image":
            parts.append(str(node.attrs.get("alt", "")) or node.content)
        else:
            parts.append(_inline(node.children, style) if node.children else node.content)
    return "".join(parts)


def _wrap(text: str, width: int, first: str, rest: str) -> str:
    if width <= 0:
        return "\n".join(first + line if i == 0 else rest + line for i, line in enumerate(text.split("\n")))
    if "\x1b" in text:
        return "\n".join(_wrap_styled(line, width, first, rest) for line in text.split("\n"))
    return "\n".join(
        textwrap.fill(line, width, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)
        for line in text.split("\n")
    )


def _wrap_styled(line: str, width: int, first: str, rest: str) -> str:
    """Greedy word wrap that measures visible columns, so escape codes do not shorten lines.

    Styles open at a line break are closed before it and reopened after the indent, so the indent of
    the next line is never underlined and each line stands alone when a pager or a log cuts it out.
    """
    lines: list[str] = []
    current, size, has_words = first, visible_width(first), False
    open_codes: list[str] = []
    for word in line.split(" "):
        if not word:
            continue
        length = visible_width(word)
        if has_words and size + 1 + length > width:
            lines.append(current + ("\x1b[0m" if open_codes else ""))
            reopen = "".join(f"\x1b[{code}m" for code in open_codes)
            current, size, has_words = rest + reopen, visible_width(rest), False
        current += (" " if has_words else "") + word
        size += (1 if has_words else 0) + length
        has_words = True
        _track(word, open_codes)
    lines.append(current)
    return "\n".join(lines)


def _track(word: str, open_codes: list[str]) -> None:
    """Update the stack of SGR codes still open after `word`."""
    for match in _SGR.finditer(word):
        for code in match.group(1).split(";") if match.group(1) else ["0"]:
            if code == "0":
                open_codes.clear()
            elif code in _CLOSES:
                open_codes.append(code)
            else:
                for i in range(len(open_codes) - 1, -1, -1):
                    if _CLOSES.get(open_codes[i]) == code:
                        del open_codes[i]


_ATX = re.compile(r"^( {0,3})(#{1,6})(?=\s|$)")


def shift_headings(markdown: str, by: int) -> str:
    """The Markdown with its `#` headings moved `by` levels (kept within 1-6): an answer's sub-headings go under
    its question's heading in an export, and come back up when the export is imported."""
    if "#" not in markdown:
        return markdown
    lines = markdown.split("\n")
    for token in parser().parse(markdown):
        if token.type == "heading_open" and token.markup.startswith("#") and token.map:
            row = token.map[0]
            lines[row] = _ATX.sub(lambda m: m.group(1) + "#" * min(6, max(1, len(m.group(2)) + by)), lines[row], 1)
    return "\n".join(lines)
