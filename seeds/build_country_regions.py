"""Generate ``seeds/country_regions.tsv``: each country's ACLED and UCDP region and G&W number.

Run once, review the diff, commit the TSV::

    python seeds/build_country_regions.py ACLED_COUNTRIES.rda GWSTATES.rda \\
        > seeds/country_regions.tsv

The inputs are the publishers' own tables, as R data files:

* ``acled_countries.rda`` from acledR, ACLED's R package (``data/`` in the
  dtacled/acledR repository): every country ACLED codes with its ACLED region.
* ``gwstates.rda`` from the R package ``states`` (``data/`` in andybega/states):
  Gleditsch & Ward's list of independent states and microstates, as published
  by K. S. Gleditsch (iisystem.dat, microstatessystem.dat).

UCDP's ``country_id`` is the G&W number of the country, with one difference
this script applies: UCDP keeps Serbia under Yugoslavia's 345 ("Serbia
(Yugoslavia)" in the GED), where G&W's list gives Serbia 340 from 2006. UCDP's
``region`` follows from the number by the UCDP/PRIO codebook's ranges
(``UCDP_REGIONS``). Names are matched to ISO 3166-1 alpha-3 through
``seeds/countries.tsv`` and pycountry, plus the few written below. The TSV is
what the program reads; this script is only how it was made.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import re
import struct
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from events import lexicon  # noqa: E402

#: The UCDP/PRIO codebook's regions by G&W number (Oceania is in Asia).
UCDP_REGIONS = (
    (2, 199, "Americas"),
    (200, 399, "Europe"),
    (400, 626, "Africa"),
    (630, 699, "Middle East"),
    (700, 999, "Asia"),
)
#: Where UCDP's country_id is not the G&W list's current number.
UCDP_COUNTRY_ID = {"SRB": 345}
#: Names neither seeds/countries.tsv nor pycountry resolves. XKX (Kosovo) is the
#: user-assigned code the EU and the IMF use; ISO 3166-1 has none.
NAMES = {
    "bailiwick of guernsey": "GGY",
    "bailiwick of jersey": "JEY",
    "democratic republic of congo": "COD",
    "republic of congo": "COG",
    "kosovo": "XKX",
    "german federal republic": "DEU",
    "korea people s republic of": "PRK",
    "vietnam democratic republic of": "VNM",
    "antigua barbuda": "ATG",
}
#: G&W members with no ISO 3166-1 code (ACLED codes them under Georgia).
NO_ISO = {"abkhazia", "south ossetia"}


def _norm(name: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", ascii_.lower()).strip()


def _alpha3_index() -> dict[str, str]:
    index = dict(NAMES)
    for country in lexicon.countries():
        for name in (country.name, *country.aliases):
            index.setdefault(_norm(name), country.alpha3)
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                index.setdefault(_norm(value), country.alpha_3)
    return index


def _alpha3(index: dict[str, str], name: str) -> str | None:
    """Resolve a publisher's name, trying it whole, without "(...)", and inside "(...)"."""
    candidates = [name, re.sub(r"\s*\(.*?\)", "", name), *re.findall(r"\((.*?)\)", name)]
    candidates.append(name.split("/")[0])
    return next((index[_norm(c)] for c in candidates if _norm(c) in index), None)


# --- a minimal reader of R's XDR serialisation: enough for a data frame ---------------


