"""Tagged PDF/UA-1: every PDF a patient receives reads, with a screen reader, like the page.

Three readers check each PDF: the PyPI checker `pdfua` (PDF/UA-1's machine-checkable
rules), our own structure rules (`tagged_pdf.structure_problems`: every mark on a page
inside marked content, MCIDs in the parent tree, no empty element, fields described,
fonts embedded), and Mozilla pdf.js, the engine of Firefox's PDF viewer, where node and
`tests/pdfjs` are installed (`npm ci --prefix tests/pdfjs`). The reading-order tests
compare the structure tree with the content files: headings, lists, tables and form
fields in the order a person reads them.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pikepdf
import pytest
import tagged_pdf
from conftest import PATIENT, TODAY, personalisation
from tagged_pdf import Node, reading_order, structure_tree

import leaflet
from leaflet.mail.encrypt import encrypt_pdf
from leaflet.render.prepare import Build, fill_in
from leaflet.render.stamp import Placeholders, lay_out_base, stamp
from leaflet.sources import schema

PASSWORD = "23041985"
LOGO = "Example Skin Clinic logo, a green leaf in a white circle"
PAGE_LAYOUTS = ("a4", "letter", "large-print", "a5")
TRIFOLDS = ("dl-trifold", "letter-trifold")


def _render(document: str, layout: str = "a4", **options: object) -> bytes:
    treatment = leaflet.load_treatment("microneedling")
    return leaflet.render_pdf(
        treatment.document(document),
        leaflet.load_brand(),
        leaflet.load_layout(layout),
        **options,  # type: ignore[arg-type]
    ).data


def _render_in(language: str, document: str, layout: str) -> bytes:
    treatment = leaflet.load_treatment("microneedling")
    return leaflet.render_pdf(
        treatment.document(document, language), leaflet.load_brand(), leaflet.load_layout(layout)
    ).data


def _stamped(document: str) -> bytes:
    """A copy made the way a batch makes it: a base laid out once, then stamped."""
    personal = personalisation()
    treatment, brand, layout = (
        leaflet.load_treatment("microneedling"),
        leaflet.load_brand(),
        leaflet.load_layout("a4"),
    )
    shape = Placeholders.shape_of(personal)
    base = lay_out_base(treatment.document(document), brand, layout, shape)
    assert base is not None, f"the {document} document cannot be stamped"
    return stamp(base, personal, "en-GB").data


def _variants() -> dict[str, tuple[bytes, str]]:
    """Every kind of PDF a patient receives: name -> (bytes, password)."""
    out: dict[str, tuple[bytes, str]] = {}
    for document in ("info", "consent", "aftercare"):
        for layout in PAGE_LAYOUTS:
            out[f"{document}-{layout}"] = (_render(document, layout), "")
        out[f"{document}-personalised"] = (_render(document, personal=personalisation()), "")
    for document in ("info", "aftercare"):
        for layout in TRIFOLDS:
            out[f"{document}-{layout}"] = (_render(document, layout), "")
        out[f"{document}-stamped"] = (_stamped(document), "")
    for layout in TRIFOLDS:  # the mirrored sheet of a right-to-left language
        out[f"info-{layout}-ar"] = (_render_in("ar", "info", layout), "")
    out["info-dl-trifold-personalised"] = (
        _render("info", "dl-trifold", personal=personalisation()),
        "",
    )
    out["consent-fillable"] = (_render("consent", fillable=True), "")
    out["consent-stamped"] = (_stamped("consent"), "")
    out["consent-encrypted"] = (encrypt_pdf(_stamped("consent"), PASSWORD), PASSWORD)
    press = leaflet.PressOptions(bleed=3 * 72 / 25.4, crop_marks=True)
    out["info-press"] = (_render("info", press=press), "")
    out["aftercare-dl-trifold-press"] = (_render("aftercare", "dl-trifold", press=press), "")
    return out


NAMES = [
    *(f"{d}-{layout}" for d in ("info", "consent", "aftercare") for layout in PAGE_LAYOUTS),
    *(f"{d}-personalised" for d in ("info", "consent", "aftercare")),
    *(f"{d}-{layout}" for d in ("info", "aftercare") for layout in TRIFOLDS),
    "info-stamped",
    "aftercare-stamped",
    *(f"info-{layout}-ar" for layout in TRIFOLDS),
    "info-dl-trifold-personalised",
    "consent-fillable",
    "consent-stamped",
    "consent-encrypted",
    "info-press",
    "aftercare-dl-trifold-press",
]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    folder = tmp_path_factory.mktemp("tagged")
    out = {}
    for name, (data, password) in _variants().items():
        path = folder / f"{name}.pdf"
        path.write_bytes(data)
        out[name] = (path, password)
    assert sorted(out) == sorted(NAMES)
    return out


@pytest.fixture(scope="module")
def trees(pdfs: dict[str, tuple[Path, str]]) -> dict[str, Node]:
    return {name: structure_tree(path, password) for name, (path, password) in pdfs.items()}


# --- the validators ----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_pdfua_finds_nothing(pdfs, name):
    path, password = pdfs[name]
    assert tagged_pdf.pdfua_findings(path, password) == []


@pytest.mark.parametrize("name", NAMES)
def test_structure_rules_hold(pdfs, name):
    path, password = pdfs[name]
    assert tagged_pdf.structure_problems(path, password) == []


def test_the_checks_fail_an_untagged_pdf(tmp_path):
    """The checkers are not vacuous: the booklet is untagged (the README says so)."""
    path = tmp_path / "booklet.pdf"
    path.write_bytes(_render("info", "a5-booklet"))
    assert "no /StructTreeRoot" in tagged_pdf.structure_problems(path)
    assert any(f.startswith("UA-01-005") for f in tagged_pdf.pdfua_findings(path))


def test_the_checks_find_a_mark_outside_marked_content(pdfs, tmp_path):
    path = tmp_path / "spoiled.pdf"
    with pikepdf.open(pdfs["info-a4"][0]) as pdf:
        pdf.pages[1].contents_add(pikepdf.Stream(pdf, b"0 0 m 10 10 l S"), prepend=False)
        pdf.save(path)
    assert tagged_pdf.structure_problems(path) == ["page 2: S outside marked content"]


def test_encrypted_copy_keeps_the_accessibility_permission(pdfs):
    path, password = pdfs["consent-encrypted"]
    with pikepdf.open(path, password=password) as pdf:
        assert pdf.is_encrypted and pdf.encryption.bits == 256
        assert pdf.allow.accessibility and pdf.allow.extract


def test_tagged_output_is_deterministic():
    assert _render("consent", fillable=True) == _render("consent", fillable=True)


@pytest.mark.parametrize("name", ["info-personalised", "consent-stamped", "consent-fillable"])
def test_every_glyph_maps_to_a_character_the_font_has(pdfs, name):
    """Text read back through the fonts' Unicode maps is text the brand font has glyphs
    for: nothing is drawn with glyph 0 (.notdef) or read back as something else."""
    path, password = pdfs[name]
    text = "".join("".join(page.values()) for page in tagged_pdf.marked_texts(path, password))
    fonts = leaflet.load_brand().fonts
    assert text and fonts.missing(text.replace("\n", "")) == []
    assert PATIENT.split()[0] in text or name == "consent-fillable"


def test_xmp_says_what_the_info_dictionary_says(pdfs):
    with pikepdf.open(pdfs["info-a4"][0]) as pdf:
        info = pdf.trailer.Info
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert f'<rdf:li xml:lang="x-default">{info.Title}</rdf:li>' in xmp
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        assert pdf.Root.Lang == "en-GB"


# --- reading order -------------------------------------------------------------------------


def _spec(document: str, language: str | None = None) -> schema.Document:
    """The document's wording, filled in for the example clinic."""
    content = leaflet.load_treatment("microneedling").document(document, language)
    brand, layout = leaflet.load_brand(), leaflet.load_layout("a4")
    return fill_in(Build(content, brand, layout, leaflet.Personalisation()))[0]


