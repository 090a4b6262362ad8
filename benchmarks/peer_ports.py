"""The peer leaflet of `bench_peers.py`, ported to three other ways of making the same PDF.

leaflet builds `peer/content/microneedling-short/info.yaml` for the brand
`peer/brand.yaml`: a two-page A4 leaflet with a header band and logo, a "Prepared for"
note, eight sections with bullets, a Yes/No health check table with tick boxes, a
signature block, the "About this leaflet" box and a footer with "Page X of Y". The same
page is made here by:

* `typst_source`: Typst markup for the `typst` package (compiled by the harness);
* `build_platypus`: plain ReportLab platypus (Paragraph, Table, KeepTogether, a
  numbered canvas), as a ReportLab user would write it;
* `build_canvas`: a raw ReportLab canvas with its own line breaking and page filling,
  the least work that draws the same page with ReportLab (the floor).

All of them read the same YAML files (wording, settings, brand) with PyYAML and fill the
wording in with Jinja2, so every build sets the same words. They use the same Noto Sans
files, logo, colours, sizes, leading, spacing, margins and page furniture as leaflet's
`a4` layout (sizes in points; 1 mm = 2.835 pt). Small differences in where a line lands
remain (each engine places a baseline its own way); `bench_peers.py --save DIR` writes
all four PDFs to compare.

Setup (reading files, decoding the logo, registering fonts) happens once in
`load_peer_leaflet`; the timed functions do what a warm long-running service would do
for each document.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import jinja2
import yaml
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily, stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

HERE = Path(__file__).resolve().parent
PEER_DIR = HERE / "peer"
CONTENT_DIR = PEER_DIR / "content"
TREATMENT = "microneedling-short"
DOCUMENT = "info"
BRAND_FILE = PEER_DIR / "brand.yaml"

# leaflet's a4 layout (layouts/a4.yaml) and the sizes its pieces use.
PAGE_WIDTH, PAGE_HEIGHT = 210 * mm, 297 * mm
MARGIN_TOP, MARGIN_SIDE, MARGIN_BOTTOM = 12 * mm, 20 * mm, 12 * mm
HEADER_HEIGHT, HEADER_GAP, FOOTER_HEIGHT, FOOTER_SIZE = 20 * mm, 8 * mm, 16 * mm, 10
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_SIDE
FRAME_TOP = PAGE_HEIGHT - MARGIN_TOP - HEADER_HEIGHT - HEADER_GAP
FRAME_BOTTOM = MARGIN_BOTTOM + FOOTER_HEIGHT
HEADER_PAD = HEADER_HEIGHT * 0.18
LOGO_SIZE = HEADER_HEIGHT - 2 * HEADER_PAD
#: (size, leading, space before, space after) of each text style.
STYLES = {
    "body": (13, 18, 0, 7),
    "bullet": (13, 18, 0, 3),
    "title": (28, 33, 0, 2),
    "subtitle": (17, 22, 0, 14),
    "h2": (18, 23, 14, 6),
    "table": (12, 16, 0, 0),
    "box_title": (14.5, 20, 0, 4),
    "header_name": (16, 20, 0, 0),
    "small": (12, 16, 0, 3),
}
BOX_PAD = 4 * mm
BAR_WIDTH = 1.5 * mm
TICK_COLUMN, TICK_BOX, ROW_PAD_Y, ROW_PAD_X = 16 * mm, 5 * mm, 2.2 * mm, 6
LABEL_WIDTH, SIGNATURE_SPACING = 60 * mm, 13 * mm
SEPARATOR = "  \u00b7  "
BULLET = "\u2022"
#: Where the Typst source reads the patient's name; `typst_with_name` writes it in instead.
NAME_FROM_INPUTS = 'sys.inputs.at("name", default: none)'

Runs = list[tuple[str, bool]]  # (text, bold)


@dataclass(frozen=True)
class Section:
    heading: str
    bullets: list[Runs]


@dataclass(frozen=True)
class PeerLeaflet:
    """Everything the ports need, read once: wording, brand, fonts and logo."""

    title: str
    subtitle: str
    sections: list[Section]
    check_title: str
    check_labels: tuple[str, str]
    check_items: list[str]
    party: str
    fields: list[tuple[str, bool]]  # (label, holds the patient's name)
    about: list[tuple[str, str]]  # (label, value), in the box's order
    footer: str
    metadata: dict[str, str]
    clinic_name: str
    clinic_phone: str
    colours: dict[str, str]
    logo: Path
    logo_image: ImageReader
    regular_path: Path
    bold_path: Path
    regular: str  # ReportLab font names
    bold: str

    def colour(self, name: str) -> HexColor:
        return HexColor(self.colours[name])

    def prepared_for(self, name: str) -> Runs:
        return [("Prepared for ", False), (name, True)]


def _runs(markup: str) -> Runs:
    """`**bold**` wording (already filled in) as runs of plain and bold text."""
    parts = re.split(r"\*\*(.+?)\*\*", markup)
    return [(part, index % 2 == 1) for index, part in enumerate(parts) if part]


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def load_peer_leaflet() -> PeerLeaflet:
    """Read the peer leaflet's files, fill its wording in, register the fonts."""
    brand = yaml.safe_load(BRAND_FILE.read_text(encoding="utf-8"))
    folder = CONTENT_DIR / TREATMENT
    settings = yaml.safe_load((folder / "treatment.yaml").read_text(encoding="utf-8"))
    document = yaml.safe_load((folder / f"{DOCUMENT}.yaml").read_text(encoding="utf-8"))
    clinic, meta = brand["clinic"], document["meta"]
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)

    def fill(text: str) -> str:
        return environment.from_string(text).render(
            settings=settings["settings"], clinic=clinic, patient={"name": "\0"}
        )

    sections: list[Section] = []
    checklist = signatures = None
    for block in document["blocks"]:
        ((kind, value),) = block.items()
        if kind == "heading":
            sections.append(Section(fill(value), []))
        elif kind == "bullets":
            sections[-1].bullets.extend(_runs(fill(item)) for item in value)
        elif kind == "checklist":
            checklist = value
        elif kind == "signatures":
            signatures = value
        else:
            raise ValueError(f"the ports do not draw {kind} blocks")
    assert checklist is not None and signatures is not None
    (party,) = signatures["parties"]
    font_paths = [
        (BRAND_FILE.parent / brand["fonts"][face]).resolve() for face in ("regular", "bold")
    ]
    names = []
    for path in font_paths:
        name = f"Peer-{path.stem}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
        names.append(name)
    # <b> in platypus markup picks the bold face through the family mapping.
    registerFontFamily(
        names[0], normal=names[0], bold=names[1], italic=names[0], boldItalic=names[1]
    )
    logo = (BRAND_FILE.parent / brand["logo"]).resolve()
    from PIL import Image  # the logo at 300 dpi for its printed size, as leaflet prints it

    with Image.open(logo) as original:
        pixels = round(LOGO_SIZE / 72 * 300)
        image = original.convert("RGBA").resize((pixels, pixels), Image.LANCZOS)
    title = f"{meta['title']}: {meta['subtitle']}"
    return PeerLeaflet(
        title=meta["title"],
        subtitle=meta["subtitle"],
        sections=sections,
        check_title=checklist.get("title", "Question"),
        check_labels=(checklist.get("yes_label", "Yes"), checklist.get("no_label", "No")),
        check_items=[fill(item["text"]) for item in checklist["items"]],
        party=party["title"],
        fields=[(item["label"], "\0" in fill(item.get("value", ""))) for item in party["fields"]],
        about=[
            ("Reference", f"{meta['reference']}, version {meta['version']}"),
            ("Approved by", meta["approved_by"]),
            ("Published", _long_date(meta["published"])),
            ("Next review", _long_date(meta["review"])),
            ("Sources", "; ".join(meta["sources"])),
            (
                "Large print",
                f"You can ask us for this leaflet in large print. Call us on {clinic['phone']}.",
            ),
            ("Feedback", clinic["feedback"]),
        ],
        footer=SEPARATOR.join(
            [
                meta["reference"],
                f"Version {meta['version']}",
                f"Review date {_long_date(meta['review'])}",
            ]
        ),
        metadata={
            "title": title,
            "author": clinic["name"],
            "subject": f"{meta['subtitle']} ({meta['reference']}, version {meta['version']})",
            "keywords": ", ".join([*meta.get("keywords", []), meta["reference"]]),
            "lang": meta["language"],
        },
        clinic_name=clinic["name"],
        clinic_phone=clinic["phone"],
        colours={**brand["colours"], "white": "#ffffff"},
        logo=logo,
        logo_image=ImageReader(image),
        regular_path=font_paths[0],
        bold_path=font_paths[1],
        regular=names[0],
        bold=names[1],
    )


