"""Benchmark: build, open and query the place index (events.geoindex).

Builds the index into a temporary directory (or measures an existing one with
``--index``), then, in a fresh process, opens it and looks up 10,000 names
drawn from it, and prints:

* build time, file size, places per kind, names and distinct keys;
* open time (a new process's first ``open_index(path)``, best of 5 in-process);
* lookup time per 1,000 lookups, one by one and batched (``lookup_many``);
* peak RSS of that process (``resource.getrusage``), and of the builder;
* with ``../shared/data/ucdp-ged-sample`` present: how many UCDP admin units and
  exact-point locations the index resolves.

Targets: open well under a second (aim 50 ms), query process far under 300 MB,
build under ~60 s on a 2-core machine. Prints figures; asserts nothing::

    python bench/gazetteer.py
    python bench/gazetteer.py --index ~/.cache/conflict-events/geoindex-v1-....sqlite
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
UCDP = REPO.parent / "shared" / "data" / "ucdp-ged-sample" / "ucdpged_sample1000.csv"
LOOKUPS = 10_000

#: Each step runs in a fresh child of this small process: on Linux a child's
#: ``ru_maxrss`` starts from its parent's RSS at fork, so the parent must not
#: have built the index (or loaded anything big) itself.
BUILD_PROCESS = """
import json, resource, sys
from events.geoindex import build_index
stats = build_index(sys.argv[1])
print(json.dumps({
    "seconds": stats.seconds,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""

QUERY_PROCESS = """
import json, resource, sqlite3, sys, time
t0 = time.perf_counter()
from events.geoindex import open_index
t1 = time.perf_counter()
index = open_index(sys.argv[1], build=False)
t2 = time.perf_counter()
conn = sqlite3.connect(sys.argv[1])  # untimed: the sample, drawn by SQLite in bounded memory
names = [r[0] for r in conn.execute(
    "SELECT display FROM name ORDER BY random() LIMIT ?", (int(sys.argv[2]),))]
conn.close()
t3 = time.perf_counter()
found = sum(1 for n in names if index.lookup(n))
t4 = time.perf_counter()
batch = index.lookup_many(names)
t5 = time.perf_counter()
print(json.dumps({
    "import_ms": (t1 - t0) * 1000,
    "open_ms": (t2 - t1) * 1000,
    "lookups": len(names),
    "lookup_ms_per_1000": (t4 - t3) * 1000 / len(names) * 1000,
    "lookup_many_ms_per_1000": (t5 - t4) * 1000 / len(names) * 1000,
    "found": found,
    "batch_found": sum(1 for rows in batch.values() if rows),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def _child(code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, cwd=REPO
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Build (or take) an index and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="measure this index instead of building one")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))

    with tempfile.TemporaryDirectory() as tmp:
        path = args.index
        if path is None:
            path = Path(tmp) / "geoindex.sqlite"
            built = _child(BUILD_PROCESS, str(path))
            print(
                f"build: {built['seconds']:.1f} s, builder peak RSS {built['peak_rss_mb']:.0f} MB"
            )
        q = _child(QUERY_PROCESS, str(path), str(LOOKUPS))
        print(
            f"fresh process: import {q['import_ms']:.0f} ms, open {q['open_ms']:.1f} ms, "
            f"lookup {q['lookup_ms_per_1000']:.0f} ms per 1,000 "
            f"({q['found']:,} of {q['lookups']:,} found), lookup_many "
            f"{q['lookup_many_ms_per_1000']:.0f} ms per 1,000, peak RSS {q['peak_rss_mb']:.0f} MB"
        )
        from events.geoindex import GeoIndex  # noqa: PLC0415 - after the children

        print(f"file: {path.stat().st_size / 1e6:.1f} MB ({path})")
        index = GeoIndex(path)
        counts = index.counts()
        names = counts.pop("names")
        kinds = ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
        keys = sqlite3.connect(path).execute("SELECT count(DISTINCT key) FROM name").fetchone()[0]
        print(f"places: {sum(counts.values()):,} ({kinds}); names {names:,}; keys {keys:,}")
        opens = []
        for _ in range(5):
            started = time.perf_counter()
            GeoIndex(path).close()
            opens.append((time.perf_counter() - started) * 1000)
        print(f"open in-process: best {min(opens):.2f} ms of 5")
        from events.geoindex import index_path  # noqa: PLC0415

        started = time.perf_counter()
        index_path()
        naming = (time.perf_counter() - started) * 1000
        print(f"finding the cache file (hashing seeds and package versions): {naming:.1f} ms")
        if UCDP.exists():
            _ucdp(index)
        else:
            print(f"UCDP sample not found at {UCDP}: resolution rates skipped")


_WORDS = re.compile(r"\b(village|town|city|area|camp|near|the)\b", re.IGNORECASE)


def _ucdp(index: object) -> None:
    """Print how many UCDP GED sample locations the index resolves."""
    from events.geoindex import GeoIndex  # noqa: PLC0415

    assert isinstance(index, GeoIndex)
    adm1 = adm1_ok = adm2 = adm2_ok = points = points_ok = points_first = 0
    with UCDP.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            countries = [x for x in index.lookup(r["country"].split("(")[0]) if x.kind == "country"]
            if not countries or not countries[0].country:
                continue
            a3 = countries[0].country
            if r["adm_1"]:
                adm1 += 1
                adm1_ok += index.admin(a3, r["adm_1"]) is not None
                if r["adm_2"]:
                    adm2 += 1
                    adm2_ok += index.admin(a3, r["adm_1"], r["adm_2"]) is not None
            if r["where_prec"] in ("1", "1.0"):
                points += 1
                lat, lon = float(r["latitude"]), float(r["longitude"])
                name = _WORDS.sub(" ", r["where_coordinates"].split("(")[0]).strip(" ,")
                hits = [x for x in index.lookup(name) if x.latitude is not None]
                near = [x for x in hits if _km(lat, lon, x.latitude, x.longitude) <= 25]
                points_ok += bool(near)
                points_first += bool(near) and hits[0] is near[0]
    print(
        f"UCDP GED sample: adm_1 resolved {adm1_ok}/{adm1} ({adm1_ok / adm1:.0%}), adm_2 "
        f"{adm2_ok}/{adm2} ({adm2_ok / adm2:.0%}); exact-point places found within 25 km "
        f"{points_ok}/{points} ({points_ok / points:.0%}), as the first candidate {points_first}"
    )


def _km(lat1: float, lon1: float, lat2: float | None, lon2: float | None) -> float:
    assert lat2 is not None and lon2 is not None
    p = math.pi / 180
    h = (
        math.sin((lat2 - lat1) * p / 2) ** 2
        + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    )
    return 12742 * math.asin(math.sqrt(h))


if __name__ == "__main__":
    main()
