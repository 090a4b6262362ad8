"""`leaflet check`: every problem in content, brand and layouts reported in one run.

Each test breaks a throw-away copy of the content or the example brand (in tmp_path,
which is also the working folder, so paths print as `content/microneedling/en-GB/info.yaml`)
and asserts the exact finding lines. `today` is fixed so review dates do not drift.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import TODAY, invoke, line_number, replace_in, write_brand
from PIL import Image

from leaflet.check import Finding, check_all, reading_age, summary
from leaflet.sources.bundled import CONTENT_DIR, EXAMPLE_BRAND, LAYOUTS_DIR

INFO = "content/microneedling/en-GB/info.yaml"
CONSENT = "content/microneedling/en-GB/consent.yaml"
AFTERCARE = "content/microneedling/en-GB/aftercare.yaml"
TREATMENT = "content/microneedling/treatment.yaml"
#: The line of consent.yaml that sets its reading age, where that warning points.
CONSENT_READING_AGE = line_number(
    CONTENT_DIR / "microneedling" / "en-GB" / "consent.yaml", "  reading_age:"
)


def lines(
    content: Path | None = None,
    brand: Path | None = None,
    *,
    strict: bool = False,
    today: dt.date = TODAY,
    layouts_dir: Path | None = None,
) -> list[str]:
    """The finding lines, less the notes that the built-in Welsh content always has (its
    reading age is not measured: tests/test_languages.py checks those). Documents are not
    laid out (see the tests of `check_pages` below)."""
    found = check_all(
        content, brand, strict=strict, today=today, layouts_dir=layouts_dir, lay_out=False
    )
    return [str(f) for f in found if f.severity != "note"]


@pytest.fixture()
def content(content_copy: Path) -> Path:
    """A copy of the built-in content in English alone: these tests break the English
    wording, which its translations follow (tests/test_languages.py checks those)."""
    for language in ("pl", "cy", "ar"):
        shutil.rmtree(content_copy / "microneedling" / language)
        shutil.rmtree(content_copy / "email" / language)
    return content_copy


def doc(content: Path, name: str) -> Path:
    return content / "microneedling" / "en-GB" / f"{name}.yaml"


# --- content ----------------------------------------------------------------------------


def test_every_schema_problem_is_its_own_finding_with_file_and_line(content: Path) -> None:
    info = doc(content, "info")
    replace_in(info, "  kind: leaflet\n", "  kind: poster\n")
    replace_in(info, "  language: en-GB\n", "  language: en-GB\n  colour: red\n")
    colour = line_number(info, "  colour:")
    assert lines(content) == [
        f"error: {INFO}:4: meta.kind: Input should be 'leaflet' or 'form'",
        f"error: {INFO}:{colour}: meta.colour: unknown field 'colour'; valid fields here: "
        "approved_by, keywords, kind, language, published, reading_age, reference, review, "
        "reviewer, sources, subtitle, title, translates, translator, version",
    ]


def test_a_broken_treatment_file_still_checks_the_documents(content: Path) -> None:
    treatment = content / "microneedling" / "treatment.yaml"
    replace_in(treatment, "name: Microneedling\n", "name: Microneedling\nname: again\n")
    replace_in(doc(content, "info"), "  kind: leaflet\n", "  kind: poster\n")
    assert lines(content) == [
        f"error: {INFO}:4: meta.kind: Input should be 'leaflet' or 'form'",
        f"error: {TREATMENT}:2: duplicate key 'name'",
    ]


def test_malformed_yaml_names_file_and_line(content: Path) -> None:
    doc(content, "consent").write_text("meta:\n  title: [unclosed\n", encoding="utf-8")
    assert lines(content) == [
        f"error: {CONSENT}:3: malformed YAML: did not find expected ',' or ']'"
    ]


def test_template_syntax_error(content: Path) -> None:
    aftercare = doc(content, "aftercare")
    replace_in(
        aftercare,
        "{{ settings.no_makeup_hours | plural('hour') }}.",
        "{{ settings.no_makeup_hours | plural('hour') }.",
    )
    line = line_number(aftercare, '            - "Make-up, for')
    assert lines(content) == [
        f"error: {AFTERCARE}:{line}: blocks[4].timeline.periods[0].avoid[0]: "
        "template error: unexpected '}'"
    ]


def test_every_undefined_variable_and_missing_character_is_reported(content: Path) -> None:
    info = doc(content, "info")
    replace_in(
        info,
        "This leaflet tells you about microneedling.",
        "This leaflet tells you about microneedling ☃.",
    )
    replace_in(info, "{{ settings.numbing_cream_minutes | plural('minute') }}", "{{ clinic.fax }}")
    replace_in(info, "over {{ settings.results_weeks_min }}", "over {{ patient.age }}")
    snowman = line_number(info, "  - paragraph:")  # blocks[0]; its text starts here
    age = line_number(info, "  - heading: What is microneedling?") + 1
    fax = line_number(info, '      - "We put on numbing cream')
    assert lines(content) == [
        f"error: {INFO}:{snowman}: blocks[0].paragraph: the brand fonts cannot print '☃' "
        "(U+2603 SNOWMAN)",
        f"error: {INFO}:{age}: blocks[2].paragraph: undefined variable 'patient.age' "
        "(patient has: date_of_birth, email, name, phone)",
        f"error: {INFO}:{fax}: blocks[4].bullets[2]: undefined variable 'clinic.fax' "
        "(clinic has: address, email, emergency_number, feedback, name, out_of_hours, "
        "phone, website)",
    ]


def test_review_date_passed_is_an_error_and_close_is_a_warning(content: Path) -> None:
    replace_in(doc(content, "info"), "  review: 2028-11-30\n", "  review: 2026-12-01\n")
    replace_in(doc(content, "consent"), "  review: 2028-11-30\n", "  review: 2027-01-20\n")
    replace_in(doc(content, "aftercare"), "  review: 2028-11-30\n", "  review: 2027-03-02\n")
    # aftercare: 60 days away, the last day that warns; 61 days would not.
    assert lines(content) == [
        f"warning: {AFTERCARE}:8: meta.review: the wording is due for review on 2 March "
        "2027 (in 60 days); review it and update meta.review before then",
        f"warning: {CONSENT}:8: meta.review: the wording is due for review on 20 January "
        "2027 (in 19 days); review it and update meta.review before then",
        f"error: {INFO}:8: meta.review: the wording was due for review on 1 December "
        "2026; review it and update meta.review (builds refuse it until then)",
    ]
    # A day earlier, aftercare is 61 days away: no warning.
    assert [line.split(":")[1] for line in lines(content, today=dt.date(2026, 12, 31))] == [
        f" {CONSENT}",
        f" {INFO}",
    ]


def test_reading_age_above_target_is_a_warning(content: Path) -> None:
    replace_in(doc(content, "consent"), "  reading_age: 11\n", "  reading_age: 5\n")
    assert lines(content) == [
        f"warning: {CONSENT}:{CONSENT_READING_AGE}: meta.reading_age: reading age about 9 by "
        "Flesch-Kincaid (grade 3.5 + 5) and about 11 by SMOG (grade 6.4 + 5), above the "
        "target 5; use shorter sentences and shorter words"
    ]


def test_a_long_sentence_is_found_where_it_is(content: Path) -> None:
    aftercare = doc(content, "aftercare")
    long = (
        "Keep using clean towels and pillowcases, and change them each day for the first "
        "week, because germs that live on cloth can get into the tiny holes."
    )
    replace_in(aftercare, "- Keep using clean towels and pillowcases.", f"- {long}")
    line = line_number(aftercare, f"            - {long[:20]}")
    assert lines(content) == [
        f"warning: {AFTERCARE}:{line}: blocks[4].timeline.periods[1].do[2]: hard to read: "
        '"Keep using clean towels and pillowcases, and change them each day f..." '
        "(27 words); split the sentence or use shorter words"
    ]


def test_a_short_sentence_of_long_words_is_found_too(content: Path) -> None:
    # The document's average reading age barely moves; the sentence itself is far above.
    aftercare = doc(content, "aftercare")
    hard = "Exfoliation should proceed physiologically without mechanical intervention."
    replace_in(aftercare, "- Let flakes come off on their own.", f"- {hard}")
    line = line_number(aftercare, f"            - {hard[:20]}")
    # Laid out, the longer sentence would not fit the letter tri-fold: not this test's point.
    findings = check_all(content, today=TODAY, lay_out=False)
    found = [str(f) for f in findings if f.field != "meta.reading_age"]
    assert found == [
        (
            f"warning: {AFTERCARE}:{line}: blocks[4].timeline.periods[2].do[1]: hard to read: "
            '"Exfoliation should proceed physiologically without mechanical inter..." '
            "(reading age about 33); split the sentence or use shorter words"
        )
    ]


def test_short_labels_are_not_judged_alone(content: Path) -> None:
    # Fewer than 7 words: one medical word would swing the score, so it is not flagged.
    aftercare = doc(content, "aftercare")
    replace_in(aftercare, "- Let flakes come off on their own.", "- Avoid hyaluronic acid.")
    assert lines(content) == []


def test_complex_wording_raises_the_reading_age() -> None:
    simple = (
        "This leaflet tells you about microneedling. Please read it before your "
        "appointment, and ask us about anything in it."
    )
    complex_ = (
        "Percutaneous collagen induction therapy, colloquially designated "
        "microneedling, precipitates controlled dermal microinjury, consequently "
        "stimulating neocollagenesis, neovascularisation and comprehensive "
        "extracellular matrix remodelling throughout the reticular dermis."
    )
    assert round(reading_age(simple).age) == 11
    assert round(reading_age(complex_).age) == 39


# --- brand and layouts ------------------------------------------------------------------


def test_every_failing_colour_pair_is_reported(content: Path, tmp_path: Path) -> None:
    brand = write_brand(tmp_path, {'tint: "#e7f3f4"': 'tint: "#777777"'})
    assert lines(content, brand) == [
        "error: brand.yaml:18: colours.primary: primary #0b5d6b on tint #777777 has "
        "contrast 1.68:1; text needs at least 4.5:1; the nearest shade of primary that "
        "passes is #010809",
        "error: brand.yaml:20: colours.text: text #1f2933 on tint #777777 has contrast "
        "3.29:1; text needs at least 4.5:1; the nearest shade of text that passes is #050608",
    ]


def test_after_a_colour_failure_the_rest_of_the_brand_is_still_checked(
    content: Path, tmp_path: Path
) -> None:
    brand = write_brand(
        tmp_path,
        {
            'tint: "#e7f3f4"': 'tint: "#777777"',
            "name: Example Skin Clinic": "name: Example ☃ Clinic",
        },
    )
    assert lines(content, brand) == [
        "error: brand.yaml:4: clinic.name: the brand fonts cannot print '☃' (U+2603 SNOWMAN)",
        "error: brand.yaml:18: colours.primary: primary #0b5d6b on tint #777777 has "
        "contrast 1.68:1; text needs at least 4.5:1; the nearest shade of primary that "
        "passes is #010809",
        "error: brand.yaml:20: colours.text: text #1f2933 on tint #777777 has contrast "
        "3.29:1; text needs at least 4.5:1; the nearest shade of text that passes is #050608",
    ]


def test_a_small_logo_is_warned_once_with_its_dpi_in_each_layout(
    content: Path, tmp_path: Path
) -> None:
    Image.new("RGB", (40, 40), "white").save(tmp_path / "small.png")
    logo = EXAMPLE_BRAND.parent / "logo.png"
    brand = write_brand(tmp_path, {f"logo: {logo}\n": "logo: small.png\n"})
    # 20 mm header band x 0.64 = 12.8 mm = 0.504 in: 40 px / 0.504 in = 79 dpi; tri-folds
    # print the logo on the cover, 20 mm wide. One finding, not one per layout.
    assert [line for line in lines(content, brand) if "logo" in line] == [
        "warning: brand.yaml:15: logo: the logo (40x40 pixels) prints below 300 dpi in a5 "
        "and a5-booklet at about 106 dpi (9.6 mm), a4 and letter at about 79 dpi (12.8 mm), "
        "large-print at about 66 dpi (15.4 mm), dl-trifold and letter-trifold at about 51 "
        "dpi (20.0 mm); print needs 237 pixels or more on its longer side"
    ]


def test_every_broken_layout_is_reported(content: Path, tmp_path: Path) -> None:
    layouts = tmp_path / "layouts"
    shutil.copytree(LAYOUTS_DIR, layouts)
    replace_in(layouts / "letter.yaml", "page_width: 8.5in\n", "page_width: 8.5 inches\n")
    replace_in(layouts / "a5.yaml", "header_height: 15mm\n", "header_height: 15mm\nheader: 1\n")
    found = lines(content, layouts_dir=layouts)
    # a5-booklet extends a5, so it inherits the unknown field; load_layout reports it in
    # the extending file, at a line of that file that does not hold it.
    assert found[0].startswith("error: layouts/a5-booklet.yaml:4: header: unknown field")
    assert found[1].startswith(
        "error: layouts/a5.yaml:9: header: unknown field 'header' (did you mean 'header_gap'?); "
    )
    assert found[2:] == [
        "error: layouts/letter.yaml:4: page_width: '8.5 inches' is not a "
        "length; write e.g. 12mm, 0.5in or 10pt"
    ]


def test_missing_files_are_findings_not_tracebacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert lines(tmp_path / "nowhere", tmp_path / "brand.yaml") == [
        "error: brand.yaml: file not found",
        "error: nowhere: content folder not found",
    ]


def test_built_in_content_brand_and_layouts_have_no_findings() -> None:
    # No warnings either: reviews are due 2028-11-30 (far from TODAY), reading ages are
    # about 8 or 9 against a target of 11, and the 240 px logo is 305 dpi or more in
    # every layout (the tightest is the 20 mm tri-fold cover).
    # The Arabic and Welsh documents' reading age is not measured: one note each.
    # (Laid out, every document too: see test_cli_built_in_is_clean.)
    found = check_all(today=TODAY, lay_out=False)
    assert [(f.severity, f.path.parent.name, f.field) for f in found if f.path] == [
        ("note", "ar", "meta.reading_age")
    ] * 3 + [("note", "cy", "meta.reading_age")] * 3
    # Without a date, check_all asks dates.today(), which the tests fix (conftest.TODAY).
    assert check_all(lay_out=False) == found


def test_strict_makes_warnings_errors(content: Path) -> None:
    replace_in(doc(content, "consent"), "  reading_age: 11\n", "  reading_age: 5\n")
    (finding,) = check_all(content, strict=True, today=TODAY, lay_out=False)
    assert finding.severity == "error"
    assert str(finding).startswith(
        f"error: {CONSENT}:{CONSENT_READING_AGE}: meta.reading_age: reading age"
    )


def test_finding_str_without_line_or_field() -> None:
    assert str(Finding("warning", Path("x.yaml"), None, None, "odd")) == "warning: x.yaml: odd"
    assert str(Finding("error", None, None, None, "odd")) == "error: odd"


def test_summary_lines() -> None:
    one = Finding("error", None, None, None, "a")
    two = Finding("warning", None, None, None, "b")
    assert summary([one, two, two]) == "1 error, 2 warnings"
    assert summary([]) == "no problems found in 12 documents, 1 brand and 7 layouts"
    note = Finding("note", None, None, None, "c")
    assert summary([note]) == "no problems found in 12 documents, 1 brand and 7 layouts (1 note)"
    assert summary([one, note, note]) == "1 error, 0 warnings (2 notes)"


# --- command line -----------------------------------------------------------------------


def test_cli_prints_findings_and_summary_and_exits_1_on_errors(content: Path) -> None:
    replace_in(doc(content, "info"), "  kind: leaflet\n", "  kind: poster\n")
    replace_in(doc(content, "consent"), "  reading_age: 11\n", "  reading_age: 5\n")
    result = invoke(["check", "--quick", "--content-dir", "content"])
    assert result.exit_code == 1, result.output
    out = result.stdout.splitlines()
    assert out[0].startswith(
        f"warning: {CONSENT}:{CONSENT_READING_AGE}: meta.reading_age: reading age about"
    )
    assert out[1:] == [
        f"error: {INFO}:4: meta.kind: Input should be 'leaflet' or 'form'",
        "1 error, 1 warning",
    ]


def test_cli_warnings_exit_0_unless_strict(content: Path) -> None:
    replace_in(doc(content, "consent"), "  reading_age: 11\n", "  reading_age: 5\n")
    relaxed = invoke(["check", "--quick", "--content-dir", "content"])
    assert relaxed.exit_code == 0, relaxed.output
    assert relaxed.stdout.splitlines()[-1] == "0 errors, 1 warning"
    strict = invoke(["check", "--quick", "--strict", "--content-dir", "content"])
    assert strict.exit_code == 1, strict.output
    assert strict.stdout.splitlines()[0].startswith(f"error: {CONSENT}:{CONSENT_READING_AGE}:")
    assert strict.stdout.splitlines()[-1] == "1 error, 0 warnings"


def test_cli_built_in_is_clean() -> None:
    result = invoke(["check"])  # on conftest.TODAY, well within the review date
    assert result.exit_code == 0, result.output
    *notes, last = result.stdout.splitlines()
    reading_age = [n for n in notes if "reading age not measured" in n]
    assert [note.split(":")[:2] for note in reading_age] == [
        ["note", f" content/microneedling/{language}/{name}.yaml"]
        for language in ("ar", "cy")
        for name in ("aftercare", "consent", "info")
    ]
    # Every document is laid out on every layout, and every language's wording fits the
    # tri-folds' panels (the Polish and Welsh info and aftercare were shortened to fit).
    # Only the long test name on the cover of some Polish and Welsh tri-folds does not
    # fit ("Przygotowano dla:", "Wedi'i pharatoi ar gyfer" are longer than "Prepared
    # for"): a note, as they print on the other layouts.
    misfits = [n for n in notes if "tri-fold misfit" in n]
    assert not [n for n in misfits if "panels" in n], misfits
    assert sorted(n.split(", tri-fold misfit")[0] for n in misfits) == sorted(
        f"note: content/microneedling/{language}/{name}.yaml: on the {layout} layout"
        for language, layouts in (
            ("cy", ("dl-trifold", "letter-trifold")),
            ("pl", ("letter-trifold",)),
        )
        for name in ("aftercare", "info")
        for layout in layouts
    )
    assert all("Maria-Alexandra" in n for n in misfits)
    assert all(n.endswith("it prints on the other layouts") for n in misfits)
    assert len(notes) == len(reading_age) + len(misfits)
    assert last == (
        f"no problems found in 12 documents, 1 brand and 7 layouts ({len(notes)} notes)"
    )
    assert len(notes) == 12


def test_check_lays_every_document_out_and_names_a_trifold_misfit(content: Path) -> None:
    more = "".join(
        f"  - paragraph: Extra paragraph number {n} to make the leaflet long.\n" for n in range(40)
    )
    text = doc(content, "info").read_text(encoding="utf-8")
    doc(content, "info").write_text(text + more, encoding="utf-8")
    found = [str(f) for f in check_all(content, today=TODAY, jobs=1)]
    misfits = [f for f in found if "tri-fold misfit" in f]
    assert [f.split(", tri-fold")[0] for f in misfits] == [
        f"error: {INFO}: on the dl-trifold layout",
        f"error: {INFO}: on the letter-trifold layout",
    ]
    assert "does not fit the dl-trifold panels: about" in misfits[0]
    assert not [f for f in found if "overflow" in f or "footer rule" in f]


def test_rendered_pdfs_report_text_too_close_to_the_footer() -> None:
    from leaflet.render.output import RenderedPdf

    pdf = RenderedPdf(b"", 2, footer_gaps=(20.0, 3.0))
    assert pdf.collisions(2 * 72 / 25.4) == [
        "page 2: body text comes within 1.1 mm of the footer rule (it should keep 2 mm)"
    ]


# --- email templates --------------------------------------------------------------------


def test_email_template_mistakes_are_found_before_sending(content: Path) -> None:
    replace_in(
        content / "email" / "en-GB" / "body.txt",
        "call us on {{ clinic.phone }}",
        "call us on {{ clinic.telephone }}",
    )
    line = line_number(content / "email" / "en-GB" / "body.txt", "Do you have a question")
    assert lines(content) == [
        f"error: content/email/en-GB/body.txt:{line}: template error: undefined variable "
        "'clinic.telephone' (did you mean 'clinic.phone'? clinic has: address, email, "
        "emergency_number, feedback, name, out_of_hours, phone, website)"
    ]


def test_both_password_policies_are_tried(content: Path) -> None:
    """The brand says date-of-birth, but a clinic may switch: the other branch counts."""
    replace_in(
        content / "email" / "en-GB" / "body.txt",
        "This email is from",
        "{% if password.policy == 'random' %}{{ patient.surname }}{% endif %}This email is from",
    )
    [finding] = lines(content)
    assert finding.startswith("error: content/email/en-GB/body.txt")
    assert finding.endswith(
        "template error: undefined variable 'patient.surname' (patient has: first_name)"
    )


def test_a_content_folder_without_email_templates_is_fine(content: Path) -> None:
    import shutil

    shutil.rmtree(content / "email")
    assert lines(content) == []
