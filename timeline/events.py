"""Stage 4: turn dated sentences into event candidates, each citing its sentence."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from timeline.lexicon import FUTURE_CUES, PAST_CUES, REPORTING_VERBS
from timeline.model import Citation, DateSpan, Document, Event, Mention, Sentence
from timeline.plaintext import EMPHASIS as _EMPHASIS
from timeline.plaintext import plain, reader_text
from timeline.similarity import fold_name

# Page furniture: lines that are part of the page, not of the story.
FURNITURE = re.compile(
    r"^(?:advertisement|sponsored|read more|related|share|subscribe|sign up|log ?in|"
    r"upgrade to premium|coverage details|bias distribution|factuality|\d+\s+articles?|"
    r"\d+% of the sources\b.*|to view .* please .*|photo:.*|image:.*|source:.*|"
    r"copyright\b.*|all rights reserved.*|\(with inputs from [^)]*\))\W*$", re.IGNORECASE)
_DATELINE_LEAD = re.compile(
    r"^(?:[A-Z][A-Z.'-]{3,}(?:\s+[A-Z][A-Z.'-]+)*|[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+)*"
    r"(?=[^()\n]{0,40}\([A-Z][A-Za-z. ]{1,29}\)))"
    r"(?:,\s*[^()\n]{3,40}?)?\s*(?:\([A-Z][A-Za-z. ]{1,29}\)\s*)?(?:--|[-–—])\s+"
    r"(?=[A-Z\"“‘'])")
"""A wire story's dateline before its first sentence: "BEIJING, March 4, 2025 (Xinhua) --",
"MOSCOW (Reuters) -", "Geneva, Feb 2 (AP) —" (a city in capitals, or an agency)."""
_LEAD_IN = re.compile(
    r"^(?:[-–—•*]\s*)?(?:long ago|meanwhile|however|also|in addition|separately|moreover|"
    r"earlier|later|then|now|still|yet|and|but|so)\s*,?\s+", re.IGNORECASE)
_ATTRIBUTION = re.compile(
    r"(?:,|\s)\s*(?:(?:an?|the)\s+[\w\s-]{0,40}?|he|she|they|it|[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)"
    r"{0,3})\s+(?:said|says|stated|told\s+\w+|added|noted|reported|announced|wrote|"
    r"was\s+quoted\s+as\s+saying)(?:\s+(?:on\s+)?\w+){0,2}\s*[.!]?$")
_ACCORDING = re.compile(r",?\s+according\s+to\s+[^,.;]{1,80}[.!]?$", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r",\s+(?:which|reflecting|underscoring|highlighting|in\s+an?\s|"
                           r"with\s|as\s|amid\s|while\s|marking\s|saying\s|after\s)|\s[—–]\s|;")
_STOP = frozenset("""
a an the of in on at to for from by with and or but as is was were be been are has have had
it its this that these those there their his her they he she we our you your i took place
held happened occurred came day date meeting talks visit event time said says stated told
""".split())
TITLE_MAX = 110


def is_furniture(text: str) -> bool:
    """True for page furniture such as "Advertisement" or "29 Articles"."""
    return bool(FURNITURE.match(text.strip(" -•*\t")))


_NAME = re.compile(r"[A-ZÀ-ÞČŠŽА-ЯЁ][\w’'.-]*(?:\s+(?:of\s+|de\s+|al-)?[A-ZÀ-ÞČŠŽА-ЯЁ][\w’'-]*)*")
_POSSESSIVE = re.compile(r"(?<=\w)[’']s\b\s*")
# A capital after a word, comma, semicolon or bracket and a space. The look-behind comes
# after the capital so that the search can skip to capitals (the same matches, faster).
_INNER_CAPITAL = re.compile(r"([A-ZÀ-ÞČŠŽА-ЯЁ](?<=[\w,;)]\s[A-ZÀ-ÞČŠŽА-ЯЁ])[\w-]+)")
_ORDINARY_ENDINGS = ("ing", "ed", "ly", "tion", "ment", "ness", "ity", "ous", "ive", "ation",
                     "ance", "ence")


def proper_names(text: str, known: frozenset[str] = frozenset()) -> list[str]:
    """Capitalised word sequences that are not sentence openers, months or weekdays.

    A capitalised word that opens a sentence counts only if ``known`` (words seen
    capitalised inside sentences of the same document) has it, or it is followed by
    another capitalised word: "Dock workers" is not a name, "Sergei Shoigu" is.
    """
    names: list[str] = []
    for match in _NAME.finditer(text):
        words = match.group(0)
        parts = _POSSESSIVE.split(words) if "'" in words or "’" in words else [words]
        for n, part in enumerate(parts):
            tokens = [t.rstrip(".’'-") for t in part.split()]
            if n == 0 and tokens and _opens(text, match.start()) and (_ordinary(tokens[0]) or (
                    tokens[-1].isupper() and len(tokens[-1]) > 2 and _DATELINE_AFTER.match(
                        text, match.end())) or (
                    len(tokens) == 1 and known and tokens[0] not in known
                    and (_DEMONYM.search(tokens[0])
                         or _VARIANT + fold_name(tokens[0]) not in known)
                    and not (_AND_NAME.match(text, match.end()) and not tokens[0].endswith("s")
                             and not _DEMONYM.search(tokens[0])))):
                tokens = tokens[1:]
            tokens = [t for t in tokens if t.lower() not in _CALENDAR]
            name = " ".join(tokens)
            if len(name) >= 2 and name.lower() not in _STOP:
                names.append(name)
    return names


def _opens(text: str, start: int) -> bool:
    """True when the text from ``start`` opens a sentence, a quote or a clause."""
    before = start
    while before and text[before - 1].isspace():
        before -= 1
    return start == 0 or text[before - 1:before] in ".!?\"“-–—•:("


def known_names(sentences: Sequence[Sentence], title: str = "") -> frozenset[str]:
    """Words written with a capital inside sentences (not at their start), and their
    spelling-insensitive keys (after _VARIANT): "Poutine called ..." opens with a name when
    the document writes "Vladimir Putin" elsewhere. So do the capitalised words of a
    headline written in sentence case, after its first ("Xi" of "Putin meets Xi in
    Moscow"; none of "Putin Meets Xi In Moscow")."""
    found: set[str] = set()
    for s in sentences:
        for match in _INNER_CAPITAL.finditer(s.text):
            found.add(match.group(1))
    words = title.split()
    if len(words) > 2 and any(w[:1].islower() and len(w) > 3 for w in words):
        found.update(w.strip(".,:;!?\"“”‘’'()") for w in words[1:]
                     if w[:1].isupper() and w.lower().strip(".,:;!?\"“”‘’'()") not in _STOP
                     and not _ordinary(w.strip(".,:;!?\"“”‘’'()")))
    return frozenset(found | {_VARIANT + fold_name(word) for word in found})


_DATELINE_AFTER = re.compile(r"\s*(?:,|\(|[-–—]\s)")
"""After a place in capitals that opens a text: a dateline ("TAIPEI, May 21 —")."""
_AND_NAME = re.compile(r"\s+(?:and|&)\s+[A-ZÀ-ÞČŠŽА-ЯЁ][\w’'-]*\s+(?!and\b)[a-z]")
"""After a sentence's first word, another name and a verb: "Putin and Modi met ...", where
the first is a name too (not "Officials and ...", which is no name either way)."""
_VARIANT = "~"
_DEMONYM = re.compile(r"(?:ese|ian|ish|ean|ican|ans)$")
"""Openers that fold like a name but are adjectives of one ("Chinese state media said",
"Russian troops"): they open a sentence as a name only when written so elsewhere."""


def _ordinary(word: str) -> bool:
    """A capitalised sentence opener that is an ordinary word, not a name."""
    low = word.lower()
    return low in _STOP or low in _OPENERS or low.endswith(_ORDINARY_ENDINGS)


_OPENERS = frozenset("""
on in at after before during while when since until but and however meanwhile long just
speaking according under despite although though if because some many most all no not top
illustration photo senior
""".split())
_CALENDAR = frozenset("""
january february march april may june july august september october november december monday
tuesday wednesday thursday friday saturday sunday jan feb mar apr jun jul aug sep sept oct
nov dec today yesterday tomorrow
""".split())


_DATE_LEAD = re.compile(
    r"\s*(?:[-–—•*_]{1,2}\s*)?(?:(?:on|in|at|by|during|since|from|as\s+of)\s+)?", re.IGNORECASE)
_DATE_TAIL = re.compile(r"\s*[.!]?\s*")
_MORE_DATES = re.compile(r"\s*(?:,\s*\d|(?:,\s*)?(?:and|or|to|through|&)\s|[-–—]\s*\d)",
                         re.IGNORECASE)
"""What follows a date that is one of a list or a stretch ("3, 10 and 17 June", "2015 and
2019"): the date alone is not the phrase to drop from the title."""
_DATE_PREPOSITION = re.compile(
    r"[\s,]*(?:\b(?:(?:starting|beginning|effective|from|as\s+of|as\s+(?:early|soon|late)\s+as|"
    r"no\s+(?:earlier|later)\s+than)\s+(?:on\s+)?|"
    r"(?:on|in|at|by|during|since|le|el)\s+(?:the\s+)?))?$", re.IGNORECASE)
"""What introduces a date that closes a title ("le" and "el" before a French or Spanish
full date: "à Pékin le 1er février 2026")."""


def _strip_date(text: str, mention: Mention, offset: int) -> str:
    """Drop the dating expression (and its preposition) when it opens or closes the text."""
    start, end = mention.start - offset, mention.end - offset
    if not (0 <= start <= end <= len(text)):
        return text
    before, after = text[:start], text[end:]
    if _DATE_LEAD.fullmatch(before):
        if _MORE_DATES.match(after):  # "In 2015 and 2019 the minister ...": not "2019 the ..."
            return text
        if after[:2] in ("'s", "’s"):  # "Last month's talks ended": "talks ended"
            after = after[2:]
        return after.lstrip(" ,")
    if _DATE_TAIL.fullmatch(after):
        kept = _DATE_PREPOSITION.sub("", before)
        if _NEEDS_COMPLEMENT.search(kept) or _RELATION.search(kept):
            return text  # "to last until", "which ended", "followed a visit": keep the date
        return kept + after.strip()
    return text


_NEEDS_COMPLEMENT = re.compile(
    r"(?:\b(?:until|till|through|to|by|before|after|between|and|of|than|for|the|a|an)"
    r"|,\s*(?:which|that|who|when)\s+\w+(?:\s+\w+)?)\s*$", re.IGNORECASE)
"""The end of a title that is not whole without the date it was followed by."""


def make_title(text: str, mention: Mention | None = None, offset: int = 0) -> str:
    """A short plain title from a sentence: no date lead-in, no trailing attribution, no
    markup."""
    title = text.strip()
    if mention is not None:
        title = _strip_date(title, mention, offset)
    title = plain(title)
    for _ in range(2):
        before = title
        title = _LEAD_IN.sub("", _DATELINE_LEAD.sub("", title))
        title = _ACCORDING.sub("", title)
        title = _without_aside(title)
        trimmed = _ATTRIBUTION.sub("", title)
        if len(trimmed) >= 25:
            title = trimmed
        if title == before:  # the second round would change nothing either
            break
    title = _EMPHASIS.sub(r"\2", title).replace(" | ", " – ")  # (Markdown, table cells)
    title = title.strip(" ,;:-–—•*_|\"“”'").rstrip(".")
    title = title.strip()
    if len(title) > TITLE_MAX:
        cut = next((m.start() for m in _CLAUSE_BREAK.finditer(title) if m.start() >= 40),
                   None)
        if cut is not None and cut <= TITLE_MAX:
            title = title[:cut]
        else:
            title = title[:TITLE_MAX].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    title = title.strip(" ,;:")
    if title and title[0].islower():
        title = title[0].upper() + title[1:]
    return title


_ASIDE = re.compile(r"(?P<subject>[^,]{2,60}?),\s+(?P<aside>[^,]{2,140}?),\s+(?=\w)")
_SAID = re.compile(r"[\w\s.'-]{2,40}\s+(?:said|says|added|noted|stated)", re.IGNORECASE)
_HAS_NAME = re.compile(r"(?<!^)\b[A-ZÀ-ÞČŠŽА-ЯЁ]|^[A-ZÀ-ÞČŠŽА-ЯЁ][\w’'-]*\s+[A-ZÀ-ÞČŠŽА-ЯЁ]")


def _without_aside(title: str) -> str:
    """A title without the aside between its subject and its verb: an apposition ("Lai, a
    former doctor, became ..."; "Wang Yi, Member of the Political Bureau ..., held ..."),
    an attribution ("China, he said, is ready ...") or a relative clause ("Prices, which
    had risen for months, fell"). When the subject names no one and the aside names
    someone ("Its foreign minister, Joseph Wu, said ..."), the aside is the subject."""
    match = _ASIDE.match(title)
    if match is None or not _verb_at(title, match.end()):
        return title
    subject, aside, rest = match.group("subject"), match.group("aside"), title[match.end():]
    if _OPENING.match(subject) or " and " in aside:  # "In Moscow, X, ..."; a list
        return title
    if (not _SAID.fullmatch(aside) and aside[:1].isupper() and _HAS_NAME.search(aside)
            and not _HAS_NAME.search(subject) and " " in subject):
        return f"{aside} {rest}"  # "Its overseas minister, Joseph Wu, said ..."
    return f"{subject} {rest}"


_WORD = re.compile(r"[A-Za-z][\w'-]+")


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP
            and w not in _CALENDAR]


