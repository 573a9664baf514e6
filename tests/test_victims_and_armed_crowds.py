"""Who is struck and who strikes when the text names them only by a noun (issue 9).

Texts written for this file (wire copy, codebook-style notes, a monitor's line, partisan
wording; Sahel, Middle East, South Asia, Central Africa, Latin America), never the dev set's.
Each test reads the report's main event as the evaluators do (top_claim) and its actor classes
by the ACLED inter rules of seeds/acled_inter.tsv.
"""

from __future__ import annotations

import datetime as dt

import pytest

from events.evaluate.match import principal_actors, top_claim
from events.evaluate.reading import acled_event_type, inter_class
from events.pipeline.doc import Document
from events.pipeline.runner import run

PUBLISHED = dt.date(2025, 3, 14)


def reading(text: str) -> tuple[str | None, str, str]:
    """Return (ACLED event type, actor1 class, actor2 class) of the report's main event."""
    claim = top_claim(run(Document(raw=text, origin="test", given_published=PUBLISHED)))
    kind = acled_event_type(claim)
    country = claim.place.country if claim is not None and claim.place is not None else None
    a1, a2 = principal_actors(claim)
    return kind, inter_class(a1, kind, country), inter_class(a2, kind, country)


# --- 1. victims named by a noun are the second actor -----------------------------------------


@pytest.mark.parametrize(
    ("text", "actor2"),
    [
        # determined or counted victims after a death noun or in a vehicle
        (
            "Insurgents said they had caused the death of eight regime soldiers near Saraqib.",
            "state",
        ),
        (
            "An explosive device hit a truck transporting Nigerien soldiers outside Tillaberi on "
            "Monday, killing three of them.",
            "state",
        ),
        (
            "Masked men abducted a parish priest from his residence in Kaduna State on Saturday.",
            "civilians",
        ),
        ("Gunmen killed a village chief and his wife in Ituri province overnight.", "civilians"),
        ("Militiamen attacked a primary school in Tshopo, killing 11 pupils.", "civilians"),
        (
            "Unknown attackers shot dead a local leader in Putumayo department on 3 March.",
            "civilians",
        ),
    ],
)
def test_victims_named_by_a_noun_are_the_second_actor(text: str, actor2: str) -> None:
    assert reading(text)[2] == actor2


def test_soldiers_carried_in_a_struck_vehicle_are_not_the_attackers() -> None:
    kind, actor1, actor2 = reading(
        "A landmine struck a bus carrying Malian soldiers near Douentza on Thursday, killing five."
    )
    assert kind == "Explosions/Remote violence"
    assert actor1 != "state" and actor2 == "state"


def test_a_suicide_bomber_is_an_unidentified_armed_person_not_an_air_force() -> None:
    kind, actor1, _ = reading(
        "A suicide bomber detonated his vest at a wedding hall in Konduga, killing nine guests."
    )
    assert kind == "Explosions/Remote violence"
    assert actor1 == "political_militia"


# --- 2. violence at a protest outranks the protest -------------------------------------------


@pytest.mark.parametrize(
    ("text", "actor1"),
    [
        (
            "Riot police shot dead two protesters during demonstrations against fuel prices in "
            "Conakry on Wednesday.",
            "state",
        ),
        (
            "Ruling-party militia attacked students demonstrating against tuition fees in Kampala,"
            " injuring dozens.",
            "political_militia",
        ),
    ],
)
def test_violence_against_protesters_is_the_main_event(text: str, actor1: str) -> None:
    kind, a1, a2 = reading(text)
    assert kind in {"Violence against civilians", "Protests"}
    assert (a1, a2) == (actor1, "protesters")


def test_tear_gas_on_a_crowd_that_burns_vehicles_is_a_riot() -> None:
    kind, actor1, actor2 = reading(
        "Police fired tear gas at a crowd that threw bricks and set cars on fire in Lusaka on "
        "Friday."
    )
    assert (kind, actor1) == ("Riots", "rioters")


