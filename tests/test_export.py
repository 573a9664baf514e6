"""`events export`: the same rows as `events query`, filters, codebook profiles, safety."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from events import db as dblib
from events.export import profile_columns
from events.linking.summary import refresh_events
from events.models import Actor, Article, Claim, ClaimActor, Event, Location, Source
from tests.conftest import SHARED_DATA, invoke, scalar

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip

FORMULA = '=HYPERLINK("http://evil.example","click")'


def _fill(db_arg: str) -> None:
    """Store three articles' worth of claims and events written for these tests."""
    database = dblib.open_database(db_arg)
    try:
        with database.session() as s, s.begin():
            ids = dict(s.execute(select(Actor.key, Actor.id).where(
                Actor.key.in_(["ARM", "AZE", "TUR"]))).all())  # fmt: skip
            ids["ARM:MIL"] = s.execute(insert(Actor).values(
                key="ARM:MIL", name="Armenian forces", kind="military", country="ARM",
                sector="MIL", origin="extracted").returning(Actor.id)).scalar_one()  # fmt: skip
            ids["CVL"] = s.execute(insert(Actor).values(
                key="ARM:CVL", name="Civilians (Armenia)", kind="population", country="ARM",
                sector="CVL", origin="extracted").returning(Actor.id)).scalar_one()  # fmt: skip
            spot = s.execute(insert(Location).values(
                key="test:spot", name="Test Spot", admin1="Somewhere", admin2="Spot District",
                country="ARM", latitude=39.8, longitude=-0.5, precision="point",
                geonames_id=123).returning(Location.id)
            ).scalar_one()  # fmt: skip
            src = [s.execute(insert(Source).values(name=n).returning(Source.id)).scalar_one()
                   for n in ("Wire One", "Wire Two")]  # fmt: skip
            rows = [
                # (source, published, sentence, type, a1, a2, loc, date, fatalities, conf)
                (0, "2020-09-28", "Azerbaijani forces attacked Armenian forces.", "ASSAULT",
                 "AZE", "ARM:MIL", spot, dt.date(2020, 9, 27), 12, 0.9),
                (0, "2020-10-02", "Turkey sent advisers to Azerbaijan.", "AID",
                 "TUR", "AZE", None, dt.date(2020, 10, 1), None, 0.5),
                (1, "2020-10-10", FORMULA, "ASSAULT",
                 "AZE", "CVL", spot, dt.date(2020, 10, 9), 3, 0.7),
                (1, "2020-10-11", "-5 is not a formula but looks like one.", "CONSULT",
                 "ARM", None, None, None, None, 0.3),
            ]  # fmt: skip
            for n, (si, pub, sentence, etype, a1, a2, loc, day, dead, conf) in enumerate(rows):
                art = s.execute(insert(Article).values(
                    source_id=src[si], external_id=f"t-{n}", title=f"Headline {n}", body=sentence,
                    published=dt.date.fromisoformat(pub), published_precision="day",
                    published_inferred=False, content_hash=f"hash-{n}",
                    extractor_version="test-x").returning(Article.id)).scalar_one()  # fmt: skip
                precision = "day" if day else "unknown"
                coded = dict(event_type=etype, date_start=day, date_end=day,
                             date_precision=precision, fatalities_low=dead,
                             fatalities_best=dead, fatalities_high=dead)  # fmt: skip
                ev = s.execute(insert(Event).values(
                    actor1_id=ids[a1], actor2_id=ids.get(a2), location_id=loc, status="auto",
                    extractor_version="test-x", **coded).returning(Event.id)
                ).scalar_one()  # fmt: skip
                claim = s.execute(insert(Claim).values(
                    article_id=art, event_id=ev, section="body", sentence_index=0, char_start=0,
                    char_end=len(sentence), sentence=sentence, actor1_id=ids[a1],
                    actor2_id=ids.get(a2), location_id=loc, modality="asserted", negated=False,
                    confidence=conf, extractor_version="test-x", **coded).returning(Claim.id)
                ).scalar_one()  # fmt: skip
                if n == 1:
                    s.execute(insert(ClaimActor).values(claim_id=claim, actor_id=ids["ARM"],
                                                        role="assoc", position=0))  # fmt: skip
            # What the store does after every ingest: the events' summaries follow their claims.
            refresh_events(s, s.execute(select(Event.id)).scalars().all())
    finally:
        database.dispose()