def _blocks(document: str, kind: str) -> list:
    return [
        schema.block_value(block)
        for block in _spec(document).blocks
        if schema.block_kind(block) == kind
    ]


def _plain(markup: str) -> str:
    text = re.sub(r"<[^>]+>|\*\*", "", markup)
    return " ".join(text.replace("&amp;", "&").split())


@pytest.mark.parametrize("document", ["info", "consent", "aftercare"])
def test_a_page_document_opens_with_logo_title_and_subtitle(trees, document):
    meta = _spec(document).meta
    assert reading_order(trees[f"{document}-a4"])[:3] == [
        ("Figure", LOGO),
        ("H1", meta.title),
        ("P", meta.subtitle),
    ]


@pytest.mark.parametrize("document", ["info", "consent", "aftercare"])
def test_headings_follow_the_content_in_order(trees, document):
    """Each `heading` block is an H2 and each `subheading` an H3, in the content's order
    (other headings, such as box titles, may come between)."""
    expected = [
        ("H2" if kind == "heading" else "H3", _plain(schema.block_value(block)))
        for block in _spec(document).blocks
        if (kind := schema.block_kind(block)) in ("heading", "subheading")
    ]
    headings = [
        (node.role, node.text) for node in trees[f"{document}-a4"].walk() if node.role[:1] == "H"
    ]
    position = 0
    for heading in expected:
        assert heading in headings[position:], f"{heading} missing or out of order"
        position = headings.index(heading, position) + 1


