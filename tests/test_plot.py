"""``events plot``: the pictures are written, and they draw the series the data has."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from events import EXTRACTOR_VERSION
from tests.conftest import invoke
from tests.test_serve import REPORTS, ingest_reports
from tests.test_snapshot import OTHER_REPORTS

NEEDS_PLOT = "the plot extra is not installed (pip install -e '.[plot]'); .ci/run installs it"


@pytest.fixture
def plotted_db(db: str, tmp_path: Path) -> str:
    ingest_reports(db, tmp_path, REPORTS + OTHER_REPORTS)
    return db


def load(db_arg: str, **filters):  # type: ignore[no-untyped-def]
    pytest.importorskip("matplotlib", reason=NEEDS_PLOT)
    from events import plot
    from events.db import open_database

    database = open_database(db_arg, readonly=True)
    try:
        return plot.load(database, plot.PlotFilters(**filters))
    finally:
        database.dispose()


def expected_types(data) -> set[str]:  # type: ignore[no-untyped-def]
    return {e[2] for e in data.events}


def test_timeline_stacks_one_series_per_type_and_draws_the_toll_range(plotted_db) -> None:
    from events import plot

    data = load(plotted_db)
    fig = plot.timeline(data)
    bars, toll = fig.axes
    assert len(bars.containers) == len(expected_types(data)) >= 3
    assert {c.get_label() for c in bars.containers} == expected_types(data)
    assert len(toll.containers) == 1  # the fatality ranges: one errorbar series
    # The contested Mopti attack: the bar of its week runs from the lowest toll claimed
    # to the highest (12 and 31 in the two reports).
    (ranges,) = toll.containers[0].lines[2]
    spans = [tuple(sorted((a[1], b[1]))) for a, b in ranges.get_segments()]
    mali = [e for e in data.events if e[6]]
    assert mali, "the two reports make a contested event"
    assert any(low <= 12 and high >= 31 for low, high in spans), spans
    caption = fig.texts[0].get_text()
    assert EXTRACTOR_VERSION in caption and "no filters" in caption


def test_timeline_period_follows_the_span(plotted_db) -> None:
    from events import plot

    data = load(plotted_db)
    days = [e[1] for e in data.events]
    assert (max(days) - min(days)).days <= plot.WEEKLY_UP_TO_DAYS
    assert "per week" in plot.timeline(data).axes[0].get_ylabel()
    assert "per month" in plot.timeline(data, by="month").axes[0].get_ylabel()
    assert plot.choose_period([dt.date(2024, 1, 1), dt.date(2024, 12, 1)]) == "month"


def test_filters_reach_the_plot_and_its_caption(plotted_db) -> None:
    from events import plot

    data = load(plotted_db, countries=("MLI",), since=dt.date(2024, 3, 1))
    assert data.events and all(e[1] >= dt.date(2024, 3, 1) for e in data.events)
    fig = plot.timeline(data)
    assert len(fig.axes[0].containers) == len(expected_types(data))
    assert "country MLI; from 2024-03-01" in fig.texts[0].get_text()


def test_actors_draws_one_lane_per_top_actor(plotted_db) -> None:
    from events import plot

    data = load(plotted_db)
    fig = plot.actors(data, top=3)
    (ax,) = fig.axes
    assert len(ax.collections) == 3
    assert len(ax.get_yticklabels()) == 3
    everyone = {n for names in data.actors.values() for n in names}
    assert len(plot.actors(data, top=30).axes[0].collections) == len(everyone)


@pytest.mark.parametrize("kind, name", [("timeline", "t.png"), ("actors", "a.svg")])
def test_cli_writes_the_picture(runner, plotted_db, tmp_path, kind, name) -> None:
    pytest.importorskip("matplotlib", reason=NEEDS_PLOT)
    out = tmp_path / name
    result = invoke(runner, "--db", plotted_db, "plot", kind, str(out), "--country", "MLI",
                    "--country", "ARM")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: {kind} of" in result.stderr
    data = out.read_bytes()
    assert len(data) > 5000
    assert data.startswith(b"\x89PNG") if name.endswith(".png") else b"<svg" in data[:1000]
    again = invoke(runner, "--db", plotted_db, "plot", kind, str(out))
    assert again.exit_code == 1 and "exists: add --force" in again.stderr
    assert invoke(runner, "--db", plotted_db, "plot", kind, str(out), "--force").exit_code == 0


def test_cli_refuses_what_it_cannot_draw(runner, plotted_db, tmp_path) -> None:
    pytest.importorskip("matplotlib", reason=NEEDS_PLOT)
    bad = invoke(runner, "--db", plotted_db, "plot", "timeline", str(tmp_path / "t.gif"))
    assert bad.exit_code == 2 and "name the picture .png, .svg or .pdf" in bad.stderr
    empty = invoke(runner, "--db", plotted_db, "plot", "timeline", str(tmp_path / "t.png"),
                   "--since", "2030-01-01")  # fmt: skip
    assert empty.exit_code == 1
    assert empty.stderr.strip() == "Error: no dated events match the filters: nothing to plot"
    assert not (tmp_path / "t.png").exists()
    unknown = invoke(runner, "--db", plotted_db, "plot", "timeline", str(tmp_path / "t.png"),
                     "--country", "Atlantis")  # fmt: skip
    assert unknown.exit_code == 1 and "unknown country 'Atlantis'" in unknown.stderr


def test_plot_without_the_extra_says_how_to_install(
    runner, sqlite_db, tmp_path, monkeypatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "matplotlib" else real(name, *a),
    )
    result = invoke(runner, "--db", sqlite_db, "plot", "timeline", str(tmp_path / "t.png"))
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == 'Error: plots need matplotlib: pip install "conflict-events[plot]"'
    )


def test_inconsistent_figures_still_draw_a_range() -> None:
    pytest.importorskip("matplotlib", reason=NEEDS_PLOT)
    from events import plot

    day = dt.date(2024, 3, 4)
    data = plot.PlotData(
        events=[
            (1, day, "Battles", 10, 40, 20, True),  # best above high
            (2, day, "Battles", None, 5, None, False),
            (3, day, "Battles", 7, None, None, False),
        ],
        undated=0,
    )
    fig = plot.timeline(data)
    (ranges,) = fig.axes[1].containers[0].lines[2]
    (segment,) = ranges.get_segments()
    assert sorted(y for _x, y in segment) == [10 + 5 + 7, 40 + 5 + 7]
