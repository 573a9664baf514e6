"""Fold place names to lookup keys, and the variants of administrative names (place index).

One key for the spellings of a name: case, accents, punctuation and the transliteration rules of
``seeds/transliteration.tsv`` are folded away; "Idlib Governorate" is also "Idlib".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

from events import lexicon

#: Alternate names shorter than this (after folding) are dropped: "Bo" or
#: "Ur" as a variant of some village would match everywhere. Primary names
#: are always kept.
MIN_ALTERNATE_LENGTH = 3

#: An all-capital alternate of at most this many letters is a code (IATA
#: "HYD", ICAO "OAKB", "UDI"), not a name.
MAX_CODE_LENGTH = 5

#: Generic English forms every administrative unit is also known by, besides
#: its own name and the name without its type word: "Idlib Province",
#: "Borno State", "Lower Shabelle Region"; "Ariha District".
ADMIN_SUFFIXES = {
    "admin1": ("Province", "State", "Governorate", "Region"),
    "admin2": ("District", "County"),
}

#: Type words stripped from an administrative name to get its bare form
#: ("Borno State" -> "Borno", "Province du Ganzourgou" -> "Ganzourgou"). Only
#: whole words at either end; a name that is nothing but type words stays.
_TYPE_WORDS = (
    "autonomous region|autonomous republic|autonomous province|capital territory|"
    "capital district|federal district|local government area|district municipality|"
    "municipal district|regional unit|special region|union territory|"
    "province|provincia|state|governorate|gouvernorat|muhafazat|muhafazah|mohafazat|"
    "wilayat|wilaya|vilayeti|region|région|district|distrito|county|oblast|okrug|krai|"
    "kray|raion|rayon|rayonu|municipality|municipio|prefecture|department|departamento|"
    "département|division|cercle|circle|territory|lga|zone|sub-?prefecture|respublika|"
    "republic|avtonomnyy okrug|avtonomnaya oblast"
)
# Only as a suffix: "Kyiv City" is the unit Kyiv; "City of X" names are rare.
_SUFFIX_WORDS = f"{_TYPE_WORDS}|city"
# "Donetsk Oblast", "Tambovskaya oblast'", and ISO's inverted "Adygeya, Respublika".
_TYPE_SUFFIX = re.compile(rf",?\s+(?:{_SUFFIX_WORDS})['’.]?$", re.IGNORECASE)
_TYPE_PREFIX = re.compile(
    rf"^(?:{_TYPE_WORDS})\s+(?:(?:of|de|du|des|del|de la|di|d'|d’)\s*)?", re.IGNORECASE
)


# --------------------------------------------------------------------------
# Match keys
# --------------------------------------------------------------------------

#: Apostrophes and the letters that transliterate ayn and hamza: "Ma'arshurin",
#: "Ma‘arrat", "Dar`a", "Darʿa" all lose them.
_MARKS = dict.fromkeys(map(ord, "'’‘ʼʻʽʿʾ`´′ʹ"), None)

#: Latin letters without a Unicode decomposition (NFKD leaves them alone).
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ŧ": "t",
        "ŋ": "n",
        "ə": "e",
        "ǝ": "e",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)
_NON_WORD = re.compile(r"[\W_]+")


class Folder:
    """Turn a name into its match key with a fixed list of transliteration rules."""

    def __init__(self, rules: Sequence[tuple[str, str]]) -> None:
        self.rules = tuple(rules)
        # A plain-text rule ("gh" -> "g") runs as str.replace: 5x faster than re.sub,
        # and the build folds a million names.
        self._steps: tuple[tuple[str, str] | tuple[re.Pattern[str], str], ...] = tuple(
            (p, r) if _literal(p) and "\\" not in r else (re.compile(p), r) for p, r in self.rules
        )

    def __call__(self, name: str) -> str:
        """Return the match key of ``name`` (see :func:`fold`)."""
        text = name.translate(_MARKS).casefold()
        if not text.isascii():
            text = unicodedata.normalize("NFKD", text)
            text = "".join(c for c in text if not unicodedata.combining(c)).translate(_LETTERS)
        if not text.replace(" ", "").isalnum():
            text = _NON_WORD.sub(" ", text)
        text = " ".join(text.split())
        for pattern, replacement in self._steps:
            if isinstance(pattern, str):
                text = text.replace(pattern, replacement)
            else:
                text = pattern.sub(replacement, text)
        return text


def _literal(pattern: str) -> bool:
    return bool(pattern) and re.escape(pattern) == pattern


def read_transliteration() -> list[tuple[str, str]]:
    """Return the (pattern, replacement) rules of ``seeds/transliteration.tsv``, checked."""
    return [(rule.pattern, rule.replacement) for rule in lexicon.transliterations()]


@functools.cache
def _default_folder() -> Folder:
    return Folder(read_transliteration())


def fold(name: str) -> str:
    """Return the match key of a place name.

    Lower-case; accents dropped ("Uberlândia" -> "uberlandia"); apostrophes and
    ayn/hamza marks dropped ("Ma'arshurin" -> "maarshurin" -> "marshurin");
    hyphens, dots and other punctuation become spaces ("Al-Bab" -> "al bab");
    then the ordered rules of ``seeds/transliteration.tsv`` ("Aghdam" ->
    "agdam", doubled letters collapsed). The display name is kept apart.
    """
    return _default_folder()(name)


#: A letter or digit outside the Latin blocks (Basic Latin to IPA and Spacing
#: Modifiers, Latin Extended Additional, -C and -D).
_NOT_LATIN = re.compile("[^\\W\u0000-\u02ff\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff]")
_DIGIT = re.compile(r"\d")


def usable_alternate(name: str) -> bool:
    """Return True if a GeoNames alternate name is worth a key.

    Kept: Latin-script names with at least one capital. Dropped: other scripts
    (no English text writes them); all-lower-case forms, which in GeoNames
    are machine romanisations of other scripts ("agudamu", "hai de la ba",
    220,000 of them); names with digits; codes ("HYD", "UDI"); short forms.
    """
    if _DIGIT.search(name) or _NOT_LATIN.search(name) or name == name.lower():
        return False
    if name.isupper() and " " not in name and len(name) <= MAX_CODE_LENGTH:
        return False
    return len(name) >= MIN_ALTERNATE_LENGTH


def bare_admin_name(name: str) -> str:
    """Return an administrative name without its type word ("Borno State" -> "Borno")."""
    bare = _TYPE_SUFFIX.sub("", name).strip()
    bare = _TYPE_PREFIX.sub("", bare).strip()
    return bare if len(bare) >= MIN_ALTERNATE_LENGTH else name


def admin_names(name: str, kind: str, iso_type: str | None = None) -> list[str]:
    """Return the names an administrative unit is known by in English news.

    Its own name, the bare name, and the bare name with each generic type word
    of its level and the one-word ISO 3166-2 type when given: "Idlib", "Idlib
    Province", "Idlib Governorate" ...; "Borno State" also gives "Borno".
    """
    bare = bare_admin_name(name)
    words = list(ADMIN_SUFFIXES.get(kind, ()))
    if iso_type and " " not in iso_type and iso_type.title() not in words:
        words.append(iso_type.title())
    bares = [bare]
    unarticled = _ARTICLE.sub("", bare)
    if unarticled != bare and len(unarticled) >= MIN_ALTERNATE_LENGTH:
        bares.append(unarticled)  # "Al Hudaydah" -> "Hudaydah", "Ad Dali'" -> "Dali'"
    return [name, *bares, *(f"{b} {word}" for b in bares for word in words)]


#: The Arabic article at the start of a unit's name, as GeoNames and ISO write it.
_ARTICLE = re.compile(r"^(?:al|el|a[dnrstz]|ash|ath|adh)[\s-]+(?=\w{3})", re.IGNORECASE)
