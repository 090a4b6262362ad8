"""Provenance: the fingerprint recorded in every PDF, `leaflet verify`, and review dates."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import VERSION, build, copy_content, invoke, read_pdf, replace_in

import leaflet
from leaflet.render.provenance import fingerprint, verify


def test_metadata_records_reference_version_and_fingerprint(default_pdfs):
    for (document, layout), pdf in default_pdfs.items():
        meta = pdf.metadata
        treatment = leaflet.load_treatment("microneedling")
        expected = fingerprint(treatment.document(document), leaflet.load_brand())
        assert meta["/LeafletFingerprint"] == expected, (document, layout)
        assert meta["/LeafletReference"] == treatment.document(document).meta.reference
        assert meta["/LeafletVersion"] == VERSION
        assert meta["/LeafletSource"] == f"microneedling/en-GB/{document}"


def test_fingerprint_ignores_patient_and_layout():
    plain = build("consent", "a4").metadata["/LeafletFingerprint"]
    personal = leaflet.Personalisation.from_text(patient_name="Zoë Ng")
    assert build("consent", "letter", personal).metadata["/LeafletFingerprint"] == plain


@pytest.mark.parametrize("layout", ["a4", "a5-booklet", "dl-trifold"])
def test_verify_round_trip(tmp_path, layout):
    path = tmp_path / "info.pdf"
    build("info", layout).rendered.write(path)
    verdict = verify(path, leaflet.load_brand())
    assert verdict.matches
    assert verdict.describe() == (
        f"MN-INF-01 version {VERSION} (microneedling/en-GB/info), "
        f"fingerprint {verdict.recorded[:8]}: "
        "the current content and brand give the same wording"
    )


def test_verify_notices_a_changed_sentence(tmp_path):
    content = copy_content(tmp_path / "content")
    path = tmp_path / "consent.pdf"
    build("consent", content_dir=content).rendered.write(path)
    replace_in(
        content / "microneedling/en-GB/consent.yaml",
        "Tiny spots of bleeding",
        "Small spots of bleeding",
    )
    verdict = verify(path, leaflet.load_brand(), content)
    assert not verdict.matches
    assert "the current content or brand differs" in verdict.describe()
    result = invoke(["verify", str(path), "--content-dir", str(content)])
    assert result.exit_code == 1
    assert "this PDF shows wording that has since changed" in result.stdout


def test_verify_cli_matches(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke(["consent", "-o", "c.pdf"]).exit_code == 0
    result = invoke(["verify", "c.pdf"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"c.pdf: MN-CON-01 version {VERSION} (microneedling/en-GB/consent)"
    )


def test_verify_a_pdf_without_provenance(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "other.pdf"
    Canvas(str(path)).save()
    with pytest.raises(leaflet.LeafletError) as raised:
        verify(path, leaflet.load_brand())
    assert raised.value.message == (
        f"{path}: no leaflet provenance in this PDF (it was not made by leaflet, or by a "
        "version before provenance was recorded)"
    )


def test_expired_wording_is_refused_then_marked():
    treatment = leaflet.load_treatment("microneedling")
    document, brand, layout = (
        treatment.document("aftercare"),
        leaflet.load_brand(),
        leaflet.load_layout("a4"),
    )
    later = dt.date(2028, 12, 1)
    with pytest.raises(leaflet.LeafletError) as raised:
        leaflet.render_pdf(document, brand, layout, today=later)
    assert raised.value.format_message().endswith(
        "content/microneedling/en-GB/aftercare.yaml: the wording was due for review on 30 November "
        "2028; review it and update meta.review, or build anyway with --allow-expired (the "
        "PDF then says the wording is past its review date)"
    )
    assert raised.value.message.endswith(
        "update meta.review, or build anyway with allow_expired=True (the PDF then says the "
        "wording is past its review date)"
    )
    pdf = read_pdf(
        leaflet.render_pdf(document, brand, layout, today=later, allow_expired=True).data
    )
    assert "Review overdue: This wording was due for review on 30 November 2028." in pdf.text
    assert all("Review date 30 November 2028 (overdue)" in page for page in pdf.pages)
    on_time = read_pdf(
        leaflet.render_pdf(document, brand, layout, today=dt.date(2028, 11, 30)).data
    )
    assert "overdue" not in on_time.text
