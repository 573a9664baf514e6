"""Segment stage: split title, body and comments into sentences with offsets.

Paragraphs are blocks separated by a blank line; a paragraph break always ends
a sentence, a single line break never does (scraped text is often hard-wrapped).
Inside a paragraph one compiled regex finds candidate ends, a terminal ``.``,
``!``, ``?`` or ``…`` (plus closing quotes and brackets) followed by
whitespace, so "1.5" and "U.S.-backed" are never candidates. A candidate is a
sentence end unless:

* the next word starts with a lowercase letter or is punctuation
  ("e.g. the", "said... and");
* the word before a ``.`` is an abbreviation from ``seeds/abbreviations.tsv``
  of kind ``never`` ("Gen. Smith"), or of kind ``number`` before a number
  ("No. 5");
* the word is of kind ``final``, a single capital ("J. R. Smith") or a dotted
  acronym, and the next word is not a common sentence opener. So "the U.S. to
  end" and "the U.S. State Department" and "Oct. 9" stay whole, while "... by
  the U.S. The talks ..." splits.

A sentence ending inside quotes (``.”``) ends after the quote. A "sentence"
longer than :data:`MAX_SENTENCE_CHARS` is not one (text without punctuation,
a list, a table): it is cut into pieces of at most :data:`PIECE_CHARS`, at a
comma or semicolon if the window has one, else before a capitalised word,
else at a space. Later stages cost more than linear time in a sentence's
length, so bounded pieces keep the whole pipeline linear in the text's size.

The title is always one sentence (a headline is one statement, whatever
dots it holds).

Offsets are into the section container (``doc.section_text``):
``sentence.text == container[start:end]`` with no surrounding whitespace.
Indexes run over the whole document: title, then body (and captions), then
comments (only when ``doc.include_comments``).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

from events import lexicon
from events.pipeline.doc import Document, Section, Sentence
from events.pipeline.runner import stage

log = logging.getLogger(__name__)

#: Longest sentence kept whole. The longest sentence in the WikiWars narratives
#: is 735 characters (p99: 350) and long wire-copy sentences stay under
#: ~1,000; past that the "sentence" is a list, a table or text without
#: punctuation.
MAX_SENTENCE_CHARS = 1000

#: Longest piece an overlong "sentence" is cut into: about two sentences of
#: news prose (median 120 characters in WikiWars), so a piece holds a few event
#: mentions and the stages' per-sentence work stays that of a normal sentence.
#: Calibrated with bench/long_sentence.py: 2 MB without punctuation costs at
#: most ~2x the same words punctuated.
PIECE_CHARS = 300

# Where to cut an overlong span, best first: after a clause mark, before a
# capitalised word (a sentence start whose full stop is missing), at a space.
_CLAUSE_BREAK = re.compile(r"[,;:](?=\s)")
_CAPITAL_BREAK = re.compile(r"(?<=[^\W\d])\s+(?=[\"'“‘«(\[]?[A-Z])")

# Capitalised words that open sentences but (almost) never follow "U.S.",
# "Oct." or an initial inside a name or noun phrase. English closed-class
# words (pronouns, determiners, conjunctions, sentence adverbs), not a lexicon
# a researcher would extend.
SENTENCE_OPENERS = frozenset(
    """
    A An The This That These Those There Then Thus Hence So But And Or Yet Nor He She
    It We They I You His Her Its Our Their My Your However Meanwhile Moreover Furthermore
    Also Still Instead Nevertheless Nonetheless In On At By For From With Without After
    Before During Since Until While When If As Although Though Because Once Where Whether
    What Who Which Why How Some Many Most Several Few All Both Each Every No None Neither
    Either Earlier Later Last Next Today Yesterday Tomorrow Now
    """.split()  # noqa: SIM905 - a word list reads best as words
)

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
# A candidate end: the whitespace-delimited token holding it, the terminal
# punctuation, closing quotes/brackets, then whitespace or the end.
_CANDIDATE = re.compile(r"(?<!\S)(?P<tok>\S*?)(?P<punct>[.!?…]+)(?P<close>[\"'”’»)\]]*)(?=\s|\Z)")
_NEXT_WORD = re.compile(r"\s*(?P<word>[\"'“‘«(\[]?[^\s\"'“‘«(\[]*)")
_INITIAL = re.compile(r"[A-Z]")
_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_OPENING = "\"'“‘«([¡¿"
_HAS_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class _Abbreviations:
    never: frozenset[str]
    final: frozenset[str]
    number: frozenset[str]


@stage("segment", requires=("body",), assigns=("sentences",))
def segment(doc: Document) -> None:
    """Split the document's sections into sentences with offsets and paragraph numbers."""
    sections: list[tuple[Section, str]] = [("title", doc.title), ("body", doc.body)]
    if doc.include_comments:
        sections.append(("comment", doc.comments))
    sentences: list[Sentence] = []
    for section, text in sections:
        for paragraph, start, end in split_sentences(text):
            kind = section
            if section == "body" and _in_spans(start, end, doc.caption_spans):
                kind = "caption"
            if section == "title":
                paragraph = 0
            sentences.append(Sentence(len(sentences), kind, start, end, text[start:end], paragraph))
    if doc.title:
        sentences = _merge_title(sentences, doc.title)
    doc.sentences = sentences


