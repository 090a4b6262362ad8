"""The built-in documents as PDFs: pages, sections, footers, metadata and fonts."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from conftest import (
    CLINIC,
    CLINIC_PHONE,
    DOCUMENTS,
    LAYOUTS,
    PAGE_SIZES,
    PUBLISHED_DATE,
    REFERENCES,
    REVIEW_DATE,
    SUBTITLES,
    VERSION,
    build,
    footer_pages,
    page_fonts,
)

import leaflet

ALL = [(document, layout) for layout in LAYOUTS for document in DOCUMENTS]

SECTIONS = {
    "info": [
        "What is microneedling?",
        "What happens on the day",
        "What it may help with",
        "We cannot promise any result.",
        "Side effects",
        "Risks",
        "Less common risks",
        "Rare risks",
        "Tell us if any of these apply",
        "Numbing cream: ours has lidocaine and prilocaine in it.",
        "How to get ready",
        "Your course of treatment",
        "Other choices",
        "Questions to ask us",
        "My questions",
        "How to contact us",
        "Phone: 020 7946 0000",
        "Email: hello@example.com",
        "Website: www.example.com",
        "Scan to visit our website",
    ],
    "consent": [
        "Your details",
        "Full name",
        "Date of birth",
        "I am 18 or over.",
        "Your GP (family doctor) and their surgery",
        "Your health",
        'Please write "none" if something does not apply to you.',
        "Health questions",
        "Your skin Yes No",
        "The skin we will treat Yes No",
        "Your health Yes No",
        "Is the numbing cream safe for you? Yes No",
        "Scars and surgery Yes No",
        "Recent treatments Yes No",
        "Have you had isotretinoin (acne tablets) in the last 6 months?",
        "Do you have a cold sore or any other skin infection now?",
        "About the treatment",
        "What happens",
        "What you should expect",
        "Risks",
        "How it may help",
        "We cannot promise any result.",
        "Your course of treatment",
        "Cost, and if you cancel",
        "Other choices",
        "Time to decide",
        "I have had at least 7 days to think since my first talk with you.",
        "What you agree to: please tick each box",
        "I know I can change my mind and stop at any time.",
        "Photos Yes No",
        "Photos used in adverts, on the website or on social media.",
        "Patch test record (if done)",
        "Treatment record",
        "Products put on the skin, with batch numbers",
        "Signatures",
        "Practitioner's statement Please tick each box before you sign.",
        "I believe the patient has capacity to consent.",
        "I have seen proof that the patient is 18 or over.",
        "Patient I agree to have microneedling as described in this form.",
        "Witness Only if the patient cannot sign.",
        "Interpreter (if used)",
        "Before each session",
        "Session 6",
        "Date Any change to your health Your initials Our initials",
        "Product Site on the body Date Result Checked by",
        "If you change your mind",
        "You can withdraw your consent at any time",
        "Withdrawal of consent",
        "How we keep this form",
        "Example Skin Clinic is in charge of them (the data controller).",
        "for 8 years after your last treatment",
        "Patient initials",
    ],
    "aftercare": [
        "Why aftercare matters",
        "What to expect and what to do",
        "First 24 hours",
        "24 to 72 hours",
        "Days 2 to 7",
        "Weeks 1 to 4",
        "When to get help",
        "Contact us if",
        "Call us on 020 7946 0000 if you notice any of these.",
        "Get urgent help if",
        "Call 999 straight away.",
        "When we are closed, call NHS 111 or go to 111.nhs.uk.",
        "Your next session",
        "How to contact us",
    ],
}


@pytest.mark.parametrize(("document", "layout"), ALL)
def test_page_size(default_pdfs, document, layout):
    reader = default_pdfs[document, layout].reader
    width, height = PAGE_SIZES[layout]
    for page in reader.pages:
        box = page.mediabox
        assert float(box.left) == 0 and float(box.bottom) == 0
        assert float(box.width) == pytest.approx(width, abs=0.5)
        assert float(box.height) == pytest.approx(height, abs=0.5)


@pytest.mark.parametrize(("document", "layout"), ALL)
def test_page_count_matches_the_pdf(default_pdfs, document, layout):
    pdf = default_pdfs[document, layout]
    assert pdf.rendered.page_count == len(pdf.reader.pages)
    assert pdf.rendered.page_count >= 2


@pytest.mark.parametrize(("document", "layout"), ALL)
def test_sections_are_present(default_pdfs, document, layout):
    text = default_pdfs[document, layout].text
    missing = [section for section in SECTIONS[document] if section not in text]
    assert missing == []


@pytest.mark.parametrize(("document", "layout"), ALL)
def test_title_and_subtitle_open_page_one(default_pdfs, document, layout):
    first = default_pdfs[document, layout].pages[0]
    assert f"Microneedling {SUBTITLES[document]}" in first


@pytest.mark.parametrize(("document", "layout"), ALL)
def test_every_page_has_header_and_footer(default_pdfs, document, layout):
    pages = default_pdfs[document, layout].pages
    total = len(pages)
    footer = [f"{REFERENCES[document]} · Version {VERSION}", f"Review date {REVIEW_DATE}"]
    if document == "consent":  # a form prints which exact wording was signed
        fingerprint = default_pdfs[document, layout].metadata["/LeafletFingerprint"]
        footer[0] += f" · Wording {fingerprint[:8]}"
    for number, text in enumerate(pages, start=1):
        assert text.startswith(f"{CLINIC} {CLINIC_PHONE} "), number
        assert all(line in text for line in footer), number
        assert footer_pages(text) == [(number, total)], number
        if document == "consent":
            assert f"{CLINIC} · {CLINIC_PHONE} Patient initials" in text
        else:
            assert "Patient initials" not in text


@pytest.mark.parametrize(("document", "layout"), ALL)
def test_last_page_says_about_this_document(default_pdfs, document, layout):
    pages = default_pdfs[document, layout].pages
    noun = "form" if document == "consent" else "leaflet"
    last = pages[-1]
    # Each fact is a label (with or without a colon) followed by its value.
    facts = [
        ("Reference", f"{REFERENCES[document]}, version {VERSION}"),
        ("Published", PUBLISHED_DATE),
        ("Next review", REVIEW_DATE),
        ("Approved by", "Clinical lead, Example Skin Clinic"),
        (
            "Sources",
            "Chu S, et al. Safety profile for microneedling. Dermatol Surg 2021;47:1249-54;",
        ),
        (
            "Large print",
            f"You can ask us for this {noun} in large print. Call us on {CLINIC_PHONE}.",
        ),
        (
            "Feedback",
            "Tell us what you think of our leaflets and forms. Email hello@example.com "
            "or ask at reception.",
        ),
    ]
    assert f"About this {noun}" in last
    missing = [
        label
        for label, value in facts
        if not re.search(re.escape(label) + ":? " + re.escape(value), last)
    ]
    assert missing == []
    assert all("About this" not in page for page in pages[:-1])


@pytest.mark.parametrize("document", DOCUMENTS)
def test_sources_listed_in_full(default_pdfs, document):
    treatment = leaflet.load_treatment("microneedling")
    last = default_pdfs[document, "a4"].pages[-1]
    for source in treatment.document(document).meta.sources:
        assert source in last


#: Sources enough that large print's About facts, even set tight, are taller than a page.
MANY_SOURCES = [
    f"Author {n} A, et al. A long title of a study of skin healing number {n}. "
    f"J Skin Care 2020;{n}:1-9"
    for n in range(12)
]


def cite_many_sources(content: Path, language: str) -> None:
    """Add `MANY_SOURCES` to the aftercare leaflet in `language` in `content`."""
    path = content / "microneedling" / language / "aftercare.yaml"
    listed = "".join(f'    - "{source}"\n' for source in MANY_SOURCES)
    path.write_text(path.read_text().replace("  sources:\n", "  sources:\n" + listed, 1))


def test_an_about_box_taller_than_a_page_goes_in_two_boxes(content_copy):
    # Large print of a document citing many sources: even set tight, the About facts
    # are taller than a page, so they go in two boxes on the last two pages, the second
    # titled as going on from the first.
    cite_many_sources(content_copy, "en-GB")
    pdf = build("aftercare", "large-print", content_dir=content_copy)
    pages = pdf.pages
    first, second = pages[-2], pages[-1]
    assert "About this leaflet" in first and "(continued)" not in first
    assert "About this leaflet (continued) Large print:" in second
    assert "Reference: MN-AFT-01, version 2.0." in first
    assert "Large print: This is the large-print version of this leaflet." in second
    assert "Feedback:" in second
    assert all(source in first for source in MANY_SOURCES)
    assert all("About this" not in page for page in pages[:-2])
    # One bookmark: the repeated title is decoration, as a contact box's is.
    outline = [item.title for item in pdf.reader.outline if not isinstance(item, list)]
    assert outline.count("About this leaflet") == 1
    assert not [title for title in outline if "continued" in title]


@pytest.mark.parametrize(
    ("language", "continued"),
    [
        ("pl", "O tej ulotce (ciąg dalszy)"),
        ("cy", "Am y daflen hon (parhad)"),
        # "تابع" as it stands on the page: its letters joined, right to left.
        ("ar", "\ufeca\ufe91\ufe8e\ufe97"),
    ],
)
def test_the_second_about_box_says_so_in_the_documents_language(content_copy, language, continued):
    cite_many_sources(content_copy, language)
    treatment = leaflet.load_treatment("microneedling", content_copy)
    rendered = leaflet.render_pdf(
        treatment.document("aftercare", language),
        leaflet.load_brand(),
        leaflet.load_layout("large-print"),
    )
    with pdfplumber.open(io.BytesIO(rendered.data)) as reader:
        texts = [page.extract_text() for page in reader.pages]
    assert continued in texts[-1]
    assert all(continued not in text for text in texts[:-1])


def test_aftercare_periods_in_order(default_pdfs):
    text = default_pdfs["aftercare", "a4"].text
    periods = ["First 24 hours", "24 to 72 hours", "Days 2 to 7", "Weeks 1 to 4"]
    positions = [text.index(period) for period in periods]
    assert positions == sorted(positions)


def test_settings_are_filled_in(default_pdfs):
    info = default_pdfs["info", "a4"].text
    assert "We put on numbing cream for about 30 minutes" in info
    assert "Most people have 3 to 6 sessions, 4 to 6 weeks apart." in info
    assert "wait at least 7 days after your first talk with us" in info
    assert "{{" not in info and "}}" not in info


def test_bold_markup_is_not_printed(default_pdfs):
    for pdf in default_pdfs.values():
        assert "**" not in pdf.text
        assert "<b>" not in pdf.text


# --- metadata -------------------------------------------------------------------------


@pytest.mark.parametrize(("document", "layout"), ALL)
def test_metadata(default_pdfs, document, layout):
    pdf = default_pdfs[document, layout]
    meta = pdf.metadata
    reference = REFERENCES[document]
    assert meta["/Title"] == f"Microneedling: {SUBTITLES[document]}"
    assert meta["/Author"] == CLINIC
    assert meta["/Subject"] == f"{SUBTITLES[document]} ({reference}, version {VERSION})"
    keywords = [k.strip() for k in meta["/Keywords"].split(",")]
    assert reference in keywords
    assert "microneedling" in keywords
    assert meta["/Creator"].startswith("leaflet")
    assert meta["/Creator"] == f"leaflet {leaflet.__version__}"


def test_info_title_exactly(default_pdfs):
    assert (
        default_pdfs["info", "a4"].metadata["/Title"] == "Microneedling: Information for patients"
    )


@pytest.mark.parametrize(("document", "layout"), ALL)
def test_language_and_display_title(default_pdfs, document, layout):
    root = default_pdfs[document, layout].reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True


def outline_titles(reader) -> list[str]:
    def walk(outline):
        for entry in outline:
            if isinstance(entry, list):
                yield from walk(entry)
            else:
                yield entry.title

    return list(walk(reader.outline))


@pytest.mark.parametrize("document", DOCUMENTS)
def test_headings_are_in_the_outline(default_pdfs, document):
    found = outline_titles(default_pdfs[document, "a4"].reader)
    expected = {
        "info": ["What is microneedling?", "Side effects", "How to get ready"],
        "consent": ["Your health", "Health questions", "How we keep this form"],
        "aftercare": ["Why aftercare matters", "When to get help", "Your next session"],
    }[document]
    assert [title for title in expected if title not in found] == []


@pytest.mark.parametrize("document", DOCUMENTS)
def test_boxed_headings_are_in_the_outline(default_pdfs, document):
    # Heading() is given an outline level for the contact box and the "About this" box,
    # so they should be listed like every other heading.
    found = outline_titles(default_pdfs[document, "a4"].reader)
    expected = [f"About this {'form' if document == 'consent' else 'leaflet'}"]
    if document != "consent":
        expected.append("How to contact us")
    assert [title for title in expected if title not in found] == []


# --- fonts ----------------------------------------------------------------------------

BASE_14 = re.compile(r"/(Helvetica|Times|Courier|Symbol|ZapfDingbats)\b")
SUBSET_NAME = re.compile(r"/[A-Z]{6}\+NotoSans-(Regular|Bold)")


@pytest.mark.parametrize("document", DOCUMENTS)
def test_no_standard_fonts(default_pdfs, document):
    fonts = page_fonts(default_pdfs[document, "a4"].reader)
    standard = sorted(
        {str(font["/BaseFont"]) for font in fonts if BASE_14.match(str(font["/BaseFont"]))}
    )
    assert standard == []


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_font_is_embedded(default_pdfs, document):
    fonts = page_fonts(default_pdfs[document, "a4"].reader)
    assert fonts
    not_embedded = sorted(
        {
            str(font["/BaseFont"])
            for font in fonts
            if "/FontFile2" not in font.get("/FontDescriptor", {})
        }
    )
    assert not_embedded == []


@pytest.mark.parametrize("document", DOCUMENTS)
def test_text_fonts_are_subset_noto_sans(default_pdfs, document):
    fonts = [
        font
        for font in page_fonts(default_pdfs[document, "a4"].reader)
        if not BASE_14.match(str(font["/BaseFont"]))
    ]
    names = {str(font["/BaseFont"]) for font in fonts}
    # ReportLab names each subset with a six-capital tag, e.g. AAAAAA+NotoSans-Bold.
    assert [name for name in names if not SUBSET_NAME.fullmatch(name)] == []
    assert {SUBSET_NAME.fullmatch(name).group(1) for name in names} == {"Regular", "Bold"}
    for font in fonts:
        assert font["/Subtype"] == "/TrueType"
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor
        assert descriptor["/FontName"] == font["/BaseFont"]


@pytest.mark.parametrize(("document", "layout"), [("aftercare", "a4"), ("info", "letter")])
def test_the_contact_box_is_not_broken_where_it_fits_whole(document, layout):
    # The last block (the contact box) and the About box did not both fit the page
    # before the last, which was about half full: the contact box was broken after its
    # first line there, its details "(continued)" beside the About box. Now it stays
    # whole: here, or on the last page with the About box.
    pages = build(document, layout).pages
    assert not [page for page in pages if "(continued)" in page]
    (contact,) = [page for page in pages if "How to contact us" in page]
    assert "12 Example Street" in contact
    assert "About this leaflet" in pages[-1]


def test_a_callout_that_would_leave_only_its_opening_moves_on_whole():
    # The Welsh large-print aftercare's "Contact us if" callout was broken after its
    # title and first paragraph at the foot of a page nearly two thirds full, its list of
    # signs "(parhad)" overleaf, although the whole box fits that page. It moves on whole.
    treatment = leaflet.load_treatment("microneedling")
    rendered = leaflet.render_pdf(
        treatment.document("aftercare", "cy"),
        leaflet.load_brand(),
        leaflet.load_layout("large-print"),
    )
    with pdfplumber.open(io.BytesIO(rendered.data)) as reader:
        texts = [page.extract_text() for page in reader.pages]
    (callout,) = [text for text in texts if "Cysylltwch â ni os" in text]
    assert "Ffoniwch ni ar 020 7946 0000" in callout
    assert "Cochni neu chwyddo" in callout and "Lympiau neu ddarnau tywyll" in callout
    assert not [text for text in texts if "(parhad)" in text]
