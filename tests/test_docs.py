"""The README stays true to the command line."""

from __future__ import annotations

from click.testing import CliRunner

from conftest import REPO
from sopkit.cli import cli

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    first_lines = [line.strip() for line in README.splitlines()[:6] if line.strip()]
    assert first_lines[1].startswith("./scripts/build")
    assert first_lines[2].startswith("./scripts/test")


def test_every_command_is_in_the_readme_and_has_help():
    assert len(cli.commands) >= 10
    for name, command in cli.commands.items():
        assert f"`sopkit {name}" in README, f"README's command table lacks sopkit {name}"
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and (command.help or "").strip(), name


def test_every_readme_command_exists():
    import re

    mentioned = set(re.findall(r"`sopkit ([a-z-]+)", README))
    assert mentioned <= set(cli.commands), mentioned - set(cli.commands)
