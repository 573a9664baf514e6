"""Benchmark: ``events export`` against the database's own CSV dump of ``claims_flat``.

For each database, in the same run on the same machine, times

* ``events --db DB export OUT.csv`` (all claims, native profile), and
* the reference: ``sqlite3 -csv -header DB "select * from claims_flat"`` for SQLite,
  ``psql -c "\\copy (select * from claims_flat) to OUT csv header"`` for PostgreSQL,

and prints wall time, peak resident memory (RSS) and the ratio. Give several
databases of different sizes to see that the exporter's memory does not grow
with the data (the target: ratio <= 1.5, peak RSS < 200 MB at any size).

    python bench/generate.py --db /tmp/c1m.db --articles 100000
    python bench/generate.py --db /tmp/c100k.db --articles 10000
    python bench/export.py --db /tmp/c100k.db --db /tmp/c1m.db [--repeat 3]

Peak RSS comes from GNU ``time -f %M`` (else the child's ``ru_maxrss`` from
``wait4``, which also counts the pages of this parent copied at fork). Without
``events export`` the script falls back to ``events query "select * from
claims_flat" --csv`` and says so.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from events.db import resolve_url, sqlite_path

EVENTS = str(Path(sys.executable).with_name("events"))
VIEW_SQL = "select * from claims_flat"
GNU_TIME = "/usr/bin/time"


@dataclass
class Run:
    """One timed command."""

    label: str
    seconds: float
    peak_mb: float
    out_bytes: int
    lines: int


def measure(label: str, argv: Sequence[str], out: Path, *, to_stdout: bool) -> Run:
    """Run ``argv`` once; return its wall time, its own peak RSS and the output size."""
    out.unlink(missing_ok=True)
    stats = out.with_suffix(".time")
    timer = GNU_TIME if Path(GNU_TIME).exists() else None
    # GNU time forks from its own small process; measured from here instead, a
    # child's ru_maxrss would include this Python parent's pages copied at fork.
    command = [timer, "-f", "%M", "-o", str(stats), *argv] if timer else list(argv)
    with open(out if to_stdout else os.devnull, "wb") as sink:
        t0 = time.perf_counter()
        proc = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{label} failed ({' '.join(argv)}):\n{stderr}")
    # Both report kilobytes on Linux.
    peak_kb = int(stats.read_text().split()[-1]) if timer else usage.ru_maxrss
    stats.unlink(missing_ok=True)
    lines = 0
    with open(out, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            lines += chunk.count(b"\n")
    return Run(label, seconds, peak_kb / 1024, out.stat().st_size, lines)


def export_command(db: str, out: Path) -> tuple[list[str], bool, str]:
    """Return (argv, writes to stdout?, description) for the exporter under test."""
    probe = subprocess.run([EVENTS, "export", "--help"], capture_output=True)
    if probe.returncode == 0:
        return [EVENTS, "--db", db, "export", str(out)], False, "events export"
    # Stand-in until `events export` lands: the same view through the query command.
    return ([EVENTS, "--db", db, "query", VIEW_SQL, "--csv"], True,
            "events query --csv (stand-in: no `events export` yet)")  # fmt: skip


def reference_command(url: str, out: Path) -> tuple[list[str], bool, str]:
    """Return the engine's own CSV dump of the view."""
    path = sqlite_path(url)
    if path is not None:
        sqlite3 = shutil.which("sqlite3")
        if sqlite3 is None:
            raise SystemExit("the sqlite3 command-line shell is missing: apt-get install sqlite3")
        return [sqlite3, "-csv", "-header", str(path), VIEW_SQL], True, "sqlite3 -csv"
    psql = shutil.which("psql")
    if psql is None:
        raise SystemExit("psql is missing: apt-get install postgresql-client")
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    copy = f"\\copy ({VIEW_SQL}) to '{out}' csv header"
    return [psql, "-X", "-q", conninfo, "-c", copy], False, "psql \\copy"


def bench(db: str, repeat: int, workdir: Path) -> None:
    """Time the exporter and the reference on ``db``, alternating, best of ``repeat``."""
    url = resolve_url(db)
    ours_out, ref_out = workdir / "events.csv", workdir / "reference.csv"
    ours_argv, ours_stdout, ours_label = export_command(db, ours_out)
    ref_argv, ref_stdout, ref_label = reference_command(url, ref_out)
    ours: list[Run] = []
    ref: list[Run] = []
    for _ in range(repeat):
        ref.append(measure(ref_label, ref_argv, ref_out, to_stdout=ref_stdout))
        ours.append(measure(ours_label, ours_argv, ours_out, to_stdout=ours_stdout))
    best_ours = min(ours, key=lambda r: r.seconds)
    best_ref = min(ref, key=lambda r: r.seconds)
    peak = max(r.peak_mb for r in ours)
    print(f"\n{db}")
    for run in (best_ref, best_ours):
        print(f"  {run.label:<52} {run.seconds:8.2f} s  peak RSS {run.peak_mb:7.1f} MB  "
              f"{run.lines - 1:>10,} rows  {run.out_bytes / 1e6:8.1f} MB")  # fmt: skip
    print(f"  ratio (events / reference wall time): {best_ours.seconds / best_ref.seconds:.2f}"
          f"   events peak RSS over {repeat} run(s): {peak:.1f} MB")  # fmt: skip
    for path in (ours_out, ref_out):
        path.unlink(missing_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db",
        action="append",
        required=True,
        help="a database made by bench/generate.py (repeat for several sizes)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per command (best is shown)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where the CSV files go (default: a temporary directory)")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        for db in args.db:
            bench(db, args.repeat, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
