"""The TimeML evaluation: creation times, any folder of TimeML, and its floor on WikiWars."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from events.errors import EventsError
from events.evaluate import wikiwars
from events.evaluate.timeml import creation_date, evaluate, timeml_files
from tests.conftest import invoke

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
WIKIWARS = SHARED / "wikiwars" / "tagged_timex3"
FLOORS = Path(__file__).with_name("eval_floors.json")

NEWS = """<?xml version="1.0" ?>
<TimeML>
<DOCID>t1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2021-05-05" functionInDocument="CREATION_TIME">May 5, 2021</TIMEX3></DCT>
<TEXT>
Militants attacked an army post in Djibo on <TIMEX3 tid="t1" type="DATE" value="2021-05-03">Monday</TIMEX3>. The army said it had lost four soldiers in <TIMEX3 tid="t2" type="DURATION" value="P2D">two days</TIMEX3>. Talks were held in <TIMEX3 tid="t3" type="DATE" value="2021-04">April</TIMEX3>.
</TEXT>
</TimeML>
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_creation_time_is_the_creation_time_timex(tmp_path: Path) -> None:
    assert creation_date(write(tmp_path, "a.tml", NEWS)) == dt.date(2021, 5, 5)
    inline = NEWS.replace("<DCT>", "").replace("</DCT>", "")  # not in a DCT element
    assert creation_date(write(tmp_path, "b.tml", inline)) == dt.date(2021, 5, 5)
    bare = NEWS.replace(' functionInDocument="CREATION_TIME"', "")
    assert creation_date(write(tmp_path, "c.tml", bare)) is None


def test_news_anchoring_reads_weekdays_from_the_creation_time(tmp_path: Path) -> None:
    write(tmp_path, "a.tml", NEWS)
    report = evaluate(tmp_path)
    span, value = report.scores["date.span"], report.scores["date.value"]
    assert (span.tp, span.fn) == (2, 0), report.notes
    assert value.tp == 2, report.notes  # Monday = 2021-05-03, April = 2021-04


def test_a_folder_without_timeml_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(EventsError, match="no TimeML files"):
        timeml_files(tmp_path)
    with pytest.raises(EventsError, match="not found"):
        timeml_files(tmp_path / "none")
    write(tmp_path, "broken.tml", "<TimeML><TEXT>oops</TimeML>")
    with pytest.raises(EventsError, match="not TimeML"):
        evaluate(tmp_path)


def wikiwars_or_skip() -> Path:
    if not WIKIWARS.is_dir():
        pytest.skip(f"WikiWars TIMEX3 files not available under {SHARED} (../shared is absent)")
    return WIKIWARS


def test_narrative_anchoring_reproduces_the_wikiwars_evaluator() -> None:
    folder = wikiwars_or_skip()
    mine = evaluate(folder, limit=3, mode="narrative")
    theirs = wikiwars.evaluate(SHARED, limit=3)
    for field in ("date.span", "date.value"):
        a, b = mine.scores[field], theirs.scores[field]
        assert (a.tp, a.fp, a.fn) == (b.tp, b.fp, b.fn), field


def test_timeml_scores_on_wikiwars_stay_above_their_floors() -> None:
    folder = wikiwars_or_skip()
    floors = json.loads(FLOORS.read_text())["timeml"]
    report = evaluate(folder)
    for name, floor in floors.items():
        field, _, metric = name.rpartition(".")
        value = getattr(report.scores[field], metric)
        assert value >= floor, f"{name} {value:.4f} fell below {floor}: {report.notes}"


def test_eval_timeml_prints_span_and_value(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path, "a.tml", NEWS)
    result = invoke(runner, "eval", "timeml", str(tmp_path), "--csv")
    assert result.exit_code == 0, result.output
    rows = {r["field"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["date.value"]["tp"] == "2"
    assert "1 TimeML documents" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["timeml"], "timeml needs a folder of TimeML files"),
        (["wikiwars", "--anchor", "news"], "--anchor applies to timeml only"),
        (["reading", "--data", "."], "reading reads PATH, not --data"),
    ],
)
def test_eval_path_usage_errors(runner, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "eval", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
