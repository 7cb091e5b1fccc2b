"""Spec files in tests/fixtures/: sentences and time expressions, one case per block."""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePosixPath

import pytest
from conftest import read_fixture_file

from timeline.model import Document, Sentence
from timeline.sentences import split_sentences
from timeline.temporal import Settings, find_document_mentions

FIXTURES = Path(__file__).parent / "fixtures"


def _doc(body: str, published: date | None = None) -> Document:
    return Document(id="doc", path=PurePosixPath("doc.md"), title="t", source=None, url=None,
                    published=published, published_from="front-matter" if published else "none",
                    published_note="", language="en", tags=(), draft=False, format="markdown",
                    body=body, body_line=1, digest="x")


def _cases(name: str) -> list[tuple[int, str, str, str]]:
    return read_fixture_file(FIXTURES / name)


@pytest.mark.parametrize(("line", "title", "text", "expected"), _cases("sentences.txt"),
                         ids=[c[1] for c in _cases("sentences.txt")])
def test_sentences(line: int, title: str, text: str, expected: str) -> None:
    doc = _doc(text)
    got = [" ".join(s.text.split()) for s in split_sentences(doc)]
    assert got == expected.split("\n"), f"sentences.txt:{line}: {title}"
    for s in split_sentences(doc):
        assert doc.body[s.start:s.end] == s.text


def _describe(text: str, published: date | None) -> list[str]:
    doc = _doc(text, published)
    sentences: tuple[Sentence, ...] = split_sentences(doc)
    mentions = find_document_mentions(sentences, published, Settings())
    out = []
    for m in mentions:
        assert doc.body[m.start:m.end] == m.text
        precision = m.span.precision.label if m.span else "-"
        out.append(f"{m.text} -> {m.timex_type} {m.value} {precision} {m.resolved_by}")
    return out or ["none"]


@pytest.mark.parametrize(("line", "title", "text", "expected"), _cases("temporal.txt"),
                         ids=[c[1] for c in _cases("temporal.txt")])
def test_temporal(line: int, title: str, text: str, expected: str) -> None:
    header, _, sentence = text.partition("\n")
    assert header.startswith("published: ")
    value = header.removeprefix("published: ").strip()
    published = None if value == "none" else date.fromisoformat(value)
    assert _describe(sentence, published) == expected.split("\n"), f"temporal.txt:{line}: {title}"