# --- Typst -----------------------------------------------------------------------------


def _typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _typst_runs(runs: Runs) -> str:
    """Text as Typst string literals, so nothing in it is read as markup."""
    return "".join(
        f"#strong({_typst_string(text)})" if bold else f"#{_typst_string(text)}"
        for text, bold in runs
    )


def typst_with_name(source: str, name: str) -> str:
    """The Typst source with the patient's name written into it: what an edit-and-compile
    workflow (a Typst compiler kept between documents) changes from one patient to the
    next."""
    return source.replace(NAME_FROM_INPUTS, _typst_string(name), 1)


def typst_source(peer: PeerLeaflet, logo_path: str) -> str:
    """The peer leaflet as a Typst document; the patient's name comes from
    `sys.inputs.name` (absent: no "Prepared for" note, an empty name line)."""
    c = peer.colours
    pt = lambda value: f"{value:.3f}pt"  # noqa: E731
    size, leading = STYLES["body"][:2]
    sections = []
    for section in peer.sections:
        items = "\n".join(f"  [{_typst_runs(runs)}]," for runs in section.bullets)
        sections.append(f"= #{_typst_string(section.heading)}\n#bullets(\n{items}\n)\n")
    rows = "\n".join(f"  [#{_typst_string(text)}], tick, tick," for text in peer.check_items)
    fields = "\n".join(
        f"#field({_typst_string(label)}, {'patient' if personal else 'none'})"
        for label, personal in peer.fields
    )
    about = dict(peer.about)
    about_cell = lambda label: (  # noqa: E731
        f"[*#{_typst_string(label + ':')}* #{_typst_string(about[label])}]"
    )
    return f"""// The peer leaflet of benchmarks/bench_peers.py, generated by peer_ports.py.
#let primary = rgb("{c["primary"]}")
#let on-primary = rgb("{c["on_primary"]}")
#let ink = rgb("{c["text"]}")
#let muted = rgb("{c["muted"]}")
#let tint = rgb("{c["tint"]}")
#let patient = {NAME_FROM_INPUTS}

#set document(title: {_typst_string(peer.metadata["title"])},
  author: {_typst_string(peer.metadata["author"])},
  keywords: ({", ".join(_typst_string(k) for k in peer.metadata["keywords"].split(", "))}))
#set smartquote(enabled: false)
// A line box as tall as the font size, and the rest of leaflet's leading between lines.
#set text(font: "Noto Sans", size: {size}pt, fill: ink, lang: "en", region: "GB",
  top-edge: 0.8em, bottom-edge: -0.2em, hyphenate: false)
#set par(leading: {leading - size}pt, spacing: {leading - size + STYLES["body"][3]}pt)
#show heading: it => block(above: {STYLES["h2"][2] + 5}pt, below: {STYLES["h2"][3] + 5}pt,
  sticky: true, text(size: {STYLES["h2"][0]}pt, weight: "bold", fill: primary, it.body))

#let header-band = box(width: 100%, height: {pt(HEADER_HEIGHT)}, radius: 3mm, fill: primary,
  inset: (x: {pt(HEADER_PAD * 1.5)}),
  align(horizon, grid(columns: ({pt(LOGO_SIZE)}, 1fr, auto),
    column-gutter: {pt(HEADER_PAD * 1.2)},
    image("{logo_path}", width: {pt(LOGO_SIZE)}),
    text(size: {STYLES["header_name"][0]}pt, weight: "bold", fill: on-primary,
      {_typst_string(peer.clinic_name)}),
    text(size: {FOOTER_SIZE + 1}pt, fill: on-primary, {_typst_string(peer.clinic_phone)}))))

#let footer = context {{
  let baseline = {pt(_footer_baseline())}
  place(bottom + left, dx: {pt(MARGIN_SIDE)}, dy: -(baseline + {pt(FOOTER_SIZE + 1.5 * mm)}),
    line(length: {pt(FRAME_WIDTH)}, stroke: 0.5pt + muted))
  set text(size: {FOOTER_SIZE}pt, fill: muted)
  place(bottom + left, dx: {pt(MARGIN_SIDE)}, dy: -(baseline - {0.2 * FOOTER_SIZE}pt),
    grid(columns: ({pt(FRAME_WIDTH)} - 4cm, 4cm), {_typst_string(peer.footer)},
      align(right, strong[Page #counter(page).display() of #counter(page).final().first()])))
}}

#set page(width: {pt(PAGE_WIDTH)}, height: {pt(PAGE_HEIGHT)},
  margin: (top: {pt(PAGE_HEIGHT - FRAME_TOP)}, bottom: {pt(FRAME_BOTTOM)},
           x: {pt(MARGIN_SIDE)}),
  header: header-band, header-ascent: {pt(HEADER_GAP)},
  background: footer)

#let bullets(..items) = list(marker: text(fill: primary, "{BULLET}"), indent: 0pt,
  body-indent: {pt(13 * 1.3 - stringWidth(BULLET, peer.regular, 13))},
  spacing: {STYLES["bullet"][1] - size + STYLES["bullet"][3]}pt, ..items) + v(4pt)
#let tick = box(width: {pt(TICK_BOX)}, height: {pt(TICK_BOX)}, stroke: 1.2pt + ink)
#let small(body) = text(size: {STYLES["small"][0]}pt, body)
#let field(label, value) = block(width: 100%, height: {pt(1.5 * mm + SIGNATURE_SPACING + 2)},
  below: 0pt, {{
  place(bottom + left, dy: -2pt, text(size: 12pt, weight: "bold", label))
  place(bottom + left, dx: {pt(LABEL_WIDTH)}, dy: -2pt,
    line(length: {pt(FRAME_WIDTH - LABEL_WIDTH)}, stroke: 0.8pt + muted))
  if value != none {{ place(bottom + left, dx: {pt(LABEL_WIDTH)}, dy: -5pt,
    text(size: 12pt, value)) }}
}})

#text(size: {STYLES["title"][0]}pt, weight: "bold", fill: primary,
  {_typst_string(peer.title)})
#v(-3pt)
#text(size: {STYLES["subtitle"][0]}pt, fill: muted, {_typst_string(peer.subtitle)})
#v({STYLES["subtitle"][3] - 4}pt)
#if patient != none {{
  block(width: 100%, fill: tint, stroke: (left: {pt(BAR_WIDTH)} + primary),
    inset: (left: {pt(BOX_PAD + BAR_WIDTH)}, rest: {pt(BOX_PAD * 0.9)}),
    small[Prepared for *#patient*])
  v(4mm)
}}

{chr(10).join(sections)}
#block(breakable: false, table(columns: (1fr, {pt(TICK_COLUMN)}, {pt(TICK_COLUMN)}),
  inset: (x: {ROW_PAD_X}pt, y: {pt(ROW_PAD_Y + (STYLES["table"][1] - STYLES["table"][0]) / 2)}),
  stroke: (x: none, y: 0.6pt + muted),
  align: (x, y) => (if x == 0 {{ left }} else {{ center }}) + horizon,
  fill: (x, y) => if y == 0 {{ primary }} else if calc.even(y) {{ tint }},
  table.header(..({_typst_string(peer.check_title)}, {_typst_string(peer.check_labels[0])},
    {_typst_string(peer.check_labels[1])}).map(label => text(size: 12pt, weight: "bold",
    fill: on-primary, label))),
  ..({rows.strip().rstrip(",")}).map(cell => text(size: 12pt, cell)),
))
#v(5mm)

#block(breakable: false)[
  #text(size: {STYLES["box_title"][0]}pt, weight: "bold", {_typst_string(peer.party)})
  #v(-4pt)
  {fields}
]
#v(6mm)

#v(6mm)
#block(breakable: false, width: 100%, fill: tint,
  inset: (x: {pt(BOX_PAD)}, top: {pt(BOX_PAD * 0.8)}, bottom: {pt(BOX_PAD)}), {{
  set par(spacing: 8pt)
  set text(size: {STYLES["small"][0]}pt)
  text(size: {STYLES["box_title"][0]}pt, weight: "bold", "About this leaflet")
  grid(columns: (1fr, 1fr), row-gutter: 8pt, {about_cell("Reference")},
    {about_cell("Approved by")}, {about_cell("Published")}, {about_cell("Next review")})
  parbreak()
  {about_cell("Sources")}
  parbreak()
  {about_cell("Large print")}
  parbreak()
  {about_cell("Feedback")}
}})
"""


