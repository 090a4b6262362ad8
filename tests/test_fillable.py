"""Fillable consent forms (`leaflet consent --fillable`): the fields, their names, filling
them in with a PDF library, and the printed page left as it was."""

from __future__ import annotations

import io

import pypdf
import pytest
import yaml
from click.testing import CliRunner

import leaflet
from leaflet.cli import main
from leaflet.sources.bundled import CONTENT_DIR

CONSENT_YAML = CONTENT_DIR / "microneedling" / "en-GB" / "consent.yaml"
INFO_ERROR = "--fillable applies to forms; the info document has no fields"


def _render(name: str, **kwargs) -> leaflet.RenderedPdf:
    document = leaflet.load_treatment("microneedling").document(name)
    return leaflet.render_pdf(
        document, leaflet.load_brand(None), leaflet.load_layout("a4"), **kwargs
    )


def _ids(kind: str) -> list[str]:
    blocks = yaml.safe_load(CONSENT_YAML.read_text(encoding="utf-8"))["blocks"]
    return [item["id"] for block in blocks if kind in block for item in block[kind]["items"]]


@pytest.fixture(scope="module")
def fillable() -> bytes:
    return _render("consent", fillable=True).data


@pytest.fixture(scope="module")
def plain() -> bytes:
    return _render("consent").data


@pytest.fixture(scope="module")
def fields(fillable: bytes) -> dict:
    return pypdf.PdfReader(io.BytesIO(fillable)).get_fields()


def test_checklist_questions_are_yes_no_radio_groups(fields: dict) -> None:
    ids = _ids("checklist")
    assert "isotretinoin" in ids and len(ids) == 29
    for item in ids:
        field = fields[f"contraindication.{item}"]
        assert field["/FT"] == "/Btn"
        assert int(field["/Ff"]) & (1 << 15)  # a radio group: Yes and No are exclusive
        assert set(field["/_States_"]) == {"/Yes", "/No"}


def test_photo_declaration_and_detail_fields(fields: dict) -> None:
    for item in _ids("photo_consent"):
        assert set(fields[f"photo.{item}"]["/_States_"]) == {"/Yes", "/No"}
    for item in _ids("declarations"):
        field = fields[f"declaration.{item}"]
        assert field["/FT"] == "/Btn" and not int(field.get("/Ff", 0)) & (1 << 15)
    for item in _ids("patient_details") + _ids("fields"):
        assert fields[f"field.{item}"]["/FT"] == "/Tx"
    for name in ("field.patient-printed-name", "field.practitioner-role", "field.patient-date"):
        assert fields[name]["/FT"] == "/Tx"


def test_signature_fields(fields: dict) -> None:
    signatures = {name for name, field in fields.items() if field.get("/FT") == "/Sig"}
    assert {"signature.patient-signature", "signature.practitioner-signature"} <= signatures
    assert all(name.startswith("signature.") and name.endswith("signature") for name in signatures)


def test_filled_in_form_reads_back(fillable: bytes) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(fillable)))
    values = {
        "field.patient-name": "Jane Example",
        "field.medicines": "None",
        "contraindication.isotretinoin": "/Yes",
        "contraindication.sunburn": "/No",
        "photo.marketing": "/No",
        "declaration.true-information": "/Yes",
        "field.practitioner-date": "26/11/2026",
    }
    for page in writer.pages:
        if "/Annots" in page:
            writer.update_page_form_field_values(page, values, auto_regenerate=False)
    buffer = io.BytesIO()
    writer.write(buffer)
    fields = pypdf.PdfReader(buffer).get_fields()
    for name, value in values.items():
        assert fields[name].get("/V") == value, name
    assert fields["contraindication.pregnancy"].get("/V") in (None, "/Off")


def test_printed_page_is_unchanged(fillable: bytes, plain: bytes) -> None:
    filled, printed = (pypdf.PdfReader(io.BytesIO(data)) for data in (fillable, plain))
    assert len(filled.pages) == len(printed.pages)
    for ours, theirs in zip(filled.pages, printed.pages, strict=True):
        assert ours.extract_text() == theirs.extract_text()


def test_without_fillable_there_is_no_form(plain: bytes) -> None:
    assert "/AcroForm" not in pypdf.PdfReader(io.BytesIO(plain)).trailer["/Root"]


def test_field_fonts_are_helvetica_and_printed_text_in_brand_fonts(
    fillable: bytes, plain: bytes
) -> None:
    def fonts(data: bytes) -> set[str]:
        reader = pypdf.PdfReader(io.BytesIO(data))
        return {
            str(font["/BaseFont"])
            for page in reader.pages
            for font in page["/Resources"].get("/Font", {}).values()
        }

    assert fonts(fillable) == fonts(plain)
    form = pypdf.PdfReader(io.BytesIO(fillable)).trailer["/Root"]["/AcroForm"]
    assert {str(font["/BaseFont"]) for font in form["/DR"]["/Font"].values()} <= {
        "/Helvetica",
        "/ZapfDingbats",
    }