def test_headings_never_skip_a_level(trees):
    for name, tree in trees.items():
        level = 0
        for node in tree.walk():
            if re.fullmatch(r"H\d", node.role):
                assert int(node.role[1]) <= level + 1, f"{name}: {node.role} {node.text!r}"
                level = int(node.role[1])


def test_bullets_are_lists_of_labelled_items(trees):
    items = _blocks("info", "bullets")[0]
    first = trees["info-a4"].find("L")[0]
    assert [kid.role for kid in first.kids] == ["LI"] * len(items)
    for item, text in zip(first.kids, items, strict=True):
        assert [(kid.role, kid.text) for kid in item.kids] == [
            ("Lbl", "\u2022"),
            ("LBody", _plain(text)),
        ]


TABLE_BLOCKS = ("checklist", "photo_consent", "record_table")


def _tables(tree: Node) -> list[tuple[Node, str, object]]:
    """The consent's tables, each with the kind and value of the block it comes from."""
    blocks = [
        (schema.block_kind(block), schema.block_value(block))
        for block in _spec("consent").blocks
        if schema.block_kind(block) in TABLE_BLOCKS
    ]
    tables = tree.find("Table")
    assert len(tables) == len(blocks)  # a table broken by a page is still one table
    return [(table, kind, value) for table, (kind, value) in zip(tables, blocks, strict=True)]


def _record_field(table: schema.RecordTable, row: int, label: str) -> str:
    """What a record table's cell's form field says: "Session 3: Your initials"."""
    if table.row_label:
        where = f"{table.row_label} {row}"
    else:  # the caption, and the row's number when there are several
        number = str(row) if int(table.rows) > 1 else ""
        where = " ".join(part for part in (_plain(table.title or ""), number) if part)
    return f"{where}: {_plain(label)}" if where else _plain(label)


def test_checklists_are_tables_with_column_and_row_headers(trees):
    for table, kind, checklist in _tables(trees["consent-fillable"]):
        if kind == "record_table":
            continue
        header, *rows = table.kids
        assert [(cell.role, cell.attributes["/Scope"]) for cell in header.kids] == [
            ("TH", "/Column")
        ] * 3
        assert [cell.text for cell in header.kids][1:] == [
            checklist.yes_label or "Yes",
            checklist.no_label or "No",
        ]
        assert len(rows) == len(checklist.items)
        for row, item in zip(rows, checklist.items, strict=True):
            question, yes, no = row.kids
            assert (question.role, question.text) == ("TH", _plain(item.text))
            assert question.attributes["/Scope"] == "/Row"
            # Each answer box is a cell holding its form field: the question and the answer.
            for cell, answer in (
                (yes, checklist.yes_label or "Yes"),
                (no, checklist.no_label or "No"),
            ):
                assert cell.role == "TD"
                assert cell.find("Form")[0].fields == [f"{_plain(item.text)} {answer}"]


def test_record_tables_have_column_and_row_headers_and_a_field_in_each_cell(trees):
    """A header row (the row labels' column headed by the row label), then per row its
    label as the row's header and one cell per column, holding the cell's form field."""
    records = [
        (t, v) for t, kind, v in _tables(trees["consent-fillable"]) if kind == "record_table"
    ]
    assert records
    for table, record in records:
        header, *rows = table.kids
        labels = [record.row_label] if record.row_label else []
        labels += [_plain(column.label) for column in record.columns]
        assert [(cell.role, cell.text) for cell in header.kids] == [("TH", t) for t in labels]
        assert {cell.attributes["/Scope"] for cell in header.kids} == {"/Column"}
        assert len(rows) == int(record.rows)
        for number, row in enumerate(rows, start=1):
            cells = row.kids
            if record.row_label:
                label, *cells = cells
                assert (label.role, label.text) == ("TH", f"{record.row_label} {number}")
                assert label.attributes["/Scope"] == "/Row"
            assert [cell.role for cell in cells] == ["TD"] * len(record.columns)
            assert [cell.find("Form")[0].fields for cell in cells] == [
                [_record_field(record, number, column.label)] for column in record.columns
            ]


