"""Document-level passes over the actor mentions: who a bare agent or a lone name refers to.

Persons without a country take the nearest preceding country of their paragraph (rule
``person-context``), and later bare surnames ("Kalin", "Akar's") become mentions of the same
person (rule ``coref``). A bare agent after "its"/"their" belongs to the actor the pronoun
refers to ("the Malian army said its soldiers ..." -- rule ``possessive``), and a bare state
agent ("the army", "police") in an article about one country takes that country (rule
``article-context``, see :data:`ARTICLE_CONTEXT_MIN_SHARE`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from events import lexicon
from events.gazetteer import country_by_code
from events.pipeline.doc import ActorMention, Document, Sentence

#: A bare state agent ("the army", "police", "the ministry") takes the article's
#: dominant country when that country has at least this share of the article's
#: country mentions (actors with a country, plus countries and capitals named as
#: places) ...
ARTICLE_CONTEXT_MIN_SHARE = 0.6
#: ... and at least this many mentions. Wire reports about one country name it
#: (or its demonym, capital, forces) two or more times; a single mention is too
#: weak a signal (one foreign country named in passing would take every army).
#: Both values were set on the demo and sample articles in seeds/samples, where
#: single-country reports reach 0.75-1.0 and two-party reports stay below 0.6.
ARTICLE_CONTEXT_MIN_MENTIONS = 2
#: Qualifiers that place an agent outside any one country ("Western governments", "foreign
#: diplomats", "international monitors"): such an agent never takes the article's country. A
#: closed class, like the gap stopwords below; "local" and "regional" stay national.
ABROAD_QUALIFIER = re.compile(
    r"\b(?:western|foreign|international|world|global|allied|other)\s+$", re.IGNORECASE
)
#: Sectors of armed forces and armed groups (see :func:`resolve_person_context`).
ARMED_SECTORS = frozenset({"MIL", "REB", "UAF"})
#: A demonym qualifies a person at most this many words before the person's mention.
MAX_QUALIFIER_GAP_WORDS = 2
#: Between a force and its part or instrument: "including", "using", "armed/equipped with",
#: and at most two modifiers ("using precision guided missiles").
_PART_OF = re.compile(
    r",?\s+(?:including|using|armed\s+with|equipped\s+with)\s+(?:[\w-]+\s+){0,2}", re.IGNORECASE
)
#: Possessives that tie a bare agent to an earlier actor of the sentence.
_POSSESSIVE_PRONOUN = re.compile(r"\b(?:its|their|his|her)\s+(?:own\s+)?$", re.IGNORECASE)


def resolve_person_context(doc: Document, mentions: list[ActorMention]) -> None:
    """Give a country-less person the nearest preceding country of its paragraph.

    An official who is not a soldier or fighter never takes the country of an armed force
    named before them: in "Russian missiles struck Kharkiv overnight, governor Oleh Syniehubov
    said" the governor is not Russian (forces act abroad; officials speak at home). Nor does a
    bare demonym lend its country ("Russian shelling killed two civilians, governor X said"): it
    says whose the shelling was, not whom the governor serves.
    """
    by_index = {s.index: s for s in doc.sentences}
    for person in mentions:
        if person.kind != "person" or person.country is not None:
            continue
        sent = by_index.get(person.sentence_index)
        if sent is None:
            continue
        candidates = [
            m
            for m in mentions
            if m.country
            and m.kind != "person"
            and (person.sector in ARMED_SECTORS or m.sector not in ARMED_SECTORS)
            and (m.rule != "demonym" or _qualifies(sent, m, person))
            and m.start < person.start
            and (s := by_index.get(m.sentence_index)) is not None
            and s.section == sent.section
            and s.paragraph == sent.paragraph
        ]
        if candidates:
            nearest = max(candidates, key=lambda m: m.start)
            person.country = nearest.country
            person.parent_key = nearest.country
            person.rule = "person-context"


def _qualifies(sent: Sentence, demonym: ActorMention, person: ActorMention) -> bool:
    """Return True for a demonym at most two words before the person in their sentence
    ("Nigerian junior foreign minister Dubem Oniya")."""
    if demonym.sentence_index != person.sentence_index:
        return False
    gap = sent.text[demonym.end - sent.start : person.start - sent.start]
    return not gap.startswith("'s") and len(gap.split()) <= MAX_QUALIFIER_GAP_WORDS


def _with_country(m: ActorMention, code: str, rule: str) -> None:
    """Turn the bare agent ``m`` into the composite ``<code>:<sector>`` in place."""
    country = country_by_code().get(code)
    m.key = f"{code}:{m.sector}"
    m.name = f"{m.name} ({country.name if country else code})"
    m.country = code
    m.parent_key = code
    m.rule = rule


def _is_bare_agent(m: ActorMention) -> bool:
    return m.rule == "agent" and m.country is None and m.sector is not None


def resolve_possessives(doc: Document, mentions: list[ActorMention]) -> None:
    """Give "its soldiers", "their fighters" the actor of the nearest earlier mention.

    The antecedent is the closest preceding actor of the same sentence that is not
    itself a bare agent. A named organisation owns its fighters ("Hamas said its
    fighters ..." is Hamas); a state, a state organ or a person lends its country
    ("the Malian army said its soldiers ..." is the Malian military).
    """
    by_index = {s.index: s for s in doc.sentences}
    for i, m in enumerate(mentions):
        if not _is_bare_agent(m):
            continue
        sent = by_index.get(m.sentence_index)
        if sent is None or not _POSSESSIVE_PRONOUN.search(sent.text[: m.start - sent.start]):
            continue
        antecedent = next(
            (
                a
                for a in reversed(mentions[:i])
                if a.sentence_index == m.sentence_index
                and a.end <= m.start
                and not _is_bare_agent(a)
            ),
            None,
        )
        if antecedent is None:
            continue
        if antecedent.key.startswith("org:"):
            mentions[i] = replace(
                antecedent, start=m.start, end=m.end, text=m.text, sentence_index=m.sentence_index,
                rule="possessive", aliases=list(antecedent.aliases),
            )  # fmt: skip
        elif antecedent.country:
            _with_country(m, antecedent.country, "possessive")


def resolve_equipment(doc: Document, mentions: list[ActorMention]) -> None:
    """Give a bare military agent the country of the force it belongs to (rule ``part-of``).

    "Russian aircraft including helicopter gunships", "British aircraft using precision guided
    missiles", "Turkish troops equipped with tanks": what follows "including", "using", "armed
    with" or "equipped with" is part or instrument of the force named just before it.
    """
    by_index = {s.index: s for s in doc.sentences}
    for i, m in enumerate(mentions):
        if not _is_bare_agent(m) or m.sector != "MIL" or i == 0:
            continue
        owner = mentions[i - 1]
        sent = by_index.get(m.sentence_index)
        if sent is None or owner.sentence_index != m.sentence_index or not owner.country:
            continue
        if owner.sector != "MIL":
            continue
        gap = sent.text[owner.end - sent.start : m.start - sent.start]
        if _PART_OF.fullmatch(gap):
            _with_country(m, owner.country, "part-of")


def qualified_abroad(m: ActorMention, texts: dict[int, tuple[int, str]]) -> bool:
    """Return True for a bare agent qualified as foreign ("Western governments")."""
    if not _is_bare_agent(m) or m.sentence_index not in texts:
        return False
    base, text = texts[m.sentence_index]
    return bool(ABROAD_QUALIFIER.search(text[max(m.start - base - 20, 0) : m.start - base]))


def resolve_article_context(
    mentions: list[ActorMention], located: list[str], counted: list[ActorMention] | None = None
) -> None:
    """Give bare state agents the article's dominant country (rule ``article-context``).

    The dominant country is counted over ``counted`` (default: ``mentions``).
    """
    counts: dict[str, int] = {}
    for code in [m.country for m in (counted or mentions) if m.country] + located:
        counts[code] = counts.get(code, 0) + 1
    total = sum(counts.values())
    if not total:
        return
    code, n = max(counts.items(), key=lambda kv: kv[1])
    if n < ARTICLE_CONTEXT_MIN_MENTIONS or n / total < ARTICLE_CONTEXT_MIN_SHARE:
        return
    for m in mentions:
        if _is_bare_agent(m) and m.sector in lexicon.state_sectors():
            _with_country(m, code, "article-context")


def coreference(doc: Document, mentions: list[ActorMention]) -> list[ActorMention]:
    """Return mentions for later bare surnames or full names of known persons."""
    people: dict[str, ActorMention] = {}
    surnames: dict[str, set[str]] = {}
    for m in mentions:
        if m.kind != "person":
            continue
        full = m.aliases[0] if m.aliases else m.name
        for form in {full, m.name}:
            people.setdefault(form, m)
        parts = full.split()
        if len(parts) > 1:
            surnames.setdefault(parts[-1], set()).add(m.key)
    for surname, keys in surnames.items():
        if len(keys) == 1:  # two people called Aliyev: a bare "Aliyev" stays unresolved
            owner = next(m for m in mentions if m.key in keys)
            people.setdefault(surname, owner)
    if not people:
        return []
    pattern = re.compile(
        r"(?<![\w-])("
        + "|".join(re.escape(p) for p in sorted(people, key=len, reverse=True))
        + r")(?![\w-])"
    )
    taken: dict[tuple[str, int], list[tuple[int, int]]] = {}
    by_index: dict[int, Sentence] = {}
    for s in doc.sentences:
        by_index.setdefault(s.index, s)
    for m in mentions:
        sent = by_index.get(m.sentence_index)
        if sent is not None:
            taken.setdefault((sent.section, 0), []).append((m.start, m.end))
    out: list[ActorMention] = []
    for sent in doc.sentences:
        spans = taken.get((sent.section, 0), [])
        for hit in pattern.finditer(sent.text):
            start, end = sent.start + hit.start(), sent.start + hit.end()
            if any(s < end and start < e for s, e in spans):
                continue
            owner = people[hit.group(1)]
            out.append(
                replace(
                    owner,
                    start=start,
                    end=end,
                    text=hit.group(1),
                    sentence_index=sent.index,
                    rule="coref",
                    aliases=list(owner.aliases),
                )
            )
    return out
