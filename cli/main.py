"""Entry point: the ``events`` group, its global options and error handling.

Subcommands load lazily: ``COMMANDS`` names each one's module and keeps its
one-line help, so ``events --help`` lists them without importing a single
command module (SQLAlchemy, the pipeline and its dictionaries stay unloaded),
and ``events query`` imports what a query needs and nothing of ingest.
"""

from __future__ import annotations

import importlib
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

#: Every subcommand: name -> ("module:attribute", the first sentence of its help,
#: which `events --help` shows). Adding a command is one entry here;
#: tests/test_startup.py checks that each entry's help is the command's own.
COMMANDS: dict[str, tuple[str, str]] = {
    "db": ("events.cli.db:db_group", "Manage the schema with its migrations."),
    "eval": (
        "events.cli.evaluate:eval_command",
        "Print per-field precision, recall, F1 and accuracy on DATASET.",
    ),
    "export": (
        "events.cli.export:export_command",
        "Write claims or events to FILE (or - for stdout) as CSV, TSV or JSON lines.",
    ),
    "ingest": (
        "events.cli.ingest:ingest",
        "Extract actors, dates, claims and events from articles and store them.",
    ),
    "init": ("events.cli.db:init", "Create or upgrade the schema and load the seed dictionaries."),
    "query": (
        "events.cli.query:query",
        "Run a read-only SQL query and print the rows (JSON by default).",
    ),
    "show": (
        "events.cli.show:show",
        "Print an article's cleaned text with each claim's evidence marked, or an event.",
    ),
    "relink": ("events.cli.link:relink", "Recompute the grouping of claims into events."),
    "merge": (
        "events.cli.curate:merge_command",
        "Merge events: every claim goes to the lowest event id, pinned there.",
    ),
    "split": (
        "events.cli.curate:split_command",
        "Move claims to a new event of their own (pinned there).",
    ),
    "set": (
        "events.cli.curate:set_command",
        "Correct fields of a claim; the claim is then marked curated.",
    ),
    "reject": (
        "events.cli.curate:reject_command",
        "Reject a claim as a false positive: hidden from the views, kept in the database.",
    ),
    "edits": (
        "events.cli.curate:edits_command",
        "List the audit trail of curation: who changed what, when, from what to what.",
    ),
    "reextract": (
        "events.cli.curate:reextract_command",
        "Run the current pipeline again on stored articles, keeping curated decisions.",
    ),
    "actors": (
        "events.cli.curate:actors_group",
        "List and search actors and their aliases, or add an alias.",
    ),
    "serve": ("events.cli.serve:serve", "Browse the SQLite database in Datasette, read-only."),
    "snapshot": (
        "events.cli.serve:snapshot",
        "Write a SQLite copy of the database (PostgreSQL or SQLite) to OUT.",
    ),
    "plot": ("events.cli.plot:plot", "Draw the events as a picture (.png, .svg or .pdf)."),
}


def load_command(name: str) -> click.Command:
    """Import and return the command registered as ``name``."""
    module_name, attribute = COMMANDS[name][0].split(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{COMMANDS[name][0]} is not a click command")
    return command


class EventsGroup(click.Group):
    """The top group: lazy subcommands; domain errors become one readable line and exit 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            self.add_command(load_command(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Click would load every command to ask for its short help; the registry has it.
        names = self.list_commands(ctx)
        if names:
            limit = formatter.width - 6 - max(len(name) for name in names)
            rows = [(name, self._short_help(ctx, name, limit)) for name in names]
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def _short_help(self, ctx: click.Context, name: str, limit: int) -> str:
        if name in COMMANDS and name not in self.commands:
            # Click's own shortening, on the registry's sentence.
            return click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit)
        command = super().get_command(ctx, name)
        return command.get_short_help_str(limit) if command is not None else ""

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
