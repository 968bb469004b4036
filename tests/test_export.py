"""FAQ export: Markdown parsed back with markdown-it-py, the HTML page's structure, and JSON-LD fields."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest
from cli_helpers import MINI_KB
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

import faqbot
from faqbot.knowledge import KnowledgeBase
from faqbot.tooling import export


def inline_text(node: SyntaxTreeNode) -> str:
    """The text a heading shows (what GitHub slugs are made from)."""
    if node.type in ("text", "code_inline"):
        return node.content
    return "".join(inline_text(child) for child in node.children)


def markdown_outline(markdown: str) -> tuple[list[tuple[int, str]], list[str]]:
    """The headings (level, text) and the link targets of a Markdown document."""
    root = SyntaxTreeNode(MarkdownIt("commonmark").parse(markdown))
    headings, links = [], []
    for node in root.walk():
        if node.type == "heading":
            headings.append((int(node.tag[1]), inline_text(node)))
        elif node.type == "link":
            links.append(str(node.attrs["href"]))
    return headings, links


# -- Markdown ----------------------------------------------------------------------------------------


def test_markdown_has_title_source_date_disclaimer(bot: faqbot.Bot) -> None:
    markdown = export.to_markdown(bot.kb)
    headings, _ = markdown_outline(markdown)
    assert headings[0] == (1, bot.kb.meta.title)
    assert [level for level, _ in headings].count(1) == 1
    assert bot.kb.meta.source in markdown and "Updated August 18, 2016" in markdown
    assert "**Disclaimer.**" in markdown


def test_markdown_contents_links_all_land_on_headings(bot: faqbot.Bot) -> None:
    headings, links = markdown_outline(export.to_markdown(bot.kb))
    slugger = export.Slugger()
    anchors = {slugger.slug(text) for _, text in headings}
    anchor_links = [link for link in links if link.startswith("#")]
    assert len(anchor_links) >= len(bot.kb.entries)
    for link in anchor_links:
        assert link[1:] in anchors, link


def test_every_question_is_a_heading_with_its_answer_and_variants(bot: faqbot.Bot) -> None:
    markdown = export.to_markdown(bot.kb)
    headings, _ = markdown_outline(markdown)
    questions = [text for level, text in headings if level == 2 and text != "Contents"]
    assert questions == [e.question for e in bot.kb.entries]
    flat = " ".join(markdown.split())
    for entry in bot.kb.entries:
        assert " ".join(entry.answer.split()) in flat
        for variant in entry.follow_up.variants.values() if entry.follow_up else ():
            assert (3, variant.title) in headings
            assert " ".join(variant.answer.split()) in flat


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Is it safe to exercise when I am in pain?", "is-it-safe-to-exercise-when-i-am-in-pain"),
        (
            "If your doctor advises exercise but you don't know where your pain comes from",
            "if-your-doctor-advises-exercise-but-you-dont-know-where-your-pain-comes-from",
        ),
        ("If the exercise causes me pain, should I stop?", "if-the-exercise-causes-me-pain-should-i-stop"),
        ("Pain — before & after", "pain--before--after"),
        ("Ünïcode Tëst", "ünïcode-tëst"),
    ],
)
def test_slugs_follow_github(title: str, slug: str) -> None:
    assert export.slugify(title) == slug


def test_repeated_headings_get_numbered_anchors() -> None:
    slugger = export.Slugger()
    assert [slugger.slug("FAQ") for _ in range(3)] == ["faq", "faq-1", "faq-2"]


def test_markdown_special_characters_in_questions_stay_literal(write_kb: Callable[..., Path]) -> None:
    kb = faqbot.Bot.load(
        write_kb(MINI_KB.replace("How long should I brew green tea?", "Is *green* tea [really] <b>better</b>?"))
    ).kb
    headings, links = markdown_outline(export.to_markdown(kb))
    assert (2, "Is *green* tea [really] <b>better</b>?") in headings
    assert "#is-green-tea-really-bbetterb" in links


def test_headings_inside_answers_are_moved_below_the_question(write_kb: Callable[..., Path]) -> None:
    kb = faqbot.Bot.load(write_kb(MINI_KB.replace("**Two to three minutes.**", "# Short answer\n\n      Two."))).kb
    headings, _ = markdown_outline(export.to_markdown(kb))
    assert (3, "Short answer") in headings
    assert _heading_levels_in_order(export.to_html(kb))


# -- HTML --------------------------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self.scripts.append((self._in_script, data))
            self._in_script = None


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def _heading_levels_in_order(page: str) -> bool:
    levels = [int(tag[1]) for tag, _ in _parse(page).tags if re.fullmatch(r"h[1-6]", tag)]
    return levels[0] == 1 and all(b <= a + 1 for a, b in pairwise(levels))


def test_html_page_is_standalone_and_accessible(bot: faqbot.Bot) -> None:
    page = export.to_html(bot.kb)
    parsed = _parse(page)
    tags = [tag for tag, _ in parsed.tags]
    assert page.startswith("<!DOCTYPE html>")
    assert dict(parsed.tags)["html"]["lang"] == "en"
    assert tags.count("h1") == 1 and "title" in tags and "main" in tags and "nav" in tags
    assert _heading_levels_in_order(page)
    ids = [attrs["id"] for _, attrs in parsed.tags if "id" in attrs]
    assert len(ids) == len(set(ids))
    for _, attrs in parsed.tags:
        if (attrs.get("href") or "").startswith("#"):
            assert str(attrs["href"])[1:] in ids
    assert "<style" not in page and "style=" not in page  # readable without CSS, fine under a strict CSP


def test_html_embeds_only_the_jsonld_script(bot: faqbot.Bot) -> None:
    parsed = _parse(export.to_html(bot.kb))
    assert [attrs.get("type") for attrs, _ in parsed.scripts] == ["application/ld+json"]
    assert json.loads(parsed.scripts[0][1]) == export.to_jsonld(bot.kb)


def test_raw_html_in_the_kb_cannot_escape(write_kb: Callable[..., Path]) -> None:
    nasty = "Around 80 degrees </script><script>alert(1)</script> <img src=x onerror=alert(2)>"
    kb = faqbot.Bot.load(write_kb(MINI_KB.replace("Around 80 degrees Celsius, not boiling.", f"'{nasty}'"))).kb
    page = export.to_html(kb)
    assert "<script>alert" not in page and "<img" not in page
    parsed = _parse(page)
    assert len(parsed.scripts) == 1
    answer = json.loads(parsed.scripts[0][1])["mainEntity"][1]["acceptedAnswer"]["text"]
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in answer


# -- JSON-LD -----------------------------------------------------------------------------------------


def assert_faqpage(data: dict[str, object], kb: KnowledgeBase) -> None:
    """The fields search engines require of an FAQPage."""
    assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
    questions = data["mainEntity"]
    assert isinstance(questions, list) and len(questions) == len(kb.entries)
    for item, entry in zip(questions, kb.entries, strict=True):
        assert item["@type"] == "Question" and item["name"] == entry.question
        answer = item["acceptedAnswer"]
        assert answer["@type"] == "Answer" and isinstance(answer["text"], str) and answer["text"].strip()


def test_jsonld_is_a_complete_faqpage(bot: faqbot.Bot) -> None:
    data = export.to_jsonld(bot.kb)
    assert_faqpage(data, bot.kb)
    assert data["dateModified"] == "2016-08-18"
    flow_answer = data["mainEntity"][0]["acceptedAnswer"]["text"]
    for variant in bot.kb.entries[0].follow_up.variants.values():  # type: ignore[union-attr]
        assert variant.title in flow_answer
    json.dumps(data)  # serialisable as is


def test_export_text_for_each_format(bot: faqbot.Bot) -> None:
    assert export.export(bot.kb, "markdown") == export.to_markdown(bot.kb)
    assert export.export(bot.kb, "html") == export.to_html(bot.kb)
    assert_faqpage(json.loads(export.export(bot.kb, "jsonld")), bot.kb)
    with pytest.raises(ValueError, match="unknown export format"):
        export.export(bot.kb, "pdf")


@pytest.mark.parametrize(("url", "linked"), [("https://example.org/tea", True), ("javascript:alert(1)", False)])
def test_only_web_urls_become_links(write_kb: Callable[..., Path], url: str, linked: bool) -> None:
    kb = faqbot.Bot.load(
        write_kb(MINI_KB.replace("  source: A tea leaflet", f"  source: A tea leaflet\n  url: '{url}'"))
    ).kb
    _, links = markdown_outline(export.to_markdown(kb))
    assert (url in links) is linked
    assert (f'href="{url}"' in export.to_html(kb)) is linked
    assert ("url" in export.to_jsonld(kb)) is linked
    assert "javascript:" not in " ".join(links)
