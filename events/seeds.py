"""Locate and read the seed files shipped in ``seeds/`` (the file layer of :mod:`events.lexicon`).

Seeds are tab-separated files with a header row; lines starting with ``#`` are
comments. Multi-valued cells use ``|`` as separator. They are installed inside
the wheel as ``events/seed_data`` and live at the repository top level in a checkout;
``EVENTS_SEEDS_DIR`` points the program at another copy (a researcher's edited set).

Each file is read once per process (:func:`table`, cached on the file's path, size and
modification time, so an edited seed is read again) into :class:`SeedRow` objects that
remember their line, so every error names the file and the row. Typed records are built
from these rows in :mod:`events.lexicon`; stages use those, not this module.
"""

from __future__ import annotations

import csv
import functools
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from events.errors import SeedError

log = logging.getLogger(__name__)

#: Environment variable naming a seed directory to use instead of the shipped one.
ENV_VAR = "EVENTS_SEEDS_DIR"


def seeds_dir() -> Path:
    """Return the directory holding the seed files (``EVENTS_SEEDS_DIR``, installed or checkout)."""
    override = os.environ.get(ENV_VAR)
    if override:
        path = Path(override)
        if not path.is_dir():
            raise SeedError(f"{ENV_VAR}={override} is not a directory: fix or unset it")
        return path
    return _shipped_dir()


@functools.cache
def _shipped_dir() -> Path:
    try:
        installed = resources.files("events.seed_data")
        path = Path(str(installed))
        if path.is_dir():
            return path
    except (ModuleNotFoundError, TypeError):  # not installed as a package
        pass
    checkout = Path(__file__).resolve().parent.parent / "seeds"
    if checkout.is_dir():
        return checkout
    raise SeedError("seed directory not found: reinstall the package (pip install .)")


def seed_path(name: str) -> Path:
    """Return the path of one seed file, raising SeedError if it is missing."""
    path = seeds_dir() / name
    if not path.is_file():
        raise SeedError(f"seed file {name!r} not found in {seeds_dir()}")
    return path


def signature(name: str) -> tuple[str, int, int]:
    """Return (path, modification time, size) of a seed file: the key its cached reads use."""
    path = seed_path(name)
    st = path.stat()
    return str(path), st.st_mtime_ns, st.st_size


@dataclass(frozen=True)
class SeedRow(Mapping[str, str]):
    """One data row of a seed file: its cells by column name, and where it stands."""

    file: str
    line: int  # line number in the file (comments and the header count), as an editor shows it
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        try:
            return self.cells[column]
        except KeyError:
            raise self.error(f"no column {column!r} (columns: {', '.join(self.cells)})") from None

    def __contains__(self, column: object) -> bool:
        return column in self.cells

    def get(self, column: str, default: str | None = None) -> str | None:  # type: ignore[override]
        """Return the cell of ``column``, or ``default`` when the file has no such column."""
        return self.cells.get(column, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.cells)

    def __len__(self) -> int:
        return len(self.cells)

    def __hash__(self) -> int:
        return hash((self.file, self.line))

    def error(self, message: str) -> SeedError:
        """Return a SeedError naming this row's file and line."""
        return SeedError(f"seeds/{self.file}, row at line {self.line}: {message}")

    def optional(self, column: str) -> str | None:
        """Return the cell, or None when it is empty."""
        return self[column] or None

    def multi(self, column: str) -> tuple[str, ...]:
        """Return the ``|``-separated values of the cell."""
        return tuple(split_multi(self[column]))

    def choice(self, column: str, allowed: Iterable[str]) -> str:
        """Return the cell, which must be one of ``allowed`` (the empty string if allowed)."""
        value = self[column]
        allowed = tuple(allowed)
        if value not in allowed:
            shown = ", ".join(repr(a) if a else "empty" for a in allowed)
            raise self.error(f"{column} {value!r} is not one of {shown}")
        return value

    def flag(self, column: str, *, default: bool) -> bool:
        """Return a yes/no cell as a bool (``default`` when empty)."""
        value = self.choice(column, ("", "yes", "no"))
        return default if not value else value == "yes"

    def number(
        self, column: str, *, low: float | None = None, high: float | None = None
    ) -> float | None:
        """Return the cell as a float (None when empty), checked against ``low``..``high``."""
        value = self[column]
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            raise self.error(f"{column} {value!r} is not a number") from None
        if (low is not None and number < low) or (high is not None and number > high):
            raise self.error(f"{column} {value!r} is outside {low}..{high}")
        return number

    def integer(
        self, column: str, *, low: int | None = None, high: int | None = None
    ) -> int | None:
        """Return the cell as an int (None when empty), checked against ``low``..``high``."""
        value = self[column]
        if not value:
            return None
        if not value.lstrip("-").isdigit():
            raise self.error(f"{column} {value!r} is not a whole number")
        number = int(value)
        if (low is not None and number < low) or (high is not None and number > high):
            raise self.error(f"{column} {value!r} is outside {low}..{high}")
        return number


def iter_rows(name: str) -> Iterator[SeedRow]:
    """Read the rows of a seed file (uncached), checking every row has the header's columns."""
    path = seed_path(name)
    with path.open(encoding="utf-8", newline="") as fh:
        header: list[str] | None = None
        for lineno, line in enumerate(fh, start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE), [])
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if len(cells) != len(header):
                raise SeedError(
                    f"seeds/{name}, row at line {lineno}: {len(cells)} columns, the header has "
                    f"{len(header)} ({', '.join(header)}); separate columns with one tab"
                )
            yield SeedRow(name, lineno, {k: v.strip() for k, v in zip(header, cells, strict=True)})


def table(name: str) -> tuple[SeedRow, ...]:
    """Return the rows of a seed file, read once per process (again only if the file changed)."""
    return _table(name, signature(name))


@functools.cache
def _table(name: str, key: tuple[str, int, int]) -> tuple[SeedRow, ...]:
    del key  # part of the cache key only
    rows = tuple(iter_rows(name))
    if not rows:
        log.warning("seed file %s has no rows: the stage that uses it will find nothing", name)
    return rows


def read_tsv(name: str) -> list[dict[str, str]]:
    """Read a seed TSV into a list of dicts (prefer the typed records of events.lexicon)."""
    return [dict(row.cells) for row in table(name)]


def iter_tsv(name: str) -> Iterator[dict[str, str]]:
    """Iterate the rows of a seed TSV as dicts, skipping blank and ``#`` comment lines."""
    for row in iter_rows(name):
        yield dict(row.cells)


def split_multi(cell: str) -> list[str]:
    """Split a ``|``-separated seed cell into its non-empty values."""
    return [part.strip() for part in cell.split("|") if part.strip()]
