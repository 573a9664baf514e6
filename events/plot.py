"""``events plot``: a timeline of events by type with the fatality range, and top actors.

Matplotlib is an optional extra (``conflict-events[plot]``), imported only when a plot
is drawn. The figures are built on :class:`matplotlib.figure.Figure` (no pyplot state),
returned to the caller (tests count their series) and saved by :func:`save`.

Timeline: one stacked bar per period (week or month) and ACLED event type, and on a
second axis the summed fatalities per period: a dot at the sum of the best figures and a
bar from the sum of the lowest to the sum of the highest figures claimed, so that a
period whose tolls are disputed shows a long bar. Actors: the events of the N actors in
most events (any role), one line each, per period.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text

from events import EXTRACTOR_VERSION
from events.db import Database, describe, sqlite_path
from events.errors import EventsError

INSTALL_HINT = 'plots need matplotlib: pip install "conflict-events[plot]"'
KINDS = ("timeline", "actors")
FORMATS = (".png", ".svg", ".pdf")
#: Spans longer than this are counted per month, shorter ones per week.
WEEKLY_UP_TO_DAYS = 180


class PlotError(EventsError):
    """Nothing to plot, or a plot cannot be written as asked."""


def missing_plot_extra() -> str | None:
    """Return the install hint when matplotlib is missing, else None."""
    return INSTALL_HINT if importlib.util.find_spec("matplotlib") is None else None


@dataclass(frozen=True)
class PlotFilters:
    countries: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    types: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = []
        if self.countries:
            parts.append("country " + ", ".join(self.countries))
        if self.types:
            parts.append("type " + ", ".join(self.types))
        if self.since:
            parts.append(f"from {self.since.isoformat()}")
        if self.until:
            parts.append(f"until {self.until.isoformat()}")
        return "; ".join(parts) or "no filters"


@dataclass
class PlotData:
    """The filtered events: (event_id, start day, type label, low, best, high, contested)."""

    events: list[tuple[int, dt.date, str, int | None, int | None, int | None, bool]]
    undated: int
    actors: dict[int, list[str]] = field(default_factory=dict)  # event_id -> actor names
    source: str = ""
    filters: PlotFilters = field(default_factory=PlotFilters)


def load(database: Database, filters: PlotFilters, *, with_actors: bool = True) -> PlotData:
    """Read the filtered events (events_flat, as export filters it) and their actors."""
    from events.export_query import Filters, _filter_clauses, _Params

    params = _Params()
    with database.engine.connect() as conn:
        clauses = _filter_clauses(
            conn,
            Filters(
                date_from=filters.since,
                date_to=filters.until,
                countries=filters.countries,
                types=filters.types,
            ),
            "events",
            params,
        )
        where = " AND ".join(clauses) or "1 = 1"
        rows = conn.execute(
            text(
                "SELECT v.event_id, v.date_start, COALESCE(v.acled_event_type, v.event_type), "
                "v.fatalities_low, v.fatalities_best, v.fatalities_high, v.contested "
                f"FROM events_flat v WHERE {where} ORDER BY v.date_start, v.event_id"
            ),
            params.values,
        ).all()
        actors: dict[int, list[str]] = defaultdict(list)
        if with_actors:
            for event_id, name in conn.execute(
                text(
                    "SELECT DISTINCT ea.event_id, a.name FROM events_flat v "
                    "JOIN event_actors ea ON ea.event_id = v.event_id "
                    f"JOIN actors a ON a.id = ea.actor_id WHERE {where}"
                ),
                params.values,
            ):
                actors[int(event_id)].append(str(name))
    events = []
    undated = 0
    for event_id, start, label, low, best, high, contested in rows:
        day = _day(start)
        if day is None:
            undated += 1
            continue
        events.append(
            (int(event_id), day, str(label or "unknown"), low, best, high, bool(contested))
        )
    path = sqlite_path(database.url)
    name = str(path) if path is not None else describe(database.url)
    return PlotData(events, undated, dict(actors), name, filters)


def _day(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def choose_period(days: Sequence[dt.date], by: str | None = None) -> str:
    """'week' or 'month': as asked, else weeks for spans up to WEEKLY_UP_TO_DAYS."""
    if by:
        return by
    if not days:
        return "month"
    return "week" if (max(days) - min(days)).days <= WEEKLY_UP_TO_DAYS else "month"


def period_start(day: dt.date, period: str) -> dt.date:
    if period == "week":
        return day - dt.timedelta(days=day.weekday())  # the Monday
    return day.replace(day=1)


def _periods(first: dt.date, last: dt.date, period: str) -> list[dt.date]:
    """Every period from the first to the last, empty ones included (gaps show)."""
    out, current = [], period_start(first, period)
    while current <= last:
        out.append(current)
        if period == "week":
            current += dt.timedelta(days=7)
        else:
            current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def _caption(data: PlotData, shown: int, extra: str = "") -> str:
    undated = f"; {data.undated} without a date not shown" if data.undated else ""
    return (
        f"{data.source} · {data.filters.describe()} · {shown} events{undated}{extra} · "
        f"extractor {EXTRACTOR_VERSION}"
    )


def _require(data: PlotData) -> None:
    if not data.events:
        more = f" ({data.undated} have no date)" if data.undated else ""
        raise PlotError(f"no dated events match the filters{more}: nothing to plot")


def _new_figure() -> Any:
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    # rect leaves room below the axes for the caption
    return Figure(figsize=(11, 6), layout=ConstrainedLayoutEngine(rect=(0, 0.04, 1, 0.96)))


def _date_axis(ax: Any) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def timeline(data: PlotData, *, by: str | None = None) -> Any:
    """Events per period stacked by type, with the summed fatality range on a second axis."""
    _require(data)
    period = choose_period([e[1] for e in data.events], by)
    periods = _periods(min(e[1] for e in data.events), max(e[1] for e in data.events), period)
    index = {p: i for i, p in enumerate(periods)}
    types = [t for t, _ in Counter(e[2] for e in data.events).most_common()]
    counts = {t: [0] * len(periods) for t in types}
    low, best, high = ([0] * len(periods) for _ in range(3))
    has_toll = [False] * len(periods)
    contested = [0] * len(periods)
    for _id, day, label, f_low, f_best, f_high, disputed in data.events:
        i = index[period_start(day, period)]
        counts[label][i] += 1
        figures = [f for f in (f_low, f_best, f_high) if f is not None]
        if figures:
            # The lowest and highest figure given, whichever columns hold them (a stored
            # best outside low-high, or a missing bound, still draws a range around it).
            has_toll[i] = True
            low[i] += min(figures)
            best[i] += f_best if f_best is not None else min(figures)
            high[i] += max(figures)
        contested[i] += disputed

    fig = _new_figure()
    ax = fig.add_subplot()
    import matplotlib.dates as mdates

    # Dates as matplotlib's day numbers, converted once (per-bar conversion is slow).
    starts = [float(mdates.date2num(p)) for p in periods]
    width = 5.0 if period == "week" else 22.0
    bottom = [0] * len(periods)
    for label in types:
        ax.bar(starts, counts[label], width=width, bottom=bottom, label=label, align="edge")
        bottom = [b + c for b, c in zip(bottom, counts[label], strict=True)]
    ax.set_ylabel(f"events per {period}")
    ax.set_xlabel(f"{period} (start)")
    _date_axis(ax)
    ax.set_ylim(0, max(bottom) * 1.08 + 0.5)  # the tallest stack, whole
    ax.yaxis.get_major_locator().set_params(integer=True)

    toll = fig.axes[0].twinx()
    centre = width / 2
    xs = [p + centre for p, ok in zip(starts, has_toll, strict=True) if ok]
    ys = [b for b, ok in zip(best, has_toll, strict=True) if ok]
    down = [b - lo for b, lo, ok in zip(best, low, has_toll, strict=True) if ok]
    up = [hi - b for b, hi, ok in zip(best, high, has_toll, strict=True) if ok]
    toll.errorbar(
        xs,
        ys,
        yerr=[down, up],
        fmt="o",
        color="black",
        ecolor="firebrick",
        elinewidth=2.5,
        capsize=3,
        markersize=4 if len(periods) > 40 else 6,
        label="fatalities: best (dot), low-high claimed (bar)",
    )
    toll.set_ylabel(f"fatalities per {period} (sum over events)")
    toll.set_ylim(0, max(high) * 1.08 + 0.5)
    handles, labels = ax.get_legend_handles_labels()
    h2, l2 = toll.get_legend_handles_labels()
    fig.legend(
        handles + h2,
        labels + l2,
        loc="outside right upper",
        fontsize="small",
        title="event type",
    )
    where = data.filters.countries and ", ".join(data.filters.countries)
    ax.set_title(f"Events per {period} by type{f' ({where})' if where else ''}")
    n_contested = sum(contested)
    extra = f"; {n_contested} contested" if n_contested else ""
    fig.text(0.01, 0.0, _caption(data, len(data.events), extra), fontsize="small", ha="left",
             va="bottom", color="dimgray")  # fmt: skip
    return fig


def actors(data: PlotData, *, top: int = 8, by: str | None = None) -> Any:
    """One lane per top actor (any role), a dot per period sized by its number of events."""
    _require(data)
    days = {e[0]: e[1] for e in data.events}
    per_actor = Counter(name for event_id in days for name in set(data.actors.get(event_id, [])))
    if not per_actor:
        raise PlotError("the matching events name no actors: nothing to plot")
    chosen = [name for name, _ in per_actor.most_common(top)]
    period = choose_period(list(days.values()), by)
    first = min(days.values())
    fig = _new_figure()
    ax = fig.add_subplot()
    width = dt.timedelta(days=3.5 if period == "week" else 15)  # the period's middle
    biggest = 1
    lanes = []
    for name in chosen:
        counts = Counter(
            period_start(day, period)
            for event_id, day in days.items()
            if name in data.actors.get(event_id, [])
        )
        biggest = max(biggest, *counts.values())
        lanes.append(counts)
    for lane, (name, counts) in enumerate(zip(chosen, lanes, strict=True)):
        xs = sorted(counts)
        sizes = [30 + 270 * counts[x] / biggest for x in xs]
        ax.scatter([x + width for x in xs], [lane] * len(xs), s=sizes, alpha=0.75, label=name)
        for x in xs:
            ax.annotate(
                str(counts[x]),
                (x + width, lane),
                xytext=(0, 9),
                textcoords="offset points",
                ha="center",
                fontsize="x-small",
            )
    ax.set_yticks(range(len(chosen)), [f"{n} ({per_actor[n]})" for n in chosen])
    ax.set_ylim(len(chosen) - 0.5, -0.5)  # the actor in most events on top
    last = max(days.values())
    ax.set_xlim(period_start(first, period) - width, period_start(last, period) + 3 * width)
    ax.set_xlabel(f"{period} (dot size and number: the actor's events that {period})")
    ax.grid(axis="y", color="lightgray", linewidth=0.5)
    _date_axis(ax)
    ax.set_title(f"The {len(chosen)} actors in most events, per {period} (any role)")
    fig.text(0.01, 0.0, _caption(data, len(days)), fontsize="small", ha="left", va="bottom",
             color="dimgray")  # fmt: skip
    return fig


def save(fig: Any, path: Path) -> None:
    """Write the figure; the format follows the file name (.png, .svg, .pdf)."""
    if path.suffix.lower() not in FORMATS:
        raise PlotError(f"{path}: name the picture .png, .svg or .pdf")
    try:
        fig.savefig(path, dpi=150)
    except OSError as exc:
        raise PlotError(f"cannot write {path}: {exc.strerror or exc}") from None
