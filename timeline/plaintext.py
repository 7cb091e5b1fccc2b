"""What a reader of a rendered article sees of a sentence written in Markdown: the text of
links, tags and code, without their marks (for titles, summaries, names and quotes)."""

from __future__ import annotations

import re

EMPHASIS = re.compile(r"(\*\*|__|\*)(?=\S)(.+?)(?<=\S)\1")
"""Markdown emphasis around words: **April 2:**, *sic*."""

_MARKUP = (
    (re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)"), r"\1"),  # [text](url), ![alt](src)
    (re.compile(r"\[([^\]\n^]+)\]\[[^\]\n]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"\[\^[^\]\n]*\]:?"), ""),  # footnote marks
    (re.compile(r"</?[A-Za-z][^<>\n]*>"), ""),  # HTML tags
    (re.compile(r"`([^`\n]*)`"), r"\1"),  # `code`
    (re.compile(r"^(?:\s*>)+\s*"), ""),  # > a quoted block
)
"""Markdown and HTML in a sentence, and what a reader sees of each."""


def plain(text: str) -> str:
    """A sentence as a reader of the rendered article sees it: without link targets, HTML
    tags, code marks, footnote marks or quote markers."""
    if not any(ch in text for ch in "[<`>"):
        return text
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text


def reader_text(text: str) -> str:
    """A quoted sentence as a reader of the rendered article sees it: plain(), and without
    emphasis marks ("**3 March**")."""
    text = plain(text)
    return EMPHASIS.sub(r"\2", text) if "*" in text or "__" in text else text
