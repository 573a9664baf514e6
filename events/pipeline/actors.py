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
from dataclasses import dataclass, replace

from events.gazetteer import (
    Entry,
    Match,
    Title,
    actor_matcher,
    country_by_code,
    dateline,
    has_locative_cue,
    lookup_title,
    place_word_pattern,
    slug,
    title_pattern,
)
from events.pipeline.doc import ActorMention, Document, Sentence
from events.pipeline.runner import stage

#: At most this many words may stand between a country and its agent noun
#: ("Turkish F-16 fighter jets", "Armenian armed forces"). Three let through
#: the equipment names seen in news text without reaching across clauses.
MAX_MODIFIER_GAP_WORDS = 3

#: A person's name has at most this many capitalised words after the title.
MAX_NAME_WORDS = 4

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
#: Sectors of state organs: only these take the article's country. A bare
#: "rebels" or "residents" in a report on Mali may be foreign fighters or
#: refugees, but "the army" of a Mali report is Mali's.
STATE_SECTORS = frozenset({"MIL", "COP", "GOV", "LEG", "JUD", "SPY"})
#: Qualifiers that place an agent outside any one country ("Western governments", "foreign
#: diplomats", "international monitors"): such an agent never takes the article's country. A
#: closed class, like the gap stopwords below; "local" and "regional" stay national.
ABROAD_QUALIFIER = re.compile(
    r"\b(?:western|foreign|international|world|global|allied|other)\s+$", re.IGNORECASE
)
#: Possessives that tie a bare agent to an earlier actor of the sentence.
_POSSESSIVE_PRONOUN = re.compile(r"\b(?:its|their|his|her)\s+(?:own\s+)?$", re.IGNORECASE)

# Closed-class words (grammar, not lexicon): they end a gap between a country
# and its agent noun ("Turkey said troops ...") and can't be part of a name.
_GAP_STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "that",
        "which",
        "who",
        "whom",
        "said",
        "says",
        "say",
        "told",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "can",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "this",
        "these",
        "those",
        "than",
        "as",
        "if",
        "when",
        "while",
        "not",
        "no",
        "after",
        "before",
        "since",
        "during",
        "against",
        "over",
        "under",
        "between",
        "about",
    ]
)
# "-backed", "-led": the noun's country is not the modifier's ("Turkish-backed militants").
_SPONSOR_WORDS = re.compile(r"-(?:backed|led|supported|sponsored|allied|funded|trained)\b", re.I)
_NOT_NAME = frozenset(
    [
        "The",
        "A",
        "An",
        "He",
        "She",
        "It",
        "They",
        "We",
        "I",
        "You",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "Here",
        "In",
        "On",
        "At",
        "But",
        "And",
        "Or",
        "If",
        "When",
        "While",
        "As",
        "After",
        "Before",
        "Since",
        "During",
        "For",
        "From",
        "To",
        "By",
        "With",
        "Of",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "Today",
        "Yesterday",
        "Tomorrow",
        "Said",
        "Says",
    ]
)
_HONORIFIC = re.compile(r"(?:Mr|Mrs|Ms|Dr)\.?\s+")
_NAME_PARTICLES = frozenset(
    {
        "al",
        "el",
        "bin",
        "ibn",
        "abu",
        "de",
        "da",
        "di",
        "van",
        "von",
        "der",
        "la",
        "le",
        "du",
        "dos",
        "ben",
    }
)
_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_LEADING_POSSESSIVE = re.compile(r"^(?:'s|’s)(?=\s)")
_LIST_SEP = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_COMMA_GAP = re.compile(r"\s*,?\s*")
_MODIFIER_TYPES = frozenset({"country", "adjective", "named"})
_AGENT_OF = re.compile(r"\s+(?:in|of|from)\s+(?:the\s+)?", re.IGNORECASE)
_OF_BEFORE = re.compile(r"\bof\s+(?:the\s+)?$", re.IGNORECASE)
_CHAIN_SEP = re.compile(r"\s*(?:,|and|,\s*and|&)\s*")
#: A determiner before a capital makes it a modifier ("a Mogadishu hotel", "the Kabul airport").
_DETERMINER_BEFORE = re.compile(r"(?:^|\s)(?:a|an|the|this|that)\s+$", re.IGNORECASE)
_LOWER_WORD_AFTER = re.compile(r"\s+[a-z]")