_TIMING = re.compile(r"\b(?:took place|takes place|will take place|was held|were held|is held|"
                     r"happened|occurred|came|began|begins|started|ended|was signed|"
                     r"were signed|was announced|is scheduled|was scheduled|is due|"
                     r"will be held|opened|closed)\b", re.IGNORECASE)
_RELATION = re.compile(r"\b(?:follow(?:s|ed|ing)?|preced(?:es|ed|ing)|after|before|ahead of|"
                       r"prior to|since|until|till)\b", re.IGNORECASE)
"""Words that tie a sentence's date to another happening than the one before it ("The talks
followed a visit on 12 February"): such a sentence carries more than a date."""
_ANAPHOR = re.compile(r"^\W*(?:the|this|that|these|it|they|both)\b", re.IGNORECASE)


def carries_only_a_date(text: str, mentions: Sequence[Mention], offset: int,
                        known: frozenset[str] = frozenset()) -> bool:
    """True for "The meeting took place on Sunday, 1 February.": a date, but no who or what.

    It must open with "the"/"it" (pointing back), name nobody, and say only when something
    happened ("took place", "was held"), in a few words.
    """
    stripped = text
    for m in sorted(mentions, key=lambda m: -m.start):
        stripped = stripped[:m.start - offset] + " " + stripped[m.end - offset:]
    if proper_names(stripped, known) or not _ANAPHOR.match(stripped) or \
            _RELATION.search(stripped):
        return False
    words = _content_words(stripped)
    return (len(words) <= 4 and bool(_TIMING.search(stripped))) or len(words) <= 1


