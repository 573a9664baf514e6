"""Write exported rows as CSV, TSV or JSON lines, streaming (part of :mod:`events.export`)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import IO, Any

# Nothing from the export's query side (SQLAlchemy, the catalog, the lexicon) at
# import: `events query --csv` writes with these functions too.

#: How often (rows) the progress callback is called; only used when it is given,
#: because counting in Python costs a function call per row.
PROGRESS_EVERY = 10_000

#: Rows the CSV writer formats at a time before it looks for a carriage return in
#: their text (see csv_writer). Measured on 300,000 claims (bench/export.py's data):
#: 20 to 100 rows cost the same CPU as the plain csv.writer, 1,000 some 10 % more
#: (the batch, ~50 KB of text a hundred rows, no longer stays in the CPU cache).
CSV_BATCH_ROWS = 100


def write_rows(
    out: IO[str],
    columns: Sequence[str],
    rows: Iterator[Any],
    fmt: str,
    *,
    headers: bool = True,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``rows`` to ``out`` in ``fmt``, streaming; return how many were written."""
    if progress is not None:
        rows = _reporting(rows, progress)
    # zip() with a counter counts rows without a Python call per row; the row
    # iterator comes first so the counter is not advanced past the last row.
    counter = itertools.count()
    counted = map(itemgetter(0), zip(rows, counter, strict=False))
    if fmt in ("csv", "tsv"):
        writer = csv_writer(out, fmt)
        if headers:
            writer.writerow(columns)
        writer.writerows(counted)
    elif fmt == "nl":
        dumps = json.JSONEncoder(ensure_ascii=False, default=str).encode
        names = list(columns)
        for row in counted:
            out.write(dumps(dict(zip(names, row, strict=True))))
            out.write("\n")
    else:
        from events.export_query import FORMATS, ExportError

        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return next(counter)


def csv_writer(out: IO[str], fmt: str) -> Any:
    """Return the csv writer every export uses (comma or tab, '\\n' line ends).

    Every value holding a carriage return, a line feed, the delimiter or a quote is
    quoted, as PostgreSQL's COPY does. Python's own writer (3.11) quotes only the
    characters of its line terminator, so with '\\n' it leaves a bare '\\r' unquoted
    and a spreadsheet starts a new row there, reading what follows as a cell of its
    own, past formula neutralisation ("x\\r@SUM(1+1)").
    """
    return _QuotingWriter(out, "," if fmt == "csv" else "\t")


class _QuotingWriter:
    """csv.writer with '\\n' line ends that also quotes values holding a '\\r'.

    A '\\n' writer formats CSV_BATCH_ROWS rows at a time into a list (C speed, one
    string a row) and the batch's text is searched for a '\\r' (C speed too). In a
    batch that holds one, the rows that do are formatted again by a '\\r\\n' writer,
    which quotes values holding either character, and their line ends are put back.
    """

    def __init__(self, out: IO[str], delimiter: str) -> None:
        import csv
        from types import SimpleNamespace

        self._out = out
        self._lines: list[str] = []
        self._fast = csv.writer(
            SimpleNamespace(write=self._lines.append), delimiter=delimiter, lineterminator="\n"
        )
        self._careful_lines: list[str] = []
        self._careful = csv.writer(
            SimpleNamespace(write=self._careful_lines.append),
            delimiter=delimiter,
            lineterminator="\r\n",
        )

    def writerow(self, row: Iterable[Any]) -> None:
        self.writerows((row,))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        rows, lines = iter(rows), self._lines
        while batch := list(itertools.islice(rows, CSV_BATCH_ROWS)):
            self._fast.writerows(batch)  # one string a row in lines
            text = "".join(lines)
            if "\r" in text:
                text = "".join([
                    self._careful_line(row) if "\r" in line else line
                    for row, line in zip(batch, lines, strict=True)
                ])  # fmt: skip
            lines.clear()
            self._out.write(text)

    def _careful_line(self, row: Iterable[Any]) -> str:
        self._careful.writerow(row)
        return self._careful_lines.pop()[:-2] + "\n"


def _reporting(rows: Iterator[Any], progress: Callable[[int], None]) -> Iterator[Any]:
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007 - n is read after the loop
        if n % PROGRESS_EVERY == 0:
            progress(n)
        yield row
    progress(n)