@pytest.fixture
def filled(db: str) -> str:
    _fill(db)
    return db


def _rows(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _export(runner, db: str, *args: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", db, "export", "-", *args)
    assert result.exit_code == 0, result.output
    return _rows(result.stdout)


# --- the same rows as `events query` ---------------------------------------------------


@pytest.mark.parametrize(
    ("level", "view", "key"),
    [("claims", "claims_flat", "claim_id"), ("events", "events_flat", "event_id")],
)
@pytest.mark.parametrize(
    ("flag", "query_flag"), [("--csv", "--csv"), ("--tsv", "--tsv"), ("--nl", "--nl")]
)
def test_native_export_equals_query(
    runner, filled: str, level, view, key, flag, query_flag
) -> None:  # type: ignore[no-untyped-def]
    exported = invoke(runner, "--db", filled, "export", "-", "--level", level, flag, "--raw")
    queried = invoke(
        runner, "--db", filled, "query", f"select * from {view} order by {key}", query_flag
    )
    assert exported.exit_code == 0, exported.output
    assert exported.stdout == queried.stdout
    assert exported.stdout.count("\n") >= 4


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (["--from", "2020-10-01"], "date_start >= '2020-10-01'"),
        (["--to", "2020-09-30"], "date_start <= '2020-09-30'"),
        (
            ["--from", "2020-10-01", "--to", "2020-10-05"],
            "date_start between '2020-10-01' and '2020-10-05'",
        ),
        (["--country", "ARM"], "country = 'ARM'"),
        (["--country", "armenia"], "country = 'ARM'"),
        (["--actor", "Ankara"], "actor1 = 'Turkey' or actor2 = 'Turkey'"),
        (
            ["--actor", "Armenia"],
            "actor1 = 'Armenia' or actor2 = 'Armenia' or assoc_actors like '%Armenia%'",
        ),
        (["--type", "ASSAULT"], "event_type = 'ASSAULT'"),
        (["--type", "Strategic developments"], "acled_event_type = 'Strategic developments'"),
        (["--source", "wire two"], "source = 'Wire Two'"),
        (["--min-confidence", "0.6"], "confidence >= 0.6"),
        (["--where", "fatalities_best > 5"], "fatalities_best > 5"),
        (
            ["--type", "ASSAULT", "--country", "ARM", "--min-confidence", "0.8"],
            "event_type = 'ASSAULT' and country = 'ARM' and confidence >= 0.8",
        ),
    ],
)
def test_each_filter_narrows_like_the_same_query(runner, filled: str, args, where) -> None:  # type: ignore[no-untyped-def]
    everything = _export(runner, filled, "--raw")
    exported = _export(runner, filled, "--raw", *args)
    sql = f"select * from claims_flat where {where} order by claim_id"
    queried = _rows(invoke(runner, "--db", filled, "query", sql, "--csv").stdout)
    assert exported == queried
    assert 1 < len(exported) < len(everything)


def test_event_level_filters_use_the_events_claims(runner, filled: str) -> None:  # type: ignore[no-untyped-def]
    rows = _export(
        runner, filled, "--level", "events", "--source", "Wire One", "--min-confidence", "0.8"
    )
    assert [r[0] for r in rows[1:]] == ["1"]


def test_unknown_actor_or_country_is_one_line_exit_1(runner, filled: str) -> None:  # type: ignore[no-untyped-def]
    for args in (["--actor", "Nobody At All"], ["--country", "Atlantis"]):
        result = invoke(runner, "--db", filled, "export", "-", *args)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


# --- codebook profiles ------------------------------------------------------------------


