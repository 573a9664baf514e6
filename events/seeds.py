"""Locate and read the seed dictionaries shipped in ``seeds/``.

Seeds are tab-separated files with a header row; lines starting with ``#`` are
comments. Multi-valued cells use ``|`` as separator. They are installed inside
the wheel as ``events/seed_data`` and live at the repository top level in a checkout.
"""

from __future__ import annotations

import csv
import functools
import logging
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from events.errors import SeedError

log = logging.getLogger(__name__)


@functools.cache
def seeds_dir() -> Path:
    """Return the directory holding the seed files (installed or checkout)."""
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


def read_tsv(name: str) -> list[dict[str, str]]:
    """Read a seed TSV into a list of dicts; warn loudly if it holds no rows."""
    rows = list(iter_tsv(name))
    if not rows:
        log.warning("seed file %s has no rows: the stage that uses it will find nothing", name)
    return rows


def iter_tsv(name: str) -> Iterator[dict[str, str]]:
    """Iterate the rows of a seed TSV, skipping blank and ``#`` comment lines."""
    path = seed_path(name)
    with path.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.lstrip().startswith("#"))
        reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        for lineno, row in enumerate(reader, start=2):
            if None in row or any(v is None for v in row.values()):
                raise SeedError(f"{name}: row {lineno} has the wrong number of columns")
            yield {k: (v or "").strip() for k, v in row.items()}


def split_multi(cell: str) -> list[str]:
    """Split a ``|``-separated seed cell into its non-empty values."""
    return [part.strip() for part in cell.split("|") if part.strip()]
