"""Importing FAQ web pages (FAQPage JSON-LD and microdata, <details>, <dl>, headings) and CSV/TSV sheets."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import run_faqbot

import faqbot
from faqbot import check, knowledge
from faqbot.tooling import faqimport
from faqbot.tooling.faqimport import FaqImportError

PAGES = Path(__file__).resolve().parent / "data" / "import"


def questions(name: str) -> list[str]:
    return [q for q, _ in faqimport.import_file(PAGES / name).questions]


def answers(name: str) -> dict[str, str]:
    return dict(faqimport.import_file(PAGES / name).questions)


def test_faqpage_json_ld_inside_a_graph_beside_other_blocks() -> None:
    faq = faqimport.import_file(PAGES / "library-faqpage.html")
    assert faq.title == "Riverside Public Library: frequently asked questions"  # og:title
    assert [q for q, _ in faq.questions][:2] == ["How do I join the library?", "How many books can I borrow?"]
    assert len(faq.questions) == 6
    found = dict(faq.questions)
    assert found["How many books can I borrow?"] == "Up to:\n\n- 12 books\n- 4 DVDs"  # the list stays a list
    assert found["How do I renew my loans?"] == "Online at [your account](https://library.example/account) or by phone."
    assert found["How do I join the library?"].startswith("Bring **photo ID**")


def test_microdata_questions() -> None:
    assert answers("bike-microdata.html") == {
        "How long does a bike service take?": "Usually two working days.",
        "Do you sell second-hand bikes?": "Yes, [see the list](/used).",
    }


def test_details_and_summary_without_the_navigation() -> None:
    found = answers("council-details.html")
    assert next(iter(found)) == "When is my bin collected?"
    assert len(found) == 5
    blue = "- paper and card\n- cans and tins\n- plastic bottles\n\nNo glass, please."
    assert found["What goes in the blue bin?"] == blue
    assert found["My bin was not emptied. What should I do?"] == "Report it within *two working days*."


def test_definition_list_terms_that_ask() -> None:
    assert answers("dl-list.html") == {
        "Are dogs allowed?": "Yes, on a lead.",
        "Is there hot water?": "In the shower block, **7am to 10pm**.",
    }  # "Address" is not a question


def test_headings_that_ask_outside_scripts_and_page_headers() -> None:
    faq = faqimport.import_file(PAGES / "dentist-headings.html")
    assert faq.title == "Questions about your visit"
    found = dict(faq.questions)
    assert list(found) == [
        "How do I book an appointment?",
        "What should I do in a dental emergency?",
        "How much does a check-up cost?",
    ]
    emergency = "Ring us first thing in the morning.\n\nOut of hours, call 111."
    assert found["What should I do in a dental emergency?"] == emergency
    assert "Monday" not in found["How much does a check-up cost?"]  # "Opening times" ends the answer


def test_a_page_without_faq_structure_names_what_was_looked_for(tmp_path: Path) -> None:
    page = tmp_path / "about.html"
    page.write_text("<html><body><h1>About us</h1><p>We sell bikes.</p></body></html>")
    with pytest.raises(FaqImportError, match=r"about\.html:1: no questions found \(looked for schema\.org FAQPage"):
        faqimport.import_file(page)


def test_csv_with_a_header_in_any_order_and_alternates() -> None:
    faq = faqimport.import_file(PAGES / "shop.csv")
    assert [q for q, _ in faq.questions] == [
        "Where is my order?",
        "How do I return an item?",
        "Do you ship abroad?",
        "How can I contact you?",
    ]
    assert faq.alternates[0] == ("track my parcel", "order status", "has my order shipped")
    assert faq.alternates[1] == ("send something back", "refund")
    assert faq.skipped == ("Where are you based? (row 6: no answer)",)


def test_tsv_and_a_sheet_without_a_header(tmp_path: Path) -> None:
    assert questions("saas.tsv") == ["How do I cancel my subscription?", "Can I change my plan?"]
    sheet = tmp_path / "plain.csv"
    sheet.write_text("Is parking free?,Yes.\nAre you open on Sundays?,No.\n")
    assert faqimport.import_file(sheet).questions == (("Is parking free?", "Yes."), ("Are you open on Sundays?", "No."))


def test_an_empty_sheet_is_an_error(tmp_path: Path) -> None:
    sheet = tmp_path / "empty.csv"
    sheet.write_text("question,answer\n,\n")
    with pytest.raises(FaqImportError, match=r"empty\.csv:1: no rows with both a question and an answer"):
        faqimport.import_file(sheet)


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.iterdir()))
def test_each_import_loads_and_checks_clean(name: str, tmp_path: Path) -> None:
    target = tmp_path / "kb.yaml"
    result = run_faqbot("import", str(PAGES / name), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().endswith(f"from {PAGES / name}")
    bot = faqbot.Bot(knowledge.load(target))
    assert [f for f in check.check(bot) if f.severity == "error"] == []


def test_format_flag_reads_a_page_saved_without_an_extension(tmp_path: Path) -> None:
    page = tmp_path / "faq"
    page.write_text((PAGES / "dl-list.html").read_text())
    assert [q for q, _ in faqimport.import_file(page).questions] == ["Are dogs allowed?", "Is there hot water?"]
    sheet = tmp_path / "faq.txt"
    sheet.write_text("question,answer\nIs it free?,Yes.\n")
    result = run_faqbot("import", str(sheet), "--format", "csv")
    assert result.returncode == 0 and "question: Is it free?" in result.stdout
