"""``events export [FILE|-]``: claims or events as CSV, TSV or JSON lines, streamed."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from events.db import open_database
from events.export import (
    LEVELS,
    PROFILES,
    ExportOptions,
    Filters,
    export,
    export_parallel,
    export_to_path,
)

#: Format chosen from the file name when no format flag is given.
SUFFIX_FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "nl", ".ndjson": "nl"}
COMPRESSED = {".gz", ".bz2", ".xz", ".zst", ".zip"}


def _choose_format(csv_: bool, tsv: bool, nl: bool, target: str) -> str:
    chosen = [name for name, on in (("csv", csv_), ("tsv", tsv), ("nl", nl)) if on]
    if len(chosen) > 1:
        raise click.UsageError("Use just one of --csv, --tsv, --nl.")
    if target != "-" and Path(target).suffix.lower() in COMPRESSED:
        raise click.UsageError(
            f"{target}: export does not compress; pipe instead: events export - | gzip > {target}"
        )
    if chosen:
        return chosen[0]
    if target == "-":
        return "csv"
    suffix = Path(target).suffix.lower()
    if suffix and suffix not in SUFFIX_FORMATS:
        raise click.UsageError(
            f"{target}: unknown file type {suffix!r}; name it .csv, .tsv or .jsonl, "
            "or choose with --csv, --tsv or --nl"
        )
    return SUFFIX_FORMATS.get(suffix, "csv")


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


@click.command(
    "export",
    epilog="""\b
Examples:
  events export claims.csv
  events export - --profile acled --from 2020-09-27 --country ARM | gzip > arm.csv.gz
  events export events.tsv --level events --actor Turkey --min-confidence 0.6
  events export ged.csv --profile ucdp --type ASSAULT --where "fatalities_best >= 10"
  events export claims.jsonl --source SouthFront
  events export claims.csv --force      # replace claims.csv and its manifest""",
)
@click.argument("target", metavar="[FILE|-]", default="-", required=False)
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    default="native",
    show_default=True,
    help="Columns: our views (native), ACLED's codebook, or UCDP GED's.",
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default=None,
    help="One row per claim or per event. Default: claims for native, events otherwise.",
)
@click.option("--csv", "fmt_csv", is_flag=True, help="Comma-separated values (default).")
@click.option("--tsv", "fmt_tsv", is_flag=True, help="Tab-separated values.")
@click.option("--nl", "fmt_nl", is_flag=True, help="JSON lines, one object a line.")
@click.option(
    "--from",
    "date_from",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Only rows whose date_start is on or after this day.",
)
@click.option(
    "--to",
    "date_to",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Only rows whose date_start is on or before this day.",
)
@click.option(
    "--country",
    "countries",
    multiple=True,
    metavar="ISO3|NAME",
    help="Only rows located in this country (repeatable).",
)
@click.option(
    "--actor",
    "actors",
    multiple=True,
    metavar="NAME",
    help="Only rows with this actor (name or alias) as actor1, actor2 or associate.",
)
@click.option(
    "--type",
    "types",
    multiple=True,
    metavar="TYPE",
    help="PLOVER type (ASSAULT) or ACLED event/sub-event type (Battles) (repeatable).",
)
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME",
    help="Only rows reported by this outlet (repeatable).",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    metavar="0..1",
    help="Only claims at least this confident (events: one such claim).",
)
@click.option(
    "--where", metavar="SQL", help="Extra SQL condition on the view's columns, run read-only."
)
@click.option(
    "--no-neutralise",
    "--raw",
    "raw",
    is_flag=True,
    help="Keep cells that look like formulas (=, +, -, @ ...) as they are (CSV/TSV).",
)
@click.option("--no-headers", is_flag=True, help="Omit the header row (CSV/TSV).")
@click.option("--no-manifest", is_flag=True, help="Do not write FILE.manifest.json.")
@click.option("--force", is_flag=True, help="Overwrite FILE and FILE.manifest.json if they exist.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=lambda: min(2, os.cpu_count() or 1),
    show_default="2 on a machine with 2 or more cores",
    help="Processes; each exports a range of ids (used from 50,000 rows on).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary on stderr.")
@click.pass_obj
def export_command(
    obj: dict,
    target: str,
    profile: str,
    level: str | None,
    fmt_csv: bool,
    fmt_tsv: bool,
    fmt_nl: bool,
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
    countries: tuple[str, ...],
    actors: tuple[str, ...],
    types: tuple[str, ...],
    sources: tuple[str, ...],
    min_confidence: float | None,
    where: str | None,
    raw: bool,
    no_headers: bool,
    no_manifest: bool,
    force: bool,
    jobs: int,
    quiet: bool,
) -> None:
    """Write claims or events to FILE (or - for stdout) as CSV, TSV or JSON lines.

    Rows are streamed: memory stays flat whatever the database size. A file is
    written as FILE.partial and renamed when complete, with FILE.manifest.json
    beside it (filters, row count, database revision, versions, sha256).
    An existing FILE or manifest is kept unless --force.
    Cells a spreadsheet would run as a formula get a leading ' unless --raw.
    """
    fmt = _choose_format(fmt_csv, fmt_tsv, fmt_nl, target)
    if date_from and date_to and date_from > date_to:
        raise click.UsageError("--from is after --to: nothing could match.")
    if where is not None and not where.strip():
        raise click.UsageError(
            "--where is empty: give an SQL condition such as \"country = 'ARM'\"."
        )
    options = ExportOptions(
        profile=profile,
        level=level,
        fmt=fmt,
        filters=Filters(
            _date(date_from),
            _date(date_to),
            countries,
            actors,
            types,
            sources,
            min_confidence,
            where,
        ),
        neutralise=not raw,
        headers=not no_headers,
        jobs=jobs,
    )
    progress = None
    if not quiet and sys.stderr.isatty():

        def progress(n: int) -> None:
            click.echo(f"\r{n:,} rows", err=True, nl=False)

    database = open_database(obj["db"], readonly=True)
    try:
        if target == "-":
            sys.stdout.flush()
            result = export_parallel(database, sys.stdout.buffer, options) or export(
                database, sys.stdout, options, progress=progress
            )
            where_to = "stdout"
        else:
            result = export_to_path(
                database,
                Path(target),
                options,
                progress=progress,
                manifest=not no_manifest,
                overwrite=force,
            )
            where_to = target
    finally:
        database.dispose()
    if progress is not None:
        click.echo("", err=True)
    if not quiet:
        noun = "row" if result.rows == 1 else "rows"
        click.echo(f"{result.rows:,} {noun} written to {where_to}", err=True)
