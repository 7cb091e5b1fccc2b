"""Extraction results as bytes, between processes and in the cache: pickles that rebuild the
frozen dataclasses through their constructors, read back by an unpickler that knows only
those classes.

The generic ``__getstate__``/``__setstate__`` of frozen dataclasses set every field through
``object.__setattr__``; a call of the constructor with the field values is several times
cheaper. Measured on generated articles, per article: JSON (the cache's earlier format)
took 0.52 ms to encode and write and 0.30 ms to decode; this takes 0.07 ms to encode and
0.12 ms to decode, at 7 KB instead of 17 KB.

Equal dates come back as one DateSpan object (``span``).

``loads`` refuses any global but these classes, ``span`` and ``datetime.date`` (the "Restricting
Globals" recipe of the pickle documentation), so a cache entry can build extraction
records and nothing else.
"""

from __future__ import annotations

import copyreg
import dataclasses
import io
import pickle
from collections.abc import Callable
from datetime import date
from operator import attrgetter
from typing import Any

from timeline.model import (
    Citation,
    DateSpan,
    Document,
    Event,
    Extraction,
    Mention,
    Precision,
    Sentence,
)

RECORDS = (DateSpan, Sentence, Mention, Citation, Event, Extraction, Document)
"""The frozen dataclasses that cross processes or sit in the cache."""


def _by_fields(cls: type[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """Pickle a frozen dataclass as a call of its constructor with its field values."""
    values = attrgetter(*(f.name for f in dataclasses.fields(cls)))
    return lambda obj: (cls, values(obj))


def _precision(member: Precision) -> tuple[Any, ...]:
    return Precision, (int(member),)


_span_fields = attrgetter(*(f.name for f in dataclasses.fields(DateSpan)))
_SPANS: dict[tuple[Any, ...], DateSpan] = {}


def span(*fields: Any) -> DateSpan:
    """The DateSpan of these fields, one object for equal values: 4,000 articles' 29,000
    events have about 1,200 distinct dates, and sorted events that share their span objects
    are grouped by the index a run at a time (timeline.pagevalues.group_events)."""
    found = _SPANS.get(fields)
    if found is None:
        if len(_SPANS) >= 65_536:  # a bound for long-lived processes
            _SPANS.clear()
        found = _SPANS[fields] = DateSpan(*fields)
    return found


REDUCERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {
    **{cls: _by_fields(cls) for cls in RECORDS}, Precision: _precision,
    DateSpan: lambda value: (span, _span_fields(value))}
"""How each of our types is pickled (also registered with multiprocessing's pickler)."""

_TABLE = {**copyreg.dispatch_table, **REDUCERS}
_ALLOWED: dict[tuple[str, str], Any] = {
    **{(cls.__module__, cls.__qualname__): cls for cls in (*RECORDS, Precision)},
    ("datetime", "date"): date, (__name__, "span"): span}


def dumps(value: Any) -> bytes:
    """``value`` (records, tuples, dates, strings, numbers) as pickle bytes."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _TABLE
    pickler.dump(value)
    return buffer.getvalue()


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _ALLOWED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not an extraction record")
        return found


def loads(data: bytes) -> Any:
    """What ``dumps`` wrote. Raises pickle.UnpicklingError (or another exception of
    unpickling: EOFError, TypeError, ValueError ...) on damaged bytes and on any global
    that is not one of our records."""
    return _Unpickler(io.BytesIO(data)).load()


__all__ = ["RECORDS", "REDUCERS", "dumps", "loads", "span"]
