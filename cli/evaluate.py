"""``events eval DATASET [PATH]``: score extraction against a gold development set."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import click
from events.cli.output import output_options, render

from events.evaluate import DATASETS, PATH_DATASETS, default_data_dir, evaluate

Anchor = Literal["news", "narrative"]


@click.command(
    "eval",
    epilog="""\b
Examples:
  events eval wikiwars
  events eval plover-gsr --table
  events eval ucdp --table
  events eval reading --table
  events eval reading my_reports.jsonl --csv
  events eval timeml ../shared/data/wikiwars/tagged_timex3 --table
  events eval timeml ../shared/data/wikiwars/tagged_timex3 --anchor narrative
  events eval plover-gsr --data ../shared/data --limit 50""",
)
@click.argument("dataset", type=click.Choice(DATASETS))
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding the third-party gold data (default: ../shared/data).",
)
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N items.")
@click.option(
    "--anchor",
    type=click.Choice(["news", "narrative"]),
    help="timeml only: anchor relative dates on the creation time (news, the default) or on "
    "the last date before them (narrative, as for wikiwars).",
)
@output_options
def eval_command(dataset: str, path: Path | None, data_dir: Path | None, limit: int | None,
                 anchor: Anchor | None, fmt: str, headers: bool) -> None:  # fmt: skip
    """Print per-field precision, recall, F1 and accuracy on DATASET.

    plover-gsr scores event type, actor coding and event location; ucdp
    scores place, admin1, country, date, deaths and sides of UCDP GED events
    read from their headlines (all rows, and with_claim: rows where the
    pipeline found an event); wikiwars scores date recognition and
    normalisation. reading scores the main claim of short conflict reports
    (ACLED event type, actor classes, toll, date, claimant; per style) on our
    dev set or the JSON-lines file PATH; timeml scores dates on the TimeML
    folder PATH, anchored on each file's creation time. No database is needed.
    """
    if anchor is not None and dataset != "timeml":
        raise click.UsageError("--anchor applies to timeml only: drop it")
    if dataset in PATH_DATASETS:
        if data_dir is not None:
            raise click.UsageError(f"{dataset} reads PATH, not --data: drop --data")
        if dataset == "timeml" and (path is None or not path.is_dir()):
            raise click.UsageError("timeml needs a folder of TimeML files: events eval timeml DIR")
        if dataset == "reading" and path is not None and not path.is_file():
            raise click.UsageError("reading takes a JSON-lines file: events eval reading FILE")
    else:
        if path is not None:
            raise click.UsageError(f"{dataset} takes no PATH: use --data for its gold folder")
        data_dir = data_dir or default_data_dir()
        if not data_dir.is_dir():
            raise click.UsageError(f"gold data folder {data_dir} not found: pass --data")
    report = evaluate(dataset, data_dir, limit, path, anchor=anchor or "news")
    scores = sorted(report.scores.values(), key=lambda s: (":" in s.field, s.field))
    rows = [s.as_row() for s in scores]
    columns = list(rows[0]) if rows else ["field"]
    render(columns, ([r[c] for c in columns] for r in rows), fmt, headers=headers)
    for note in report.notes:
        click.echo(note, err=True)
