"""The widget for every visitor: small screens and zoom, axe-core, dark theme, another language, rate limits."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from _serve_helpers import Server
from conftest import Watched
from test_widget import EXERCISE, LAUNCHER, TITLE, ask, expect, replies

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("FAQBOT_AXE") or ROOT / ".ci" / "npm" / "node_modules" / "axe-core" / "axe.min.js")
QUESTION = "Has a doctor advised exercise for your recovery?"
VIEWPORTS = {  # name: (width, height, zoom); 200 % zoom halves the CSS viewport
    "desktop-1280x800": (1280, 800, 1),
    "phone-360x740": (360, 740, 1),
    "phone-sideways-740x360": (740, 360, 1),
    "reflow-320x256": (320, 256, 1),
    "zoom-200-1280x800": (640, 400, 2),
    "zoom-400-1280x800": (320, 200, 4),
}


def in_view(locator: Any, container: Any) -> bool:
    """Whether the element is wholly inside the visible part of the scrolling container and of the window."""
    return bool(
        locator.evaluate(
            """(el, log) => {
                const r = el.getBoundingClientRect(), c = log.getBoundingClientRect();
                return r.top >= c.top - 1 && r.bottom <= c.bottom + 1 && r.bottom <= window.innerHeight + 1;
            }""",
            container.element_handle(),
        )
    )


@pytest.mark.parametrize("name", VIEWPORTS)
def test_the_question_and_its_answers_stay_in_view_at_every_size(
    browser: Any, server: Server, artifacts: Path, name: str
) -> None:
    width, height, zoom = VIEWPORTS[name]
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=zoom)
    page = context.new_page()
    try:
        page.goto(server.url + "/")
        page.get_by_role("button", name=LAUNCHER).click()
        ask(page, "What exercises are safe for me to perform?")  # a long answer first
        expect(replies(page, "answer")).to_have_count(1)
        ask(page, EXERCISE)
        expect(replies(page, "follow_up")).to_have_count(1)
        log = page.locator(".fb-log")
        question = replies(page, "follow_up").last.get_by_text(QUESTION)
        assert in_view(question, log), f"{name}: the follow-up question is not visible"
        for label in ("Yes", "No", "Not sure"):
            button = page.get_by_role("button", name=label, exact=True)
            expect(button).to_be_visible()
            box = button.bounding_box()
            assert box is not None and box["y"] + box["height"] <= height + 1, f"{name}: {label} is cut off"
        field = page.get_by_role("textbox", name="Your question").bounding_box()
        assert field is not None and field["y"] + field["height"] <= height + 1, f"{name}: the input is clipped"
        assert (log.bounding_box() or {"height": 0})["height"] >= 60, f"{name}: the log has no room"
        page.screenshot(path=str(artifacts / f"widget-{name}.png"))
    finally:
        context.close()


def test_full_screen_on_a_phone_hides_the_launcher_and_stops_the_page_scrolling(browser: Any, server: Server) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, reduced_motion="reduce")  # no slide-in
    page = context.new_page()
    try:
        page.goto(server.url + "/")
        page.get_by_role("button", name=LAUNCHER).click()
        panel = page.get_by_role("dialog", name=TITLE).bounding_box()
        assert panel is not None
        assert [round(panel[k]) for k in ("x", "y", "width", "height")] == [0, 0, 360, 740]
        expect(page.get_by_role("button", name=LAUNCHER)).to_be_hidden()
        assert page.evaluate("getComputedStyle(document.documentElement).overflow") == "hidden"
        page.get_by_role("button", name="Close chat").click()
        assert page.evaluate("getComputedStyle(document.documentElement).overflow") != "hidden"
    finally:
        context.close()


def axe_violations(page: Any) -> list[str]:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core not found at {AXE} (the CI installs it with npm)")
        pytest.skip(f"axe-core not found at {AXE}: npm install --prefix .ci/npm axe-core@4")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}" for v in found]


def test_axe_finds_nothing_on_the_page_the_open_widget_and_the_faq(browser: Any, server: Server) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)  # to add axe's script
    page = context.new_page()
    page.goto(server.url + "/")
    assert axe_violations(page) == []
    page.get_by_role("button", name=LAUNCHER).click()
    ask(page, EXERCISE)
    expect(replies(page, "follow_up")).to_have_count(1)
    ask(page, "I've had a fever since yesterday and my back hurts")
    expect(replies(page, "urgent")).to_have_count(1)
    assert axe_violations(page) == []
    page.goto(server.url + "/faq")
    assert axe_violations(page) == []
    context.close()


def test_dark_theme_follows_the_visitor_and_data_theme(browser: Any, server: Server, artifacts: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(server.url + "/")
        page.get_by_role("button", name=LAUNCHER).click()
        ask(page, "What exercises are safe for me to perform?")
        expect(replies(page, "answer")).to_have_count(1)
        background = page.locator(".fb-panel").evaluate("el => getComputedStyle(el).backgroundColor")
        assert background == "rgb(22, 27, 34)"
        page.screenshot(path=str(artifacts / "widget-dark.png"))
        page.evaluate("document.getElementById('faqbot-widget').dataset.theme = 'light'")
        background = page.locator(".fb-panel").evaluate("el => getComputedStyle(el).backgroundColor")
        assert background == "rgb(255, 255, 255)"
    finally:
        context.close()


SPANISH_KB = """\
version: 1
meta: {title: Biblioteca, language: es, disclaimer: Información general.}
entries:
  - id: carnet
    question: ¿Cómo me hago socio de la biblioteca?
    alternates: [carnet de la biblioteca, hacerme socio]
    answer: Trae tu DNI a cualquier sede.
