"""The lexicon layer: every seed read once into typed records, bad rows named by file and row."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from events import catalog, gazetteer, lexicon
from events.errors import SeedError
from events.evaluate.match import STATE_SECTORS
from events.pipeline.claims import find_cues
from events.pipeline.dates import vocabulary
from events.pipeline.tolls import fatalities
from events.pipeline.triggers import find_triggers
from tests.conftest import REPO


def _forget() -> None:
    """Drop the records and what the stages built from them."""
    lexicon.clear()


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the program at an editable copy of the seeds (EVENTS_SEEDS_DIR)."""
    copy = tmp_path / "seeds"
    shutil.copytree(
        REPO / "seeds",
        copy,
        ignore=shutil.ignore_patterns("samples", "*.py", "geonames_admin2.tsv", "__pycache__"),
    )
    monkeypatch.setenv("EVENTS_SEEDS_DIR", str(copy))
    _forget()
    yield copy
    _forget()  # the next test reads the shipped seeds again


def _append(path: Path, *cells: str) -> int:
    """Append one row to a seed file; return its line number."""
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\t".join(cells) + "\n")
    return len(path.read_text(encoding="utf-8").splitlines())


def test_an_unknown_event_type_names_the_file_and_row(seeds: Path) -> None:
    line = _append(seeds / "triggers.tsv", "bombard", "BOMBARD", "", "", "", "")
    with pytest.raises(SeedError, match=rf"triggers\.tsv, row at line {line}: .*'BOMBARD'"):
        lexicon.trigger_rows()


def test_an_unknown_sector_names_the_file_and_row(seeds: Path) -> None:
    line = _append(seeds / "actors.tsv", "org:x", "X Front", "armed_group", "", "XYZ", "", "")
    with pytest.raises(SeedError, match=rf"actors\.tsv, row at line {line}: sector 'XYZ'"):
        lexicon.named_actors()


def test_a_row_with_a_missing_column_names_the_file_and_row(seeds: Path) -> None:
    line = _append(seeds / "countries.tsv", "TST", "Testland")
    with pytest.raises(SeedError, match=rf"countries\.tsv, row at line {line}: 2 columns"):
        lexicon.countries()


def test_a_bad_number_names_the_file_and_row(seeds: Path) -> None:
    line = _append(
        seeds / "countries.tsv", "TST", "Testland", "", "Testish", "Testville", "north", "1", "yes"
    )
    with pytest.raises(
        SeedError, match=rf"countries\.tsv, row at line {line}: capital_lat 'north'"
    ):
        lexicon.countries()


def test_a_bad_yes_no_flag_names_the_file_and_row(seeds: Path) -> None:
    line = _append(seeds / "acled_inter.tsv", "MIL", "", "", "maybe", "8", "External")
    with pytest.raises(SeedError, match=rf"acled_inter\.tsv, row at line {line}: abroad 'maybe'"):
        lexicon.inter_rules()


LOADERS: list[tuple[Callable[[], Any], type]] = [
    (lexicon.countries, lexicon.Country),
    (lexicon.regions, lexicon.Region),
    (lexicon.places, lexicon.Place),
    (lexicon.ucdp_countries, lexicon.UcdpCountry),
    (lexicon.geonames_admin1, lexicon.Admin1),
    (lexicon.transliterations, lexicon.Transliteration),
    (lexicon.named_actors, lexicon.NamedActor),
    (lexicon.agents, lexicon.Agent),
    (lexicon.titles, lexicon.Title),
    (lexicon.inter_rules, lexicon.InterRule),
    (lexicon.plover_types, lexicon.PloverType),
    (lexicon.trigger_rows, lexicon.TriggerRow),
    (lexicon.target_modes, lexicon.TargetMode),
    (lexicon.cue_rows, lexicon.CueRow),
    (lexicon.toll_words, lexicon.TollWord),
    (lexicon.number_words, lexicon.NumberWord),
    (lexicon.abbreviations, lexicon.Abbreviation),
    (lexicon.boilerplate, lexicon.BoilerplateRule),
    (lexicon.date_words, lexicon.DateWords),
]


@pytest.mark.parametrize(("load", "record"), LOADERS, ids=lambda x: getattr(x, "__name__", ""))
def test_every_loader_returns_frozen_typed_records(load: Callable[[], Any], record: type) -> None:
    records = load()
    assert records, f"{load.__name__} returned nothing"
    assert all(isinstance(r, record) for r in records)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(records[0], dataclasses.fields(records[0])[0].name, None)
    assert load() is records, "read once per process"


def test_keyed_loaders_return_typed_records() -> None:
    assert lexicon.country_regions()["SRB"].gw_code == 345
    assert lexicon.sectors()["MIL"] == lexicon.Sector("MIL", "Military", True, False)
    assert lexicon.place_words()["province"].role == "unit"
    assert "in" in lexicon.locative_cues()
    assert {"most"} <= lexicon.placeword_stoplist()


