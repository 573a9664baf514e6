"""Actors as a reader of field reports would code them: ambiguous acronyms read by the report's
country, qualified agent nouns as one actor, "-led" forces, provinces named after a country,
pro-government militias and the RSF as what they are. Texts are our own, in the styles of
codebook notes, wire reports, monitors and partisan outlets, from several continents.
"""

from __future__ import annotations

from events.evaluate.match import top_claim
from events.pipeline.actors import find_actors
from events.pipeline.doc import ActorMention, Document
from events.pipeline.runner import run
from tests.test_actors import make_doc


def actors_of(*sentences: str) -> list[ActorMention]:
    doc = make_doc(list(sentences))
    find_actors(doc)
    return doc.actors


def keys(*sentences: str) -> list[str]:
    return [a.key for a in actors_of(*sentences)]


# --------------------------------------------------------------------------
# An acronym two armed forces share is read by the report's country
# --------------------------------------------------------------------------


def test_sna_in_a_somalia_note_is_the_somali_national_army() -> None:
    found = keys(
        "On 4 March 2022, SNA troops repulsed an al-Shabaab attack on their base near Wanlaweyn, "
        "Lower Shabelle region of Somalia.",
        "Officials in Mogadishu said three soldiers died.",
    )
    assert "org:somali-national-army" in found
    assert "org:fsa" not in found


def test_sna_in_a_syria_monitor_report_stays_the_syrian_national_army() -> None:
    found = keys(
        "The Observatory recorded shelling by the SNA on villages around Tal Tamr in Syria's "
        "Hasakah countryside.",
        "Syrian Kurdish fighters returned fire.",
    )
    assert "org:fsa" in found
    assert "org:somali-national-army" not in found


def test_a_somali_wire_report_codes_the_sna_as_state_forces_of_somalia() -> None:
    doc = Document(
        raw="MOGADISHU, May 2 (Reuters) - SNA forces killed 12 al-Shabaab fighters in an "
        "operation near Jowhar in central Somalia on Sunday, Somalia's state news agency said."
    )
    run(doc)
    claim = top_claim(doc)
    assert claim is not None
    assert "SOM" in {a.country for a in claim.actors("source")}


# --------------------------------------------------------------------------
# "government troops", "junta soldiers", "army spokesman": one actor
# --------------------------------------------------------------------------


def test_government_troops_are_one_military_actor() -> None:
    found = actors_of(
        "Government troops and anti-balaka fighters clashed near Bossangoa on Friday."
    )
    first = found[0]
    assert first.text == "Government troops"
    assert first.sector == "MIL"
    assert sum(a.sector == "GOV" for a in found) == 0


def test_junta_soldiers_keep_their_country_as_one_actor() -> None:
    found = actors_of("Myanmar junta soldiers torched dozens of homes in a Sagaing village.")
    assert [(a.text, a.key) for a in found if a.sector == "MIL"] == [
        ("Myanmar junta soldiers", "MMR:MIL")
    ]
    assert not [a for a in found if a.sector == "GOV"]


def test_an_army_spokesman_speaks_for_the_army() -> None:
    found = actors_of("An army spokesman in Kampala denied the report.")
    assert [(a.text, a.sector) for a in found if a.kind != "state"] == [("army spokesman", "MIL")]


def test_the_opponent_of_government_troops_is_the_second_actor() -> None:
    doc = Document(
        raw="Heavy fighting broke out on Tuesday between army soldiers and rebels near Kidal, "
        "residents said."
    )
    run(doc)
    claim = top_claim(doc)
    assert claim is not None
    sectors = {a.sector for a in claim.actors("source") + claim.actors("target")}
    assert {"MIL", "REB"} <= sectors


# --------------------------------------------------------------------------
# Forces led by a country are that country's; forces backed by it are not
# --------------------------------------------------------------------------


def test_forces_led_by_a_country_take_its_country() -> None:
    found = actors_of("French-led forces pushed the insurgents back towards the border.")
    assert ("French-led forces", "FRA:MIL") in [(a.text, a.key) for a in found]


def test_forces_backed_by_a_country_do_not() -> None:
    found = actors_of("Rwandan-backed rebels seized the town of Rubaya.")
    assert "RWA:REB" not in [a.key for a in found]


# --------------------------------------------------------------------------
# "Syria's Idlib province" names a province, not a speaker or a target
# --------------------------------------------------------------------------


def test_a_province_named_after_its_country_is_no_state_actor() -> None:
    assert "SYR" not in keys("Syria's Idlib province came under heavy shelling overnight.")
    assert "SOM" not in keys("Somalia's Lower Shabelle region saw fresh clashes on Monday.")


def test_the_state_itself_after_a_possessive_still_acts() -> None:
    assert "SYR" in {a.country for a in actors_of("Syria's government rejected the proposal.")}
    assert "NGA" in keys("Nigeria's Buhari condemned the attack.")


# --------------------------------------------------------------------------
# Militias and the RSF coded as what they are
# --------------------------------------------------------------------------


def test_pro_government_militias_are_armed_groups_of_their_country() -> None:
    cjtf = next(
        a
        for a in actors_of("Civilian Joint Task Force members repelled a raid near Konduga, Borno.")
        if a.key == "org:cjtf"
    )
    assert (cjtf.kind, cjtf.country) == ("armed_group", "NGA")
    vdp = next(a for a in actors_of("VDP volunteers escorted the convoy to Djibo.") if a.name)
    assert (vdp.key, vdp.country) == ("org:vdp", "BFA")