def _dating(mentions: Sequence[Mention]) -> list[Mention]:
    usable = [m for m in mentions if m.dates_event and m.span is not None and not m.dateline]
    return sorted(usable, key=lambda m: m.start)


def _unattributed(s: Sentence, dating: list[Mention]) -> list[Mention]:
    """The dates of a sentence less that of its closing attribution ("..., the Kremlin said
    on Monday"), which is when it was said, unless no other date is left."""
    if len(dating) < 2:
        return dating
    found = _ATTRIBUTION.search(s.text)
    if found is None:
        return dating
    kept = [m for m in dating if m.start - s.start < found.start()]
    return kept or dating


def _undated(s: Sentence, mentions: Sequence[Mention]) -> list[Mention]:
    """For a sentence no date of which could be resolved, the first calendar expression
    left unresolved ("on Monday" in an article without a date, "that summer" with no
    summer before it): the happening is shown undated rather than not at all. A page's
    "Published 4 March" line is no happening."""
    if _STAMP_LINE.match(s.text) and len(s.text.split()) <= 6:
        return []
    return [m for m in mentions if m.span is None and m.resolved_by == "unresolved"
            and m.dates_event and not m.dateline and m.timex_type in ("DATE", "TIME")
            and m.value.startswith("XXXX")][:1]


