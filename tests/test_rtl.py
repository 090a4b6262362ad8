"""Right-to-left leaflets (Arabic) and names in any script.

The built-in microneedling content has an Arabic translation (`ar`). Its PDFs are read
back three ways: the structure tree's /ActualText (what pdfplumber and Mozilla pdf.js
give screen readers and copying: the text in logical order), the characters with their
positions on the page (what a reader sees: right to left, joined, digits left to right),
and the shaping itself (glyphs HarfBuzz chose for joined letters).
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import tagged_pdf
import yaml
from bidi import get_display
from conftest import invoke, normalise, personalisation, write_brand

import leaflet
from leaflet.sources.bundled import CONTENT_DIR
from leaflet.sources.fontchain import ARABIC_FONTS
from leaflet.sources.fonts import register_family
from leaflet.sources.languages import parse_language
from leaflet.sources.shaping import shape
from leaflet.story.bidi import islands, line_islands, visual_runs

DOCUMENTS = ("info", "consent", "aftercare")
FIXTURE_FONT = Path(__file__).parent / "fixtures" / "fonts" / "DroidSansFallback-subset.ttf"
FONTS_DIR = Path(leaflet.__file__).parent / "resources" / "fonts"


def build(document: str, language: str = "ar", layout: str = "a4", **options) -> bytes:
    treatment = leaflet.load_treatment("microneedling")
    rendered = leaflet.render_pdf(
        treatment.document(document, language),
        leaflet.load_brand(options.pop("brand", None)),
        leaflet.load_layout(layout),
        options.pop("personal", None),
    )
    return rendered.data


@pytest.fixture(scope="module")
def arabic() -> dict[str, bytes]:
    return {document: build(document) for document in DOCUMENTS}


def actual_texts(data: bytes) -> list[tuple[str, str]]:
    """(role, /ActualText) of every structure element that has one, in tree order."""
    found: list[tuple[str, str]] = []

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            if node.get("actual_text"):
                found.append((node["type"], node["actual_text"]))
            walk(node.get("children", []))

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        walk(pdf.structure_tree)
    return found


def fold(text: str) -> str:
    """Text as compared: NFKC (presentation forms to letters), white space folded."""
    return normalise(unicodedata.normalize("NFKC", text))


def plain_paragraphs(document: str) -> list[str]:
    """The Arabic source's paragraphs with no template in them, bold marks removed."""
    source = yaml.safe_load((CONTENT_DIR / "microneedling" / "ar" / f"{document}.yaml").read_text())
    texts = [b["paragraph"] for b in source["blocks"] if "paragraph" in b]
    return [fold(t.replace("**", "")) for t in texts if "{{" not in t]


