"""Appointments exports as booking systems and Excel write them (tests/fixtures/exports/).

Each fixture is a real-looking export, read with no hand edits:

- `uk-excel-semicolons.csv`: 20 rows from a British booking system through Excel's "CSV
  UTF-8" where the list separator is a semicolon: byte-order mark, CRLF, headers such as
  "Appointment ID" and "Date of Birth", dates 08/05/1966 and "01/12/2026 09:00", the
  treatment in four spellings, two rows without an email, one without a mobile.
- `us-commas.csv`: an American system: commas, the name in two columns, month-first
  dates, "12/01/2026 9:00 AM", treatments under their aliases (Dermapen...).
- `windows-1252.csv`: Excel's plain "CSV" on a British Windows PC: Windows-1252, dotted
  dates (8.5.1966), the appointment's date and time in two columns.
- `utf16-tabs.txt`: Excel's "Unicode Text": UTF-16, tabs, headers no booking system
  shares (mapped in leaflet.yaml), month names, international email addresses.
- `sep-line.csv`, `header-only.csv`, `empty.csv`: Excel's `sep=;` line, and files with
  no appointments.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import invoke, read_pdf, write_brand

import leaflet
from leaflet import ExportFormat, read_appointments

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
UK, US = FIXTURES / "uk-excel-semicolons.csv", FIXTURES / "us-commas.csv"
CP1252, UTF16 = FIXTURES / "windows-1252.csv", FIXTURES / "utf16-tabs.txt"
#: leaflet.yaml of a clinic whose booking system writes utf16-tabs.txt.
MAPPED_WORKSPACE = """\
appointments:
  columns:
    appointment_id: Visit No.
    patient_name: Guest
    date_of_birth: Born
    treatment: Booked Item
    appointment: Slot
"""


def workspace(folder: Path, appointments: str) -> Path:
    """A clinic folder whose leaflet.yaml has `appointments` (YAML under that key), and
    a sub-folder for the day's export, as a clinic keeps them."""
    (folder / "leaflet.yaml").write_text(appointments, encoding="utf-8")
    day = folder / "exports" / "december"
    day.mkdir(parents=True)
    return day


def read(path: Path, **settings: object) -> tuple[list[leaflet.Appointment], list[str]]:
    appointments, problems = read_appointments(path, ExportFormat(**settings))  # type: ignore[arg-type]
    return appointments, [str(problem) for problem in problems]


# --- headers ------------------------------------------------------------------------------


def test_the_uk_export_reads_whole_in_its_locale():
    appointments, problems = read(UK, locale="en-GB")
    assert problems == []
    assert len(appointments) == 20
    first = appointments[0]
    assert first.appointment_id == "APT-1001"
    assert first.personal.patient_name == "Margaret Ellis"
    assert first.personal.date_of_birth == dt.date(1966, 5, 8)
    assert first.personal.appointment == dt.datetime(2026, 12, 1, 9, 0)
    assert first.personal.practitioner == "Dr Priya Patel"
    assert (first.mobile, first.personal.phone) == ("07700 900101", "07700 900101")
    assert first.email == "m.ellis@example.com"
    assert appointments[-1].personal.appointment == dt.datetime(2026, 12, 2, 16, 30)
    assert {a.treatment for a in appointments} == {
        "Microneedling",
        "MICRONEEDLING",
        "microneedling",
        "Micro-needling",
    }
    assert [a.appointment_id for a in appointments if not a.email] == ["APT-1003", "APT-1012"]


@pytest.mark.parametrize(
    "header", ["Appointment ID", "appointment-id", "APPOINTMENT_ID", " Appointment  Id. "]
)
def test_headers_match_ignoring_case_spaces_underscores_and_punctuation(header):
    text = (
        f"{header},Patient Name,TREATMENT,appointment\nA1,Ann Lee,Microneedling,2026-12-01 09:00\n"
    )
    appointments, problems = leaflet.parse_appointments(text)
    assert problems == []
    assert [a.appointment_id for a in appointments] == ["A1"]


def test_a_missing_column_names_the_header_row_and_the_mapping():
    text = "Visit,Patient,Service,When\nA1,Ann Lee,Microneedling,2026-12-01 09:00\n"
    with pytest.raises(leaflet.LeafletError) as caught:
        leaflet.parse_appointments(text, "day.csv")
    assert caught.value.message == (
        "day.csv: no column for appointment_id, appointment (or appointment_date and "
        "appointment_time); the header row has: Visit, Patient, Service, When. If the export "
        "calls it something else, map it with ExportFormat(columns={...}) (e.g. "
        "appointment_id: Visit number)"
    )


