"""The built wheel works in a fresh virtual environment, not only from a checkout."""

from __future__ import annotations

import json
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_wheel_installs_and_runs_in_a_fresh_venv(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        capture_output=True, text=True,
    )  # fmt: skip
    if build.returncode != 0:
        pytest.fail(f"wheel build failed:\n{build.stderr[-2000:]}")
    (wheel,) = wheels.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top_level == {"events"}, f"the wheel installs generic top-level modules: {top_level}"
    assert "events/migrations/env.py" in names
    assert any(n.startswith("events/seed_data/") and n.endswith("countries.tsv") for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True)
    # Dependencies come from this environment (no network needed); the package
    # itself comes only from the wheel.
    venv_site = Path(
        subprocess.check_output(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    deps = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    (venv_site / "zz_test_deps.pth").write_text("\n".join(deps) + "\n")

    events = venv / "bin" / "events"
    work = tmp_path / "work"
    work.mkdir()
    where = subprocess.check_output(
        [str(py), "-c", "import events; print(events.__file__)"], cwd=work, text=True
    )
    assert str(venv_site) in where
    init = subprocess.run(
        [str(events), "--db", "w.db", "init"], cwd=work, capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    query = subprocess.run(
        [str(events), "--db", "w.db", "query", "select name from sqlite_master where type = 'view' order by 1"],
        cwd=work, capture_output=True, text=True,
    )  # fmt: skip
    assert query.returncode == 0, query.stderr
    assert [r["name"] for r in json.loads(query.stdout)] == [
        "claims_flat",
        "contradictions",
        "events_flat",
    ]
