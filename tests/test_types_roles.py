"""Event types and roles (issue 9): missed triggers, type confusions, crowd and passive actors.

Texts are written for these tests in the styles the pipeline meets: ACLED-style codebook notes,
wire copy, ceasefire-monitor reports and partisan outlets, across several countries. Each test
checks a mechanism (a lexicon row, the target's class, a crowd, a by-phrase), not one sentence.
The ACLED type is read through the crosswalk in seeds/plover_types.tsv, as the exports do.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import pytest

from events import lexicon
from events.evaluate.match import top_claim
from events.export import inter_rules
from events.lexicon.phrases import phrase_regex
from events.pipeline.doc import ActorMention, Claim, Document
from events.pipeline.runner import run
from events.pipeline.triggers import find_triggers, target_mode


@functools.cache
def crosswalk() -> dict[tuple[str, str], tuple[str, str]]:
    return {
        (t.plover_type, t.mode): (t.acled_event_type or "", t.acled_sub_event_type or "")
        for t in lexicon.plover_types()
    }


def acled(claim: Claim) -> tuple[str, str]:
    table = crosswalk()
    return table.get((claim.event_type, claim.event_mode or ""), table[(claim.event_type, "")])


def inter(actor: ActorMention, acled_type: str) -> str:
    for rule in inter_rules():
        if rule.sector and actor.sector != rule.sector:
            continue
        if rule.kind and actor.kind != rule.kind:
            continue
        if rule.acled_event_type and acled_type != rule.acled_event_type:
            continue
        if rule.abroad:
            continue
        return str(rule.inter)
    return ""


def main_claim(text: str) -> Claim:
    """Return the report's main event, the claim the evaluators and the exports lead with."""
    doc = Document(raw=text)
    run(doc)
    claim = top_claim(doc)
    assert claim is not None, f"no claim in {text!r}"
    return claim


def sectors(claim: Claim, role: str) -> set[str | None]:
    return {a.sector for a in claim.actors(role)}  # type: ignore[arg-type]


# --- Triggers that were missed ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "acled_type"),
    [
        # codebook notes
        (
            "On 3 March 2021, Houthi forces fired with mortars and machine guns at the positions "
            "of government forces in Hays district (Al Hudaydah).",
            "Explosions/Remote violence",
        ),
        (
            "On 9 May 2022, Russian forces shelled the village of Velyka Pysarivka (Sumy).",
            "Explosions/Remote violence",
        ),
        # wire
        (
            "Israeli troops fired on Palestinian farmers near Khan Younis on Tuesday, the Gaza "
            "health ministry said.",
            "Violence against civilians",
        ),
        (
            "Gunmen swept into the village of Kukawa in Borno state firing on residents, "
            "killing nine people, police said.",
            "Violence against civilians",
        ),
        (
            "Unidentified gunmen opened fire on a bus carrying worshippers in Minya on Friday.",
            "Violence against civilians",
        ),
        # monitor
        (
            "The SMM observed 14 explosions near Donetsk airport on 12 June.",
            "Explosions/Remote violence",
        ),
    ],
)
def test_shooting_shelling_and_monitor_triggers(text: str, acled_type: str) -> None:
    assert acled(main_claim(text))[0] == acled_type


def test_monitor_bursts_of_fire_are_a_trigger() -> None:
    found = find_triggers("The SMM recorded bursts of heavy machine-gun fire near Shyrokyne.")
    assert any(t.trigger.event_type == "ASSAULT" for t in found)


@pytest.mark.parametrize(
    "text",
    [
        "On 12 May 2022, the body of a man was found with gunshot wounds in Gao town.",
        "The bodies of two farmers were found in a field near Bunia on Sunday, local sources said.",
    ],
)
def test_a_body_found_is_an_attack_on_a_civilian(text: str) -> None:
    claim = main_claim(text)
    assert claim.event_type == "ASSAULT"
    assert acled(claim) == ("Violence against civilians", "Attack")
    assert sectors(claim, "target") == {"CVL"}
    assert not claim.actors("source")