def test_two_columns_that_are_one_header_are_refused():
    text = (
        "Appointment ID,Patient,appointment_id,Service,Start\n"
        "A1,Ann Lee,A1,Microneedling,2026-12-01 09:00\n"
    )
    with pytest.raises(leaflet.LeafletError) as caught:
        leaflet.parse_appointments(text, "day.csv")
    assert caught.value.message == (
        "day.csv: columns 1 and 3 ('Appointment ID' and 'appointment_id') could both be "
        "appointment_id; rename one in the export, or map the right one with "
        "ExportFormat(columns={...})"
    )


def test_the_column_mapping_in_leaflet_yaml_reads_headers_nobody_else_uses(tmp_path, monkeypatch):
    day = workspace(tmp_path, MAPPED_WORKSPACE)
    monkeypatch.chdir(day)
    result = invoke(["batch", "--show-columns", str(UTF16)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{UTF16}: UTF-16, tabs, 3 rows below the header",
        "  Visit No.    -> appointment_id    names the appointment's files (required) "
        "(leaflet.yaml)",
        "  Guest        -> patient_name      printed on the documents (required, or "
        "first_name and last_name) (leaflet.yaml)",
        "  Born         -> date_of_birth     printed on forms; the email password (leaflet.yaml)",
        "  Telephone    -> mobile            the consent form's phone line; the email password",
        "  Email        -> email             where leaflet email sends the pack",
        "  Booked Item  -> treatment         which treatment's documents (required; names and "
        "aliases in treatment.yaml) (leaflet.yaml)",
        "  Slot         -> appointment       date and time (required, or appointment_date and "
        "appointment_time) (leaflet.yaml)",
        "  Clinician    -> practitioner      printed on the documents",
        "  Language     -> language          the row's language",
        "Not in this export: layout",
        "Dates: not set: dates such as 08/05/1966 are refused (1966-05-08 and 8 May 1966 read)",
        "Row 2 reads: date of birth 8 May 1966; appointment Tuesday 1 December 2026, 14:15; "
        "treatment Microneedling",
    ]


def test_a_mapping_naming_no_column_says_where_it_was_set(tmp_path, monkeypatch):
    day = workspace(tmp_path, "appointments:\n  columns:\n    patient_name: Client Name\n")
    monkeypatch.chdir(day)
    result = invoke(["batch", str(UTF16), "--out-dir", "out"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {UTF16}: no column 'Client Name' for patient_name (set in leaflet.yaml); "
        "the header row has: Visit No., Guest, Born, Telephone, Email, Booked Item, Slot, "
        "Clinician, Language"
    ]


def test_show_columns_says_how_the_uk_export_reads(tmp_path, monkeypatch):
    day = workspace(tmp_path, "appointments:\n  locale: en-GB\n")
    monkeypatch.chdir(day)
    result = invoke(["batch", "--show-columns", str(UK)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{UK}: UTF-8 with a byte-order mark, semicolons, 20 rows below the header"
    assert "  Status             (not read)" in lines
    assert lines[-3:] == [
        "Not in this export: layout, language",
        "Dates: day first (DD/MM/YYYY, e.g. 08/05/1966 for 8 May 1966), from the locale "
        "en-GB in leaflet.yaml",
        "Row 2 reads: date of birth 8 May 1966; appointment Tuesday 1 December 2026, 09:00; "
        "treatment Microneedling",
    ]
    assert not (day / "out").exists()  # built nothing


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "order", "expected"),
    [
        ("08/05/1966", "day-first", dt.date(1966, 5, 8)),
        ("8.5.1966", "day-first", dt.date(1966, 5, 8)),
        ("8-5-1966", "day-first", dt.date(1966, 5, 8)),
        ("1966-05-08", None, dt.date(1966, 5, 8)),
        ("8 May 1966", None, dt.date(1966, 5, 8)),
        ("May 8, 1966", None, dt.date(1966, 5, 8)),
        ("08-May-1966", None, dt.date(1966, 5, 8)),
        ("05/08/1966", "month-first", dt.date(1966, 5, 8)),
        ("25/12/1980", None, dt.date(1980, 12, 25)),  # only one order reads it
        ("05/05/1966", None, dt.date(1966, 5, 5)),  # both orders read it the same
    ],
)
def test_dates_of_birth_as_people_write_them(written, order, expected):
    assert leaflet.parse_date_of_birth(written, order=order) == expected


@pytest.mark.parametrize(
    ("written", "order", "expected"),
    [
        ("01/12/2026 09:00", "day-first", dt.datetime(2026, 12, 1, 9, 0)),
        ("01/12/2026 9:00 AM", "day-first", dt.datetime(2026, 12, 1, 9, 0)),
        ("12/01/2026 1:15 PM", "month-first", dt.datetime(2026, 12, 1, 13, 15)),
        ("12/01/2026 12:30 am", "month-first", dt.datetime(2026, 12, 1, 0, 30)),
        ("1.12.2026 14:00:00", "day-first", dt.datetime(2026, 12, 1, 14, 0)),
        ("2026-12-01T10:30", None, dt.datetime(2026, 12, 1, 10, 30)),
        ("Tue 1 Dec 2026 14:15", None, dt.datetime(2026, 12, 1, 14, 15)),
        ("December 1, 2026 4:45pm", None, dt.datetime(2026, 12, 1, 16, 45)),
        ("01/12/26 09:00", "day-first", dt.datetime(2026, 12, 1, 9, 0)),
    ],
)
def test_appointments_as_booking_systems_write_them(written, order, expected):
    assert leaflet.parse_appointment(written, order=order) == expected


ISO_DATES = [
    *("1966-05-08", "2024-02-29", "2026-02-29", "2026-13-01", "2026-00-10", "0000-01-01"),
    *("2026-12-01T09:00", "2026-12-01 23:59", "2026-12-01T24:00", "2026-12-01T09:60"),
    *("2026-02-30T10:00", "2026-12-01T9:00", "2026-1-01", " 2026-12-01", "2026-12-01T09:00:00"),
    "\u0662\u0660\u0662\u0666-\u0661\u0662-\u0660\u0661",  # in Arabic-Indic digits
]


@pytest.mark.parametrize("written", ISO_DATES)
@pytest.mark.parametrize("read", ["read_date", "read_datetime"])
def test_iso_dates_read_as_the_general_reading_reads_them(monkeypatch, read, written):
    """Plain ISO dates and times take a shortcut; it gives what the general reading
    gives, date or problem, in either order."""
    import re

    from leaflet.sources import written_dates

    def outcome() -> object:
        try:
            return getattr(written_dates, read)(written, "day-first")
        except written_dates.DateProblem as err:
            return err.parts

    shortcut = outcome()
    monkeypatch.setattr(written_dates, "_PLAIN_ISO", re.compile(r"(?!)"))  # matches nothing
    assert outcome() == shortcut


@pytest.mark.parametrize(
    ("written", "order", "message"),
    [
        (
            "08/05/1966",
            None,
            "date of birth: '08/05/1966' could be 8 May 1966 (day first) or 5 August 1966 "
            "(month first), and the date order is not set: set date_order='day-first' or "
            "'month-first'",
        ),
        (
            "05/25/1966",
            "day-first",
            "date of birth: '05/25/1966' is not a date with the day first, as expected "
            "(DD/MM/YYYY); check the export's date order",
        ),
        (
            "31/02/1966",
            "day-first",
            "date of birth: '31/02/1966' is not a real date: February 1966 has no day 31",
        ),
        (
            "08/05/66",
            "day-first",
            "date of birth: '08/05/66' has a two-digit year; write the year in full (1966, not 66)",
        ),
        (
            "the eighth of May",
            "day-first",
            "date of birth: 'the eighth of May' is not a date; expected a date such as "
            "08/05/1966 (day first), 1966-05-08 or 8 May 1966",
        ),
    ],
)
def test_a_date_that_cannot_be_read_for_sure_is_refused_with_the_order_expected(
    written, order, message
):
    with pytest.raises(leaflet.LeafletError) as caught:
        leaflet.parse_date_of_birth(written, order=order)
    assert caught.value.message == message


def test_13_00_pm_is_not_a_time():
    with pytest.raises(leaflet.LeafletError) as caught:
        leaflet.parse_appointment("01/12/2026 13:00 PM", order="day-first")
    assert caught.value.message == (
        "appointment: '01/12/2026 13:00 PM' has no hour 13 on a 12-hour clock"
    )


def test_the_uk_export_without_a_date_order_is_refused_row_by_row_never_guessed():
    appointments, problems = read(UK)
    assert appointments == []
    assert problems[0] == (
        f"{leaflet.display_path(UK)}, row 2, column date_of_birth: '08/05/1966' could be "
        "8 May 1966 (day first) or 5 August 1966 (month first), and the date order is not "
        "set: set date_order='day-first' or 'month-first'"
    )
    assert len({problem.split(",")[1] for problem in problems}) == 20


def test_the_us_export_reads_month_first_in_its_locale():
    appointments, problems = read(US, locale="en-US")
    assert problems == []
    alvarez, greene, de_la_cruz, kim = appointments
    assert alvarez.personal.patient_name == "Jennifer Alvarez"
    assert alvarez.personal.date_of_birth == dt.date(1966, 5, 8)
    assert greene.personal.date_of_birth == dt.date(1979, 11, 23)
    assert de_la_cruz.personal.patient_name == "Ana De la Cruz"
    assert de_la_cruz.personal.appointment == dt.datetime(2026, 12, 1, 13, 15)
    assert de_la_cruz.personal.practitioner == "Taylor, PA-C"
    assert kim.email == ""
    # An explicit order wins over the locale: read day first, the file is refused whole,
    # as a date only month first reads (11/23/1979) shows it is written that way.
    with pytest.raises(leaflet.LeafletError) as caught:
        read(US, locale="en-US", date_order="day-first")
    assert caught.value.message == (
        f"{leaflet.display_path(US)}: this export writes dates month first: row 3, column "
        "'Client DOB' (date_of_birth) holds '11/23/1979'. Its dates were to be read day "
        "first (DD/MM/YYYY, e.g. 08/05/1966 for 8 May 1966), from date_order; read that "
        "way, dates such as 05/08/1966 would be misread. Set date_order='month-first'"
    )


def test_one_mistyped_date_in_a_day_first_export_is_that_rows_problem(tmp_path):
    """12/13/1980 reads only month first, but the other dates read only day first: a
    typing mistake, not a file written the other way."""
    text = UK.read_bytes().decode("utf-8-sig").replace("25/12/1980", "12/13/1980")
    appointments, problems = leaflet.parse_appointments(
        text, "day.csv", ExportFormat(locale="en-GB")
    )
    assert len(appointments) == 19
    assert [str(problem) for problem in problems] == [
        "day.csv, row 3, column date_of_birth: '12/13/1980' is not a date with the day "
        "first, as expected (DD/MM/YYYY); check the export's date order"
    ]


def test_the_clinics_language_sets_the_date_order(tmp_path, monkeypatch):
    """A brand whose language is en-US reads its exports month first; the example
    clinic's language is not the clinic's, so its dates are not guessed at."""
    day = workspace(tmp_path, "brand: brand.yaml\n")
    replacements = {"language: en-GB": "language: en-US"}
    write_brand(tmp_path, replacements)
    monkeypatch.chdir(day)
    shown = invoke(["batch", "--show-columns", str(US)])
    assert shown.exit_code == 0, shown.output
    assert (
        "Dates: month first (MM/DD/YYYY, e.g. 05/08/1966 for 8 May 1966), from the clinic's "
        "language en-US (brand.yaml)"
    ) in shown.stdout.splitlines()
    monkeypatch.chdir(tmp_path.parent)
    example = invoke(["batch", "--show-columns", str(US)])
    assert (
        "Dates: not set: dates such as 08/05/1966 are refused (1966-05-08 and 8 May 1966 read)"
    ) in example.stdout.splitlines()


def test_the_date_order_comes_from_leaflet_yaml_or_the_option(tmp_path, monkeypatch):
    day = workspace(tmp_path, "appointments:\n  locale: en-US\n")
    monkeypatch.chdir(day)
    shown = invoke(["batch", "--show-columns", str(US)])
    assert (
        "Dates: month first (MM/DD/YYYY, e.g. 05/08/1966 for 8 May 1966), from the locale "
        "en-US in leaflet.yaml"
    ) in shown.stdout.splitlines()
    overridden = invoke(["batch", "--show-columns", "--date-order", "day-first", str(US)])
    assert (
        "Dates: day first (DD/MM/YYYY, e.g. 08/05/1966 for 8 May 1966), from --date-order"
    ) in overridden.stdout.splitlines()


def test_a_locale_babel_does_not_know_is_refused_in_leaflet_yaml(tmp_path, monkeypatch):
    day = workspace(tmp_path, "appointments:\n  locale: en-XX-nowhere\n")
    monkeypatch.chdir(day)
    result = invoke(["batch", "--show-columns", str(US)])
    assert result.exit_code == 1
    assert "appointments.locale" in result.stderr
    assert "is not a locale; write one such as en-GB or en-US" in result.stderr


# --- encodings, separators and files that are not exports -----------------------------------


def test_windows_1252_is_named_not_guessed():
    with pytest.raises(leaflet.LeafletError) as caught:
        read(CP1252)
    assert caught.value.message == (
        f"{leaflet.display_path(CP1252)}, line 2: not UTF-8 text (byte 78). If the line "
        "reads right as Windows-1252 ('C301,Zoë Brontë,8.5.1966,07700 900201,"
        "zoe.bronte@example.com'), give ExportFormat(encoding='windows-1252'); or export the "
        "appointments from the booking system as CSV (in Excel: File > Save As > CSV UTF-8)"
    )
    appointments, problems = read(CP1252, encoding="windows-1252", locale="en-GB")
    assert problems == []
    assert [a.personal.patient_name for a in appointments] == [
        "Zoë Brontë",
        "Renée Dubois",
        "Seán Ó Briain",
    ]
    assert appointments[0].personal.date_of_birth == dt.date(1966, 5, 8)
    assert appointments[0].personal.appointment == dt.datetime(2026, 12, 1, 9, 30)
    assert appointments[0].personal.practitioner == "Siân Lloyd"


def test_utf16_tabs_with_mapped_columns_and_month_names():
    columns = {
        "appointment_id": "Visit No.",
        "patient_name": "Guest",
        "date_of_birth": "Born",
        "treatment": "Booked Item",
        "appointment": "Slot",
    }
    appointments, problems = read(UTF16, columns=columns)  # no date order needed
    assert problems == []
    assert [(a.personal.patient_name, a.email) for a in appointments] == [
        ("Łucja Wiśniewska", "łucja@example.pl"),
        ("Dafydd ap Gruffydd", "dafydd@enghraifft.cymru"),
        ("Noor Al-Hassan", "noor@exämple.com"),
    ]
    assert [a.personal.appointment for a in appointments] == [
        dt.datetime(2026, 12, 1, 14, 15),
        dt.datetime(2026, 12, 1, 15, 30),
        dt.datetime(2026, 12, 1, 16, 45),
    ]


def test_excel_sep_line_names_the_separator():
    appointments, problems = read(FIXTURES / "sep-line.csv")
    assert problems == []
    assert [a.personal.patient_name for a in appointments] == ["Ann Lee"]


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        (
            "empty.csv",
            None,
            "the file is empty; export the appointments from the booking system as CSV (in "
            "Excel: File > Save As > CSV UTF-8)",
        ),
        (
            "header-only.csv",
            None,
            "no appointments below the header row; export a day that has appointments booked",
        ),
        (
            "day.xlsx",
            b"PK\x03\x04\x14\x00\x06\x00" + bytes(200),
            "this is a spreadsheet workbook (.xlsx or .ods), not a CSV file; export the "
            "appointments from the booking system as CSV (in Excel: File > Save As > CSV UTF-8)",
        ),
        (
            "day.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),
            "this is an Excel 97-2003 workbook (.xls), not a CSV file; export the "
            "appointments from the booking system as CSV (in Excel: File > Save As > CSV UTF-8)",
        ),
        (
            "day.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100),
            "this is not a text file (it holds binary data); export the appointments from "
            "the booking system as CSV (in Excel: File > Save As > CSV UTF-8)",
        ),
    ],
)
def test_a_file_with_no_appointments_is_one_clear_error(tmp_path, monkeypatch, name, data, problem):
    monkeypatch.chdir(tmp_path)
    path = FIXTURES / name if data is None else tmp_path / name
    if data is not None:
        path.write_bytes(data)
    result = invoke(["batch", str(path), "--out-dir", "out"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: {leaflet.display_path(path)}: {problem}"]
    assert not (tmp_path / "out").exists()


# --- treatments, phone and email ----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["microneedling", "Microneedling", "MICRO-NEEDLING", "Dermapen", "collagen induction therapy"],
)
def test_a_treatment_is_found_by_any_name_it_goes_by(name):
    assert leaflet.load_treatment(name).slug == "microneedling"


def test_an_unknown_treatment_lists_the_known_names_and_the_closest():
    with pytest.raises(leaflet.LeafletError) as caught:
        leaflet.load_treatment("Microneedeling")
    assert caught.value.message == (
        "unknown treatment 'Microneedeling' (did you mean 'Microneedling'?); known "
        "treatments: microneedling (Collagen induction therapy, Skin needling, Dermapen, "
        "الوخز بالإبر الدقيقة, Micronodwyddo, Mikroigłowanie)"
    )


def test_an_unknown_treatment_in_an_export_names_its_row_and_column(tmp_path):
    text = "Booking ID,Client,Service,Start\nB1,Ann Lee,Dermapenn,2026-12-01 09:00\n"
    appointments, problems = leaflet.parse_appointments(text, "day.csv")
    result = leaflet.build_batch(appointments, tmp_path / "out", jobs=1, source="day.csv")
    assert problems == []
    assert [problem.format_message() for problem in result.problems] == [
        "day.csv, row 2, column 'Service' (treatment): unknown treatment 'Dermapenn' (did you "
        "mean 'Dermapen'?); known treatments: microneedling (Collagen induction therapy, "
        "Skin needling, Dermapen, الوخز بالإبر الدقيقة, Micronodwyddo, "
        "Mikroigłowanie)"
    ]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("bob@", "'bob@' is not an email address (there must be something after the @-sign)"),
        (
            "ann@example..com",
            "'ann@example..com' is not an email address (an email address cannot have two "
            "periods in a row)",
        ),
        (
            "ann lee@example.com",
            "'ann lee@example.com' is not an email address (the email address contains "
            "invalid characters before the @-sign: SPACE)",
        ),
    ],
)
def test_an_email_address_is_checked_by_the_mail_standards(address, reason):
    text = (
        "id,patient,treatment,appointment,email\n"
        f"A1,Ann Lee,microneedling,2026-12-01 09:00,{address}\n"
    )
    _, problems = leaflet.parse_appointments(text, "day.csv")
    assert [str(problem) for problem in problems] == [f"day.csv, row 2, column email: {reason}"]


