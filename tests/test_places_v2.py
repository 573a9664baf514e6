"""Geography v2: the places stage on the place index, and the place and country of claims.

Every text here was written for this file (invented events; real place names only so that the
gazetteer has something to find), in the styles of wire reports, codebook notes, monitors and
partisan outlets. Each test names the mechanism it checks; the assertions are what a researcher
coding the event would write in the location, admin1, country and geo_precision columns.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from events.geoindex import bare_admin_name, fold
from events.pipeline.doc import Claim, Document, PlaceMention
from events.pipeline.load import Overrides, load_bytes
from events.pipeline.runner import run
from tests.conftest import invoke

PHYSICAL = {"ASSAULT", "COERCE", "PROTEST", "MOBILIZE", "RETREAT"}


def pipeline(text: str) -> Document:
    return run(
        load_bytes(text.encode(), origin="test", overrides=Overrides(published=dt.date(2023, 5, 1)))
    )


def event_place(text: str) -> PlaceMention | None:
    """Return the place of the first physical event of ``text``."""
    doc = pipeline(text)
    claims = sorted(doc.claims, key=lambda c: (c.sentence_index, c.trigger_start))
    claim: Claim | None = next((c for c in claims if c.event_type in PHYSICAL), None)
    assert claim is not None, [(c.event_type, c.trigger) for c in doc.claims]
    return claim.place


def same(a: str | None, b: str) -> bool:
    return a is not None and fold(bare_admin_name(a)) == fold(bare_admin_name(b))


def assert_place(
    place: PlaceMention | None,
    location: str | None,
    admin1: str | None,
    country: str,
    precision: str,
) -> None:
    assert place is not None
    seen = (place.name, place.text, place.admin1, place.country, place.precision, place.evidence)
    if location is not None:
        assert same(place.name, location) or same(place.text, location), seen
    if admin1 is not None:
        assert same(place.admin1, admin1), seen
    assert (place.country, place.precision) == (country, precision), seen
    assert place.key and place.evidence, seen


def places_named(text: str) -> dict[str, PlaceMention]:
    return {p.text: p for p in pipeline(text).places}


# --------------------------------------------------------------------------
# 1. Candidates from capitalised sequences, one lookup, longest matches
# --------------------------------------------------------------------------


def test_multiword_name_with_connectors_is_one_place() -> None:
    place = event_place(
        "Regime forces shelled Jisr al-Shughur and the surrounding villages on Thursday, "
        "opposition activists said."
    )
    assert_place(place, "Jisr al-Shughur", "Idlib", "SYR", "point")


def test_country_name_with_of_the_is_the_country() -> None:
    found = places_named("Fighting displaced thousands in the Democratic Republic of the Congo.")
    (drc,) = found.values()
    assert (drc.key, drc.precision) == ("country:COD", "country")


def test_persian_ezafe_name_is_not_split_into_a_foreign_town() -> None:
    place = event_place(
        "Gunmen killed a journalist in Pul-e-Khumri, the capital of Baghlan province, on "
        "Thursday, police said."
    )
    assert_place(place, "Pul-e-Khumri", "Baghlan", "AFG", "point")


def test_upper_case_dateline_gives_the_country_not_the_event_place() -> None:
    doc = pipeline(
        "KISMAYO, Somalia — Gunmen killed a district commissioner on Monday, witnesses said."
    )
    (dateline,) = [p for p in doc.places if p.text == "KISMAYO"]
    assert (dateline.country, dateline.evidence.split(";")[0]) == ("SOM", "cue: dateline")
    claim = next(c for c in doc.claims if c.event_type == "ASSAULT")
    assert claim.place is not None and claim.place.key == "country:SOM"
    assert claim.place.precision == "country" and claim.place.evidence


def test_curated_region_and_country_still_found() -> None:
    found = places_named(
        "Azerbaijani troops advanced in Nagorno-Karabakh and along Armenia's border."
    )
    assert found["Nagorno-Karabakh"].key == "region:nagorno-karabakh"


# --------------------------------------------------------------------------
# 2. Same-name places chosen by evidence
# --------------------------------------------------------------------------


def test_article_country_chooses_among_same_name_towns() -> None:
    lebanon = event_place("Lebanese troops clashed with gunmen in Tripoli on Sunday.")
    libya = event_place("Libyan forces clashed with a militia in Tripoli on Sunday.")
    assert (lebanon and lebanon.country, libya and libya.country) == ("LBN", "LBY")
    assert lebanon is not None and "article country LBN" in lebanon.evidence


def test_admin1_named_next_to_it_chooses_the_unit() -> None:
    # "Bay" is a town in the Philippines and a Somali region; the town after it decides
    place = event_place("Militants attacked Baidoa, Bay region, on Friday, a local elder said.")
    assert_place(place, "Baidoa", "Bay", "SOM", "point")
    unit = places_named("Militants attacked Baidoa, Bay region, on Friday.")["Bay"]
    assert (unit.country, unit.precision) == ("SOM", "admin1") and "holds Baidoa" in unit.evidence


def test_place_in_parentheses_takes_its_unit() -> None:
    place = event_place(
        "ADF rebels killed 14 civilians in Beni (Nord-Kivu) overnight, a civil society leader said."
    )
    assert_place(place, "Beni", "Nord Kivu", "COD", "point")


def test_namesake_hamlet_in_a_named_country_does_not_beat_a_capital() -> None:
    place = event_place(
        "Demonstrators in Baghdad blocked a road to protest against United States policy."
    )
    assert_place(place, "Baghdad", None, "IRQ", "point")


def test_spelling_decides_between_names_that_fold_alike() -> None:
    place = event_place("A roadside bomb exploded near the town of Samarra on Sunday.")
    assert_place(place, "Samarra", None, "IRQ", "point")


# --------------------------------------------------------------------------
# 3. Common words are places only with a cue, a capital and a fitting country
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Most residents fled before the offensive.",
        "Southern Command said the strike hit its target.",
        "Split between factions, the council adjourned.",
        "May brought fresh clashes to the north.",
        "Nord and Sud units were merged, the army said.",
        "Colonia residents blocked the highway.",
        "Coast guards seized a boat carrying fighters.",
        "Central bank officials met the junta.",
        "Batman was screened in the capital on Friday.",
    ],
)
def test_common_word_at_a_sentence_start_is_no_place(text: str) -> None:
    assert pipeline(text).places == []


def test_common_word_with_cue_capital_and_country_is_a_place() -> None:
    # Bay is a Somali region; "in Bay region" with Somali actors is the region
    found = places_named("Somali troops clashed with militants in Bay region on Friday.")
    assert found["Bay"].country == "SOM" and found["Bay"].precision == "admin1"


def test_common_word_with_cue_but_no_fitting_country_is_no_place() -> None:
    assert "Split" not in places_named("Syrian rebels said the strike came in Split seconds.")


# --------------------------------------------------------------------------
# 4. Places a reader sees: lists, modifiers, distances, district of province
# --------------------------------------------------------------------------


def test_list_without_preposition_shares_its_unit_word() -> None:
    found = places_named(
        "Armenian defence officials said Azerbaijani forces shelled the Tartar and Agdam "
        "districts overnight."
    )
    assert {"Tartar", "Agdam"} <= set(found)
    assert all(
        found[n].country == "AZE" and found[n].precision == "admin1" for n in ("Tartar", "Agdam")
    )


def test_capital_as_modifier_is_a_place_not_the_state() -> None:
    doc = pipeline("A car bomb exploded outside a Mogadishu hotel on Sunday, police said.")
    assert not [a for a in doc.actors if a.text == "Mogadishu"]
    claim = next(c for c in doc.claims if c.event_type == "ASSAULT")
    assert_place(claim.place, "Mogadishu", "Banaadir", "SOM", "point")


def test_airport_after_a_capital_is_the_city() -> None:
    doc = pipeline("A rocket hit near the Kabul airport on Monday, wounding two people.")
    assert not [a for a in doc.actors if a.text == "Kabul"]
    assert "Kabul" in {p.text for p in doc.places}


def test_distance_from_the_capital_does_not_put_the_event_there() -> None:
    place = event_place(
        "BAMAKO, Mali (AP) — Suspected jihadists attacked a town 400 km north of the capital, "
        "killing at least 20 people, officials said Sunday."
    )
    assert_place(place, None, None, "MLI", "country")


def test_distance_origin_is_not_the_place_but_the_named_town_is() -> None:
    place = event_place(
        "MOGADISHU (Reuters) - Al Shabaab fighters attacked a military base near Jowhar, 90 km "
        "north of Mogadishu, on Tuesday, killing at least 12 Somali soldiers, an official said."
    )
    assert_place(place, "Jowhar", "Middle Shabelle", "SOM", "point")


def test_district_of_province_resolves_the_district() -> None:
    place = event_place(
        "On 16 October 2020, Taliban fighters attacked police checkpoints in Nad Ali district of "
        "Helmand province, killing nine policemen."
    )
    assert_place(place, "Nad Ali", "Helmand", "AFG", "admin2")


def test_codebook_chain_village_district_province_is_the_village() -> None:
    place = event_place(
        "On 22 July 2021, ISWAP fighters attacked Konduga town in Konduga LGA, Borno state, "
        "killing three members of the CJTF."
    )
    assert_place(place, "Konduga", "Borno", "NGA", "point")


def test_codebook_note_from_colombia_with_department() -> None:
    place = event_place(
        "On 8 August 2022, ELN guerrillas attacked a police station in Tibu, Norte de Santander, "
        "wounding two officers."
    )
    assert_place(place, "Tibu", "Norte de Santander", "COL", "point")


# --------------------------------------------------------------------------
# 5. Person names are never places
# --------------------------------------------------------------------------


def test_titled_person_s_surname_is_not_aden() -> None:
    found = places_named(
        "Somali forces clashed with Al Shabaab in Wanlaweyn on Thursday. Hirshabelle state "
        "security minister Abdiweli Adan said five militants died."
    )
    assert "Adan" not in found and found["Wanlaweyn"].country == "SOM"


def test_untitled_name_beside_given_names_is_not_a_town() -> None:
    found = places_named(
        "A suicide bomber killed five worshippers in Monguno, Borno state. Ba Goni Hassan "
        "Ibrahim, a local vigilante leader, said the bomber was a teenager."
    )
    assert "Hassan" not in found and "Ibrahim" not in found
    assert found["Monguno"].admin1 == "Borno State"


@pytest.mark.parametrize(
    "text",
    [
        "The gunmen shot dead a farmer, said Hassan, a resident of the village.",
        "Mr Aden told reporters the road was closed.",
        "Hassan, 34, said his brother was among the dead.",
    ],
)
def test_name_after_speech_verb_or_title_is_not_a_place(text: str) -> None:
    assert places_named(text) == {}


def test_name_with_a_cue_is_still_a_place() -> None:
    found = places_named("Gunmen stormed a school in Kaduna, Ibrahim Musa said.")
    assert "Kaduna" in found and "Ibrahim" not in found


# --------------------------------------------------------------------------
# 6. A claim without a place takes its country, with the reason
# --------------------------------------------------------------------------


def test_country_from_the_victims_nationality() -> None:
    place = event_place(
        "Somali soldiers were killed when militants attacked their positions overnight, the "
        "army said."
    )
    assert_place(place, None, None, "SOM", "country")
    assert place is not None and place.key == "country:SOM" and "actor" in place.evidence


def test_country_from_the_national_army() -> None:
    place = event_place("The Nigerian army said it killed 20 militants in an ambush.")
    assert_place(place, None, None, "NGA", "country")


def test_foreign_actor_does_not_move_the_event_out_of_the_article_s_country() -> None:
    doc = pipeline(
        "Turkish drones struck a car near Tal Abyad in northern Syria on Monday, the SDF said. "
        "Turkish drones also struck a motorbike later that day, killing two fighters."
    )
    second = [c for c in doc.claims if c.sentence_index == 1 and c.event_type == "ASSAULT"]
    assert second and second[0].place is not None
    assert (second[0].place.country, second[0].place.precision) == ("SYR", "country")
    first = next(c for c in doc.claims if c.sentence_index == 0 and c.event_type == "ASSAULT")
    assert_place(first.place, "Tal Abyad", None, "SYR", "point")


def test_place_in_text_wins_over_the_actor_s_country() -> None:
    place = event_place("Turkish warplanes struck Kurdish positions in Syria on Tuesday.")
    assert_place(place, None, None, "SYR", "country")
    assert place is not None and place.text == "Syria"


# --------------------------------------------------------------------------
# End to end: the CLI into claims_flat
# --------------------------------------------------------------------------


def test_ingest_stores_location_admin1_country_and_precision(runner, db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "somalia.txt"
    article.write_text(
        "MOGADISHU (Reuters) - Al Shabaab fighters attacked a military base near Jowhar, 90 km "
        "north of Mogadishu, on Tuesday, killing at least 12 Somali soldiers, a regional "
        "official said.\n\nGovernment troops later retook the camp, the army said.\n",
        encoding="utf-8",
    )
    result = invoke(runner, "--db", db, "ingest", str(article), "--published", "2023-05-02")
    assert result.exit_code == 0, result.output
    result = invoke(
        runner,
        "--db",
        db,
        "query",
        "SELECT sentence_index, event_type, location, admin1, country, geo_precision"
        " FROM claims_flat ORDER BY sentence_index, char_start",
        "--json",
    )
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    attack = next(r for r in rows if r["sentence_index"] == 0 and r["event_type"] == "ASSAULT")
    assert (attack["location"], attack["admin1"], attack["country"], attack["geo_precision"]) == (
        "Jawhar",
        "Middle Shabele",
        "SOM",
        "point",
    )
    retaken = next(r for r in rows if r["sentence_index"] == 1)
    assert (retaken["location"], retaken["country"], retaken["geo_precision"]) == (
        "Somalia",
        "SOM",
        "country",
    )


def test_an_unknown_place_inside_a_named_unit_is_not_a_foreign_namesake() -> None:
    """A village the index lacks, named with its province, is coded to the province."""
    doc = pipeline(
        "Weekly summary: insurgents attacked an army base in Bal'ad, Middle Shabelle, on Sunday."
    )
    places = [(p.name, p.country, p.precision) for p in doc.places]
    assert all(country == "SOM" for _, country, _ in places), places
    assert any(precision == "admin1" for _, _, precision in places), places
