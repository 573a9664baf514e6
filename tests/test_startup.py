"""Commands import only what they use: help and a query start without the heavy modules.

Each check runs the real CLI in a fresh interpreter and reads ``sys.modules``
afterwards, so no timing is asserted; a module that slips back into the start-up
path shows up by name.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from events.cli.main import COMMANDS, cli, load_command

#: Modules a researcher must not wait for before a help text or a query result.
HEAVY = (
    "sqlalchemy.orm",
    "events.models",
    "events.admin",
    "events.store",
    "events.pipeline.runner",
    "events.pipeline.eventcoding",
    "events.lexicon",
    "events.gazetteer",
    "events.geoindex",
    "dateparser",
    "trafilatura",
    "charset_normalizer",
    "alembic",
)

_PROBE = """
import contextlib, io, json, sys
sys.argv = ["events", *json.loads(sys.argv[1])]
from events.cli.main import main
out = io.StringIO()
try:
    with contextlib.redirect_stdout(out):
        main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def _loaded_after(*args: str) -> tuple[dict, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(list(args))],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    report = json.loads(done.stdout.splitlines()[-1])
    return report, set(report["modules"])


def _heavy(modules: set[str]) -> list[str]:
    return [m for m in HEAVY if m in modules]


def test_help_lists_every_command_without_loading_any() -> None:
    report, modules = _loaded_after("--help")
    assert report["code"] == 0
    for name in COMMANDS:
        assert f"\n  {name} " in report["out"]
    assert _heavy(modules) == []
    assert not [m for m in modules if m.startswith("events.cli.") and m != "events.cli.main"]


@pytest.mark.parametrize("command", ["db", "ingest", "query", "show", "eval"])
def test_a_commands_help_loads_no_heavy_module(command: str) -> None:
    report, modules = _loaded_after(command, "--help")
    assert report["code"] == 0 and "Usage: events" in report["out"]
    assert _heavy(modules) == []


def test_a_query_loads_neither_the_pipeline_nor_the_models(sqlite_db: str) -> None:
    report, modules = _loaded_after("--db", sqlite_db, "query", "select 1 as one")
    assert report["code"] == 0
    assert json.loads(report["out"]) == [{"one": 1}]
    assert _heavy(modules) == []
    assert "events.query" in modules  # the probe did run the query


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["select 1"], 0),
        (["select :n as n, * from claims_flat", "-p", "n", "2", "--csv", "--timeout", "5"], 0),
        (["delete from actors"], 1),  # refused by SQLite, reported without SQLAlchemy
        (["select * from no_such_table"], 1),
    ],
)
def test_a_sqlite_query_runs_without_sqlalchemy(sqlite_db: str, args: list[str], code: int) -> None:
    """sqlite3 alone reads a SQLite file: not even SQLAlchemy's core is imported."""
    report, modules = _loaded_after("--db", sqlite_db, "query", *args)
    assert report["code"] == code
    assert "events.query" in modules
    assert [m for m in modules if m == "sqlalchemy" or m.startswith("sqlalchemy.")] == []
    assert _heavy(modules) == []  # --csv writes with the export's writer, not its query side


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_registry_shows_each_commands_own_help(name: str) -> None:
    command = load_command(name)
    assert command.get_short_help_str(limit=1000) == COMMANDS[name][1]
    assert command.name == name


def test_an_unknown_command_is_refused_with_the_list() -> None:
    result = CliRunner().invoke(cli, ["qeury"])
    assert result.exit_code == 2
    assert "No such command 'qeury'" in result.output


def test_a_plain_utf8_text_loads_without_the_html_and_charset_libraries(tmp_path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "a.txt"
    article.write_text("Rebels shelled Goma on 3 May 2023, officials said.", encoding="utf-8")
    probe = (
        "import sys; from events.ingest import iter_documents; "
        f"docs = list(iter_documents([{str(article)!r}])); "
        "print(len(docs), 'trafilatura' in sys.modules, 'charset_normalizer' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1", "False", "False"]