def test_the_phone_and_email_columns_fill_the_consent_forms_lines(tmp_path):
    appointments, _ = read(UK, locale="en-GB")
    chosen = [a for a in appointments if a.appointment_id in ("APT-1004", "APT-1010")]
    settings = leaflet.BatchSettings(documents=("consent",))
    result = leaflet.build_batch(chosen, None, settings=settings, jobs=1)
    assert result.problems == []
    texts = {
        doc.appointment.appointment_id: read_pdf(doc.pdf.data).pages[0] for doc in result.documents
    }
    assert (
        "Full name Gareth Hughes Date of birth 12 January 1975 Phone number +44 7700 900104 "
        "Email gareth.hughes@example.net"
    ) in texts["APT-1004"]
    # No mobile: the phone line stays blank to write on.
    assert "Phone number Email oliver.bennett@example.com" in texts["APT-1010"]


# --- straight from the booking system ------------------------------------------------------


def test_the_uk_export_builds_with_no_hand_edits_from_a_subfolder(tmp_path, monkeypatch):
    """The issue's case: a semicolon export with a byte-order mark, built from a folder
    inside the clinic's workspace, with the date order from its locale."""
    day = workspace(tmp_path, "appointments:\n  locale: en-GB\n")
    monkeypatch.chdir(day)
    result = invoke(
        ["batch", str(UK), "--out-dir", "packs", "--documents", "consent", "--jobs", "2"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "Built 20 files in packs (0 already built); 0 rows failed. Manifest: packs/manifest.csv"
    )
    consent = read_pdf((day / "packs" / "APT-1009-consent.pdf").read_bytes())
    assert (
        "Full name Siobhán Murphy Date of birth 22 March 1969 Phone number 07700 900109"
        in (consent.pages[0])
    )


def test_a_treatment_is_found_by_its_name_in_another_language():
    """A Polish booking system books "Mikroigłowanie" (content/microneedling/pl/treatment.yaml)."""
    assert leaflet.load_treatment("MIKROIGŁOWANIE").slug == "microneedling"


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (
            "A1,Ann\x7fLee,microneedling,2026-12-01 09:00,",
            "patient_name: contains a control character",
        ),
        (
            "A1,Ann Lee,micro\x01needling,2026-12-01 09:00,",
            "treatment: contains a control character",
        ),
        (
            "A1,Ann Lee,microneedling,2026-12-01 09:00,Dr\x9fLee",
            "practitioner: contains a control character",
        ),
        (
            "A1," + "A" * 201 + ",microneedling,2026-12-01 09:00,",
            "patient_name: longer than 200 characters",
        ),
    ],
)
def test_a_cell_with_a_control_character_or_too_long_is_its_rows_problem(cells, problem):
    header = "appointment_id,patient_name,treatment,appointment,practitioner"
    text = f"{header}\nA0,Bo Li,microneedling,2026-12-01 09:00,\n{cells}\n"
    appointments, problems = leaflet.parse_appointments(text, "day.csv")
    assert [a.appointment_id for a in appointments] == ["A0"]
    assert [str(p) for p in problems] == [f"day.csv, row 3, column {problem}"]


