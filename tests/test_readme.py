"""Every Python example in the README runs as written, in a folder of its own.

Each ```python block is saved as a script and run in a new process (the batch example
starts worker processes, which import the script), on the tests' fixed date. The files
the examples name are written first; the email example writes .eml files to an outbox
folder and sends nothing.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pypdf
from conftest import PIN_TODAY, REPO

BLOCKS = re.findall(r"^```python\n(.*?)^```$", (REPO / "README.md").read_text(), re.S | re.M)
APPOINTMENTS = (
    "appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner,mobile\n"
    "A1,Zoë Ng,1985-04-23,zoe@example.com,microneedling,2026-12-01T10:30,Dr Sam Lee,"
    "07700 900123\n"
    "A2,Sam Lee,1970-01-02,,microneedling,2026-12-01T11:30,,\n"
    "A3,Ann Park,1990-06-30,ann@example.org,microneedling,2026-12-01T12:30,Dr Sam Lee,"
    "07700 900456\n"
)


def run_block(block: str, folder: Path) -> subprocess.CompletedProcess[str]:
    script = folder / "example.py"
    script.write_text(f"{PIN_TODAY}\n{block}", encoding="utf-8")
    return subprocess.run(
        [sys.executable, script.name],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_readme_has_its_examples() -> None:
    assert len(BLOCKS) == 3
    assert all("import leaflet" in block for block in BLOCKS)
    assert not any(re.search(r"from leaflet\.\w", block) for block in BLOCKS)  # public API


def test_documents_example(tmp_path: Path) -> None:
    result = run_block(BLOCKS[0], tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("aftercare.pdf", "info-print.pdf", "consent-tablet.pdf"):
        assert pypdf.PdfReader(tmp_path / name).pages, name
    assert pypdf.PdfReader(tmp_path / "consent-tablet.pdf").get_fields()
    trim = pypdf.PdfReader(tmp_path / "info-print.pdf").pages[0].trimbox
    assert float(trim.left) > 0  # the bleed and crop marks are outside the trim


def test_batch_and_email_example(tmp_path: Path) -> None:
    (tmp_path / "appointments.csv").write_text(APPOINTMENTS, encoding="utf-8")
    result = run_block(BLOCKS[1], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "3 built, 0 already built",
        "2 written to the outbox, not sent yet, 1 without an email address",
    ]
    assert sorted(p.name for p in (tmp_path / "packs").glob("*.pdf")) == [
        "A1-consent.pdf",
        "A2-consent.pdf",
        "A3-consent.pdf",
    ]
    assert sorted(p.name for p in (tmp_path / "packs" / "outbox").iterdir()) == [
        "A1.eml",
        "A3.eml",
    ]


def test_data_example(tmp_path: Path) -> None:
    result = run_block(BLOCKS[2], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["B-5521-aftercare.pdf True"]
    assert list(tmp_path.iterdir()) == [tmp_path / "example.py"]  # nothing written


def shown_after(marker: str) -> str:
    """The text block after `<!-- marker... -->` in the README."""
    found = re.search(rf"^<!-- {re.escape(marker)}.*?-->\n```text\n(.*?)^```$", README, re.S | re.M)
    assert found, marker
    return found.group(1)


README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_batch_sections_export_reads_as_shown_with_no_hand_edits(tmp_path, monkeypatch):
    """The README shows an export straight from a booking system: its first lines are
    the fixture's, and `--show-columns` in a new workspace prints what it shows."""
    from conftest import invoke

    fixture = REPO / "tests" / "fixtures" / "exports" / "uk-excel-semicolons.csv"
    lines = fixture.read_text(encoding="utf-8-sig").splitlines()
    assert shown_after("export: uk-excel-semicolons.csv").splitlines() == lines[:3]
    for name in ("LANG", "LC_ALL", "LC_TIME"):
        monkeypatch.delenv(name, raising=False)  # the workspace takes the brand's language
    monkeypatch.chdir(tmp_path)
    assert invoke(["init", "riverside-clinic"]).exit_code == 0
    exports = tmp_path / "riverside-clinic" / "exports"
    exports.mkdir()
    (exports / "appointments.csv").write_bytes(fixture.read_bytes())
    monkeypatch.chdir(exports)
    result = invoke(["batch", "--show-columns", "appointments.csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == shown_after("show-columns")
