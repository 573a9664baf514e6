"""Curation commands: merge, split, set, reject, edits, reextract, actors.

Each change is one transaction that also writes its ``edits`` rows; a bad id,
field or value changes nothing and says why in one line (exit 1).
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import os
from collections.abc import Callable, Sequence
from typing import Any

import click
from events.cli.output import render

from events.curate import (
    ACTIONS,
    ACTOR_COLUMNS,
    EDIT_COLUMNS,
    FIELDS,
    CurationError,
    Who,
    add_alias,
    list_actors,
    list_edits,
    merge,
    reject,
    set_fields,
    split,
)
from events.db import open_database


def default_author() -> str:
    """Return the OS user (the default of --by)."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (container without passwd entry)
        return os.environ.get("USER") or "unknown"


def who_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --note and --by to a command; pass ``who``."""

    @click.option("--note", metavar="TEXT", help="Why: kept with the change in `events edits`.")
    @click.option("--by", "author", metavar="NAME", help="Who decided (default: the OS user).")
    @functools.wraps(func)
    def wrapper(*args: Any, note: str | None, author: str | None, **kwargs: Any) -> Any:
        kwargs["who"] = Who(author or default_author(), note or None)
        return func(*args, **kwargs)

    return wrapper


def ids(values: Sequence[str], what: str) -> list[int]:
    """Parse ids given on the command line; CurationError (one line, exit 1) if not numbers."""
    out = []
    for value in values:
        if not value.strip().isdigit():
            raise CurationError(f"{what} id {value!r} is not a number")
        out.append(int(value))
    return out


def _in_transaction(db: str | None, action: Callable[[Any], Any]) -> Any:
    database = open_database(db)
    try:
        with database.session() as session, session.begin():
            return action(session)
    finally:
        database.dispose()


@click.command(
    "merge",
    epilog="""\b
Examples:
  events merge 12 15                  claims of event 15 join event 12
  events merge 12 15 19 --note "same ambush, two outlets" --by amina""",
)
@click.argument("events", nargs=-1, required=True, metavar="EVENT EVENT...")
@who_options
@click.pass_obj
def merge_command(obj: dict, events: tuple[str, ...], who: Who) -> None:
    """Merge events: every claim goes to the lowest event id, pinned there.

    The emptied events keep their rows (hidden from events_flat); relink and
    reextract keep the claims together. Prints the surviving event id.
    """
    target, moved = _in_transaction(obj["db"], lambda s: merge(s, ids(events, "event"), who))
    click.echo(f"merged {moved} claims into event {target}", err=True)
    click.echo(target)


@click.command(
    "split",
    epilog="""\b
Examples:
  events split 41 42                  claims 41 and 42 become a new event
  events split 41 --note "a second attack, next day\"""",
)
@click.argument("claims", nargs=-1, required=True, metavar="CLAIM...")
@who_options
@click.pass_obj
def split_command(obj: dict, claims: tuple[str, ...], who: Who) -> None:
    """Move claims to a new event of their own (pinned there). Prints its id."""
    event = _in_transaction(obj["db"], lambda s: split(s, ids(claims, "claim"), who))
    click.echo(f"claims {', '.join(claims)} moved to new event {event}", err=True)
    click.echo(event)


@click.command(
    "set",
    epilog=f"""\b
Fields (claims_flat column names):
  {", ".join(FIELDS)}
\b
Examples:
  events set 41 fatalities_best=12 --note "ministry figure, 3 May"
  events set 41 event_type=PROTEST event_mode=""
  events set 41 location=Gao actor1="al-Shabaab" claimant=none
  events set 41 date_start=2024-05-03 date_end=2024-05-03 date_precision=day""",
)
@click.argument("claim")
@click.argument("assignments", nargs=-1, required=True, metavar="FIELD=VALUE...")
@who_options
@click.pass_obj
def set_command(obj: dict, claim: str, assignments: tuple[str, ...], who: Who) -> None:
    """Correct fields of a claim; the claim is then marked curated.

    Actors are given by key, name or alias; places by key or name (the place
    index is searched when the database has none of that name); 'none' clears
    a field that may be empty. Values are checked before anything is written.
    """
    (claim_id,) = ids([claim], "claim")
    lines = _in_transaction(obj["db"], lambda s: set_fields(s, claim_id, assignments, who))
    for line in lines:
        click.echo(line, err=True)


@click.command(
    "reject",
    epilog="""\b
Examples:
  events reject 41 --note "a film review, not an attack\"""",
)
@click.argument("claim")
@who_options
@click.pass_obj
def reject_command(obj: dict, claim: str, who: Who) -> None:
    """Reject a claim as a false positive: hidden from the views, kept in the database."""
    (claim_id,) = ids([claim], "claim")
    _in_transaction(obj["db"], lambda s: reject(s, claim_id, who))
    click.echo(f"claim {claim_id} rejected", err=True)


def table_output(func: Callable[..., Any]) -> Callable[..., Any]:
    """Output flags of a listing command whose default is an aligned table."""

    @click.option("--json", "fmt", flag_value="json", help="JSON array of objects.")
    @click.option("--nl", "fmt", flag_value="nl", help="Newline-delimited JSON.")
    @click.option("--csv", "fmt", flag_value="csv", help="Comma-separated values.")
    @click.option("--tsv", "fmt", flag_value="tsv", help="Tab-separated values.")
    @click.option(
        "--table", "fmt", flag_value="table", default=True, help="Aligned table (default)."
    )
    @click.option("--no-headers", is_flag=True, help="Omit the header row (csv, tsv, table).")
    @functools.wraps(func)
    def wrapper(*args: Any, no_headers: bool, **kwargs: Any) -> Any:
        kwargs["headers"] = not no_headers
        return func(*args, **kwargs)

    return wrapper


