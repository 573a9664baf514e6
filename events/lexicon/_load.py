"""Cache a typed loader on the seed files it reads (the `seed_loader` decorator)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from events import seeds

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

_CLEARERS: list[Callable[[], None]] = []
#: The seed files read through loaders (for the record: every seed has one home).
_FILES: set[str] = set()


def seed_loader(*names: str) -> Callable[[Callable[[], T]], Callable[[], T]]:
    """Cache a record loader: the records of the seed files ``names`` are built once per process.

    ``EVENTS_SEEDS_DIR`` is read when the first record is needed; a file edited, or a directory
    switched, while the process runs is read again after :func:`clear`. (Checking the files on
    every call would cost a stat per lookup, and some lookups are made per word.)
    """

    def wrap(build: Callable[[], T]) -> Callable[[], T]:
        load = functools.cache(build)
        _CLEARERS.append(load.cache_clear)
        _FILES.update(names)
        return load

    return wrap


def also_clear(cached: F) -> F:
    """Register a ``functools.cache``d function built from records: :func:`clear` clears it too."""
    _CLEARERS.append(getattr(cached, "cache_clear"))  # noqa: B009 - F says only Callable
    return cached


def clear() -> None:
    """Forget every cached record (tests that swap the seed directory call this)."""
    for clear_one in _CLEARERS:
        clear_one()
    seeds._table.cache_clear()
