"""`faqbot check` findings: load errors with their line, and each kind of warning at the line to fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cli_helpers import BUNDLED_KB, MINI_KB

from faqbot import check

WriteKb = Callable[..., Path]


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_bundled_kb_checks_clean() -> None:
    assert [str(f) for f in check.check_file(BUNDLED_KB)] == []


def test_mini_kb_checks_clean(write_kb: WriteKb) -> None:
    assert check.check_file(write_kb(MINI_KB)) == []


def test_load_error_is_one_error_finding(write_kb: WriteKb) -> None:
    text = MINI_KB.replace("  - id: water-temperature", "  - id: brew-time")
    path = write_kb(text)
    [finding] = check.check_file(path)
    assert finding.severity == "error"
    assert str(finding) == f"{path}:{finding.where.line}: error: {finding.message}"
    assert "duplicate id 'brew-time'" in finding.message


def test_finding_format_is_file_line_severity_message(write_kb: WriteKb) -> None:
    text = MINI_KB.replace("  source: A tea leaflet", "  sauce: A tea leaflet")
    path = write_kb(text)
    assert [str(f) for f in check.check_file(path)] == [
        f"{path}:{line_of(text, 'sauce:')}: error: meta.sauce: unknown key (did you mean 'source'?)"
    ]


def test_answer_leaning_on_another_is_flagged_at_its_line(write_kb: WriteKb) -> None:
    text = MINI_KB.replace("      - 3 minutes for a strong one.", "      - 3 minutes, as listed above.")
    [finding] = check.check_file(write_kb(text))
    assert finding.severity == "warning"
    assert finding.where.line == line_of(text, "as listed above")
    assert "brew-time" in finding.message and "'listed above'" in finding.message


def test_previous_answer_and_below_are_flagged(write_kb: WriteKb) -> None:
    text = MINI_KB.replace("Around 80 degrees Celsius, not boiling.", "See the previous answer, and the list below.")
    messages = [f.message for f in check.check_file(write_kb(text))]
    assert any("'previous answer'" in m for m in messages)
    assert any("'list below'" in m for m in messages)


def test_above_as_a_plain_word_is_not_flagged(write_kb: WriteKb) -> None:
    text = MINI_KB.replace("Around 80 degrees Celsius, not boiling.", "Keep the kettle above the table.")
    assert check.check_file(write_kb(text)) == []


FLOW_KB = (
    MINI_KB
    + """\
    follow_up:
      start: kind
      steps:
        - id: kind
          ask: Is your tea loose-leaf?
          slot: loose
          next: {yes: loose-answer, no: bag-answer, unsure: bag-answer}
        - id: orphan-step
          ask: Do you use a teapot?
          slot: teapot
          next: {yes: bag-answer, no: bag-answer, unsure: bag-answer}
      variants:
        - id: loose-answer
          title: For loose-leaf tea
          answer: Use 80 degrees.
        - id: bag-answer
          title: For tea bags
          answer: Use 80 degrees too.
        - id: orphan-variant
          title: Never shown
          answer: Nobody reads this.
"""
)


def test_unreachable_flow_steps_and_variants(write_kb: WriteKb) -> None:
    findings = check.check_file(write_kb(FLOW_KB))
    assert [(f.where.line, f.severity) for f in findings] == [
        (line_of(FLOW_KB, "id: orphan-step"), "warning"),
        (line_of(FLOW_KB, "id: orphan-variant"), "warning"),
    ]
    assert "step 'orphan-step' is never reached from 'kind'" in findings[0].message
    assert "variant 'orphan-variant' is never reached" in findings[1].message


def test_alternate_that_maps_to_another_entry_is_a_collision(write_kb: WriteKb) -> None:
    text = MINI_KB.replace(
        "alternates: [how hot should the water be for green tea]",
        "alternates: [how hot should the water be for green tea, how many minutes for green tea]",
    )
    findings = check.check_file(write_kb(text))
    collisions = [
        f for f in findings if "'how many minutes for green tea'" in f.message and "near-identical" not in f.message
    ]
    copy_line = max(n for n, line in enumerate(text.splitlines(), 1) if "how many minutes for green tea" in line)
    assert copy_line in {f.where.line for f in collisions}
    assert all("asks which was meant" in f.message or "is matched to" in f.message for f in collisions)


def test_near_identical_phrasings_across_entries(write_kb: WriteKb) -> None:
    text = MINI_KB.replace(
        "alternates: [how hot should the water be for green tea]",
        "alternates: [how hot should the water be for green tea, green tea brewing times]",
    )
    messages = [f.message for f in check.check_file(write_kb(text))]
    assert any(
        "'green tea brewing times' is near-identical to 'green tea brewing time' of 'brew-time'" in m for m in messages
    )


def test_phrasing_taken_as_a_red_flag_or_small_talk(write_kb: WriteKb) -> None:
    text = MINI_KB.replace(
        "entries:",
        """\
red_flags:
  source: test
  message: Get help now.
  signs:
    - id: scald
      label: a scald
      patterns: ["scald*"]
smalltalk:
  thanks: {patterns: [thanks], reply: You're welcome.}
entries:""",
    ).replace("alternates: [green tea brewing time,", "alternates: [thanks, i scalded myself, green tea brewing time,")
    messages = [f.message for f in check.check_file(write_kb(text))]
    assert any("'thanks' is small talk, so everyone who says it gets this answer" in m for m in messages)
    assert any("'i scalded myself' is taken as a red flag" in m for m in messages)