class _RData:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.refs: list[Any] = []  # symbols, referred to again by number

    def _int(self) -> int:
        (value,) = struct.unpack(">i", self.data[self.pos : self.pos + 4])
        self.pos += 4
        return int(value)

    def read(self) -> Any:
        flags = self._int()
        kind, has_attr, has_tag = flags & 0xFF, flags & (1 << 9), flags & (1 << 10)
        if kind in (241, 242, 253, 254):  # environments, NULL
            return None
        if kind == 255:  # reference to an earlier symbol
            return self.refs[(flags >> 8 or self._int()) - 1]
        if kind == 1:  # symbol
            symbol = self.read()
            self.refs.append(symbol)
            return symbol
        if kind == 2:  # pairlist: [(tag, value), ...]
            if has_attr:
                self.read()
            tag = self.read() if has_tag else None
            head, rest = self.read(), self.read()
            return [(tag, head), *(rest or [])]
        if kind == 9:  # one string
            n = self._int()
            if n == -1:
                return None
            self.pos += n
            return self.data[self.pos - n : self.pos].decode("utf-8", "replace")
        n = self._int()
        if kind in (10, 13):  # logical, integer
            values: list[Any] = list(
                struct.unpack(f">{n}i", self.data[self.pos : self.pos + 4 * n])
            )
            self.pos += 4 * n
        elif kind == 14:  # double
            values = list(struct.unpack(f">{n}d", self.data[self.pos : self.pos + 8 * n]))
            self.pos += 8 * n
        elif kind in (16, 19):  # character vector, list
            values = [self.read() for _ in range(n)]
        else:
            raise ValueError(f"R type {kind} at byte {self.pos} is not supported")
        attrs = dict(self.read()) if has_attr else {}
        return (values, attrs)


def read_frame(path: str) -> dict[str, list[Any]]:
    """Return the one data frame saved in an .rda file as {column: values}."""
    raw = Path(path).read_bytes()
    for decompress in (gzip.decompress, bz2.decompress, lzma.decompress):
        try:
            raw = decompress(raw)
            break
        except (OSError, ValueError, lzma.LZMAError):
            continue
    if raw[:5] not in (b"RDX2\n", b"RDX3\n") or raw[5:7] != b"X\n":
        raise SystemExit(f"{path}: not an R data file in XDR format")
    reader = _RData(raw)
    reader.pos = 7
    version = reader._int()
    reader.pos += 8  # the writer's and the minimal reader's R versions
    if version == 3:
        reader.pos += 4 + reader._int()  # native encoding name
    (_name, (columns, attrs)), *_ = reader.read()
    names = attrs["names"][0]
    return {name: values for name, (values, _attrs) in zip(names, columns, strict=True)}


def main(acled_path: str, gw_path: str) -> None:
    index = _alpha3_index()
    acled: dict[str, str] = {}
    acled_frame = read_frame(acled_path)
    for name, region in zip(acled_frame["country"], acled_frame["region"], strict=True):
        code = _alpha3(index, name)
        if code is None:
            raise SystemExit(f"ACLED country {name!r} has no ISO code: add it to NAMES")
        if acled.setdefault(code, region) != region:
            raise SystemExit(f"{code}: ACLED names two regions ({acled[code]}, {region})")
    gw: dict[str, int] = {}
    gw_frame = read_frame(gw_path)
    today = max(gw_frame["end"])  # states still in the system end on 9999-12-31
    for number, name, end in zip(
        gw_frame["gwcode"], gw_frame["country_name"], gw_frame["end"], strict=True
    ):
        if end != today or _norm(name) in NO_ISO:
            continue
        code = _alpha3(index, name)
        if code is None:
            raise SystemExit(f"G&W state {number} {name!r} has no ISO code: add it to NAMES")
        gw[code] = UCDP_COUNTRY_ID.get(code, number)
    print(
        "# Generated by seeds/build_country_regions.py from the publishers' own tables; the\n"
        "# script's docstring says where each comes from. Empty: the publisher lists no such\n"
        "# country (territories, Western Sahara ...).\n"
        "# acled_region: ACLED's region of the country (acledR, ACLED's R package:\n"
        "#   acled_countries). gw_code: the Gleditsch-Ward number of the state, which UCDP\n"
        "#   uses as country_id (G&W's list of independent states and microstates; Serbia\n"
        "#   345 as UCDP codes it, not G&W's 340). ucdp_region: from gw_code by the UCDP/PRIO\n"
        "#   codebook: Americas 2-199, Europe 200-399, Africa 400-626, Middle East 630-699,\n"
        "#   Asia 700-999 (Oceania included).\n"
        "alpha3\tacled_region\tucdp_region\tgw_code"
    )
    for code in sorted(set(acled) | set(gw)):
        number = gw.get(code)
        region = next((r for lo, hi, r in UCDP_REGIONS if number and lo <= number <= hi), "")
        print(f"{code}\t{acled.get(code, '')}\t{region}\t{number or ''}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
