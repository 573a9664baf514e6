"""``events ingest``: articles in, actors, claims and events out."""

from __future__ import annotations

import sys

import click

from events.db import open_database
from events.ingest import Outcome, ingest as run_ingest, iter_documents, parse_published


@click.command(
    epilog="""\b
Examples:
  events ingest seeds/samples/
  events ingest article.txt --published 2020-10-10 --source SouthFront
  events ingest feed.jsonl more/*.html
  cat article.txt | events ingest - --published 2024-05-01""",
)
@click.argument("paths", nargs=-1, required=True, metavar="PATH... | -")
@click.option("--published", metavar="DATE", help="Publication date (YYYY-MM-DD) for the articles.")
@click.option("--source", metavar="NAME", help="Outlet name (SouthFront, Reuters ...).")
@click.option("--url", metavar="URL", help="Article URL.")
@click.option("--title", metavar="TEXT", help="Article title (instead of the detected one).")
@click.option("--include-comments", is_flag=True, help="Also code the reader comments (section 'comment').")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None, metavar="N",
              help="Largest article (or JSON line) accepted, in bytes. Default: 20 MB.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary.")
@click.pass_obj
def ingest(obj: dict, paths: tuple[str, ...], published: str | None, source: str | None,
           url: str | None, title: str | None, include_comments: bool, max_bytes: int | None, quiet: bool) -> None:  # fmt: skip
    """Extract actors, dates, claims and events from articles and store them.

    PATH may be a .txt, .html, .json or .jsonl file, a directory (searched
    recursively) or a glob; '-' reads standard input. Each article is stored
    whole, in its own transaction; the same text twice is stored once.
    """
    overrides = {
        "published": parse_published(published),
        "source": source,
        "url": url,
        "title": title,
        "include_comments": include_comments,
    }
    limits = {"max_bytes": max_bytes} if max_bytes else {}
    files = [p for p in paths if p != "-"]
    stdin = sys.stdin.buffer if "-" in paths else None
    database = open_database(obj["db"])

    def report(outcome: Outcome) -> None:
        if outcome.status == "failed":
            msg = outcome.message
            text = msg if msg.startswith(outcome.origin) else f"{outcome.origin}: {msg}"
            click.echo(f"error: {text}", err=True)
        elif not quiet:
            detail = (
                f"{outcome.claims} claims" if outcome.status == "stored" else outcome.message
            )
            click.echo(f"{outcome.status}: {outcome.origin} ({detail})", err=True)
            for warning in outcome.warnings:
                click.echo(f"  warning: {warning}", err=True)

    try:
        summary = run_ingest(database, iter_documents(files, stdin=stdin, limits=limits, **overrides), on_outcome=report)
    finally:
        database.dispose()
    click.echo(summary.line(), err=True)
    if summary.failed:
        sys.exit(1)
