"""``events query SQL``: read-only ad-hoc SQL with streamed output."""

from __future__ import annotations

import click
from events.cli.output import output_options, render


@click.command(
    epilog="""\b
Examples:
  events query "select event_type, count(*) from claims_flat group by 1" --table
  events query "select * from claims_flat where country = :c" -p c ARM --csv > arm.csv
  events query "select sentence, claimant, modality from claims_flat" --nl""",
)
@click.argument("sql")
@click.option(
    "-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
    help="Bind :NAME in the SQL to VALUE (repeatable; 12 and 0.5 bind as numbers).",
)  # fmt: skip
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop the query after this many seconds.",
)
@output_options
@click.pass_obj
def query(obj: dict, sql: str, params: tuple[tuple[str, str], ...], timeout: float | None,
          fmt: str, headers: bool) -> None:  # fmt: skip
    """Run a read-only SQL query and print the rows (JSON by default).

    Researchers query the views claims_flat (one row per claim) and
    events_flat (one row per event); any table can be read. Writes are refused.
    """
    from events.query import query_database, typed_value

    bound = {name: typed_value(value) for name, value in params}
    with query_database(obj["db"], sql, bound, timeout=timeout) as result:
        for warning in result.warnings:
            click.echo(f"warning: {warning}", err=True)
        render(result.columns, result.rows, fmt, headers=headers)