def page_lines(data: bytes, page: int = 0) -> list[list[dict]]:
    """The characters of each line of a page (by baseline), top to bottom."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = pdf.pages[page].chars
    lines: dict[float, list[dict]] = {}
    for char in chars:
        lines.setdefault(round(char["matrix"][5], 1), []).append(char)
    return [lines[y] for y in sorted(lines, reverse=True)]


# --- logical order for copying and screen readers ----------------------------------------


@pytest.mark.parametrize("document", DOCUMENTS)
def test_actual_text_is_the_source_text(arabic, document):
    texts = {fold(text) for role, text in actual_texts(arabic[document]) if role == "P"}
    paragraphs = plain_paragraphs(document)
    assert paragraphs
    for paragraph in paragraphs:
        assert paragraph in texts


def test_pdfjs_gives_screen_readers_the_logical_text(arabic, tmp_path):
    if not tagged_pdf.pdfjs_available():
        pytest.skip("pdf.js is not installed (npm ci --prefix tests/pdfjs)")
    path = tmp_path / "info.pdf"
    path.write_bytes(arabic["info"])
    tree = tagged_pdf.read_with_pdfjs(path)
    alts = {
        fold(node["alt"])
        for page in tree["pages"]
        if page["tree"]
        for node in tagged_pdf.pdfjs_nodes(page["tree"])
        if node.get("alt")
    }
    for paragraph in plain_paragraphs("info"):
        assert paragraph in alts


@pytest.mark.parametrize("document", DOCUMENTS)
def test_arabic_pdfs_pass_the_accessibility_checks(arabic, document, tmp_path):
    path = tmp_path / f"{document}.pdf"
    path.write_bytes(arabic[document])
    assert tagged_pdf.pdfua_findings(path) == []
    assert tagged_pdf.structure_problems(path) == []


# --- what a reader sees --------------------------------------------------------------------


def test_shaped_glyphs_differ_from_unshaped_where_letters_join():
    family = register_family(*(FONTS_DIR / name for name in ARABIC_FONTS), shaping=True)
    from reportlab.pdfbase import pdfmetrics

    font = pdfmetrics.getFont(family.regular)
    word = "بعد"  # beh, ain, dal: the first two join to the next letter
    shaped = shape(font, word, rtl=True)
    glyphs = [font.face.charToGlyph[ord(c)] for c in shaped]
    alone = [font.face.charToGlyph[ord(c)] for c in reversed(word)]
    assert len(glyphs) == len(alone)
    assert glyphs != alone  # joined forms, not the letters on their own
    assert glyphs[-1] != alone[-1] and glyphs[-2] != alone[-2]  # initial and medial forms
    # the PDF's characters are the joined forms (presentation forms), not the letters
    assert any(unicodedata.name(c).endswith("INITIAL FORM") for c in shaped)


@pytest.mark.parametrize("rise", [0, 3])  # 3: in raised text (<super>)
def test_a_line_that_starts_with_a_raised_mark_selects_its_font_first(rise):
    """ "يخفّ" ends with a shadda: drawn right to left, the mark is the first glyph,
    raised and moved right of where it is written. Its move must follow the Tf that
    selects the font, in one TJ with the mark: a TJ before any Tf is invalid PDF (the
    Arabic aftercare leaflet once had one)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen.canvas import Canvas

    from leaflet.render.positioned import PositionedTextObject

    family = register_family(*(FONTS_DIR / name for name in ARABIC_FONTS), shaping=True)
    glyphs = shape(pdfmetrics.getFont(family.regular), "يخفّ", rtl=True)
    assert glyphs.__shapeData__[0].x_offset and glyphs.__shapeData__[0].y_offset
    text = PositionedTextObject(Canvas(io.BytesIO()), 0, 0)
    text._setFont(family.regular, 13)  # as ReportLab's paragraphs do: no Tf until a glyph
    if rise:
        text.setRise(rise)
    text._textOut(glyphs)
    code = text.getCode()
    shown = re.findall(r"\[([^]]*)\] TJ", code)
    assert code.index(" Tf ") < code.index(" TJ")
    assert all("(" in array for array in shown), code  # no array of moves alone
    assert shown[0].startswith("-") and shown[0].split()[1].startswith("(")  # move, mark


def test_first_line_of_a_wrapped_paragraph_is_at_the_top_right(arabic):
    first_paragraph = plain_paragraphs("info")[0]
    lines = page_lines(arabic["info"])
    line = next(chars for chars in lines if len(chars) > 20 and chars[0]["size"] < 15)
    right_to_left = sorted(line, key=lambda c: -c["x0"])
    # the rightmost glyphs are the paragraph's first letters, in reading order
    first_word = first_paragraph.split()[0]
    read = fold("".join(c["text"] for c in right_to_left[: len(first_word) + 2]))
    assert read.replace(" ", "").startswith(first_word[:2])
    assert max(c["x1"] for c in line) == pytest.approx(
        max(c["x1"] for chars in lines for c in chars if c["size"] < 15), abs=1
    )


def test_digits_and_latin_words_keep_their_order_inside_arabic_lines(arabic):
    text = " ".join(
        "".join(c["text"] for c in sorted(line, key=lambda c: c["x0"]))
        for page in range(4)
        for line in page_lines(arabic["aftercare"], page)
    )
    assert "SPF 30" in text  # not "30 SPF"
    assert "020 7946 0000" in text  # the clinic's phone number, groups left to right
    assert "MN-AFT-01" in text


