"""Stage 2: split a document body into sentences with offsets and line numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from timeline.lexicon import GERMAN_MONTHS
from timeline.model import Document, Sentence

# Abbreviations after which a full stop never ends a sentence ("Col. Tan", "Feb. 1") ...
NEVER_FINAL = frozenset("""
mr mrs ms dr prof gen col lt sgt capt maj cmdr adm sen rep gov pres st no nos vs fig approx
dept est mt ft rev hon jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu
thur thurs fri sat sun
""".split())
# A day before a German month ("1. Februar"): its full stop ends no sentence.
_GERMAN_DAY = re.compile(r"(?<![\d.])(?:3[01]|[12]\d|0?[1-9])$")
_GERMAN_MONTH_AFTER = re.compile(r"\s+(?:" + "|".join(GERMAN_MONTHS) + r")\b")
# ... and after which it ends one only when an ordinary sentence opener follows ("U.S. The").
MAYBE_FINAL = frozenset("""
u.s u.n u.k e.u a.m p.m etc inc corp co ltd jr sr
""".split())
OPENERS = frozenset("""
The A An He She It They We I In On At But And This That These Those There His Her Their Its
Our As After Before When While If Some Many Most Yet So Still However Meanwhile Earlier
Later
""".split())
_BULLET = re.compile(r"[ \t]*(?:[-*+•·]|\d{1,3}[.)])[ \t]+")
_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]+")
_TABLE_RULE = re.compile(r"\|(?:\s*:?-{3,}:?\s*\|)+")
"""The row under a Markdown table's header: |---|:---:|."""
# A sentence ends at . ! ? or an ellipsis, plus closing quotes or brackets, then space
# (or directly a capitalised word, for run-together text like "yesterday.China" or
# "2022.China").
# Written to start with the end mark itself, so that the search skips to end marks; the
# look-behinds then tell which one it was. It matches what this matches:
# (?:[.!?]+|…)[closers]*(?=<space, then a capital>|\s*$)|(?<=[a-z0-9]{2})\.(?=[A-Z][a-z])
_CAPITALS = "A-Z0-9À-Þ" + "".join(c for c in map(chr, range(0x100, 0x180)) if c.isupper()) \
    + "Ѐ-Я"
"""What a sentence may start with: digits and the capitals of Latin (with Central European
letters: "Čoig", "Šojgu", "Łódź") and Cyrillic script."""
_END = re.compile(r"[.!?…](?:(?<=[.!?])[.!?]*[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[" + _CAPITALS
                  + r"]|\s*$)|(?<=…)[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[" + _CAPITALS + r"]|\s*$)"
                  r"|(?<=[a-z0-9]{2}\.)(?=[A-Z][a-z]))")
_WORD_BEFORE = re.compile(r"([^\W\d_](?:[^\W\d_]|[.'])*)\.$")
_INITIAL = re.compile(r"[^\W\d_]")
_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.'")


