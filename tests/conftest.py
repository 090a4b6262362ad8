"""Shared helpers and session-scoped PDFs for the leaflet test suite.

Building a PDF takes a noticeable fraction of a second, so every built-in document is
built once per session (per layout, and once personalised) and the tests read the
shared results. Helpers here extract and normalise text, list fonts, and make
throw-away copies of the content folder and the example brand to break on purpose.
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

import leaflet
from leaflet.sources import dates, validated
from leaflet.sources.bundled import CONTENT_DIR, EXAMPLE_BRAND

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = ("info", "consent", "aftercare")
LAYOUTS = ("a4", "letter")
PAGE_SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
REFERENCES = {"info": "MN-INF-01", "consent": "MN-CON-01", "aftercare": "MN-AFT-01"}
SUBTITLES = {
    "info": "Information for patients",
    "consent": "Consent form",
    "aftercare": "Aftercare",
}
REVIEW_DATE = "30 November 2028"
#: The date every test runs on: the built-in wording is published (30 November 2026) and
#: not yet due for review (30 November 2028), whatever the real date.
TODAY = dt.date(2027, 1, 1)
PUBLISHED_DATE = "30 November 2026"
#: The version of every built-in document's wording.
VERSION = "2.0"
CLINIC = "Example Skin Clinic"
#: What a summary line adds outside a workspace, naming the brand used.
BRAND_NOTE = (
    "; brand: Example Skin Clinic (built-in example; use --brand or leaflet init for yours)"
)
CLINIC_PHONE = "020 7946 0000"

# The personal details used by the shared personalised PDFs. The patient name holds
# markup characters on purpose: it must print exactly as typed.
PATIENT = "Ann <b>O'Brien</b> & Co"
PRACTITIONER = "Dr Priya Patel"
DATE_OF_BIRTH = "1985-04-23"
APPOINTMENT = "2026-12-01T10:30"


def normalise(text: str) -> str:
    """Fold every run of white space (line breaks included) into one space."""
    return " ".join(text.split())


@dataclass
class Pdf:
    """A rendered PDF with its reader and its pages' text, whitespace-normalised."""

    rendered: leaflet.RenderedPdf

    @property
    def data(self) -> bytes:
        return self.rendered.data

    @cached_property
    def reader(self) -> pypdf.PdfReader:
        return pypdf.PdfReader(io.BytesIO(self.rendered.data))

    @cached_property
    def pages(self) -> list[str]:
        return [normalise(page.extract_text()) for page in self.reader.pages]

    @property
    def text(self) -> str:
        return " ".join(self.pages)

    @property
    def metadata(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in (self.reader.metadata or {}).items()}


def read_pdf(data: bytes) -> Pdf:
    """Wrap bytes from a file or standard output for inspection."""
    return Pdf(leaflet.RenderedPdf(data, len(pypdf.PdfReader(io.BytesIO(data)).pages)))


def personalisation(
    patient_name: str = PATIENT,
    *,
    date_of_birth: str | None = DATE_OF_BIRTH,
    appointment: str | None = APPOINTMENT,
    practitioner: str | None = PRACTITIONER,
) -> leaflet.Personalisation:
    return leaflet.Personalisation.from_text(
        patient_name=patient_name,
        date_of_birth=date_of_birth,
        appointment=appointment,
        practitioner=practitioner,
    )


def build(
    document: str,
    layout: str = "a4",
    personal: leaflet.Personalisation | None = None,
    *,
    brand: Path | str | None = None,
    content_dir: Path | str | None = None,
) -> Pdf:
    """Render one document of the microneedling treatment."""
    treatment = leaflet.load_treatment("microneedling", content_dir)
    rendered = leaflet.render_pdf(
        treatment.document(document),
        leaflet.load_brand(brand),
        leaflet.load_layout(layout),
        personal,
    )
    return Pdf(rendered)


def page_fonts(reader: pypdf.PdfReader) -> list[dict]:
    """Every font dictionary used by any page, including inside form XObjects."""
    fonts: list[dict] = []

    def walk(resources) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            fonts.append(font.get_object())
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return fonts


