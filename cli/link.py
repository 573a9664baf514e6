"""``events relink``: recompute which claims form one event, deterministically."""

from __future__ import annotations

import datetime as dt
import re

import click

from events.db import open_database
from events.errors import InputError
from events.linking.relink import relink as run_relink


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


@click.command(
    "relink",
    epilog="""\b
Examples:
  events relink
  events relink --country MLI
  events relink --since 2024-03-01 --until 2024-03-31""",
)
@click.option(
    "--country", metavar="ISO3", help="Only claims placed in this country (ISO 3166 alpha-3)."
)
@click.option("--since", metavar="DATE", help="Only claims dated on or after DATE (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Only claims dated on or before DATE (YYYY-MM-DD).")
@click.pass_obj
def relink(obj: dict, country: str | None, since: str | None, until: str | None) -> None:
    """Recompute the grouping of claims into events.

    Compares the claims again (type family, place, dates, actors, as ingest
    does) and regroups them: the result does not depend on the order in which
    the articles were ingested. A filter selects claims by the country of their
    place and by date; their articles and events are regrouped whole. Claims a
    person put in an event (events merge/split) stay there. One transaction: if
    interrupted, the old grouping stays. Prints a summary line on stderr.
    """
    if country is not None and not re.fullmatch(r"[A-Za-z]{3}", country):
        raise InputError(f"--country {country!r} is not an ISO 3166 alpha-3 code (e.g. MLI)")
    start, end = _date(since, "--since"), _date(until, "--until")
    if start and end and start > end:
        raise InputError(f"--since {since} is after --until {until}")
    database = open_database(obj["db"])
    try:
        with database.session() as session, session.begin():
            result = run_relink(session, country.upper() if country else None, start, end)
    finally:
        database.dispose()
    click.echo(
        f"relinked {result.claims} claims: {result.events_before} events -> "
        f"{result.events_after} events ({result.links} links)",
        err=True,
    )
