"""Personal details: pre-filled forms, 'Prepared for' notes, escaping and real glyphs."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import (
    CLINIC,
    PATIENT,
    PRACTITIONER,
    build,
    copy_content,
    personalisation,
    replace_in,
    write_brand,
)

import leaflet
from leaflet.sources.dates import format_date, format_time
from leaflet.sources.personal import (
    Personalisation,
    parse_appointment,
    parse_date_of_birth,
    parse_name,
)

APPOINTMENT_LINE = f"Your appointment: Tuesday, 1 December 2026 at 10:30 with {PRACTITIONER}"
UNICODE_NAMES = ["Łukasz Wróbel", "Zoë Ng", "Дмитрий Иванов"]


# --- pre-filled and prepared-for ------------------------------------------------------


def test_consent_is_prefilled(personalised_pdfs):
    text = personalised_pdfs["consent"].text
    assert f"Full name {PATIENT} Date of birth 23 April 1985" in text
    assert f"Printed name {PATIENT}" in text
    assert f"Printed name {PRACTITIONER}" in text


def test_consent_prints_the_name_exactly_where_it_is_asked_for(personalised_pdfs):
    # Full name, the patient's printed name and the withdrawal printed name.
    assert personalised_pdfs["consent"].text.count(PATIENT) == 3


def test_consent_has_no_prepared_for_note(personalised_pdfs):
    assert "Prepared for" not in personalised_pdfs["consent"].text
    assert "Your appointment" not in personalised_pdfs["consent"].text


@pytest.mark.parametrize("document", ["info", "aftercare"])
def test_leaflets_say_who_they_are_prepared_for(personalised_pdfs, document):
    first = personalised_pdfs[document].pages[0]
    assert f"Prepared for {PATIENT} {APPOINTMENT_LINE}" in first
    assert personalised_pdfs[document].text.count("Prepared for") == 1


def test_blank_consent_has_empty_lines(default_pdfs):
    text = default_pdfs["consent", "a4"].text
    assert "Full name Date of birth Phone number Email" in text
    assert "Printed name Date" in text


@pytest.mark.parametrize("document", ["info", "consent", "aftercare"])
def test_blank_documents_have_no_personal_note(default_pdfs, document):
    text = default_pdfs[document, "a4"].text
    assert "Prepared for" not in text
    assert "Your appointment" not in text
    assert "Your practitioner" not in text


def test_practitioner_without_appointment():
    pdf = build("info", "a4", Personalisation.from_text(practitioner=PRACTITIONER))
    assert f"Your practitioner: {PRACTITIONER}" in pdf.pages[0]
    assert "Prepared for" not in pdf.text


def test_appointment_without_practitioner():
    pdf = build("aftercare", "a4", Personalisation.from_text(appointment="2026-12-01T09:05"))
    assert "Your appointment: Tuesday, 1 December 2026 at 09:05 This leaflet" in pdf.pages[0]


@pytest.mark.parametrize("document", ["info", "consent", "aftercare"])
def test_patient_name_is_not_in_the_metadata(personalised_pdfs, document):
    pdf = personalised_pdfs[document]
    for key, value in pdf.metadata.items():
        for part in ("O'Brien", "Ann", "Priya", "1985"):
            assert part not in value, key
    assert pdf.metadata["/Author"] == CLINIC


# --- escaping -------------------------------------------------------------------------


def test_clinic_name_with_markup_prints_exactly(tmp_path):
    name = "Smith <i>& Jones</i> Skin"
    brand = write_brand(tmp_path, {"name: Example Skin Clinic": f"name: {name}"})
    for document in ("info", "consent"):
        pdf = build(document, "a4", brand=brand)
        for page in pdf.pages:
            assert page.startswith(f"{name} 020 7946 0000 ")
        assert pdf.metadata["/Author"] == name
        assert "&amp;" not in pdf.text and "&lt;" not in pdf.text
    assert f"{name} · 020 7946 0000 Patient initials" in pdf.text  # consent footer
    info = build("info", "a4", brand=brand)
    assert "How to contact us" in info.text
    assert f"{name} 12 Example Street" in info.text


def test_clinic_name_in_wording_is_escaped(tmp_path):
    name = "Smith <i>& Jones</i> Skin"
    brand = write_brand(tmp_path, {"name: Example Skin Clinic": f"name: {name}"})
    content = copy_content(tmp_path)
    replace_in(
        content / "microneedling" / "en-GB" / "info.yaml",
        "  - heading: What is microneedling?\n",
        '  - paragraph: "Welcome to **our** {{ clinic.name }}, {{ treatment.name }} '
        '& <b>more</b>."\n  - heading: What is microneedling?\n',
    )
    pdf = build("info", "a4", brand=brand, content_dir=content)
    assert f"Welcome to our {name}, Microneedling & <b>more</b>." in pdf.text


# --- unicode names --------------------------------------------------------------------


@pytest.mark.parametrize("name", UNICODE_NAMES)
@pytest.mark.parametrize("document", ["info", "consent"])
def test_names_print_with_real_glyphs(name, document):
    brand = leaflet.load_brand()
    assert brand.fonts.missing(name) == []
    pdf = build(document, "a4", personalisation(name))
    assert name in pdf.text
    expected = f"Full name {name}" if document == "consent" else f"Prepared for {name}"
    assert expected in pdf.text


def test_missing_glyph_is_refused_naming_it():
    document = leaflet.load_treatment("microneedling").document("consent")
    with pytest.raises(leaflet.LeafletError) as raised:
        leaflet.render_pdf(
            document, leaflet.load_brand(), leaflet.load_layout("a4"), personalisation("Ann 漢")
        )
    assert raised.value.message == (
        "patient name: the brand fonts cannot print '漢' (U+6F22 CJK UNIFIED IDEOGRAPH-6F22)"
    )


def test_missing_glyph_in_practitioner_is_refused():
    document = leaflet.load_treatment("microneedling").document("info")
    with pytest.raises(leaflet.LeafletError) as raised:
        leaflet.render_pdf(
            document,
            leaflet.load_brand(),
            leaflet.load_layout("a4"),
            Personalisation.from_text(practitioner="Dr ☃ Snow"),
        )
    assert raised.value.message == (
        "practitioner: the brand fonts cannot print '☃' (U+2603 SNOWMAN)"
    )


# --- parsing and formatting -----------------------------------------------------------


def test_from_text_parses_everything():
    personal = personalisation()
    assert personal == Personalisation(
        PATIENT, dt.date(1985, 4, 23), dt.datetime(2026, 12, 1, 10, 30), PRACTITIONER
    )
    assert personal


def test_empty_personalisation_is_false():
    assert not Personalisation()
    assert not Personalisation.from_text(patient_name="  ", date_of_birth="", appointment=None)


def test_name_whitespace_is_folded():
    assert parse_name("  Zoë \t  Ng \n") == "Zoë Ng"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse_name("Ann\x07"), "name: contains a control character"),
        (
            lambda: Personalisation.from_text(patient_name="x" * 201),
            "patient name: longer than 200 characters",
        ),
        (
            lambda: Personalisation.from_text(date_of_birth="04/05/1985"),
            "date of birth: '04/05/1985' could be 4 May 1985 (day first) or 5 April 1985 "
            "(month first), and the date order is not set: set date_order='day-first' or "
            "'month-first'",
        ),
        (
            lambda: Personalisation.from_text(date_of_birth="2999-01-01"),
            "date of birth: '2999-01-01' is in the future",
        ),
        (
            lambda: Personalisation.from_text(appointment="2026-12-01"),
            "appointment: '2026-12-01' has no time; add one, e.g. 2026-12-01 09:00 (or 9:00 AM)",
        ),
        (
            lambda: Personalisation.from_text(appointment="tomorrow at ten"),
            "appointment: 'tomorrow at ten' is not a date and time; expected a date and time "
            "such as 2026-12-01 09:00 or 1 December 2026 9:00 AM",
        ),
    ],
)
def test_bad_personal_details(call, message):
    with pytest.raises(leaflet.LeafletError) as raised:
        call()
    assert raised.value.message == message


def test_appointment_with_a_space():
    assert parse_appointment("2026-12-01 10:30") == dt.datetime(2026, 12, 1, 10, 30)
    assert parse_date_of_birth(None) is None


@pytest.mark.parametrize(
    ("language", "weekday", "expected"),
    [
        ("en-GB", False, "1 December 2026"),
        ("en-GB", True, "Tuesday, 1 December 2026"),
        ("en-US", False, "December 1, 2026"),
        ("en-US", True, "Tuesday, December 1, 2026"),
    ],
)
def test_format_date(language, weekday, expected):
    assert format_date(dt.date(2026, 12, 1), language, weekday=weekday) == expected


@pytest.mark.parametrize(
    ("language", "hour", "expected"),
    [
        ("en-GB", 14, "14:30"),
        ("en-GB", 9, "09:30"),
        ("en-US", 14, "2:30\u202fPM"),
        ("en-US", 0, "12:30\u202fAM"),
        ("en-US", 12, "12:30\u202fPM"),
    ],
)
def test_format_time(language, hour, expected):
    assert format_time(dt.datetime(2026, 12, 1, hour, 30), language) == expected