# --- plain ReportLab platypus ----------------------------------------------------------


def _style(
    peer: PeerLeaflet, name: str, bold: bool = False, colour: str = "text", **extra
) -> ParagraphStyle:
    size, leading, before, after = STYLES[name]
    return ParagraphStyle(
        name,
        fontName=peer.bold if bold else peer.regular,
        fontSize=size,
        leading=leading,
        spaceBefore=before,
        spaceAfter=after,
        textColor=peer.colour(colour),
        **extra,
    )


def _markup(runs: Runs) -> str:
    return "".join(f"<b>{escape(text)}</b>" if bold else escape(text) for text, bold in runs)


class _TickBox(Flowable):
    """An empty square to tick."""

    def __init__(self, colour: HexColor) -> None:
        super().__init__()
        self.width = self.height = TICK_BOX
        self.colour = colour

    def draw(self) -> None:
        self.canv.setStrokeColor(self.colour)
        self.canv.setLineWidth(1.2)
        self.canv.rect(0, 0, TICK_BOX, TICK_BOX)


def _page_furniture(peer: PeerLeaflet, canvas: Canvas) -> None:
    """Header band with logo, clinic name and phone; footer rule and reference line."""
    y = PAGE_HEIGHT - MARGIN_TOP - HEADER_HEIGHT
    canvas.saveState()
    canvas.setFillColor(peer.colour("primary"))
    canvas.roundRect(MARGIN_SIDE, y, FRAME_WIDTH, HEADER_HEIGHT, 3 * mm, stroke=0, fill=1)
    x = MARGIN_SIDE + HEADER_PAD * 1.5
    canvas.drawImage(peer.logo_image, x, y + HEADER_PAD, LOGO_SIZE, LOGO_SIZE, mask="auto")
    x += LOGO_SIZE + HEADER_PAD * 1.2
    name_size = STYLES["header_name"][0]
    baseline = y + HEADER_HEIGHT / 2 - name_size * 0.35
    canvas.setFillColor(peer.colour("on_primary"))
    canvas.setFont(peer.bold, name_size)
    canvas.drawString(x, baseline, peer.clinic_name)
    canvas.setFont(peer.regular, FOOTER_SIZE + 1)
    canvas.drawRightString(
        MARGIN_SIDE + FRAME_WIDTH - HEADER_PAD * 1.5, baseline, peer.clinic_phone
    )
    line = _footer_baseline()
    canvas.setStrokeColor(peer.colour("muted"))
    canvas.setLineWidth(0.5)
    rule = line + FOOTER_SIZE + 1.5 * mm
    canvas.line(MARGIN_SIDE, rule, PAGE_WIDTH - MARGIN_SIDE, rule)
    canvas.setFillColor(peer.colour("muted"))
    canvas.setFont(peer.regular, FOOTER_SIZE)
    canvas.drawString(MARGIN_SIDE, line, peer.footer)
    canvas.restoreState()


