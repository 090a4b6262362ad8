"""Provenance: the fingerprint recorded in every PDF, `leaflet verify`, and review dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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


# --- PDFs locked with a password, as emailed ---------------------------------------------


@pytest.fixture(scope="module")
def locked_pdf(tmp_path_factory) -> Path:
    from leaflet.mail.encrypt import encrypt_pdf

    folder = tmp_path_factory.mktemp("locked")
    personal = leaflet.Personalisation.from_text("Ann Lee", "1985-04-23")
    data = leaflet.build_document("consent", personal=personal).data
    path = folder / "consent-form.pdf"
    path.write_bytes(encrypt_pdf(data, "230419850123"))  # AES-256, as leaflet email locks
    return path


def test_verify_opens_a_locked_pdf_with_its_password(locked_pdf):
    result = invoke(["verify", str(locked_pdf), "--password", "230419850123"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{locked_pdf}: MN-CON-01 version {VERSION} (microneedling/")
    assert verify(locked_pdf, password="230419850123").matches


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        (None, "is locked with a password"),
        ("23041985", "does not open with that password"),
    ],
)
def test_verify_without_the_right_password_is_one_error_line(locked_pdf, password, problem):
    args = ["verify", str(locked_pdf)] + (["--password", password] if password else [])
    result = invoke(args)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {locked_pdf}: this PDF {problem}; give the one it was sent with (the "
        "clinic's email.password setting says how it is made) as --password, or type it "
        "when asked"
    ]
    with pytest.raises(leaflet.PasswordNeeded) as caught:
        verify(locked_pdf, password=password)
    assert caught.value.message.endswith("as password='...'")


def test_verify_asks_for_the_password_on_a_terminal(locked_pdf, monkeypatch):
    monkeypatch.setattr("leaflet.cli.admin.can_ask", lambda: True)
    result = invoke(["verify", str(locked_pdf)], input="230419850123\n")
    assert result.exit_code == 0, result.output
    assert f"Password for {locked_pdf}: " in result.stderr
    assert "230419850123" not in result.output  # typed unseen
    assert f"{locked_pdf}: MN-CON-01 version {VERSION}" in result.stdout


def test_verify_opens_aes_pdfs_without_the_cryptography_package(locked_pdf):
    """pypdf needs `cryptography` for AES, which only the test extra installs: a clinic's
    install crashed with a traceback."""
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['cryptography'] = None; "
        "from leaflet.cli import main; main(prog_name='leaflet')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "verify", str(locked_pdf), "--password", "230419850123"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "MN-CON-01 version" in result.stdout
