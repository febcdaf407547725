"""The README documents every setting and every command: adding one without documenting it fails."""
from __future__ import annotations

from conftest import ROOT

from newstrace.cli import app
from newstrace.settings import SETTINGS_TABLE

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    commands = [l.split("#")[0].strip() for l in README.splitlines()[1:6] if l.startswith("    ")]
    assert commands == ["make demo", "make test"]


def test_every_setting_is_documented():
    for name, _default, _help in SETTINGS_TABLE:
        assert f"| {name} |" in README, name
        assert f"NEWSTRACE_{name.upper()}" in README, name


def test_every_command_is_documented():
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"] {name}" in README, name
