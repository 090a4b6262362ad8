"""Commands load only what they use: what each imports is checked, not timed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("reportlab", "pydantic", "pypdf", "pikepdf", "PIL", "jinja2", "yaml", "textstat")


def loaded_by(*args: str, cwd) -> set[str]:
    """The heavy packages a `leaflet` command imports, run in a fresh interpreter."""
    script = (
        "import json, sys\n"
        "from leaflet.cli import main\n"
        f"sys.argv = ['leaflet', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd, check=True
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_help_loads_nothing_but_click(tmp_path):
    assert loaded_by("--help", cwd=tmp_path) == set()
    assert loaded_by("batch", "--help", cwd=tmp_path) == set()


def test_list_reads_files_without_the_rendering_code(tmp_path):
    loaded = loaded_by("list", cwd=tmp_path)
    assert loaded <= {"pydantic", "yaml", "reportlab"}
    modules = (
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys\nfrom leaflet.cli import main\nsys.argv = ['leaflet', 'list']\n"
                "try:\n    main()\nexcept SystemExit:\n    pass\n"
                "print(' '.join(m for m in sys.modules if m.startswith(('reportlab.p', 'leaflet.'))))",
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=True,
        )
        .stdout.split("\n")[-2]
        .split()
    )
    assert not [m for m in modules if m.startswith("reportlab.platypus")]
    assert "leaflet.sources.schema.blocks" not in modules  # no document was read


@pytest.mark.parametrize("document", ["info", "consent"])
def test_a_document_needs_no_pdf_reader(tmp_path, document):
    loaded = loaded_by(document, "-o", str(tmp_path / "out.pdf"), cwd=tmp_path)
    assert (tmp_path / "out.pdf").stat().st_size > 0
    assert not loaded & {"pypdf", "pikepdf", "textstat"}