def _pages_with_sessions(path: Path) -> set[int]:
    return {
        page
        for page, texts in enumerate(tagged_pdf.marked_texts(path))
        for text in texts.values()
        if re.fullmatch(r"Session \d+", text.strip())
    }


def test_a_record_table_broken_by_a_page_reads_as_one_table(pdfs, trees):
    """Where the sessions run over two pages (A5 today): one table, its header read once
    (the header repeated on the next page is decoration), its rows in order."""
    broken = [
        name
        for name in (f"consent-{layout}" for layout in PAGE_LAYOUTS)
        if len(_pages_with_sessions(pdfs[name][0])) == 2
    ]
    assert broken, "no layout breaks the sessions table"
    for name in broken:
        tables = _tables(trees[name])
        table = next(t for t, kind, v in tables if kind == "record_table" and v.id == "sessions")
        header, *rows = table.kids
        assert [cell.text for cell in header.kids][:2] == ["Session", "Date"]
        assert table.all_text.count("Any change to your health") == 1
        expected = [f"Session {n}" for n in range(1, len(rows) + 1)]
        assert [row.kids[0].text for row in rows] == expected


def test_aftercare_timeline_is_a_list_of_periods(trees):
    timeline = _blocks("aftercare", "timeline")[0]
    first_period = ("Lbl", _plain(timeline.periods[0].period))
    periods = next(
        node
        for node in trees["aftercare-a4"].find("L")
        if [(kid.role, kid.text) for kid in node.kids[0].kids[:1]] == [first_period]
    )
    assert [item.kids[0].text for item in periods.kids] == [
        _plain(period.period) for period in timeline.periods
    ]
    body = periods.kids[0].kids[1]
    assert body.role == "LBody"
    assert "L" in [kid.role for kid in body.kids]  # its Do and Avoid lists


def test_form_fields_are_met_in_the_order_of_the_form(trees):
    """Every field, in the content's order, described as a person understands it."""
    expected: list[str] = []
    for block in _spec("consent").blocks:
        kind, value = schema.block_kind(block), schema.block_value(block)
        if kind in ("patient_details", "fields"):
            expected += [_plain(field.label) for field in value.items]
        elif kind in ("checklist", "photo_consent"):
            for item in value.items:
                expected += [f"{_plain(item.text)} {value.yes_label or 'Yes'}"]
                expected += [f"{_plain(item.text)} {value.no_label or 'No'}"]
        elif kind == "declarations":
            expected += [_plain(item.text) for item in value.items]
        elif kind == "record_table":
            for row in range(1, int(value.rows) + 1):
                expected += [_record_field(value, row, column.label) for column in value.columns]
        elif kind == "signatures":
            for party in value.parties:
                expected += [f"{_plain(party.title)}: {_plain(f.label)}" for f in party.fields]
    forms = [field for node in trees["consent-fillable"].find("Form") for field in node.fields]
    assert forms == expected


def test_stamped_values_are_read_after_their_labels(trees):
    details = [node.text for node in trees["consent-stamped"].find("P")]
    assert f"Full name {PATIENT}" in details
    assert "Date of birth 23 April 1985" in details


def test_trifold_reads_in_folding_order(trees):
    """Cover (logo, clinic, title), then the inside flap and panels, then the back panel
    (contact details and the About facts) last."""
    order = reading_order(trees["info-dl-trifold"])
    assert order[:4] == [
        ("Figure", LOGO),
        ("P", "Example Skin Clinic"),
        ("H1", "Microneedling"),
        ("P", "Information for patients"),
    ]
    headings = [text for role, text in order if role == "H2"]
    assert headings[-2:] == ["How to contact us", "About this leaflet"]
    assert order[-1][1].startswith("Feedback:")


