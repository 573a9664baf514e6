"""The README documents every command, and every command's help has an example."""

from __future__ import annotations

import re

import click
import pytest
from events.cli.main import cli

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        full = f"{prefix}{name}"
        found.append((full, command))
        if isinstance(command, click.Group):
            found += _commands(command, f"{full} ")
    return found


COMMANDS = _commands(cli)


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_is_in_the_readme(name: str, command: click.Command) -> None:
    assert re.search(rf"events (--db \S+ )?{re.escape(name)}\b", README), (
        f"`events {name}` is not documented in README.md"
    )


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_help_with_an_example(name: str, command: click.Command) -> None:
    text = (command.help or "") + (command.epilog or "")
    assert "events " in text or "Example" in text, f"`events {name} --help` shows no example"


def test_readme_starts_with_the_two_setup_commands() -> None:
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block, "README has no ```sh block"
    lines = [ln for ln in block.group(1).splitlines() if ln.strip() and not ln.startswith("#")]
    assert len(lines) == 2
    assert "events ingest seeds/samples" in lines[0]
    assert "pytest" in lines[1]
    assert README.index(block.group(0)) < README.index("\n## ")
