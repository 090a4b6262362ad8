"""The same inputs give byte-identical PDFs, in one process and across processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DOCUMENTS, PINNED_MAIN, build, personalisation
from reportlab.lib.styles import ParagraphStyle

import leaflet
from leaflet.story.flowables.text import Para


@pytest.mark.parametrize("document", DOCUMENTS)
def test_rebuild_is_byte_identical(default_pdfs, document):
    again = build(document, "a4")
    assert again.data == default_pdfs[document, "a4"].data
    assert again.rendered.page_count == default_pdfs[document, "a4"].rendered.page_count


def test_letter_rebuild_is_byte_identical(default_pdfs):
    assert build("consent", "letter").data == default_pdfs["consent", "letter"].data


@pytest.mark.parametrize("document", DOCUMENTS)
def test_personalised_rebuild_is_byte_identical(personalised_pdfs, document):
    assert build(document, "a4", personalisation()).data == personalised_pdfs[document].data


def test_different_patient_gives_different_bytes(personalised_pdfs):
    other = build("consent", "a4", personalisation("Ann O'Brien"))
    assert other.data != personalised_pdfs["consent"].data


def test_personalised_differs_from_blank(default_pdfs, personalised_pdfs):
    for document in DOCUMENTS:
        assert personalised_pdfs[document].data != default_pdfs[document, "a4"].data


def test_no_creation_time_in_the_file(default_pdfs):
    # The wording's publication date instead of the build time.
    published = leaflet.load_treatment("microneedling").document("info").meta.published
    meta = default_pdfs["info", "a4"].metadata
    assert meta["/CreationDate"] == meta["/ModDate"] == f"D:{published:%Y%m%d}000000+00'00'"


def test_same_bytes_from_another_process(default_pdfs, tmp_path):
    target = tmp_path / "info.pdf"
    result = subprocess.run(
        [sys.executable, "-c", PINNED_MAIN, "info", "-o", str(target)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == default_pdfs["info", "a4"].data


def _split_lines(text: str, style: ParagraphStyle) -> list[list[str]]:
    """The words of each line of the first part of `text` split at four lines."""
    paragraph = Para(text, style)
    paragraph.wrap(150, 1000)
    first, _ = paragraph.split(150, 4 * style.leading)
    return [[word.text for word in line.words] for line in first.blPara.lines]


def test_kept_paragraph_splits_alike_when_laid_out_again():
    # Two fonts make ReportLab keep the lines as words with their fonts. A paragraph
    # laid out again comes from the kept wording: it must split exactly as the first
    # did (it used to split the other way ReportLab knows, which also left a space at
    # the end of each kept line, drawn by every later build).
    style = ParagraphStyle("split-alike", fontName="Helvetica", fontSize=12, leading=16)
    text = "<b>" + "Bold words come first here. " * 4 + "</b>" + "Then plain words. " * 6
    first = _split_lines(text, style)
    assert _split_lines(text, style) == first
    assert _split_lines(text, style) == first
    assert not any(word.endswith(" ") for line in first for word in line[-1:])


ARABIC_NAMES_HEADER = (
    "appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner,"
    "layout,language"
)
#: Polish letter information leaflets: the first is stamped on a base, the second (a
#: name in Arabic script) laid out in full; both lay out the same wording, and a
#: paragraph of it is split by a page.
ARABIC_NAMES_ROWS = {
    "V0037": "V0037,Olúwaseun Lee,1987-02-10,,microneedling,2026-12-01T12:19,"
    "Nurse Amy Jones,letter,pl",
    "V0006": "V0006,Mei العلي,1956-07-07,,microneedling,2026-12-01T08:42,Dr Priya Patel,letter,pl",
}


def _batch_in_new_process(folder: Path, order: list[str], hash_seed: str) -> dict[str, bytes]:
    """The information leaflets of a batch of `order`, built by a new interpreter."""
    folder.mkdir()
    rows = [ARABIC_NAMES_ROWS[ident] for ident in order]
    (folder / "day.csv").write_text("\n".join([ARABIC_NAMES_HEADER, *rows]) + "\n", "utf-8")
    command = ["batch", "day.csv", "--out-dir", "out", "--jobs", "1", "--documents", "info"]
    result = subprocess.run(
        [sys.executable, "-c", PINNED_MAIN, *command],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return {ident: (folder / "out" / f"{ident}-info.pdf").read_bytes() for ident in order}


def test_batch_copies_do_not_depend_on_what_the_process_built_before(tmp_path):
    # Each document once first in its process, once after the other; hash seeds differ.
    one = _batch_in_new_process(tmp_path / "one", ["V0037", "V0006"], hash_seed="1")
    other = _batch_in_new_process(tmp_path / "other", ["V0006", "V0037"], hash_seed="2")
    assert one["V0037"] == other["V0037"]  # a copy stamped on a base
    assert one["V0006"] == other["V0006"]  # a full build
