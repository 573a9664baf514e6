"""Score the pipeline against gold development sets (``events eval DATASET``).

Each dataset module exposes ``evaluate(..., limit: int | None) -> Report``. Third-party gold
data is read from ``../shared/data`` (or ``--data``), never shipped; ``reading`` reads our own
dev set (``tests/data/reading_dev.jsonl``, or a file given as PATH) and ``timeml`` any folder
of TimeML files (PATH).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal


@dataclass
class Score:
    """Precision/recall/F1 (or accuracy) of one field."""

    field: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    correct: int = 0  # for accuracy-style fields
    total: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def is_accuracy(self) -> bool:
        """True for fields scored as accuracy (one prediction per gold item)."""
        return self.total > 0 and not (self.tp or self.fp or self.fn)

    def as_row(self) -> dict[str, object]:
        """Return the score as a row; metrics that do not apply are None (empty cells)."""
        acc = self.is_accuracy
        return {
            "field": self.field,
            "precision": None if acc else round(self.precision, 4),
            "recall": None if acc else round(self.recall, 4),
            "f1": None if acc else round(self.f1, 4),
            "accuracy": round(self.accuracy, 4) if acc else None,
            "tp": None if acc else self.tp,
            "fp": None if acc else self.fp,
            "fn": None if acc else self.fn,
            "correct": self.correct if acc else None,
            "total": self.total if acc else None,
        }


@dataclass
class Report:
    """All field scores for one dataset."""

    dataset: str
    scores: dict[str, Score] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def score(self, name: str) -> Score:
        return self.scores.setdefault(name, Score(name))


DATASETS = ("plover-gsr", "reading", "timeml", "ucdp", "wikiwars")
#: Datasets read from a PATH argument rather than from the shared data folder.
PATH_DATASETS = frozenset({"reading", "timeml"})


def default_data_dir() -> Path:
    """Return ``../shared/data`` relative to the current directory or the checkout."""
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        candidate = base.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return Path.cwd().parent / "shared" / "data"


def evaluate(
    dataset: str,
    data_dir: Path | None = None,
    limit: int | None = None,
    path: Path | None = None,
    anchor: Literal["news", "narrative"] = "news",
) -> Report:
    """Run the evaluation for ``dataset`` and return its report.

    ``path`` is the dev-set file of ``reading`` (default: ours) and the folder of ``timeml``;
    ``anchor`` is how ``timeml`` anchors relative dates (see :mod:`events.evaluate.timeml`).
    """
    if dataset == "reading":
        from events.evaluate import reading

        return reading.evaluate(path, limit)
    if dataset == "timeml":
        from events.evaluate import timeml

        if path is None:
            raise ValueError("timeml needs the folder of its TimeML files")
        return timeml.evaluate(path, limit, mode=anchor)
    data_dir = data_dir or default_data_dir()
    if dataset == "plover-gsr":
        from events.evaluate import plover

        return plover.evaluate(data_dir, limit)
    if dataset == "ucdp":
        from events.evaluate import ucdp

        return ucdp.evaluate(data_dir, limit)
    if dataset == "wikiwars":
        from events.evaluate import wikiwars

        return wikiwars.evaluate(data_dir, limit)
    raise ValueError(f"unknown dataset {dataset!r}: choose one of {', '.join(DATASETS)}")
