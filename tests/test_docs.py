"""The README documents every command, and the format reference matches the schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaflet.cli.main import COMMANDS

README = Path(__file__).parents[1] / "README.md"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_readme_mentions_every_command(command):
    assert README.is_file(), "README.md is missing"
    assert f"leaflet {command}" in README.read_text(encoding="utf-8")


def test_format_reference_is_generated_from_the_schema():
    from leaflet import docs

    committed = (Path(__file__).parents[1] / "docs" / "content-format.md").read_text("utf-8")
    assert committed == docs.render(), (
        "docs/content-format.md is stale: run python -m leaflet.docs > docs/content-format.md"
    )


def test_readme_starts_with_the_two_commands():
    """.ci/run runs the first two sh blocks; they must be the install and test commands."""
    blocks = README.read_text(encoding="utf-8").split("```sh\n")[1:3]
    first, second = (block.split("\n```")[0] for block in blocks)
    assert "pip install ." in first
    assert all(f"leaflet {doc}" in first for doc in ("info", "consent", "aftercare"))
    assert "'.[test]'" in second and "pytest" in second
