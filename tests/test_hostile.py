"""The attacks leaflet withstands: hostile or careless content, brands, files and output.

Each test reproduces one attack from issue 18 and checks that it ends in a correct
result or in one `Error:` line naming the file, line or field, with a non-zero exit, in
bounded time and memory. Killed runs, full disks and the email ledger are in
`test_hostile_runs.py`; random content and CSV rows in `test_fuzz.py`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BRAND_NOTE, PINNED_MAIN, invoke, replace_in, write_brand

import leaflet
from leaflet.packs.appointments import parse_appointments
from leaflet.sources.templating import Namespace, TemplateProblem, Wording, make_environment

INFO = "content/microneedling/en-GB/info.yaml"


def one_error(result) -> str:
    """The one `Error:` line a failed command printed (and that it failed)."""
    assert result.exit_code != 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def run_leaflet(args: list[str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """`leaflet ARGS` in a new process, killed (and the test failed) after `timeout`."""
    return subprocess.run(
        [sys.executable, "-c", PINNED_MAIN, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def add_block(content: Path, block: str, document: str = "info") -> int:
    """Make `block` (YAML lines) the first block of `document`; return its line."""
    path = content / "microneedling" / "en-GB" / f"{document}.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nblocks:\n") + len("\nblocks:\n")
    path.write_text(text[:start] + block + text[start:], encoding="utf-8")
    return text[:start].count("\n") + 1


def alias_bomb(levels: int = 10, width: int = 9) -> str:
    """YAML in which `levels` nested lists of `width` aliases expand to width**levels."""
    lines = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


# --- High 1: YAML aliases -----------------------------------------------------------------


def test_an_alias_bomb_in_leaflet_yaml_is_refused_at_once(tmp_path):
    assert invoke(["init", str(tmp_path / "clinic")]).exit_code == 0
    config = tmp_path / "clinic" / "leaflet.yaml"
    config.write_text("brand: brand.yaml\n" + alias_bomb(), encoding="utf-8")
    result = run_leaflet(["list"], cwd=tmp_path / "clinic")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: leaflet.yaml:3: YAML aliases (*name) are not allowed: write the value out in full\n"
    )


def test_an_alias_in_content_is_refused_with_its_line(content_copy):
    line = add_block(content_copy, "  - paragraph: &words Some words.\n  - paragraph: *words\n")
    result = invoke(["info", "--content-dir", "content"])
    assert one_error(result) == (
        f"Error: {INFO}:{line + 1}: YAML aliases (*name) are not allowed: write the value "
        "out in full"
    )


def test_an_alias_bomb_in_a_brand_is_refused(tmp_path):
    brand = write_brand(tmp_path, extra=alias_bomb())
    with pytest.raises(leaflet.SourceError, match="YAML aliases"):
        leaflet.load_brand(brand)


def test_an_alias_bomb_in_a_layout_is_refused(tmp_path):
    (tmp_path / "bomb.yaml").write_text("extends: a4\n" + alias_bomb(), encoding="utf-8")
    with pytest.raises(leaflet.SourceError, match="YAML aliases"):
        leaflet.load_layout("bomb", tmp_path)


def test_a_complex_key_in_leaflet_yaml(tmp_path):
    assert invoke(["init", str(tmp_path / "clinic")]).exit_code == 0
    (tmp_path / "clinic" / "leaflet.yaml").write_text("brand: brand.yaml\n? [a]\n: b\n")
    result = run_leaflet(["list"], cwd=tmp_path / "clinic")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: leaflet.yaml:2: a key must be plain text, not a list or mapping\n"
    )


def test_nesting_deep_enough_to_overflow_the_stack(content_copy):
    line = add_block(content_copy, "  - paragraph: " + "[" * 900 + "]" * 900 + "\n")
    assert one_error(invoke(["info", "--content-dir", "content"])) == (
        f"Error: {INFO}:{line}: nested more than 50 levels deep"
    )


# --- High 2: raw markup from content templates --------------------------------------------

RAW_MARKUP = [
    ("""{{ '<img src="/dev/zero"/>' | safe }}""", "the filter 'safe' is not available"),
    ("""{{ '<a href="javascript:x()">x</a>' | safe }}""", "the filter 'safe' is not available"),
    ("{{ 'http://x.example' | urlize }}", "the filter 'urlize' is not available"),
    ("{{ {'a': 1} | xmlattr }}", "the filter 'xmlattr' is not available"),
    ("{{ 'x' | tojson }}", "the filter 'tojson' is not available"),
    (
        "{% autoescape false %}{{ '<img src=\"/dev/zero\"/>' }}{% endautoescape %}",
        "{% autoescape %} is not available",
    ),
    ("{% filter safe %}<b>x</b>{% endfilter %}", "filter blocks are not available"),
    ("{% macro m() %}x{% endmacro %}{{ m() }}", "macros are not available"),
    ("{{ '<b>%s</b>' % clinic.name }}", "'%' works on numbers only"),
    ("{{ clinic.name.format() }}", "calls (name(...)) are not available"),
    ("{{ '<x>' | e | upper }}", "the template makes markup of its own"),  # &LT;X&GT;
]


@pytest.mark.parametrize(("template", "problem"), RAW_MARKUP)
def test_content_cannot_emit_raw_markup(template, problem):
    environment = make_environment()
    context = {"clinic": Namespace("clinic", {"name": "Ann"})}
    with pytest.raises(TemplateProblem, match=problem.replace("(", r"\(").replace(")", r"\)")):
        Wording(template, environment).render(context)


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ('{% extends "layout.html" %}', "extends are not available in content templates"),
        ("{% block b %}x{% endblock %}", "blocks are not available in content templates"),
    ],
)
def test_content_cannot_extend_or_have_blocks(template, problem):
    with pytest.raises(TemplateProblem, match=problem):
        Wording(template, make_environment()).render({})


def test_an_email_template_extends_only_a_file_named_in_quotes(content_copy):
    from leaflet.mail.messages import EmailTemplates

    replace_in(
        content_copy / "email/en-GB/body.html",
        '{% extends "layout.html" %}',
        "{% extends clinic.website %}",
    )
    with pytest.raises(leaflet.SourceError) as raised:
        EmailTemplates(leaflet.load_brand(), "content")
    assert raised.value.message == (
        "content/email/en-GB/body.html:2: template error: extends takes a file name in "
        'quotes, e.g. {% extends "layout.html" %}'
    )


def test_the_email_layout_linked_to_dev_zero(content_copy):
    """The layout is read with the same size guard as the templates that extend it."""
    from leaflet.mail.messages import EmailTemplates

    (content_copy / "email/layout.html").unlink()
    (content_copy / "email/layout.html").symlink_to("/dev/zero")
    with pytest.raises(leaflet.SourceError) as raised:
        EmailTemplates(leaflet.load_brand(), "content")
    assert raised.value.message == (
        "content/email/layout.html: is not a regular file (a device, pipe or socket)"
    )


def test_safe_in_content_is_an_error_naming_file_and_line(content_copy):
    line = add_block(content_copy, """  - paragraph: "{{ '<img src=x/>' | safe }}"\n""")
    message = one_error(invoke(["info", "--content-dir", "content"]))
    assert message.startswith(
        f"Error: {INFO}:{line}: blocks[0].paragraph: template error: the filter 'safe' is "
        "not available in content templates; filters: abs, capitalize,"
    )


def test_check_reports_safe_instead_of_no_problems(content_copy):
    line = add_block(content_copy, """  - paragraph: "{{ '<img src=x/>' | safe }}"\n""")
    result = invoke(["check", "--quick", "--content-dir", "content"])
    assert result.exit_code == 1
    assert f"error: {INFO}:{line}: blocks[0].paragraph: template error: the filter 'safe'" in (
        result.stdout
    )


# --- Low: template work and output, block length ------------------------------------------


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{{ 'a' * 10**9 }}", "'*' works on numbers only in templates"),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
            "loops ({% for %}) are not available in content templates",
        ),
        ("{{ 9 ** 100000000 }}", "'**' takes exponents up to 100 in templates"),
        ("{{ clinic.name | truncate(10**9) }}", "1000000000 is larger than any filter here takes"),
    ],
)
def test_template_work_is_bounded(content_copy, template, problem):
    line = add_block(content_copy, f'  - paragraph: "{template}"\n')
    assert one_error(invoke(["info", "--content-dir", "content"])) == (
        f"Error: {INFO}:{line}: blocks[0].paragraph: {problem}"
        if "loops" not in problem
        else f"Error: {INFO}:{line}: blocks[0].paragraph: template error: {problem}"
    )


def test_template_output_is_capped(content_copy):
    words = " ".join(["{{ clinic.out_of_hours }}"] * 120)  # about 6,000 characters
    line = add_block(content_copy, f'  - paragraph: "{words}"\n')
    assert one_error(invoke(["info", "--content-dir", "content"])) == (
        f"Error: {INFO}:{line}: blocks[0].paragraph: the text is longer than 5,000 "
        "characters (about 833 words), far more than any leaflet needs in one place; "
        "split it up"
    )


def test_a_2_mb_paragraph_is_refused_at_once(content_copy):
    add_block(content_copy, "  - paragraph: " + "word " * 400_000 + "\n")
    assert one_error(invoke(["info", "--content-dir", "content"])) == (
        f"Error: {INFO}: larger than 1 MB, far more than this file needs"
    )


def test_a_paragraph_longer_than_any_leaflet_needs(content_copy):
    line = add_block(content_copy, "  - paragraph: " + "word " * 1_001 + "\n")
    assert one_error(invoke(["info", "--content-dir", "content"])) == (
        f"Error: {INFO}:{line}: blocks[0].paragraph: the text is longer than 5,000 "
        "characters (about 833 words), far more than any leaflet needs in one place; "
        "split it up"
    )


def test_a_300_word_heading(content_copy):
    line = add_block(content_copy, "  - heading: " + "Heading " * 300 + "\n")
    assert one_error(invoke(["info", "--content-dir", "content"])) == (
        f"Error: {INFO}:{line}: blocks[0].heading: longer than 150 characters, the most "
        "this field takes"
    )


def test_email_template_loops_are_bounded(content_copy):
    loops = "{% for a in clinic.name %}" * 4  # 19 characters: 130,321 turns
    replace_in(content_copy / "email/en-GB/body.txt", "Hello,\n", f"{loops}x{'{% endfor %}' * 4}\n")
    appointment = leaflet.Appointment(
        "A1", leaflet.Personalisation(), "microneedling", email="ann@example.org"
    )
    pack = leaflet.Pack(appointment, ())
    from leaflet.mail.messages import EmailTemplates

    with pytest.raises(leaflet.SourceError) as raised:
        EmailTemplates(leaflet.load_brand(), content_copy).render(pack, "random")
    assert raised.value.message.endswith(
        "template error: the template takes more than 10,000 steps (loop turns and "
        "filters); no wording needs that many"
    )


# --- Low: brands ------------------------------------------------------------------------


def brand_error(tmp_path, replacements=None, extra="") -> str:
    """The one `Error:` line `leaflet info` prints for a broken copy of the example brand."""
    brand = write_brand(tmp_path, replacements, extra)
    return one_error(invoke(["info", "--brand", str(brand), "-o", str(tmp_path / "x.pdf")]))


@pytest.mark.parametrize(
    "website", ["javascript:alert(1)", "file:///etc/passwd", "www.example.com", "https://a b"]
)
def test_a_website_must_be_a_web_address(tmp_path, website):
    message = brand_error(tmp_path, {"website: https://www.example.com": f"website: '{website}'"})
    assert message.endswith(
        f"clinic.website: {website!r} is not valid; expected a web address starting with "
        "https:// (or http://, mailto: or tel:)"
    )


@pytest.mark.parametrize(
    ("email", "problem"),
    [
        ("reception", "'reception' is not an email address"),
        ('"hello@example.com\\r\\nBcc: all@example.org"', "is not an email address"),
    ],
)
def test_a_clinic_email_must_be_one_address(tmp_path, email, problem):
    message = brand_error(tmp_path, {"email: hello@example.com": f"email: {email}"})
    assert "clinic.email: " in message and problem in message


def test_a_clinic_name_with_a_line_break(tmp_path):
    message = brand_error(
        tmp_path, {"name: Example Skin Clinic": 'name: "Example\\r\\nBcc: all@example.org"'}
    )
    assert message.endswith(
        "clinic.name: contains a line break or other control character; write it on one line"
    )


def with_logo(tmp_path: Path, logo: Path) -> dict[str, str]:
    """The replacement that makes the example brand's copy use `logo`."""
    return {f"logo: {leaflet.load_brand().logo}": f"logo: {logo}"}


