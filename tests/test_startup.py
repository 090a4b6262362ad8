"""Commands load only what they use: what each imports is checked, not timed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HEAVY = {"reportlab", "pydantic", "pypdf", "pikepdf", "PIL", "jinja2", "yaml", "textstat"}


def after_command(
    *args: str, cwd, report: str, setup: str = "", entry: str = "main", env=None
) -> str:
    """What `report` (a Python expression) is when a `leaflet` command ends in a fresh
    interpreter: `setup` runs once `entry` is imported (the command line itself, light);
    `entry` is `main`, or `run` as the console script starts it."""
    script = (
        f"import sys\nfrom leaflet.cli import {entry}\n{setup}"
        f"sys.argv = ['leaflet', *{list(args)!r}]\n"
        f"try:\n    {entry}()\nexcept SystemExit:\n    pass\n"
        f"print({report})"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd, env=env, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def modules_after(*args: str, cwd) -> set[str]:
    """Every module a `leaflet` command has imported when it ends, in a fresh interpreter."""
    return set(after_command(*args, cwd=cwd, report="' '.join(sys.modules)").split())


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
    assert heavy(modules) <= {"yaml"}  # no schema, and no ReportLab (layouts' units)
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
    assert not {name for name in modules if name.startswith("leaflet.packs")}  # no batch
    assert "leaflet.render.fillable" not in modules  # no --fillable
    assert "filelock" not in modules
    assert "jinja2" not in modules  # the wording only puts values in (sources.wording)
    assert "uharfbuzz._harfbuzz" not in modules  # English: nothing to shape
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
    scans = after_command(
        "info",
        "-o",
        str(tmp_path / "out.pdf"),
        cwd=tmp_path,
        setup="import importlib.metadata\n"
        "scans = []\n"
        "real = importlib.metadata.entry_points\n"
        "importlib.metadata.entry_points = lambda *a, **k: scans.append(k) or real(*a, **k)\n",
        report="len(scans)",
        env={k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"},
    )
    assert (tmp_path / "out.pdf").stat().st_size > 0
    assert scans == "0"


def collector_after(*args: str, cwd) -> tuple[int, bool]:
    """How many times the cyclic collector ran during a `leaflet` command started as the
    console script starts it, and whether it runs at the end."""
    printed = after_command(
        *args,
        cwd=cwd,
        setup="import gc\n"
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start' and runs.append(info))\n",
        entry="run",
        report="len(runs), gc.isenabled()",
    )
    runs, enabled = printed.split()
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


def test_a_second_document_run_needs_no_pydantic(tmp_path):
    """The first run validates the files and keeps them in the validated-content cache
    (leaflet.sources.validated); the next reads them back without importing pydantic,
    and builds the same PDF. LEAFLET_CACHE=off validates every time."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = []
    for name, extra in (("cold", {}), ("warm", {}), ("off", {"LEAFLET_CACHE": "off"})):
        out = tmp_path / f"{name}.pdf"
        printed = after_command(
            "info",
            "-o",
            str(out),
            cwd=tmp_path,
            entry="run",
            report="'pydantic' in sys.modules",
            env={**env, **extra},
        )
        runs.append((printed, out.read_bytes()))
    (cold, cold_pdf), (warm, warm_pdf), (off, off_pdf) = runs
    assert (cold, warm, off) == ("True", "False", "True")
    assert cold_pdf == warm_pdf == off_pdf


def test_reading_an_export_needs_no_pydantic(tmp_path):
    """An export's rows are checked without the schema's models, whatever the cache: its
    headers by `schema.export_fields`, its addresses by `schema.checks` (email-validator
    for an international one); and a batch's module loads neither them nor filelock."""
    script = (
        "import sys, leaflet\n"
        "rows, problems = leaflet.parse_appointments(\n"
        "    'appointment_id,patient_name,treatment,appointment,email\\n'\n"
        "    'A1,Zoë Ng,microneedling,2026-12-01T09:00,zoë@bücher.de\\n'\n"
        "    'A2,Bo Li,microneedling,2026-12-01T09:30,bo@\\n')\n"
        "import leaflet.packs.batch\n"
        "print(len(rows), len(problems), 'email_validator' in sys.modules)\n"
        "print(' '.join(sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    counts, modules = done.stdout.splitlines()
    assert counts == "1 1 True"
    assert not {"pydantic", "pydantic_core", "filelock"} & set(modules.split())


def test_a_second_batch_needs_no_pydantic(tmp_path):
    """A batch reads its export without the schema's models (`schema.export_fields`,
    `schema.checks`), and the wording its bases are laid out with holds placeholders,
    no one's details: the next run reads all it validated from the cache, and writes the
    same files. The lock on the output folder is taken after planning (filelock). One
    job loads nothing for other processes, nor HarfBuzz (uharfbuzz runs when shaping)."""
    (tmp_path / "day.csv").write_text(
        "appointment_id,patient_name,treatment,appointment,email\n"
        "A1,Zoë Ng,microneedling,2026-12-01T09:00,zoe@example.com\n",
        encoding="utf-8",
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = []
    for name in ("cold", "warm"):
        printed = after_command(
            *("batch", "day.csv", "--out-dir", name, "--documents", "info,consent", "--jobs", "1"),
            cwd=tmp_path,
            entry="run",
            report="' '.join(sys.modules)",
            env=env,
        )
        runs.append(set(printed.split()))
    cold, warm = runs
    assert "pydantic" in cold
    # The built-in wording only puts values in: rendered without Jinja2.
    assert not heavy(warm) & {"pydantic", "yaml", "pypdf", "textstat", "jinja2"}
    assert not {"pydantic_core", "email_validator", "leaflet.sources.schema.exports"} & warm
    assert not {name for name in warm if name.startswith("leaflet.sources.schema.blocks")}
    assert "filelock" in warm  # the lock was taken
    assert "leaflet.render.fillable" not in warm  # no --fillable
    # One job: no processes to start or talk to, and English text shapes nothing.
    assert not {"multiprocessing", "concurrent.futures", "leaflet.packs.forked"} & warm
    assert "uharfbuzz._harfbuzz" not in warm
    for document in ("info", "consent"):
        pdf = f"A1-{document}.pdf"
        assert (tmp_path / "cold" / pdf).read_bytes() == (tmp_path / "warm" / pdf).read_bytes()


def test_a_second_list_reads_no_yaml(tmp_path):
    """`leaflet list` keeps the files it parsed in the validated-content cache, by their
    bytes; the next run reads them back without importing PyYAML and prints the same.
    LEAFLET_CACHE=off parses every time."""
    script = (
        "import sys\nfrom leaflet.cli import run\nsys.argv = ['leaflet', 'list']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\nprint('yaml' in sys.modules)"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = []
    for extra in ({}, {}, {"LEAFLET_CACHE": "off"}):
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**env, **extra},
            check=True,
        )
        printed, imported = done.stdout.rstrip("\n").rsplit("\n", 1)
        runs.append((printed, imported))
    (cold, cold_yaml), (warm, warm_yaml), (off, off_yaml) = runs
    assert (cold_yaml, warm_yaml, off_yaml) == ("True", "False", "True")
    assert cold == warm == off
    assert "microneedling: " in cold and "letter-trifold: US Letter" in cold