def _footer_baseline() -> float:
    return MARGIN_BOTTOM + 1 * mm + FOOTER_SIZE * 1.35


def _page_number(peer: PeerLeaflet, canvas: Canvas, page: int, total: int) -> None:
    canvas.setFillColor(peer.colour("muted"))
    canvas.setFont(peer.bold, FOOTER_SIZE)
    canvas.drawRightString(PAGE_WIDTH - MARGIN_SIDE, _footer_baseline(), f"Page {page} of {total}")


def _numbered_canvas(peer: PeerLeaflet) -> type[Canvas]:
    """The usual platypus recipe for "Page X of Y": keep each page's state, and draw the
    numbers once the total is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _page_number(peer, self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


class _OutlinedDoc(BaseDocTemplate):
    """Adds each section heading to the PDF outline (bookmarks), as leaflet does."""

    def afterFlowable(self, flowable: Flowable) -> None:
        if getattr(flowable, "outline", False):
            key = f"h{id(flowable)}"
            self.canv.bookmarkHorizontal(key, 0, flowable.height)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)


def build_platypus(peer: PeerLeaflet, name: str | None = None) -> bytes:
    """The peer leaflet with plain platypus; `name` fills in the patient's name."""
    primary, tint, muted = peer.colour("primary"), peer.colour("tint"), peer.colour("muted")
    body_bullet = _style(
        peer,
        "bullet",
        leftIndent=13 * 1.3,
        bulletFontName=peer.regular,
        bulletFontSize=13,
        bulletColor=primary,
    )
    h2 = _style(peer, "h2", bold=True, colour="primary", keepWithNext=1)
    small, table = _style(peer, "small"), _style(peer, "table")
    head = _style(peer, "table", bold=True, colour="on_primary")
    story: list[Flowable] = [
        Paragraph(escape(peer.title), _style(peer, "title", bold=True, colour="primary")),
        Paragraph(escape(peer.subtitle), _style(peer, "subtitle", colour="muted")),
    ]
    if name:
        note = Table(
            [[Paragraph(_markup(peer.prepared_for(name)), small)]], colWidths=[FRAME_WIDTH]
        )
        note.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), tint),
                    ("LINEBEFORE", (0, 0), (0, -1), BAR_WIDTH, primary),
                    ("LEFTPADDING", (0, 0), (-1, -1), BOX_PAD + BAR_WIDTH),
                    ("TOPPADDING", (0, 0), (-1, -1), BOX_PAD * 0.8),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), BOX_PAD),
                ]
            )
        )
        story += [note, Spacer(0, 4 * mm)]
    for section in peer.sections:
        heading = Paragraph(escape(section.heading), h2)
        heading.outline = True
        story.append(heading)
        story += [
            Paragraph(_markup(runs), body_bullet, bulletText=BULLET) for runs in section.bullets
        ]
        story.append(Spacer(0, 4))
    rows = [
        [
            Paragraph(escape(peer.check_title), head),
            *(
                Paragraph(escape(label), ParagraphStyle("c", parent=head, alignment=TA_CENTER))
                for label in peer.check_labels
            ),
        ]
    ]
    rows += [
        [
            Paragraph(escape(text), table),
            _TickBox(peer.colour("text")),
            _TickBox(peer.colour("text")),
        ]
        for text in peer.check_items
    ]
    checklist = Table(rows, colWidths=[FRAME_WIDTH - 2 * TICK_COLUMN, TICK_COLUMN, TICK_COLUMN])
    checklist.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), primary),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, tint]),
                ("LINEBELOW", (0, 0), (-1, -1), 0.6, muted),
                ("LINEABOVE", (0, 0), (-1, 0), 0.6, muted),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), ROW_PAD_X),
                ("RIGHTPADDING", (0, 0), (-1, -1), ROW_PAD_X),
                ("TOPPADDING", (0, 0), (-1, -1), ROW_PAD_Y),
                ("BOTTOMPADDING", (0, 0), (-1, -1), ROW_PAD_Y),
            ]
        )
    )
    story += [KeepTogether([checklist]), Spacer(0, 5 * mm)]
    label_style = _style(peer, "table", bold=True)
    fields = Table(
        [
            [
                Paragraph(escape(label), label_style),
                Paragraph(escape(name) if personal and name else "", table),
            ]
            for label, personal in peer.fields
        ],
        colWidths=[LABEL_WIDTH, FRAME_WIDTH - LABEL_WIDTH],
        rowHeights=[1.5 * mm + SIGNATURE_SPACING + 2] * len(peer.fields),
    )
    fields.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, -1), 0.8, muted),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    box_title = _style(peer, "box_title", bold=True)
    story += [KeepTogether([Paragraph(escape(peer.party), box_title), fields]), Spacer(0, 6 * mm)]

    def cell(label: str, value: str) -> Paragraph:
        return Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", small)

    half = (FRAME_WIDTH - 2 * BOX_PAD) / 2
    facts = [cell(label, value) for label, value in peer.about]
    pairs = Table([facts[0:2], facts[2:4]], colWidths=[half, half])
    pairs.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *(
                    (side, (0, 0), (-1, -1), 0)
                    for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING")
                ),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    about = Table(
        [[Paragraph("About this leaflet", box_title)], [pairs], *([fact] for fact in facts[4:])],
        colWidths=[FRAME_WIDTH],
    )
    about.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), tint),
                ("LEFTPADDING", (0, 0), (-1, -1), BOX_PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), BOX_PAD),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, 0), BOX_PAD * 0.8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), BOX_PAD),
            ]
        )
    )
    story += [Spacer(0, 6 * mm), KeepTogether([about])]

    buffer = io.BytesIO()
    meta = peer.metadata
    template = _OutlinedDoc(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=MARGIN_SIDE,
        rightMargin=MARGIN_SIDE,
        topMargin=PAGE_HEIGHT - FRAME_TOP,
        bottomMargin=FRAME_BOTTOM,
        title=meta["title"],
        author=meta["author"],
        subject=meta["subject"],
        keywords=meta["keywords"],
        lang=meta["lang"],
        displayDocTitle=1,
        invariant=1,
        initialFontName=peer.regular,
    )
    template.addPageTemplates(
        [
            PageTemplate(
                id="page",
                onPage=lambda canvas, doc: _page_furniture(peer, canvas),
                frames=[
                    Frame(
                        MARGIN_SIDE,
                        FRAME_BOTTOM,
                        FRAME_WIDTH,
                        FRAME_TOP - FRAME_BOTTOM,
                        leftPadding=0,
                        rightPadding=0,
                        topPadding=0,
                        bottomPadding=0,
                    )
                ],
            )
        ]
    )
    template.build(story, canvasmaker=_numbered_canvas(peer))
    return buffer.getvalue()