_STAMP_LINE = re.compile(r"\W*(?:(?:first|originally|last)\s+)?(?:published|posted|updated)\b",
                         re.IGNORECASE)


_RANGE_GAP = re.compile(r"\s*(?:to|into|through|thru|until|till|-|–|—)\s*", re.I)
_AND_GAP = re.compile(r"\s*(?:,\s*)?(?:and|&)\s*", re.I)
_BETWEEN = re.compile(r"(?:between|from)\s+$", re.I)


def _joined(body: str, dating: list[Mention]) -> list[Mention]:
    """Two dates that say one stretch of time, as one: "from 3 to 5 May", "between 1995
    and 1999", and "and" between dates that follow each other ("on Sunday and Monday",
    "in 1995 and 1996"). Dating the happening by the first alone would claim a precision
    the text does not give. Dates joined by "and" that do not follow each other ("in 2015
    and 2019") are two happenings, and stay apart."""
    out: list[Mention] = []
    for m in dating:
        prev = out[-1] if out else None
        if prev is not None and _spans_one_stretch(body, prev, m):
            assert prev.span is not None and m.span is not None
            span = _spanning(prev.span, m.span, prev.span.approximate or m.span.approximate)
            note = prev.note if m.note in ("", prev.note) else (
                f"{prev.note}; {m.note}" if prev.note else m.note)
            out[-1] = replace(prev, text=body[prev.start:m.end], end=m.end, span=span,
                              note=note, planned=prev.planned and m.planned)
            continue
        if prev is not None and _either(body, prev, m):
            assert prev.span is not None and m.span is not None
            span = _spanning(min(prev.span, m.span, key=lambda d: d.start),
                             max(prev.span, m.span, key=lambda d: d.end), True)
            out[-1] = replace(prev, text=body[prev.start:m.end], end=m.end, span=span,
                              note=f"{prev.note}; or {m.text}: either", planned=prev.planned
                              and m.planned)
            continue
        if prev is not None and _APPOSITION.fullmatch(body, prev.end, m.start) and \
                _APPOSITION_END.match(body, m.end) and prev.resolved_by == "previous-date" \
                and m.resolved_by != "previous-date":
            # "the next day, 4 May": the day the text writes out, not the one counted from
            # an earlier date (which may be another happening's)
            out[-1] = replace(m, text=body[prev.start:m.end], start=prev.start)
            continue
        out.append(m)
    return out


