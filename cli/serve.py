"""``events serve`` (browse in Datasette) and ``events snapshot`` (a SQLite copy to share)."""

from __future__ import annotations

import datetime as dt
import errno
import socket
import threading
import webbrowser
from pathlib import Path

import click

from events import db as dblib
from events.web import missing_web_extra


@click.command(
    epilog="""\b
Examples:
  events serve                          browse ./events.db at http://127.0.0.1:8001/
  events --db mali.db serve --open      and open it in the web browser
  events serve --port 9000 --live       follow an ingest running beside it
  events snapshot mali.db --country MLI && events --db mali.db serve   (PostgreSQL)

\b
What to click: 'Events' (events_flat) for the table with facets and a map,
any event_id for its claims side by side, 'Contested events and their rival
figures' for the disputed tolls, 'Map of events' for the map.""",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="Port to listen on (0: any free port).")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 shares it with your network.")  # fmt: skip
@click.option("--open", "open_browser", is_flag=True, help="Open the front page in a browser.")
@click.option("--live", is_flag=True,
              help="Follow writes made while serving (read-only, not immutable).")  # fmt: skip
@click.pass_obj
def serve(obj: dict, port: int, host: str, open_browser: bool, live: bool) -> None:
    """Browse the SQLite database in Datasette, read-only.

    Titles, column descriptions, facets, canned queries (events by country
    and month, contested events, claims by claimant, an actor's events, a
    map), an event page showing its claims side by side, and links from
    every event_id to it. Needs the web extra: pip install "conflict-events[web]".
    A PostgreSQL database is served through a SQLite copy: events snapshot.
    """
    hint = missing_web_extra()
    if hint:
        raise click.ClickException(hint)
    url = dblib.resolve_url(obj["db"])
    path = dblib.sqlite_path(url)
    if path is None:
        raise click.ClickException(
            f"{dblib.describe(url)} is not a SQLite file: write a copy with "
            "`events snapshot OUT.db` and serve that (events --db OUT.db serve)"
        )
    from events.web.app import choose_mode, make_datasette

    # The pages need the program's schema: an older file is refused (in one line, with
    # the command that upgrades it), as every other command does.
    dblib.open_database(obj["db"], readonly=True).dispose()

    mode = choose_mode(path, live=live)
    ds = make_datasette(path, immutable=mode.immutable)
    port = _free_port(host, port)
    address = f"http://{host}:{port}/"
    click.echo(f"serving {path} {mode.reason}", err=True)
    click.echo(f"open {address} (Ctrl-C stops)", err=True)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, [address]).start()
    import uvicorn

    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")


def _free_port(host: str, port: int) -> int:
    """Return ``port`` when it can be bound (any free one for 0); else one readable error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise click.ClickException(
                    f"port {port} on {host} is in use: choose another with --port"
                ) from None
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        return int(sock.getsockname()[1])


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


@click.command(
    epilog="""\b
Examples:
  events --db postgresql://localhost/conflict snapshot all.db
  events snapshot mali-2024.db --country MLI --since 2024-01-01 --until 2024-12-31
  events snapshot arm.db --country Armenia --force      # replace arm.db
  events --db arm.db serve""",
)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--country", "countries", multiple=True, metavar="CODE_OR_NAME",
              help="Events in this country (ISO alpha-3 or name; repeatable).")  # fmt: skip
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Events starting on or after this day.")  # fmt: skip
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Events starting on or before this day.")  # fmt: skip
@click.option("--type", "types", multiple=True, metavar="TYPE",
              help="PLOVER type or ACLED event/sub-event type (repeatable).")  # fmt: skip
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.pass_obj
def snapshot(
    obj: dict,
    out: Path,
    countries: tuple[str, ...],
    since: dt.datetime | None,
    until: dt.datetime | None,
    types: tuple[str, ...],
    force: bool,
) -> None:
    """Write a SQLite copy of the database (PostgreSQL or SQLite) to OUT.

    The copy has the same tables and views, so it can be served
    (events --db OUT serve), queried and shared. With filters it holds the
    matching events, their claims and articles, and the dictionaries.
    """
    from events.web.snapshot import SnapshotFilters
    from events.web.snapshot import snapshot as write_snapshot

    filters = SnapshotFilters(countries, _date(since), _date(until), types)
    result = write_snapshot(obj["db"], out, filters, force=force)
    counts = result.counts
    click.echo(
        f"wrote {result.path}: {counts.get('events', 0):,} events, "
        f"{counts.get('claims', 0):,} claims, {counts.get('articles', 0):,} articles",
        err=True,
    )