# --- raw canvas (the floor) ------------------------------------------------------------

Draw = Callable[[Canvas, float], None]  # draws a block with its top at y


def _words(runs: Runs) -> list[tuple[str, bool, bool]]:
    """(word, bold, space before it) for every word of the runs."""
    words: list[tuple[str, bool, bool]] = []
    pending_space = False
    for text, bold in runs:
        end = 0
        for match in re.finditer(r"\S+", text):
            space = match.start() > end or (end == 0 and pending_space)
            words.append((match.group(), bold, space and bool(words)))
            end, pending_space = match.end(), False
        pending_space = pending_space or end < len(text)
    return words


def _wrap(peer: PeerLeaflet, runs: Runs, size: float, width: float) -> list[list[tuple[str, bool]]]:
    """Greedy line breaking at spaces; each line a list of (text, bold) pieces."""
    lines: list[list[tuple[str, bool]]] = [[]]
    used = 0.0
    for word, bold, space in _words(runs):
        font = peer.bold if bold else peer.regular
        gap = stringWidth(" ", font, size) if space else 0.0
        word_width = stringWidth(word, font, size)
        if lines[-1] and used + gap + word_width > width:
            lines.append([])
            used, gap, space = 0.0, 0.0, False
        piece = " " + word if space else word
        if lines[-1] and lines[-1][-1][1] == bold:
            lines[-1][-1] = (lines[-1][-1][0] + piece, bold)
        else:
            lines[-1].append((piece, bold))
        used += gap + word_width
    return lines