@dataclass
class _Person:
    start: int
    end: int
    name: str


@stage("actors", requires=("sentences",), assigns=("actors",))
def find_actors(doc: Document) -> None:
    """Fill ``doc.actors`` with every actor mention, in text order per section."""
    mentions: list[ActorMention] = []
    located: list[str] = []  # countries of country/capital names used as places ("in Mali")
    for sentence in doc.sentences:
        mentions.extend(_sentence_actors(sentence, located))
    _resolve_person_context(doc, mentions)
    mentions.extend(_coreference(doc, mentions))
    order = {s.index: i for i, s in enumerate(doc.sentences)}
    mentions.sort(key=lambda m: (order.get(m.sentence_index, 0), m.start))
    _resolve_possessives(doc, mentions)
    texts = {s.index: (s.start, s.text) for s in doc.sentences}
    _resolve_article_context(
        [m for m in mentions if not _qualified_abroad(m, texts)], located, counted=mentions
    )
    doc.actors = mentions


# --------------------------------------------------------------------------
# One sentence
# --------------------------------------------------------------------------


def _sentence_actors(sentence: Sentence, located: list[str] | None = None) -> list[ActorMention]:
    """Return the actor mentions of one sentence (offsets into its section).

    Countries named as places ("fighting in Mali") are appended to ``located``.
    """
    text = sentence.text
    matches = actor_matcher().find(text)
    consumed: set[int] = set()  # indexes into matches already used
    out: list[ActorMention] = []
    out.extend(_persons_by_title(sentence, matches, consumed))
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


