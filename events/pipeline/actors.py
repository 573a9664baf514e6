"""Find the actors of a document: states, organisations, agents and persons.

Per sentence, one automaton pass (:func:`events.gazetteer.actor_matcher`)
finds every alias; then, in this order:

1. **persons by title** -- "<country>? <title> ,? <Name Name>", including lists
   ("Russian, Azerbaijani and Armenian Foreign Ministers, Sergey Lavrov,
   Jeyhun Bayramov and Zohrab Mnatsakanyan" pairs names and countries in order);
2. **agents** -- an agent noun after a country ("Armenian forces",
   "Turkey's army", "Turkish F-16 fighter jets") is a composite actor
   ``<ISO>:<sector>``; alone ("militants") a generic actor keyed by the sector;
3. **the rest** -- country names, demonyms and capitals used as metonyms, and
   named organisations. A country or capital right after a locative cue ("in
   Moscow"), in a dateline ("MOGADISHU (Reuters) -") or a capital used as a
   modifier ("a Mogadishu hotel", "Kabul airport") is a place, not an actor,
   and is left to the places stage.

Then, per document: persons without a country take the nearest preceding
country of their paragraph (rule ``person-context``), and later bare surnames
("Kalin", "Akar's") become mentions of the same person (rule ``coref``). A bare
agent after "its"/"their" belongs to the actor the pronoun refers to ("the
Malian army said its soldiers ..." -- rule ``possessive``), and a bare state
agent ("the army", "police") in an article about one country takes that
country (rule ``article-context``, see :data:`ARTICLE_CONTEXT_MIN_SHARE`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from events import lexicon
from events.gazetteer import (
    Entry,
    Match,
    actor_matcher,
    country_by_code,
    dateline,
    has_locative_cue,
    place_word_pattern,
)
from events.pipeline.actor_context import (
    ABROAD_QUALIFIER,
    ARTICLE_CONTEXT_MIN_SHARE,
    coreference,
    qualified_abroad,
    resolve_article_context,
    resolve_equipment,
    resolve_person_context,
    resolve_possessives,
)
from events.pipeline.actor_spans import mention, modifier_chain
from events.pipeline.doc import ActorMention, Document, Sentence
from events.pipeline.persons import persons_by_title
from events.pipeline.runner import stage

__all__ = [
    "ABROAD_QUALIFIER",
    "ARTICLE_CONTEXT_MIN_SHARE",
    "find_actors",
    "is_crowd",
    "population_of",
]

#: Armed groups' sectors: their noun before a fighting noun owns it ("cartel gunmen").
NONSTATE_ARMED = frozenset({"REB", "UAF", "CRM"})
#: Sectors of fighting nouns ("gunmen", "soldiers", "fighters").
FIGHTING_SECTORS = frozenset({"MIL", "REB", "UAF"})
_AGENT_OF = re.compile(r"\s+(?:in|of|from)\s+(?:the\s+)?", re.IGNORECASE)
_OF_BEFORE = re.compile(r"\bof\s+(?:the\s+)?$", re.IGNORECASE)
#: A determiner before a capital makes it a modifier ("a Mogadishu hotel", "the Kabul airport").
_DETERMINER_BEFORE = re.compile(r"(?:^|\s)(?:a|an|the|this|that)\s+$", re.IGNORECASE)
_LOWER_WORD_AFTER = re.compile(r"\s+[a-z]")
#: "anti-", "pro-" before a country word: a stance, not the state.
_STANCE_BEFORE = re.compile(r"(?:^|[\s(])(?:anti|pro)-$", re.IGNORECASE)
#: "-occupied", "-held" after a country word: a territory it holds, not an act of the state.
_TERRITORY_AFTER = re.compile(
    r"-(?:occupied|held|controlled|annexed|administered)\b", re.IGNORECASE
)
#: "'s Idlib ", "'s Lower Shabelle ": a possessive and a capitalised name after a country.
_POSSESSIVE_NAME = re.compile(r"(?:'s|’s)\s+(?:[A-Z][\w'’-]*\s+){1,3}")


@stage("actors", requires=("sentences",), assigns=("actors",))
def find_actors(doc: Document) -> None:
    """Fill ``doc.actors`` with every actor mention, in text order per section."""
    mentions: list[ActorMention] = []
    located: list[str] = []  # countries of country/capital names used as places ("in Mali")
    named = _named_countries(doc)
    for sentence in doc.sentences:
        mentions.extend(_sentence_actors(sentence, located, named))
    resolve_person_context(doc, mentions)
    mentions.extend(coreference(doc, mentions))
    order = {s.index: i for i, s in enumerate(doc.sentences)}
    mentions.sort(key=lambda m: (order.get(m.sentence_index, 0), m.start))
    mentions = _peoples_of_a_country(doc, mentions)
    resolve_possessives(doc, mentions)
    resolve_equipment(doc, mentions)
    texts = {s.index: (s.start, s.text) for s in doc.sentences}
    resolve_article_context(
        [m for m in mentions if not qualified_abroad(m, texts)], located, counted=mentions
    )
    doc.actors = mentions


def _peoples_of_a_country(doc: Document, mentions: list[ActorMention]) -> list[ActorMention]:
    """Read "Bosnian Serbs", "Moldovan Russians" as a people of the first country.

    Two demonyms in a row name the people of the second living in the first: the Serbs of
    Bosnia act for Bosnia's side, not for Serbia. The pair becomes one mention with the first
    demonym's country.
    """
    texts = {s.index: (s.start, s.text) for s in doc.sentences}
    out: list[ActorMention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.rule == "demonym"
            and m.rule == "demonym"
            and prev.sentence_index == m.sentence_index
            and prev.country != m.country
            and m.text.endswith("s")
            and not prev.text.endswith("s")
        ):
            base, text = texts.get(m.sentence_index, (0, ""))
            if text[prev.end - base : m.start - base] == " ":
                out[-1] = replace(prev, end=m.end, text=f"{prev.text} {m.text}")
                continue
        out.append(m)
    return out


# --------------------------------------------------------------------------
# One sentence
# --------------------------------------------------------------------------


def _named_countries(doc: Document) -> dict[str, int]:
    """Count the countries the document's unambiguous names point to (countries, capitals,
    demonyms, named actors with a home country)."""
    counts: dict[str, int] = {}
    for sentence in doc.sentences:
        for m in actor_matcher().find(sentence.text):
            codes = {e.country or (e.key if e.type == "country" else None) for e in m.entries}
            codes.discard(None)
            if len(codes) == 1 and m.best.type != "agent":
                code = codes.pop()
                assert code is not None
                counts[code] = counts.get(code, 0) + 1
    return counts


def _by_context(matches: list[Match], named: dict[str, int]) -> list[Match]:
    """Resolve ambiguous names by the countries the document names.

    "SNA" is the Somali National Army in a report on Somalia and the Syrian National Army in a
    report on Syria: of an alias's named readings, the one whose country the document names
    most often comes first (ties keep the dictionary's order).
    """
    out: list[Match] = []
    for m in matches:
        readings = [e for e in m.entries if e.type == "named"]
        if len({e.country for e in readings}) > 1:
            ranked = sorted(m.entries, key=lambda e: -named.get(e.country or "", 0))
            m = replace(m, entries=tuple(ranked))
        out.append(m)
    return out


def _sentence_actors(
    sentence: Sentence, located: list[str] | None = None, named: dict[str, int] | None = None
) -> list[ActorMention]:
    """Return the actor mentions of one sentence (offsets into its section).

    Countries named as places ("fighting in Mali") are appended to ``located``; ambiguous names
    are read by the countries the document names (``named``, see :func:`_by_context`).
    """
    text = sentence.text
    matches = _by_context(actor_matcher().find(text), named or {})
    consumed: set[int] = set()  # indexes into matches already used
    out: list[ActorMention] = []
    out.extend(persons_by_title(sentence, matches, consumed))
    out.extend(_agents(sentence, matches, consumed))
    for i, m in enumerate(matches):
        if i in consumed:
            continue
        mention = _plain_mention(sentence, m, matches[i + 1] if i + 1 < len(matches) else None)
        if mention is not None:
            out.append(mention)
        elif located is not None and m.best.type in ("country", "capital") and m.best.country:
            located.append(m.best.country)
    return out


def _plain_mention(sentence: Sentence, m: Match, following: Match | None) -> ActorMention | None:
    """Turn a lone dictionary hit into a mention (None for a place use or a bare agent)."""
    e = m.best
    if e.type in ("country", "capital") and has_locative_cue(sentence.text, m.start):
        return None  # "meeting in Moscow": a place, not the Russian state
    if e.type in ("country", "capital") and _in_dateline(sentence, m):
        return None  # "MOGADISHU (Reuters) -": where the report was filed
    if e.type == "capital" and _place_modifier(sentence, m, following):
        return None  # "a Mogadishu hotel", "Kabul airport": a city, not a government
    if e.type == "capital" and _OF_BEFORE.search(sentence.text[max(0, m.start - 12) : m.start]):
        return None  # "districts of Khartoum", "the outskirts of Kabul": a city, not a government
    if e.type in ("country", "capital", "adjective") and _not_the_state(sentence.text, m):
        return None  # "anti-Syria", "pro-Russian", "the Israeli-occupied West Bank"
    if e.type in ("country", "capital") and _part_of_place(sentence.text, m):
        return None  # "Syria's Idlib province": a province, not the state
    if e.type == "agent":
        return _generic_agent(sentence, m)
    if e.type == "named":
        return mention(
            sentence,
            m.start,
            m.end,
            key=e.key,
            name=e.name,
            kind=e.kind,
            country=e.country,
            sector=e.sector,
            parent_key=e.country if e.kind == "person" else None,
            wikidata=e.wikidata,
            rule="alias",
        )
    rule = {"country": "alias", "capital": "metonym", "adjective": "demonym"}[e.type]
    return _state(sentence, m.start, m.end, e.country or e.key, rule)


def _not_the_state(text: str, m: Match) -> bool:
    """Return True for a country word that names a stance or a territory, not an actor.

    "anti-Syria", "pro-Russian" say what someone is for or against; "Israeli-occupied",
    "Russian-held", "rebel-controlled" qualify a territory.
    """
    return bool(_STANCE_BEFORE.search(text[max(0, m.start - 5) : m.start])) or bool(
        _TERRITORY_AFTER.match(text, m.end)
    )


def _part_of_place(text: str, m: Match) -> bool:
    """Return True for a country or capital that only qualifies a place named after it.

    A possessive followed by a capitalised name and a unit or settlement word of
    seeds/place_words.tsv: "Syria's Idlib province", "Somalia's Lower Shabelle region" name a
    province, not the Syrian or Somali state, which neither speaks nor acts there.
    """
    after = _POSSESSIVE_NAME.match(text, m.end)
    if after:
        unit = place_word_pattern("unit", "settlement").match(text, after.end())
        return bool(unit and unit.group().islower())
    return False


def _in_dateline(sentence: Sentence, m: Match) -> bool:
    """Return True for a name in the dateline opening the body ("KABUL, Afghanistan --")."""
    if sentence.section != "body" or sentence.start != 0:
        return False
    spans = dateline(sentence.text)
    if spans is None:
        return False
    return any(s is not None and s[0] <= m.start and m.end <= s[1] for s in spans)


def _place_modifier(sentence: Sentence, m: Match, following: Match | None) -> bool:
    """Return True for a capital that qualifies the noun after it ("the Kabul airport").

    A lower-case facility word of ``place_words.tsv`` after it ("Kabul airport"), or a determiner
    before it and a lower-case word after it ("a Mogadishu hotel"), unless that word is an
    agent noun: "the Kabul government" is the Afghan state.
    """
    text = sentence.text
    facility = place_word_pattern("facility").match(text, m.end + 1)
    if facility and text[m.end : m.end + 1] == " " and facility.group().islower():
        return True  # "Baghdad University" is an institution's name, "Kabul airport" a place
    if not _DETERMINER_BEFORE.search(text[max(0, m.start - 6) : m.start]):
        return False
    if not _LOWER_WORD_AFTER.match(text, m.end):
        return False
    if following is None or following.best.type != "agent":
        return True
    return bool(text[m.end : following.start].strip())


def _state(sentence: Sentence, start: int, end: int, code: str, rule: str) -> ActorMention:
    country = country_by_code().get(code)
    return mention(
        sentence,
        start,
        end,
        key=code,
        name=country.name if country else code,
        kind="state",
        country=code,
        rule=rule,
    )


def _generic_agent(sentence: Sentence, m: Match) -> ActorMention:
    e = m.best
    return mention(
        sentence,
        m.start,
        m.end,
        key=e.sector or e.key,
        name=e.label,
        kind=e.kind,
        sector=e.sector,
        rule="agent",
    )


def _composite(
    sentence: Sentence, start: int, end: int, modifier: Entry, agent: Entry
) -> ActorMention:
    """Return "<country> <agent>" as the actor ``<ISO>:<sector>`` ("Military (Armenia)")."""
    if modifier.type == "named":  # "Hamas militants": the organisation itself
        return mention(
            sentence,
            start,
            end,
            key=modifier.key,
            name=modifier.name,
            kind=modifier.kind,
            country=modifier.country,
            sector=modifier.sector,
            wikidata=modifier.wikidata,
            rule="alias",
        )
    code = modifier.country or modifier.key
    country = country_by_code().get(code)
    country_name = country.name if country else code
    return mention(
        sentence,
        start,
        end,
        key=f"{code}:{agent.sector}",
        name=f"{agent.label} ({country_name})",
        kind=agent.kind,
        country=code,
        sector=agent.sector,
        parent_key=code,
        rule="agent",
    )


# --------------------------------------------------------------------------
# Agents
# --------------------------------------------------------------------------


def _agents(sentence: Sentence, matches: list[Match], consumed: set[int]) -> list[ActorMention]:
    text = sentence.text
    out: list[ActorMention] = []
    heads = _agent_heads(text, matches)
    qualifiers = {q for h, first in heads.items() for q in range(first, h)}
    for i, m in enumerate(matches):
        if i in consumed or i in qualifiers or m.best.type != "agent":
            continue
        if i in heads:  # "government troops": one actor, the troops, from "government" on
            start = matches[heads[i]].start
            agent = _head_agent(matches[i - 1].best, m.best)
            consumed.update(range(heads[i], i + 1))
            chain = [c for c in modifier_chain(text, matches, start, allow_gap=True)]
            chain = [c for c in chain if c not in consumed]
            if not chain:
                bare = replace(m, start=start, entries=(agent,))
                out.append(replace(_generic_agent(sentence, bare), text=text[start : m.end]))
                continue
            consumed.update(chain)
            for n, c in enumerate(chain):
                end = m.end if n == len(chain) - 1 else matches[c].end
                out.append(_composite(sentence, matches[c].start, end, matches[c].best, agent))
            continue
        chain = [
            c for c in modifier_chain(text, matches, m.start, allow_gap=True) if c not in consumed
        ]
        if not chain:
            after = _country_after(text, matches, i)
            if after is not None:  # "security forces in Guinea", "the government of Sudan"
                consumed.update((i, after))
                out.append(
                    _composite(sentence, m.start, matches[after].end, matches[after].best, m.best)
                )
                continue
            stance = _stance_before(text, matches, i)
            if stance is not None:  # "an anti-Syria journalist": a journalist, of no country
                consumed.update((i, stance))
                bare = replace(m, start=text.rfind(" ", 0, matches[stance].start) + 1)
                out.append(_generic_agent(sentence, bare))
            continue  # a bare agent is emitted with the plain mentions
        consumed.add(i)
        consumed.update(chain)
        for n, c in enumerate(chain):
            end = m.end if n == len(chain) - 1 else matches[c].end
            out.append(_composite(sentence, matches[c].start, end, matches[c].best, m.best))
    return out


def _agent_heads(text: str, matches: list[Match]) -> dict[int, int]:
    """Map the head of each run of adjacent agent nouns to the run's first match.

    "government troops", "junta soldiers", "army spokesman", "cartel gunmen", "rebel soldiers":
    an agent noun right before another one (only a space between) qualifies it, and the two are
    one actor. Two state organs ("government troops") or an armed group's noun before a fighting
    one ("cartel gunmen") make such a pair; "militants' leaders" or "civilians police" do not.
    """
    heads: dict[int, int] = {}
    for i in range(1, len(matches)):
        prev, cur = matches[i - 1], matches[i]
        if prev.best.type != "agent" or cur.best.type != "agent":
            continue
        if text[prev.end : cur.start] != " ":
            continue
        state = (
            prev.best.sector in lexicon.state_sectors()
            and cur.best.sector in lexicon.state_sectors()
        )
        armed = prev.best.sector in NONSTATE_ARMED and cur.best.sector in FIGHTING_SECTORS
        if state or armed:
            heads[i] = heads.pop(i - 1, i - 1)
    return heads


def _head_agent(qualifier: Entry, head: Entry) -> Entry:
    """Return the agent a qualified pair stands for.

    The head names it ("government troops" are troops) unless the head is an organ's people
    ("army spokesman", "military officials": the army's) or the qualifier an armed group
    ("cartel gunmen", "rebel soldiers": the cartel's, the rebels').
    """
    if head.sector == "GOV" or qualifier.sector in NONSTATE_ARMED:
        return qualifier
    return head


def _stance_before(text: str, matches: list[Match], i: int) -> int | None:
    """Return the index of a stance modifier right before agent ``i`` ("pro-Russian"), if any.

    The agent's mention then spans the stance, so that the country word is read neither as the
    agent's country nor as a place.
    """
    if i == 0 or matches[i - 1].best.type not in ("country", "adjective"):
        return None
    before = matches[i - 1]
    if text[before.end : matches[i].start] != " ":
        return None
    if not _STANCE_BEFORE.search(text[max(0, before.start - 5) : before.start]):
        return None
    return i - 1


def _country_after(text: str, matches: list[Match], i: int) -> int | None:
    """Return the index of a country or organisation right after agent ``i``, if any.

    "security forces in Guinea", "the government of Sudan" are that country's; "fighters of the
    Islamic State", "paramilitaries of the Gulf Clan" are that organisation.
    """
    if i + 1 >= len(matches) or matches[i + 1].best.type not in ("country", "named"):
        return None  # a city may host foreigners
    if matches[i + 1].best.type == "named" and matches[i + 1].best.kind == "person":
        return None
    if _AGENT_OF.fullmatch(text[matches[i].end : matches[i + 1].start]):
        return i + 1
    return None


# --------------------------------------------------------------------------
# Crowds
# --------------------------------------------------------------------------

#: The sector of the crowd agent words ("protesters", "rioters" in seeds/agents.tsv: ACLED inter
#: 6, or 5 in a riot). Students or residents who march are civilians in the actor table; their
#: protest gives them inter 6 through seeds/acled_inter.tsv.
CROWD_SECTOR = "OPP"


def is_crowd(actor: ActorMention) -> bool:
    """Return True for a crowd actor: protesters, demonstrators, rioters, strikers."""
    return actor.sector == CROWD_SECTOR and actor.kind == "population"


#: The population agent ("civilians" in seeds/agents.tsv): people named by a demonym.
POPULATION_SECTOR = "CVL"
POPULATION_LABEL = "Civilians"


def population_of(actor: ActorMention) -> ActorMention:
    """Return the people a demonym names when they act as a crowd, else the actor unchanged.

    "Thousands of Iraqi Kurds demonstrated", "Palestinians shunned work": the demonym names
    people, not the state; they are the population of that country (a crowd when they protest).
    "Nigeria protested" names the state and stays one.
    """
    if actor.kind != "state" or actor.rule != "demonym":
        return actor
    code = actor.country or actor.key
    return replace(
        actor,
        key=f"{code}:{POPULATION_SECTOR}",
        name=f"{POPULATION_LABEL} ({actor.name})",
        kind="population",
        country=code,
        sector=POPULATION_SECTOR,
        parent_key=code,
        rule="demonym+population",
    )
