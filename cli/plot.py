"""``events plot timeline|actors OUT``: pictures of the events (the plot extra)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from events.db import open_database
from events.plot import FORMATS, KINDS, PlotFilters, missing_plot_extra


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


@click.command(
    epilog="""\b
Examples:
  events plot timeline out.png --country MLI
  events plot timeline mali-2024.svg --country Mali --since 2024-01-01 --by week
  events plot actors actors.png --top 5 --type Battles
  events plot timeline out.png --force      # replace out.png""",
)
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--country", "countries", multiple=True, metavar="CODE_OR_NAME",
              help="Events in this country (ISO alpha-3 or name; repeatable).")  # fmt: skip
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Events starting on or after this day.")  # fmt: skip
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Events starting on or before this day.")  # fmt: skip
@click.option("--type", "types", multiple=True, metavar="TYPE",
              help="PLOVER type or ACLED event/sub-event type (repeatable).")  # fmt: skip
@click.option("--by", type=click.Choice(["week", "month"]),
              help="Count per week or month (default: weeks up to a 6-month span).")  # fmt: skip
@click.option("--top", type=click.IntRange(1, 30), default=8, show_default=True,
              help="actors: how many actors to draw.")  # fmt: skip
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.pass_obj
def plot(
    obj: dict,
    kind: str,
    out: Path,
    countries: tuple[str, ...],
    since: dt.datetime | None,
    until: dt.datetime | None,
    types: tuple[str, ...],
    by: str | None,
    top: int,
    force: bool,
) -> None:
    """Draw the events as a picture (.png, .svg or .pdf).

    \b
    timeline  events per week or month stacked by ACLED event type, and the
              summed fatalities: a dot at the best figures, a bar from the
              lowest to the highest claimed, so disputed tolls stand out.
    actors    the events of the actors in most events, per week or month.

    The caption names the database, the filters and the extractor version.
    Needs the plot extra: pip install "conflict-events[plot]".
    """
    hint = missing_plot_extra()
    if hint:
        raise click.ClickException(hint)
    if out.suffix.lower() not in FORMATS:
        raise click.UsageError(f"{out}: name the picture .png, .svg or .pdf")
    if out.exists() and not force:
        raise click.ClickException(f"{out} exists: add --force to replace it")
    from events import plot as plotting

    filters = PlotFilters(countries, _date(since), _date(until), types)
    database = open_database(obj["db"], readonly=True)
    try:
        data = plotting.load(database, filters, with_actors=kind == "actors")
    finally:
        database.dispose()
    if kind == "timeline":
        fig = plotting.timeline(data, by=by)
    else:
        fig = plotting.actors(data, top=top, by=by)
    plotting.save(fig, out)
    undated = f" ({data.undated} without a date left out)" if data.undated else ""
    click.echo(f"wrote {out}: {kind} of {len(data.events)} events{undated}", err=True)
