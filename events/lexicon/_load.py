"""Cache a typed loader on the seed files it reads (the `seed_loader` decorator)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from events import seeds

T = TypeVar("T")

_CLEARERS: list[Callable[[], None]] = []


def seed_loader(*names: str) -> Callable[[Callable[[], T]], Callable[[], T]]:
    """Cache a record loader once per process and per version of the seed files ``names``.

    The cache key is each file's path, size and modification time: the records are built once,
    and again only when a researcher edits a file or points ``EVENTS_SEEDS_DIR`` elsewhere.
    """

    def wrap(build: Callable[[], T]) -> Callable[[], T]:
        @functools.cache
        def cached(key: tuple[tuple[str, int, int], ...]) -> T:
            del key  # the cache key only
            return build()

        @functools.wraps(build)
        def load() -> T:
            return cached(tuple(seeds.signature(name) for name in names))

        _CLEARERS.append(cached.cache_clear)
        return load

    return wrap


def clear() -> None:
    """Forget every cached record (tests that swap the seed directory call this)."""
    for clear_one in _CLEARERS:
        clear_one()
    seeds._table.cache_clear()
