"""Which of many patterns can match at a position, told from the next few characters.

The time-expression finder runs some thirty patterns over every sentence, and trying each
one at every position cost more than the rest of extraction together, although at almost
every position the first few characters already rule a pattern out ("The storm" cannot
start "the past week", "said" cannot start "3 March"). A ``StartIndex`` reads, from each
pattern's own parse tree, what its matches' first characters can be, so that a scan tries
a pattern only where they fit. It errs only towards trying: it skips assertions
(lookarounds, ``\\b``) and stops reading at a construct it does not model, so a scan that
uses it finds exactly what ``finditer`` would.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from typing import Any

Prefix = tuple[str, ...]
"""The first characters of some matches, as one single-character regex each."""

_OPEN = ""
"""Ends a prefix after which the match may go on in ways not modelled (a back-reference)."""


def _complete(prefix: Prefix, length: int) -> bool:
    return len(prefix) >= length or (bool(prefix) and prefix[-1] == _OPEN)


def _concat(heads: set[Prefix], tails: set[Prefix], length: int) -> set[Prefix]:
    return {(head + tail)[:length] for head in heads for tail in tails}


class _Reader:
    """Prefixes of up to ``length`` characters of what a parsed pattern matches."""

    def __init__(self, constants: Any) -> None:
        c = self.c = constants
        self.zero_width = {c.AT, c.ASSERT, c.ASSERT_NOT}
        self.repeats = {c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT}
        self.categories = {c.CATEGORY_DIGIT: r"\d", c.CATEGORY_NOT_DIGIT: r"\D",
                           c.CATEGORY_WORD: r"\w", c.CATEGORY_NOT_WORD: r"\W",
                           c.CATEGORY_SPACE: r"\s", c.CATEGORY_NOT_SPACE: r"\S"}

    def sequence(self, items: Any, flags: int, length: int) -> set[Prefix]:
        done: set[Prefix] = set()
        going: set[Prefix] = {()}
        for op, av in items:
            # Read each item only as far as the shortest prefix still needs.
            tails = self.item(op, av, flags, length - min(len(p) for p in going))
            going = _concat(going, tails, length)
            complete = {p for p in going if _complete(p, length)}
            done |= complete
            going -= complete
            if not going:
                break
        return done | going

    def item(self, op: Any, av: Any, flags: int, length: int) -> set[Prefix]:
        c = self.c
        if op in self.zero_width:
            return {()}
        if op is c.BRANCH:
            return set().union(*(self.sequence(alt.data, flags, length) for alt in av[1]))
        if op is c.SUBPATTERN:
            _, add, remove, sub = av
            return self.sequence(sub.data, (flags | add) & ~remove, length)
        if op is c.ATOMIC_GROUP:
            return self.sequence(av.data, flags, length)
        if op in self.repeats:
            low, high, sub = av
            once = self.sequence(sub.data, flags, length)
            found: set[Prefix] = {()} if low == 0 else set()
            reached: set[Prefix] = {()}
            for count in range(1, min(high, length) + 1):
                reached = _concat(reached, once, length)
                if count >= low or count == min(high, length):
                    found |= reached
                # prefixes already complete stay as they are, whatever the count
                found |= {p for p in reached if _complete(p, length)}
                reached = {p for p in reached if not _complete(p, length)}
                if not reached:
                    break
            return found
        char = self.char(op, av, flags)
        return {(_OPEN,)} if char is None else {(char,)}

    def char(self, op: Any, av: Any, flags: int) -> str | None:
        """One character's regex, or None for a construct not modelled."""
        c = self.c
        if op is c.LITERAL:
            body = re.escape(chr(av))
        elif op is c.NOT_LITERAL:
            body = f"[^{re.escape(chr(av))}]"
        elif op is c.ANY:
            body = "(?s:.)"
        elif op is c.IN:
            parts: list[str] = []
            for item, value in av:
                if item is c.NEGATE:
                    parts.insert(0, "^")
                elif item is c.LITERAL:
                    parts.append(re.escape(chr(value)))
                elif item is c.RANGE:
                    parts.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
                elif item is c.CATEGORY and value in self.categories:
                    parts.append(self.categories[value])
                else:
                    return None
            body = "[" + "".join(parts) + "]"
        else:
            return None
        return f"(?i:{body})" if flags & re.IGNORECASE else body


def start_prefixes(pattern: re.Pattern[str], length: int) -> set[Prefix] | None:
    """The first ``length`` characters (all, when fewer) of every non-empty match of
    ``pattern``, as tuples of single-character regexes; a tuple that ends early in ``""``
    may go on with anything. None when the pattern may match the empty string or its parse
    tree cannot be read (the parser is a private module, which a future Python may move)."""
    try:
        parser = importlib.import_module("re._parser")
        constants = importlib.import_module("re._constants")
        parsed = parser.parse(pattern.pattern, pattern.flags)
        prefixes = _Reader(constants).sequence(parsed.data, parsed.state.flags, length)
    except (ImportError, AttributeError, TypeError, ValueError):  # pragma: no cover
        return None
    if any(not "".join(p) for p in prefixes):
        return None
    return prefixes


class _Node:
    """A state of the merged prefix trie: the text read so far fits these prefixes."""

    __slots__ = ("children", "ends", "steps")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        """The next character's regex -> the state after it."""
        self.ends: frozenset[int] = frozenset()
        """Patterns a prefix of which ends here: the text read so far is enough for them."""
        self.steps: dict[str, list[_Node]] | None = None
        """The states after a given character, each worked out once."""

    def step(self, char: str, compiled: dict[str, re.Pattern[str]]) -> list[_Node]:
        if self.steps is None:
            self.steps = {}
        found = self.steps.get(char)
        if found is None:
            found = self.steps[char] = [child for regex, child in self.children.items()
                                        if compiled[regex].match(char)]
        return found


