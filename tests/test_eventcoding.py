"""Event coding: trigger typing, roles, fatalities, demands by condition, dates and places.

Unit tests build documents by hand (see tests/test_claims.py) with sentences written for them.
The acceptance checks at the end run the whole pipeline on the seed article from ../shared and
skip when it is absent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_claims import make_doc

from events.pipeline.claims import attribute
from events.pipeline.doc import Claim, Document
from events.pipeline.eventcoding import code_events
from events.pipeline.tolls import fatalities
from events.pipeline.triggers import find_triggers


def coded(body: str) -> Document:
    doc = make_doc(body)
    attribute(doc)
    code_events(doc)
    return doc


def only(doc: Document, event_type: str) -> Claim:
    found = [c for c in doc.claims if c.event_type == event_type]
    assert len(found) == 1, [(c.event_type, c.trigger) for c in doc.claims]
    return found[0]


def keys(claim: Claim, role: str) -> set[str]:
    return {a.key for a in claim.actors(role)}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "event_type", "mode"),
    [
        ("The rebels attacked the convoy.", "ASSAULT", None),
        ("Gunmen opened fire on the crowd.", "ASSAULT", "firearms"),
        ("Artillery shelled the town.", "ASSAULT", "heavy-weapons"),
        ("An airstrike hit the depot.", "ASSAULT", "aerial"),
        ("A roadside bomb exploded.", "ASSAULT", "explosives"),
        ("A suicide bomber struck the market.", "ASSAULT", "suicide-attack"),
        ("The two ministers met in Geneva.", "CONSULT", None),
        ("The envoy telephoned his counterpart.", "CONSULT", "phone"),
        ("Both parties signed an agreement.", "SUPPORT", None),
        ("The opposition accused the army of abuses.", "ACCUSE", "disapprove"),
        ("Prosecutors opened an investigation.", "ACCUSE", "investigate"),
        ("The council demanded an apology.", "REQUEST", None),
        ("The general threatened reprisals.", "THREATEN", None),
        ("Chad deployed troops to the border.", "MOBILIZE", "troops"),
        ("The union called a general strike.", "PROTEST", "strike-gen"),
        ("Prisoners began a hunger strike.", "PROTEST", "strike-hun"),
        ("Youths rioted overnight.", "PROTEST", "riot"),
        ("The EU imposed sanctions on the regime.", "SANCTION", "sever"),
        ("The government rejected the proposal.", "REJECT", None),
        ("The militia withdrew from the town.", "RETREAT", "withdraw"),
        ("The rebels released twelve hostages.", "RETREAT", "release"),
        ("Police arrested the organisers.", "COERCE", "arrest"),
        ("Authorities imposed a curfew.", "COERCE", "curfew"),
        ("The donors delivered humanitarian aid.", "AID", "humanitarian"),
        ("The president praised the mediators.", "SUPPORT", None),
        ("The minister apologized for the raid.", "CONCEDE", None),
    ],
)
def test_trigger_types(text: str, event_type: str, mode: str | None) -> None:
    found = find_triggers(text)
    assert any(
        t.trigger.event_type == event_type and (t.trigger.mode or None) == mode for t in found
    ), [(t.text, t.trigger.event_type, t.trigger.mode) for t in found]


def test_inflected_forms_match_the_lemma() -> None:
    for form in ["attack", "attacks", "attacked", "attacking"]:
        (t,) = find_triggers(f"The rebels {form} the post.")
        assert t.trigger.event_type == "ASSAULT"


def test_march_the_month_is_not_a_protest() -> None:
    assert not [
        t for t in find_triggers("It happened in March.") if t.trigger.event_type == "PROTEST"
    ]


def test_active_voice_source_and_target() -> None:
    claim = only(coded("The rebels attacked Nigerian troops near Maiduguri on Tuesday."), "ASSAULT")
    assert keys(claim, "source") == {"REB:delta"}
    assert keys(claim, "target") == {"NGA:MIL"}
    assert claim.date is not None and claim.date.date_start == dt.date(2021, 3, 9)
    assert claim.place is not None and claim.place.name == "Maiduguri"
    assert claim.attribution.modality == "asserted" and claim.attribution.claimant is None
    assert claim.rule.startswith("trigger:") and claim.rule.endswith("/ASSAULT")


def test_passive_voice_swaps_the_roles() -> None:
    claim = only(coded("Nigerian troops were attacked by the rebels near Maiduguri."), "ASSAULT")
    assert keys(claim, "source") == {"REB:delta"}
    assert keys(claim, "target") == {"NGA:MIL"}


def test_reciprocal_fighting_makes_both_sides_sources() -> None:
    claim = only(coded("The rebels clashed with Nigerian troops on Tuesday."), "ASSAULT")
    assert keys(claim, "source") == {"REB:delta", "NGA:MIL"}
    assert not claim.actors("target")


def test_conjoined_actors_are_all_sources() -> None:
    claim = only(coded("Chad, Niger and Cameroon condemned the killings."), "ACCUSE")
    assert keys(claim, "source") == {"TCD", "NER", "CMR"}


def test_deployed_forces_are_not_the_target_and_passive_keeps_the_source() -> None:
    doc = coded(
        "Abuja deployed rebels on the front. Later, Cameroonian troops were deployed in Niger."
    )
    first, second = [c for c in doc.claims if c.event_type == "MOBILIZE"]
    assert keys(first, "source") == {"NGA"} and not first.actors("target")
    assert keys(second, "source") == {"CMR"}
    assert second.place is not None and second.place.country == "NER"


def test_speaker_is_the_source_of_a_verbal_event() -> None:
    claim = only(coded("The rebels must leave Maiduguri, Okoro said on Tuesday."), "REQUEST")
    assert keys(claim, "source") == {"person:alan-okoro"}
    assert keys(claim, "target") == {"REB:delta"}
    assert claim.date is not None and claim.date.date_start == dt.date(2021, 3, 9)


def test_outlet_opinion_with_should_is_not_a_demand() -> None:
    assert not [
        c for c in coded("The rebels should leave Maiduguri.").claims if c.event_type == "REQUEST"
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Talks will fail if the rebels do not withdraw from Maiduguri, Okoro said on Tuesday.",
        "The offensive will not stop until the rebels withdraw from Maiduguri, Okoro said on Tuesday.",
        "Peace will fail without a rebel withdrawal from Maiduguri, Okoro said on Tuesday.",
    ],
)
def test_demand_by_condition_targets_the_conditioned_actor(sentence: str) -> None:
    sentence = sentence.replace("a rebel withdrawal", "a withdrawal by the rebels")
    doc = coded(sentence)
    demands = [c for c in doc.claims if c.event_type in {"REQUEST", "THREATEN"}]
    assert len(demands) == 1, [(c.event_type, c.trigger) for c in doc.claims]
    (claim,) = demands
    assert keys(claim, "target") == {"REB:delta"}
    assert keys(claim, "source") == {"person:alan-okoro"}
    assert claim.attribution.modality == "conditional"
    assert claim.rule.startswith("condition:")
    # The demanded withdrawal has not happened: it is not coded as a RETREAT.
    assert not [c for c in doc.claims if c.event_type == "RETREAT"]


def test_violent_consequence_makes_the_demand_a_threat() -> None:
    doc = coded("The offensive will not stop until the rebels withdraw, Okoro said.")
    assert [c.event_type for c in doc.claims if c.rule.startswith("condition:")] == ["THREATEN"]


def test_positive_if_is_not_a_demand() -> None:
    doc = coded("If the rebels withdraw, Chad will open its border.")
    assert not [c for c in doc.claims if c.rule.startswith("condition:")]


def test_future_cooperation_is_agree_and_future_coercion_is_threaten() -> None:
    assert only(coded("Chad will provide aid to Niger."), "AGREE")
    assert only(coded("Chad will impose a curfew in Maiduguri."), "THREATEN")


def test_agree_absorbs_its_complement() -> None:
    doc = coded("The rebels agreed to withdraw from Maiduguri.")
    assert [c.event_type for c in doc.claims] == ["AGREE"]


def test_negated_willingness_is_a_refusal() -> None:
    doc = coded("The rebels are not willing to compromise.")
    assert [c.event_type for c in doc.claims] == ["REJECT"]


def test_negation_is_flagged() -> None:
    claim = only(coded("Nigerian troops did not attack the rebels."), "ASSAULT")
    assert claim.negated


def test_denial_makes_the_claim_denied() -> None:
    claim = only(coded("The army denied that Nigerian troops attacked villagers."), "ASSAULT")
    assert claim.attribution.modality == "denied"


def test_appears_to_makes_the_claim_alleged() -> None:
    doc = coded("Cameroon appears to be confident that the talks in Maiduguri will be a failure.")
    assert doc.claims
    assert all(c.attribution.modality == "alleged" for c in doc.claims)


def test_hedged_report_is_alleged_and_keeps_its_relay() -> None:
    claim = only(
        coded("Reuters quoted Okoro as saying the rebels reportedly attacked villagers."), "ASSAULT"
    )
    assert claim.attribution.modality == "alleged"
    assert (
        claim.attribution.claimant is not None and claim.attribution.claimant.name == "Alan Okoro"
    )
    assert (
        claim.attribution.relayed_by is not None and claim.attribution.relayed_by.name == "Reuters"
    )
    assert keys(claim, "source") == {"REB:delta"}


def test_two_triggers_of_different_types_give_two_claims() -> None:
    doc = coded("Police arrested protesters after the rebels attacked Maiduguri.")
    assert {c.event_type for c in doc.claims} == {"COERCE", "ASSAULT"}


@pytest.mark.parametrize(
    ("sentence", "low", "best", "high"),
    [
        ("Hundreds from both sides have been killed.", 100, 100, 999),
        ("At least 5 people were killed.", 5, None, None),
        ("More than 20 soldiers died.", 21, None, None),
        ("Dozens were killed.", 12, 12, 99),
        ("Tens of people died.", 10, 10, 99),
        ("Thousands have died.", 1000, 1000, 9999),
        ("Up to 30 civilians were killed.", None, None, 30),
        ("Some 40 people died.", None, 40, None),
        ("Three soldiers were killed.", 3, 3, 3),
        ("The raid killed 1,200 people.", 1200, 1200, 1200),
    ],
)
def test_fatality_conventions(
    sentence: str, low: int | None, best: int | None, high: int | None
) -> None:
    fig = fatalities(sentence)
    assert fig is not None
    assert (fig.low, fig.best, fig.high) == (low, best, high)


def test_numbers_far_from_death_words_are_not_fatalities() -> None:
    assert fatalities("Chad deployed over 1,000 troops to the border in 2020.") is None


def test_thus_far_gives_an_interval_to_publication_and_both_sides_inherit_actors() -> None:
    doc = coded(
        "The rebels attacked Nigerian troops on March 3. Hundreds from both sides have been killed, thus far."
    )
    killed = [c for c in doc.claims if c.sentence_index == 1]
    assert len(killed) == 1
    claim = killed[0]
    assert claim.event_type == "ASSAULT"
    assert (claim.fatalities_low, claim.fatalities_high) == (100, 999)
    assert claim.date is not None
    assert claim.date.date_start == dt.date(2021, 3, 3) and claim.date.date_end == dt.date(
        2021, 3, 12
    )
    assert keys(claim, "source") == {"REB:delta", "NGA:MIL"}


def test_speech_noun_takes_the_date_of_the_earlier_statement() -> None:
    body = "The rebels must leave, Okoro said on Tuesday. Okoro made his remarks when Chad and Niger met in Maiduguri."
    claim = only(coded(body), "CONSULT")
    assert keys(claim, "source") == {"TCD", "NER"}
    assert claim.date is not None and claim.date.date_start == dt.date(2021, 3, 9)
    assert claim.place is not None and claim.place.name == "Maiduguri"


def test_confidence_rewards_complete_claims() -> None:
    full = only(coded("The rebels attacked Nigerian troops near Maiduguri on Tuesday."), "ASSAULT")
    bare = only(coded("Fighting continued."), "ASSAULT")
    assert full.confidence > bare.confidence
    assert 0.0 <= bare.confidence <= 1.0


def test_comments_are_not_coded_by_default() -> None:
    doc = make_doc("The rebels attacked Maiduguri.")
    doc.sentences[0].section = "comment"
    attribute(doc)
    code_events(doc)
    assert doc.claims == []
    doc.include_comments = True
    code_events(doc)
    assert doc.claims and doc.claims[0].section == "comment"


def test_arbitrary_text_does_not_crash() -> None:
    for body in [
        "",
        "attack",
        "killed killed killed 5 5 5",
        "\ufffd\x00 until if unless withdraw",
        "a " * 5000,
    ]:
        doc = make_doc(body)
        attribute(doc)
        code_events(doc)


# ---------------------------------------------------------------------------------------------
# Acceptance: the seed article (needs ../shared and every pipeline stage)
# ---------------------------------------------------------------------------------------------

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SEED = SHARED / "seed" / "southfront-2020-10-turkey-karabakh.txt"


@pytest.fixture(scope="module")
def seed_doc() -> Document:
    if not SEED.is_file():
        pytest.skip("seed article not available: ../shared/data/seed is absent")
    from events.pipeline.runner import run

    doc = Document(
        raw=SEED.read_text(encoding="utf-8"),
        given_published=dt.date(2020, 10, 10),
        origin=str(SEED),
    )
    # A pipeline crash is a failure of every test here, never a skip.
    return run(doc)


def _countries(claim: Claim, role: str) -> set[str]:
    return {a.country for a in claim.actors(role) if a.country}  # type: ignore[arg-type]


def _body(doc: Document, needle: str) -> list[Claim]:
    return [c for c in doc.claims if needle in c.sentence]


def test_seed_3_assault_on_armenian_forces(seed_doc: Document) -> None:
    claims = [c for c in _body(seed_doc, "largest ever attack") if c.event_type == "ASSAULT"]
    assert claims, [(c.event_type, c.sentence[:40]) for c in seed_doc.claims]
    claim = claims[0]
    assert "AZE" in _countries(claim, "source")
    assert "ARM" in _countries(claim, "target")
    assert any(a.sector == "MIL" for a in claim.actors("target")) or any(
        a.kind == "military" for a in claim.actors("target")
    )
    assert claim.date is not None and claim.date.date_start == dt.date(2020, 9, 27)
    assert claim.date.precision == "day"
    assert claim.place is not None and "Karabakh" in claim.place.name
    assert claim.place.latitude is not None
    assert claim.attribution.modality == "asserted" and claim.attribution.claimant is None


def test_seed_4_hundreds_killed_thus_far(seed_doc: Document) -> None:
    claims = [
        c for c in _body(seed_doc, "Hundreds from both sides") if c.fatalities_low is not None
    ]
    assert claims
    claim = claims[0]
    assert claim.fatalities_low == 100
    assert claim.fatalities_high is not None and claim.fatalities_high < 1000
    assert claim.date is not None
    assert claim.date.date_start == dt.date(2020, 9, 27) and claim.date.date_end == dt.date(
        2020, 10, 10
    )


def test_seed_5_kalin_demands_armenian_withdrawal(seed_doc: Document) -> None:
    claims = [
        c
        for c in _body(seed_doc, "will fail if Armenia does not withdraw")
        if c.event_type in {"REQUEST", "THREATEN"}
    ]
    assert claims, [(c.event_type, c.trigger) for c in seed_doc.claims]
    claim = claims[0]
    att = claim.attribution
    assert att.claimant is not None and "Kalin" in att.claimant.name
    assert att.claimant.kind == "person" and att.claimant.country == "TUR"
    assert "ARM" in _countries(claim, "target")
    assert att.modality in {"conditional", "predicted"}
    assert claim.date is not None and claim.date.date_start == dt.date(2020, 10, 9)
    reuters = [
        c
        for c in seed_doc.claims
        if c.attribution.relayed_by_text and "Reuters" in c.attribution.relayed_by_text
    ]
    assert reuters or any(
        a.relayed_by_text and "Reuters" in a.relayed_by_text for a in seed_doc.attributions.values()
    )


def test_seed_6_foreign_ministers_meet_in_moscow(seed_doc: Document) -> None:
    claims = [c for c in _body(seed_doc, "meeting in Moscow") if c.event_type == "CONSULT"]
    assert claims
    claim = claims[0]
    assert {"RUS", "AZE", "ARM"} <= _countries(claim, "source")
    assert not [a for a in claim.actors("source") if "Kalin" in a.name]
    assert claim.place is not None and claim.place.name == "Moscow" and claim.place.country == "RUS"
    assert claim.place.precision == "point" and claim.place.latitude is not None
    assert claim.date is not None and claim.date.date_start == dt.date(2020, 10, 9)


def test_seed_7_akar_operations_will_not_stop(seed_doc: Document) -> None:
    claims = [
        c
        for c in _body(seed_doc, "will not stop until Armenia")
        if c.event_type in {"REQUEST", "THREATEN"}
    ]
    assert claims
    att = claims[0].attribution
    assert (
        att.claimant is not None and "Akar" in att.claimant.name and att.claimant.country == "TUR"
    )
    assert att.modality in {"predicted", "conditional"}
    assert "ARM" in _countries(claims[0], "target")


def test_seed_8_turkey_deploys_militants_and_jets(seed_doc: Document) -> None:
    militants = [
        c for c in _body(seed_doc, "Syrian militants") if c.event_type in {"MOBILIZE", "SUPPORT"}
    ]
    assert militants and "TUR" in _countries(militants[0], "source")
    jets = [c for c in _body(seed_doc, "fighter jets") if c.event_type in {"MOBILIZE", "SUPPORT"}]
    assert jets and "TUR" in _countries(jets[0], "source")
    assert jets[0].place is not None and jets[0].place.country == "AZE"


def test_seed_9_appears_confident_is_never_asserted(seed_doc: Document) -> None:
    for claim in _body(seed_doc, "appears to be confident"):
        if (
            "appears to be confident" in claim.sentence
            and claim.trigger_start < claim.char_start + 60
        ):
            assert claim.attribution.modality == "alleged"
    assert not [
        c
        for c in seed_doc.claims
        if "appears to be confident" in c.sentence
        and c.attribution.modality == "asserted"
        and c.trigger_start < c.char_start + c.sentence.index("Akar")
        if "Akar" in c.sentence
    ]


def test_seed_no_claims_from_comments_or_bad_dates(seed_doc: Document) -> None:
    assert all(c.section != "comment" for c in seed_doc.claims)
    for c in seed_doc.claims:
        if c.date is not None and c.date.date_start is not None:
            assert c.date.date_start.year == 2020, (c.sentence, c.date)
