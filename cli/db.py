"""``events init`` and ``events db upgrade|downgrade|current|check``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

# events.admin (the models, the seeds, the place index) and events.db (SQLAlchemy)
# are imported inside each command: `events db --help` needs neither.


@contextmanager
def _revision_errors() -> Iterator[None]:
    """Turn Alembic's complaints about a REVISION argument into usage errors."""
    from alembic.util.exc import CommandError

    try:
        yield
    except CommandError as exc:
        raise click.UsageError(f"{exc} (see `events db current`)") from None


@click.command(
    epilog="""\b
Examples:
  events init
  events --db /data/karabakh.db init
  events --db postgresql://localhost/conflict init"""
)
@click.pass_obj
def init(obj: dict) -> None:
    """Create or upgrade the schema and load the seed dictionaries.

    Safe to run again: it only adds what is missing.
    """
    from events import admin
    from events import db as dblib

    result = admin.init(
        obj["db"],
        on_index_build=lambda path: click.echo(
            f"building the place index in {path.parent} (once per machine and seed version, "
            "about 30 s)",
            err=True,
        ),
    )
    state = (
        "created" if result.revision_before is None
        else "upgraded" if result.revision_before != result.revision_after
        else "already current"
    )  # fmt: skip
    click.echo(
        f"{dblib.describe(result.url)}: schema {state} (revision {result.revision_after})", err=True
    )
    for table, count in result.counts.items():
        click.echo(f"  {table:<14} {count:>8,}", err=True)
    click.echo(f"  place index    {result.place_index}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)


@click.group(
    "db",
    epilog="""\b
Examples:
  events db current
  events db upgrade
  events db downgrade base --yes
  events db check""",
)
def db_group() -> None:
    """Manage the schema with its migrations."""


@db_group.command()
@click.argument("revision", default="head")
@click.pass_obj
def upgrade(obj: dict, revision: str) -> None:
    """Migrate the schema up to REVISION (default: head).

    Example: events db upgrade
    """
    from events import db as dblib

    with _revision_errors():
        warnings = dblib.upgrade(dblib.resolve_url(obj["db"]), revision)
    click.echo(f"upgraded to {revision}", err=True)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def _on_terminal() -> bool:
    return sys.stdin.isatty()


@db_group.command()
@click.argument("revision", default="-1")
@click.option("-y", "--yes", is_flag=True, help="Do not ask; needed when not on a terminal.")
@click.pass_obj
def downgrade(obj: dict, revision: str, yes: bool) -> None:
    """Migrate the schema down to REVISION (default: one step; 'base' removes all).

    Downgrading drops what the newer revisions added (tables with their data),
    so it asks first on a terminal and otherwise needs --yes.

    Example: events db downgrade base --yes
    """
    from events import admin
    from events import db as dblib

    url = dblib.resolve_url(obj["db"])
    before, _head = admin.current(obj["db"])
    if before is not None and not yes:
        where = dblib.describe(url)
        if not _on_terminal():
            raise click.ClickException(
                f"downgrading {where} to {revision} may drop tables and their data: "
                "add --yes to confirm"
            )
        click.confirm(
            f"Downgrade {where} from {before} to {revision}? "
            "This drops what the newer revisions added, with its data.",
            abort=True,
            err=True,
        )
    with _revision_errors():
        dblib.downgrade(url, revision)
    click.echo(f"downgraded to {revision}", err=True)


@db_group.command()
@click.pass_obj
def current(obj: dict) -> None:
    """Print the database's revision and the one this program needs.

    Example: events db current
    """
    from events import admin

    revision, head = admin.current(obj["db"])
    click.echo(f"database: {revision or '(empty)'}")
    click.echo(f"program:  {head}")
    if revision != head:
        click.echo(
            "run `events db upgrade` to bring the database to the program's revision", err=True
        )


@db_group.command()
@click.pass_obj
def check(obj: dict) -> None:
    """Check that the models and the migrations describe the same schema.

    Example: events db check
    """
    from events import admin

    what, diffs = admin.check(obj["db"])
    if diffs:
        for d in diffs:
            click.echo(d, err=True)
        raise click.ClickException(
            f"models and migrations disagree ({len(diffs)} differences in {what}): "
            "write a migration (alembic revision --autogenerate)"
        )
    click.echo(f"models and migrations agree ({what})", err=True)