@pytest.mark.parametrize("layout", TRIFOLDS)
def test_a_mirrored_trifold_reads_in_folding_order_too(trees, layout):
    """The Arabic sheet is the mirror image of the English one (the cover at the left of
    the outside, the text from the right-hand inside panel); a screen reader still meets
    the cover, the flap and the inside panels, then the back panel last."""
    order = [
        (role, unicodedata.normalize("NFKC", text))
        for role, text in reading_order(trees[f"info-{layout}-ar"])
    ]
    spec = _spec("info", "ar")
    assert order[:4] == [
        ("Figure", "شعار Example Skin Clinic، ورقة شجر خضراء في دائرة بيضاء"),
        ("P", "Example Skin Clinic"),
        ("H1", spec.meta.title),
        ("P", spec.meta.subtitle),
    ]
    written = [
        _plain(schema.block_value(block))
        for block in spec.blocks
        if schema.block_kind(block) == "heading"
    ]
    headings = [text for role, text in order if role == "H2"]
    assert [text for text in headings if text in written] == written  # in the content's order
    assert headings[-2:] == ["كيف تتواصل معنا", "عن هذه النشرة"]  # contact, About: last
    assert "رأيك:" in order[-1][1]  # Feedback (the line is drawn in visual order)


def test_links_and_figures_say_what_they_are(trees):
    info = trees["info-a4"]
    links = info.find("Link")
    assert [link.text for link in links] == [
        "Phone: 020 7946 0000",
        "Email: hello@example.com",
        "Website: www.example.com",
    ]
    assert [link.fields for link in links] == [[link.text] for link in links]
    assert [figure.alt for figure in info.find("Figure")] == [
        LOGO,
        "QR code: link to www.example.com",
    ]


def test_page_furniture_is_not_read(trees):
    """Header, footer and page numbers are artifacts: not in the tree."""
    text = trees["info-a4"].all_text
    assert "Page 1 of" not in text
    assert "Review date" not in text
    assert TODAY.year  # the suite's date is fixed; nothing here depends on it


# --- pdf.js --------------------------------------------------------------------------------

needs_pdfjs = pytest.mark.skipif(
    not tagged_pdf.pdfjs_available(),
    reason="pdf.js is not installed: run `npm ci --prefix tests/pdfjs` (needs node)",
)


@needs_pdfjs
@pytest.mark.parametrize(
    "name",
    [
        "info-a4",
        "consent-fillable",
        "consent-large-print",
        "aftercare-dl-trifold",
        "info-letter-trifold-ar",
        "consent-encrypted",
    ],
)
def test_pdfjs_reads_what_the_tree_says(pdfs, trees, name):
    """Firefox's engine finds no text outside the structure (but artifacts), and the same
    headings, figures and form fields, in the same order."""
    path, password = pdfs[name]
    pdfjs = tagged_pdf.read_with_pdfjs(path, password)
    assert [page["untagged"] for page in pdfjs["pages"]] == [""] * len(pdfjs["pages"])
    seen = tagged_pdf.pdfjs_reading_order(pdfjs)
    ours = reading_order(trees[name])

    def kept(order: list[tuple[str, str]]) -> list[tuple[str, str]]:
        # pdf.js lists an element again on each page it is on: keep the first.
        wanted = [item for item in order if item[0][:1] == "H" or item[0] in ("Figure", "Form")]
        return list(dict.fromkeys(wanted))

    if "trifold" in name:  # pdf.js goes page by page; the back panel is on page 1
        assert sorted(kept(seen)) == sorted(kept(ours))
    else:
        assert kept(seen) == kept(ours)


@needs_pdfjs
def test_pdfjs_reads_a_record_row_as_its_header_then_its_fields(pdfs):
    """A session's row: its label as the row's header, then each cell's form field."""
    pdfjs = tagged_pdf.read_with_pdfjs(*pdfs["consent-fillable"])
    rows = [
        node
        for page in pdfjs["pages"]
        if page["tree"] is not None
        for node in tagged_pdf.pdfjs_nodes(page["tree"])
        if node["role"] == "TR"
    ]
    session = next(
        row
        for row in rows
        if tagged_pdf.pdfjs_reading_order({"pages": [{"tree": row}]})[:1] == [("TH", "Session 3")]
    )
    assert tagged_pdf.pdfjs_reading_order({"pages": [{"tree": session}]}) == [
        ("TH", "Session 3"),
        ("Form", "[Session 3: Date]"),
        ("Form", "[Session 3: Any change to your health]"),
        ("Form", "[Session 3: Your initials]"),
        ("Form", "[Session 3: Our initials]"),
    ]