# --- throw-away copies to break ---------------------------------------------------------


def copy_content(destination: Path) -> Path:
    """Copy the built-in content folder to `destination/content` and return that folder."""
    target = destination / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in a file (fails loudly if it is not there)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_number(path: Path, startswith: str) -> int:
    """1-based number of the first line of `path` starting with `startswith`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(startswith):
            return number
    raise AssertionError(f"no line starting {startswith!r} in {path}")


def write_brand(folder: Path, replacements: dict[str, str] | None = None, extra: str = "") -> Path:
    """A copy of the example brand in `folder/brand.yaml`, its logo given as an absolute path.

    `replacements` maps exact text of the example brand file to its replacement;
    `extra` is appended (e.g. a `fonts:` section).
    """
    text = EXAMPLE_BRAND.read_text(encoding="utf-8")
    logo = EXAMPLE_BRAND.parent / "logo.png"
    assert text.count("logo: logo.png\n") == 1
    text = text.replace("logo: logo.png\n", f"logo: {logo}\n")
    for old, new in (replacements or {}).items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / "brand.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def leftovers(folder: Path) -> list[str]:
    """Names in `folder` that a failed write must not leave: PDFs and temporary files."""
    return sorted(
        p.name for p in folder.iterdir() if p.suffix in {".pdf", ".part"} or ".part" in p.name
    )


# --- command line -----------------------------------------------------------------------


def cli_runner() -> CliRunner:
    """A CliRunner keeping standard output and standard error apart on any Click 8."""
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)  # Click < 8.2
    return CliRunner()  # Click 8.2+: result.stdout and result.stderr are separate


def invoke(args: list[str], **kwargs):
    from leaflet.cli import main

    return cli_runner().invoke(main, args, prog_name="leaflet", **kwargs)


# --- the date ---------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def fixed_today() -> Iterator[dt.date]:
    """Every test runs on TODAY: the library reads the date through `dates.today()`.
    (Batches in worker processes are given the date the batch was planned on.)"""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dates, "today", lambda: TODAY)
        yield TODAY


# --- the validated-content cache -------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def validated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The suite runs with the command line's validated-content cache on, in a folder of
    its own (LEAFLET_TEST_CACHE names one to keep between runs, to run the suite warm);
    the commands the tests start in new processes use it too."""
    kept = os.environ.get("LEAFLET_TEST_CACHE")
    home = Path(kept) if kept else tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(home))
        patch.delenv("LEAFLET_CACHE", raising=False)
        validated.switch_on()
        yield home / "leaflet" / "validated"
        validated.switch_off()


#: Python that fixes the date of a new process to TODAY.
PIN_TODAY = (
    "import datetime; from leaflet.sources import dates; "
    f"dates.today = lambda: datetime.date({TODAY.year}, {TODAY.month}, {TODAY.day})"
)
#: Runs the command line in a new process on TODAY, like `python -m leaflet`.
PINNED_MAIN = f"{PIN_TODAY}; from leaflet.cli import main; main(prog_name='leaflet')"


# --- session-scoped PDFs ----------------------------------------------------------------


@pytest.fixture(scope="session")
def default_pdfs() -> dict[tuple[str, str], Pdf]:
    """Every built-in document on every layout, without personal details."""
    return {
        (document, layout): build(document, layout) for layout in LAYOUTS for document in DOCUMENTS
    }


@pytest.fixture(scope="session")
def personalised_pdfs() -> dict[str, Pdf]:
    """Every built-in document on A4 prepared for PATIENT, with an appointment."""
    personal = personalisation()
    return {document: build(document, "a4", personal) for document in DOCUMENTS}


@pytest.fixture()
def content_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the content folder in tmp_path, which is also the working folder, so
    error messages show paths like `content/microneedling/en-GB/info.yaml`."""
    monkeypatch.chdir(tmp_path)
    return copy_content(tmp_path)


def footer_pages(text: str) -> list[tuple[int, int]]:
    """All `Page N of M` pairs in a page's text."""
    return [(int(n), int(m)) for n, m in re.findall(r"Page (\d+) of (\d+)", text)]