def test_the_rsf_is_an_armed_group_not_the_state_military() -> None:
    rsf = next(a for a in actors_of("RSF fighters looted the market in Nyala.") if "RSF" in a.text)
    assert rsf.kind == "armed_group"
    assert rsf.sector == "REB"


# --------------------------------------------------------------------------
# A country's modifier does not reach over a clause; officials keep their own country
# --------------------------------------------------------------------------


def test_a_demonym_does_not_reach_over_a_verb_and_a_count() -> None:
    found = actors_of("Russian shelling killed two civilians in Kherson on Sunday.")
    assert "RUS:CVL" not in [a.key for a in found]
    found = actors_of("Israeli strikes wounded 14 residents of Jabalia overnight.")
    assert "ISR:CVL" not in [a.key for a in found]


def test_an_adjective_right_before_the_agent_still_lets_the_country_through() -> None:
    found = actors_of("Turkish unmanned drones struck a car near Qamishli.")
    assert "TUR:MIL" in [a.key for a in found]


def test_a_ukrainian_governor_is_not_given_the_attackers_country() -> None:
    found = actors_of(
        "Russian missiles struck an energy plant in Kharkiv overnight, regional governor "
        "Oleh Syniehubov said."
    )
    governor = next(a for a in found if a.kind == "person")
    assert governor.country != "RUS"
    found = actors_of(
        "Russian shelling killed two civilians in Kherson on Sunday, regional governor "
        "Oleksandr Prokudin said."
    )
    governor = next(a for a in found if a.kind == "person")
    assert governor.country != "RUS"


def test_a_mayor_after_an_israeli_raid_is_not_israeli() -> None:
    found = actors_of(
        "Israeli troops raided the old city of Nablus before dawn, mayor Hussein Hamayel said."
    )
    assert next(a for a in found if a.kind == "person").country != "ISR"


def test_a_demonym_just_before_a_title_still_gives_the_official_a_country() -> None:
    found = actors_of("Nigerian junior foreign minister Dubem Oniya summoned the envoy.")
    assert next(a for a in found if a.kind == "person").country == "NGA"


def test_a_soldier_still_takes_the_country_of_his_army() -> None:
    found = actors_of(
        "Nigerian troops killed 20 insurgents near Bama, said army spokesman Onyema Nwachukwu."
    )
    assert next(a for a in found if a.kind == "person").country == "NGA"


def test_biafran_separatists_are_nigerian_armed_groups() -> None:
    found = actors_of("Police arrested 30 IPOB members in Enugu; MASSOB denied any role.")
    assert {(a.key, a.country) for a in found if a.key.startswith("org:")} == {
        ("org:ipob", "NGA"),
        ("org:massob", "NGA"),
    }


# --------------------------------------------------------------------------
# An armed group's fighters are the group
# --------------------------------------------------------------------------


def test_cartel_gunmen_are_the_cartel_not_rebels() -> None:
    found = actors_of("Cartel gunmen ambushed a patrol of the National Guard near Apatzingan.")
    first = found[0]
    assert (first.text, first.sector) == ("Cartel gunmen", "CRM")


def test_rebel_soldiers_are_rebels() -> None:
    found = actors_of("Rebel soldiers looted the depot in Bunia.")
    assert [(a.text, a.sector) for a in found] == [("Rebel soldiers", "REB")]


def test_fighters_of_a_named_group_are_that_group() -> None:
    found = actors_of("Paramilitaries of the Gulf Clan threatened community leaders in Choco.")
    assert found[0].key == "org:clan-del-golfo"
    assert found[0].text == "Paramilitaries of the Gulf Clan"
    found = actors_of("Fighters of al-Shabaab overran the base at dawn.")
    assert found[0].key == "org:al-shabaab"


# --------------------------------------------------------------------------
# Parts and instruments of a force; stances and held territory are no actors
# --------------------------------------------------------------------------


def test_a_forces_aircraft_and_weapons_are_that_force() -> None:
    found = actors_of("Ethiopian aircraft including armed drones struck a market in Tigray.")
    assert [a.country for a in found if a.sector == "MIL"] == ["ETH", "ETH"]
    found = actors_of("Saudi jets using guided missiles hit a wedding hall in Hajjah.")
    assert [a.country for a in found if a.sector == "MIL"] == ["SAU", "SAU"]


def test_the_opponent_after_with_is_not_a_part_of_the_force() -> None:
    found = actors_of("Malian troops clashed with soldiers of the rebel coalition near Anefis.")
    assert [a.key for a in found if a.sector == "MIL"].count("MLI:MIL") == 1


def test_a_stance_for_or_against_a_country_is_not_that_country() -> None:
    assert "SYR" not in {a.country for a in actors_of("An anti-Syria journalist was shot dead.")}
    assert "RUS" not in {a.country for a in actors_of("Pro-Russian separatists shelled the port.")}


def test_a_territory_held_by_a_country_is_not_an_act_of_that_country() -> None:
    found = actors_of("Palestinians of the Israeli-occupied West Bank went on strike.")
    assert "ISR" not in {a.country for a in found}
    found = actors_of("Residents of Russian-held Melitopol reported explosions.")
    assert "RUS" not in {a.country for a in found}