def _spanning(first: DateSpan, last: DateSpan, approximate: bool) -> DateSpan:
    """From the first day of ``first`` to the last of ``last``, no more precise than the
    coarser of the two."""
    return DateSpan(first.start, last.end, min(first.precision, last.precision), approximate)


_APPOSITION = re.compile(r"\s*,\s*(?:(?:on|in)\s+)?")
_APPOSITION_END = re.compile(r"\s*(?:[,.;:)]|$)")


_OR_GAP = re.compile(r"\s*,?\s*or\s+(?:(?:on|in|at|by)\s+)?(?:the\s+)?", re.I)


def _either(body: str, a: Mention, b: Mention) -> bool:
    """Two dates with "or" between them ("in 2015 or 2016", "on Monday or Tuesday", "in
    the late 1990s or early 2000s"): the text does not say which, so the happening is
    somewhere in both, about."""
    return a.span is not None and b.span is not None and a.timex_type == "DATE" and \
        b.timex_type == "DATE" and not a.value.startswith("P") and \
        not b.value.startswith("P") and _OR_GAP.fullmatch(body, a.end, b.start) is not None


def _spans_one_stretch(body: str, a: Mention, b: Mention) -> bool:
    if a.span is None or b.span is None or a.timex_type != "DATE" or b.timex_type != "DATE":
        return False
    if a.value.startswith("PX") or b.value.startswith("PX") or a.span.modifier \
            or b.span.modifier or b.span.start <= a.span.end:
        return False
    if a.span.precision != b.span.precision:
        return False
    gap = body[a.end:b.start]
    if _RANGE_GAP.fullmatch(gap):
        return True
    if _AND_GAP.fullmatch(gap):
        return _BETWEEN.search(body[max(0, a.start - 12):a.start]) is not None or \
            b.span.start == a.span.end + timedelta(days=1)
    return False


def _pair(s: Sentence, dating: list[Mention]) -> list[Mention]:
    """Dates of the same kind joined by "and" that are not one stretch ("visited Moscow
    in 2015 and 2019", "met on 3 and 17 May", "on 3, 10 and 17 June"): the sentence
    reports a happening at each date. Empty otherwise."""
    if len(dating) < 2:
        return []
    first = dating[0]
    if any(m.span is None or first.span is None or m.span.precision != first.span.precision
           or m.timex_type != "DATE" for m in dating):
        return []
    gaps = [s.text[a.end - s.start:b.start - s.start] for a, b in itertools.pairwise(dating)]
    if not _PAIR_GAP.fullmatch(gaps[-1]) or not all(_LIST_GAP.fullmatch(g) for g in gaps[:-1]):
        return []
    return list(dating)


_PAIR_GAP = re.compile(r"\s*(?:,\s*)?(?:and|&)\s+(?:again\s+)?(?:(?:on|in|at)\s+)?", re.I)
_LIST_GAP = re.compile(r",\s*")


_ATTRIBUTIVE_BEFORE = re.compile(r"(?:^|\b(?:the|a|an|its|his|her|their|this|that))\s*$",
                                 re.IGNORECASE)
_ATTRIBUTIVE_AFTER = re.compile(
    r"(?:[’']s)?\s+(?!(?:and|or|but|to|in|on|at|of|for|by|with|when|as|until|till|through|"
    r"than|from|after|before|was|were|is|are|had|has|have)\b)[a-z][a-z-]+")
_ASIDE_OPENING = re.compile(
    r"\s*(?:(?i:which|who|whose|where|when|once|first|originally|then|in\s+force|built|born|"
    r"held|set|set\s+up|due|expected|scheduled|slated|made|begun|won|lost|seen|taken|"
    r"given|shot|hit|sent|caught|found|brought|bought|sold|kept|left|led|run|written)|"
    r"[a-z]{3,}ed)\b")
"""How an aside opens: a relative pronoun, or a participle (", arrested on Friday,")."""


def _subordinate(s: Sentence, m: Mention) -> bool:
    """Whether a date belongs to something the sentence mentions rather than to what it
    reports: a noun's ("veterans of the 1 September 2004 siege gathered", "the 9 May 1945
    victory was marked") or an aside's ("The museum, which opened on 5 May 1999, closed
    ...")."""
    text, start, end = s.text, m.start - s.start, m.end - s.start
    if not text[:start].strip():
        return False  # a date that opens the sentence dates it
    lead = m.text.split(None, 1)[0].lower() if " " in m.text else ""
    if (lead in ("the", "a", "an") or _ATTRIBUTIVE_BEFORE.search(text, 0, start)) and \
            _ATTRIBUTIVE_AFTER.match(text, end):
        return True
    opened = text.rfind(",", 0, start)
    if opened <= 0:
        return False
    closed = text.find(",", end)
    if closed < 0:  # a relative clause that ends the sentence ("in fiscal 2024, which ended
        return bool(_RELATIVE.match(text, opened + 1))  # in June")
    return bool(text[closed + 1:].strip(" .")) and bool(_ASIDE_OPENING.match(text, opened + 1))


