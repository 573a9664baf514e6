"""One set of output flags and one renderer for every row-printing command."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

import click

FORMATS = ("json", "nl", "csv", "tsv", "table")


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --json/--nl/--csv/--tsv/--table/--no-headers to a command."""

    @click.option("--json", "fmt_json", is_flag=True, help="JSON array of objects (default).")
    @click.option("--nl", "fmt_nl", is_flag=True, help="Newline-delimited JSON, one object a line.")
    # Values go out as stored, like the database's own CSV: `events export` is the
    # command that writes files for spreadsheets, with formulas neutralised.
    @click.option(
        "--csv",
        "fmt_csv",
        is_flag=True,
        help="Comma-separated values, as stored: formulas (= + - @) are not neutralised "
        "(events export does that).",
    )
    @click.option("--tsv", "fmt_tsv", is_flag=True, help="Tab-separated values, as stored.")
    @click.option("--table", "fmt_table", is_flag=True, help="Aligned text table (holds all rows).")
    @click.option("--no-headers", is_flag=True, help="Omit the header row (csv, tsv, table).")
    @functools.wraps(func)
    def wrapper(
        *args: Any,
        fmt_json: bool,
        fmt_nl: bool,
        fmt_csv: bool,
        fmt_tsv: bool,
        fmt_table: bool,
        no_headers: bool,
        **kwargs: Any,
    ) -> Any:
        chosen = [
            name
            for name, on in zip(
                FORMATS, (fmt_json, fmt_nl, fmt_csv, fmt_tsv, fmt_table), strict=True
            )
            if on
        ]
        if len(chosen) > 1:
            raise click.UsageError("Use just one of --json, --nl, --csv, --tsv, --table.")
        kwargs["fmt"] = chosen[0] if chosen else "json"
        kwargs["headers"] = not no_headers
        return func(*args, **kwargs)

    return wrapper


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(_jsonable(value))


def render(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    *,
    headers: bool = True,
    out: IO[str] | None = None,
) -> int:
    """Write ``rows`` in ``fmt`` to ``out`` (stdout), streaming; return the row count."""
    out = out or sys.stdout
    count = 0
    if fmt in ("csv", "tsv"):
        from events.export_write import write_rows

        # The export's writer: it also quotes values holding a bare carriage return.
        count = write_rows(out, columns, ([_cell(v) for v in row] for row in rows), fmt,
                           headers=headers)  # fmt: skip
    elif fmt == "nl":
        for row in rows:
            out.write(
                json.dumps(
                    dict(zip(columns, map(_jsonable, row), strict=False)), ensure_ascii=False
                )
            )
            out.write("\n")
            count += 1
    elif fmt == "json":
        out.write("[")
        for row in rows:
            out.write(",\n " if count else "\n ")
            out.write(
                json.dumps(
                    dict(zip(columns, map(_jsonable, row), strict=False)), ensure_ascii=False
                )
            )
            count += 1
        out.write("\n]\n" if count else "]\n")
    elif fmt == "table":
        materialised = [[_cell(v) for v in row] for row in rows]  # the one format that must
        count = len(materialised)
        table = ([list(columns)] if headers else []) + materialised
        widths = [max((len(r[i]) for r in table), default=0) for i in range(len(columns))]
        for n, r in enumerate(table):
            out.write(
                "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip() + "\n"
            )
            if headers and n == 0:
                out.write("  ".join("-" * w for w in widths) + "\n")
    else:  # pragma: no cover - guarded by output_options
        raise ValueError(fmt)
    return count
