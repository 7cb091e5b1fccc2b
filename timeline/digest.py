"""Stable digests of the pipeline's values: what a rebuild compares to know what it may reuse.

A digest is the same in every process (unlike ``hash()``, which is salted per process), so
one build can store it in ``.timeline-cache/`` and the next can compare. Values are turned
into plain tuples field by field (every field of a dataclass, so a field added to the model
is covered without touching this module), then marshalled and hashed.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import marshal
import operator
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from pathlib import Path, PurePath
from typing import Any

_SCALARS = frozenset({str, int, float, bool, type(None), bytes})
_CONVERTERS: dict[type, Callable[[Any], Any]] = {}


def plain(value: Any) -> Any:
    """``value`` as nested tuples of str, int, float, bool, bytes and None."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    convert = _CONVERTERS.get(kind)
    if convert is None:
        convert = _CONVERTERS[kind] = _converter(kind)
    return convert(value)


def _is_scalar(hint: Any) -> bool:
    """Whether a field's annotation only allows values that marshal takes as they are."""
    if hint in _SCALARS:
        return True
    args = typing.get_args(hint)
    if typing.get_origin(hint) is typing.Literal:
        return all(type(a) in _SCALARS for a in args)
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return all(_is_scalar(a) for a in args)
    return False


def _converter(kind: type) -> Callable[[Any], Any]:
    if dataclasses.is_dataclass(kind):
        # Fields typed as scalars go through as they are (marshal rejects anything else,
        # and digest() then converts strictly); only the others are converted.
        names = [f.name for f in dataclasses.fields(kind)]
        try:
            hints = typing.get_type_hints(kind)
        except (NameError, TypeError):
            hints = {}
        nested = [i for i, name in enumerate(names) if not _is_scalar(hints.get(name))]
        label = kind.__qualname__
        get: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*names) if len(names) > 1 \
            else (lambda v: (getattr(v, names[0]),))
        if not nested:
            return lambda v: (*get(v), label)

        def convert(value: Any) -> Any:
            values = list(get(value))
            for i in nested:
                values[i] = plain(values[i])
            values.append(label)
            return tuple(values)

        return convert
    if issubclass(kind, enum.IntEnum):
        return int
    if issubclass(kind, enum.Enum):
        return lambda v: plain(v.value)
    if issubclass(kind, date):  # datetime too
        return kind.isoformat
    if issubclass(kind, PurePath):
        return lambda v: v.as_posix()
    if issubclass(kind, (tuple, list)):
        return lambda v: tuple([x if type(x) in _SCALARS else plain(x) for x in v]) if v else ()
    if issubclass(kind, (set, frozenset)):
        return lambda v: tuple(sorted(map(repr, v)))
    if issubclass(kind, Mapping):
        return lambda v: ("{}", *((plain(k), plain(x)) for k, x in v.items()))
    if issubclass(kind, str):  # Markup and other str subclasses
        return str
    if issubclass(kind, int):
        return int
    return repr


MARSHAL_VERSION = 2
"""Versions 3 and later write a shared object once and refer back to it, so equal values
could give different bytes; version 2 writes every value out."""


def digest(*values: Any) -> str:
    """A short hex digest of ``values``, stable across processes and runs."""
    try:  # plain values (strings, and tuples and lists of them) need no conversion
        data = marshal.dumps(values, MARSHAL_VERSION)
    except ValueError:
        try:
            data = marshal.dumps(plain(values), MARSHAL_VERSION)
        except ValueError:  # a field held something other than its annotation says
            data = marshal.dumps(_strict(values), MARSHAL_VERSION)
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _strict(value: Any) -> Any:
    """Like plain(), but every field converted (never relying on annotations)."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if dataclasses.is_dataclass(value):
        return (kind.__qualname__, *(_strict(getattr(value, f.name))
                                     for f in dataclasses.fields(value)))
    if isinstance(value, (tuple, list)):
        return tuple(_strict(v) for v in value)
    if isinstance(value, Mapping):
        return ("{}", *((_strict(k), _strict(v)) for k, v in value.items()))
    return plain(value)


__all__ = ["digest", "plain"]


@cache
def modules_digest(names: tuple[str, ...]) -> str:
    """A hash of the source of these timeline modules (by name, in this order): what the
    extraction cache, the page records and the build stamp check so that a changed timeline
    never reuses what an older one made."""
    h = hashlib.sha256()
    folder = Path(__file__).parent
    for name in names:
        h.update(name.encode() + b"\0" + (folder / f"{name}.py").read_bytes())
    return h.hexdigest()
