"""Commands load only what they use: what each imports is checked, not timed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HEAVY = {"reportlab", "pydantic", "pypdf", "pikepdf", "PIL", "jinja2", "yaml", "textstat"}


def modules_after(*args: str, cwd) -> set[str]:
    """Every module a `leaflet` command has imported when it ends, in a fresh interpreter."""
    script = (
        "import sys\n"
        "from leaflet.cli import main\n"
        f"sys.argv = ['leaflet', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd, check=True
    )
    return set(done.stdout.strip().splitlines()[-1].split())


def heavy(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules} & HEAVY


def test_help_loads_nothing_but_click(tmp_path):
    assert heavy(modules_after("--help", cwd=tmp_path)) == set()
    assert heavy(modules_after("batch", "--help", cwd=tmp_path)) == set()


def other_commands(modules: set[str], *own: str) -> set[str]:
    """The command modules loaded beyond `own`'s (each command loads only its own)."""
    commands = {
        "leaflet.cli.admin",
        "leaflet.cli.documents",
        "leaflet.cli.packs",
        "leaflet.cli.mail",
    }
    return commands & modules - set(own)


def test_list_reads_files_without_the_rendering_code(tmp_path):
    modules = modules_after("list", cwd=tmp_path)
    assert heavy(modules) <= {"yaml", "reportlab"}  # ReportLab: its units; no schema
    assert "pydantic_core" not in modules
    assert not {name for name in modules if name.startswith("reportlab.platypus")}
    assert "leaflet.sources.schema.blocks" not in modules  # no document was read
    # Languages are named from leaflet.sources.language_names, not from CLDR's files.
    assert "babel" not in modules
    assert not other_commands(modules, "leaflet.cli.admin")


def test_a_document_loads_only_what_its_build_uses(tmp_path):
    modules = modules_after("info", "-o", str(tmp_path / "out.pdf"), cwd=tmp_path)
    assert (tmp_path / "out.pdf").stat().st_size > 0
    assert not {name for name in modules if name.startswith("leaflet.render.trifold")}
    assert not {name for name in modules if name.startswith("leaflet.render.booklet")}
    assert "leaflet.sources.schema.exports" not in modules  # no export is read
    assert "email_validator" not in modules  # the example clinic's address is plain
    assert "urllib.request" not in modules  # nothing is fetched
    assert not other_commands(modules, "leaflet.cli.documents")


@pytest.mark.parametrize("document", ["info", "consent"])
def test_a_document_needs_no_pdf_reader(tmp_path, document):
    modules = modules_after(document, "-o", str(tmp_path / "out.pdf"), cwd=tmp_path)
    assert (tmp_path / "out.pdf").stat().st_size > 0
    assert not heavy(modules) & {"pypdf", "pikepdf", "textstat"}


def test_no_command_scans_the_installed_packages(tmp_path):
    """pydantic looks for plugins in every installed package's metadata unless told not
    to; the command line tells it (a caller's own PYDANTIC_DISABLE_PLUGINS still wins)."""
    script = (
        "import importlib.metadata, sys\n"
        "scans = []\n"
        "real = importlib.metadata.entry_points\n"
        "importlib.metadata.entry_points = lambda *a, **k: scans.append(k) or real(*a, **k)\n"
        "from leaflet.cli import main\n"
        f"sys.argv = ['leaflet', 'info', '-o', {str(tmp_path / 'out.pdf')!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(len(scans))"
    )
    environment = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        check=True,
    )
    assert (tmp_path / "out.pdf").stat().st_size > 0
    assert done.stdout.split() == ["0"]


def collector_after(*args: str, cwd) -> tuple[int, bool]:
    """How many times the cyclic collector ran during a `leaflet` command started as the
    console script starts it, and whether it runs at the end."""
    script = (
        "import gc, sys\n"
        "from leaflet.cli import run\n"
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start' and runs.append(info))\n"
        f"sys.argv = ['leaflet', *{list(args)!r}]\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print(len(runs), gc.isenabled())"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd, check=True
    )
    runs, enabled = done.stdout.split()[-2:]
    return int(runs), enabled == "True"


def test_a_document_is_built_without_the_cyclic_collector(tmp_path):
    """What starting a command makes lives until it ends: the collector would only
    traverse it (see leaflet.cli.main.run)."""
    assert collector_after("info", "-o", str(tmp_path / "out.pdf"), cwd=tmp_path) == (0, False)
    assert (tmp_path / "out.pdf").stat().st_size > 0
    assert collector_after("list", cwd=tmp_path) == (0, False)


@pytest.mark.parametrize(
    "command", [("batch", "missing.csv"), ("email", "missing.csv"), ("check", "--content-dir", "x")]
)
def test_commands_building_many_documents_run_the_collector(tmp_path, command):
    # What they read is missing: each stops after it has resumed the collector.
    _, enabled = collector_after(*command, cwd=tmp_path)
    assert enabled