def _draw_lines(
    peer: PeerLeaflet,
    canvas: Canvas,
    lines: list[list[tuple[str, bool]]],
    x: float,
    top: float,
    size: float,
    leading: float,
    colour: HexColor,
) -> None:
    canvas.setFillColor(colour)
    baseline = top - size  # the first line's baseline sits one font size down
    for line in lines:
        text = canvas.beginText(x, baseline)
        for piece, bold in line:
            text.setFont(peer.bold if bold else peer.regular, size, leading)
            text.textOut(piece)
        canvas.drawText(text)
        baseline -= leading


def _text_block(
    peer: PeerLeaflet, runs: Runs, style: str, width: float, x: float = 0, colour: str = "text"
) -> tuple[float, Draw]:
    size, leading = STYLES[style][:2]
    lines = _wrap(peer, runs, size, width)

    def draw(canvas: Canvas, top: float) -> None:
        _draw_lines(peer, canvas, lines, MARGIN_SIDE + x, top, size, leading, peer.colour(colour))

    return len(lines) * leading, draw


def build_canvas(peer: PeerLeaflet, name: str | None = None) -> bytes:
    """The peer leaflet drawn straight onto a canvas: blocks are measured, placed on pages
    (a heading stays with its first bullet; tables and boxes are never split), then drawn
    once the page count is known."""
    blocks: list[tuple[float, float, float, Draw, bool]] = []  # before, height, after, draw, keep

    def add(
        height: float, draw: Draw, before: float = 0, after: float = 0, keep_with_next: bool = False
    ) -> None:
        blocks.append((before, height, after, draw, keep_with_next))

    height, draw = _text_block(peer, [(peer.title, True)], "title", FRAME_WIDTH, colour="primary")
    add(height, draw, after=STYLES["title"][3])
    height, draw = _text_block(
        peer, [(peer.subtitle, False)], "subtitle", FRAME_WIDTH, colour="muted"
    )
    add(height, draw, after=STYLES["subtitle"][3])
    if name:
        add(*_prepared_for(peer, name), after=4 * mm)
    bullet_indent = 13 * 1.3
    for section in peer.sections:
        height, draw = _text_block(
            peer, [(section.heading, True)], "h2", FRAME_WIDTH, colour="primary"
        )
        add(
            height,
            _outlined(section.heading, height, draw),
            before=STYLES["h2"][2],
            after=STYLES["h2"][3],
            keep_with_next=True,
        )
        for runs in section.bullets:
            height, draw = _text_block(
                peer, runs, "bullet", FRAME_WIDTH - bullet_indent, x=bullet_indent
            )
            add(height, _with_bullet(peer, draw), after=STYLES["bullet"][3])
        add(4, lambda canvas, top: None)
    add(*_tick_table(peer), after=5 * mm)
    add(*_signature(peer, name), after=6 * mm)
    add(*_about(peer), before=6 * mm)

    pages: list[list[tuple[float, Draw]]] = [[]]
    y = FRAME_TOP
    for index, (before, height, after, draw, keep) in enumerate(blocks):
        need = height + (before if pages[-1] else 0)
        if keep and index + 1 < len(blocks):
            need += after + blocks[index + 1][0] + blocks[index + 1][1]
        if pages[-1] and y - need < FRAME_BOTTOM:
            pages.append([])
            y = FRAME_TOP
        if pages[-1]:
            y -= before
        pages[-1].append((y, draw))
        y -= height + after

    buffer = io.BytesIO()
    meta = peer.metadata
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=1,
        initialFontName=peer.regular,
        lang=meta["lang"],
    )
    canvas.setTitle(meta["title"])
    canvas.setAuthor(meta["author"])
    canvas.setSubject(meta["subject"])
    canvas.setKeywords(meta["keywords"])
    canvas.setViewerPreference("DisplayDocTitle", "true")
    for number, placed in enumerate(pages, start=1):
        _page_furniture(peer, canvas)
        _page_number(peer, canvas, number, len(pages))
        for top, draw in placed:
            draw(canvas, top)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _outlined(title: str, height: float, draw: Draw) -> Draw:
    def outlined(canvas: Canvas, top: float) -> None:
        draw(canvas, top)
        key = f"h{title}"
        canvas.bookmarkHorizontal(key, 0, top)
        canvas.addOutlineEntry(title, key, level=0)

    return outlined