@click.command(
    "edits",
    epilog="""\b
Examples:
  events edits
  events edits --claim 41
  events edits --event 12 --json
  events edits --by amina --action set --since 2024-05-01 --csv > edits.csv""",
)
@click.option("--claim", metavar="ID", help="Edits of this claim.")
@click.option(
    "--event",
    metavar="ID",
    help="Edits of this event's claims, and merges/splits into or out of it.",
)
@click.option("--by", "author", metavar="NAME", help="Edits by this person.")
@click.option("--action", type=click.Choice(ACTIONS), help="Edits of this kind.")
@click.option("--since", metavar="DATE", help="Edits made on or after this day (YYYY-MM-DD).")
@table_output
@click.pass_obj
def edits_command(
    obj: dict,
    claim: str | None,
    event: str | None,
    author: str | None,
    action: str | None,
    since: str | None,
    fmt: str,
    headers: bool,
) -> None:
    """List the audit trail of curation: who changed what, when, from what to what.

    status 'stale' marks an edit that no longer applied after `events reextract`.
    """
    day = None
    if since:
        try:
            day = dt.date.fromisoformat(since)
        except ValueError:
            raise CurationError(f"--since {since!r} is not an ISO date (YYYY-MM-DD)") from None
    filters: dict[str, Any] = {
        "claim": ids([claim], "claim")[0] if claim else None,
        "event": ids([event], "event")[0] if event else None,
        "by": author, "action": action, "since": day,
    }  # fmt: skip
    database = open_database(obj["db"], readonly=True)
    try:
        with database.session() as session:
            rows = list_edits(session, **filters)
    finally:
        database.dispose()
    render(EDIT_COLUMNS, rows, fmt, headers=headers)


@click.command(
    "reextract",
    epilog="""\b
Examples:
  events reextract --article 7
  events reextract --all              after upgrading the program's rules""",
)
@click.option("--article", metavar="ID", help="Re-extract this article.")
@click.option("--all", "every", is_flag=True, help="Re-extract every stored article.")
@click.pass_obj
def reextract_command(obj: dict, article: str | None, every: bool) -> None:
    """Run the current pipeline again on stored articles, keeping curated decisions.

    Each article is one transaction: its claims are replaced, then every merge,
    split, correction and rejection made on them is applied to the new claim at
    the same evidence span. An edit that no longer applies is reported and marked
    stale (see `events edits`), never dropped.
    """
    from events.reextract import article_ids, reextract

    if every == (article is not None):
        raise CurationError("give --article ID or --all")
    database = open_database(obj["db"])
    try:
        with database.session() as session:
            todo = article_ids(session, ids([article], "article")[0] if article else None)
        report = reextract(database, todo, warn=lambda m: click.echo(f"warning: {m}", err=True))
    finally:
        database.dispose()
    for failure in report.failed:
        click.echo(f"failed: {failure}", err=True)
    click.echo(report.line(), err=True)
    if report.failed:
        raise SystemExit(1)


class _ActorsGroup(click.Group):
    """``events actors [SEARCH]`` lists; ``events actors alias ...`` is a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["list", *args]
        elif not args:
            args = ["list"]
        return super().parse_args(ctx, args)


@click.group(
    "actors",
    cls=_ActorsGroup,
    epilog="""\b
Examples:
  events actors                       the most cited actors
  events actors shabaab --limit 5     search names, keys and aliases
  events actors alias "Harakat al-Shabaab" org:al-shabaab --note "full name"
""",
)
def actors_group() -> None:
    """List and search actors and their aliases, or add an alias.

    Aliases added here (marked * in the list) are used by the next ingest and
    by `events reextract`.
    """


@actors_group.command(
    "list",
    hidden=True,
    epilog="""\b
Examples:
  events actors shabaab --limit 5 --json""",
)
@click.argument("search", required=False)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Show at most this many actors.")  # fmt: skip
@table_output
@click.pass_obj
def actors_list(obj: dict, search: str | None, limit: int, fmt: str, headers: bool) -> None:
    """List actors (most cited first), or those whose name, key or alias contains SEARCH."""
    database = open_database(obj["db"], readonly=True)
    try:
        with database.session() as session:
            rows = list_actors(session, search, limit)
    finally:
        database.dispose()
    if not rows:
        click.echo("no actor matches" + (f" {search!r}" if search else ""), err=True)
    render(ACTOR_COLUMNS, rows, fmt, headers=headers)


@actors_group.command(
    "alias",
    epilog="""\b
Examples:
  events actors alias "the Shabaab" org:al-shabaab
  events actors alias "Ankara's army" "TUR:MIL" --by amina""",
)
@click.argument("alias")
@click.argument("actor")
@who_options
@click.pass_obj
def actors_alias(obj: dict, alias: str, actor: str, who: Who) -> None:
    """Add ALIAS as a name of ACTOR (its key or name), recorded as an edit."""
    _, message = _in_transaction(obj["db"], lambda s: add_alias(s, alias, actor, who))
    click.echo(message, err=True)


COMMANDS = (merge_command, split_command, set_command, reject_command, edits_command,
            reextract_command, actors_group)  # fmt: skip
