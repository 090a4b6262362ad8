"""Every user error is a LeafletError whose message says where the problem is."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import build, leftovers, replace_in, write_brand

import leaflet
from leaflet.errors import LayoutFitError, OutputError, SourceError
from leaflet.render.output import write_atomically

INFO = "content/microneedling/en-GB/info.yaml"
CONSENT = "content/microneedling/en-GB/consent.yaml"
AFTERCARE = "content/microneedling/en-GB/aftercare.yaml"
BLOCK_KEYS = (
    "heading, subheading, paragraph, bullets, callout, checklist, declarations, "
    "photo_consent, fields, patient_details, timeline, signatures, record_table, contact"
)


def line_of(path: Path | str, text: str) -> int:
    """1-based number of the only line of `path` containing `text`."""
    numbers = [
        n for n, line in enumerate(Path(path).read_text().splitlines(), start=1) if text in line
    ]
    assert len(numbers) == 1, (text, numbers)
    return numbers[0]


def error_from(document: str, content: Path, layout: str = "a4") -> leaflet.LeafletError:
    """Build `document` from `content` and return the LeafletError it raises."""
    with pytest.raises(leaflet.LeafletError) as raised:
        build(document, layout, content_dir=content)
    return raised.value


# --- content files --------------------------------------------------------------------


def test_malformed_yaml_names_file_and_line(content_copy):
    replace_in(
        content_copy / "microneedling/en-GB/info.yaml",
        "  kind: leaflet\n",
        "  kind: leaflet\n kind2: x\n",
    )
    error = error_from("info", content_copy)
    assert isinstance(error, SourceError)
    assert error.message == f"{INFO}:5: malformed YAML: did not find expected key"


def test_unclosed_bracket(content_copy):
    replace_in(
        content_copy / "microneedling/en-GB/info.yaml",
        "  - heading: What is microneedling?",
        "  - heading: [What is microneedling?",
    )
    assert (
        error_from("info", content_copy).message
        == f"{INFO}:26: malformed YAML: did not find expected ',' or ']'"
    )


def test_duplicate_key(content_copy):
    replace_in(
        content_copy / "microneedling/en-GB/info.yaml",
        "  kind: leaflet\n",
        "  kind: leaflet\n  kind: form\n",
    )
    assert error_from("info", content_copy).message == f"{INFO}:5: meta: duplicate key 'kind'"


def test_unknown_field_lists_valid_fields(content_copy):
    replace_in(
        content_copy / "microneedling/en-GB/info.yaml",
        "  kind: leaflet\n",
        "  kind: leaflet\n  colour: red\n",
    )
    assert error_from("info", content_copy).message == (
        f"{INFO}:5: meta.colour: unknown field 'colour'; valid fields here: approved_by, "
        "keywords, kind, language, published, reading_age, reference, review, reviewer, sources, "
        "subtitle, title, translates, translator, version"
    )


def test_unknown_field_inside_a_block(content_copy):
    path = content_copy / "microneedling/en-GB/aftercare.yaml"
    replace_in(path, "      style: urgent\n", "      style: urgent\n      colour: red\n")
    line = line_of(path, "colour: red")
    error = error_from("aftercare", content_copy)
    assert re.fullmatch(
        rf"{AFTERCARE}:{line}: blocks\[\d+\]\.callout\.colour: unknown field 'colour'; "
        r"valid fields here: bullets, style, text, title",
        error.message,
    )


def test_missing_field(content_copy):
    replace_in(
        content_copy / "microneedling/en-GB/info.yaml",
        "  approved_by: Clinical lead, Example Skin Clinic\n",
        "",
    )
    assert (
        error_from("info", content_copy).message
        == f"{INFO}:1: meta.approved_by: required field is missing"
    )


def test_several_problems_are_all_reported(content_copy):
    path = content_copy / "microneedling/en-GB/aftercare.yaml"
    replace_in(path, "  kind: leaflet\n", "")
    replace_in(path, "  language: en-GB\n", "")
    assert error_from("aftercare", content_copy).message == (
        f"{AFTERCARE}:1: meta.kind: required field is missing\n"
        f"{AFTERCARE}:1: meta.language: required field is missing"
    )


@pytest.mark.parametrize(
    ("old", "key", "index", "hint"),
    [
        # A misspelt key gets the block type it is most like; an unlike one gets none.
        (
            "  - paragraph: >-\n      This leaflet tells",
            "paragraf",
            0,
            " (did you mean 'paragraph'?)",
        ),
        ("  - bullets:\n      - We check your health", "bullet", 4, " (did you mean 'bullets'?)"),
        ("  - heading: What is microneedling?", "banner", 1, ""),
    ],
)
def test_unknown_block_type(content_copy, old, key, index, hint):
    path = content_copy / "microneedling/en-GB/info.yaml"
    kind = old.split(":")[0].removeprefix("  - ")
    replace_in(path, old, old.replace(f"- {kind}:", f"- {key}:"))
    line = line_of(path, f"- {key}:")
    assert error_from("info", content_copy).message == (
        f"{INFO}:{line}: blocks[{index}]: unknown block type '{key}'{hint}; each block is a "
        f"mapping with exactly one of these keys: {BLOCK_KEYS}"
    )


def test_a_misspelt_field_gets_the_field_it_is_most_like(content_copy):
    path = content_copy / "microneedling/en-GB/info.yaml"
    replace_in(path, "  reading_age: 11\n", "  reading_ages: 11\n")
    line = line_of(path, "reading_ages:")
    message = error_from("info", content_copy).message
    assert message.startswith(
        f"{INFO}:{line}: meta.reading_ages: unknown field 'reading_ages' (did you mean "
        "'reading_age'?); valid fields here: approved_by, keywords, "
    )


def test_date_in_words(content_copy):
    replace_in(
        content_copy / "microneedling/en-GB/info.yaml",
        "published: 2026-11-30",
        "published: 30 November 2026",
    )
    assert (
        error_from("info", content_copy).message
        == f"{INFO}:7: meta.published: expected a date written as YYYY-MM-DD, e.g. 2026-11-01"
    )


def test_impossible_date_is_a_located_error(content_copy):
    # YAML reads 2026-13-01 as a timestamp and fails while constructing it; that must
    # still be reported as a problem in the file, not as a crash with a traceback.
    replace_in(
        content_copy / "microneedling/en-GB/info.yaml",
        "published: 2026-11-30",
        "published: 2026-13-01",
    )
    error = error_from("info", content_copy)
    assert error.message.startswith(f"{INFO}:7")
    assert "published" in error.message or "date" in error.message


def test_review_must_follow_publication(content_copy):
    replace_in(
        content_copy / "microneedling/en-GB/info.yaml", "review: 2028-11-30", "review: 2026-10-01"
    )
    assert (
        error_from("info", content_copy).message
        == f"{INFO}:8: meta.review: review date 2026-10-01 must be after the published date "
        "2026-11-30"
    )


def test_unquoted_version_expects_text(content_copy):
    replace_in(content_copy / "microneedling/en-GB/info.yaml", 'version: "2.0"', "version: 2.0")
    assert (
        error_from("info", content_copy).message
        == f"{INFO}:6: meta.version: expected text (put numbers and dates in quotes)"
    )


def test_bad_reference(content_copy):
    replace_in(
        content_copy / "microneedling/en-GB/info.yaml",
        "reference: MN-INF-01",
        "reference: mn inf 01",
    )
    assert error_from("info", content_copy).message == (
        f"{INFO}:5: meta.reference: 'mn inf 01' is not valid; expected capitals, digits and "
        "hyphens, e.g. MN-AFT-01"
    )


def test_empty_file(content_copy):
    (content_copy / "microneedling/en-GB/aftercare.yaml").write_text("")
    assert (
        error_from("aftercare", content_copy).message
        == f"{AFTERCARE}:1: the file is empty; expected a YAML mapping"
    )


def test_not_utf8(content_copy):
    (content_copy / "microneedling/en-GB/aftercare.yaml").write_bytes(b"meta: \xff\n")
    assert (
        error_from("aftercare", content_copy).message
        == f"{AFTERCARE}: not UTF-8 text (invalid start byte at byte 6)"
    )


# --- wording --------------------------------------------------------------------------


def break_wording(content: Path, new: str) -> int:
    path = content / "microneedling/en-GB/info.yaml"
    replace_in(path, "We clean your skin well.", new)
    return line_of(path, new)


def test_undefined_variable_names_file_field_and_variable(content_copy):
    line = break_wording(content_copy, "Fax us on {{ clinic.fax }}")
    assert error_from("info", content_copy).message == (
        f"{INFO}:{line}: blocks[4].bullets[1]: undefined variable 'clinic.fax' (clinic has: "
        "address, email, emergency_number, feedback, name, out_of_hours, phone, website)"
    )


def test_undefined_setting(content_copy):
    line = break_wording(content_copy, "Wait {{ settings.nap_minutes }} minutes")
    message = error_from("info", content_copy).message
    assert message.startswith(
        f"{INFO}:{line}: blocks[4].bullets[1]: undefined variable 'settings.nap_minutes' "
        "(did you mean 'settings.numbing_cream_minutes'? settings has: "
        "actives_avoid_days_after, "
    )
    assert "numbing_cream_minutes" in message


def test_template_syntax_error(content_copy):
    line = break_wording(content_copy, "Call {{ clinic.phone now")
    assert error_from("info", content_copy).message == (
        f"{INFO}:{line}: blocks[4].bullets[1]: template error: expected token "
        "'end of print statement', got 'now'"
    )


def test_unmatched_bold(content_copy):
    line = break_wording(content_copy, "We clean your **skin well.")
    assert error_from("info", content_copy).message == (
        f"{INFO}:{line}: blocks[4].bullets[1]: unmatched ** (bold needs ** on both sides, "
        "within one sentence and not around a {{ variable }})"
    )


def test_setting_the_font_cannot_print(content_copy):
    replace_in(
        content_copy / "microneedling/treatment.yaml",
        "numbing_cream_minutes: 30",
        "numbing_cream_minutes: 三十",
    )
    path = content_copy / "microneedling/en-GB/info.yaml"
    line = line_of(path, "settings.numbing_cream_minutes")
    assert error_from("info", content_copy).message == (
        f"{INFO}:{line}: blocks[4].bullets[2]: the brand fonts cannot print "
        "'三' (U+4E09 CJK UNIFIED IDEOGRAPH-4E09), '十' (U+5341 CJK UNIFIED IDEOGRAPH-5341)"
    )


# --- treatments, documents and layouts ------------------------------------------------


def test_unknown_treatment_lists_known_ones():
    with pytest.raises(leaflet.LeafletError) as raised:
        leaflet.load_treatment("botox")
    assert raised.value.message == (
        "unknown treatment 'botox'; known treatments: microneedling (Collagen induction "
        "therapy, Skin needling, Dermapen, الوخز بالإبر الدقيقة, Micronodwyddo, "
        "Mikroigłowanie)"
    )


def test_missing_content_folder(tmp_path):
    with pytest.raises(leaflet.LeafletError) as raised:
        leaflet.load_treatment("microneedling", tmp_path / "nowhere")
    assert raised.value.message == f"content folder not found: {tmp_path / 'nowhere'}"


def test_missing_document(content_copy):
    (content_copy / "microneedling/en-GB/aftercare.yaml").unlink()
    folder = content_copy.resolve() / "microneedling" / "en-GB"
    treatment = leaflet.load_treatment("microneedling", content_copy.resolve())
    assert treatment.available() == ["info", "consent"]
    with pytest.raises(leaflet.LeafletError) as raised:
        treatment.document("aftercare")
    assert raised.value.message == (
        f"microneedling has no aftercare document in en-GB "
        f"({folder / 'aftercare.yaml'}); it has: info, consent"
    )


def test_unknown_layout_lists_known_ones():
    with pytest.raises(leaflet.LeafletError) as raised:
        leaflet.load_layout("a3")
    assert raised.value.message == (
        "unknown layout 'a3'; known layouts: a4, a5, a5-booklet, dl-trifold, large-print, "
        "letter, letter-trifold"
    )


@pytest.mark.parametrize("layout", ["a4", "letter"])
def test_checklist_taller_than_a_page_breaks_between_rows(content_copy, layout):
    """A checklist too long for a page goes on over the next, its header row repeated;
    no page holds fewer than two of its questions."""
    items = "".join(
        f"        - id: question-{n}\n          text: Is this question {n}?\n" for n in range(40)
    )
    replace_in(
        content_copy / "microneedling/en-GB/consent.yaml",
        "  - heading: Health questions\n",
        "  - checklist:\n      title: Far too many questions\n      items:\n"
        + items
        + "  - heading: Health questions\n",
    )
    pages = build("consent", layout, content_dir=content_copy).pages
    holding = [
        (page.count("Far too many questions"), len(re.findall(r"Is this question \d+\?", page)))
        for page in pages
        if "Is this question" in page
    ]
    assert len(holding) >= 2
    assert sum(count for _, count in holding) == 40
    assert all(titles == 1 and count >= 2 for titles, count in holding)
    continued = [page for page in pages if "Far too many questions (continued) Yes No" in page]
    assert len(continued) == len(holding) - 1


def test_a_checklist_row_taller_than_a_page_is_an_error_naming_it(content_copy):
    question = "Is this a very long question? " * 160  # under the 5,000-character cap
    replace_in(
        content_copy / "microneedling/en-GB/consent.yaml",
        "  - heading: Health questions\n",
        f"  - checklist:\n      items:\n        - id: long\n          text: {question}\n"
        "  - heading: Health questions\n",
    )
    error = error_from("consent", content_copy)
    assert isinstance(error, LayoutFitError)
    assert re.fullmatch(
        r"content/microneedling/en-GB/consent\.yaml: blocks\[\d+\]\.checklist has a row "
        r"\d+ mm tall, but a page of this layout holds \d+ mm; shorten its text",
        error.message,
    ), error.message


# --- brands ---------------------------------------------------------------------------


def load_brand_error(path: Path) -> str:
    with pytest.raises(leaflet.LeafletError) as raised:
        leaflet.load_brand(path)
    return raised.value.message


def test_brand_copy_loads(tmp_path):
    brand = leaflet.load_brand(write_brand(tmp_path))
    assert brand.clinic.name == "Example Skin Clinic"


def test_brand_missing_logo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    logo = str(leaflet.load_brand().logo)
    path = write_brand(tmp_path, {f"logo: {logo}": "logo: missing.png"})
    assert load_brand_error(Path("brand.yaml")) == (
        f"brand.yaml:{line_of(path, 'logo: missing')}: logo: logo file not found: "
        f"{(tmp_path / 'missing.png').resolve()}"
    )


def test_brand_missing_font(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_brand(tmp_path, extra="fonts:\n  regular: fonts/Brand-Regular.ttf\n")
    assert load_brand_error(Path("brand.yaml")) == (
        f"brand.yaml:{line_of(path, 'regular:')}: fonts.regular: font file not found: "
        f"{(tmp_path / 'fonts/Brand-Regular.ttf').resolve()}"
    )


def test_brand_font_that_is_not_a_font(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fake.ttf").write_bytes(b"not a font at all")
    path = write_brand(tmp_path, extra="fonts:\n  bold: fake.ttf\n")
    message = load_brand_error(Path("brand.yaml"))
    assert message.startswith(
        f"brand.yaml:{line_of(path, 'bold:')}: fonts.bold: "
        f"{(tmp_path / 'fake.ttf').resolve()} is not a usable TrueType "
        "font ("
    )
    assert message.endswith("); use a .ttf file with TrueType (glyf) outlines")


@pytest.mark.parametrize(
    ("replace", "marker", "message"),
    [
        (
            {'text: "#1f2933"': 'text: "#bbbbbb"'},
            "text: ",
            "colours.text: text #bbbbbb on white #ffffff has contrast 1.92:1; "
            "text needs at least 4.5:1; the nearest shade of text that passes is #6c6c6c",
        ),
        (
            {'on_primary: "#ffffff"': 'on_primary: "#3a8f9c"'},
            "on_primary:",
            "colours.on_primary: on_primary #3a8f9c on primary #0b5d6b has contrast 2.00:1; "
            "text needs at least 4.5:1; the nearest shade of on_primary that passes is #9cd2da",
        ),
        (
            {'primary: "#0b5d6b"': "primary: teal"},
            "primary: teal",
            "colours.primary: 'teal' is not valid; expected a colour written #rrggbb, e.g. #0b5d6b",
        ),
        (
            {"name: Example Skin Clinic": "name: 漢方 Clinic"},
            "name: ",
            "clinic.name: the brand fonts cannot print '漢' (U+6F22 CJK UNIFIED IDEOGRAPH-6F22), "
            "'方' (U+65B9 CJK UNIFIED IDEOGRAPH-65B9)",
        ),
    ],
    ids=["low-contrast-text", "low-contrast-header", "colour-format", "unprintable-name"],
)
def test_brand_value_errors(tmp_path, monkeypatch, replace, marker, message):
    monkeypatch.chdir(tmp_path)
    path = write_brand(tmp_path, replace)
    assert load_brand_error(Path("brand.yaml")) == f"brand.yaml:{line_of(path, marker)}: {message}"


def test_brand_file_not_found(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_brand_error(Path("nope.yaml")) == "nope.yaml: file not found"


# --- output ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_pdf() -> leaflet.RenderedPdf:
    return leaflet.RenderedPdf(b"%PDF-1.4 test bytes\n%%EOF\n", 1)


def test_output_folder_missing(tmp_path, small_pdf):
    target = tmp_path / "missing" / "info.pdf"
    with pytest.raises(OutputError) as raised:
        small_pdf.write(target)
    assert (
        raised.value.message
        == f"cannot write {target}: folder {tmp_path / 'missing'} does not exist"
    )
    assert list(tmp_path.iterdir()) == []


def test_output_parent_is_a_file(tmp_path, small_pdf):
    (tmp_path / "notes.txt").write_text("keep")
    target = tmp_path / "notes.txt" / "info.pdf"
    with pytest.raises(OutputError) as raised:
        small_pdf.write(target)
    assert raised.value.message.startswith(f"cannot write {target}: ")
    assert (tmp_path / "notes.txt").read_text() == "keep"
    assert leftovers(tmp_path) == []


def test_output_is_a_folder(tmp_path, small_pdf):
    (tmp_path / "out.pdf").mkdir()
    with pytest.raises(OutputError) as raised:
        small_pdf.write(tmp_path / "out.pdf")
    assert raised.value.message == f"cannot write {tmp_path / 'out.pdf'}: it is a folder"


def test_write_replaces_an_existing_file(tmp_path, small_pdf):
    target = tmp_path / "info.pdf"
    target.write_bytes(b"old")
    small_pdf.write(target)
    assert target.read_bytes() == small_pdf.data
    assert leftovers(tmp_path) == ["info.pdf"]


def test_failed_rename_leaves_nothing_half_written(tmp_path, small_pdf, monkeypatch):
    target = tmp_path / "info.pdf"
    target.write_bytes(b"old contents")

    def refuse(source, destination):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError) as raised:
        write_atomically(target, small_pdf.data)
    assert raised.value.message == f"cannot write {target}: Permission denied"
    assert target.read_bytes() == b"old contents"
    assert leftovers(tmp_path) == ["info.pdf"]


def test_interrupted_write_leaves_nothing_half_written(tmp_path, small_pdf, monkeypatch):
    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(tmp_path / "info.pdf", small_pdf.data)
    assert list(tmp_path.iterdir()) == []


def test_failed_build_leaves_the_existing_file(content_copy):
    target = content_copy.parent / "info.pdf"
    target.write_bytes(b"previous leaflet")
    break_wording(content_copy, "Fax {{ clinic.fax }}")
    with pytest.raises(SourceError):
        build("info", content_dir=content_copy).rendered.write(target)
    assert target.read_bytes() == b"previous leaflet"
    assert leftovers(content_copy.parent) == ["info.pdf"]


# --- causes, and how the two audiences read a message ------------------------------------


def test_a_wrapped_error_keeps_its_cause(tmp_path: Path) -> None:
    import yaml

    broken = write_brand(tmp_path, extra="colours: [unclosed\n")
    with pytest.raises(SourceError) as caught:
        leaflet.load_brand(broken)
    assert isinstance(caught.value.__cause__, yaml.YAMLError)
    assert caught.value.message.startswith(f"{broken}:")


def test_debug_prints_the_traceback_with_its_cause(tmp_path: Path) -> None:
    from conftest import invoke

    broken = write_brand(tmp_path, extra="colours: [unclosed\n")
    plain = invoke(["info", "--brand", str(broken), "-o", str(tmp_path / "x.pdf")])
    debug = invoke(["--debug", "info", "--brand", str(broken), "-o", str(tmp_path / "x.pdf")])
    assert plain.exit_code == debug.exit_code == 1
    assert "Traceback" not in plain.stderr
    error_line = plain.stderr.strip()
    assert error_line.startswith("Error: ") and "malformed YAML" in error_line
    assert "yaml.scanner.ScannerError" in debug.stderr or "yaml.parser.ParserError" in debug.stderr
    assert "The above exception was the direct cause of the following exception" in debug.stderr
    assert debug.stderr.strip().endswith(error_line)


def test_messages_name_arguments_for_python_and_options_for_the_command_line() -> None:
    from leaflet.errors import Argument

    error = leaflet.LeafletError("build anyway with ", Argument("allow_expired=True", "--x"), ".")
    assert error.message == str(error) == "build anyway with allow_expired=True."
    assert error.format_message() == "build anyway with --x."