def split_sentences(text: str) -> Iterator[tuple[int, int, int]]:
    """Yield ``(paragraph, start, end)`` for each sentence of ``text``."""
    for paragraph, (p_start, p_end) in enumerate(_paragraph_spans(text)):
        for start, end in _sentence_spans(text, p_start, p_end):
            yield paragraph, start, end


# --------------------------------------------------------------------------
# Paragraphs and sentences
# --------------------------------------------------------------------------


def _paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        if text[start : m.start()].strip():
            yield start, m.start()
        start = m.end()
    if text[start:].strip():
        yield start, len(text)


def _sentence_spans(text: str, p_start: int, p_end: int) -> Iterator[tuple[int, int]]:
    """Yield stripped sentence spans inside one paragraph."""
    abbrev = _abbreviations()
    para = text[p_start:p_end]
    start = 0
    for m in _CANDIDATE.finditer(para):
        if m.end() < len(para) and not _is_boundary(para, m, abbrev):
            continue
        yield from _bounded(text, p_start + start, p_start + m.end())
        start = m.end()
    if start < len(para):
        yield from _bounded(text, p_start + start, p_end)


def _is_boundary(para: str, m: re.Match[str], abbrev: _Abbreviations) -> bool:
    """Decide whether the candidate ``m`` ends a sentence."""
    next_word = _NEXT_WORD.match(para, m.end())
    word = next_word.group("word") if next_word else ""
    if not word:
        return True
    first = word[0]
    if first.islower() or first in ",;:-–—":
        return False
    punct = m.group("punct")
    if punct != "." or m.group("close"):
        return True  # "!", "?", "…", "..." and quoted ends are real ends
    token = m.group("tok").lstrip(_OPENING)
    dotted = token + "."
    if dotted in abbrev.never:
        return False
    if dotted in abbrev.number:
        return not first.isdigit()
    if dotted in abbrev.final or _INITIAL.fullmatch(token) or _DOTTED_ACRONYM.fullmatch(token):
        return word.strip(_OPENING) in SENTENCE_OPENERS
    return True


def _bounded(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield the span stripped of whitespace, cut into pieces of bounded length."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start > MAX_SENTENCE_CHARS:
        while end - start > PIECE_CHARS:
            cut = _piece_end(text, start, start + PIECE_CHARS)
            yield from _bounded_piece(text, start, cut)
            start = cut
            while start < end and text[start].isspace():
                start += 1
    yield from _bounded_piece(text, start, end)


def _piece_end(text: str, start: int, limit: int) -> int:
    """Return where to cut the overlong span at ``start``: a soft break in its second half."""
    lo = start + (limit - start) // 2
    for pattern, keep in ((_CLAUSE_BREAK, 1), (_CAPITAL_BREAK, 0)):
        breaks = [m.start() for m in pattern.finditer(text, lo, limit)]
        if breaks:
            return breaks[-1] + keep
    space = max(text.rfind(" ", lo, limit), text.rfind("\n", lo, limit))
    return space if space > start else limit


def _bounded_piece(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end > start and text[end - 1].isspace():
        end -= 1
    # A "sentence" of punctuation alone ("...", "--") carries nothing to code.
    if end > start and _HAS_WORD.search(text, start, end):
        yield start, end


def _in_spans(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _merge_title(sentences: list[Sentence], title: str) -> list[Sentence]:
    """Keep the title as one sentence: a headline is one statement, whatever its dots."""
    titles = [s for s in sentences if s.section == "title"]
    if len(titles) <= 1:
        return sentences
    start, end = titles[0].start, titles[-1].end
    merged = Sentence(0, "title", start, end, title[start:end], 0)
    rest = [s for s in sentences if s.section != "title"]
    return [merged] + [
        Sentence(i, s.section, s.start, s.end, s.text, s.paragraph)
        for i, s in enumerate(rest, start=1)
    ]


# --------------------------------------------------------------------------
# Seeds
# --------------------------------------------------------------------------


@functools.cache
def _abbreviations() -> _Abbreviations:
    """Load seeds/abbreviations.tsv, grouped by kind."""
    groups: dict[str, set[str]] = {"never": set(), "final": set(), "number": set()}
    for entry in lexicon.abbreviations():
        groups[entry.kind].add(entry.abbreviation)
    log.debug("abbreviations: %d", sum(len(g) for g in groups.values()))
    return _Abbreviations(
        frozenset(groups["never"]), frozenset(groups["final"]), frozenset(groups["number"])
    )