#: Dates and times as exports write them, and as they mistype them: numeric ones in
#: either order, real and not, on either clock, and text the shortcuts must leave alone.
WRITTEN_DATES = [
    *("08/05/1966", "25/12/1980", "12/25/1980", "05/05/1966", "31/02/1966", "29/02/2024"),
    *("29/02/2023", "00/00/0000", "13/13/1966", "8.5.1966", "8-5-1966", "08/05/66", "1/1/2030"),
    *("01/01/2027", "02/01/2027", "08//1966", "0008/05/1966", "08/05-1966", "8 May 1966"),
    *(
        "May 8, 1966",
        " 08/05/1966",
        "08/05/1966 ",
        "１２/０５/１９６６",
        "٠٨/٠٥/١٩٦٦",
        "1966-05-08",
    ),
    *("01/12/2026 09:00", "12/01/2026 9:00 AM", "12/01/2026 12:30 am", "01/12/2026 0:30 AM"),
    *("01/12/2026 13:00 PM", "01/12/2026 24:00", "01/12/2026 23:60", "01/12/2026 9.30"),
    *("01/12/2026 09:00:00", "01/12/26 09:00", "31/11/2026 09:00", "01/12/2026  09:00"),
    *("01/12/2026 9:00AM", "01/12/2026 9:00 a.m.", "01/12/2026 9:00 PM", "01/12/2026 9:00pm"),
    *("01/12/2026 12:00 PM", "01/12/2026 12:00 AM", "01-12-2026 09:00", "01/12/2026T09:00"),
    *("Tue 1 Dec 2026 14:15", "1.12.2026 14:00", "１/12/2026 09:00", "01/12/2026 9:0"),
    *("01/12/2026 009:00", "01/12/2026 09:00 XM", "2026-12-01T09:00", "2026-12-01 24:00", ""),
    *(
        "01/12/2026\u00a009:00",
        "01/12/2026 09:00\u00a0PM",
        "\u0661/12/2026 09:00",
        "12/13/2026 1:00",
    ),
]