def test_lines_agree_with_python_bidi():
    """Our visual order of every line of the Arabic content is UAX #9's (python-bidi's)
    with each of our islands isolated."""
    for document in DOCUMENTS:
        source = (CONTENT_DIR / "microneedling" / "ar" / f"{document}.yaml").read_text()
        for line in re.findall(r"[^\n\"]*[\u0600-\u06ff][^\n\"]*", source):
            line = line.strip(" -:>").replace("**", "")
            ours = "".join(
                line[a:b][::-1] if rtl else line[a:b] for a, b, rtl in visual_runs(line, True)
            )
            marked, position = "", 0
            for a, b in islands(line, True):
                marked += line[position:a] + "\u2066" + line[a:b] + "\u2069"
                position = b
            marked += line[position:]
            reference = re.sub("[\u2066-\u2069]", "", get_display(marked, base_dir="R"))
            assert reference == ours, line


def test_a_full_stop_between_latin_words_stays_with_them_across_a_line_break():
    """Directions are resolved over the paragraph, lines reordered one by one (UAX #9):
    the full stop ending a line inside a Latin reference stays at its right."""
    lines = ("المصادر: Harris AG. Skin needling for acne scarring.", "Int J Womens Dermatol")
    spans = line_islands(lines, True)
    first = lines[0]
    assert spans == (((first.index("H"), len(first)),), ((0, len(lines[1])),))
    runs = visual_runs(first, True, spans=spans[0])
    visual = "".join(first[a:b][::-1] if rtl else first[a:b] for a, b, rtl in runs)
    assert visual.startswith("Harris AG. Skin needling for acne scarring. ")
    assert visual_runs(first, True)[0] == (len(first) - 1, len(first), True)  # line alone


def test_the_direction_comes_from_cldr():
    assert parse_language("ar").direction == "rtl"
    assert parse_language("ur").direction == "rtl"
    assert parse_language("fa").direction == "rtl"
    assert parse_language("he").direction == "rtl"
    assert parse_language("pl").direction == "ltr"


def test_page_furniture_is_mirrored(arabic):
    with pdfplumber.open(io.BytesIO(arabic["consent"])) as pdf:
        page = pdf.pages[0]
        phone = [w for w in page.extract_words() if w["text"] == "0000"]
        name = [w for w in page.extract_words() if w["text"] == "Clinic"]
        images = page.images
    middle = page.width / 2
    assert phone[0]["x0"] < middle  # the clinic's phone at the left of the band
    assert name[0]["x0"] > middle  # its name at the right, after the logo
    assert images and images[0]["x0"] > middle  # the logo at the right


def test_a_repeated_title_is_shaped_and_right_to_left():
    """In large print the info leaflet's contact box runs onto its last page, its title
    repeated there with "(continued)": drawn like any Arabic line (it was once drawn
    unjoined, left to right, and ran out of the box)."""
    data = build("info", layout="large-print")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        texts = [page.extract_text() for page in pdf.pages]
        box = pdf.pages[-1].rects[0]  # the contact box's tint, the first on the page
        words = pdf.pages[-1].extract_words()
    continued = "\ufeca\ufe91\ufe8e\ufe97"  # "تابع" as it stands: joined, right to left
    assert [i for i, text in enumerate(texts) if continued in text] == [len(texts) - 1]
    assert all("تابع" not in text for text in texts)
    title = [w for w in words if w["top"] < box["top"] + 30 and w["x0"] >= box["x0"]]
    assert title and all(w["x1"] <= box["x1"] for w in title)


def test_yes_and_no_are_at_the_left_of_each_question(arabic):
    with pdfplumber.open(io.BytesIO(arabic["consent"])) as pdf:
        for page in pdf.pages:
            words = page.extract_words(extra_attrs=["size"])
            # a word's characters come left to right: a right-to-left word reversed
            yes = [w for w in words if fold(w["text"])[::-1] == "نعم"]
            no = [w for w in words if fold(w["text"]) == "لا" and w["size"] < 13]
            if yes:
                break
    assert yes and no
    assert max(w["x1"] for w in no) < min(w["x0"] for w in yes) < page.width / 3
    # the questions take the rest of the row, from its right edge to clear of the boxes
    header_tops = {round(w["top"]) for w in yes}
    questions = [
        w
        for w in words
        if min(header_tops)
        < w["top"]
        < page.height - 120  # below the first header, above the footer
        and round(w["top"]) not in header_tops
        and w["x0"] > 100
    ]
    assert min(w["x0"] for w in questions) > max(w["x1"] for w in yes) + 10
    assert max(w["x1"] for w in questions) > page.width - 80