def _mention(sentence: Sentence, start: int, end: int, **fields: object) -> ActorMention:
    """Build a mention at sentence-relative ``start:end``."""
    return ActorMention(
        start=sentence.start + start,
        end=sentence.start + end,
        text=sentence.text[start:end],
        sentence_index=sentence.index,
        **fields,  # type: ignore[arg-type]
    )


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
    if e.type == "agent":
        return _generic_agent(sentence, m)
    if e.type == "named":
        return _mention(
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
    return _mention(
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
    return _mention(
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
        return _mention(
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
    return _mention(
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
# Modifier chains: "Russian, Azerbaijani and Armenian" before a head noun
# --------------------------------------------------------------------------


def _modifier_chain(text: str, matches: list[Match], head: int, allow_gap: bool) -> list[int]:
    """Return indexes of the country/organisation matches modifying the word at ``head``.

    The nearest modifier may be separated from the head by a possessive and,
    if ``allow_gap``, a few words; earlier ones must be joined to it by commas
    or "and". Returned in text order.
    """
    before = [i for i, m in enumerate(matches) if m.end <= head]
    if not before:
        return []
    last = before[-1]
    if matches[last].best.type not in _MODIFIER_TYPES:
        return []
    if not _gap_ok(text[matches[last].end : head], allow_gap):
        return []
    if matches[last].best.type == "named":
        return [last]
    chain = [last]
    for i in reversed(before[:-1]):
        if matches[i].best.type not in ("country", "adjective"):
            break
        if not _CHAIN_SEP.fullmatch(text[matches[i].end : matches[chain[0]].start]):
            break
        chain.insert(0, i)
    return chain


def _gap_ok(gap: str, allow_gap: bool) -> bool:
    """Return True if ``gap`` may stand between a modifier and its head noun."""
    if _SPONSOR_WORDS.match(gap):
        return False
    words = _LEADING_POSSESSIVE.sub("", gap).split()
    if not words:
        return not gap.strip() or bool(_LEADING_POSSESSIVE.match(gap))
    if not allow_gap or len(words) > MAX_MODIFIER_GAP_WORDS:
        return False
    return all(w.lower() not in _GAP_STOPWORDS and re.fullmatch(r"[\w.\-]+", w) for w in words)


# --------------------------------------------------------------------------
# Persons by title
# --------------------------------------------------------------------------


def _persons_by_title(
    sentence: Sentence, matches: list[Match], consumed: set[int]
) -> list[ActorMention]:
    text = sentence.text
    out: list[ActorMention] = []
    for tm in title_pattern().finditer(text):
        if any(
            m.best.type != "agent" and m.start < tm.end() and tm.start() < m.end for m in matches
        ):
            continue  # "General Assembly", "Foreign Ministry of Turkey"-like organisation names
        if any(
            m.best.type == "agent" and m.start < tm.end() < m.end and m.start <= tm.start()
            for m in matches
        ):
            continue  # "the General Staff said": the title word opens a longer agent noun
        title = lookup_title(tm.group())
        if title is None:
            continue
        capitalised = tm.group()[:1].isupper()
        persons = _read_names(text, tm.end(), matches, capitalised)
        if not persons:
            continue
        chain = _modifier_chain(text, matches, tm.start(), allow_gap=False)
        countries = [matches[i].best for i in chain]
        if len(persons) > 1 and len(countries) not in (0, 1, len(persons)):
            persons = persons[:1]
        for i, m in enumerate(matches):
            if tm.start() <= m.start and m.end <= persons[-1].end:
                consumed.add(i)
        consumed.update(chain)
        for n, person in enumerate(persons):
            modifier = (
                countries[n]
                if len(countries) == len(persons)
                else (countries[0] if countries else None)
            )
            if len(persons) > 1:
                start = person.start  # each name of a list is its own mention
            else:
                start = matches[chain[0]].start if chain else tm.start()
            out.append(_person(sentence, start, person, title, modifier))
    return out


def _read_names(
    text: str, pos: int, matches: list[Match], capitalised_title: bool
) -> list[_Person]:
    """Read one name, or a list of names, starting at ``pos`` (after a title)."""
    first = _read_name(text, pos + len(_COMMA_GAP.match(text, pos).group()), matches)  # type: ignore[union-attr]
    if first is None:
        return []
    if (
        first.name.count(" ") == 0
        and not capitalised_title
        and not _is_known_person(first, matches)
    ):
        return []  # "the spokesman Monday ..." style noise: a lone word after a lower-case title
    names = [first]
    while True:
        sep = _LIST_SEP.match(text, names[-1].end)
        if not sep:
            break
        nxt = _read_name(text, sep.end(), matches)
        if nxt is None or " " not in nxt.name:
            break
        names.append(nxt)
    return names


def _read_name(text: str, pos: int, matches: list[Match]) -> _Person | None:
    """Read capitalised words from ``pos``; return the name they form, if any."""
    honorific = _HONORIFIC.match(text, pos)
    if honorific:
        pos = honorific.end()
    blocked = {m.start: m for m in matches if m.best.kind != "person"}
    words: list[tuple[int, int]] = []
    cursor = pos
    while len(words) < MAX_NAME_WORDS:
        gap = re.match(r"[ \t]*", text[cursor:]) if words else None
        start = cursor + (len(gap.group()) if gap else 0)
        if words and start == cursor:
            break
        w = _WORD.match(text, start)
        if not w:
            break
        word = w.group()
        bare = _POSSESSIVE.sub("", word).rstrip(".")
        if bare.lower() in _NAME_PARTICLES and words:
            cursor = w.end()
            words.append((start, w.end()))
            continue
        if not bare[:1].isupper() or bare in _NOT_NAME or start in blocked or len(bare) < 2:
            break
        words.append((start, start + len(word)))
        cursor = w.end()
        if word != bare and not word.endswith("."):
            break  # a possessive ends the name: "Akar’s statement"
    while words and text[words[-1][0] : words[-1][1]].rstrip(".").lower() in _NAME_PARTICLES:
        words.pop()
    if not words:
        return None
    start, end = words[0][0], words[-1][1]
    raw = text[start:end]
    name = _POSSESSIVE.sub("", raw)
    if name.endswith(".") and not re.search(r"\b[A-Z]\.$", name):
        name = name[:-1]
    return _Person(start, start + len(name), name)


def _is_known_person(person: _Person, matches: list[Match]) -> bool:
    return any(m.best.kind == "person" and m.start == person.start for m in matches)


def _person(
    sentence: Sentence, start: int, person: _Person, title: Title, modifier: Entry | None
) -> ActorMention:
    """Build a person mention; a dictionary person keeps its own key and country."""
    known = next(
        (
            m
            for m in actor_matcher().find(person.name)
            if m.best.kind == "person" and m.end == len(person.name)
        ),
        None,
    )
    if known is not None:
        e = known.best
        key, name, country, wikidata = e.key, e.name, e.country, e.wikidata
    else:
        key, name, wikidata = f"person:{slug(person.name)}", person.name, None
        country = None
    rule = "person"
    parent = None
    if modifier is not None:
        if modifier.type == "named":
            parent, country = modifier.key, modifier.country or country
        else:
            country = modifier.country or modifier.key
    parent = parent or country
    return _mention(
        sentence,
        start,
        person.end,
        key=key,
        name=name,
        kind="person",
        country=country,
        sector=title.sector,
        parent_key=parent,
        title=title.canonical,
        wikidata=wikidata,
        rule=rule,
        aliases=[person.name],
    )


# --------------------------------------------------------------------------
# Agents
# --------------------------------------------------------------------------


def _agents(sentence: Sentence, matches: list[Match], consumed: set[int]) -> list[ActorMention]:
    text = sentence.text
    out: list[ActorMention] = []
    for i, m in enumerate(matches):
        if i in consumed or m.best.type != "agent":
            continue
        chain = [
            c for c in _modifier_chain(text, matches, m.start, allow_gap=True) if c not in consumed
        ]
        if not chain:
            after = _country_after(text, matches, i)
            if after is not None:  # "security forces in Guinea", "the government of Sudan"
                consumed.update((i, after))
                out.append(
                    _composite(sentence, m.start, matches[after].end, matches[after].best, m.best)
                )
            continue  # a bare agent is emitted with the plain mentions
        consumed.add(i)
        consumed.update(chain)
        for n, c in enumerate(chain):
            end = m.end if n == len(chain) - 1 else matches[c].end
            out.append(_composite(sentence, matches[c].start, end, matches[c].best, m.best))
    return out


def _country_after(text: str, matches: list[Match], i: int) -> int | None:
    """Return the index of a country right after agent ``i`` ("forces in Guinea"), if any."""
    if i + 1 >= len(matches) or matches[i + 1].best.type != "country":  # a city may host foreigners
        return None
    if _AGENT_OF.fullmatch(text[matches[i].end : matches[i + 1].start]):
        return i + 1
    return None


# --------------------------------------------------------------------------
# Document-level passes
# --------------------------------------------------------------------------


def _resolve_person_context(doc: Document, mentions: list[ActorMention]) -> None:
    """Give a country-less person the nearest preceding country of its paragraph."""
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


def _resolve_possessives(doc: Document, mentions: list[ActorMention]) -> None:
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


def _qualified_abroad(m: ActorMention, texts: dict[int, tuple[int, str]]) -> bool:
    """Return True for a bare agent qualified as foreign ("Western governments")."""
    if not _is_bare_agent(m) or m.sentence_index not in texts:
        return False
    base, text = texts[m.sentence_index]
    return bool(ABROAD_QUALIFIER.search(text[max(m.start - base - 20, 0) : m.start - base]))


def _resolve_article_context(
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
        if _is_bare_agent(m) and m.sector in STATE_SECTORS:
            _with_country(m, code, "article-context")


def _coreference(doc: Document, mentions: list[ActorMention]) -> list[ActorMention]:
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
    for m in mentions:
        sent = next((s for s in doc.sentences if s.index == m.sentence_index), None)
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