@pytest.mark.parametrize("order", [None, "day-first", "month-first"])
@pytest.mark.parametrize("read", ["read_date", "read_datetime"])
def test_numeric_dates_read_as_the_general_reading_reads_them(monkeypatch, read, order):
    """Numeric dates with a four-digit year take a shortcut when the order is known; it
    gives what the general reading gives, date or problem, for every sample."""
    import re

    from leaflet.sources import written_dates

    def outcomes() -> list[object]:
        found: list[object] = []
        for written in WRITTEN_DATES:
            try:
                found.append(getattr(written_dates, read)(written, order))
            except written_dates.DateProblem as err:
                found.append(err.parts)
        return found

    shortcut = outcomes()
    assert any(isinstance(found, dt.date) for found in shortcut)  # some read, some not
    assert any(isinstance(found, tuple) for found in shortcut)
    monkeypatch.setattr(written_dates, "_PLAIN_NUMERIC", re.compile(r"(?!)"))  # matches nothing
    assert outcomes() == shortcut


def test_readable_orders_of_iso_dates_as_the_general_reading_finds_them(monkeypatch):
    import re

    from leaflet.sources import written_dates

    samples = [*ISO_DATES, *WRITTEN_DATES]
    shortcut = [written_dates.readable_orders(written) for written in samples]
    monkeypatch.setattr(written_dates, "_PLAIN_ISO", re.compile(r"(?!)"))  # matches nothing
    assert [written_dates.readable_orders(written) for written in samples] == shortcut