_RELATIVE = re.compile(r"\s*(?:which|who|whose|where)\b", re.IGNORECASE)
_WHO_WHICH = re.compile(r",\s*(?:which|who)\s+(?=[a-z])")
_NAMED = re.compile(r"(?:\b[A-Z][\w'’.-]*\s+)*\b[A-Z][\w'’.-]*$")
_NOUN_PHRASE = re.compile(
    r"\b(?i:the|its|his|her|their)\s+(?:[a-z][\w'’-]*\s+){0,2}[a-z][\w'’-]*"
    r"(?:\s+of\s+(?:[A-Z][\w'’.-]*\s+)*[A-Z][\w'’.-]*)?$")
"""What a "which" clause follows: "the visit of Nancy Pelosi", "the envoy"."""


def _relative(s: Sentence, dating: list[Mention]) -> list[Clause]:
    """"The firm was sold to Acme, which was founded in 2019": when only a relative clause
    of the sentence gives a date, the happening it dates is the relative clause's, told of
    what it follows ("Acme was founded"), not the sentence's (the sale was not in 2019).
    Empty when the sentence is not built so, or what the clause follows is not a name or
    "the ..."."""
    first = dating[0]
    text, off = s.text, s.start
    found = [m for m in _WHO_WHICH.finditer(text, 0, first.start - off)]
    if not found or "," in text[found[-1].end():first.start - off]:
        return []
    joint = found[-1]
    before = text[:joint.start()].rstrip()
    who = "who" in joint.group()
    noun = (_NAMED.search(before) or _NOUN_PHRASE.search(before)) if who else (
        _NOUN_PHRASE.search(before) or _NAMED.search(before))
    if noun is None or not noun.group().strip():
        return []
    subject = noun.group().strip()
    closed = text.find(",", first.end - off)  # (an aside ends at its comma)
    end = off + closed if closed >= 0 else s.end
    return [(first, off + joint.end(), end, subject[:1].upper() + subject[1:])]


def _primary(mentions: Sequence[Mention]) -> Mention:
    """The expression that dates a sentence's happening: the finest, then the first."""
    return max(mentions, key=lambda m: (0 if m.span is None else int(m.span.precision),
                                        -m.start))


def _context(doc: Document, sentences: Sequence[Sentence], s: Sentence,
             by_sentence: dict[int, list[Mention]]) -> tuple[str, int | None]:
    """The sentence that says what happened, for a sentence that only carries the date."""
    for index in range(s.index - 1, max(-1, s.index - 3), -1):
        prev = sentences[index]
        if prev.heading or is_furniture(prev.text):
            continue
        own = _dating(by_sentence.get(index, []))
        if not own or all(m.span == _primary(_dating(by_sentence[s.index])).span for m in own):
            return prev.text, prev.index
        break
    return doc.title, None


_MEASURED_FROM = re.compile(r"\s*(?:before|after|earlier\s+than|later\s+than|prior\s+to)\s+",
                            re.IGNORECASE)
"""What joins "days" to the clause it is measured from ("days before Putin sent ...")."""


Clause = tuple[Mention, int, int, str]
"""A happening of a sentence: the mention dating it, its words' start and end in the body,
and the subject it shares with an earlier clause ("" when it has its own)."""

_BOUNDS = re.compile(r"(?:ended|closed|finished|concluded|wrapped\s+up)\b", re.IGNORECASE)
"""After "and", the end of a happening whose start came first ("began on Monday and ended
on Wednesday")."""
_STARTED = re.compile(r"\b(?:began|begun|started|opened|got\s+under\s*way)\b[^,;]{0,40}$",
                      re.IGNORECASE)
"""Before the first date, in its clause: "began on Monday", "opened in Geneva on 3 May"."""
_AND = re.compile(r"(?:,?\s+(?:and|but)\s+|\s*;\s+(?:and\s+|but\s+)?)(?:then\s+|later\s+|also\s+)?",
                  re.IGNORECASE)
"""What joins two clauses of a sentence."""
_OPENING = re.compile(r"(?:in|on|at|after|before|during|since|by|from|for|with|as|when|"
                      r"while|although|though|despite|meanwhile|however)\b", re.IGNORECASE)
"""An opening phrase before a subject ("In Moscow, Lai became ...")."""
_ARTICLE = re.compile(r"(?:the|a|an)\s", re.IGNORECASE)
_PRONOUN = re.compile(r"(?:it|they|he|she)\s+", re.IGNORECASE)
_WORD_AHEAD = re.compile(r"[A-Za-z][\w'-]*\s+")


