"""`events eval` prints per-field scores from the gold sets in ../shared."""

from __future__ import annotations

import csv
import io

from tests.conftest import SHARED_DATA, invoke, shared_file


def test_eval_wikiwars_prints_value_f1(runner) -> None:  # type: ignore[no-untyped-def]
    shared_file("wikiwars", "keyinline_timex2")
    result = invoke(runner, "eval", "wikiwars", "--data", str(SHARED_DATA), "--limit", "2", "--csv")
    assert result.exit_code == 0, result.output
    rows = {r["field"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert 0.5 < float(rows["date.value"]["f1"]) <= 1.0


def test_eval_plover_prints_accuracy(runner) -> None:  # type: ignore[no-untyped-def]
    shared_file("plover-gsr", "PLOVER_GSR_CAMEO.json")
    result = invoke(
        runner, "eval", "plover-gsr", "--data", str(SHARED_DATA), "--limit", "40", "--csv"
    )
    assert result.exit_code == 0, result.output
    rows = {r["field"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert float(rows["event_type"]["accuracy"]) > 0.3
    assert rows["event_type"]["f1"] == ""  # accuracy-style field: P/R/F1 do not apply


def test_eval_ucdp_prints_all_rows_and_with_claim_rates(runner) -> None:  # type: ignore[no-untyped-def]
    shared_file("ucdp-ged-sample", "ucdpged_sample1000.csv")
    result = invoke(runner, "eval", "ucdp", "--data", str(SHARED_DATA), "--limit", "60", "--csv")
    assert result.exit_code == 0, result.output
    rows = {r["field"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["claimed"]["total"] == "60"
    assert rows["location"]["total"] == "60"
    claimed = int(rows["claimed"]["correct"])
    assert 0 < claimed <= 60
    assert rows["with_claim:country"]["total"] == str(claimed)
    assert "60 UCDP rows" in result.stderr


def test_eval_ucdp_without_the_sample_is_an_error(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "eval", "ucdp", "--data", str(tmp_path))
    assert result.exit_code == 1
    assert "UCDP GED sample not found" in result.stderr


def test_eval_without_data_is_a_usage_error(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "eval", "wikiwars", "--data", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert "not found" in result.stderr


def test_eval_wikiwars_without_narratives_is_an_error(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "eval", "wikiwars", "--data", str(tmp_path))
    assert result.exit_code == 1
    assert "no WikiWars narratives" in result.stderr
