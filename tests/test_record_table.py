"""The `record_table` block: rows of write-in cells, one per occasion (the consent form's
sessions and patch test), sized by a setting, breaking between rows with the header
repeated, and named form fields for every cell."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from conftest import build, line_number, replace_in

import leaflet

SESSION_HEADER = "Session Date Any change to your health Your initials Our initials"
SESSION_COLUMNS = ("date", "health-changes", "patient-initials", "practitioner-initials")


def sessions_max(content, value: str) -> None:
    path = content / "microneedling/treatment.yaml"
    replace_in(path, "\n  sessions_max: 6\n", f"\n  sessions_max: {value}\n")


def test_one_row_per_session_of_the_longest_course(default_pdfs) -> None:
    text = default_pdfs["consent", "a4"].text
    assert SESSION_HEADER in text
    assert [f"Session {n}" in text for n in range(1, 8)] == [True] * 6 + [False]


def test_the_rows_follow_the_setting(content_copy) -> None:
    sessions_max(content_copy, "3")
    text = build("consent", content_dir=content_copy).text
    assert "Session 3" in text and "Session 4" not in text
    assert "Most people have 3 to 3 sessions" in text  # the same setting everywhere


def test_a_setting_that_is_not_a_number_is_a_located_error(content_copy) -> None:
    sessions_max(content_copy, "six")
    path = content_copy / "microneedling/en-GB/consent.yaml"
    with pytest.raises(leaflet.LeafletError) as raised:
        build("consent", content_dir=content_copy)
    line = line_number(path, '      rows: "{{ settings.sessions_max }}"')
    assert raised.value.message.startswith(
        f"content/microneedling/en-GB/consent.yaml:{line}: blocks["
    )
    assert raised.value.message.endswith(
        "].record_table.rows: expected a whole number of rows from 1 to 60, or a setting "
        "such as {{ settings.sessions_max }}; got 'six'"
    )


def test_repeated_column_ids_are_refused(content_copy) -> None:
    path = content_copy / "microneedling/en-GB/consent.yaml"
    replace_in(path, "        - id: practitioner-initials\n", "        - id: patient-initials\n")
    with pytest.raises(leaflet.LeafletError) as raised:
        build("consent", content_dir=content_copy)
    assert raised.value.message.endswith(
        "].record_table: column ids must differ; repeated: patient-initials"
    )


def test_every_cell_is_a_named_text_field() -> None:
    document = leaflet.load_treatment("microneedling").document("consent")
    layout, brand = leaflet.load_layout("a4"), leaflet.load_brand()
    pdf = leaflet.render_pdf(document, brand, layout, fillable=True)
    fields = pypdf.PdfReader(io.BytesIO(pdf.data)).get_fields()
    for row in range(1, 7):
        for column in SESSION_COLUMNS:
            field = fields[f"table.sessions.{row}.{column}"]
            assert field["/FT"] == "/Tx"
    assert "table.sessions.7.date" not in fields
    for column in ("product", "site", "date", "result", "checked-by"):
        assert fields[f"table.patch-test.1.{column}"]["/FT"] == "/Tx"


def test_a_long_table_breaks_between_rows_and_repeats_its_header(content_copy) -> None:
    sessions_max(content_copy, "30")
    pdf = build("consent", content_dir=content_copy)
    pages = [n for n, page in enumerate(pdf.pages) if "Session " in page]
    assert len(pages) >= 2
    for n in pages:  # every part of the table has its header
        assert SESSION_HEADER in pdf.pages[n]
    numbers = [
        int(word)
        for n in pages
        for before, word in zip(pdf.pages[n].split(), pdf.pages[n].split()[1:], strict=False)
        if before == "Session" and word.isdigit()
    ]
    assert numbers == list(range(1, 31))  # in order, none lost or repeated
    # The heading and the lead-in start on the page of the first rows.
    first = pdf.pages[pages[0]]
    assert first.index("Before each session") < first.index("Session 1")
    assert "Before each session" not in pdf.pages[pages[0] - 1]


@pytest.mark.parametrize("layout", ["a4", "letter", "large-print", "a5"])
def test_no_row_is_left_alone_under_a_header(content_copy, layout: str) -> None:
    pdf = build("consent", layout, content_dir=content_copy)
    for page in pdf.pages:
        rows = len(re.findall(r"Session \d", page))
        assert rows == 0 or rows >= 2, page
