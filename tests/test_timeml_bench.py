"""bench/timeml.py's reading and scoring, on a TimeML snippet written for this test."""
# ruff: noqa: E501  (the TimeML snippet keeps its lines as the format has them)

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "timeml.py"

SNIPPET = """<?xml version="1.0" ?>
<TimeML>
<DCT><TIMEX3 tid="t0" type="DATE" value="2001-05-04" functionInDocument="CREATION_TIME">20010504</TIMEX3></DCT>
<TEXT>
The mill <EVENT eid="e1">closed</EVENT> on <TIMEX3 tid="t1" type="DATE" value="2001-05-02">Wednesday</TIMEX3> &amp; staff waited <TIMEX3 tid="t2" type="DURATION" value="P3W">three weeks</TIMEX3>. It reopens <TIMEX3 tid="t3" type="DATE" value="2001-06">next month</TIMEX3>.
</TEXT>
</TimeML>
"""


@pytest.fixture(scope="module")
def timeml() -> object:
    spec = importlib.util.spec_from_file_location("bench_timeml", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_timeml"] = module
    spec.loader.exec_module(module)
    return module


def test_reads_text_offsets_and_dct(timeml: object, tmp_path: Path) -> None:
    path = tmp_path / "doc.tml"
    path.write_text(SNIPPET, encoding="utf-8")
    doc = timeml.read_tml(path)  # type: ignore[attr-defined]
    assert doc.dct == "2001-05-04"
    assert [(g.text, g.type, g.value) for g in doc.gold] == [
        ("Wednesday", "DATE", "2001-05-02"), ("three weeks", "DURATION", "P3W"),
        ("next month", "DATE", "2001-06")]
    for g in doc.gold:
        assert doc.text[g.start:g.end] == g.text
    assert "& staff" in doc.text


def test_scores_by_the_te3_rules(timeml: object, tmp_path: Path) -> None:
    path = tmp_path / "doc.tml"
    path.write_text(SNIPPET, encoding="utf-8")
    doc = timeml.read_tml(path)  # type: ignore[attr-defined]
    timex = timeml.Timex  # type: ignore[attr-defined]
    start = doc.text.index("on Wednesday")
    weeks = doc.text.index("three weeks")
    system = [timex(start, start + 12, "on Wednesday", "DATE", "2001-05-02"),  # relaxed only
              timex(weeks, weeks + 11, "three weeks", "DURATION", "P21D"),  # wrong value
              timex(0, 3, "The", "DATE", "XXXX")]  # a false positive
    total = timeml.Score()  # type: ignore[attr-defined]
    timeml.score(doc, system, total)  # type: ignore[attr-defined]
    assert (total.system, total.gold, total.relaxed, total.strict) == (3, 3, 2, 1)
    assert (total.value_ok, total.type_ok) == (1, 2)
    assert len(total.misses) == 1 and "next month" in total.misses[0]


def test_our_extractor_through_the_cli(timeml: object, tmp_path: Path) -> None:
    path = tmp_path / "doc.tml"
    path.write_text(SNIPPET, encoding="utf-8")
    doc = timeml.read_tml(path)  # type: ignore[attr-defined]
    found = timeml.run_extract(doc, tmp_path)  # type: ignore[attr-defined]
    by_text = {t.text: t for t in found}
    assert by_text["Wednesday"].value == "2001-05-02"
    assert by_text["three weeks"].type == "DURATION"


def test_figures_computed_by_hand(timeml: object, tmp_path: Path) -> None:
    path = tmp_path / "doc.tml"
    path.write_text(SNIPPET, encoding="utf-8")
    doc = timeml.read_tml(path)  # type: ignore[attr-defined]
    timex = timeml.Timex  # type: ignore[attr-defined]
    weeks = doc.text.index("three weeks")
    month = doc.text.index("next month")
    # "three weeks" exact but with the wrong value; "month" only overlaps "next month" but
    # has the right value; "mill" matches nothing.
    system = [timex(weeks, weeks + 11, "three weeks", "DURATION", "P21D"),
              timex(month + 5, month + 10, "month", "DATE", "2001-06"),
              timex(4, 8, "mill", "DATE", "XXXX")]
    total = timeml.Score()  # type: ignore[attr-defined]
    timeml.score(doc, system, total)  # type: ignore[attr-defined]
    m = timeml.metrics(total)  # type: ignore[attr-defined]
    # 3 ours, 3 gold; 2 overlap ("three weeks", "month"), 1 of them exact ("three weeks").
    assert (m["strict_p"], m["strict_r"]) == pytest.approx((1 / 3, 1 / 3))
    assert m["strict_f1"] == pytest.approx(1 / 3)
    assert m["relaxed_f1"] == pytest.approx(2 / 3)
    # Values: "month" right, "three weeks" wrong -> accuracy 1/2, value F1 = 1/2 * 2/3.
    assert m["value_accuracy"] == pytest.approx(0.5)
    assert m["value_f1"] == pytest.approx(1 / 3)
    assert m["type_accuracy"] == pytest.approx(1.0)
    # By type: DATE gold 2 (Wednesday, next month), ours 2 (month, mill), 1 matched.
    date_figures = timeml.type_metrics(total, "DATE")  # type: ignore[attr-defined]
    assert (date_figures["p"], date_figures["r"]) == pytest.approx((0.5, 0.5))
    assert date_figures["value_accuracy"] == pytest.approx(1.0)
    duration = timeml.type_metrics(total, "DURATION")  # type: ignore[attr-defined]
    assert (duration["p"], duration["r"], duration["value_accuracy"]) == pytest.approx(
        (1.0, 1.0, 0.0))


def test_skips_without_timeml_files(timeml: object, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["timeml.py", str(tmp_path / "absent")])
    assert timeml.main() == 0  # type: ignore[attr-defined]
    assert "skipped" in capsys.readouterr().out
