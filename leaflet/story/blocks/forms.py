"""Block builders for forms: Yes/No checklists, declarations, write-in fields, signatures.

Each tick box and write-in line is named after its content id, so a fillable form's
fields (`leaflet.render.fillable`) carry names a clinic system can read:
`contraindication.<id>`, `photo.<id>`, `declaration.<id>`, `field.<id>`,
`signature.<id>` and, for a record table's cells, `table.<id>.<row>.<column id>`.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from leaflet.sources import schema
from leaflet.story.context import StoryContext
from leaflet.story.flowables.boxes import Box, Columns, SplittableBox
from leaflet.story.flowables.fields import FieldRow, WriteIn
from leaflet.story.flowables.forms import TickRows
from leaflet.story.flowables.groups import Items, StartPageUnlessFits
from leaflet.story.flowables.records import RecordRows
from leaflet.story.flowables.text import Para, RepeatedTitle, plain_text, tagged
from leaflet.story.registry import block_builder
from leaflet.story.spacing import AFTER_BOX, AFTER_TABLE, BOX_PADDING, LARGE
from leaflet.story.tags import Tag

TICK_COLUMN = 16 * mm
TICK_BOX = 5 * mm
WRITE_IN_SPACING = 9 * mm
SIGNATURE_SPACING = 13 * mm
#: Longer field labels go above their line: beside it they would wrap into a tall column.
SIDE_LABEL_CHARACTERS = 40
#: A signature and its date share a row where each half is at least this wide.
MIN_PAIR_WIDTH = 55 * mm
PAIR_GAP = 6 * mm


def field_name(prefix: str, item_id: str) -> str:
    """A field's name, e.g. `contraindication.isotretinoin`."""
    return f"{prefix}.{item_id}"


def detail_field_name(item_id: str) -> str:
    """A write-in field's name: `field.<id>`."""
    return field_name("field", item_id)


def party_field_name(item_id: str) -> str:
    """A signature block's field: `signature.<id>` for its signature, else `field.<id>`."""
    return field_name("signature" if item_id.endswith("signature") else "field", item_id)


@block_builder("checklist")
def checklist(
    story: StoryContext, checklist: schema.Checklist, where: str, prefix: str = "contraindication"
) -> list[Flowable]:
    """Yes/No questions as a table under a header row, which a page may break between
    rows (see `TickRows`)."""
    on_primary = story.styles.derive("table_head", "th", textColor=story.colour("on_primary"))
    centred = story.styles.derive(
        "table_head", "thc", textColor=story.colour("on_primary"), alignment=1
    )
    strings = story.strings
    words = strings.words.forms
    header: list[Flowable] = [  # column headers (see TickRows)
        Para(
            checklist.title or strings.markup(words.question),
            on_primary,
        ),
        Para(checklist.yes_label or strings.markup(words.yes_label), centred),
        Para(checklist.no_label or strings.markup(words.no_label), centred),
    ]
    rows = tick_rows(
        story,
        [item.text for item in checklist.items],
        2,
        header,
        [field_name(prefix, item.id) for item in checklist.items],
        where,
    )
    return [*story.intro(None, checklist.intro), rows, Spacer(0, AFTER_TABLE)]


@block_builder("photo_consent")
def photo_consent(story: StoryContext, uses: schema.Checklist, where: str) -> list[Flowable]:
    """Photo uses with a Yes and a No box each, as a checklist."""
    return checklist(story, uses, where, prefix="photo")


@block_builder("declarations")
def declarations(story: StoryContext, block: schema.ItemList, where: str) -> list[Flowable]:
    """Statements with a tick box each; kept with the signatures that follow them (see
    `leaflet.story.grouping`)."""
    rows = tick_rows(
        story,
        [item.text for item in block.items],
        1,
        None,
        [field_name("declaration", item.id) for item in block.items],
        where,
    )
    rows.signed = True
    return [*story.intro(block.title, block.intro), rows, Spacer(0, AFTER_TABLE)]


def tick_rows(
    story: StoryContext,
    texts: list[str],
    boxes: int,
    header: list[Flowable] | None,
    names: list[str],
    where: str,
) -> TickRows:
    """Striped rows of text with one tick box before each, or Yes and No boxes after."""
    colours = {
        "text": story.colour("text"),
        "rule": story.colour("muted"),
        "stripe": story.colour("tint"),
        "header": story.colour("primary"),
    }
    paragraphs: list[Flowable] = [story.para(text, "table") for text in texts]
    rows = TickRows(paragraphs, boxes, TICK_COLUMN, TICK_BOX, colours, header, names, story.session)
    rows.page = (story.page_room, where)
    rows.continued = story.continued("")
    return rows


@block_builder("fields")
def fields(
    story: StoryContext, fields: schema.Fields, where: str, boxed_panel: bool = False
) -> list[Flowable]:
    """Labelled write-in lines; a page may break between any two of them."""
    width = story.width - (2 * BOX_PADDING if boxed_panel else 0)
    rows = field_rows(story, fields.items, WRITE_IN_SPACING, width)
    head = story.intro(fields.title, fields.intro)
    if boxed_panel:
        content: list[Flowable] = [Box(rows, story.colour("tint"))]
        return [*head, story.unsplittable(content, where), Spacer(0, AFTER_TABLE)]
    # A page may break between any two fields (each field is whole, label and lines).
    return [*head, Items(rows, story.page_room, min_items=1), Spacer(0, AFTER_BOX)]


@block_builder("patient_details")
def patient_details(story: StoryContext, block: schema.Fields, where: str) -> list[Flowable]:
    """The patient's details as write-in fields in a tinted panel; never split."""
    return fields(story, block, where, boxed_panel=True)