# --- Violence against civilians vs battles: the target's class decides ------------------------


@pytest.mark.parametrize(
    ("text", "acled_type"),
    [
        (
            "Suspected JNIM militants killed five villagers in Djibo on Monday.",
            "Violence against civilians",
        ),
        ("Suspected JNIM militants killed five soldiers in Djibo on Monday.", "Battles"),
        (
            "Armed men attacked displaced people at a camp near Kiwanja.",
            "Violence against civilians",
        ),
        ("Fano militiamen attacked an army base near Gondar.", "Battles"),
        (
            "Al-Shabaab fighters shot dead a woman in Afgooye, the local administration said.",
            "Violence against civilians",
        ),
    ],
)
def test_attack_type_follows_the_target(text: str, acled_type: str) -> None:
    assert acled(main_claim(text))[0] == acled_type


def test_target_mode_is_data_and_needs_every_target_unarmed() -> None:
    assert target_mode("ASSAULT", "", [("CVL", "population")]) == "civilians"
    assert target_mode("ASSAULT", "firearms", [("REF", "population")]) == "civilians"
    assert target_mode("ASSAULT", "", [("CVL", "population"), ("MIL", "military")]) is None
    # Remote violence stays remote violence whoever it hits, as in ACLED.
    assert target_mode("ASSAULT", "aerial", [("CVL", "population")]) is None
    assert crosswalk()[("ASSAULT", "civilians")] == ("Violence against civilians", "Attack")


def test_abduction_of_a_woman_has_her_as_target() -> None:
    claim = main_claim("Militants abducted a woman in Borno state on Saturday.")
    assert acled(claim) == ("Violence against civilians", "Abduction/forced disappearance")
    assert sectors(claim, "target") == {"CVL"}


# --- Riots vs protests ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "acled_type"),
    [
        ("Protesters burned tyres and threw stones at police in Nairobi on Monday.", "Riots"),
        ("Demonstrators clashed with police in Conakry on Thursday, witnesses said.", "Riots"),
        ("Hundreds of people demonstrated peacefully in Tunis on Saturday.", "Protests"),
        ("Students marched in Khartoum to demand justice for the victims.", "Protests"),
        # Riots elsewhere in the sentence are another event: this protest stays peaceful.
        (
            "Up to 100 ethnic Albanians demonstrated on Tuesday in Serbia, where 24 people were "
            "killed in nationalist riots last March, Belgrade radio said.",
            "Protests",
        ),
    ],
)
def test_violence_makes_a_demonstration_a_riot(text: str, acled_type: str) -> None:
    claim = main_claim(text)
    assert claim.event_type == "PROTEST"
    assert acled(claim)[0] == acled_type


def test_crowd_clash_is_a_riot_with_the_crowd_as_rioters() -> None:
    claim = main_claim("Demonstrators clashed with police in Conakry on Thursday, witnesses said.")
    crowd = next(a for a in claim.actors("source") if a.sector == "OPP")
    assert inter(crowd, "Riots") == "5"


# --- A protest outranks its demands, dispersal and arrests ------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Hundreds of protesters demanded the resignation of the governor in Basra on Friday.",
        "Police dispersed the demonstrators with tear gas and arrested 12 people, witnesses said.",
        "Thousands of Iraqi Kurds demonstrated in Kirkuk on Sunday calling for independence.",
    ],
)
def test_protest_is_the_main_event(text: str) -> None:
    assert main_claim(text).event_type == "PROTEST"


def test_a_gathering_to_demand_is_the_dated_protest() -> None:
    """A place and a date between the gathering and its purpose ("... ..." in triggers.tsv)."""
    doc = Document(
        raw="Hundreds of people gathered in central Bamako on Sunday to demand the departure of "
        "French troops. The rally ended without incident.",
        given_published=dt.date(2022, 11, 29),
    )
    run(doc)
    claim = top_claim(doc)
    assert claim is not None and claim.event_type == "PROTEST"
    assert claim.date is not None and claim.date.date_start == dt.date(2022, 11, 27)