def _own_subject(text: str, at: int) -> bool:
    """A clause starts at ``at`` with its own subject, of one to four words without
    punctuation ("the border", "Tanzania's army"), then a verb cue."""
    for _ in range(4):
        word = _WORD_AHEAD.match(text, at)
        if word is None:
            return False
        at = word.end()
        if _verb_at(text, at):
            return True
    return False


def _verb_at(text: str, at: int) -> bool:
    """A verb cue (timeline.lexicon) starts at ``at``."""
    return bool(PAST_CUES.match(text, at) or FUTURE_CUES.match(text, at))


def _first_verb(text: str, end: int) -> int | None:
    """Where the first verb cue before ``end`` starts."""
    found = [m.start() for cues in (PAST_CUES, FUTURE_CUES) if (m := cues.search(text, 0, end))]
    return min(found) if found else None


def _coordinated(s: Sentence, dating: list[Mention]) -> list[Clause]:
    """Two verbs of one subject, each with its own date ("Lai became vice-president in 2020
    and was nominated as his party's candidate in April 2023"): two happenings, the second
    titled with the first's subject; or two clauses joined by "and", each with its subject,
    verb and date ("The army withdrew in 2019, and the border reopened in 2021"). Empty
    when the sentence is not built so."""
    if len(dating) != 2:
        return []
    first, second = dating
    if first.span is None or second.span is None or first.span == second.span:
        return []
    text, off = s.text, s.start
    joints = list(_AND.finditer(text, first.end - off, second.start - off))
    joint = next((m for m in joints if _verb_at(text, m.end())), None)
    verb = _first_verb(text, first.start - off)
    subject = _subject(text, verb) if verb is not None else ""
    if joint is None:  # "The army withdrew in 2019, and the border reopened in 2021"
        # (without a known verb before the first date, only after a comma)
        own = next((m for m in joints if _own_subject(text, m.end())
                    and (verb is not None or m.group().startswith(","))), None)
        if own is None:
            return []
        pronoun = _PRONOUN.match(text, own.end())
        if pronoun and subject:  # "..., and it was sold in 1998": "The company was sold"
            return [(first, s.start, off + own.start(), ""),
                    (second, off + pronoun.end(), s.end, subject)]
        return [(first, s.start, off + own.start(), ""), (second, off + own.end(), s.end, "")]
    if _BOUNDS.match(text, joint.end()) and first.span.start < second.span.start and \
            _STARTED.search(text, 0, first.start - off):
        # "began on Monday and ended on Wednesday": one happening, from the one to the other
        span = _spanning(first.span, second.span,
                         first.span.approximate or second.span.approximate)
        return [(replace(first, span=span, note=f"{first.note}; to {second.text}"),
                 s.start, s.end, "")]
    if not subject or _TIMING.match(text, joint.end()):
        return []  # ("was signed on Monday and announced on Friday": one happening)
    return [(first, s.start, off + joint.start(), ""),
            (second, off + joint.end(), s.end, subject)]



_SAID_WHEN = re.compile(r"\s+(?:[a-z]+\s+){0,2}?(?:(?:late|early)\s+)?(?:on\s+)?$")
"""Between a reporting verb and its date: "said on Tuesday", "told reporters on Tuesday"."""
_OPENING_DATE = re.compile(r"\W*(?:(?:on|late\s+on|early\s+on)\s+)?$", re.IGNORECASE)
_SPEAKER = re.compile(r"\s*,\s*(?:[\w'’.-]+\s+){1,5}$")
"""After an opening date, who says it: "On Tuesday, the foreign ministry said"."""
_COMPLEMENT = re.compile(r"\s*,?\s*(?:that\s+)?")


def _reported(s: Sentence, dating: list[Mention], main: list[Mention]) -> list[Clause]:
    """"Officials said on Tuesday that the talks had ended on Sunday": the happening is
    what was said, dated by its own date, not by the day it was said (which would keep it
    apart from the other reports of it). Empty when the sentence is not built so."""
    if len(dating) < 2:
        return []
    text, off, first = s.text, s.start, dating[0]
    said = REPORTING_VERBS.search(text)
    if said is None:
        return []
    if said.end() <= first.start - off and _SAID_WHEN.fullmatch(text, said.end(),
                                                                  first.start - off):
        complement = first.end - off  # "said on Tuesday that ..."
    elif first.end - off <= said.start() and _OPENING_DATE.fullmatch(text, 0, first.start - off) \
            and _SPEAKER.fullmatch(text, first.end - off, said.start()):
        complement = said.end()  # "On Tuesday, officials said ..."
    else:
        return []
    complement = _COMPLEMENT.match(text, complement).end()  # type: ignore[union-attr]
    own = [m for m in main if m.start - off >= complement and "," not in
           text[complement:m.start - off]]
    if not own:
        return []
    date = _primary(own)
    assert date.span is not None and first.span is not None
    if date.span.start > first.span.end and not date.planned:
        return []  # "said in 2019 that the war would end by 2020": a forecast, not a fact
    pronoun = _PRONOUN.match(text, complement)
    speaker = _subject(text, said.start()) if pronoun and complement > said.end() else ""
    if speaker:  # "Lavrov told reporters on Tuesday that he had met ...": "Lavrov had met"
        return [(date, off + pronoun.end(), s.end, speaker)]  # type: ignore[union-attr]
    return [(date, off + complement, s.end, "")]


