"""The actors stage: dictionary aliases, agents, persons by title, coreference."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.gazetteer import actor_matcher, capitals_agree, fold_case
from events.pipeline.actors import find_actors
from events.pipeline.doc import ActorMention, Document, Sentence

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SEED_ARTICLE = SHARED / "seed" / "southfront-2020-10-turkey-karabakh.txt"


def make_doc(*paragraphs: list[str]) -> Document:
    """Build a body from paragraphs given as lists of sentences (no segmenter needed)."""
    body = ""
    sentences: list[Sentence] = []
    for p, para in enumerate(paragraphs):
        if body:
            body += "\n\n"
        for s, text in enumerate(para):
            if s:
                body += " "
            start = len(body)
            body += text
            sentences.append(Sentence(len(sentences), "body", start, len(body), text, p))
    return Document(body=body, sentences=sentences)


def actors_of(*paragraphs: list[str]) -> list[ActorMention]:
    doc = make_doc(*paragraphs)
    find_actors(doc)
    for a in doc.actors:  # offsets point into the body
        assert doc.body[a.start : a.end] == a.text
    return doc.actors


def by_text(mentions: list[ActorMention]) -> dict[str, ActorMention]:
    return {m.text: m for m in mentions}


def test_country_names_short_forms_and_adjectives() -> None:
    found = actors_of(["Efforts by Russian, France and the U.S. to end the battle failed."])
    assert [(a.text, a.country) for a in found] == [
        ("Russian", "RUS"),
        ("France", "FRA"),
        ("U.S.", "USA"),
    ]


@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
def test_possessive_with_straight_and_curly_apostrophe(apostrophe: str) -> None:
    found = actors_of([f"Armenia{apostrophe}s government rejected Turkey{apostrophe}s demand."])
    countries = [a.country for a in found]
    assert "ARM" in countries and "TUR" in countries


def test_capital_used_as_metonym_is_the_state() -> None:
    (ankara,) = [
        a for a in actors_of(["Ankara deployed more troops on Monday."]) if a.text == "Ankara"
    ]
    assert (ankara.key, ankara.name, ankara.country, ankara.rule) == (
        "TUR",
        "Turkey",
        "TUR",
        "metonym",
    )


def test_capital_after_locative_cue_is_not_an_actor() -> None:
    found = actors_of(["The ministers were meeting in Moscow on Friday."])
    assert all(a.text != "Moscow" for a in found)


def test_country_adjective_with_agent_noun_is_a_composite_actor() -> None:
    found = by_text(actors_of(["Azerbaijan launched an attack on Armenian forces."]))
    forces = found["Armenian forces"]
    assert (forces.key, forces.country, forces.sector, forces.kind) == (
        "ARM:MIL",
        "ARM",
        "MIL",
        "military",
    )
    assert forces.name == "Military (Armenia)"


def test_militants_and_equipment_take_the_country_of_their_modifier() -> None:
    found = by_text(
        actors_of(
            [
                "Ankara deployed over 1,000 Syrian militants.",
                "At least two Turkish F-16 fighter jets arrived.",
            ]
        )
    )
    assert (found["Syrian militants"].country, found["Syrian militants"].sector) == ("SYR", "REB")
    assert (
        found["Turkish F-16 fighter jets"].country,
        found["Turkish F-16 fighter jets"].sector,
    ) == ("TUR", "MIL")


def test_backed_does_not_give_the_sponsor_s_country() -> None:
    found = actors_of(["Turkish-backed militants attacked the town."])
    militants = [a for a in found if "militants" in a.text]
    assert militants and militants[0].country is None and militants[0].sector == "REB"


def test_bare_agent_is_a_generic_actor_without_country() -> None:
    (rebels,) = actors_of(["Rebels shelled the airport."])
    assert (rebels.key, rebels.country, rebels.sector) == ("REB", None, "REB")


def test_conjoined_adjectives_share_the_agent_noun() -> None:
    found = actors_of(["Senior Hungarian and Romanian officials agreed on Wednesday."])
    assert {(a.country, a.sector) for a in found} == {("HUN", "GOV"), ("ROU", "GOV")}


def test_named_organisations_and_media() -> None:
    found = by_text(
        actors_of(["Reuters quoted NATO and the Taliban in an interview on al-Jazeera."])
    )
    assert found["Reuters"].sector == "MED"
    assert found["NATO"].sector == "IGO"
    assert found["Taliban"].country == "AFG"
    assert found["al-Jazeera"].key == "org:aljazeera"


def test_person_with_country_adjective_and_title() -> None:
    found = actors_of(
        ["Turkish presidential spokesman Ibrahim Kalin said on October 9 that talks will fail."]
    )
    (kalin,) = [a for a in found if a.kind == "person"]
    assert kalin.text == "Turkish presidential spokesman Ibrahim Kalin"
    assert (kalin.key, kalin.name, kalin.country, kalin.sector) == (
        "person:ibrahim-kalin",
        "Ibrahim Kalin",
        "TUR",
        "GOV",
    )
    assert (kalin.title, kalin.parent_key) == ("presidential spokesman", "TUR")


def test_person_with_comma_between_title_and_name_takes_country_from_paragraph() -> None:
    found = actors_of(
        [
            "Turkey appears to be confident that the talks in Moscow will fail.",
            "In a statement, Defense Minister, Hulusi Akar said the attack will not stop.",
        ]
    )
    (akar,) = [a for a in found if a.kind == "person"]
    assert (akar.name, akar.country, akar.title, akar.rule) == (
        "Hulusi Akar",
        "TUR",
        "defense minister",
        "person-context",
    )


def test_person_context_does_not_cross_paragraphs() -> None:
    found = actors_of(["Turkey sent troops."], ["Defense Minister Hulusi Akar spoke."])
    (akar,) = [a for a in found if a.kind == "person"]
    assert akar.country is None


def test_list_of_titled_persons_pairs_names_with_countries_in_order() -> None:
    found = actors_of(
        [
            "Russian, Azerbaijani and Armenian Foreign Ministers, Sergey Lavrov, Jeyhun Bayramov "
            "and Zohrab Mnatsakanyan, were meeting in Moscow."
        ]
    )
    persons = [(a.name, a.country, a.sector, a.title) for a in found if a.kind == "person"]
    assert persons == [
        ("Sergey Lavrov", "RUS", "GOV", "foreign minister"),
        ("Jeyhun Bayramov", "AZE", "GOV", "foreign minister"),
        ("Zohrab Mnatsakanyan", "ARM", "GOV", "foreign minister"),
    ]
    # the adjectives belong to the ministers: no separate Russia/Armenia actors
    assert [a for a in found if a.kind == "state"] == []


def test_later_bare_surnames_corefer_with_the_person() -> None:
    found = actors_of(
        ["Turkish presidential spokesman Ibrahim Kalin said talks will fail."],
        ["Defense Minister Hulusi Akar agreed."],
        ["Reuters quoted Kalin as saying so.", "Kalin and Akar\u2019s statements were harsh."],
    )
    corefs = [(a.text, a.key, a.country, a.rule) for a in found if a.rule == "coref"]
    assert corefs == [
        ("Kalin", "person:ibrahim-kalin", "TUR", "coref"),
        ("Kalin", "person:ibrahim-kalin", "TUR", "coref"),
        ("Akar", "person:hulusi-akar", None, "coref"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Support the project.",
        "Notify of new replies.",
        "Newest Most Voted",
        "We have hard proof now.",
        "They said it was over.",
        "The turkey dinner was late.",
        "Let us know what you think.",
    ],
)
def test_widget_words_pronouns_and_lower_case_names_are_not_actors(sentence: str) -> None:
    assert actors_of([sentence]) == []


def test_title_followed_by_lowercase_word_is_not_a_person() -> None:
    found = actors_of(["The president said the army will stay."])
    assert all(a.kind != "person" for a in found)


def test_short_uppercase_aliases_are_case_sensitive() -> None:
    assert capitals_agree("US", "US") and not capitals_agree("US", "us")
    assert capitals_agree("forces", "Forces")
    assert [m.text for m in actor_matcher().find("the US and us")] == ["US"]


def test_fold_case_keeps_offsets() -> None:
    text = "İstanbul and Turkey"
    assert len(fold_case(text)) == len(text)
    assert [m.text for m in actor_matcher().find(text)] == ["Turkey"]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text: str) -> None:
    doc = Document(body=text, sentences=[Sentence(0, "body", 0, len(text), text)])
    find_actors(doc)
    for a in doc.actors:
        assert 0 <= a.start <= a.end <= len(text)


def _have_stage(name: str) -> bool:
    return importlib.util.find_spec(f"events.pipeline.{name}") is not None


@pytest.fixture(scope="module")
def seed_doc() -> Document:
    if not SEED_ARTICLE.exists():
        pytest.skip(f"{SEED_ARTICLE} not found: the acceptance article lives in ../shared")
    if not (_have_stage("clean") and _have_stage("segment")):
        pytest.skip("clean/segment stages are not available yet")
    from events.pipeline.runner import get_stage

    doc = Document(
        raw=SEED_ARTICLE.read_text(encoding="utf-8"), given_published=dt.date(2020, 10, 10)
    )
    for name in ("clean", "segment", "actors"):
        get_stage(name)(doc)
    return doc


def test_seed_article_persons(seed_doc: Document) -> None:
    persons = {(a.name, a.country, a.sector) for a in seed_doc.actors if a.kind == "person"}
    assert persons >= {
        ("Ibrahim Kalin", "TUR", "GOV"),
        ("Hulusi Akar", "TUR", "GOV"),
        ("Sergey Lavrov", "RUS", "GOV"),
        ("Jeyhun Bayramov", "AZE", "GOV"),
        ("Zohrab Mnatsakanyan", "ARM", "GOV"),
    }
    kalin_titles = {a.title for a in seed_doc.actors if a.key == "person:ibrahim-kalin"}
    assert kalin_titles == {"presidential spokesman"}


def test_seed_article_states_agents_and_media(seed_doc: Document) -> None:
    found = {(a.text, a.key) for a in seed_doc.actors}
    assert {
        ("Ankara", "TUR"),
        ("Armenian forces", "ARM:MIL"),
        ("Syrian militants", "SYR:REB"),
    } <= found
    assert {
        ("Russian", "RUS"),
        ("France", "FRA"),
        ("U.S.", "USA"),
        ("Reuters", "org:reuters"),
    } <= found
    assert ("Turkish F-16 fighter jets", "TUR:MIL") in found
    coref = {a.text for a in seed_doc.actors if a.rule == "coref"}
    assert coref >= {"Kalin", "Akar"}


def test_seed_article_has_no_widget_or_pronoun_actors(seed_doc: Document) -> None:
    texts = {a.text.lower() for a in seed_doc.actors}
    assert not texts & {"support", "notify", "newest", "we", "now", "southfront"}


def test_agent_in_or_of_a_country_takes_that_country() -> None:
    found = by_text(
        actors_of(
            ["Security forces in Guinea arrested refugees.", "The government of Sudan agreed."]
        )
    )
    assert (found["Security forces in Guinea"].key, found["Security forces in Guinea"].sector) == (
        "GIN:COP",
        "COP",
    )
    assert found["government of Sudan"].key == "SDN:GOV"


#: Evaluation gate: share of PLOVER gold records whose source-actor country (or
#: IGO/NGO sector) is among the countries the actors stage finds. Measured
#: 0.882 (283/321) when written; lower it only with a reason in the commit.
PLOVER_SOURCE_COUNTRY_RECALL_FLOOR = 0.85
# Gold uses CAMEO codes where they differ from ISO 3166-1.
_CAMEO_TO_ISO = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}


def plover_source_country_recall(gold_path: Path) -> tuple[int, int]:
    """Return (records whose source country was found, records with a source country)."""
    import json

    from events.pipeline.runner import get_stage

    stages = [get_stage(n) for n in ("clean", "segment", "actors")]
    hit = total = 0
    for record in json.loads(gold_path.read_text(encoding="utf-8")):
        if record.get("event") == "DOCUMENT":
            continue
        gold = {
            _CAMEO_TO_ISO.get(a["code"], a["code"])
            for a in record.get("source", [])
            if isinstance(a, dict) and a.get("code")
        }
        if not gold:
            continue
        date = dt.date.fromisoformat((record.get("date") or "2000-01-01")[:10])
        doc = Document(raw=record["text"], given_published=date)
        for st_ in stages:
            st_(doc)
        found = {a.country for a in doc.actors} | {
            a.sector for a in doc.actors if a.sector in ("IGO", "NGO")
        }
        total += 1
        hit += bool(gold & found)
    return hit, total


def test_plover_source_actor_country_recall_floor() -> None:
    gold = SHARED / "plover-gsr" / "PLOVER_GSR_CAMEO.json"
    if not gold.exists():
        pytest.skip(f"{gold} not found: the PLOVER gold set lives in ../shared")
    if not (_have_stage("clean") and _have_stage("segment")):
        pytest.skip("clean/segment stages are not available yet")
    hit, total = plover_source_country_recall(gold)
    assert total > 300
    assert hit / total >= PLOVER_SOURCE_COUNTRY_RECALL_FLOOR, (
        f"recall {hit}/{total} = {hit / total:.3f}"
    )


def test_bare_state_agent_takes_the_article_s_dominant_country() -> None:
    found = actors_of(
        [
            "Malian troops clashed with rebels near Gao.",
            "Mali's government said the army had lost four men.",
        ],
        ["Police later closed the road."],
    )
    army = next(a for a in found if a.text == "army")
    police = next(a for a in found if a.text == "Police")
    assert (army.key, army.name, army.rule) == ("MLI:MIL", "Military (Mali)", "article-context")
    assert police.key == "MLI:COP"
    rebels = next(a for a in found if a.text == "rebels")
    assert rebels.country is None  # a non-state group is not given the setting's country


def test_article_context_needs_a_dominant_country() -> None:
    found = actors_of(
        [
            "Russia and Ukraine exchanged prisoners.",
            "Turkey hosted the talks; the army said little.",
        ]
    )
    assert next(a for a in found if a.text == "army").country is None


def test_article_context_needs_more_than_one_mention() -> None:
    found = actors_of(["Chad closed the border.", "The army said it would stay."])
    assert next(a for a in found if a.text == "army").country is None


def test_its_soldiers_belong_to_the_possessor() -> None:
    found = by_text(
        actors_of(
            [
                "The Malian army said its soldiers had killed 20 militants.",
                "Hamas said its fighters fired rockets.",
            ]
        )
    )
    assert (found["soldiers"].key, found["soldiers"].rule) == ("MLI:MIL", "possessive")
    assert found["fighters"].key == "org:hamas"


def test_capital_after_of_is_a_place_not_the_government() -> None:
    found = by_text(
        actors_of(["The RSF shelled districts of Khartoum.", "Khartoum rejected the plan."])
    )
    assert "Khartoum" in found and found["Khartoum"].key == "SDN"  # only the second, a metonym
    assert (
        sum(1 for a in actors_of(["The RSF shelled districts of Khartoum."]) if a.key == "SDN") == 0
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("The RSF shelled the city.", "org:rsf"),
        ("The SAF said it repelled the attack.", "SDN:MIL"),
        ("JNIM fighters attacked the convoy.", "org:jnim"),
        ("The Tatmadaw bombed the village.", "MMR:MIL"),
        ("Armed men abducted students.", "UAF"),
        ("According to a local medical group, 12 died.", "NGO"),
    ],
)
def test_common_acronyms_and_agent_phrases_resolve(text: str, key: str) -> None:
    assert key in {a.key for a in actors_of([text])}