"""


def test_the_knowledge_bases_language_chooses_the_widgets_words(
    watched: Watched, tmp_path: Path, artifacts: Path
) -> None:
    kb = tmp_path / "es.yaml"
    kb.write_text(SPANISH_KB, encoding="utf-8")
    with Server("--kb", str(kb), "--no-access-log", log_path=tmp_path / "es.log", env={"FAQBOT_SECRET": "es"}) as es:
        page = watched.page
        page.goto(es.url + "/")
        page.get_by_role("button", name=LAUNCHER).click()
        expect(page.get_by_role("button", name="Enviar")).to_be_visible()
        expect(page.get_by_role("textbox", name="Tu pregunta")).to_be_visible()
        expect(page.get_by_role("button", name="Reiniciar la conversación")).to_be_visible()
        ask_es = page.get_by_role("textbox", name="Tu pregunta")
        ask_es.fill("¿cómo consigo el carnet de la biblioteca?")
        ask_es.press("Enter")
        expect(page.locator(".fb-msg.fb-bot.fb-kind-answer")).to_have_count(1)
        page.screenshot(path=str(artifacts / "widget-spanish.png"))


def test_too_many_messages_get_a_kind_wait_and_keep_the_text(watched: Watched, tmp_path: Path) -> None:
    with Server(
        "--no-access-log", "--rate-limit", "4", log_path=tmp_path / "limit.log", env={"FAQBOT_SECRET": "limit"}
    ) as limited:  # one message a quarter-minute, one at a time
        page = watched.page
        watched.allow("429")
        page.goto(limited.url + "/")
        page.get_by_role("button", name=LAUNCHER).click()
        ask(page, "What exercises are safe for me to perform?")
        expect(replies(page, "answer")).to_have_count(1)
        ask(page, "how do I bake bread")
        expect(page.locator(".fb-msg.fb-note").filter(has_text="sending messages quickly")).to_have_count(1)
        expect(page.get_by_role("textbox", name="Your question")).to_have_value("how do I bake bread")
        expect(page.get_by_role("button", name="Retry")).to_be_visible()


def test_a_long_answer_says_there_is_more_below(watched: Watched, server: Server) -> None:
    page = watched.page
    page.goto(server.url + "/")
    page.get_by_role("button", name=LAUNCHER).click()
    ask(page, "What exercises are safe for me to perform?")
    expect(replies(page, "answer")).to_have_count(1)
    more = page.get_by_role("button", name="More below ↓")
    expect(more).to_be_visible()  # the answer is shown from its start, and it goes on
    for _ in range(10):
        if not more.is_visible():
            break
        more.click()
        page.wait_for_timeout(400)
    expect(more).to_be_hidden()  # at the end of the answer