#: A row every value of which is fine, and the values to try in each column instead:
#: empty cells, white space, odd Unicode, control characters, lengths either side of the
#: limits, ids a file system refuses, numbers and addresses that are not.
PLAIN_ROW = {
    "appointment_id": "R",
    "patient_name": "Ann Lee",
    "date_of_birth": "08/05/1966",
    "mobile": "07700 900123",
    "email": "ann@example.com",
    "treatment": "microneedling",
    "appointment": "01/12/2026 09:00",
    "practitioner": "Dr Priya Patel",
    "layout": "",
    "language": "",
}
LONG_ADDRESS = "x" * 64 + "@" + "d" * 63 + "." + "e" * 63 + ".ffffffffff.com"  # 207 characters
TRIED_VALUES = {
    "appointment_id": [
        " ",
        "con",
        "CON.txt",
        "a..b",
        "x.",
        "-x",
        "r",
        "Ä1",
        "A" * 65,
        "\u00a0S\u00a0",
    ],
    "patient_name": [
        *("", "  Ann   Lee ", "Ann\tLee", "Ann\x85Lee", "Ann\u200bLee", "Ann\x7fLee", "Zoe\u0308"),
        *("نور الحسن", "\u3000Mei\u3000Ng", "A" * 200, "A" * 201, "A " * 150, "\u00a0"),
    ],
    "date_of_birth": [value for value in WRITTEN_DATES if ":" not in value],
    "appointment": WRITTEN_DATES,
    "mobile": [
        *("", "+44 7700 900123", "123", "0770090012345678", "(0)7700-900.123", "07700\x00900123"),
        *("0" + " " * 200 + "7700900123", "０７７００ ９００１２３", "07700 900123 ext 4"),
    ],
    "email": [
        *("", "Ann@Example.COM", "bad", "a@b", "łucja@example.pl", "noor@exämple.com"),
        *(LONG_ADDRESS, "a@example.test", "a @example.com", "a@example.com\x1f"),
    ],
    "treatment": ["", "Micro\x01needling", "T" * 200, "T" * 201, "Dermapen", "\u00a0"],
    "practitioner": ["Dr\x9fLee", "Dr \t Priya", "P" * 201, "Dr\x85Lee"],
    "layout": ["a4", "L" * 201, "a4\x00", "\u00a0"],
    "language": ["pl", "cy\x1b", "G" * 200],
}


