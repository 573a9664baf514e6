"""Entry point: the ``events`` group, its global options and error handling."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import click

from events import EXTRACTOR_VERSION, __version__
from events.errors import EventsError, SchemaOutOfDate

EPILOG = """\b
Examples:
  events init                         create ./events.db and load the dictionaries
  events ingest seeds/samples/        extract events from articles
  events query "select * from claims_flat limit 5" --table
  events --db postgresql://localhost/conflict init
"""


class EventsGroup(click.Group):
    """A group that turns domain errors into one readable line and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SchemaOutOfDate as exc:
            raise click.ClickException(str(exc)) from None
        except EventsError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group(
    cls=EventsGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--db",
    metavar="PATH_OR_URL",
    envvar="EVENTS_DB",
    help="SQLite file or SQLAlchemy URL (postgresql://...). Default: $EVENTS_DB, then ./events.db.",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Log extraction details to stderr, the libraries' own messages included.",
)
@click.version_option(__version__, message=f"%(prog)s %(version)s (extractor {EXTRACTOR_VERSION})")
@click.pass_context
def cli(ctx: click.Context, db: str | None, verbose: bool) -> None:
    """Build a database of claimed conflict events from news articles.

    Every event keeps its evidence: the sentence, its offsets, who claims it,
    how firmly, and the extractor version that found it.
    """
    handler = logging.StreamHandler(sys.stderr)
    if not verbose:
        # trafilatura, htmldate and justext log WARNING and ERROR lines about
        # pages they cannot read ("discarding data: None"); the ingest report
        # already says what happened to each article, in its own words.
        handler.addFilter(_own_messages)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        handlers=[handler],
    )
    ctx.obj = {"db": db}


def _own_messages(record: logging.LogRecord) -> bool:
    """Let through the program's own log records only (not its libraries')."""
    return record.name == "events" or record.name.startswith("events.")


def _register() -> None:
    from events.cli import db as db_cmds
    from events.cli import evaluate, ingest, plot, query, serve, show
    from events.cli.export import export_command

    cli.add_command(db_cmds.init)
    cli.add_command(db_cmds.db_group)
    cli.add_command(ingest.ingest)
    cli.add_command(query.query)
    cli.add_command(show.show)
    cli.add_command(evaluate.eval_command)
    cli.add_command(export_command)
    cli.add_command(serve.serve)
    cli.add_command(serve.snapshot)
    cli.add_command(plot.plot)
    from events.cli.link import relink

    cli.add_command(relink)
    from events.cli.curate import COMMANDS as curation

    for command in curation:
        cli.add_command(command)


_register()


def main() -> None:
    """Run the CLI (console script ``events``)."""
    try:
        cli(prog_name="events")
    except BrokenPipeError:
        # The reader went away (`events query ... | head`): stop quietly. Point
        # stdout at devnull so the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
