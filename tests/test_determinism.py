"""The same inputs give byte-identical PDFs, in one process and across processes."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import DOCUMENTS, PINNED_MAIN, build, personalisation

import leaflet


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
