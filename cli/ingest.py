"""``events ingest``: articles in, actors, claims and events out."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import click

from events.errors import InputError
from events.ingest import (
    MAX_BYTES_CEILING,
    Outcome,
    Summary,
    expand_paths,
    field_problem,
    iter_documents,
    parse_published,
)
from events.ingest import ingest as run_ingest

# Characters that would break a message line or take over the terminal when a
# file name (or a JSON line's text) holds them: line breaks, escape sequences,
# bidirectional overrides. Shown escaped ("\\n", "\\x1b", "\\u202e").
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Return ``text`` as one line that is safe to show on a terminal."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class Progress:
    """A one-line progress display on stderr: articles done, rate, ETA."""

    def __init__(self, total: int | None, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self.done = 0
        self.started = time.monotonic()
        self._last = 0.0

    def step(self) -> None:
        self.done += 1
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.2 or self.done == self.total):
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-6)
        rate = self.done / elapsed
        text = (
            f"{self.done:,}"
            + (f"/{self.total:,}" if self.total else "")
            + f" articles  {rate:.1f}/s"
        )
        if self.total and rate > 0:
            remaining = max(self.total - self.done, 0) / rate
            text += f"  ETA {int(remaining // 60)}:{int(remaining % 60):02d}"
        click.echo(f"\r{text}\x1b[K", err=True, nl=False)

    def clear(self) -> None:
        if self.enabled:
            click.echo("\r\x1b[K", err=True, nl=False)


def count_inputs(paths: list[str]) -> int | None:
    """Count the articles in ``paths`` (JSON lines counted by line) for the ETA."""
    total = 0
    for item in expand_paths(paths):
        if isinstance(item, Path):
            if item.suffix.lower() in (".jsonl", ".ndjson"):
                with item.open("rb") as fh:
                    total += sum(1 for line in fh if line.strip())
            else:
                total += 1
    return total or None


@click.command(
    epilog="""\b
Examples:
  events ingest seeds/samples/
  events ingest article.txt --published 2020-10-10 --source SouthFront
  events ingest feed.jsonl more/*.html --workers 2
  cat article.txt | events ingest - --published 2024-05-01""",
)
@click.argument("paths", nargs=-1, required=True, metavar="PATH... | -")
@click.option(
    "--published",
    metavar="DATE",
    help="Publication date for the articles: YYYY-MM-DD, or YYYY-MM / YYYY for a month or year.",
)
@click.option("--source", metavar="NAME", help="Outlet name (SouthFront, Reuters ...).")
@click.option("--url", metavar="URL", help="Article URL.")
@click.option("--title", metavar="TEXT", help="Article title (instead of the detected one).")
@click.option(
    "--include-comments", is_flag=True, help="Also code the reader comments (section 'comment')."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Extraction processes (one writer commits).",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1, max=MAX_BYTES_CEILING),
    default=None,
    metavar="N",
    help="Largest article (or JSON line) accepted, in bytes. Default: 20 MB.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary.")
@click.pass_obj
def ingest(obj: dict, paths: tuple[str, ...], published: str | None, source: str | None,
           url: str | None, title: str | None, include_comments: bool, workers: int,
           max_bytes: int | None, quiet: bool) -> None:  # fmt: skip
    """Extract actors, dates, claims and events from articles and store them.

    PATH may be a .txt, .html, .json or .jsonl file, a directory (searched
    recursively) or a glob; '-' reads standard input. Each article is stored
    whole or not at all (up to 16 a transaction, each under its own savepoint: an
    interrupted run keeps whole articles, and running it again completes it); the
    same text twice is stored once. A bad file or JSON line is reported and
    skipped; the exit status is 1 if any failed.
    """
    try:
        published_date, precision = parse_published(published)
    except InputError as exc:
        raise click.BadParameter(str(exc), param_hint="--published") from None
    problem = source and field_problem("source", source)
    if problem:
        raise click.BadParameter(problem, param_hint="--source")
    overrides = {
        "published": published_date,
        "published_precision": precision,
        "source": source,
        "url": url,
        "title": title,
        "include_comments": include_comments,
    }
    limits = {"max_bytes": max_bytes} if max_bytes else {}
    files = [p for p in paths if p != "-"]
    stdin = sys.stdin.buffer if "-" in paths else None
    from events.db import open_database

    database = open_database(obj["db"])
    show_bar = not quiet and sys.stderr.isatty()
    progress = Progress(count_inputs(files) if show_bar and stdin is None else None, show_bar)

    def report(outcome: Outcome) -> None:
        if outcome.status == "failed":
            progress.clear()
            msg = outcome.message
            text = msg if msg.startswith(outcome.origin) else f"{outcome.origin}: {msg}"
            click.echo(f"error: {printable(text)}", err=True)
        elif not quiet and not show_bar:
            detail = f"{outcome.claims} claims" if outcome.status == "stored" else outcome.message
            click.echo(printable(f"{outcome.status}: {outcome.origin} ({detail})"), err=True)
            for warning in outcome.warnings:
                click.echo(f"  warning: {printable(warning)}", err=True)
        progress.step()

    summary = Summary()
    try:
        documents = iter_documents(files, stdin=stdin, limits=limits, **overrides)
        run_ingest(database, documents, workers=workers, on_outcome=report, summary=summary)
    except KeyboardInterrupt:
        progress.clear()
        click.echo(f"interrupted; committed so far: {summary.line()}", err=True)
        sys.exit(130)
    finally:
        progress.clear()
        database.dispose()
    elapsed = time.monotonic() - progress.started
    click.echo(f"{summary.line()} in {elapsed:.1f} s", err=True)
    if summary.failed:
        sys.exit(1)