def test_a_truncated_png_logo(tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(Path(leaflet.load_brand().logo).read_bytes()[:2000])
    message = brand_error(tmp_path, with_logo(tmp_path, logo))
    assert f"logo: {logo} is not a readable PNG or JPEG image (" in message


def test_a_12000_pixel_logo_is_refused_before_it_is_decoded(tmp_path):
    """Decoding it took 1.3 GB and printed Pillow's DecompressionBombWarning."""
    from PIL import Image

    logo = tmp_path / "huge.png"
    Image.new("1", (12000, 12000)).save(logo)  # 144 million pixels in a small file
    message = brand_error(tmp_path, with_logo(tmp_path, logo))
    assert message.endswith(
        f"logo: {logo} is 12000 x 12000 pixels, more than the 16,777,216 leaflet takes; "
        "240 pixels square prints at 300 dpi in every layout: make it smaller"
    )


@pytest.mark.parametrize("keep", [1000, 200_000, -5000])
def test_a_truncated_font(tmp_path, keep):
    from leaflet.sources.bundled import FONTS_DIR

    font = tmp_path / "Cut-Regular.ttf"
    font.write_bytes((FONTS_DIR / "NotoSans-Regular.ttf").read_bytes()[:keep])
    message = brand_error(tmp_path, extra=f"fonts:\n  regular: {font}\n")
    assert f"fonts.regular: {font}" in message
    assert "is cut short" in message or "is not a usable TrueType font" in message


# --- Low: files that are not what they seem -----------------------------------------------


@pytest.mark.parametrize("command", ["batch", "verify"])
def test_dev_zero_as_an_input(tmp_path, command):
    """`leaflet batch /dev/zero` and `leaflet verify /dev/zero` read until memory ran out."""
    args = [command, "/dev/zero"] + (["--out-dir", str(tmp_path)] if command == "batch" else [])
    assert one_error(invoke(args)) == (
        "Error: /dev/zero: is not a regular file (a device, pipe or socket)"
    )


def test_an_email_template_linked_to_dev_zero(content_copy):
    (content_copy / "email/en-GB/body.txt").unlink()
    (content_copy / "email/en-GB/body.txt").symlink_to("/dev/zero")
    Path("day.csv").write_text(DAY, encoding="utf-8")
    assert invoke([*EMAIL, "--content-dir", "content"]).stderr.splitlines()[-1] == (
        "Error: content/email/en-GB/body.txt: is not a regular file (a device, pipe or socket)"
    )


@pytest.fixture(scope="module")
def consent_pdf(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("verify")
    assert invoke(["consent", "-o", str(folder / "consent.pdf")]).exit_code == 0
    return (folder / "consent.pdf").read_bytes()


def test_verify_shows_forged_line_breaks_as_escapes(tmp_path, consent_pdf):
    """CR/LF in a metadata value printed a second, forged verdict line."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(consent_pdf)) as pdf:
        pdf.docinfo["/LeafletReference"] = "MN-CON-01\r\nforged.pdf: the same wording"
        pdf.save(tmp_path / "forged.pdf")
    result = invoke(["verify", str(tmp_path / "forged.pdf")])
    [line] = result.stdout.splitlines()
    assert line.startswith(
        f"{tmp_path / 'forged.pdf'}: MN-CON-01\\u000d\\u000aforged.pdf: the same wording version "
    )


def test_verify_of_a_pdf_whose_info_is_a_bare_reference(tmp_path, consent_pdf):
    """The trailer's /Info names an object that is itself only a reference."""
    import io
    import re

    import pikepdf

    plain = io.BytesIO()  # every object written out as text, so it can be edited
    with pikepdf.open(io.BytesIO(consent_pdf)) as pdf:
        pdf.save(plain, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    data = plain.getvalue()
    number = re.search(rb"/Info (\d+) 0 R", data).group(1)
    body = re.search(rb"\n" + number + rb" 0 obj\n(.*?)\nendobj", data, re.S)
    damaged = data[: body.start(1)] + b"1 0 R".ljust(len(body.group(1))) + data[body.end(1) :]
    (tmp_path / "bare.pdf").write_bytes(damaged)
    message = one_error(invoke(["verify", str(tmp_path / "bare.pdf")]))
    assert message.startswith(f"Error: {tmp_path / 'bare.pdf'}: not a readable PDF (")


@pytest.mark.parametrize(
    ("redirect", "problem"),
    [(">&-", "it is closed"), (">/dev/full", "No space left on device")],
)
def test_standard_output_closed_or_full(tmp_path, redirect, problem):
    command = f'{sys.executable} -c "{PINNED_MAIN}" info -o - {redirect}'
    result = subprocess.run(
        ["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert result.stderr == f"Error: cannot write the PDF to standard output: {problem}\n"


# --- Low: spreadsheets, subjects, addresses, CSV quotes -----------------------------------


def test_a_formula_as_content_version(content_copy):
    path = content_copy / "microneedling/en-GB/info.yaml"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("  version: ")].count("\n") + 1
    formula = """  version: '=HYPERLINK("http://x.example")'\n"""
    path.write_text(re.sub(r"  version: .*\n", formula, text, count=1), encoding="utf-8")
    message = one_error(invoke(["info", "--content-dir", "content"]))
    assert message.startswith(f"Error: {INFO}:{line}: meta.version: ") and "is not valid" in message


def test_no_csv_cell_we_write_starts_a_formula(tmp_path):
    from leaflet.packs.manifest import Manifest, ManifestEntry
    from leaflet.render.output import spreadsheet_safe

    assert [spreadsheet_safe(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "A1", 3)] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "A1", "3",
    ]  # fmt: skip
    manifest = Manifest(tmp_path)
    manifest.start(keep=[], batch=set())
    entry = ManifestEntry(
        "A1", "info", "en-GB", "A1-info.pdf", 1, 2, "ab", "MN", '=HYPERLINK("x")', "cd"
    )
    manifest.add(entry)
    manifest.close(order=[])
    assert (tmp_path / "manifest.csv").read_text().splitlines()[1] == (
        """A1,info,en-GB,A1-info.pdf,1,2,ab,MN,"'=HYPERLINK(""x"")",cd"""
    )


DAY = (
    "appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner,"
    "mobile\nA1,Ann Lee,1985-04-23,ann@example.org,microneedling,2026-12-01T10:30,,"
    "07700 900123\n"
)
EMAIL = ["email", "day.csv", "--out-dir", "out", "--jobs", "1", "--documents", "info"]


def test_the_subject_cannot_reach_patient_values(content_copy):
    """`{{ patient.first_name | join(".") }}` slipped past the check on subject words."""
    (content_copy / "email/en-GB/subject.txt").write_text(
        'Hi {{ patient.first_name | join(".") }}\n'
    )
    Path("day.csv").write_text(DAY, encoding="utf-8")
    result = invoke([*EMAIL, "--content-dir", "content"])
    assert result.stderr.splitlines()[-1] == (
        "Error: content/email/en-GB/subject.txt:1: template error: the subject cannot use patient "
        "details: subjects show on lock screens and in shared inboxes; remove "
        "{{ patient... }} from it"
    )
    assert not list((content_copy.parent / "out").rglob("*.eml"))  # nothing sent


@pytest.mark.parametrize("email", ["reception desk", '"hello@example.com\\r\\nBcc: x@y.org"'])
def test_leaflet_email_with_a_brand_email_that_is_not_one(tmp_path, monkeypatch, email):
    monkeypatch.chdir(tmp_path)
    Path("day.csv").write_text(DAY, encoding="utf-8")
    brand = write_brand(tmp_path, {"email: hello@example.com": f"email: {email}"})
    message = one_error(invoke([*EMAIL, "--brand", str(brand)]))
    assert "clinic.email: " in message and "is not an email address" in message


def test_an_international_domain_is_written_as_idna(tmp_path, monkeypatch):
    """`To: ann@=?utf-8?q?...?=` is no address any server delivers to."""
    monkeypatch.chdir(tmp_path)
    Path("day.csv").write_text(DAY.replace("@example.org", "@bücher.example"), encoding="utf-8")
    assert invoke(EMAIL).exit_code == 0
    headers = (tmp_path / "out/outbox/A1.eml").read_bytes().split(b"\r\n\r\n")[0]
    assert b"\r\nTo: ann@xn--bcher-kva.example\r\n" in headers


def test_one_stray_quote_costs_one_row(tmp_path, monkeypatch):
    """One malformed quote in one row refused the whole file."""
    monkeypatch.chdir(tmp_path)
    rows = [
        'A1,"Ann" Lee,,,microneedling,2026-12-01T10:30,',  # a quote, then more text
        'A2,"Bo Li,,,microneedling,2026-12-01T10:30,',  # a quote never closed
        "A3,Cy Ng,,,microneedling,2026-12-01T10:30,",
    ]
    header = "appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner"
    Path("day.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = invoke(["batch", "day.csv", "--out-dir", "out", "--jobs", "1", "--documents", "info"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: day.csv, row 2: not valid CSV (',' expected after '\"'); check the quotes on "
        "this row",
        "Error: day.csv, row 3: not valid CSV (unexpected end of data); check the quotes on "
        "this row",
        "Built 1 of 1 files",
        "Built 1 file in out (0 already built); 2 rows failed. Manifest: out/manifest.csv"
        + BRAND_NOTE,
    ]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["A3-info.pdf"]


def test_a_2_mb_cell_names_its_row_column_and_the_limit(tmp_path, monkeypatch):
    """The csv module's own words were "field larger than field limit (131072)", with a
    hint about quotes that had nothing to do with it."""
    monkeypatch.chdir(tmp_path)
    header = "appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner"
    rows = [
        f"A1,{'x' * 2_000_000},,,microneedling,2026-12-01T10:30,",
        "A2,Bo Li,,,microneedling,2026-12-01T10:30,",
    ]
    Path("day.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = invoke(["batch", "day.csv", "--out-dir", "out", "--jobs", "1", "--documents", "info"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "Error: day.csv, row 2, column patient_name: this cell is too long: 2,000,000 "
        "characters, where a cell can hold at most 131,072"
    )
    assert [line for line in result.stderr.splitlines() if line.startswith("Error")] == [
        result.stderr.splitlines()[0]
    ]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["A2-info.pdf"]


NOTES_HEADER = "Ref,Client,Service,Start time,Notes"
LONG = "y" * 200_000


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (  # quoted, in a column leaflet does not read: named by its header
            f'A1,Ann Lee,microneedling,2026-12-01T10:30,"{LONG}"',
            "row 2, column Notes: this cell is too long: 200,000 characters, where a cell "
            "can hold at most 131,072",
        ),
        (  # doubled quotes are one character each
            f'A1,"{LONG[:70_000]}""{LONG[:70_000]}",microneedling,2026-12-01T10:30,',
            "row 2, column 'Client' (patient_name): this cell is too long: 140,001 "
            "characters, where a cell can hold at most 131,072",
        ),
        (  # a quote never closed: the quotes are the cause
            f'A1,"Ann Lee,microneedling,2026-12-01T10:30,\n{LONG}',
            "row 2, column 'Client' (patient_name): a quote opens this cell and nothing "
            "closes it; check the quotes on this row",
        ),
        (  # a cell over many lines: too long, or a quote closed too late
            f'A1,Ann Lee,microneedling,2026-12-01T10:30,"{(LONG[:999] + chr(10)) * 200}"',
            "row 2, column Notes: this cell is too long: 200,000 characters over 201 lines, "
            "where a cell can hold at most 131,072; if it should end sooner, check the "
            "quotes on this row",
        ),
    ],
)
def test_a_cell_too_long_says_so_and_blames_quotes_only_when_they_may_be_why(row, problem):
    text = "\n".join([NOTES_HEADER, row, "A2,Bo Li,microneedling,2026-12-01T10:30,"]) + "\n"
    appointments, problems = parse_appointments(text, "day.csv")
    assert str(problems[0]) == f"day.csv, {problem}"
    assert "A2" in [item.appointment_id for item in appointments]


@pytest.mark.parametrize(
    ("widths", "problem"),
    [
        ([1] * 6, "part of the consent document is taller than a page of the a5 layout holds"),
        ([20] + [0.01] * 5, "a record table's columns do not fit across the page"),  # with
    ],  # a long row label, the label column takes a third of the width
)
def test_a_record_table_no_page_can_hold(content_copy, widths, problem):
    """Long column headings: a header row taller than a page (ReportLab's LayoutError),
    or columns narrower than their padding (an AttributeError deep in ReportLab)."""
    import yaml

    path = content_copy / "microneedling/en-GB/consent.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    table = next(block["record_table"] for block in data["blocks"] if "record_table" in block)
    heading = ("Column heading words " * 10)[:150].strip()
    table["columns"] = [
        {"id": f"c{index}", "label": heading, "width": width} for index, width in enumerate(widths)
    ]
    table["row_label"] = heading
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    message = one_error(invoke(["consent", "--content-dir", "content", "--layout", "a5"]))
    assert message.startswith(f"Error: content/microneedling/en-GB/consent.yaml: {problem}")
