"""Terminal rendering: styling with ANSI codes must not change what fits on a line."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import faqbot
from faqbot import render

SGR = re.compile(r"\x1b\[[0-9;]*m")


def strip(text: str) -> str:
    return SGR.sub("", text)


@pytest.mark.parametrize("width", [30, 50, 80])
def test_styled_text_wraps_like_plain_text(bot: faqbot.Bot, width: int) -> None:
    for entry in bot.kb.entries:
        styled = render.to_terminal(entry.answer, width=width, style=render.ansi)
        plain = render.to_terminal(entry.answer, width=width)
        assert strip(styled) == plain
        assert max(render.visible_width(line) for line in styled.splitlines()) <= width


def test_styles_are_closed_at_line_ends_and_reopened_after_the_indent() -> None:
    styled = render.to_terminal("- **one two three four five six seven eight**", width=20, style=render.ansi)
    lines = styled.splitlines()
    assert len(lines) > 1
    assert lines[0].endswith("\x1b[0m")
    assert lines[1].startswith("  \x1b[1m")  # the indent itself is never bold or underlined


def test_ansi_style_kinds() -> None:
    assert render.ansi("strong", "x") == "\x1b[1mx\x1b[22m"
    assert render.ansi("heading", "x") == "\x1b[1;4mx\x1b[22;24m"
    assert render.ansi("unknown", "x") == "x"


def test_visible_width_ignores_codes_and_counts_wide_characters() -> None:
    assert render.visible_width("\x1b[1mabc\x1b[22m") == 3
    assert render.visible_width("背中") == 4
    assert render.visible_width("e\u0301") == 1


def test_plain_text_and_html_unchanged() -> None:
    markdown = "**Yes.** Read this:\n\n- one\n- two\n\n1. first\n2. second"
    assert render.to_text(markdown) == "Yes. Read this:\n\n- one\n- two\n\n1. first\n2. second"
    assert "\x1b" not in render.to_text(markdown)
    assert render.to_html("<script>x</script>") == "<p>&lt;script&gt;x&lt;/script&gt;</p>\n"


_word = st.text(alphabet="abcdefghij", min_size=1, max_size=12)
_span = st.tuples(st.sampled_from(["", "**", "*", "`"]), st.lists(_word, min_size=1, max_size=6))


@settings(max_examples=60, deadline=None)
@given(st.lists(_span, min_size=1, max_size=8), st.integers(min_value=16, max_value=60))
def test_wrapping_property(spans: list[tuple[str, list[str]]], width: int) -> None:
    markdown = " ".join(f"{mark}{' '.join(words)}{mark}" for mark, words in spans)
    styled = render.to_terminal(markdown, width=width, style=render.ansi)
    plain = render.to_terminal(markdown, width=width)
    assert strip(styled).split() == plain.split()
    for line in styled.splitlines():
        assert render.visible_width(line) <= width or " " not in strip(line).strip()


MARKDOWN_TOUR = """\
# Heading

1. first
2. second

```
code block line
```

> quoted words

---

Some `code`, a [link](https://example.org), a bare <https://example.org>, and ![an image](x.png).
"""


def test_every_kind_of_block_reads_in_a_terminal() -> None:
    out = render.to_terminal(MARKDOWN_TOUR, width=100)
    assert out.splitlines()[0] == "Heading"
    assert "1. first" in out and "2. second" in out
    assert "    code block line" in out
    assert "> quoted words" in out
    assert "\n---\n" in out
    assert "a link (https://example.org)" in out and "a bare https://example.org," in out
    assert "an image" in out and "x.png" not in out


def test_shift_headings_moves_atx_headings_within_one_to_six() -> None:
    text = "# Top\n\ntext # not a heading\n\n###### Deep\n\n    # code, not a heading"
    assert (
        render.shift_headings(text, 1) == "## Top\n\ntext # not a heading\n\n###### Deep\n\n    # code, not a heading"
    )
    assert render.shift_headings("## Two", -5) == "# Two"
    assert render.shift_headings("no headings", 2) == "no headings"
