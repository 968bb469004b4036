"""`faqbot review`: read conversation logs, report what people asked, and add unanswered wordings as alternates."""

from __future__ import annotations

import argparse
import html
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import FaqbotError
from ._common import KB_HELP, load_bot

if TYPE_CHECKING:
    from ..bot import Bot
    from ..tooling.review import Cluster, Review

EPILOG = """\
examples:
  faqbot review logs/                              what people asked, most frequent first
  faqbot review logs/ --kb my_faq.yaml --apply     add the suggested alternates to the knowledge base
  faqbot review logs/ --interactive --kb my.yaml   ask about each suggestion first
  faqbot review logs/*.jsonl* --html report.html   a page to look at; --json for scripts

Logs come from faqbot serve --log DIR or faqbot chat --log PATH (a directory means all its *.jsonl* files,
rotated and gzipped ones included). Unanswered questions are grouped by near-identical wording; each group is
suggested as alternates of the nearest entry (when it scores at least half the threshold) or as a new entry.
--apply edits only the alternates of the entries it changes (comments and layout survive) and only when the
result loads; new entries need answers, so they are listed, not written.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("logs", nargs="+", metavar="LOG", help="log files or directories")
    parser.add_argument("--kb", metavar="PATH", help=KB_HELP + "; the file --apply edits")
    parser.add_argument("--apply", action="store_true", help="add every suggested alternate to the knowledge base")
    parser.add_argument("--interactive", action="store_true", help="ask about each suggestion before adding it")
    parser.add_argument("--top", type=int, default=20, metavar="N", help="rows per section (default: 20)")
    parser.add_argument("--json", action="store_true", help="print the whole review as JSON")
    parser.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report to FILE")


def run(args: argparse.Namespace) -> int:
    from ..tooling.review import log_files, read_log, review

    files = log_files(args.logs)
    bot = load_bot(args.kb)
    found = review(read_log(files), bot)
    if args.json:
        print(json.dumps({"files": [str(f) for f in files], **found.to_dict()}, indent=2, ensure_ascii=False))
    else:
        print(_text(found, len(files), args.top))
    if args.html:
        from ..files import write_atomic

        write_atomic(args.html, report_html(found, bot.kb.meta.title))
        print(f"wrote {args.html}", file=sys.stderr)
    if args.apply or args.interactive:
        return _apply(found, bot, args)
    return 0


# -- text --------------------------------------------------------------------------------------------------


def _text(found: Review, files: int, top: int) -> str:
    kinds = ", ".join(f"{kind} {n:,} ({n / max(found.turns, 1):.0%})" for kind, n in found.kinds.most_common())
    lines = [
        f"{found.turns:,} turns in {found.conversations:,} conversations ({files} log file{'s' if files != 1 else ''})",
        f"  {kinds}" if kinds else "  no turns",
    ]
    if found.skipped_lines:
        lines.append(f"  {found.skipped_lines:,} lines were not log records and were skipped")
    lines += ["", "unanswered questions, most frequent first"]
    for n, cluster in enumerate(found.unanswered[:top], 1):
        lines.append(f"  {n:>3}. {cluster.count:>5}x  {cluster.example!r}  ({len(cluster.wordings)} wordings)")
        lines.append(f"        suggestion: {_suggestion(cluster)}")
    if not found.unanswered:
        lines.append("  none")
    if found.unhelpful:
        lines += ["", "answers marked unhelpful"]
        for key, n in found.unhelpful.most_common(top):
            entry, _, message = key.partition("\t")
            lines.append(f"  {n:>5}x  {entry}: {message!r}")
    if found.feedback:
        lines += ["", "feedback per entry (helpful / unhelpful)"]
        for entry, counts in sorted(found.feedback.items()):
            lines.append(f"  {entry}: {counts['helpful']} / {counts['unhelpful']}")
    if found.low_margin:
        lines += ["", "close calls (a clarification, or a runner-up close behind the answer)"]
        lines += [f"  {n:>5}x  {m!r}" for m, n in found.low_margin.most_common(top)]
    if found.red_flags:
        flags = ", ".join(f"{tier} {n}" for tier, n in sorted(found.red_flags.items()))
        lines += ["", f"red flags raised: {flags}"]
    return "\n".join(lines)


def _suggestion(cluster: Cluster) -> str:
    if cluster.suggestion == "alternates":
        return f"add as alternates of `{cluster.entry}` (it scores {cluster.score:g})"
    near = f"; nearest: `{cluster.entry}` at {cluster.score:g}" if cluster.entry else ""
    return f"new entry (nothing answers it{near})"


# -- applying ----------------------------------------------------------------------------------------------


def _apply(found: Review, bot: Bot, args: argparse.Namespace) -> int:
    from .. import knowledge
    from ..files import write_atomic
    from ..tooling.review import apply_alternates

    path = Path(args.kb) if args.kb else None
    if path is None:
        raise FaqbotError("--apply and --interactive edit a knowledge base: name it with --kb PATH")
    additions: dict[str, list[str]] = {}
    for cluster in found.unanswered:
        if cluster.suggestion != "alternates" or cluster.entry is None:
            continue
        if args.interactive and not _confirm(cluster):
            continue
        known = {w.casefold() for w in bot.kb.by_id[cluster.entry].phrasings}
        new = [w for w, _ in cluster.wordings.most_common() if w.casefold() not in known]
        additions.setdefault(cluster.entry, []).extend(new)
    if not any(additions.values()):
        print("nothing to add", file=sys.stderr)
        return 0
    text = apply_alternates(path.read_text(encoding="utf-8"), additions)
    knowledge.load(path, text=text)  # the result must load before it replaces the file
    write_atomic(path, text)
    added = sum(len(v) for v in additions.values())
    print(f"added {added} alternates to {len(additions)} entries of {path}; run faqbot check {path}", file=sys.stderr)
    return 0


def _confirm(cluster: Cluster) -> bool:
    wordings = len(cluster.wordings)
    question = f"add {cluster.count}x {cluster.example!r} ({wordings} wordings) to `{cluster.entry}`? [y/N] "
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        return False


# -- HTML report ---------------------------------------------------------------------------------------------


_COLOURS = {"answer": "#2e7d32", "follow_up": "#66bb6a", "clarify": "#f9a825", "fallback": "#c62828",
            "urgent": "#6a1b9a", "smalltalk": "#90a4ae"}  # fmt: skip


def report_html(found: Review, title: str) -> str:
    """A self-contained page: shares per day as an inline SVG chart, then the tables (no scripts)."""
    esc = html.escape
    sections = [
        f"<h1>Conversation review: {esc(title)}</h1>",
        f"<p>{found.turns:,} turns in {found.conversations:,} conversations.</p>",
        "<h2>Replies per day</h2>",
        _chart(found),
        _legend(),
        "<h2>Top questions answered</h2>",
        _table(["entry", "answers"], [[e, str(n)] for e, n in found.questions.most_common(20)]),
        "<h2>Unanswered questions</h2>",
        _table(
            ["count", "example", "wordings", "suggestion"],
            [[str(c.count), c.example, str(len(c.wordings)), _suggestion(c)] for c in found.unanswered[:50]],
        ),
        "<h2>Feedback per entry</h2>",
        _table(
            ["entry", "helpful", "unhelpful"],
            [[e, str(c["helpful"]), str(c["unhelpful"])] for e, c in sorted(found.feedback.items())],
        ),
        "<h2>Red flags raised</h2>",
        _table(["tier", "count"], [[t, str(n)] for t, n in sorted(found.red_flags.items())]),
    ]
    style = (
        "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}"
        "table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;"
        "text-align:left;vertical-align:top}ul.legend{list-style:none;padding:0;display:flex;gap:1rem;"
        "flex-wrap:wrap}ul.legend span{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem}"
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>Review: {esc(title)}</title>'
        f"<style>{style}</style></head><body>{''.join(sections)}</body></html>\n"
    )


def _chart(found: Review) -> str:
    days = sorted(found.by_day)
    if not days:
        return "<p>No turns.</p>"
    width, height, bar = max(320, 40 * len(days)), 200, 28
    parts = []
    for n, day in enumerate(days):
        counts = found.by_day[day]
        total = sum(counts.values()) or 1
        y = float(height)
        for kind, colour in _COLOURS.items():
            share = counts.get(kind, 0) / total
            if share:
                h = share * height
                y -= h
                label = f"{day}: {kind} {share:.0%}"
                parts.append(
                    f'<rect x="{n * 40 + 6}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{colour}">'
                    f"<title>{html.escape(label)}</title></rect>"
                )
    labels = "".join(
        f'<text x="{n * 40 + 20}" y="{height + 14}" font-size="10" text-anchor="middle">{html.escape(d[5:])}</text>'
        for n, d in enumerate(days)
    )
    summary = "; ".join(f"{d}: " + ", ".join(f"{k} {v}" for k, v in sorted(found.by_day[d].items())) for d in days)
    return (
        f'<svg role="img" aria-label="Share of reply kinds per day. {html.escape(summary)}" '
        f'viewBox="0 0 {width} {height + 20}" width="100%" style="max-width:{width}px">{"".join(parts)}{labels}</svg>'
    )


def _legend() -> str:
    items = "".join(f'<li><span style="background:{c}"></span>{k}</li>' for k, c in _COLOURS.items())
    return f'<ul class="legend">{items}</ul>'


def _table(header: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
