"""``events eval DATASET``: score extraction against a gold development set."""

from __future__ import annotations

from pathlib import Path

import click
from events.cli.output import output_options, render

from events.evaluate import DATASETS, default_data_dir, evaluate


@click.command(
    "eval",
    epilog="""\b
Examples:
  events eval wikiwars
  events eval plover-gsr --table
  events eval ucdp --table
  events eval plover-gsr --data ../shared/data --limit 50""",
)
@click.argument("dataset", type=click.Choice(DATASETS))
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding the gold data (default: ../shared/data).",
)
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N items.")
@output_options
def eval_command(dataset: str, data_dir: Path | None, limit: int | None, fmt: str,
                 headers: bool) -> None:  # fmt: skip
    """Print per-field precision, recall, F1 and accuracy on DATASET.

    plover-gsr scores event type, actor coding and event location; ucdp
    scores place, admin1, country, date, deaths and sides of UCDP GED events
    read from their headlines (all rows, and with_claim: rows where the
    pipeline found an event); wikiwars scores date recognition and
    normalisation. No database is needed.
    """
    data_dir = data_dir or default_data_dir()
    if not data_dir.is_dir():
        raise click.UsageError(f"gold data folder {data_dir} not found: pass --data")
    report = evaluate(dataset, data_dir, limit)
    scores = sorted(report.scores.values(), key=lambda s: (":" in s.field, s.field))
    rows = [s.as_row() for s in scores]
    columns = list(rows[0]) if rows else ["field"]
    render(columns, ([r[c] for c in columns] for r in rows), fmt, headers=headers)
    for note in report.notes:
        click.echo(note, err=True)
