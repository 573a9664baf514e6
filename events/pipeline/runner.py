"""Run the extraction stages in order, naming the stage that fails.

A stage is a named callable with a declared contract: the document fields it
``requires`` (must be set by an earlier stage) and the ones it ``assigns``.
Stages register themselves with :func:`stage`; :func:`default_pipeline`
returns them in the order of the design (load happens before the runner,
store after it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from events.errors import EventsError, StageError
from events.pipeline.doc import Document

StageFunc = Callable[[Document], None]


@dataclass(frozen=True)
class Stage:
    """A pipeline stage: a function plus what it needs and what it adds."""

    name: str
    func: StageFunc
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()

    def __call__(self, doc: Document) -> None:
        self.func(doc)


_REGISTRY: dict[str, Stage] = {}

#: Order of the stages between load and store (design, "Extraction pipeline").
STAGE_ORDER = ("clean", "segment", "anchor", "actors", "dates", "places", "claims", "events")


def stage(
    name: str, *, requires: Iterable[str] = (), assigns: Iterable[str] = ()
) -> Callable[[StageFunc], StageFunc]:
    """Register ``func`` as the pipeline stage ``name``."""

    def register(func: StageFunc) -> StageFunc:
        _REGISTRY[name] = Stage(name, func, tuple(requires), tuple(assigns))
        return func

    return register


def get_stage(name: str) -> Stage:
    """Return the registered stage ``name`` (importing the stage modules first)."""
    _import_stages()
    return _REGISTRY[name]


#: Document fields the loader fills before the first stage runs.
LOADER_FIELDS = frozenset(
    "raw format origin external_id url source language given_title given_published "
    "given_published_precision include_comments".split()
)


def default_pipeline() -> list[Stage]:
    """Return the stages in design order (their contracts checked, see check_pipeline)."""
    _import_stages()
    missing = [n for n in STAGE_ORDER if n not in _REGISTRY]
    if missing:
        raise EventsError(f"pipeline stages not available: {', '.join(missing)}")
    stages = [_REGISTRY[n] for n in STAGE_ORDER]
    check_pipeline(stages)
    return stages


def check_pipeline(stages: list[Stage]) -> None:
    """Raise EventsError unless every stage's inputs are made before it runs.

    A field a stage ``requires`` must be filled by the loader or ``assigned`` by an
    earlier stage, and every declared field must exist on Document; so a stage
    moved, renamed or added out of order fails when the pipeline is built, not
    half-way through an article (spaCy's ``analyze_pipes`` does the same).
    """
    from dataclasses import fields

    known = {f.name for f in fields(Document)}
    available = set(LOADER_FIELDS)
    problems = []
    for st in stages:
        for name in (*st.requires, *st.assigns):
            if name not in known:
                problems.append(f"stage {st.name!r} declares {name!r}, which Document has not")
        for name in st.requires:
            if name in known and name not in available:
                problems.append(
                    f"stage {st.name!r} requires {name!r}, which no earlier stage assigns"
                )
        available.update(st.assigns)
    if problems:
        raise EventsError("the pipeline is mis-assembled: " + "; ".join(problems))


def run(doc: Document, stages: list[Stage] | None = None) -> Document:
    """Run ``stages`` (default: the whole pipeline) on ``doc`` and return it."""
    for st in stages if stages is not None else default_pipeline():
        try:
            st(doc)
        except EventsError:
            raise
        except Exception as exc:  # a bug or an input we did not foresee
            raise StageError(st.name, f"{type(exc).__name__}: {exc}") from exc
    return doc


def _import_stages() -> None:
    # Stage modules register themselves on import; import lazily so that
    # commands that do not extract (query, export) start fast.
    from events.pipeline import (  # noqa: F401
        actors,
        anchor,
        claims,
        clean,
        dates,
        eventcoding,
        places,
        segment,
    )