@pytest.mark.parametrize("level", ["claims", "events"])
def test_acled_profile_uses_the_codebook_columns_and_codes(runner, filled: str, level: str) -> None:  # type: ignore[no-untyped-def]
    rows = _export(runner, filled, "--profile", "acled", "--level", level)
    header, body = rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert header == ACLED_COLUMNS
    assert len(body) == 4
    for row in body:
        assert row["inter1"] in {str(i) for i in range(1, 9)}
        assert row["inter2"] in {str(i) for i in range(0, 9)}
        codes = sorted(int(row[k]) for k in ("inter1", "inter2") if row[k] != "0")
        assert row["interaction"] == str(codes[0] * 10 + (codes[1] if len(codes) > 1 else 0))
        assert row["time_precision"] in {"", "1", "2", "3"}
        assert row["geo_precision"] in {"", "1", "2", "3"}
        assert int(row["fatalities"]) >= 0
    battle = next(r for r in body if r["notes"].startswith("Azerbaijani"))
    assert (battle["event_type"], battle["sub_event_type"]) == ("Battles", "Armed clash")
    assert battle["actor1"] == "Azerbaijan" and battle["actor2"] == "Armenian forces"
    # Azerbaijan's state acting in Armenia is an external force (8); Armenian forces at home, 1.
    assert (battle["inter1"], battle["inter2"], battle["interaction"]) == ("8", "1", "18")
    assert battle["iso"] == "51" and battle["country"] == "Armenia"
    assert (battle["event_date"], battle["year"], battle["time_precision"]) == (
        "2020-09-27",
        "2020",
        "1",
    )
    assert (battle["geo_precision"], battle["fatalities"]) == ("1", "12")
    assert (battle["admin1"], battle["admin2"], battle["admin3"]) == (
        "Somewhere",
        "Spot District",
        "",
    )
    assert battle["region"] == "Caucasus and Central Asia"  # ACLED's region of Armenia
    civilians = next(r for r in body if r["actor2"] == "Civilians (Armenia)")
    assert civilians["inter2"] == "7"
    alone = next(r for r in body if r["actor2"] == "")
    assert (alone["inter1"], alone["inter2"], alone["interaction"]) == ("1", "0", "10")


@pytest.mark.parametrize("level", ["claims", "events"])
def test_ucdp_profile_columns_are_ucdp_ged_names_in_order(runner, filled: str, level: str) -> None:  # type: ignore[no-untyped-def]
    rows = _export(runner, filled, "--profile", "ucdp", "--level", level)
    header, body = rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert header == profile_columns("ucdp", level)
    for row in body:
        assert row["date_prec"] in {"", "1", "2", "3", "4", "5"}
        assert row["where_prec"] in {"", "1", "2", "3", "4", "5", "6", "7"}
        if row["best"]:
            assert int(row["low"]) <= int(row["best"]) <= int(row["high"])
    battle = next(r for r in body if r["side_b"] == "Armenian forces")
    assert battle["dyad_name"] == "Azerbaijan - Armenian forces"
    assert (battle["date_start"], battle["date_end"], battle["date_prec"]) == (
        "2020-09-27",
    ) * 2 + ("1",)
    assert (battle["where_prec"], battle["best"], battle["country"]) == ("1", "12", "Armenia")
    # UCDP's country_id is the Gleditsch-Ward number; Armenia (371) is in its Europe.
    assert (battle["country_id"], battle["region"]) == ("371", "Europe")
    assert (battle["adm_1"], battle["adm_2"]) == ("Somewhere", "Spot District")
    assert battle["geom_wkt"] == "POINT (-0.5 39.8)"
    assert battle["source_office"] == "Wire One" and battle["source_headline"] == "Headline 0"

    sample = SHARED_DATA / "ucdp-ged-sample" / "ucdpged_sample1000.csv"
    if not sample.exists():
        pytest.skip(
            f"{sample} not found: the UCDP GED sample lives in ../shared beside the checkout"
        )
    with sample.open(encoding="utf-8", newline="") as fh:
        ucdp = next(csv.reader(fh))
    assert set(header) <= set(ucdp)
    assert header == [c for c in ucdp if c in header], "columns must keep UCDP's order"