# --- names in any script -----------------------------------------------------------------


def test_mixed_script_name_prints_exactly(tmp_path):
    brand = write_brand(tmp_path, extra=f"fonts:\n  fallback:\n    - regular: {FIXTURE_FONT}\n")
    data = build("consent", "en-GB", brand=brand, personal=personalisation("Zoë 王"))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Zoë 王" in text


def test_a_name_in_a_script_no_font_has_is_refused(tmp_path):
    missing = (
        "fonts:\n  fallback:\n    - regular: /nowhere/CJK.ttf\n"
        "      package: 'Debian: fonts-droid-fallback'\n"
    )
    brand = write_brand(tmp_path, extra=missing)
    result = invoke(
        ["info", "--brand", str(brand), "--patient-name", "Zoë 王", "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code != 0
    assert result.output.strip().splitlines()[-1] == (
        "Error: patient name: the brand fonts cannot print '王' (U+738B CJK UNIFIED "
        "IDEOGRAPH-738B); not on this machine: fonts.fallback[0] (/nowhere/CJK.ttf; Debian: "
        "fonts-droid-fallback)"
    )
    assert not (tmp_path / "x.pdf").exists()


def test_an_arabic_name_in_an_english_leaflet_keeps_its_order():
    data = build("info", "en-GB", personal=personalisation("محمد علي"))
    found = [text for _, text in actual_texts(data) if "محمد" in text]
    assert found and "Prepared for محمد علي" in found[0]
    lines = page_lines(data)
    line = next(chars for chars in lines if any(c["text"] == "P" for c in chars))
    arabic = sorted(
        (c for c in line if unicodedata.bidirectional(c["text"]) == "AL"), key=lambda c: -c["x0"]
    )
    # read right to left, the name starts with mim (its initial form) and ends with yeh
    assert fold(arabic[0]["text"]) == "م"
    assert fold(arabic[-1]["text"]) == "ي"


# --- batch: Arabic, Polish and English rows in one CSV, stamped ---------------------------


def test_batch_of_arabic_polish_and_english_rows(tmp_path, monkeypatch):
    from leaflet.render import stamp as stamping

    stamped: list[str] = []
    original = stamping.stamp

    def counted(base, personal, language, *values):
        copy = original(base, personal, language, *values)  # NotInBase: a full build instead
        stamped.append(language)
        return copy

    monkeypatch.setattr(stamping, "stamp", counted)
    csv = tmp_path / "appointments.csv"
    csv.write_text(
        "appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner,language\n"
        "A1,محمد علي,1985-04-23,,microneedling,2026-12-01T10:30,Dr Sam Lee,ar\n"
        "A2,Łukasz Wróbel,1985-04-23,,microneedling,2026-12-01T11:30,Sam Lee,pl\n"
        "A3,Zoë Ng,1990-01-02,,microneedling,2026-12-01T12:30,سارة أحمد,en-GB\n"
        "A4,Ann Lee,1990-01-02,,microneedling,2026-12-01T13:30,Sam Lee,ar\n",
        encoding="utf-8",
    )
    out = tmp_path / "packs"
    result = invoke(
        ["batch", str(csv), "--out-dir", str(out), "--jobs", "1", "--documents", "consent"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(stamped) == ["ar", "ar", "en-GB", "pl"]  # every row on the stamped fast path
    texts = {
        row: actual_texts((out / f"{row}-consent.pdf").read_bytes()) for row in ("A1", "A3", "A4")
    }
    assert any(text == "الاسم الكامل محمد علي" for _, text in texts["A1"])
    assert any(text == "الاسم الكامل Ann Lee" for _, text in texts["A4"])
    assert any("سارة أحمد" in text for _, text in texts["A3"])
    with pdfplumber.open(io.BytesIO((out / "A2-consent.pdf").read_bytes())) as pdf:
        assert "Łukasz Wróbel" in pdf.pages[0].extract_text()


def test_numbers_follow_the_locale_digits():
    import datetime as dt

    from leaflet.sources.dates import format_date, format_number

    assert format_number(24, "ar") == "24"  # CLDR: Arabic writes Western digits
    assert format_number(24, "ar-EG") == "٢٤"  # Egyptian Arabic: Arabic-Indic digits
    assert format_number(1234, "fa") == "۱٬۲۳۴"  # Persian: extended Arabic-Indic
    assert format_date(dt.date(2026, 12, 1), "ar-EG") == "١ ديسمبر ٢٠٢٦"


def test_an_arabic_booklet_opens_on_the_right():
    data = build("info", layout="a5-booklet")

    def foot_digits(side) -> list[str]:
        """The numbers at the foot of a sheet side, left to right ("Page X of 8" each)."""
        words = sorted(side.extract_words(), key=lambda w: w["x0"])
        foot = [w for w in words if w["top"] > side.height - 70 and w["text"].isdigit()]
        return [w["text"] for w in foot if w["text"] in ("2", "7", "8")]

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        front, back = pdf.pages[0], pdf.pages[1]
        title = [c for c in front.chars if c["size"] > 20]
        assert title and max(c["x1"] for c in title) < front.width / 2  # the cover at left
        # printed flipped on the short edge, the back's right half is behind the cover
        assert foot_digits(back) == ["8", "7", "8", "2"]  # "8 of 7", "8 of 2" read leftwards
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.Root.ViewerPreferences.Direction == "/R2L"


def test_an_arabic_name_is_stamped_as_a_full_build_prints_it():
    from leaflet.render.stamp import Placeholders, glyphs_for, lay_out_base, stamp

    treatment, who = leaflet.load_treatment("microneedling"), personalisation("لمى عبد الله")
    document, brand, layout = (
        treatment.document("consent", "ar"),
        leaflet.load_brand(),
        leaflet.load_layout("a4"),
    )
    shape = Placeholders.shape_of(who)
    base = lay_out_base(document, brand, layout, shape, glyphs=glyphs_for(who, "ar"))
    copy = stamp(base, who, "ar").data  # the base holds the name's joined letter forms
    full = leaflet.render_pdf(document, brand, layout, who).data
    with pdfplumber.open(io.BytesIO(copy)) as stamped, pdfplumber.open(io.BytesIO(full)) as built:
        assert stamped.pages[0].extract_text() == built.pages[0].extract_text()
    assert ("P", "الاسم الكامل لمى عبد الله") in actual_texts(copy)


def test_an_arabic_patient_gets_an_arabic_email(tmp_path):
    import email
    import email.policy

    from conftest import TODAY

    (tmp_path / "day.csv").write_text(
        "appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner,"
        "language,mobile\n"
        "C1,لمى عبد الله,1985-04-23,lama@example.org,microneedling,2026-12-01T10:30,,ar,"
        "07700900001\n",
        encoding="utf-8",
    )
    appointments, problems = leaflet.read_appointments(tmp_path / "day.csv")
    assert problems == []
    leaflet.build_batch(appointments, tmp_path / "out", jobs=1, today=TODAY)
    leaflet.email_appointments(
        appointments, tmp_path / "out", outbox=tmp_path / "outbox", jobs=1, today=TODAY
    )
    (path,) = (tmp_path / "outbox").glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "موعدك في Example Skin Clinic"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("مرحبًا لمى،")
    # the password (date of birth and the mobile's last 4 numbers) explained in Arabic
    assert "آخر 4 أرقام من رقم هاتفك المحمول" in text
    html = message.get_body(("html",)).get_content()
    assert '<html lang="ar" dir="rtl">' in html
    assert [part.get_filename() for part in message.iter_attachments()] == [
        "information-leaflet.pdf",
        "consent-form.pdf",
        "aftercare-leaflet.pdf",
    ]


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "أسبوع واحد"), (2, "أسبوعين"), (3, "3 أسابيع"), (11, "11 أسبوعًا"), (100, "100 أسبوع")],
)
def test_plural_puts_the_number_where_the_form_says(count, expected):
    """Arabic says one week and two weeks in words: forms with a # place the number."""
    from leaflet.sources.templating import make_environment

    call = (
        "plural(zero='# أسبوع', one='أسبوع واحد', two='أسبوعين', few='# أسابيع', "
        "many='# أسبوعًا', other='# أسبوع')"
    )
    template = make_environment("ar").from_string("{{ n | " + call + " }}")
    assert template.render(n=count) == expected
    assert make_environment("ar-EG").from_string("{{ 3 | " + call + " }}").render() == "٣ أسابيع"