def _with_bullet(peer: PeerLeaflet, draw: Draw) -> Draw:
    size = STYLES["bullet"][0]

    def bulleted(canvas: Canvas, top: float) -> None:
        canvas.setFillColor(peer.colour("primary"))
        canvas.setFont(peer.regular, size)
        canvas.drawString(MARGIN_SIDE, top - size, BULLET)
        draw(canvas, top)

    return bulleted


def _prepared_for(peer: PeerLeaflet, name: str) -> tuple[float, Draw]:
    size, leading = STYLES["small"][:2]
    height = leading + BOX_PAD * 1.8
    runs = peer.prepared_for(name)

    def draw(canvas: Canvas, top: float) -> None:
        canvas.setFillColor(peer.colour("tint"))
        canvas.rect(MARGIN_SIDE, top - height, FRAME_WIDTH, height, stroke=0, fill=1)
        canvas.setFillColor(peer.colour("primary"))
        canvas.rect(MARGIN_SIDE, top - height, BAR_WIDTH, height, stroke=0, fill=1)
        _draw_lines(
            peer,
            canvas,
            _wrap(peer, runs, size, 1e6),
            MARGIN_SIDE + BAR_WIDTH + BOX_PAD,
            top - BOX_PAD * 0.8,
            size,
            leading,
            peer.colour("text"),
        )

    return height, draw