def test_country_regions_seed_agrees_with_the_ucdp_sample() -> None:
    from events.export import country_codes

    codes = country_codes()
    by_number = {c.gw_code: (code, c) for code, c in codes.items() if c.gw_code}
    assert len(by_number) == sum(1 for c in codes.values() if c.gw_code), "one country a number"
    assert {c.ucdp_region for c in codes.values()} - {None} == {
        "Africa", "Americas", "Asia", "Europe", "Middle East"}  # fmt: skip
    assert codes["ARM"].acled_region == "Caucasus and Central Asia"
    assert (codes["SRB"].gw_code, codes["YEM"].gw_code) == (345, 678)  # as UCDP codes them
    sample = SHARED_DATA / "ucdp-ged-sample" / "ucdpged_sample1000.csv"
    if not sample.exists():
        pytest.skip(f"{sample} not found: the UCDP GED sample lives in ../shared")
    with sample.open(encoding="utf-8", newline="") as fh:
        seen = {
            (int(float(r["country_id"])), r["region"], r["country"]) for r in csv.DictReader(fh)
        }
    assert len(seen) > 40
    for number, region, country in seen:
        assert number in by_number, f"{country} ({number}) missing from country_regions.tsv"
        assert by_number[number][1].ucdp_region == region, country


# --- formula neutralisation -------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--csv", "--tsv"])
def test_formula_cells_are_neutralised_unless_raw(runner, filled: str, flag: str) -> None:  # type: ignore[no-untyped-def]
    delim = "," if flag == "--csv" else "\t"
    safe = _rows(invoke(runner, "--db", filled, "export", "-", flag).stdout, delim)
    sentences = [r[safe[0].index("sentence")] for r in safe[1:]]
    assert "'" + FORMULA in sentences
    assert "'-5 is not a formula but looks like one." in sentences
    longitudes = {r[safe[0].index("longitude")] for r in safe[1:]}
    assert "-0.5" in longitudes  # numbers are never touched
    raw = _rows(invoke(runner, "--db", filled, "export", "-", flag, "--raw").stdout, delim)
    assert FORMULA in [r[raw[0].index("sentence")] for r in raw[1:]]


def test_json_lines_are_not_neutralised(runner, filled: str) -> None:  # type: ignore[no-untyped-def]
    out = invoke(runner, "--db", filled, "export", "-", "--nl").stdout
    sentences = [json.loads(line)["sentence"] for line in out.splitlines()]
    assert FORMULA in sentences


# --- files, manifest, stdout ------------------------------------------------------------


