"""The chat widget on the demo page, in real headless Chromium against `faqbot serve`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from _serve_helpers import Server
from conftest import Watched

EXERCISE = "Is it safe to exercise when I am in pain?"
TITLE = "Ask about back pain"
LAUNCHER = f"Ask a question, {TITLE}"  # the visible text first, then the title (WCAG 2.5.3)
XSS = "<img src=x onerror=alert(1)>"


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def open_widget(page: Any, server: Server) -> None:
    page.goto(server.url + "/")
    page.get_by_role("button", name=LAUNCHER).click()
    expect(page.get_by_role("dialog", name=TITLE)).to_be_visible()


def ask(page: Any, text: str) -> None:
    box = page.get_by_role("textbox", name="Your question")
    box.fill(text)
    box.press("Enter")


def replies(page: Any, kind: str) -> Any:
    return page.locator(f".fb-msg.fb-bot.fb-kind-{kind}")


def focused(page: Any) -> str | None:
    """The focused control inside the widget: its aria-label, else its text; None if focus is elsewhere."""
    return page.evaluate("""() => {
        const host = document.getElementById('faqbot-widget');
        const el = document.activeElement === host ? host.shadowRoot.activeElement : null;
        return el ? (el.getAttribute('aria-label') || el.id || el.textContent.trim()) : null;
    }""")


def test_conversation_with_quick_replies_survives_a_reload(watched: Watched, server: Server, artifacts: Path) -> None:
    page = watched.page
    open_widget(page, server)
    launcher = page.get_by_role("button", name=LAUNCHER)
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".fb-kind-disclaimer")).to_have_count(1)

    ask(page, EXERCISE)
    expect(replies(page, "follow_up")).to_have_count(1)
    for label in ("Yes", "No", "Not sure"):
        expect(page.get_by_role("button", name=label, exact=True)).to_be_visible()
    page.get_by_role("button", name="Yes", exact=True).click()
    expect(replies(page, "follow_up")).to_have_count(2)  # then: where does the pain come from?
    page.get_by_role("button", name="Yes", exact=True).click()
    expect(replies(page, "answer")).to_have_count(1)
    expect(replies(page, "answer").locator("strong").first).to_be_visible()  # the server's HTML, rendered
    page.screenshot(path=str(artifacts / "widget-open.png"))

    transcript = page.locator(".fb-msg").all_inner_texts()
    page.reload()
    expect(page.get_by_role("dialog", name=TITLE)).to_be_visible()
    assert page.locator(".fb-msg").all_inner_texts() == transcript
    expect(page.locator(".fb-kind-disclaimer")).to_have_count(1)

    ask(page, "What exercises are safe for me to perform?")  # the saved token still works
    expect(replies(page, "answer")).to_have_count(2)


def test_typed_html_is_shown_as_text_and_never_runs(watched: Watched, server: Server) -> None:
    page = watched.page
    open_widget(page, server)
    ask(page, XSS)
    expect(page.locator(".fb-msg.fb-user").last).to_have_text(f"You: {XSS}")
    expect(replies(page, "fallback")).to_have_count(1)
    assert page.locator("#faqbot-widget img").count() == 0
    page.reload()
    expect(page.locator(".fb-msg.fb-user").last).to_have_text(f"You: {XSS}")
    page.wait_for_timeout(300)
    assert watched.dialogs == []


def test_whole_exchange_by_keyboard_alone(watched: Watched, server: Server) -> None:
    page = watched.page
    page.goto(server.url + "/")
    for _ in range(20):
        page.keyboard.press("Tab")
        if focused(page) == LAUNCHER:
            break
    assert focused(page) == LAUNCHER, "Tab never reached the chat button"
    outline = page.evaluate("""() => getComputedStyle(document.getElementById('faqbot-widget')
        .shadowRoot.activeElement).outlineStyle""")
    assert outline != "none", "the focused chat button shows no focus outline"

    page.keyboard.press("Enter")
    assert focused(page) == "fb-input"
    page.keyboard.type(EXERCISE)
    page.keyboard.press("Enter")
    for step in (1, 2):
        expect(replies(page, "follow_up")).to_have_count(step)
        for _ in range(6):
            page.keyboard.press("Shift+Tab")
            if focused(page) == "Yes":
                break
        assert focused(page) == "Yes"
        page.keyboard.press("Enter")
        assert focused(page) == "fb-input"
    expect(replies(page, "answer")).to_have_count(1)

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name=TITLE)).to_be_hidden()
    assert focused(page) == LAUNCHER
    expect(page.get_by_role("button", name=LAUNCHER)).to_have_attribute("aria-expanded", "false")


def test_controls_are_labelled_and_replies_announced(watched: Watched, server: Server) -> None:
    page = watched.page
    open_widget(page, server)
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("button", name="Close chat")).to_be_visible()
    expect(page.get_by_role("group", name="Quick replies")).to_be_visible()
    ask(page, "I can't control my bladder")
    expect(log.locator(".fb-kind-urgent")).to_have_count(1)


def test_usable_at_360_pixels(watched: Watched, server: Server, artifacts: Path) -> None:
    page = watched.page
    page.set_viewport_size({"width": 360, "height": 740})
    open_widget(page, server)
    ask(page, "What exercises are safe for me to perform?")
    expect(replies(page, "answer")).to_have_count(1)
    for name in ("Close chat", "Send"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360
    panel = page.get_by_role("dialog", name=TITLE).bounding_box()
    assert panel and panel["x"] >= 0 and panel["x"] + panel["width"] <= 360
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "widget-360px.png"))


def test_tampered_state_starts_a_fresh_conversation_and_says_so(watched: Watched, server: Server) -> None:
    page = watched.page
    open_widget(page, server)
    ask(page, EXERCISE)
    expect(replies(page, "follow_up")).to_have_count(1)
    page.evaluate("""() => {
        const key = Object.keys(sessionStorage).find(k => k.startsWith('faqbot:'));
        const saved = JSON.parse(sessionStorage.getItem(key));
        saved.token = 'x' + saved.token.slice(1);
        sessionStorage.setItem(key, JSON.stringify(saved));
    }""")
    page.reload()
    watched.allow("status of 400")
    ask(page, "What exercises are safe for me to perform?")
    expect(page.locator(".fb-msg.fb-note").filter(has_text="started a new one")).to_have_count(1)
    expect(replies(page, "answer")).to_have_count(1)


def test_restart_button_clears_the_conversation(watched: Watched, server: Server) -> None:
    page = watched.page
    open_widget(page, server)
    ask(page, "What exercises are safe for me to perform?")
    expect(replies(page, "answer")).to_have_count(1)
    page.get_by_role("button", name="Restart the conversation").click()
    expect(replies(page, "answer")).to_have_count(0)
    expect(page.locator(".fb-msg.fb-user")).to_have_count(0)


def test_urgent_replies_are_styled_by_tier_with_tap_to_call_links(
    watched: Watched, server: Server, artifacts: Path
) -> None:
    page = watched.page
    open_widget(page, server)
    ask(page, "I've had a fever since yesterday and my back hurts")
    urgent = page.locator(".fb-msg.fb-kind-urgent.fb-tier-urgent")
    expect(urgent).to_have_count(1)
    expect(urgent.get_by_role("link", name="Call NHS 111")).to_have_attribute("href", "tel:111")
    ask(page, "and now I can't feel my bum when I wipe")
    emergency = page.locator(".fb-msg.fb-kind-urgent.fb-tier-emergency")
    expect(emergency).to_have_count(1)
    expect(emergency.get_by_role("link", name="Call 999")).to_have_attribute("href", "tel:999")
    page.screenshot(path=str(artifacts / "widget-urgent.png"))


def test_visitors_rate_answers_by_key_and_the_verdict_is_logged(
    watched: Watched, tmp_path: Path, artifacts: Path
) -> None:
    import json

    logs = tmp_path / "logs"
    with Server(
        "--no-access-log", "--log", str(logs), log_path=tmp_path / "serve.log", env={"FAQBOT_SECRET": "feedback"}
    ) as logged:
        page = watched.page
        open_widget(page, logged)
        ask(page, "What exercises are safe for me to perform?")
        answer = replies(page, "answer").last
        expect(answer.get_by_text("Was this helpful?")).to_be_visible()
        unhelpful = answer.get_by_role("button", name="No, not helpful")
        unhelpful.focus()
        page.keyboard.press("Enter")
        expect(answer.get_by_text("Thanks for your feedback.")).to_be_visible()
        page.screenshot(path=str(artifacts / "widget-feedback.png"))
        page.reload()  # the verdict is remembered with the conversation (the panel reopens by itself)
        expect(page.get_by_role("dialog", name=TITLE)).to_be_visible()
        expect(replies(page, "answer").last.get_by_text("Thanks for your feedback.")).to_be_visible()
    records = [json.loads(line) for path in logs.iterdir() for line in path.read_text().splitlines()]
    feedback = [r for r in records if r["type"] == "feedback"]
    turns = [r for r in records if r["type"] == "turn"]
    assert len(feedback) == 1 and feedback[0]["helpful"] is False
    assert feedback[0]["reply"] == turns[-1]["reply"] and turns[-1]["entry"] == "safe-exercises"


def test_without_a_log_answers_ask_for_no_rating(watched: Watched, server: Server) -> None:
    page = watched.page
    open_widget(page, server)
    ask(page, "What exercises are safe for me to perform?")
    expect(replies(page, "answer")).to_have_count(1)
    expect(page.get_by_text("Was this helpful?")).to_have_count(0)


def test_a_failed_send_keeps_the_text_offers_retry_and_the_conversation_survives_a_restart(
    watched: Watched, tmp_path: Path, artifacts: Path
) -> None:
    # No FAQBOT_SECRET: the server keeps its secret in its data directory, so a restart keeps conversations.
    env = {"FAQBOT_DATA_DIR": str(tmp_path / "data"), "FAQBOT_SECRET": ""}
    first = Server("--no-access-log", log_path=tmp_path / "one.log", env=env)
    port = first.port
    with first as server:
        page = watched.page
        open_widget(page, server)
        ask(page, EXERCISE)
        expect(replies(page, "follow_up")).to_have_count(1)
    watched.allow("Failed to load resource")
    watched.allow("ERR_CONNECTION_REFUSED")
    ask(page, "Yes")  # the server is down
    box = page.get_by_role("textbox", name="Your question")
    expect(page.locator(".fb-msg.fb-note").filter(has_text="couldn't reach the server")).to_have_count(1)
    expect(box).to_have_value("Yes")  # nothing typed is lost
    expect(page.locator(".fb-msg.fb-user")).to_have_count(1)  # the unsent message is not in the transcript
    expect(page.get_by_role("button", name="Not sure", exact=True)).to_be_visible()  # the choices stay
    page.screenshot(path=str(artifacts / "widget-retry.png"))
    with Server("--no-access-log", log_path=tmp_path / "two.log", env=env, port=port):
        page.get_by_role("button", name="Retry").click()
        expect(replies(page, "follow_up")).to_have_count(2)  # the same conversation: the next question
        expect(page.get_by_role("button", name="Retry")).to_have_count(0)