@block_builder("signatures")
def signatures(story: StoryContext, block: schema.Signatures, where: str) -> list[Flowable]:
    """A group per party, all kept on one page when they fit. A party stays whole
    unless the page would be left too empty; then it breaks between its fields, never
    leaving fewer than two on either side, its title repeated (see `SplittableBox`)."""
    out = story.intro(block.title, block.intro)
    title_style = story.keeping("box_title")
    for party in block.parties:
        # The party's title is a heading: a screen reader can jump from party to party.
        title = tagged(Para(party.title, title_style), Tag.heading(4))
        content: list[Flowable] = [title]
        if party.note:
            content.append(story.kept(party.note, "small"))
        # A field's description names the party: "Patient: Signature".
        rows = field_rows(
            story, party.fields, SIGNATURE_SPACING, story.width, party_field_name, plain_text(title)
        )
        content.append(Items(rows, story.page_room))
        continued = RepeatedTitle(story.continued(party.title), title_style)
        party_box = SplittableBox(content, story.page_room, continued=continued, padding=0)
        out += [party_box, Spacer(0, LARGE)]
    return [StartPageUnlessFits(out, story.page_room), *out]


def field_rows(
    story: StoryContext,
    items: list[schema.FormField],
    spacing: float,
    width: float,
    naming: Callable[[str], str] = detail_field_name,
    context: str | None = None,
) -> list[Flowable]:
    """One flowable per field, so a page can break between any two fields; `context` (a
    signing party) starts each field's description ("Patient: Signature").

    The label sits beside a single write-in line, and above several lines, which then
    take the full width. Only signatures get the taller `spacing`; other fields keep
    the usual write-in spacing. A signature's date stands beside it, where both get a
    line long enough to write on.
    """
    rows: list[Flowable] = []
    index = 0
    while index < len(items):
        item, after = items[index], items[index + 1 : index + 2]
        half = (width - PAIR_GAP) / 2
        if after and _signed_and_dated(item, after[0], naming) and half >= MIN_PAIR_WIDTH:
            pair = [
                _field_row(story, field, spacing, half, naming, context, snug=True)
                for field in (item, after[0])
            ]
            rows.append(Columns([(half, [pair[0]]), (half, [pair[1]])], gap=PAIR_GAP))
            index += 2
            continue
        rows.append(_field_row(story, item, spacing, width, naming, context))
        index += 1
    return rows


def _signed_and_dated(
    item: schema.FormField, after: schema.FormField, naming: Callable[[str], str]
) -> bool:
    """A one-line signature field followed by a one-line date field."""
    return (
        naming(item.id).startswith("signature.")
        and after.id.endswith("date")
        and item.lines == after.lines == 1
        and not after.value
    )


def _field_row(
    story: StoryContext,
    item: schema.FormField,
    spacing: float,
    width: float,
    naming: Callable[[str], str],
    context: str | None = None,
    *,
    snug: bool = False,
) -> Flowable:
    """A field's row `width` wide; a `snug` label takes only the width it needs, so the
    line beside it is as long as it can be, and its line is as tall as a signature's (a
    signature and its date side by side)."""
    label = story.para(item.label, "table_head")
    signature = naming(item.id).startswith("signature.")
    line_spacing = spacing if signature or snug else WRITE_IN_SPACING
    lines = WriteIn(
        item.lines,
        line_spacing,
        story.colour("muted"),
        item.value,
        story.styles["table"],
        naming(item.id),
        story.session,
        story.value_fit,
    )
    beside = item.lines == 1 and len(item.label) <= SIDE_LABEL_CHARACTERS
    label_width = min(60 * mm, width * 0.38)
    if snug:
        label.wrap(width, story.page_room)
        label_width = max(label.getActualLineWidths0()) + FieldRow.GAP + 1
    return FieldRow(label, lines, label_width if beside else None, line_spacing, context)


@block_builder("record_table")
def record_table(story: StoryContext, table: schema.RecordTable, where: str) -> list[Flowable]:
    """A table of write-in cells, one row per occasion; it breaks between rows (never
    leaving one alone, see `RecordRows.split`), and its title and lead-in stay with the
    first rows (`leaflet.story.grouping`)."""
    count = int(table.rows)  # rendered wording is validated as a whole number
    header_style = story.styles.derive("table_head", "th", textColor=story.colour("on_primary"))
    header: list[Flowable] = [Para(column.label, header_style) for column in table.columns]
    labels: list[Flowable] | None = None
    label_header: Flowable | None = None
    label_width = 0.0
    if table.row_label:
        bold = story.styles["table_head"]
        texts = [f"{table.row_label} {row}" for row in range(1, count + 1)]
        labels = [story.para(text, "table_head") for text in texts]
        label_header = Para(table.row_label, header_style)  # heads the labels' column
        widest = max(stringWidth(text, bold.fontName, bold.fontSize) for text in texts)
        label_width = widest + 2 * RecordRows.PAD_X
    names = [
        [field_name("table", f"{table.id}.{row}.{column.id}") for column in table.columns]
        for row in range(1, count + 1)
    ]
    colours = {
        "rule": story.colour("muted"),
        "stripe": story.colour("tint"),
        "header": story.colour("primary"),
        "write_in": story.colour("muted"),
    }
    head = story.intro(table.title, table.intro)
    grid = RecordRows(
        header,
        [column.width for column in table.columns],
        table.row_lines,
        WRITE_IN_SPACING,
        colours,
        labels=labels,
        label_header=label_header,
        label_width=label_width,
        names=names,
        caption=plain_text(head[0]) if table.title else "",
        session=story.session,
        text_size=story.styles["table"].fontSize,
        page_room=story.page_room,
    )
    return [*head, grid, Spacer(0, AFTER_TABLE)]
