"""The fast paths of rendering equal the slow ones they replace, and digests are stable."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote as url_quote

import markupsafe
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from timeline.build import _EXTRACTION_MODULES, build, make_cache
from timeline.config import load_config
from timeline.digest import digest, plain
from timeline.export import encode
from timeline.ical import LINE_OCTETS, fold
from timeline.model import Citation, DateSpan, Event, Precision
from timeline.pagekeys import RENDER_MODULES
from timeline.pagevalues import INLINE_MARKUP
from timeline.stamp import MERGE_MODULES
from timeline.theme import Theme, escape
from timeline.urls import link

REPO = Path(__file__).resolve().parent.parent
TEXT = st.text(alphabet=st.sampled_from(list("ab Z09é“”中😀\"'\\/\n\r\t\x00\x1f&<>*_[]!`#:;,-")),
               max_size=40)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=25)


@given(JSON)
def test_encode_is_json_dumps_with_indent_one(value: Any) -> None:
    assert encode(value) == json.dumps(value, ensure_ascii=False, indent=1)
    assert encode([value, {"k": value}], " ") == json.dumps(
        [value, {"k": value}], ensure_ascii=False, indent=1).replace("\n", "\n ")


class _Html:
    def __html__(self) -> str:
        return "<b>&amp;</b>"


class _Text(str):
    pass


@given(st.one_of(TEXT, TEXT.map(markupsafe.Markup), TEXT.map(_Text), st.integers(),
                 st.floats(allow_nan=False), st.none(), st.just(_Html())))
def test_the_templates_escape_as_markupsafe_does(value: Any) -> None:
    expected = markupsafe.escape(value)
    assert escape(value) == expected
    assert type(escape(value)) is type(expected)


def test_compiled_templates_escape_with_the_fast_escape(tmp_path: Path) -> None:
    env = Theme("t", (tmp_path,), tmp_path).environment()
    template = env.from_string("{{ x }}|{{ y }}")
    assert template.root_render_func.__globals__["escape"] is escape
    assert template.render(x="<a href='&'>", y=markupsafe.Markup("<i>")) == \
        "&lt;a href=&#39;&amp;&#39;&gt;|<i>"


def test_templates_get_their_globals_as_a_plain_dict(tmp_path: Path) -> None:
    """Not Jinja's ChainMap, which every render and include iterated in Python; the same
    names: the environment's (range, namespace ...) under a template's own."""
    (tmp_path / "t.html").write_text(
        "{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}"
        "{% endfor %}{{ ns.n }} {{ extra }}", encoding="utf-8")
    env = Theme("t", (tmp_path,), tmp_path).environment()
    template = env.get_template("t.html", globals={"extra": "own", "range": range})
    assert type(template.globals) is dict
    assert set(env.globals) <= set(template.globals) and template.globals["extra"] == "own"
    assert template.render() == "3 own"
    assert "extra" not in env.globals


def _fold_by_character(line: str) -> str:
    """The plain definition: add characters until the next would pass 75 (then 74) octets."""
    pieces: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            pieces.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1
        current += char
        size += octets
    pieces.append(current)
    return "\r\n ".join(pieces) + "\r\n"


@given(st.text(alphabet=st.sampled_from(list("abc ;,\\é“中😀")), max_size=400))
def test_fold_cuts_where_the_definition_does(line: str) -> None:
    assert fold(line) == _fold_by_character(line)


@settings(max_examples=300)
@given(TEXT, st.booleans())
def test_plain_sentences_render_as_markdown_would(text: str, html: bool) -> None:
    if INLINE_MARKUP.search(text) is None:
        md = MarkdownIt("commonmark", {"html": html, "linkify": False})
        assert md.renderInline(text) == text.replace('"', "&quot;")


@given(st.text(alphabet=st.sampled_from(list("aZ09_.~/-#?% é中+=&")), max_size=20),
       st.booleans())
def test_link_encodes_as_quote_does(path: str, index: bool) -> None:
    assert link(path + ("index.html" if index else "")) == url_quote(path, safe="/")


def _event(quote: str = "The port closed on 3 March 2025.") -> Event:
    span = DateSpan(dt.date(2025, 3, 3), dt.date(2025, 3, 3), Precision.DAY)
    return Event("e1", span, "The port closed", quote,
                 (Citation("a", 0, 5, quote, "3 March 2025", "the text gives the day"),),
                 actors=("Port",), merge_notes=("same day",))


def test_digests_do_not_depend_on_object_identity() -> None:
    quote = "The port closed on 3 March 2025."
    copy = "".join(list(quote))  # equal, but another object
    assert copy is not quote
    assert digest(_event(quote)) == digest(_event(copy))
    assert digest(plain(_event(quote)), [quote, quote]) == digest(plain(_event(copy)),
                                                                  [quote, copy])
    assert digest(_event()) != digest(_event("The port closed on 4 March 2025."))


def test_digests_are_the_same_in_another_process() -> None:
    code = ("from tests.test_render_units import _event\nfrom timeline.digest import digest\n"
            "print(digest(_event(), 'x', [1, None]))")
    other = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                           text=True, check=True, env={"PYTHONHASHSEED": "123", "PATH": ""})
    assert other.stdout.strip() == digest(_event(), "x", [1, None])


def test_the_render_digest_covers_every_module_rendering_imports() -> None:
    code = ("import sys, timeline.render, timeline.publish\n"
            "print(' '.join(m.split('.', 1)[1] if '.' in m else '__init__'\n"
            "               for m in sys.modules if m.split('.')[0] == 'timeline'))")
    found = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                           text=True, check=True).stdout.split()
    missing = set(found) - set(RENDER_MODULES) - {"publish", "stamp"}
    assert not missing, f"add {sorted(missing)} to pagekeys.RENDER_MODULES"


def test_the_build_stamp_covers_every_module_a_build_imports() -> None:
    """A build that changes nothing is skipped (timeline.stamp): its code must count."""
    code = ("import sys, timeline.build\n"
            "print(' '.join(m.split('.', 1)[1] if '.' in m else '__init__'\n"
            "               for m in sys.modules if m.split('.')[0] == 'timeline'))")
    found = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                           text=True, check=True).stdout.split()
    covered = {*RENDER_MODULES, *_EXTRACTION_MODULES, *MERGE_MODULES}
    missing = set(found) - covered
    assert not missing, f"add {sorted(missing)} to stamp.MERGE_MODULES"


def test_a_source_page_links_each_sentence_to_each_event_once(tmp_path: Path) -> None:
    """An event citing one sentence twice (as its dated sentence and as another report's
    context) is linked from it once; two events citing it are both linked, in order."""
    from pathlib import PurePosixPath

    from timeline.model import Document, Extraction, Sentence, Timeline
    from timeline.pagekeys import SiteKeys
    from timeline.pieces import Reuse
    from timeline.render import _Renderer
    from timeline.theme import load_theme

    texts = ["Wang Yi met Aydin.", "They met on 3 March 2025.", "Aydin left on 4 March 2025."]
    body = " ".join(texts)
    sentences = tuple(Sentence("a", i, t, body.index(t), body.index(t) + len(t), 5, 0)
                      for i, t in enumerate(texts))
    doc = Document(id="a", path=PurePosixPath("a.md"), title="A", source=None, url=None,
                   published=dt.date(2025, 3, 5), published_from="front-matter",
                   published_note="", language="en", tags=(), draft=False, format="markdown",
                   body=body, body_line=5, digest="0")
    span = DateSpan(dt.date(2025, 3, 3), dt.date(2025, 3, 3), Precision.DAY)
    met = Event("met", span, "Wang Yi met Aydin", texts[1], (
        Citation("a", 1, 5, texts[1], context=texts[0], context_sentence=0),
        Citation("a", 0, 5, texts[0])))
    left = Event("left", span, "Aydin left", texts[2], (
        Citation("a", 2, 5, texts[2], context=texts[0], context_sentence=0),))
    timeline = Timeline((doc,), (met, left), {"a": Extraction(sentences, (), ())})
    config = load_config(tmp_path)
    theme = load_theme(config)
    renderer = _Renderer(timeline, config, theme, theme.environment(), Reuse(),
                         SiteKeys("", "", "", {}, {}, {}, {}))
    shown = [[e.id for e in s.events] for block in renderer.source_blocks(doc)
             for s in block.sentences]
    assert shown == [["met", "left"], ["met"], ["left"]]


def test_a_template_that_changes_the_card_placeholders_still_gets_the_cards(
        make_site: Callable[..., Path]) -> None:
    index = ('{% extends "!default/index.html" %}{% block timeline %}'
             '{% for event in events %}{{ event_card(event)|replace("class=", "data-x=") }}'
             '{% endfor %}{% endblock %}')
    site = make_site({"content/a.md": "---\npublished: 2025-03-05\n---\n"
                      "The port closed on 3 March 2025.\n",
                      "themes/default/index.html": index})
    config = load_config(site)
    build(config, cache=make_cache(config, use_disk=False))
    page = (config.output_dir / "index.html").read_text()
    assert 'data-x="event' in page and "The port closed" in page
    assert "\x00" not in page


def test_template_calls_behave_as_in_jinja(tmp_path: Path) -> None:
    """The theme's context calls plain functions itself; what it hands back to Jinja (a
    function asking for the context, a macro with a caller, a callable object, keyword
    arguments, a StopIteration) comes out as Jinja's own Context would make it."""
    import jinja2

    from timeline.theme import Theme

    (tmp_path / "t.html").write_text(
        "{% macro box(x) %}[{{ x }}{{ caller() if caller }}]{% endmacro %}"
        "{% for i in range(2) %}{{ plain(i, k='v') }} {{ needs(i) }} {% endfor %}"
        "{% call box(1) %}c{% endcall %} {{ obj(3) }} {{ stop() is undefined }}"
        " {{ m.asks(5) }} {{ m.plain(6) }} {{ d.get('a', 'z') }} {{ when.isoformat() }}")

    @jinja2.pass_context
    def needs(context: Any, i: int) -> str:
        return f"{context['tag']}{i}"

    class Obj:
        def __call__(self, n: int) -> str:
            return "o" * n

    def stop() -> None:
        raise StopIteration

    class Methods:
        @jinja2.pass_context
        def asks(self, context: Any, i: int) -> str:
            return f"{context['tag']}{i}"

        def plain(self, i: int) -> str:
            return f"<{i}>"

    values = {"plain": lambda i, k: f"<{i}{k}>", "needs": needs, "obj": Obj(), "stop": stop,
              "tag": "t", "m": Methods(), "d": {}, "when": dt.date(2025, 3, 3)}
    ours = Theme("t", (tmp_path,), tmp_path).environment()
    plain_jinja = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)),
                                     autoescape=True, undefined=jinja2.StrictUndefined)
    assert type(ours.get_template("t.html").new_context(values)) is not jinja2.runtime.Context
    expected = plain_jinja.get_template("t.html").render(values)
    assert ours.get_template("t.html").render(values) == expected
    assert expected == "&lt;0v&gt; t0 &lt;1v&gt; t1 [1c] ooo True t5 &lt;6&gt; z 2025-03-03"
