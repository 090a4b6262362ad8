"""The public API: everything at the root of `leaflet`, and no settings changed behind
a caller's back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import build
from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

import leaflet


def test_star_import_gives_every_public_name() -> None:
    namespace: dict[str, object] = {}
    exec("from leaflet import *", namespace)
    assert set(leaflet.__all__) <= set(namespace)
    assert namespace["PressOptions"] is leaflet.PressOptions
    assert {"build_batch", "email_appointments", "read_appointments", "verify"} <= set(namespace)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'render_everything'"):
        leaflet.render_everything  # noqa: B018


def test_reportlab_settings_are_left_alone() -> None:
    """leaflet writes binary streams in its own PDFs without changing ReportLab's
    process-wide default, so other code in the process still gets ASCII85 streams."""
    default = rl_config.useA85
    pdf = build("info", "a4")
    assert rl_config.useA85 == default == 1
    assert b"/ASCII85Decode" not in pdf.data
    other = io.BytesIO()
    canvas = Canvas(other)
    canvas.drawString(100, 100, "someone else's PDF")
    canvas.save()
    assert b"/ASCII85Decode" in other.getvalue()


def test_building_never_changes_a_style() -> None:
    brand, layout = leaflet.load_brand(), leaflet.load_layout("a4")
    styles = layout.styles(brand.fonts.regular, brand.fonts.bold, brand.colour)
    before = {name: dict(vars(style)) for name, style in styles.items()}
    treatment = leaflet.load_treatment("microneedling")
    for name in leaflet.DOCUMENTS:
        leaflet.render_pdf(treatment.document(name), brand, layout)
    assert {name: dict(vars(style)) for name, style in styles.items()} == before


def test_every_block_type_has_one_builder() -> None:
    from leaflet.sources.schema import BLOCK_TYPES
    from leaflet.story.builder import BLOCK_MODULES
    from leaflet.story.registry import BLOCK_BUILDERS, block_builder

    assert BLOCK_MODULES  # importing the builder registers them all
    assert set(BLOCK_BUILDERS) == set(BLOCK_TYPES)
    with pytest.raises(ValueError, match="'poster' is not a block type"):
        block_builder("poster")
    with pytest.raises(ValueError, match="'heading' already has a builder"):
        block_builder("heading")(lambda story, value, where: [])


def test_catalogue_lists_treatments_and_layouts() -> None:
    catalogue = leaflet.catalogue()
    assert [t.slug for t in catalogue.treatments] == ["microneedling"]
    assert catalogue.treatments[0].documents == ("info", "consent", "aftercare")
    assert [layout.name for layout in catalogue.layouts] == leaflet.known_layouts()
    assert catalogue.layouts_dir == leaflet.LAYOUTS_DIR


def test_email_appointments_leaves_out_appointments_without_an_address(tmp_path: Path) -> None:
    csv = tmp_path / "day.csv"
    csv.write_text(
        "appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner,"
        "mobile\n"
        "A1,Zoë Ng,1985-04-23,zoe@example.com,microneedling,2026-12-01T10:30,,07700 900123\n"
        "A2,Sam Lee,1970-01-02,,microneedling,2026-12-01T11:30,,\n",
        encoding="utf-8",
    )
    appointments, problems = leaflet.read_appointments(csv)
    settings = leaflet.BatchSettings(documents=("consent",))
    result = leaflet.email_appointments(
        appointments, tmp_path / "out", settings=settings, dry_run=True, jobs=1
    )
    assert problems == [] and result.ok
    assert [entry.appointment_id for entry in result.built.built] == ["A1"]  # A2 not built
    assert [(p.appointment_id, p.attachments) for p in result.report.planned] == [
        ("A1", (("consent-form.pdf", True),))
    ]
    assert result.report.no_email == ["A2"]
    assert result.outbox is None  # a dry run writes nothing
    assert not (tmp_path / "out" / "outbox").exists()
