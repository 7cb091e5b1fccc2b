"""The ``extract`` and ``explain`` commands' data: time expressions and how events were dated."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

from timeline.config import Config, DateConfig
from timeline.dates import span_label
from timeline.documents import read_document
from timeline.errors import ContentError, Problem, problem
from timeline.merge import Merger
from timeline.model import Event, Mention, Timeline
from timeline.sentences import split_sentences
from timeline.temporal import Settings, find_document_mentions


def mention_to_json(m: Mention) -> dict[str, Any]:
    """One expression as ``timeline extract --json`` prints it."""
    return {"text": m.text, "start": m.start, "end": m.end, "type": m.timex_type,
            "value": m.value, "precision": m.span.precision.label if m.span else None,
            "resolved_by": m.resolved_by, "sentence": m.sentence, "note": m.note}


def extract_file(path: Path, published: date | None = None,
                 date_order: str | None = None) -> dict[str, Any]:
    """Every time expression of one file, with offsets into its body."""
    path = path.resolve()
    if not path.is_file():
        raise ContentError([problem(path, None, "no such file")])
    dates = DateConfig(date_order=date_order or "DMY")
    config = Config(site_dir=path.parent, content_dir=path.parent, dates=dates)
    doc, problems = read_document(path, path.parent, config)
    if doc is None:
        raise ContentError(problems)
    if published is not None:
        doc = dataclasses.replace(doc, published=published, published_from="override",
                                  published_note="given on the command line")
    sentences = split_sentences(doc)
    exact = doc.published_from in ("front-matter", "dateline", "override")
    mentions = find_document_mentions(sentences, doc.published, Settings.from_config(dates),
                                      exact)
    return {
        "document": doc.id, "published": doc.published.isoformat() if doc.published else None,
        "published_from": doc.published_from, "published_note": doc.published_note,
        "expressions": [mention_to_json(m) for m in mentions],
    }


def table(result: dict[str, Any]) -> str:
    """A readable table of one ``extract_file`` result."""
    lines = [f"{result['document']}: published {result['published'] or 'unknown'} "
             f"({result['published_from']})"]
    lines.append(f"  {'offsets':>11}  {'type':8} {'value':14} {'precision':9} {'resolved by':15}"
                 " text")
    for e in result["expressions"]:
        lines.append(f"  {e['start']:>5}-{e['end']:<5}  {e['type']:8} {e['value']:14} "
                     f"{e['precision'] or '-':9} {e['resolved_by']:15} {e['text']}")
    if not result["expressions"]:
        lines.append("  (no time expressions)")
    return "\n".join(lines)


def find_event(timeline: Timeline, what: str) -> Event | None:
    """The event whose id is ``what``, or the only one whose id starts with it (at least
    four characters)."""
    events = [e for e in timeline.events if e.id == what] or [
        e for e in timeline.events if len(what) >= 4 and e.id.startswith(what)]
    return events[0] if len(events) == 1 else None


def _no_event(timeline: Timeline, what: str) -> Problem:
    """Why find_event found nothing: no id starts so, or several do."""
    count = sum(1 for e in timeline.events if len(what) >= 4 and e.id.startswith(what))
    if count:
        return problem(None, None, f"'{what}' starts the ids of {count} events",
                       "give more of the id")
    return problem(None, None, f"no event '{what}'")


def explain_apart(timeline: Timeline, merger: Merger, first: str, second: str) -> str:
    """Why two events (by id or id prefix) were not merged into one."""
    a, b = find_event(timeline, first), find_event(timeline, second)
    missing = [what for what, e in ((first, a), (second, b)) if e is None]
    if missing or a is None or b is None:
        raise ContentError([_no_event(timeline, what) for what in missing])
    if a.id == b.id:
        return f"{a.id} and {b.id} are one event"
    reasons = merger.why_apart(a, b) or ["their reports are not in the merge"]
    return "\n".join([f"events {a.id} ({span_label(a.date) if a.date else 'undated'}: "
                      f"{a.title}) and {b.id} ({span_label(b.date) if b.date else 'undated'}"
                      f": {b.title}) are two:"] + [f"  {r}" for r in reasons])


def explain(timeline: Timeline, what: str) -> str | None:
    """How an event (by id or id prefix) or a document (by id or path) was dated."""
    docs = {d.id: d for d in timeline.documents}
    found = find_event(timeline, what)
    if found is not None:
        e = found
        out = [f"event {e.id}: {e.title}",
               f"  date: {span_label(e.date) if e.date else 'undated'}"
               f"{' (planned)' if e.planned else ''}"]
        for c in e.citations:
            doc = docs[c.document]
            out.append(f"  source {c.document} (line {c.line}, sentence {c.sentence + 1}): "
                       f"“{c.quote}”")
            out.append(f"    dated by “{c.date_text}”: {c.date_note}")
            if doc.published:
                out.append(f"    document published {doc.published} ({doc.published_from}"
                           f"{': ' + doc.published_note if doc.published_note else ''})")
            if c.context:
                out.append(f"    the sentence only gives the date; the happening is from: "
                           f"“{c.context}”")
        out += [f"  merged: {note}" for note in e.merge_notes]
        return "\n".join(out)
    key = what.removeprefix("content/")
    key = key.rsplit(".", 1)[0] if key.endswith((".md", ".markdown", ".txt")) else key
    if key in docs:
        doc = docs[key]
        x = timeline.extractions[key]
        out = [f"document {doc.id}: {doc.title}",
               f"  published: {doc.published or 'unknown'} ({doc.published_from}"
               f"{': ' + doc.published_note if doc.published_note else ''})"]
        for m in x.mentions:
            out.append(f"  line {x.sentences[m.sentence].line}: “{m.text}” -> {m.value} "
                       f"({m.resolved_by}) {m.note}")
        cited = [e for e in timeline.events if any(c.document == key for c in e.citations)]
        out += [f"  event {e.id}: {span_label(e.date) if e.date else 'undated'} {e.title}"
                for e in cited]
        return "\n".join(out)
    return None
