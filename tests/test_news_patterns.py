"""Whole-pipeline coding of common wire-report patterns.

Every text here was written for this file (invented events; real country and city names only so
that the dictionaries have something to resolve). Each case runs the full pipeline (clean ...
events) on a short article and checks the one claim a researcher would look for: its type, who
did it to whom, the figures, who says so and how firmly, and when.

Expected values: actors are compared by canonical *name* ("Military (Mali)", "Rapid Support
Forces") or, with a trailing ``*``, by sector only ("REB*" is any armed group); ``None`` means
"must be empty"; a key absent from the case is not checked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from events.pipeline.doc import ActorMention, Claim, Document
from events.pipeline.load import Overrides, load_bytes
from events.pipeline.runner import run

PUBLISHED = dt.date(2024, 5, 7)  # a Tuesday


def extract(text: str, title: str | None = None, published: dt.date = PUBLISHED) -> Document:
    """Run the whole pipeline on ``text``."""
    doc = load_bytes(
        text.encode(),
        origin="test",
        fmt="text",
        overrides=Overrides(published=published, title=title),
    )
    return run(doc)


def _matches(actor: ActorMention | None, expected: str | None) -> bool:
    if expected is None:
        return actor is None
    if actor is None:
        return False
    if expected.endswith("*"):
        return actor.sector == expected[:-1]
    return actor.name == expected


def _first(claim: Claim, role: str) -> ActorMention | None:
    found = claim.actors(role)  # type: ignore[arg-type]
    return found[0] if found else None


def _describe(doc: Document) -> str:
    rows = []
    for c in doc.claims:
        rows.append(
            f"{c.event_type} [{c.trigger}] src={[a.name for a in c.actors('source')]} "
            f"tgt={[a.name for a in c.actors('target')]} date={c.date.date_start if c.date else None} "
            f"place={c.place.name if c.place else None} fat=({c.fatalities_low},{c.fatalities_best},"
            f"{c.fatalities_high}) claimant={c.attribution.claimant.name if c.attribution.claimant else c.attribution.claimant_text} "
            f"mod={c.attribution.modality} conf={c.confidence} :: {c.sentence[:60]}"
        )
    return "\n".join(rows)


def find_claim(doc: Document, expected: dict[str, Any]) -> Claim | None:
    """Return a claim of the expected type (in the expected sentence) meeting every expectation."""
    for c in doc.claims:
        if c.event_type != expected["type"]:
            continue
        if "in" in expected and expected["in"] not in c.sentence:
            continue
        if _meets(c, expected):
            return c
    return None


def _meets(c: Claim, e: dict[str, Any]) -> bool:
    att = c.attribution
    checks = {
        "source": lambda v: _matches(_first(c, "source"), v),
        "sources": lambda v: {a.name for a in c.actors("source")} >= set(v),
        "target": lambda v: _matches(_first(c, "target"), v),
        "low": lambda v: c.fatalities_low == v,
        "best": lambda v: c.fatalities_best == v,
        "claimant": lambda v: _matches(att.claimant, v),
        "modality": lambda v: att.modality == v,
        "date": lambda v: (
            (c.date.date_start.isoformat() if c.date and c.date.date_start else None) == v
        ),
        "not_date": lambda v: (
            c.date is None or c.date.date_start is None or c.date.date_start.isoformat() != v
        ),
        "claim_date": lambda v: (
            (
                att.claim_date.date_start.isoformat()
                if att.claim_date and att.claim_date.date_start
                else None
            )
            == v
        ),
        "place": lambda v: (c.place.name if c.place else None) == v,
        "min_conf": lambda v: c.confidence >= v,
    }
    return all(checks[k](v) for k, v in e.items() if k in checks)


MALI = (
    "Malian troops clashed with fighters of an armed group near Gao on Saturday. "
    "The Malian army said in a statement on Sunday that its soldiers had killed at least 20 militants "
    "and lost four men."
)

CASES: list[tuple[str, str, dict[str, Any]]] = [
    # --- composite actors: adjective + agent, even before another noun or a coordination ---
    (
        "adjective-agent-before-noun",
        "Sudanese army and Rapid Support Forces delegations met in Jeddah on Monday.",
        {
            "type": "CONSULT",
            "sources": ["Military (Sudan)", "Rapid Support Forces"],
            "date": "2024-05-06",
            "place": "Jeddah",
        },
    ),
    (
        "possessive-country-agent",
        "Ukraine's military said Russian forces launched a missile attack on Kharkiv on Monday.",
        {
            "type": "ASSAULT",
            "source": "Military (Russia)",
            "claimant": "Military (Ukraine)",
            "place": "Kharkiv",
        },
    ),
    # --- the speaker is the agent of a reported killing; event date from the earlier sentence ---
    (
        "speaker-is-killer",
        MALI,
        {
            "type": "ASSAULT",
            "in": "statement",
            "source": "Military (Mali)",
            "target": "REB*",
            "low": 20,
            "claimant": "Military (Mali)",
            "claim_date": "2024-05-05",
            "not_date": "2024-05-05",
        },
    ),
    (
        "event-date-from-context",
        MALI,
        {"type": "ASSAULT", "in": "statement", "date": "2024-05-04"},
    ),
    # --- a denial covers its own clause, not a later "and said ..." ---
    (
        "denial-scope",
        "Rebels attacked an army base near Gao on Saturday. "
        "A spokesman for the rebels denied the figures and said the group had killed dozens of soldiers.",
        {
            "type": "ASSAULT",
            "in": "dozens",
            "claimant": "REB*",
            "modality": "asserted",
            "low": 12,
            "target": "MIL*",
        },
    ),
    (
        "denial-of-that-clause",
        "The Kremlin denied that its troops had attacked civilians in Bucha.",
        {"type": "ASSAULT", "modality": "denied", "claimant": "Kremlin"},
    ),
    # --- titles ---
    (
        "title-actors",
        "Malian soldiers and rebels fought near Gao on Saturday, residents said. The Malian army said it "
        "had lost four men.",
        {"type": "ASSAULT", "in": "tolls", "sources": ["Military (Mali)", "Armed group"]},
    ),
    # --- acronyms and article context ---
    (
        "acronym-alias",
        "The RSF shelled residential districts of Khartoum on Sunday, killing at least 12 civilians, "
        "according to a local medical group.",
        {
            "type": "ASSAULT",
            "source": "Rapid Support Forces",
            "target": "CVL*",
            "low": 12,
            "best": None,
            "claimant": "NGO*",
            "date": "2024-05-05",
        },
    ),
    (
        "article-context-army",
        "Sudan's army and the RSF have fought since April. Sudanese officials said on Monday the army had "
        "recaptured the town of Wad Madani. The army also shelled RSF positions in Omdurman.",
        {
            "type": "ASSAULT",
            "in": "also shelled",
            "source": "Military (Sudan)",
            "target": "Rapid Support Forces",
        },
    ),
    (
        "article-context-police",
        "Kenyan police fired tear gas at protesters in Nairobi on Tuesday. Police said 30 people were arrested.",
        {"type": "COERCE", "in": "arrested", "claimant": "Police (Kenya)"},
    ),
    # --- accusation with an embedded event ---
    (
        "accuse-embedded-accuser",
        "The RSF accused the Sudanese army of carrying out an airstrike on a market in Omdurman that "
        "killed hundreds of people.",
        {"type": "ACCUSE", "source": "Rapid Support Forces", "target": "Military (Sudan)"},
    ),
    (
        "accuse-embedded-event",
        "The RSF accused the Sudanese army of carrying out an airstrike on a market in Omdurman that "
        "killed hundreds of people.",
        {
            "type": "ASSAULT",
            "source": "Military (Sudan)",
            "target": "CVL*",
            "modality": "alleged",
            "claimant": "Rapid Support Forces",
            "low": 100,
            "place": "Omdurman",
        },
    ),
    # --- common violence reports ---
    (
        "gunmen-killed-villagers",
        "Gunmen killed 15 villagers in an attack in northern Nigeria on Monday, local officials said.",
        {
            "type": "ASSAULT",
            "source": "UAF*",
            "target": "CVL*",
            "low": 15,
            "best": 15,
            "claimant": "GOV*",
            "date": "2024-05-06",
        },
    ),
    (
        "passive-toll-at-least",
        "At least 30 people were killed when suicide bombers attacked a mosque in Maiduguri on Friday.",
        {"type": "ASSAULT", "low": 30, "best": None, "place": "Maiduguri", "date": "2024-05-03"},
    ),
    (
        "airstrikes-health-officials",
        "Israeli airstrikes killed at least 25 Palestinians in Gaza overnight, health officials said.",
        {"type": "ASSAULT", "source": "Israel", "low": 25, "claimant": "GOV*"},
    ),
    (
        "car-bomb-soldiers",
        "A car bomb killed six soldiers at a checkpoint near Mogadishu on Monday, the Somali army said.",
        {
            "type": "ASSAULT",
            "target": "MIL*",
            "low": 6,
            "best": 6,
            "claimant": "Military (Somalia)",
            "place": "Mogadishu",
            "date": "2024-05-06",
        },
    ),
    (
        "police-killed-militants",
        "Pakistani police said they had killed five militants in a raid in Peshawar.",
        {
            "type": "ASSAULT",
            "source": "Police (Pakistan)",
            "target": "REB*",
            "low": 5,
            "claimant": "Police (Pakistan)",
            "place": "Peshawar",
        },
    ),
    (
        "abduction-armed-men",
        "Armed men abducted 50 students from a school in Kaduna on Sunday, police said.",
        {
            "type": "ASSAULT",
            "source": "UAF*",
            "target": "CVL*",
            "claimant": "COP*",
            "date": "2024-05-05",
        },
    ),
    (
        "fighting-between-more-than",
        "Fighting between the army and the RSF killed more than 100 people in El Fasher, according to "
        "the United Nations.",
        {
            "type": "ASSAULT",
            "sources": ["Rapid Support Forces"],
            "low": 101,
            "best": None,
            "claimant": "United Nations",
        },
    ),
    (
        "claimed-responsibility",
        "Houthi rebels claimed responsibility for a drone attack on a tanker in the Red Sea on Saturday.",
        {"type": "ASSAULT", "source": "Houthis", "claimant": "Houthis", "modality": "alleged"},
    ),
    (
        "denied-shelling-hospital",
        "The army denied reports that it had shelled a hospital in Khartoum.",
        {"type": "ASSAULT", "modality": "denied", "claimant": "MIL*"},
    ),
    # --- protest and repression ---
    (
        "protest-crowds",
        "Thousands of protesters marched in Tbilisi on Sunday against the foreign agents law.",
        {"type": "PROTEST", "source": "OPP*", "place": "Tbilisi", "date": "2024-05-05"},
    ),
    (
        "arrests-security-forces",
        "Ethiopian security forces arrested 40 people in Addis Ababa on Monday, the state broadcaster reported.",
        {"type": "COERCE", "source": "Police (Ethiopia)", "date": "2024-05-06"},
    ),
    (
        "curfew-authorities",
        "Authorities in Bangladesh imposed a nationwide curfew on Friday after deadly clashes.",
        {"type": "COERCE", "source": "Government (Bangladesh)", "date": "2024-05-03"},
    ),
    # --- diplomacy ---
    (
        "sanctions",
        "The United States imposed sanctions on Iranian officials on Thursday.",
        {
            "type": "SANCTION",
            "source": "United States",
            "target": "Government (Iran)",
            "date": "2024-05-02",
        },
    ),
    (
        "summon-ambassador",
        "Iran's foreign ministry summoned the British ambassador on Wednesday.",
        {"type": "ACCUSE", "source": "Government (Iran)", "target": "Government (United Kingdom)"},
    ),
    (
        "warned-against",
        "China warned the United States on Monday against arms sales to Taiwan.",
        {"type": "THREATEN", "source": "China", "target": "United States"},
    ),
    (
        "urged-ceasefire",
        "Saudi Foreign Minister Faisal bin Farhan urged both sides to agree to a ceasefire.",
        {"type": "REQUEST", "source": "Faisal bin Farhan"},
    ),
    (
        "talks-agreed",
        "Armenia and Azerbaijan agreed on Friday to resume peace talks, the Russian foreign ministry said.",
        {"type": "AGREE", "sources": ["Armenia", "Azerbaijan"], "claimant": "Government (Russia)"},
    ),
    (
        "conditional-demand",
        "The army will not sign any deal unless the RSF withdraws from civilian homes, a military spokesman said.",
        {"type": "REQUEST", "target": "Rapid Support Forces", "modality": "conditional"},
    ),
    (
        "troop-deployment",
        "Chad deployed 1,000 troops to its border with Sudan on Monday.",
        {"type": "MOBILIZE", "source": "Chad", "date": "2024-05-06"},
    ),
    (
        "withdrawal-residents",
        "The militants withdrew from the town on Sunday, residents said.",
        {"type": "RETREAT", "source": "REB*", "claimant": "CVL*", "date": "2024-05-05"},
    ),
]

#: Cases whose text is given a title as well.
TITLES = {
    "title-actors": "Army and rebels give conflicting tolls after fighting near Gao",
}


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_news_pattern(name: str, text: str, expected: dict[str, Any]) -> None:
    doc = extract(text, title=TITLES.get(name))
    assert find_claim(doc, expected) is not None, f"expected {expected}\ngot:\n{_describe(doc)}"


def test_title_without_any_actor_date_or_place_is_dropped_or_low_confidence() -> None:
    doc = extract("The talks continued on Monday in Geneva.", title="Talks")
    for c in doc.claims:
        if c.section == "title":
            assert c.confidence < 0.3, _describe(doc)


def test_bare_army_stays_without_country_in_a_multi_country_article() -> None:
    doc = extract(
        "Russia and Ukraine exchanged prisoners on Monday. Turkey and Qatar mediated. "
        "The army said the exchange went well."
    )
    army = [a for a in doc.actors if a.text.lower() == "army"]
    assert army and all(a.country is None for a in army)


def test_postposed_denial_still_covers_the_claim() -> None:
    doc = extract("The rebels said they had killed 30 soldiers, a claim the army denied.")
    (claim,) = [c for c in doc.claims if c.event_type == "ASSAULT"]
    assert claim.attribution.modality == "denied", _describe(doc)


def test_denied_and_asserted_events_of_one_sentence_stay_apart() -> None:
    doc = extract(
        "The ministry denied that officers had beaten anyone and said 14 officers were injured."
    )
    modalities = sorted(c.attribution.modality for c in doc.claims if c.event_type == "ASSAULT")
    assert modalities == ["asserted", "denied"], _describe(doc)


def test_condemnation_does_not_make_the_attack_an_allegation() -> None:
    doc = extract("The United Nations condemned the attack on the convoy in Gao.")
    attack = next(c for c in doc.claims if c.event_type == "ASSAULT")
    assert attack.attribution.modality == "asserted" and attack.attribution.claimant is None, (
        _describe(doc)
    )


def test_speaker_of_a_reported_clause_is_not_its_agent() -> None:
    doc = extract("Police said a bomb exploded near a market in Kano on Monday.")
    bomb = next(c for c in doc.claims if c.event_type == "ASSAULT")
    assert not bomb.actors("source"), _describe(doc)
    assert bomb.attribution.claimant is not None and bomb.attribution.claimant.sector == "COP"


def test_statement_date_is_not_the_event_date() -> None:
    doc = extract("The army said on Monday that its soldiers had killed 20 militants.")
    kill = next(c for c in doc.claims if c.event_type == "ASSAULT")
    assert kill.date is None, _describe(doc)
    assert kill.attribution.claim_date is not None
    assert kill.attribution.claim_date.date_start == dt.date(2024, 5, 6)


def test_context_date_is_not_borrowed_from_an_event_elsewhere() -> None:
    doc = extract(
        "The RSF shelled Khartoum on Sunday. "
        "The army said it had killed dozens of fighters in an airstrike on a base in Omdurman."
    )
    strike = next(c for c in doc.claims if c.event_type == "ASSAULT" and "Omdurman" in c.sentence)
    assert strike.date is None, _describe(doc)


def test_a_claim_that_names_nothing_is_dropped() -> None:
    doc = extract("Talks continued.")
    assert not doc.claims, _describe(doc)


def test_population_is_not_the_speaker_of_an_inverted_report() -> None:
    doc = extract("Gunmen attacked the village on Monday, killing five civilians, said the army.")
    attack = next(c for c in doc.claims if c.event_type == "ASSAULT")
    assert (
        attack.attribution.claimant is not None and attack.attribution.claimant.sector == "MIL"
    ), _describe(doc)


def test_event_date_in_its_clause_wins_over_dateline_and_speech_date() -> None:
    doc = extract(
        "ODESA, May 7, 2024 - Russian drones struck a port in Odesa on Sunday, killing two "
        "dockworkers, the regional administration head said on Tuesday."
    )
    strike = next(c for c in doc.claims if c.event_type == "ASSAULT")
    assert strike.date is not None and strike.date.date_start == dt.date(2024, 5, 5), _describe(doc)


def test_general_staff_is_a_military_speaker_not_a_person() -> None:
    doc = extract(
        "Ukrainian soldiers pushed back an assault near Bakhmut, the Ukrainian General Staff said."
    )
    claimant = doc.claims[0].attribution.claimant if doc.claims else None
    assert claimant is not None and claimant.kind == "military", _describe(doc)
    assert claimant.country == "UKR" and claimant.sector == "MIL"


def test_western_governments_take_no_country_from_the_article() -> None:
    doc = extract(
        "Polish officials met in Warsaw. "
        "The Polish prime minister called on Western governments to deliver more tanks."
    )
    request = next(c for c in doc.claims if c.event_type == "REQUEST")
    target = _first(request, "target")
    assert target is not None and target.country is None, _describe(doc)
    assert request.place is None or request.place.name != "Western"
    assert not any(a.text == "Western" for a in doc.actors)


def test_condemned_event_is_not_the_condemners_and_expected_sanctions_are_sanctions() -> None:
    doc = extract(
        "The African Union denounced the bombing of Goma and is expected to impose new "
        "sanctions on Rwanda next month."
    )
    union = "African Union"
    accuse = next(c for c in doc.claims if c.event_type == "ACCUSE")
    assert _matches(_first(accuse, "source"), union), _describe(doc)
    assert accuse.date is not None and accuse.date.date_start == PUBLISHED, _describe(doc)
    assert not any(
        c.event_type == "ASSAULT" and _matches(_first(c, "source"), union) for c in doc.claims
    ), _describe(doc)
    assert not any(c.event_type == "THREATEN" for c in doc.claims), _describe(doc)
    sanction = next(c for c in doc.claims if c.event_type == "SANCTION")
    assert _matches(_first(sanction, "source"), union)
    assert _matches(_first(sanction, "target"), "Rwanda")
    assert sanction.attribution.modality == "predicted"
    assert sanction.date is not None and sanction.date.date_start == dt.date(2024, 6, 1)


def test_announced_intention_stays_a_threat() -> None:
    doc = extract("The European Union will impose new sanctions on Belarus.")
    assert any(c.event_type == "THREATEN" for c in doc.claims), _describe(doc)


def test_its_units_belong_to_the_claiming_state() -> None:
    doc = extract(
        "Israel claimed its units had destroyed a tunnel in Rafah, which could not be verified."
    )
    attack = next(c for c in doc.claims if c.event_type == "ASSAULT")
    src = _first(attack, "source")
    assert src is not None and src.country == "ISR" and src.sector == "MIL", _describe(doc)
    assert attack.attribution.modality == "alleged"