def test_sectors_months_and_plover_types_come_from_their_seeds() -> None:
    assert lexicon.state_sectors() == {"GOV", "MIL", "COP", "LEG", "JUD", "SPY"} == STATE_SECTORS
    assert lexicon.transnational_sectors() == {"IGO", "NGO", "MNC"}
    assert lexicon.month_names()["Sept."] == 9 and lexicon.month_names()["January"] == 1
    assert "September" in vocabulary().months
    names = lexicon.plover_type_names()
    assert len(names) == 16 and {"ASSAULT", "PROTEST"} <= set(names)
    assert {t.event_type for t in lexicon.trigger_rows()} <= set(names)


def test_flags_from_notes_are_explicit_fields() -> None:
    cues = {c.phrase: c for c in lexicon.cue_rows()}
    assert cues["expected to"].estimate and not cues["expected to"].observation
    assert cues["documented"].observation and not cues["said"].observation
    assert {t.patterns for t in lexicon.trigger_rows() if t.generic} == {("war",)}


def test_the_stages_read_the_flag_columns_not_the_notes(seeds: Path) -> None:
    _append(seeds / "triggers.tsv", "wallop", "ASSAULT", "", "", "yes", "")
    _append(seeds / "triggers.tsv", "pummel", "ASSAULT", "", "", "", "low specificity")
    _append(seeds / "cues.tsv", "reckons", "modality", "predicted", "none", "", "yes", "", "")
    _append(seeds / "cues.tsv", "espied", "report", "", "before", "", "", "", "observation")
    found = {m.text: m.trigger for m in find_triggers("Rebels wallop the town and pummel it.")}
    assert found["wallop"].generic and not found["pummel"].generic
    cues = {c.text: c.cue for c in find_cues("The army reckons, monitors espied.")}
    assert cues["reckons"].estimate and not cues["espied"].observation


def test_a_flag_must_be_yes_or_no(seeds: Path) -> None:
    line = _append(seeds / "triggers.tsv", "bombard", "ASSAULT", "", "", "low", "")
    with pytest.raises(SeedError, match=rf"triggers\.tsv, row at line {line}: generic 'low'"):
        find_triggers("Rebels bombard the town.")


def test_toll_word_kinds_are_checked(seeds: Path) -> None:
    line = _append(seeds / "toll_words.tsv", "fighter", "combatant", "fighters", "")
    with pytest.raises(SeedError, match=rf"toll_words\.tsv, row at line {line}: kind 'combatant'"):
        fatalities("Two fighters were killed.")


def test_toll_words_need_civilian_and_death_words(seeds: Path) -> None:
    path = seeds / "toll_words.tsv"
    kept = [ln for ln in path.read_text(encoding="utf-8").splitlines() if "\tcivilian\t" not in ln]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(SeedError, match="toll_words.tsv has no civilian words"):
        fatalities("Two villagers were killed.")


def test_a_new_death_word_counts_after_clear(seeds: Path) -> None:
    assert fatalities("Troops obliterated five fighters.") is None
    _append(seeds / "toll_words.tsv", "obliterated", "death", "", "")
    lexicon.clear()
    figure = fatalities("Troops obliterated five fighters.")
    assert figure is not None and figure.best == 5


def test_a_seed_is_read_once_and_again_after_clear(seeds: Path) -> None:
    before = lexicon.countries()
    _append(seeds / "countries.tsv", "TST", "Testland", "", "Testish", "Testville", "1", "1", "no")
    assert lexicon.countries() is before
    lexicon.clear()
    assert len(lexicon.countries()) == len(before) + 1


def test_every_seed_file_has_a_loader() -> None:
    from events.lexicon._load import _FILES

    shipped = {p.name for p in (REPO / "seeds").glob("*.tsv")}
    assert shipped - _FILES == {"geonames_admin2.tsv"}  # 125,000 rows: read by the build only


def test_database_seeding_and_the_pipeline_read_the_same_records(seeds: Path) -> None:
    _append(
        seeds / "countries.tsv", "TST", "Testland", "Republic of Testland", "Testish", "Testville",
        "1.5", "2.5", "no",
    )  # fmt: skip
    _append(
        seeds / "actors.tsv", "org:tlf", "Testland Liberation Front", "armed_group", "TST", "REB",
        "TLF", "",
    )  # fmt: skip
    rows = catalog.seed_rows()
    assert {"TST", "org:tlf"} <= {a["key"] for a in rows["actors"]}
    assert ("org:tlf", "TLF", "name") in rows["aliases"]
    location = next(loc for loc in rows["locations"] if loc["key"] == "country:TST")
    assert (location["latitude"], location["longitude"]) == (1.5, 2.5)

    found = {
        m.text: m.best for m in gazetteer.actor_matcher().find("TLF fighters entered Testland.")
    }
    assert (found["TLF"].key, found["TLF"].country) == ("org:tlf", "TST")
    assert found["Testland"].key == "TST"
    assert gazetteer.country_by_code()["TST"].capital_metonym is False


def test_a_missing_seed_directory_is_an_error(seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTS_SEEDS_DIR", str(seeds / "nowhere"))
    with pytest.raises(SeedError, match="EVENTS_SEEDS_DIR"):
        lexicon.countries()
