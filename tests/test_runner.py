"""The pipeline checks its stages' contracts when it is built."""

from __future__ import annotations

import pytest

from events.errors import EventsError
from events.pipeline.runner import Stage, check_pipeline, default_pipeline


def _noop(doc) -> None:  # type: ignore[no-untyped-def]
    return None


def test_the_default_pipeline_is_well_assembled() -> None:
    names = [s.name for s in default_pipeline()]
    assert names[0] == "clean" and names[-1] == "events"


def test_a_stage_before_its_inputs_is_refused() -> None:
    stages = default_pipeline()
    places = next(s for s in stages if s.name == "places")
    reordered = [places, *(s for s in stages if s is not places)]
    with pytest.raises(EventsError, match="'places' requires 'sentences'"):
        check_pipeline(reordered)


def test_a_field_document_does_not_have_is_refused() -> None:
    bad = Stage("typo", _noop, requires=("raw",), assigns=("sentneces",))
    with pytest.raises(EventsError, match="'sentneces', which Document has not"):
        check_pipeline([bad])