class StartIndex:
    """The patterns (by position in the list given) that can match where a text goes on
    with a given key: the ``length`` characters from that position (fewer at the end)."""

    def __init__(self, patterns: Sequence[re.Pattern[str]], length: int) -> None:
        self.length = length
        self._root = _Node()
        self._compiled: dict[str, re.Pattern[str]] = {}
        unknown = []
        for order, pattern in enumerate(patterns):
            prefixes = start_prefixes(pattern, length)
            if prefixes is None:
                unknown.append(order)
                continue
            for prefix in prefixes:
                node = self._root
                for regex in prefix:
                    if regex == _OPEN:
                        break
                    if regex not in self._compiled:
                        self._compiled[regex] = re.compile(regex)
                    node = node.children.get(regex) or node.children.setdefault(regex, _Node())
                node.ends |= {order}
        self.unknown: tuple[int, ...] = tuple(unknown)
        """Patterns whose starts could not be read: try them everywhere."""
        self._memo: dict[str, tuple[int, ...]] = {}
        self.known: Callable[[str], tuple[int, ...] | None] = self._memo.get
        """candidates(key) when it was asked before, else None (the memo's own lookup,
        kept for the hot loop of Scanner.matches)."""

    def first_chars(self) -> str:
        """A character class holding every character a pattern can start with (and a few
        more: every non-ASCII one)."""
        ascii_chars = {chr(code) for code in range(128) for regex in self._root.children
                       if self._compiled[regex].match(chr(code))}
        return "[" + "".join(map(re.escape, sorted(ascii_chars))) + "\\x80-\\U0010ffff]"

    def candidates(self, key: str) -> tuple[int, ...]:
        """The patterns, in list order, that may match at a position where the text goes
        on with ``key`` (without those in ``unknown``)."""
        found = self._memo.get(key)
        if found is None:
            orders: set[int] = set()
            states = [self._root]
            for char in key:
                states = [after for state in states for after in state.step(char,
                                                                              self._compiled)]
                if not states:
                    break
                for state in states:
                    orders |= state.ends
            if len(self._memo) > 200_000:  # a bound for long-lived processes
                self._memo.clear()
            found = self._memo[key] = tuple(sorted(orders))
        return found


class Scanner:
    """Every match of several patterns, each exactly as its own ``finditer`` finds them,
    in one pass over a text: a pattern is tried only at the positions where ``lead`` holds
    (a zero-width assertion that every pattern starts with, such as ``\\b``) and its
    first ``length`` characters fit. The index is built when first needed (about a tenth
    of a second for the time-expression rules), so that commands which extract nothing do
    not pay for it."""

    def __init__(self, patterns: Sequence[re.Pattern[str]], lead: str, length: int) -> None:
        self.patterns = tuple(patterns)
        self.lead = lead
        self.length = length
        self._index: StartIndex | None = None
        self._positions: re.Pattern[str] | None = None

    @property
    def index(self) -> StartIndex:
        """Where each pattern can start."""
        if self._index is None:
            self._index = StartIndex(self.patterns, self.length)
            lead = self.lead if all(_starts_with(p, self.lead) for p in self.patterns) else ""
            self._positions = re.compile(lead + self._index.first_chars())
        return self._index

    def matches(self, text: str, wanted: Callable[[int], bool] | None = None
                ) -> list[tuple[int, re.Match[str]]]:
        """(pattern's place in the list, match), ordered by where the matches start.

        ``wanted`` can veto a pattern for this text: it is asked when the pattern first
        matches (so that a cheap test runs only for patterns that match at all), and a
        vetoed pattern's matches are left out."""
        index = self.index
        assert self._positions is not None
        found: list[tuple[int, re.Match[str]]] = []
        resume: list[int] | None = None  # where each pattern's own scan goes on
        vetoed = len(text) + 1
        length, patterns, candidates = self.length, self.patterns, index.candidates
        # Nine positions in ten fit no pattern: the index's memo is read here, without
        # a call, and the rest of the loop is skipped for them.
        known = index.known
        for position in self._positions.finditer(text):
            at = position.start()
            key = text[at:at + length]
            orders = known(key)
            if orders is None:
                orders = candidates(key)
            if not orders:
                continue
            if resume is None:
                resume = [0] * len(patterns)
            for order in orders:
                if at < resume[order]:
                    continue
                match = patterns[order].match(text, at)
                if match is None:
                    continue
                if not resume[order] and wanted is not None and not wanted(order):
                    resume[order] = vetoed
                    continue
                resume[order] = match.end()
                found.append((order, match))
        for order in index.unknown:
            if wanted is None or wanted(order):
                found.extend((order, match) for match in self.patterns[order].finditer(text))
        return found


def _starts_with(pattern: re.Pattern[str], lead: str) -> bool:
    """True when every match of ``pattern`` starts where ``lead`` matches: the pattern's
    parse tree begins with lead's, outside any alternation, and no flag changes it."""
    if pattern.flags & (re.ASCII | re.LOCALE):
        return False
    try:
        parser = importlib.import_module("re._parser")
        head = parser.parse(lead).data
        body = parser.parse(pattern.pattern, pattern.flags).data
    except (ImportError, AttributeError, re.error):  # pragma: no cover - Python changed
        return False
    return len(body) > len(head) and repr(body[:len(head)]) == repr(head)
