"""Self-calibration: a knowledge base without a threshold gets one measured on itself, and other FAQs work."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import MINI_KB, SEED, run_faqbot

import faqbot
from faqbot import calibrate, knowledge
from faqbot.tooling import faqimport

HERE = Path(__file__).resolve().parent
PAGES = HERE / "data" / "import"
BENCH = HERE / "data" / "bench"
WriteKb = Callable[..., Path]

CHITCHAT = """\
version: 1
meta: {title: Shop help}
entries:
  - id: thanks
    question: THANKS
    alternates: [thank you, thanks a lot, cheers]
    answer: You're welcome!
  - id: anyone
    question: is anyone there?
    alternates: [are you there, hello anybody]
    answer: Yes, I'm here.
  - id: join-contest
    question: How do I join the contest?
    alternates: [join contest, enter the competition, sign up for the contest]
    answer: Fill in the form on the contest page.
  - id: cancel-order
    question: How do I cancel my order?
    alternates: [cancel order, cancellation, stop my order]
    answer: Go to My orders and press Cancel.
"""


def test_the_bundled_knowledge_base_is_calibrated_on_itself(bot: faqbot.Bot) -> None:
    found = bot.calibration
    assert found is not None and found.rule == "clear"
    assert bot.threshold == found.threshold and 20 < bot.threshold < 45
    assert found.accuracy is not None and found.accuracy > 0.7
    assert found.offtopic_rejected is not None and found.offtopic_rejected > 0.95
    assert found.single == ()


def test_an_explicit_threshold_wins(write_kb: WriteKb) -> None:
    bot = faqbot.Bot.load(write_kb(MINI_KB.replace("entries:", "matching: {threshold: 40}\nentries:")))
    assert bot.calibration is None
    assert bot.threshold == 40 and bot.kb.settings.clarify_margin == calibrate.FIXED_CLARIFY_MARGIN


def test_one_wording_per_entry_is_calibrated_on_off_topic_messages(tmp_path: Path) -> None:
    target = tmp_path / "library.yaml"
    target.write_text(faqimport.to_yaml(faqimport.import_file(PAGES / "library-faqpage.html")))
    bot = faqbot.Bot.load(target)
    assert bot.calibration is not None and bot.calibration.rule == "off-topic only"
    assert len(bot.calibration.single) == 6
    assert bot.kb.settings.clarify_margin == pytest.approx(calibrate.CLARIFY_SHARE * bot.threshold, abs=0.01)


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        ("how do I get a library card", "how-do-i-join-the-library"),
        ("can I renew books online", "how-do-i-renew-my-loans"),
        ("what are the fines for late returns", "what-happens-if-i-return-a-book-late"),
        ("how much is printing", "can-i-print-documents-at-the-library"),
        ("how many dvds can I take out", "how-many-books-can-i-borrow"),
        ("how do I bake bread", None),
        ("what's the weather tomorrow", None),
    ],
)
def test_an_imported_page_answers_its_questions_asked_in_other_words(
    tmp_path: Path, message: str, entry: str | None
) -> None:
    target = tmp_path / "library.yaml"
    target.write_text(faqimport.to_yaml(faqimport.import_file(PAGES / "library-faqpage.html")))
    reply = faqbot.Bot.load(target).session().ask(message)
    assert (reply.kind, reply.entry_id) == (("answer", entry) if entry else ("fallback", None))


def test_calibration_is_the_same_every_time_and_cached_by_content(tmp_path: Path, write_kb: WriteKb) -> None:
    kb = knowledge.load(write_kb(CHITCHAT))
    first = faqbot.Bot(kb).calibration
    assert first is not None
    cached = Path(os.environ["FAQBOT_CACHE_DIR"]) / "calibration" / f"{calibrate._fingerprint(kb)}.json"
    assert json.loads(cached.read_text())["threshold"] == first.threshold
    calibrate._MEMORY.clear()
    assert faqbot.Bot(kb).calibration == first  # read back from disk
    cached.write_text("{not json")  # a damaged cache file is measured again, never trusted
    calibrate._MEMORY.clear()
    assert faqbot.Bot(kb).calibration == first
    assert json.loads(cached.read_text())["threshold"] == first.threshold


def test_chit_chat_entries_of_a_knowledge_base_are_matchable(write_kb: WriteKb) -> None:
    bot = faqbot.Bot.load(write_kb(CHITCHAT))
    for message, entry in [("THANKS", "thanks"), ("cheers", "thanks"), ("are you there", "anyone")]:
        reply = bot.session().ask(message)
        assert (reply.kind, reply.entry_id) == ("answer", entry), message
    assert bot.session().ask("bye").kind == "smalltalk"  # what the knowledge base lacks stays generic


def test_a_negated_message_does_not_score_like_the_question(write_kb: WriteKb) -> None:
    bot = faqbot.Bot.load(write_kb(CHITCHAT))
    positive = bot.matcher.rank("join contest")[0].score
    assert bot.matcher.rank("not join contest")[0].score < 0.7 * positive
    assert bot.matcher.rank("no cancellation")[0].score < 0.7 * bot.matcher.rank("cancellation")[0].score
    assert bot.matcher.rank("join contest or not")[0].score > 0.9 * positive  # "or not" asks the positive


def test_slang_fillers_barely_count_against_a_match(bot: faqbot.Bot) -> None:
    plain = bot.matcher.rank("can i lift weights with lower back pain")[0]
    slangy = bot.matcher.rank("yo bro can i lift weights with lower back pain tho")[0]
    assert slangy.entry_id == plain.entry_id == "exercise-when-in-pain"
    assert slangy.score > 0.85 * plain.score


def test_check_reports_the_calibration(tmp_path: Path) -> None:
    result = run_faqbot("check")
    assert result.returncode == 0 and result.stdout == ""
    assert "measured on this file (its questions stand clear of everyday chatter)" in result.stderr
    assert "of questions phrased like your alternates will be answered correctly" in result.stderr
    target = tmp_path / "library.yaml"
    target.write_text(faqimport.to_yaml(faqimport.import_file(PAGES / "library-faqpage.html")))
    result = run_faqbot("check", str(target), "--json")
    report = json.loads(result.stdout)["files"][0]
    assert report["loads"] and report["findings"] == []
    assert report["calibration"]["rule"] == "off-topic only"
    assert len(report["calibration"]["single_wording_entries"]) == 6
    assert "6 entries have only one wording" in run_faqbot("check", str(target)).stderr


def test_eval_calibrated_reports_beside_the_tuned_numbers() -> None:
    result = run_faqbot("eval", "--dataset", "clinc150", str(BENCH / "clinc_tiny.json"), "--calibrated")
    assert result.returncode == 0, result.stderr
    assert "calibrated: threshold" in result.stdout and "test, calibrated" in result.stdout
    result = run_faqbot("eval", "--dataset", "stackfaq", str(BENCH / "stackfaq_tiny.xml"), "--calibrated", "--json")
    settings = json.loads(result.stdout)["settings"]
    assert all(0 <= s["answered"]["right"] <= 1 for s in settings)


@pytest.mark.parametrize(
    ("source", "message", "entry"),
    [
        ("seed", "will working out wreck my recovery", "will-my-current-recovery-be-lost-or-set-back-if-i-exercise"),
        ("seed", "what kind of exercise would you recommend for my back", "what-type-of-exercises-do-you-recommend"),
        ("seed", "any alternatives to exercise?", "is-there-an-alternative-to-exercising-for-lower-back-pain"),
        ("seed", "what's the best train to London", None),
        ("seed", "how do I bake bread", None),
        ("csv", "track my parcel please", "where-is-my-order"),
        ("csv", "I want a refund", "how-do-i-return-an-item"),
        ("csv", "do you deliver to other countries", "do-you-ship-abroad"),
        ("csv", "what's the capital of France", None),
    ],
)
def test_imported_article_and_sheet_answer_their_questions_asked_in_other_words(
    tmp_path: Path, source: str, message: str, entry: str | None
) -> None:
    path = SEED if source == "seed" else PAGES / "shop.csv"
    target = tmp_path / "kb.yaml"
    target.write_text(faqimport.to_yaml(faqimport.import_file(path)))
    bot = faqbot.Bot.load(target)
    reply = bot.session().ask(message)
    assert (reply.kind, reply.entry_id) == (("answer", entry) if entry else ("fallback", None)), reply.text[:80]