def _subject(text: str, verb: int) -> str:
    """The subject before the verb at ``verb``, without an opening phrase ("In Moscow,")
    or an apposition ("Lai, a former doctor,"); "" when it does not look like one."""
    subject = text[:verb].strip(" ,")
    if "," in subject and _OPENING.match(subject):  # "In Moscow, Lai became ..."
        subject = subject.split(",", 1)[1].strip(" ,")
    subject = subject.split(",", 1)[0].strip()  # "Lai, a former doctor, became ..."
    if not (subject[:1].isupper() or _ARTICLE.match(subject)) or len(subject.split()) > 8:
        return ""
    return subject


def _clauses(s: Sentence, dating: list[Mention]) -> list[Clause]:
    """Each happening in the sentence (see Clause), offsets in the body.

    A sentence normally reports one happening. "X days before <Y in February 2022>" reports
    two: the main clause (dated just before February 2022) and the clause it is measured
    from; so does "X did A in 2020 and B in April 2023" (see _coordinated).
    """
    linked = [m for m in dating if m.value.startswith("PX")]
    if not linked:
        pair = _pair(s, dating)
        if pair:
            return [(m, s.start, s.end, "") for m in pair]
        main = [m for m in dating if not _subordinate(s, m)]
        return _reported(s, dating, main) or _coordinated(s, dating) or \
            ([] if main else _relative(s, dating)) or \
            [(_primary(main or dating), s.start, s.end, "")]
    out: list[Clause] = []
    for m in linked:
        target = next((t for t in dating if t.start > m.start and not t.value.startswith("PX")),
                      None)
        if target is None:
            out.append((m, s.start, s.end, ""))
            continue
        comma = s.text.find(",", target.end - s.start)
        target_end = s.start + comma if comma >= 0 else s.end
        # The clause begins after its "before": the title is "Putin sent troops ...".
        lead = _MEASURED_FROM.match(s.text, m.end - s.start)
        out.append((target, s.start + lead.end() if lead else m.end, target_end, ""))
        if s.text[:m.start - s.start].strip(" -–—•*\"“").lower() in ("", "just", "only"):
            # "Just weeks before <Y>, X happened": the happening follows the clause.
            out.append((m, target_end, s.end, ""))
        else:
            out.append((m, s.start, m.end, ""))
    return out


def extract_events(doc: Document, sentences: Sequence[Sentence],
                   mentions: Sequence[Mention]) -> tuple[Event, ...]:
    """One event candidate per dated happening; ids are given later, after merging."""
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_sentence[m.sentence].append(m)
    events: list[Event] = []
    headline = doc.title if not doc.body.lstrip().startswith(doc.title[:40]) else ""
    known = known_names(sentences, headline)  # (a title taken from the body is no headline)
    for s in sentences:
        if s.index not in by_sentence:
            continue
        dating = _unattributed(s, _joined(doc.body, _dating(by_sentence[s.index]))) or \
            _undated(s, by_sentence[s.index])
        if not dating or is_furniture(s.text):
            continue
        for mention, start, end, subject in _clauses(s, dating):
            clause = doc.body[start:end]
            if subject:  # "... and was nominated in April 2023": "Lai was nominated ..."
                clause = f"{subject} {clause.lstrip()}"
                start = end - len(clause)
            context, context_index = None, None
            if mention.span is not None and carries_only_a_date(s.text, by_sentence[s.index],
                                                                s.start, known):
                context, context_index = _context(doc, sentences, s, by_sentence)
                title = make_title(context)
            else:  # (an undated happening keeps the words that failed to date it)
                title = make_title(clause, mention if mention.span else None, start)
            if not title:
                continue
            summary = reader_text(clause.strip() if context is None else f"{context} {s.text}")
            citation = Citation(document=doc.id, sentence=s.index, line=s.line, quote=s.text,
                                date_text=mention.text, date_note=mention.note,
                                context=context, context_sentence=context_index)
            names = proper_names(plain(clause if context is None else f"{context} {clause}"),
                                 known)
            events.append(Event(id="", date=mention.span, title=title, summary=summary,
                                citations=(citation,), planned=mention.planned,
                                actors=tuple(dict.fromkeys(names))))
    return tuple(events)