# --- 3. an armed crowd is a militia ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "actor1"),
    [
        (
            "Fulani herders raided the village of Tse-Adaga in Benue State, killing 9 farmers.",
            "identity_militia",
        ),
        ("Angry villagers attacked a gendarmerie post in Dori on Sunday.", "political_militia"),
    ],
)
def test_people_who_attack_are_a_militia_not_civilians(text: str, actor1: str) -> None:
    assert reading(text)[1] == actor1


# --- 4. armed factions fighting are a battle, whatever the toll noun -------------------------


def test_fighting_factions_killing_people_is_a_battle() -> None:
    kind, actor1, actor2 = reading(
        "Rival armed factions fought for control of the port of Tripoli on Tuesday, killing 31 "
        "people."
    )
    assert kind == "Battles"
    assert actor1 == "political_militia"
    assert actor2 != "civilians"


# --- 5. a building is not an actor; "occupation army" is the army ----------------------------


def test_the_mosque_is_not_an_actor_and_the_occupation_army_fires() -> None:
    kind, actor1, actor2 = reading(
        "The occupation army fired live ammunition at worshippers leaving the mosque in Jenin."
    )
    assert kind == "Violence against civilians"
    assert (actor1, actor2) == ("state", "civilians")


# --- 6. the attacker repelled is actor1 -------------------------------------------------------


def test_an_attack_repelled_names_the_attacker_first() -> None:
    kind, actor1, actor2 = reading(
        "Burkinabe troops repelled an attack by JNIM fighters on a checkpoint near Djibo."
    )
    assert kind == "Battles"
    assert (actor1, actor2) == ("rebel", "state")


def test_a_building_is_never_an_actor() -> None:
    doc = run(
        Document(
            raw="Worshippers leaving the Grand Mosque in Zaria were attacked by a mob on Friday.",
            origin="test",
            given_published=PUBLISHED,
        )
    )
    assert not [a for a in doc.actors if "mosque" in a.text.lower()]


def test_a_clash_between_two_named_communities_is_intercommunal_violence() -> None:
    kind, actor1, actor2 = reading(
        "On 2 February 2025, fighting between Lou and Murle youths near Pibor killed 14 people."
    )
    assert kind == "Battles"
    assert (actor1, actor2) == ("identity_militia", "identity_militia")


def test_herdsmen_attacking_farmers_keep_the_farmers_as_victims() -> None:
    kind, actor1, actor2 = reading(
        "Herdsmen attacked farmers at Yelwata in Benue State on Sunday, killing 12."
    )
    assert kind == "Violence against civilians"
    assert (actor1, actor2) == ("political_militia", "civilians")


def test_a_student_shot_at_a_protest_is_a_protester() -> None:
    _, actor1, actor2 = reading(
        "Gendarmes shot dead a student during a protest against power cuts in Kindia on Monday."
    )
    assert (actor1, actor2) == ("state", "protesters")


def test_soldiers_in_a_convoy_hit_by_a_bomb_are_its_victims() -> None:
    kind, actor1, actor2 = reading(
        "A bomb hidden in a cart exploded near a convoy of Somali soldiers in Afgoye, killing two "
        "soldiers."
    )
    assert kind == "Explosions/Remote violence"
    assert actor1 != "state" and actor2 == "state"


def test_killing_outranks_the_destruction_in_the_same_sentence() -> None:
    kind, _, _ = reading(
        "Rebel fighters destroyed two army trucks and killed seven soldiers near Kiwanja on Friday."
    )
    assert kind == "Battles"


def test_armed_men_of_a_named_community_attacking_hunters_are_identity_militias() -> None:
    kind, actor1, actor2 = reading(
        "On 8 January 2025, Fulani armed men attacked Dozo hunters near Solenzo, killing six."
    )
    assert kind == "Battles"
    assert (actor1, actor2) == ("identity_militia", "identity_militia")