def tricky_export(born: str, when: str) -> str:
    """An export of `PLAIN_ROW` (born on `born`, the appointment `when`) with each of
    `TRIED_VALUES` in turn, some blank rows, a short one, a row that is not valid CSV
    and duplicate ids."""
    import csv
    import io

    plain = {**PLAIN_ROW, "date_of_birth": born, "appointment": when}
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(plain)
    number = 0
    for column, values in TRIED_VALUES.items():
        for value in values:
            number += 1
            writer.writerow({**plain, "appointment_id": f"R{number}", column: value}.values())
    writer.writerow(plain.values())  # `R`, twice, and as `r` among the ids above
    writer.writerow(plain.values())
    writer.writerow([" ", "\u00a0", "", "\t"] + [""] * 6)  # blank: not an appointment
    writer.writerow(["\u200b"])  # not blank, and short
    stream.write('Q1,"Ann Lee,1966-05-08,,,microneedling,2026-12-01 09:00,,,\r\n')
    writer.writerow(plain.values())
    return stream.getvalue()


def readings(text: str, export: ExportFormat) -> object:
    """What `parse_appointments` gives, every field of it: each appointment's and its
    details' fields, each problem's with the message the command line shows; or the
    message of the error it raised."""
    try:
        appointments, problems = leaflet.parse_appointments(text, "day.csv", export)
    except leaflet.LeafletError as err:
        return err.format_message()
    return (
        [(vars(a), vars(a.personal)) for a in appointments],
        [(vars(p), p.format_message()) for p in problems],
    )