def _blocks(body: str) -> Iterator[tuple[int, int, bool, bool]]:
    """(start, end, is_heading, is_item) of paragraphs, list items, table rows and headings."""
    lines = body.split("\n")
    offsets, pos = [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    wrapped = _looks_hard_wrapped(lines)
    start: int | None = None
    item = False
    end = 0
    for i, line in enumerate(lines):
        text = line.strip()
        begin = offsets[i]
        if not text:
            if start is not None:
                yield start, end, False, item
                start = None
            continue
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        if text.startswith("|") and text.endswith("|") and len(text) > 1:
            # a Markdown table's row is a unit of its own (its cells without the outer
            # bars); the row under the header (|---|:---:|) is no text, and the header names
            # the columns (a heading)
            if start is not None:
                yield start, end, False, item
                start = None
            if not _TABLE_RULE.fullmatch(text):
                first = begin + line.index("|") + 1
                last = begin + line.rindex("|")
                inner = body[first:last]
                lead = len(inner) - len(inner.lstrip())
                tail = len(inner) - len(inner.rstrip())
                if inner.strip():
                    below = lines[i + 1].strip() if i + 1 < len(lines) else ""
                    yield first + lead, last - tail, bool(_TABLE_RULE.fullmatch(below)), True
            continue
        if heading:
            if start is not None:
                yield start, end, False, item
                start = None
            yield begin + heading.end(), begin + len(line.rstrip()), True, False
            continue
        if bullet or (start is not None and not wrapped and not _continues(lines[i - 1], text)):
            if start is not None:
                yield start, end, False, item
            start = begin + (bullet.end() if bullet else len(line) - len(line.lstrip()))
            item = bool(bullet)
        elif start is None:
            start = begin + len(line) - len(line.lstrip())
            item = False
        end = begin + len(line.rstrip())
    if start is not None:
        yield start, end, False, item


def _looks_hard_wrapped(lines: list[str]) -> bool:
    """True when single newlines are line wrapping rather than paragraph breaks."""
    long = [len(x) for x in lines if x.strip()]
    if len(long) < 4:
        return False
    width = max(long)
    return width <= 100 and sum(1 for n in long if n >= width * 0.6) >= 0.6 * len(long)


def _continues(previous: str, text: str) -> bool:
    """A line that starts in lower case continues the previous line's sentence."""
    prev = previous.rstrip()
    return bool(prev) and prev[-1] not in ".!?:\"”" and text[:1].islower()


def _keeps_going(text: str, dot: int, after: str) -> bool:
    """True when the full stop at ``dot`` belongs to an abbreviation or an initial."""
    # Only the run of letters, dots and apostrophes just before the dot can take part:
    # searching from its start finds what a search from 0 finds, without rescanning the text.
    run = dot
    while run > 0 and (text[run - 1] in _WORD_CHARS or text[run - 1].isalpha()):
        run -= 1  # (letters of any alphabet: "Aydın." is a word, not the initial "n.")
    match = _WORD_BEFORE.search(text, run, dot + 1)
    if not match:  # "am 1. Februar 2026": a German day, not a sentence's end
        return bool(_GERMAN_DAY.search(text, max(0, dot - 3), dot)
                    and _GERMAN_MONTH_AFTER.match(after))
    return _abbreviation(match, after)


def _abbreviation(match: re.Match[str], after: str) -> bool:
    """True when the word ending at a full stop (``match``) is an abbreviation that does
    not end the sentence before ``after``."""
    word = match.group(1).lower().rstrip(".")
    if word in NEVER_FINAL or _INITIAL.fullmatch(word):
        return True
    if word in MAYBE_FINAL or _DOTTED.fullmatch(word):
        opener = after.split(maxsplit=1)[0].strip("\"'“‘(") if after.strip() else ""
        return opener not in OPENERS
    return False


MAX_SENTENCE = 2000
"""Longer runs without a sentence end (tables, pasted logs) are cut at a space this far."""


def _bounded(body: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut an overlong span at whitespace so that every later stage works on bounded text."""
    while end - start > MAX_SENTENCE:
        cut = body.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        cut = cut if cut > start else start + MAX_SENTENCE
        yield start, cut
        start = cut
        while start < end and body[start].isspace():
            start += 1
    if start < end:
        yield start, end


def _sentence_spans(body: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    text = body[start:end]
    begin = 0
    for match in _END.finditer(text):
        stop = match.end()
        if text[match.start()] == "." and _keeps_going(text, match.start(), text[stop:stop + 40]):
            continue
        if text[begin:stop].strip():
            yield start + begin, start + stop
        begin = stop
        while begin < len(text) and text[begin].isspace():
            begin += 1
    if text[begin:].strip():
        yield start + begin, start + len(text.rstrip())


def split_sentences(doc: Document) -> tuple[Sentence, ...]:
    """The document's sentences, in order, each with offsets and its file line."""
    body = doc.body
    out: list[Sentence] = []
    line, counted = doc.body_line, 0
    for block, (b_start, b_end, heading, item) in enumerate(_blocks(body)):
        for s, e in (part for span in _sentence_spans(body, b_start, b_end)
                     for part in ((span,) if span[1] - span[0] <= MAX_SENTENCE
                                  else _bounded(body, *span))):
            line += body.count("\n", counted, s)
            counted = s
            out.append(Sentence(document=doc.id, index=len(out), text=body[s:e], start=s, end=e,
                                line=line, block=block, heading=heading or _is_heading(body, s, e),
                                item=item))
    return tuple(out)


def _is_heading(body: str, start: int, end: int) -> bool:
    """A short line without final punctuation standing alone (a title, a caption)."""
    text = body[start:end]
    if len(text) >= 120 or text.rstrip()[-1:] in ".!?\"”…":
        return False
    line_start = body.rfind("\n", 0, start) + 1
    line_end = body.find("\n", end)
    return body[line_start:line_end if line_end >= 0 else len(body)].strip() == text.strip()