def test_a_double_gap_allows_twice_the_words() -> None:
    two = re.compile(phrase_regex("gather ... ... to demand", inflect=True), re.I)
    one = re.compile(phrase_regex("gather ... to demand", inflect=True), re.I)
    text = "people gathered in central Bamako on Sunday to demand"
    assert two.search(text) and not one.search(text)
    assert not two.search("they gathered one two three four five six seven eight nine to demand")


def test_the_police_that_disperse_a_protest_are_its_second_actor() -> None:
    claim = main_claim("Liberian riot police used tear gas to disperse demonstrators in Monrovia.")
    assert claim.event_type == "PROTEST"
    assert "COP" in sectors(claim, "target")


@pytest.mark.parametrize(
    "text",
    [
        "Students marched in Khartoum to demand justice for the victims.",
        "Residents blocked the road to Goma to protest insecurity.",
        "Striking workers rallied outside the ministry in Harare.",
        "Thousands of Nigerians converged for a rally in Lagos to protest the new decree.",
    ],
)
def test_people_who_protest_are_protesters_not_the_state(text: str) -> None:
    claim = main_claim(text)
    assert claim.event_type == "PROTEST"
    (source,) = claim.actors("source")
    assert source.kind == "population"
    assert inter(source, acled(claim)[0]) == "6"


# --- Remote violence vs battles ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "acled_type"),
    [
        (
            "Sudanese Armed Forces shelled RSF positions in Omdurman overnight.",
            "Explosions/Remote violence",
        ),
        (
            "A Turkish drone strike killed two PKK fighters near Qandil, the ministry said.",
            "Explosions/Remote violence",
        ),
        (
            "An IED exploded near a patrol of Malian soldiers in Mopti, killing two.",
            "Explosions/Remote violence",
        ),
        (
            "Two suicide bombers blew themselves up at a checkpoint in Maiduguri, killing 12 people.",
            "Explosions/Remote violence",
        ),
        (
            "Government forces clashed with RSF fighters in Omdurman, using grenade launchers.",
            "Battles",
        ),
    ],
)
def test_weapon_decides_remote_violence_and_a_clash_stays_a_battle(
    text: str, acled_type: str
) -> None:
    assert acled(main_claim(text))[0] == acled_type


@pytest.mark.parametrize(
    "text",
    [
        "The strike killed four people in Saada, the Houthi-run health ministry said.",
        "Saudi-led coalition air strikes hit Saada; the strike destroyed a house.",
    ],
)
def test_strike_among_weapons_is_not_a_labour_strike(text: str) -> None:
    assert all(t.trigger.event_type != "PROTEST" for t in find_triggers(text))


def test_labour_strike_stays_a_strike() -> None:
    (trig,) = find_triggers("Teachers went on strike in Lagos over unpaid salaries.")
    assert trig.trigger.event_type == "PROTEST"


@pytest.mark.parametrize(
    "text",
    [
        "The Al-Khair Relief Committee said four people were killed.",
        "A statement by the Popular Protest Movement said the talks had ended.",
    ],
)
def test_a_trigger_inside_an_organisation_name_is_no_trigger(text: str) -> None:
    words = {t.text for t in find_triggers(text)}
    assert "Relief" not in words and "Protest" not in words


# --- Roles: passive voice, by-phrases, "between X and Y" --------------------------------------


@pytest.mark.parametrize(
    ("text", "source", "target"),
    [
        ("Three soldiers were killed by gunmen in Zamfara state.", "UAF", "MIL"),
        (
            "The army repelled an attack by Al-Shabaab militants on a base in Lower Shabelle.",
            "REB",
            "MIL",
        ),
    ],
)
def test_passive_and_by_phrase_make_the_doer_the_source(
    text: str, source: str, target: str
) -> None:
    claim = main_claim(text)
    assert source in sectors(claim, "source")
    assert target in sectors(claim, "target")


def test_seized_by_the_rebels_has_the_rebels_as_source() -> None:
    claim = main_claim("The town was seized by the rebels on Sunday.")
    assert sectors(claim, "source") == {"REB"}


