"""The tri-fold layouts: one landscape sheet, outside (page 1) and inside (page 2).

Positions are read from the PDF with pypdf's text visitor and checked against fold lines
written out here from the print facts (DL: 97 + 100 + 100 mm outside, 100 + 100 + 97 mm
inside; Letter: 3.625 + 3.6875 + 3.6875 in), not taken from the code under test.

The layout is checked on a copy of aftercare with three blocks taken out; the built-in
info and aftercare leaflets, in every language, are checked to fit the four content panels.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
import re
import shutil
import unicodedata
from pathlib import Path

import pdfplumber
import pypdf
import pytest
import yaml
from conftest import (
    CLINIC,
    CLINIC_PHONE,
    PATIENT,
    REFERENCES,
    Pdf,
    build,
    copy_content,
    normalise,
    page_fonts,
    personalisation,
    replace_in,
    write_brand,
)
from reportlab.lib.units import inch, mm
from tagged_pdf import reading_order, structure_tree

import leaflet
from leaflet.errors import LayoutFitError
from leaflet.sources import schema
from leaflet.sources.bundled import CONTENT_DIR, LAYOUTS_DIR
from leaflet.sources.strings import STRINGS_DIR

SHEETS = {"dl-trifold": (297 * mm, 210 * mm), "letter-trifold": (11 * inch, 8.5 * inch)}
#: Panel widths left to right: the outside, then the inside.
PANELS = {
    "dl-trifold": ([97 * mm, 100 * mm, 100 * mm], [100 * mm, 100 * mm, 97 * mm]),
    "letter-trifold": (
        [3.625 * inch, 3.6875 * inch, 3.6875 * inch],
        [3.6875 * inch, 3.6875 * inch, 3.625 * inch],
    ),
}
FOLD_CLEARANCE = 5 * mm
EDGE_CLEARANCE = 10 * mm
TOLERANCE = 0.5  # points
OVERFLOW = re.compile(
    r"content/microneedling/en-GB/aftercare\.yaml: the aftercare leaflet does not fit the "
    r"(?P<layout>[a-z-]+) panels: about (?P<mm>\d+) mm of content is left over "
    r"\((?P<panels>\d+\.\d) panels\); shorten the wording or choose another layout"
)


def edges(widths: list[float]) -> list[float]:
    """Left edge of each panel and the right edge of the sheet."""
    out = [0.0]
    for width in widths:
        out.append(out[-1] + width)
    return out


def fragments(page: pypdf.PageObject) -> list[tuple[float, float, str]]:
    """(x, y, text) of every non-blank piece of text drawn on `page`, in page space."""
    found: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((x, y, text))

    page.extract_text(visitor_text=visit)
    return found


def in_panel(x: float, layout: str, side: int, index: int, rtl: bool = False) -> bool:
    """Whether `x` is on panel `index` of `side` in reading order (A1 A2 A3, B1 B2 B3):
    left to right, or right to left on the mirrored sheet of a right-to-left document."""
    widths = PANELS[layout][side][::-1] if rtl else PANELS[layout][side]
    visual = len(widths) - 1 - index if rtl else index
    left, right = edges(widths)[visual : visual + 2]
    return left <= x < right


def shorten_aftercare(content: Path) -> Path:
    """Take out why aftercare matters, the urgent box and the next session, so that
    aftercare fits a tri-fold; return its path."""
    path = content / "microneedling" / "en-GB" / "aftercare.yaml"
    text = path.read_text(encoding="utf-8")
    cuts = [
        ("  - heading: Why aftercare matters", "  - heading: What to expect"),
        ("  - callout:\n      style: urgent", "  - callout:\n      style: contact"),
        ("  - heading: Your next session", "  - contact:"),
    ]
    for start, end in cuts:
        text = text[: text.index(start)] + text[text.index(end) :]
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def short_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = copy_content(tmp_path_factory.mktemp("trifold"))
    shorten_aftercare(content)
    return content


@pytest.fixture(scope="module")
def sheets(short_content: Path) -> dict[str, Pdf]:
    """The shortened aftercare leaflet on each tri-fold layout, prepared for PATIENT."""
    return {
        layout: build("aftercare", layout, personalisation(), content_dir=short_content)
        for layout in SHEETS
    }


@pytest.mark.parametrize("layout", SHEETS)
def test_two_landscape_pages_of_the_sheet_size(sheets: dict[str, Pdf], layout: str) -> None:
    pdf = sheets[layout]
    assert pdf.rendered.page_count == 2
    assert len(pdf.reader.pages) == 2
    for page in pdf.reader.pages:
        box = page.mediabox
        assert float(box.width) == pytest.approx(SHEETS[layout][0], abs=TOLERANCE)
        assert float(box.height) == pytest.approx(SHEETS[layout][1], abs=TOLERANCE)


@pytest.mark.parametrize("layout", SHEETS)
def test_cover_and_back_panel(sheets: dict[str, Pdf], layout: str) -> None:
    outside = fragments(sheets[layout].reader.pages[0])
    title = [x for x, _, text in outside if text.strip() == "Microneedling"]
    assert title and all(in_panel(x, layout, 0, 2) for x in title)
    subtitle = [x for x, _, text in outside if text.strip() == "Aftercare"]
    assert subtitle and all(in_panel(x, layout, 0, 2) for x in subtitle)
    phone = [x for x, _, text in outside if CLINIC_PHONE in text]
    assert phone and all(in_panel(x, layout, 0, 1) for x in phone)
    # The personal note and the reference are on the cover; the About facts on the back.
    assert any(in_panel(x, layout, 0, 2) for x, _, text in outside if "Prepared for" in text)
    assert any(in_panel(x, layout, 0, 2) for x, _, text in outside if "MN-AFT-01" in text)
    assert any(in_panel(x, layout, 0, 1) for x, _, text in outside if "About this leaflet" in text)
    assert any(in_panel(x, layout, 0, 2) for x, _, text in outside if CLINIC in text)


@pytest.mark.parametrize("layout", SHEETS)
def test_contact_block_is_on_the_back_not_in_the_flow(sheets: dict[str, Pdf], layout: str) -> None:
    pdf = sheets[layout]
    intro = "If you have any questions about your aftercare"
    assert intro in pdf.pages[0] and intro not in pdf.pages[1]
    assert pdf.pages[0].count("How to contact us") == 1
    assert "How to contact us" not in pdf.pages[1]
    assert PATIENT in pdf.pages[0]  # escaped, so it prints exactly as typed


@pytest.mark.parametrize("layout", SHEETS)
def test_content_flows_from_the_flap_through_the_inside(
    sheets: dict[str, Pdf], layout: str
) -> None:
    outside, inside = (fragments(page) for page in sheets[layout].reader.pages)
    assert any(in_panel(x, layout, 0, 0) for x, _, _ in outside)
    for index in range(3):
        assert any(in_panel(x, layout, 1, index) for x, _, _ in inside), index
    first = next(text for x, _, text in outside if in_panel(x, layout, 0, 0))
    assert first.startswith("This leaflet explains")
    assert any("When to get help" in text for _, _, text in inside)


@pytest.mark.parametrize("layout", SHEETS)
def test_no_text_near_a_fold_or_the_edge(sheets: dict[str, Pdf], layout: str) -> None:
    width, height = SHEETS[layout]
    for side, page in enumerate(sheets[layout].reader.pages):
        folds = edges(PANELS[layout][side])[1:-1]
        for x, y, text in fragments(page):
            where = f"page {side + 1}: {text!r} at x = {x / mm:.1f} mm"
            assert EDGE_CLEARANCE - TOLERANCE <= x <= width - EDGE_CLEARANCE, where
            assert EDGE_CLEARANCE - TOLERANCE <= y <= height - EDGE_CLEARANCE, where
            for fold in folds:
                assert abs(x - fold) >= FOLD_CLEARANCE - TOLERANCE, where


@pytest.mark.parametrize("layout", SHEETS)
def test_metadata_and_embedded_fonts(sheets: dict[str, Pdf], layout: str) -> None:
    pdf = sheets[layout]
    assert pdf.metadata["/Title"] == "Microneedling: Aftercare"
    assert pdf.metadata["/Author"] == CLINIC
    assert "MN-AFT-01" in pdf.metadata["/Keywords"]
    root = pdf.reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    fonts = page_fonts(pdf.reader)
    assert fonts
    for font in fonts:
        assert "Helvetica" not in font["/BaseFont"]
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        assert "/FontFile2" in descendant["/FontDescriptor"], font["/BaseFont"]


def test_deterministic_bytes(short_content: Path) -> None:
    first, second = (
        build("aftercare", "dl-trifold", personalisation(), content_dir=short_content)
        for _ in range(2)
    )
    assert first.data == second.data


def test_a_document_without_a_contact_block_still_has_the_contact_panel(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    path = shorten_aftercare(content)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("  - contact:")], encoding="utf-8")
    pdf = build("aftercare", "dl-trifold", content_dir=content)
    outside = fragments(pdf.reader.pages[0])
    assert any(CLINIC_PHONE in text and in_panel(x, "dl-trifold", 0, 1) for x, _, text in outside)
    assert "How to contact us" in pdf.pages[0]
    assert "Prepared for" not in pdf.pages[0]


@pytest.mark.parametrize("layout", SHEETS)
@pytest.mark.parametrize("document", ["info", "aftercare"])
def test_built_in_leaflets_fit_the_panels(document: str, layout: str) -> None:
    """The built-in wording fits the four content panels of each tri-fold."""
    pdf = build(document, layout)
    assert pdf.rendered.page_count == 2
    assert len(pdf.reader.pages) == 2


def test_consent_cannot_be_a_trifold() -> None:
    with pytest.raises(leaflet.LeafletError) as caught:
        build("consent", "dl-trifold")
    assert caught.value.message == (
        "the consent document cannot be laid out as dl-trifold; layouts for consent: "
        "a4, a5, a5-booklet, large-print, letter"
    )


@pytest.mark.parametrize("layout", SHEETS)
def test_too_long_a_document_says_how_much_is_left_over(content_copy: Path, layout: str) -> None:
    path = shorten_aftercare(content_copy)
    paragraph = (
        "  - paragraph: >-\n      Keep your skin clean and let it heal in its own "
        "time. Ask us if you are not sure about anything.\n"
    )
    replace_in(path, "  - contact:", paragraph * 30 + "  - contact:")
    with pytest.raises(LayoutFitError) as caught:
        build("aftercare", layout, content_dir=content_copy)
    match = OVERFLOW.fullmatch(caught.value.message)
    assert match, caught.value.message
    assert match["layout"] == layout
    panel_height = SHEETS[layout][1] - 2 * EDGE_CLEARANCE
    left_over, panels = int(match["mm"]), float(match["panels"])
    assert 300 < left_over < 600  # 30 paragraphs of about 16 mm, less the room left
    assert panels == pytest.approx(left_over * mm / panel_height, abs=0.06)


def test_pdf_bytes_open_in_a_second_reader(sheets: dict[str, Pdf]) -> None:
    for pdf in sheets.values():
        assert len(pypdf.PdfReader(io.BytesIO(pdf.data)).pages) == 2


def test_overdue_wording_says_so_on_the_cover() -> None:
    """Built past its review date (allow_expired), the cover's foot says "(overdue)", as
    a page footer does, and the About facts on the back panel explain it."""
    import datetime as dt

    layout = "dl-trifold"
    document = leaflet.load_treatment("microneedling").document("info")
    pdf = leaflet.render_pdf(
        document,
        leaflet.load_brand(),
        leaflet.load_layout(layout),
        allow_expired=True,
        today=dt.date(2028, 12, 1),
    )
    outside = pypdf.PdfReader(io.BytesIO(pdf.data)).pages[0]
    cover = [t.strip() for x, _, t in fragments(outside) if in_panel(x, layout, 0, 2)]
    assert "Review date 30 November 2028 (overdue)" in cover
    back = " ".join(t for x, _, t in fragments(outside) if in_panel(x, layout, 0, 1))
    assert "This wording was due for review on 30 November 2028" in " ".join(back.split())


# --- the back panel in every language, and built past its review date -------------------

LANGUAGES = ("en-GB", "pl", "cy", "ar")
#: Each language's words looked for on the back panel.
BACK_WORDS = {
    "en-GB": {
        "dates": ("30 November 2026", "30 November 2028"),
        "on_request": "Available on request. Call us on 020 7946 0000 and quote",
        "overdue": ("Review overdue:", "Ask us for the latest version."),
    },
    "pl": {
        "dates": ("1 grudnia 2026", "30 listopada 2028"),  # wording 2.1
        "on_request": "Dostępne na życzenie. Zadzwoń pod numer 020 7946 0000",
        "overdue": ("Przegląd po terminie:", "Poproś nas o najnowszą wersję."),
    },
    "cy": {
        "dates": ("1 Rhagfyr 2026", "30 Tachwedd 2028"),  # wording 2.1
        "on_request": "Ar gael ar gais. Ffoniwch ni ar 020 7946 0000",
        "overdue": ("Adolygiad yn hwyr:", "Gofynnwch i ni am y fersiwn diweddaraf."),
    },
    "ar": {
        "dates": ("30 نوفمبر 2026", "30 نوفمبر 2028"),
        "on_request": "متاحة عند الطلب.",
        "overdue": ("فات موعد المراجعة:", "اطلب منا أحدث إصدار."),
    },
}
FIRST_SOURCE = "Chu S, et al. Safety profile for microneedling."


@functools.cache
def outside_page(
    content: Path, language: str, document: str, layout: str, expired: bool
) -> tuple[str, str]:
    """The text of the back panel (A2) and of the cover (A3), NFKC-folded. Arabic is
    drawn right to left, so the panel's extracted text mixes its runs' order; its back
    panel also gives the About facts in reading order, as the PDF gives them to screen
    readers (each paragraph's /ActualText)."""
    when = {"allow_expired": True, "today": dt.date(2029, 1, 1)} if expired else {}
    treatment = leaflet.load_treatment("microneedling", content)
    pdf = leaflet.render_pdf(
        treatment.document(document, language),
        leaflet.load_brand(),
        leaflet.load_layout(layout),
        **when,
    )
    assert pdf.page_count == 2
    outside = fragments(pypdf.PdfReader(io.BytesIO(pdf.data)).pages[0])
    rtl = language == "ar"
    back, cover = (
        [t for x, _, t in outside if in_panel(x, layout, 0, index, rtl)] for index in (1, 2)
    )
    if language == "ar":
        with pdfplumber.open(io.BytesIO(pdf.data)) as reader:
            spoken = actual_texts(reader.pages[0].structure_tree)
        back += spoken[spoken.index("عن هذه النشرة") :]  # About this leaflet
    return tuple(normalise(unicodedata.normalize("NFKC", " ".join(t))) for t in (back, cover))


def actual_texts(nodes: list[dict]) -> list[str]:
    """The /ActualText of every structure element in `nodes` that has one, in order."""
    found: list[str] = []
    for node in nodes:
        if node.get("actual_text"):
            found.append(node["actual_text"])
        found += actual_texts(node.get("children", []))
    return found


@pytest.mark.parametrize("expired", [False, True], ids=["current", "expired"])
@pytest.mark.parametrize("layout", SHEETS)
@pytest.mark.parametrize("document", ["info", "aftercare"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_back_panel_holds_the_leaflet_standard_facts(
    language: str, document: str, layout: str, expired: bool
) -> None:
    back, _ = outside_page(CONTENT_DIR, language, document, layout, expired)
    words = BACK_WORDS[language]
    assert REFERENCES[document] in back
    for date in words["dates"]:
        assert date in back
    assert "020 7946 0000" in back and "hello@example.com" in back
    # The list of sources, or where to ask for it and the reference to quote.
    on_request = words["on_request"]
    assert (FIRST_SOURCE in back) != (on_request in back), back
    if on_request in back:
        assert f"{REFERENCES[document]}." in back.split(on_request, 1)[1]
    label, advice = words["overdue"]
    assert (label in back) == expired and (advice in back) == expired


@pytest.mark.parametrize("layout", SHEETS)
def test_english_keeps_its_list_of_sources_even_when_overdue(layout: str) -> None:
    """Set tight, the English About facts keep the list of sources and the full overdue
    notice: the later steps are for the longer translations."""
    for document in ("info", "aftercare"):
        back, cover = outside_page(CONTENT_DIR, "en-GB", document, layout, True)
        assert FIRST_SOURCE in back
        assert "This wording was due for review on 30 November 2028." in back
        assert "Review date 30 November 2028 (overdue)" in cover


@pytest.mark.parametrize("layout", SHEETS)
def test_arabic_builds_from_the_built_in_content(layout: str) -> None:
    for document in ("info", "aftercare"):
        back, _ = outside_page(CONTENT_DIR, "ar", document, layout, False)
        assert REFERENCES[document] in back


#: Sentences of the built-in Polish and Welsh wording (2.1, shortened to fit the tri-folds)
#: that carry a warning, a limit or a timing the English gives, each looked for whole.
KEPT = {
    ("pl", "info"): [
        "Za każdym razem jest nowy, jałowy wkład z igłami.",
        "Nie możemy obiecać żadnego efektu.",
        "Ślady w liniach (jak tory), które mogą zostać na zawsze",
        "Musisz mieć 18 lat lub więcej.",
        "Chemioterapia lub radioterapia teraz lub w ciągu ostatnich 6 miesięcy",
        "chorobie krwi (niedobór G6PD, methemoglobinemia)",
        "Operacji w miejscu zabiegu: 6 miesięcy",
        "Prosimy o co najmniej 7 dni namysłu od pierwszej rozmowy do zabiegu.",
    ],
    ("pl", "aftercare"): [
        "Kosmetyków innych niż do skóry po nakłuciu, przez 48 godzin.",
        "Po 24 godzinach codziennie używaj kremu z filtrem SPF 30 lub wyższym",
        "Basenu i morza przez 72 godziny.",
        "Ewentualne zmiany narastają przez 2 do 4 tygodnie.",
        "Od razu dzwoń pod 999.",
        "Puchną Ci usta lub język.",
        "Zaczerwienienie lub obrzęk nasila się, wraca lub trwa ponad 4 dni",
    ],
    ("cy", "info"): [
        "Mae'r cetrisen nodwyddau yn newydd ac yn ddi-haint bob tro.",
        "Allwn ni ddim addo unrhyw ganlyniad.",
        "(fel traciau tram), a all aros am byth",
        "Rhaid i chi fod yn 18 oed neu'n hŷn.",
        "Cemotherapi neu radiotherapi, nawr neu yn y 6 mis diwethaf",
        "broblem gwaed (diffyg G6PD neu fethemoglobinemia)",
        "Llawdriniaeth yn yr ardal: 6 mis",
        "Arhoswch o leiaf 7 diwrnod rhwng eich sgwrs gyntaf â ni a'r driniaeth",
    ],
    ("cy", "aftercare"): [
        "Unrhyw gynnyrch nad yw ar gyfer croen wedi'i nodwyddo, am 48 awr.",
        "rhowch eli haul SPF 30 neu uwch bob dydd",
        "Pyllau nofio a'r môr, am 72 awr.",
        "Ffoniwch 999 yn syth.",
        "Mae'ch gwefusau neu'ch tafod yn chwyddo.",
        "Cochni neu chwyddo sy'n gwaethygu, yn dod yn ôl, neu'n para dros 4 diwrnod",
    ],
}
#: The words that end each document, on the inner flap (B3): the label of the write-in
#: lines (info), the last words of the next session paragraph (aftercare).
LAST_WORDS = {
    ("pl", "info"): "Moje pytania",
    ("pl", "aftercare"): "Powiedz nam o problemach.",
    ("cy", "info"): "Fy nghwestiynau",
    ("cy", "aftercare"): "Dywedwch wrthym am unrhyw broblem.",
}
VERSION = {"pl": "Wersja 2.1", "cy": "Fersiwn 2.1"}
BODY_SIZE = 12  # points: the leaflet standard's least, and the tri-folds' body text


@functools.cache
def built_in(language: str, document: str, layout: str) -> Pdf:
    """A built-in document in `language` on a tri-fold, as the CLI builds it."""
    return Pdf(leaflet.build_document(document, layout=layout, language=language))


@pytest.mark.parametrize("layout", SHEETS)
@pytest.mark.parametrize(("language", "document"), list(KEPT))
def test_polish_and_welsh_fit_the_tri_folds_whole(
    language: str, document: str, layout: str
) -> None:
    """The built-in Polish and Welsh info and aftercare fill the sheet's two sides, their
    warnings, limits and timings printed whole, the body text at 12 pt, and the last
    words on the inner flap: nothing was cut to make them fit."""
    pdf = built_in(language, document, layout)
    assert pdf.rendered.page_count == 2
    assert len(pdf.reader.pages) == 2
    for page in pdf.reader.pages:
        assert float(page.mediabox.width) == pytest.approx(SHEETS[layout][0], abs=TOLERANCE)
        assert float(page.mediabox.height) == pytest.approx(SHEETS[layout][1], abs=TOLERANCE)
    text = normalise(unicodedata.normalize("NFKC", pdf.text))
    for sentence in KEPT[language, document]:
        assert sentence in text, sentence
    assert VERSION[language] in pdf.pages[0]
    with pdfplumber.open(io.BytesIO(pdf.data)) as reader:
        inside = reader.pages[1]
        assert min(char["size"] for char in inside.chars) >= BODY_SIZE - 0.01
        words = inside.extract_words()
    last = LAST_WORDS[language, document].split()
    ends = [w for w in words if w["text"] == last[-1]]
    assert ends and all(in_panel(w["x0"], layout, 1, 2) for w in ends)


@pytest.mark.parametrize("layout", SHEETS)
@pytest.mark.parametrize("document", ["info", "aftercare"])
def test_a_title_word_too_wide_for_the_cover_is_set_smaller_not_broken(
    document: str, layout: str
) -> None:
    """ "Micronodwyddo" at the title's 24 pt is wider than the US Letter cover panel: it
    is set a little smaller there, on one line, rather than broken inside the word; on
    the wider DL cover it keeps its size."""
    with pdfplumber.open(io.BytesIO(built_in("cy", document, layout).data)) as reader:
        words = reader.pages[0].extract_words(extra_attrs=["size"])
    title = [w for w in words if w["size"] > 16]  # the subtitle is 15 pt
    assert [w["text"] for w in title] == ["Micronodwyddo"]
    size = title[0]["size"]
    if layout == "dl-trifold":
        assert size == pytest.approx(24)
    else:
        assert 20 < size < 24
    assert all(in_panel(w["x0"], layout, 0, 2) and in_panel(w["x1"], layout, 0, 2) for w in title)


@pytest.mark.parametrize("title", ["Microdermabrasion", "Nachbehandlung"])
def test_a_title_scaled_to_the_cover_stays_whole(content_copy: Path, title: str) -> None:
    """Scaled to fit the US Letter cover exactly, these titles came out a float's hair
    too wide and broke before their last letter; they stay one word on one line."""
    path = content_copy / "microneedling" / "en-GB" / "info.yaml"
    replace_in(path, "  title: Microneedling\n", f"  title: {title}\n")
    pdf = build("info", "letter-trifold", content_dir=content_copy)
    with pdfplumber.open(io.BytesIO(pdf.data)) as reader:
        words = reader.pages[0].extract_words(extra_attrs=["size"])
    big = [w for w in words if w["size"] > 16]  # the subtitle is 15 pt
    assert [w["text"] for w in big] == [title]
    assert 15 < big[0]["size"] < 24  # smaller, but not below the subtitle


def test_a_cover_title_is_never_set_larger_than_its_style(tmp_path: Path) -> None:
    """Where a layout sets the subtitle larger than the title, a title word too wide for
    the cover keeps the title's size (and breaks): the subtitle's size is a floor only
    below the title's, never a size to grow the title to."""
    layouts = tmp_path / "layouts"
    shutil.copytree(LAYOUTS_DIR, layouts)
    (layouts / "wide-subtitle.yaml").write_text(
        "extends: letter-trifold\nstyles:\n  subtitle: {size: 25, leading: 30}\n",
        encoding="utf-8",
    )
    rendered = leaflet.render_pdf(
        leaflet.load_treatment("microneedling").document("info", "cy"),
        leaflet.load_brand(),
        leaflet.load_layout("wide-subtitle", layouts),
    )
    with pdfplumber.open(io.BytesIO(Pdf(rendered).data)) as reader:
        chars = reader.pages[0].chars
    title = [c for c in chars if c["fontname"].endswith("Bold") and c["size"] > 16]
    assert "".join(c["text"] for c in title) == "Micronodwyddo"
    assert {round(c["size"], 2) for c in title} == {24}


def test_a_back_panel_that_cannot_fit_says_how_tall_it_is(tmp_path: Path) -> None:
    """Feedback wording far too long for a back panel, even in its tightest setting."""
    old = "feedback: Tell us what you think of our leaflets and forms."
    brand = write_brand(tmp_path, {old: old + " Thank you." * 120})
    with pytest.raises(LayoutFitError) as caught:
        leaflet.build_document("info", layout="dl-trifold", brand=brand)
    match = re.fullmatch(
        r"content/microneedling/en-GB/info\.yaml: the contact and About boxes do not fit the "
        r"back panel of the dl-trifold layout: they are (\d+) mm tall and the panel holds "
        r"190 mm",
        caught.value.message,
    )
    assert match, caught.value.message
    assert int(match[1]) > 190


def test_a_language_without_the_shorter_wordings_keeps_the_longer_ones() -> None:
    """A clinic's strings for a language of its own, written before the back panel's
    shorter wordings existed, still validate (their steps are then skipped)."""
    strings = yaml.safe_load((STRINGS_DIR / "en.yaml").read_text(encoding="utf-8"))
    del strings["about"]["sources_on_request"], strings["about"]["review_overdue_short"]
    about = schema.Strings.model_validate(strings).about
    assert about.sources_on_request is None and about.review_overdue_short is None


# --- a right-to-left document: the sheet is the mirror image ---------------------------------

#: Each language's words read first on the flap (A1), and the label of the write-in lines
#: that end the info leaflet, on the last inside panel (B3).
FLAP_OPENS = {"en-GB": "This", "ar": "تشرح"}
MY_QUESTIONS = {"en-GB": "My questions", "ar": "أسئلتي"}
TITLE_SIZE, H2_SIZE = 24, 14  # dl-trifold.yaml's title and h2 styles


def folded(text: str) -> str:
    """`text` with Arabic's joined letter forms folded back (NFKC) and its marks left
    out: a mark stands beside its letter, either side, in the order text is drawn."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def reading_text(word: str) -> str:
    """A word as pdfplumber gives it, as it is read: a right-to-left word's letters come
    in the order they stand on the page."""
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in word):
        word = word[::-1]
    return folded(word)


@functools.cache
def sheet_words(language: str, layout: str) -> tuple[list[dict], list[dict]]:
    """pdfplumber's words (with their size) on the outside and the inside of the built-in
    info leaflet, each word's text as it is read."""
    data = leaflet.build_document("info", layout=layout, language=language).data
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        outside, inside = (
            [
                {**word, "text": reading_text(word["text"])}
                for word in page.extract_words(extra_attrs=["size"])
            ]
            for page in pdf.pages
        )
    return outside, inside


def lines_in_reading_order(words: list[dict], layout: str, rtl: bool) -> list[tuple[int, str]]:
    """(panel, text) of each line of `words` on the inside, panel by panel in reading
    order (B1, B2, B3), top to bottom, each line's words in the script's direction."""
    lines: dict[tuple[int, float], list[dict]] = {}
    for word in words:
        panel = next(i for i in range(3) if in_panel(word["x0"], layout, 1, i, rtl))
        lines.setdefault((panel, round(word["top"])), []).append(word)
    return [
        (panel, " ".join(w["text"] for w in sorted(line, key=lambda w: w["x0"], reverse=rtl)))
        for (panel, _), line in sorted(lines.items())
    ]


@pytest.mark.parametrize("layout", SHEETS)
@pytest.mark.parametrize("language", ["en-GB", "ar"])
def test_the_outside_reads_from_the_readers_side(language: str, layout: str) -> None:
    """English: flap, back panel, cover left to right. Arabic, the mirror image: the cover
    on the left (a right-to-left reader's front), the back panel in the middle, the flap
    on the right; each panel as wide as the one it mirrors (the layout's widths reversed)."""
    rtl = language == "ar"
    outside, _ = sheet_words(language, layout)
    title = [w for w in outside if w["size"] == pytest.approx(TITLE_SIZE)]
    phone = [w for w in outside if w["text"] == "7946"]
    flap = [w for w in outside if w["text"] == FLAP_OPENS[language]]
    assert title and phone and flap
    assert all(in_panel(w["x0"], layout, 0, 2, rtl) for w in title)
    assert all(in_panel(w["x0"], layout, 0, 1, rtl) for w in phone)
    assert all(in_panel(w["x0"], layout, 0, 0, rtl) for w in flap)
    left_to_right = [title, phone, flap] if rtl else [flap, phone, title]
    for left, right in itertools.pairwise(left_to_right):
        assert max(w["x1"] for w in left) < min(w["x0"] for w in right)
    if rtl:  # the cover panel is the left one, as wide as the English cover panel
        assert max(w["x1"] for w in title) < PANELS[layout][0][2]


@pytest.mark.parametrize("layout", SHEETS)
@pytest.mark.parametrize("language", ["en-GB", "ar"])
def test_the_inside_reads_from_the_readers_side(language: str, layout: str, tmp_path: Path) -> None:
    """The text runs on from the flap into B1, then B2 and B3: left to right in English,
    right to left in Arabic, where "My questions" ends on the narrow panel at the left.
    The headings met panel by panel are the structure tree's, in its order: a screen
    reader reads what the eye reads."""
    rtl = language == "ar"
    _, inside = sheet_words(language, layout)
    lines = lines_in_reading_order(inside, layout, rtl)
    assert [panel for panel, _ in lines] == sorted(panel for panel, _ in lines)
    assert {panel for panel, _ in lines} == {0, 1, 2}
    assert lines[-1] == (2, MY_QUESTIONS[language])
    narrow = PANELS[layout][1][2]  # B3, the inner flap: at the left of the mirrored sheet
    last = [w for w in inside if w["text"] == MY_QUESTIONS[language].split()[-1]]
    if rtl:
        assert last and all(w["x1"] < narrow for w in last)
    else:
        assert last and all(w["x0"] > SHEETS[layout][0] - narrow for w in last)
    h2 = [w for w in inside if w["size"] == pytest.approx(H2_SIZE)]
    seen = [text for _, text in lines_in_reading_order(h2, layout, rtl)]
    path = tmp_path / "info.pdf"
    path.write_bytes(leaflet.build_document("info", layout=layout, language=language).data)
    read = [
        normalise(folded(text))
        for role, text in reading_order(structure_tree(path))
        if role == "H2"
    ]
    assert len(seen) >= 4
    assert seen == [text for text in read if text in seen]