@pytest.mark.parametrize("name", ["info", "aftercare"])
def test_fillable_leaflet_is_an_error(name: str) -> None:
    with pytest.raises(leaflet.LeafletError) as caught:
        _render(name, fillable=True)
    # The command line names its option (`format_message`), a library caller the argument.
    assert caught.value.format_message() == INFO_ERROR.replace("info", name)
    assert caught.value.message == (
        f"fillable=True applies to forms; the {name} document has no fields"
    )


def test_cli_flag(tmp_path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["info", "--fillable", "-o", str(tmp_path / "i.pdf")])
    assert result.exit_code != 0 and INFO_ERROR in result.output
    result = runner.invoke(main, ["consent", "--fillable", "-o", str(tmp_path / "c.pdf")])
    assert result.exit_code == 0, result.output
    assert pypdf.PdfReader(tmp_path / "c.pdf").get_fields()


# --- issue 12: the fillable consent as a tablet user meets it ----------------------------


def _widgets(data: bytes):
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    return pdf, [
        (number, annot)
        for number, page in enumerate(pdf.pages, start=1)
        for annot in page.obj.get("/Annots", [])
        if annot.get("/Subtype") == "/Widget"
    ]


def _name(widget) -> str:
    field = widget if "/T" in widget else widget.Parent
    return str(field.T)


@pytest.fixture(scope="module")
def tablet_forms() -> dict[str, bytes]:
    personal = leaflet.Personalisation.from_text(patient_name="Zoë Ng", practitioner="Sam Lee")
    return {
        layout: leaflet.build_document(
            "consent", layout=layout, fillable=True, personal=personal
        ).data
        for layout in ("a4", "large-print")
    }


def test_tooltips_say_what_a_person_reads(tablet_forms):
    pdf, widgets = _widgets(tablet_forms["a4"])
    tips = {}
    for _, widget in widgets:
        tip = str(widget.get("/TU") or widget.Parent.get("/TU"))
        assert tip != _name(widget) and _name(widget).split(".")[0] not in tip, tip
        tips.setdefault(_name(widget), []).append(tip)
    question = "Do you have a cold sore or any other skin infection now?"
    assert tips["contraindication.skin-infection"] == [f"{question} Yes", f"{question} No"]
    group = next(
        f for f in pdf.Root.AcroForm.Fields if str(f.T) == "contraindication.skin-infection"
    )
    assert str(group.TU) == question
    assert tips["field.patient-email"] == ["Email"]
    assert tips["signature.patient-signature"] == ["Patient: Signature"]
    assert tips["declaration.may-withdraw"] == ["I know I can change my mind and stop at any time."]


def test_tab_order_follows_reading_order(tablet_forms):
    pdf, widgets = _widgets(tablet_forms["a4"])
    for page in pdf.pages:
        annots = list(page.obj.get("/Annots", []))
        if not annots:
            continue
        assert page.obj.Tabs == "/S"
        tops = [(-round(float(a.Rect[3])), float(a.Rect[0])) for a in annots]
        assert tops == sorted(tops)
    order = [_name(w) for _, w in widgets]
    assert order.index("signature.patient-signature") < order.index("field.patient-printed-name")
    assert order.index("field.patient-printed-name") < order.index("field.patient-date")


def test_prefilled_values_are_filled_fields(tablet_forms):
    _pdf, widgets = _widgets(tablet_forms["a4"])
    values = {_name(w): str(w.get("/V", "")) for _, w in widgets if "/T" in w}
    assert values["field.patient-name"] == "Zoë Ng"
    assert values["field.patient-printed-name"] == "Zoë Ng"
    assert values["field.practitioner-printed-name"] == "Sam Lee"
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(tablet_forms["a4"])).pages
    )
    assert "Zoë Ng" not in text  # in the fields, not printed under them


def test_fields_take_the_layouts_text_size_and_boxes_show_in_every_state(tablet_forms):
    """Several lines are typed in the layout's text size; one line shrinks what is typed
    to fit (size 0), so a long name is never cut off. A pre-filled value shows in the
    layout's size, in the brand font, embedded."""
    for layout, size in (("a4", 12), ("large-print", 18)):
        _pdf, widgets = _widgets(tablet_forms[layout])
        texts = [w for _, w in widgets if w.get("/FT") == "/Tx"]
        multiline = [w for w in texts if int(w.get("/Ff", 0)) & 4096]
        one_line = [w for w in texts if w not in multiline]
        assert {_name(w) for w in multiline} >= {"field.medicines", "field.allergies"}
        assert all(f" {size} Tf" in str(w.DA) for w in multiline)
        assert one_line and all(" 0 Tf" in str(w.DA) for w in one_line)
        filled = next(w for w in texts if _name(w) == "field.patient-name")
        appearance = filled.AP.N
        assert f" {size:g} Tf".encode() in appearance.read_bytes()
        fonts = list(appearance.Resources.Font.values())
        assert fonts and all("NotoSans" in str(font.BaseFont) for font in fonts)
        assert all("/FontFile2" in font.FontDescriptor for font in fonts)
    _pdf, widgets = _widgets(tablet_forms["a4"])
    for _, widget in widgets:
        kind = widget.get("/FT") or widget.Parent.get("/FT")
        if kind == "/Btn":
            for state in widget.AP.N.values():
                assert b" re" in state.read_bytes()  # the box itself
        if kind == "/Sig":
            assert b" re S" in widget.AP.N.read_bytes()  # a visible box before signing