def test_mobs_attacking_homes_riot() -> None:
    kind, actor1, _ = reading(
        "On 11 October 2024, mobs attacked shops and homes in Bahraich district after a "
        "procession, police said."
    )
    assert (kind, actor1) == ("Riots", "rioters")


def test_members_of_a_group_unknown_to_the_dictionary_are_that_group() -> None:
    kind, actor1, actor2 = reading(
        "Gunmen killed six members of the Southern Resistance Front near Lahij on Monday."
    )
    assert kind == "Battles"
    assert (actor1, actor2) == ("political_militia", "political_militia")


def test_a_crowd_shot_at_in_the_next_sentence_outranks_the_march() -> None:
    _, actor1, actor2 = reading(
        "Thousands of people marched in Kisumu on Tuesday against tax rises. Police fired live "
        "rounds at the crowd, killing four protesters, a rights group said."
    )
    assert (actor1, actor2) == ("state", "protesters")


@pytest.mark.parametrize(
    "text",
    [
        "Gunmen shot dead a teacher and a nurse in Rutshuru territory on Tuesday.",
        "On 14 August 2024, a roadside bomb killed a driver and two passengers near Kondoa.",
        "Bandits kidnapped a merchant on the Gusau road on Friday, his family said.",
    ],
)
def test_a_single_victim_named_by_a_trade_is_a_civilian_actor(text: str) -> None:
    assert reading(text)[2] == "civilians"


def test_the_bomber_who_rams_a_checkpoint_is_actor1_not_the_military_of_the_checkpoint() -> None:
    kind, actor1, actor2 = reading(
        "A suicide bomber drove a truck into an army checkpoint near Baidoa, killing six soldiers."
    )
    assert kind == "Explosions/Remote violence"
    assert (actor1, actor2) == ("political_militia", "state")


def test_two_suicide_bombers_are_no_aircraft_and_no_community() -> None:
    kind, actor1, _ = reading(
        "Two suicide bombers struck a market in Konduga on Saturday, killing 9 traders."
    )
    assert (kind, actor1) == ("Explosions/Remote violence", "political_militia")


def test_a_patrol_ambushed_is_no_deployment() -> None:
    kind, actor1, actor2 = reading(
        "Four gendarmes were killed when armed men ambushed their patrol near Fada N'Gourma."
    )
    assert (kind, actor1, actor2) == ("Battles", "political_militia", "state")


def test_partisan_words_for_an_army_name_the_army() -> None:
    _, actor1, _ = reading(
        "The invaders shelled the village of Hrabove on Sunday, killing an elderly woman."
    )
    assert actor1 in {"state", "external"}


@pytest.mark.parametrize(
    "text",
    [
        "Suspected ADF militants attacked a school in Mpondwe on Friday night.",
        "Gunmen stormed a church in Ondo State during Sunday service.",
    ],
)
def test_an_attack_on_a_school_or_church_strikes_civilians(text: str) -> None:
    kind, _, actor2 = reading(text)
    assert (kind, actor2) == ("Violence against civilians", "civilians")


def test_civilians_killed_as_two_forces_battle_are_the_battles_toll() -> None:
    kind, actor1, actor2 = reading(
        "At least 14 civilians were killed on Friday as government troops and RSF fighters "
        "battled for control of El Fasher, medics said."
    )
    assert (kind, actor1, actor2) == ("Battles", "state", "rebel")


@pytest.mark.parametrize(
    "text",
    [
        "Police in Lagos dispersed hundreds of nurses who marched to the state assembly on Monday "
        "demanding unpaid allowances.",
        "Police arrested 30 students who were protesting against fee increases in Johannesburg.",
    ],
)
def test_people_who_march_in_a_relative_clause_are_the_protest_policed(text: str) -> None:
    kind, actor1, _ = reading(text)
    assert (kind, actor1) == ("Protests", "protesters")