def test_clashes_between_two_sides_name_both() -> None:
    claim = main_claim(
        "Heavy clashes between Fano militia and the Ethiopian army in Gondar left 20 dead."
    )
    assert {"UAF", "MIL"} <= sectors(claim, "source")


def test_white_helmets_are_a_civil_defence_service_not_a_government() -> None:
    doc = Document(
        raw="The White Helmets said a drone strike killed three displaced people in Idlib."
    )
    run(doc)
    helmets = [a for a in doc.actors if a.text == "White Helmets"]
    assert helmets and helmets[0].sector == "HLH"
    claim = max(doc.claims, key=lambda c: c.confidence)
    assert acled(claim)[0] == "Explosions/Remote violence"


@pytest.mark.parametrize(
    ("text", "sub_event"),
    [
        (
            "Russian aircraft killed 46 Afghan civilians in an attack on a village in Herat.",
            "Air/drone strike",
        ),
        (
            "Israeli tanks fired on a house in Rafah, killing a woman.",
            "Shelling/artillery/missile attack",
        ),
    ],
)
def test_a_doer_named_by_its_weapon_gives_remote_violence(text: str, sub_event: str) -> None:
    assert acled(main_claim(text)) == ("Explosions/Remote violence", sub_event)


@pytest.mark.parametrize(
    "text",
    [
        "Regime warplanes carried out air strikes on Syria's Idlib on Monday, the SOHR said.",
        "Russian forces shelled Ukraine's Kharkiv region overnight.",
    ],
)
def test_a_country_possessive_before_a_place_is_no_actor(text: str) -> None:
    claim = main_claim(text)
    assert not any(a.kind == "state" for a in claim.actors("target"))


def test_a_protest_is_against_whom_its_crowd_addresses_demands() -> None:
    claim = main_claim(
        "Hundreds of protesters demanded the resignation of the governor in Basra on Friday."
    )
    assert claim.event_type == "PROTEST"
    assert "GOV" in sectors(claim, "target")


@pytest.mark.parametrize(
    ("text", "consult"),
    [
        ("An army spokesman told Reuters by telephone that militants attacked a base.", False),
        ("A police officer said over the phone that two men were shot dead in Kandahar.", False),
        ("Putin and Erdogan spoke by phone on Monday.", True),
        ("Macron telephoned Zelensky on Monday.", True),
    ],
)
def test_a_report_by_telephone_is_no_phone_call(text: str, consult: bool) -> None:
    types = {t.trigger.event_type for t in find_triggers(text)}
    assert ("CONSULT" in types) is consult


def test_a_participle_after_the_comma_is_done_by_the_main_subject() -> None:
    claim = main_claim(
        "On 20 August 2020, residents of Kasese protested over the killing of a boda boda rider "
        "by police, burning tyres and blocking the road."
    )
    assert acled(claim)[0] == "Riots"
    assert "COP" not in sectors(claim, "source")


def test_teachers_holding_a_protest_outrank_their_demand() -> None:
    claim = main_claim(
        "On 11 January 2022, teachers held a peaceful protest in front of the Ministry of "
        "Education in Ouagadougou to demand the payment of arrears."
    )
    assert acled(claim)[0] == "Protests"
    assert sectors(claim, "source") == {"CVL"}


@pytest.mark.parametrize(
    ("text", "sector"),
    [
        ("Pro-government militiamen beat a journalist in Bujumbura, the rights group said.", "UAF"),
        ("Anti-government protesters marched in Minsk on Sunday.", "OPP"),
    ],
)
def test_a_stance_prefix_names_no_actor(text: str, sector: str) -> None:
    assert sectors(main_claim(text), "source") == {sector}


def test_signs_of_torture_mark_the_victim() -> None:
    claim = main_claim("The body of a woman bearing signs of torture was found in Cite Soleil.")
    assert acled(claim)[0] == "Violence against civilians"
    assert sectors(claim, "target") == {"CVL"}