def _tick_table(peer: PeerLeaflet) -> tuple[float, Draw]:
    size, leading = STYLES["table"][:2]
    text_width = FRAME_WIDTH - 2 * TICK_COLUMN - 2 * ROW_PAD_X
    rows = [_wrap(peer, [(peer.check_title, True)], size, text_width)]
    rows += [_wrap(peer, [(text, False)], size, text_width) for text in peer.check_items]
    heights = [len(lines) * leading + 2 * ROW_PAD_Y for lines in rows]
    total = sum(heights)
    right = MARGIN_SIDE + FRAME_WIDTH
    box_xs = [right - 1.5 * TICK_COLUMN, right - 0.5 * TICK_COLUMN]

    def draw(canvas: Canvas, top: float) -> None:
        y = top
        for index, (lines, height) in enumerate(zip(rows, heights, strict=True)):
            y -= height
            if index == 0 or index % 2 == 0:
                canvas.setFillColor(peer.colour("primary" if index == 0 else "tint"))
                canvas.rect(MARGIN_SIDE, y, FRAME_WIDTH, height, stroke=0, fill=1)
            colour = peer.colour("on_primary" if index == 0 else "text")
            _draw_lines(
                peer,
                canvas,
                lines,
                MARGIN_SIDE + ROW_PAD_X,
                y + height - ROW_PAD_Y,
                size,
                leading,
                colour,
            )
            if index == 0:
                canvas.setFont(peer.bold, size)
                for label, x in zip(peer.check_labels, box_xs, strict=True):
                    canvas.drawCentredString(x, y + height - ROW_PAD_Y - size, label)
            else:
                canvas.setStrokeColor(peer.colour("text"))
                canvas.setLineWidth(1.2)
                for x in box_xs:
                    canvas.rect(x - TICK_BOX / 2, y + (height - TICK_BOX) / 2, TICK_BOX, TICK_BOX)
            canvas.setStrokeColor(peer.colour("muted"))
            canvas.setLineWidth(0.6)
            canvas.line(MARGIN_SIDE, y, right, y)
        canvas.line(MARGIN_SIDE, top, right, top)

    return total, draw


def _signature(peer: PeerLeaflet, name: str | None) -> tuple[float, Draw]:
    title_size, title_leading, _, title_after = STYLES["box_title"]
    row = 1.5 * mm + SIGNATURE_SPACING + 2
    height = title_leading + title_after + row * len(peer.fields)
    size = STYLES["table"][0]

    def draw(canvas: Canvas, top: float) -> None:
        canvas.setFillColor(peer.colour("text"))
        canvas.setFont(peer.bold, title_size)
        canvas.drawString(MARGIN_SIDE, top - title_size, peer.party)
        y = top - title_leading - title_after
        for label, personal in peer.fields:
            y -= row
            canvas.setFont(peer.bold, size)
            canvas.drawString(MARGIN_SIDE, y + 2 + 4, label)
            canvas.setStrokeColor(peer.colour("muted"))
            canvas.setLineWidth(0.8)
            canvas.line(MARGIN_SIDE + LABEL_WIDTH, y + 2, MARGIN_SIDE + FRAME_WIDTH, y + 2)
            if personal and name:
                canvas.setFont(peer.regular, size)
                canvas.drawString(MARGIN_SIDE + LABEL_WIDTH, y + 2 + 5, name)

    return height, draw


def _about(peer: PeerLeaflet) -> tuple[float, Draw]:
    title_size, title_leading, _, title_after = STYLES["box_title"]
    size, leading, _, after = STYLES["small"]
    inner = FRAME_WIDTH - 2 * BOX_PAD
    cells = [
        _wrap(
            peer,
            [(label + ":", True), (" " + value, False)],
            size,
            inner / 2 if index < 4 else inner,
        )
        for index, (label, value) in enumerate(peer.about)
    ]
    pair_rows = [max(len(cells[0]), len(cells[1])), max(len(cells[2]), len(cells[3]))]
    lines = sum(pair_rows) + sum(len(cell) for cell in cells[4:])
    height = (
        BOX_PAD * 1.8
        + title_leading
        + title_after
        + lines * leading
        + (len(pair_rows) + len(cells) - 5) * after
    )

    def draw(canvas: Canvas, top: float) -> None:
        canvas.setFillColor(peer.colour("tint"))
        canvas.rect(MARGIN_SIDE, top - height, FRAME_WIDTH, height, stroke=0, fill=1)
        x = MARGIN_SIDE + BOX_PAD
        y = top - BOX_PAD * 0.8
        canvas.setFillColor(peer.colour("text"))
        canvas.setFont(peer.bold, title_size)
        canvas.drawString(x, y - title_size, "About this leaflet")
        y -= title_leading + title_after
        for row, count in enumerate(pair_rows):
            for column in (0, 1):
                _draw_lines(
                    peer,
                    canvas,
                    cells[2 * row + column],
                    x + column * inner / 2,
                    y,
                    size,
                    leading,
                    peer.colour("text"),
                )
            y -= count * leading + after
        for cell in cells[4:]:
            _draw_lines(peer, canvas, cell, x, y, size, leading, peer.colour("text"))
            y -= len(cell) * leading + after

    return height, draw