def test_file_export_writes_a_manifest(runner, filled: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    out.mkdir()
    target = out / "arm.csv"
    result = invoke(
        runner, "--db", filled, "export", str(target), "--country", "ARM", "--from", "2020-09-01"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.strip() == f"2 rows written to {target}"
    manifest = json.loads((out / "arm.csv.manifest.json").read_text(encoding="utf-8"))
    assert manifest["rows"] == 2 == len(_rows(target.read_text(encoding="utf-8"))) - 1
    assert manifest["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert manifest["filters"]["countries"] == ["ARM"]
    assert manifest["filters"]["date_from"] == "2020-09-01"
    assert (manifest["profile"], manifest["level"], manifest["format"]) == (
        "native",
        "claims",
        "csv",
    )
    assert manifest["database"]["revision"] == dblib.head_revision()
    assert manifest["extractor_versions_in_database"] == ["test-x"]
    assert manifest["program"]["extractor_version"]
    assert dt.datetime.fromisoformat(manifest["finished"]).tzinfo is not None
    assert sorted(p.name for p in out.iterdir()) == ["arm.csv", "arm.csv.manifest.json"]


def test_format_follows_the_file_suffix(runner, filled: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "claims.jsonl"
    assert invoke(runner, "--db", filled, "export", str(target)).exit_code == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and json.loads(lines[0])["claim_id"] == 1


def test_failed_export_leaves_no_file(runner, filled: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    out.mkdir()
    result = invoke(
        runner, "--db", filled, "export", str(out / "x.csv"), "--where", "no_such_column = 1"
    )
    assert result.exit_code == 1
    assert list(out.iterdir()) == []


def test_dash_writes_only_data_to_stdout(runner, filled: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", filled, "export", "-")
    assert result.exit_code == 0
    assert _rows(result.stdout)[0][0] == "claim_id"
    assert "rows written" not in result.stdout
    assert result.stderr.strip() == "4 rows written to stdout"
    quiet = invoke(runner, "--db", filled, "export", "-", "-q")
    assert quiet.stderr == "" and quiet.stdout == result.stdout


# --- safety and mistakes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    ["1=1; delete from claims", "1=1) ; delete from claims; select (1", "(delete from claims)"],
)
def test_where_cannot_write(runner, filled: str, where: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = scalar(filled, "select count(*) from claims")
    out = tmp_path / "out"
    out.mkdir()
    result = invoke(runner, "--db", filled, "export", str(out / "x.csv"), "--where", where)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert scalar(filled, "select count(*) from claims") == before == 4
    assert list(out.iterdir()) == []


def test_bad_where_is_one_line_exit_1(runner, filled: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", filled, "export", "-", "--where", "no_such_column = 1")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: SQL error")
    assert "no_such_column" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["--csv", "--tsv"],
        ["--profile", "gdelt"],
        ["--level", "articles"],
        ["--from", "2020-13-01"],
        ["--from", "2020-10-02", "--to", "2020-10-01"],
        ["--min-confidence", "2"],
        ["--where", "  "],
        ["a.csv", "b.csv"],
    ],
)
def test_usage_mistakes_exit_2(runner, sqlite_db: str, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", sqlite_db, "export", *args)
    assert result.exit_code == 2, result.output


def test_empty_database_exports_just_the_header(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    rows = _export(runner, db, "--profile", "acled")
    assert rows == [ACLED_COLUMNS]


def test_parallel_export_equals_one_process(runner, db: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import events.export as export_module

    for i in range(6):
        story = tmp_path / f"s{i}.txt"
        story.write_text(
            f"Rebels attacked an army post near Goma on {i + 1} March 2023, killing {i + 2} "
            f"soldiers, the army said.\n\nPolice arrested {i + 3} protesters in Kinshasa."
        )
    assert invoke(runner, "--db", db, "ingest", str(tmp_path), "-q").exit_code == 0
    monkeypatch.setattr(export_module, "PARALLEL_MIN_ROWS", 1)
    outputs = {}
    for jobs in ("1", "3"):
        for profile in ("native", "acled"):
            target = tmp_path / f"out-{jobs}-{profile}.csv"
            result = invoke(runner, "--db", db, "export", str(target), "--profile", profile,
                            "--jobs", jobs, "-q")  # fmt: skip
            assert result.exit_code == 0, result.output
            outputs[jobs, profile] = target.read_text()
            manifest = json.loads(
                (tmp_path / f"out-{jobs}-{profile}.csv.manifest.json").read_text()
            )
            assert manifest["rows"] == outputs[jobs, profile].count("\n") - 1
    assert outputs["1", "native"] == outputs["3", "native"]
    assert outputs["1", "acled"] == outputs["3", "acled"]
    assert outputs["1", "native"].count("\n") > 6
    streamed = invoke(runner, "--db", db, "export", "-", "--jobs", "3", "-q")
    assert streamed.stdout == outputs["1", "native"]


def test_where_cannot_widen_the_other_filters(runner, filled: str) -> None:  # type: ignore[no-untyped-def]
    narrow = _export(runner, filled, "--country", "ARM", "-q")
    assert len(narrow) > 1
    escaped = invoke(
        runner, "--db", filled, "export", "-", "--country", "ARM", "--where", "1=0) or (1=1"
    )
    assert escaped.exit_code == 1
    assert "closes a parenthesis it did not open" in escaped.stderr
    assert escaped.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "Battle"], "unknown --type 'Battle'"),
        (["out.csv.gz"], "does not compress"),
        (["out.json"], "unknown file type '.json'"),
    ],
)
def test_mistakes_are_named(runner, db: str, tmp_path, args, message) -> None:  # type: ignore[no-untyped-def]
    target = [str(tmp_path / args[0])] if args[0].startswith("out") else ["-", *args]
    result = invoke(runner, "--db", db, "export", *target)
    assert result.exit_code in (1, 2)
    assert message in result.stderr
    assert not list(tmp_path.glob("out*"))
