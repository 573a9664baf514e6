"""Whose country an actor gets from its sentence, and whom an event aimed at a place targets.

Texts are our own, in the styles of wire reports, codebook notes, monitors and partisan outlets,
from several continents.
"""

from __future__ import annotations

import datetime as dt

from events.pipeline.doc import Claim, Document
from events.pipeline.runner import run


def claim_of(text: str, event_type: str) -> Claim:
    doc = Document(raw=text, given_published=dt.date(2024, 5, 6))
    run(doc)
    found = [c for c in doc.claims if c.event_type == event_type]
    assert found, [(c.event_type, c.trigger) for c in doc.claims]
    return max(found, key=lambda c: c.confidence)


def countries(claim: Claim, role: str) -> set[str | None]:
    return {a.country for a in claim.actors(role)}  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# The one country a sentence names is not the agent's when it is the other party
# --------------------------------------------------------------------------


def test_a_president_threatening_a_country_is_not_of_that_country() -> None:
    claim = claim_of(
        "President Okafor threatened new sanctions against Ghana on Tuesday, his office said.",
        "THREATEN",
    )
    assert "GHA" in countries(claim, "target")
    assert "GHA" not in countries(claim, "source")


def test_demonstrators_protesting_a_foreign_state_keep_the_place_country() -> None:
    claim = claim_of(
        "Demonstrators in Caracas burned flags to protest against Colombia on Sunday.",
        "PROTEST",
    )
    assert countries(claim, "source") == {"VEN"}


def test_a_leader_acting_on_his_own_peoples_opposition_keeps_that_country() -> None:
    # A party of the same country (not a country named as an actor) says whose leader it is.
    claim = claim_of(
        "The prime minister threatened to ban Nepali opposition parties from the vote.",
        "THREATEN",
    )
    assert "NPL" in countries(claim, "source")


# --------------------------------------------------------------------------
# An event aimed at a place, with no actor undergoing it, targets the place's country
# --------------------------------------------------------------------------


def test_a_curfew_lifted_in_a_province_targets_its_country() -> None:
    claim = claim_of("Sudan lifted the night curfew in El Fasher on Monday.", "CONCEDE")
    target = claim.actors("target")
    assert [a.country for a in target] == ["SDN"]
    assert target[0].rule == "place"  # a reader of claims_flat sees where it came from


def test_a_visit_to_a_capital_targets_the_host_country() -> None:
    claim = claim_of(
        "Kenyan President William Ruto arrived in Addis Ababa on Sunday for talks.", "CONSULT"
    )
    assert countries(claim, "target") == {"ETH"}
    assert countries(claim, "source") == {"KEN"}


def test_a_protest_in_a_city_targets_that_country() -> None:
    claim = claim_of(
        "Several thousand teachers marched in La Paz on Thursday to demand higher pay, "
        "union leaders said.",
        "PROTEST",
    )
    assert countries(claim, "target") == {"BOL"}


def test_a_named_target_is_not_replaced_by_the_place() -> None:
    claim = claim_of(
        "Thailand imposed sanctions on the Myanmar junta in Bangkok on Friday.", "SANCTION"
    )
    assert "THA" not in countries(claim, "target")


def test_where_a_shell_fell_is_not_whom_it_struck() -> None:
    claim = claim_of("Shells fell on Donetsk on Sunday, local officials said.", "ASSAULT")
    assert not any(a.rule == "place" for a in claim.actors("target"))


# --------------------------------------------------------------------------
# A doer named after the undergoer, and a monitor that only saw it
# --------------------------------------------------------------------------


def sectors(claim: Claim, role: str) -> set[str | None]:
    return {a.sector for a in claim.actors(role)}  # type: ignore[arg-type]


def test_the_killing_of_victims_by_fighters_has_the_fighters_as_source() -> None:
    claim = claim_of(
        "The rights group documented the killing of four farmers, two of them brothers, "
        "by Boko Haram fighters near Gwoza on 3 March.",
        "ASSAULT",
    )
    assert "org:boko-haram" in {a.key for a in claim.actors("source")}
    assert "CVL" in sectors(claim, "target")


def test_an_attack_by_an_armed_group_names_the_doer_with_an_article() -> None:
    claim = claim_of(
        "Villagers in Cabo Delgado survived an attack by an armed group on Tuesday night.",
        "ASSAULT",
    )
    assert "NGO" not in sectors(claim, "source")
    assert sectors(claim, "source") & {"REB", "UAF"}


def test_a_monitor_that_documented_a_killing_is_not_its_author() -> None:
    claim = claim_of(
        "The Syrian Observatory for Human Rights documented an attack on a shepherd in rural "
        "Hama on Monday.",
        "ASSAULT",
    )
    assert not any(a.kind in {"organisation", "ngo"} for a in claim.actors("source"))


def test_a_monitor_that_recorded_shelling_is_not_its_author() -> None:
    claim = claim_of(
        "Ceasefire monitors recorded the shelling of a school in Horlivka on Sunday.",
        "ASSAULT",
    )
    assert "monitors" not in {a.text for a in claim.actors("source")}


# --------------------------------------------------------------------------
# Objects and appositions before a noun trigger are not its subject
# --------------------------------------------------------------------------


def test_the_recipient_of_a_giving_verb_is_the_target() -> None:
    claim = claim_of(
        "Norway will give Malawi a grant of 40 million dollars for school meals, the embassy said.",
        "AGREE",
    )
    assert countries(claim, "source") == {"NOR"}
    assert countries(claim, "target") == {"MWI"}


def test_a_country_after_on_is_not_the_subject_of_a_later_refusal() -> None:
    claim = claim_of(
        "Canadian officials said lifting the sanctions on Venezuela is out of the question.",
        "REJECT",
    )
    assert "VEN" not in countries(claim, "source")


def test_a_country_inside_an_apposition_is_not_the_subject() -> None:
    claim = claim_of(
        "Senegal, a close French partner in the Sahel, has refused to send troops to Mali.",
        "REJECT",
    )
    assert "FRA" not in countries(claim, "source")
    assert "SEN" in countries(claim, "source")


# --------------------------------------------------------------------------
# A speaker who meets someone, and a people named by two demonyms
# --------------------------------------------------------------------------


def test_a_speaker_who_will_meet_a_mediator_is_a_party_of_the_meeting() -> None:
    claim = claim_of(
        "Sudanese rebels said on Friday they would meet the Qatari mediators in Doha.",
        "AGREE",  # a promised meeting
    )
    assert "SDN" in countries(claim, "source")


def test_bosnian_serbs_are_a_people_of_bosnia() -> None:
    claim = claim_of(
        "Bosnian Serbs said their forces had pulled back from the hills around Bihac.", "RETREAT"
    )
    assert countries(claim, "source") == {"BIH"}