@pytest.mark.parametrize(
    ("order", "born", "when"),
    [
        (None, "1966-05-08", "2026-12-01T09:00"),
        ("day-first", "25/12/1980", "01/12/2026 09:00"),
        ("month-first", "12/25/1980", "12/01/2026 9:00 AM"),
    ],
)
def test_rows_read_the_short_way_as_the_general_way_reads_them(monkeypatch, order, born, when):
    """Rows whose values are all fine are made without the constructors' repeat of the
    row reader's checks, and numeric dates read by a shortcut; the appointments and
    problems are those the general way gives, field for field."""
    import re

    from leaflet.packs import rows
    from leaflet.sources import written_dates

    text, export = tricky_export(born, when), ExportFormat(date_order=order)
    short = readings(text, export)
    assert isinstance(short, tuple)
    assert len(short[0]) > 30 and len(short[1]) > 30  # appointments, and problems
    monkeypatch.setattr(rows, "_read_plain", lambda *args: None)
    monkeypatch.setattr(written_dates, "_PLAIN_NUMERIC", re.compile(r"(?!)"))
    assert readings(text, export) == short


@pytest.mark.parametrize(
    ("path", "export"),
    [
        (UK, ExportFormat(date_order="day-first")),
        (US, ExportFormat(date_order="month-first")),
        (US, ExportFormat(date_order="day-first")),  # refused: written the other way
        (CP1252, ExportFormat(encoding="windows-1252", date_order="day-first")),
        (
            UTF16,
            ExportFormat(
                columns={
                    "appointment_id": "Visit No.",
                    "patient_name": "Guest",
                    "date_of_birth": "Born",
                    "treatment": "Booked Item",
                    "appointment": "Slot",
                }
            ),
        ),
    ],
)
def test_the_example_exports_read_the_short_way_as_the_general_way_reads_them(
    monkeypatch, path, export
):
    import re

    from leaflet.packs import rows
    from leaflet.sources import written_dates

    text, _ = leaflet.read_export_text(path, export)
    short = readings(text, export)
    monkeypatch.setattr(rows, "_read_plain", lambda *args: None)
    monkeypatch.setattr(written_dates, "_PLAIN_NUMERIC", re.compile(r"(?!)"))
    assert readings(text, export) == short
