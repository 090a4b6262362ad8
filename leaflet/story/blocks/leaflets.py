"""Block builders for leaflets, and the pieces every document has: the aftercare
timeline, the clinic's contact details, the 'Prepared for' note, the About box and the
Notes pages that pad a booklet.

The contact details and the About facts are built unboxed (`contact_details`,
`about_facts`): a page boxes them in the story; a tri-fold's back panel sets them on
their own.
"""

from __future__ import annotations

from itertools import combinations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from leaflet.sources import schema
from leaflet.sources.dates import format_date
from leaflet.sources.personal import PersonalValues
from leaflet.sources.templating import plain
from leaflet.story.blocks.forms import WRITE_IN_SPACING
from leaflet.story.context import StoryContext
from leaflet.story.flowables.boxes import CONTINUED, Box, Columns, SplittableBox
from leaflet.story.flowables.fields import WriteIn
from leaflet.story.flowables.graphics import QrCode
from leaflet.story.flowables.groups import FirstThatFits
from leaflet.story.flowables.text import FittedLine, Para, RepeatedTitle, tagged
from leaflet.story.registry import block_builder
from leaflet.story.spacing import (
    ABOVE_CONTACT,
    AFTER_BOX,
    BOX_PADDING,
    LARGE,
    SMALL,
)
from leaflet.story.tags import Tag

#: Room either side of the QR code, within its column.
QR_MARGIN = 4 * mm
#: The About box sets its facts in two columns when each can be at least this wide.
MIN_ABOUT_COLUMN = 60 * mm
ABOUT_GAP = 6 * mm


@block_builder("timeline")
def timeline(story: StoryContext, timeline: schema.Timeline, where: str) -> list[Flowable]:
    """Each period under a coloured band; its text flows on, so pages fill up."""
    out = story.intro(timeline.title, None)
    band_style = story.styles.derive(
        "box_title", "band", textColor=story.colour("on_primary"), spaceAfter=0
    )
    periods = Tag("L")  # each period an item: its band the label, what follows the body
    for period in timeline.periods:
        item = Tag("LI", periods)
        body = Tag("LBody", item)
        band = Box(
            [tagged(Para(period.period, band_style), Tag("Lbl", item))],
            story.colour("primary"),
            padding=2.5 * mm,
            space_before=ABOVE_CONTACT,
            space_after=SMALL,
            keep_with_next=True,
        )
        out.append(band)
        if period.expect:
            out.append(story.para(period.expect, tag=Tag("P", body)))
        for label, items in (("Do", period.do), ("Avoid", period.avoid)):
            if items:
                lead_in = story.kept(label, "box_title")
                lead_in.tag = Tag("P", body)
                out += [lead_in, *story.bullet_list(items, body)]
    return [*out, Spacer(0, SMALL)]


@block_builder("contact")
def contact(story: StoryContext, contact: schema.Contact, where: str) -> list[Flowable]:
    """The clinic's contact details in a tinted box, which may break across pages
    before the details, its title repeated (see `SplittableBox`)."""
    details = contact_details(story, contact, story.width - 2 * BOX_PADDING)
    continued = RepeatedTitle(f"{plain(contact.title)}{CONTINUED}", story.keeping("box_title"))
    box = SplittableBox(
        details,
        story.page_room,
        continued=continued,
        background=story.colour("tint"),
        space_before=ABOVE_CONTACT,
        space_after=AFTER_BOX,
        tag=Tag("Sect"),
    )
    return [box]


def contact_details(story: StoryContext, contact: schema.Contact, width: float) -> list[Flowable]:
    """The contact block's title, text and the clinic's details, `width` wide, with a QR
    code to the clinic's website beside them when it has one. Where a labelled detail
    ("Email: ...") would wrap beside the code, the details take the full width and the
    code stands beside the out-of-hours advice instead."""
    clinic = story.brand.clinic
    content: list[Flowable] = [story.heading(contact.title, "box_title", level=0)]
    if contact.text:
        content.append(story.para(contact.text))
    details, out_of_hours = _clinic_details(story)
    if not (contact.qr and clinic.website):
        return [*content, *details, *out_of_hours]
    size = story.layout.qr_size
    centred = story.styles.derive("small", "centred", alignment=1)
    site = _display_url(clinic.website)
    qr: list[Flowable] = [
        QrCode(clinic.website, size, story.colour("text"), f"QR code: link to {site}"),
        tagged(Para("Scan to visit our website", centred), Tag("P")),
    ]
    column = size + 2 * QR_MARGIN
    labelled = details[2:]  # phone, email, website
    if all(len(_lines(line, width - column)) == 1 for line in labelled):
        return [*content, Columns([(width - column, [*details, *out_of_hours]), (column, qr)])]
    return [*content, *details, Columns([(width - column, out_of_hours), (column, qr)])]


def _lines(paragraph: Para, width: float) -> list[object]:
    """The lines `paragraph` breaks into at `width`."""
    paragraph.wrap(width, 1e6)
    lines: list[object] = paragraph.blPara.lines
    return lines


def _clinic_details(story: StoryContext) -> tuple[list[Para], list[Flowable]]:
    """Name, address, phone, email and website (as links); and the out-of-hours advice."""
    clinic = story.brand.clinic
    link = story.brand.markup_colour("primary")

    def linked(label: str, href: str, text: str) -> Para:
        # The whole line is the link: its label says what the link does.
        markup = f'{label}: <a href="{plain(href)}" color="{link}">{plain(text)}</a>'
        return story.para(markup, "small", Tag("Link", description=f"{label}: {text}"))

    details: list[Para] = [
        story.para(f"<b>{plain(clinic.name)}</b>", "small"),
        story.para(plain(", ".join(clinic.address)), "small"),
        linked("Phone", "tel:" + "".join(clinic.phone.split()), clinic.phone),
        linked("Email", "mailto:" + clinic.email, clinic.email),
    ]
    if clinic.website:
        details.append(linked("Website", clinic.website, _display_url(clinic.website)))
    return details, [Spacer(0, SMALL), story.para(plain(clinic.out_of_hours), "small")]


def prepared_for(story: StoryContext, personal: PersonalValues, language: str) -> Flowable:
    """A line for the patient and one for the appointment and practitioner; when that
    line is too long for one line, the appointment and the practitioner a line each
    (each value on two lines when it is long)."""
    values = personal.template_values(language)
    patient, appointment = values["patient"], values["appointment"]
    fit, style, session = story.value_fit, story.styles["small"], story.session
    content: list[Flowable] = []
    if patient["name"]:
        content.append(
            FittedLine(f"Prepared for <b>{plain(patient['name'])}</b>", style, fit, session)
        )
    practitioner = f"Your practitioner: {plain(appointment['practitioner'])}"
    if appointment["date"]:
        when = f"Your appointment: <b>{plain(appointment['date'])} at {appointment['time']}</b>"
        if appointment["practitioner"]:
            together = f"{when} with {plain(appointment['practitioner'])}"
            content.append(FittedLine(together, style, fit, session, apart=[when, practitioner]))
        else:
            content.append(FittedLine(when, style, fit, session))
    elif appointment["practitioner"]:
        content.append(FittedLine(practitioner, style, fit, session))
    return Box(content, story.colour("tint"), bar=story.colour("primary"))


def about_box(story: StoryContext, meta: schema.Meta) -> Flowable:
    """The About box that ends a document's story; never split. Its facts stand in two
    columns, set a little tighter than body text; where that is still too tall for the
    space left after the text before it, a tighter setting is used, so the box shares
    the last page rather than take a page of its own."""
    width = story.width - 2 * BOX_PADDING
    options = []
    for tight in (False, True):
        heading, *facts = about_facts(story, meta, width, compact=True, tight=tight)
        if width >= 2 * MIN_ABOUT_COLUMN:
            facts = [_two_columns(story, facts, width)]
        padding = BOX_PADDING * (0.6 if tight else 1)
        box = Box([heading, *facts], story.colour("tint"), padding=padding, tag=Tag("Sect"))
        above = SMALL if tight else LARGE
        options.append(story.unsplittable([Spacer(0, above), box], "About this document"))
    return FirstThatFits(options)


def about_facts(
    story: StoryContext,
    meta: schema.Meta,
    width: float,
    *,
    compact: bool = False,
    tight: bool = False,
) -> list[Flowable]:
    """The leaflet standards facts, `width` wide, after their heading: reference,
    dates, approval, sources, large print and feedback (and that the review is overdue,
    when it is). `compact` sets them with a tighter leading; `tight` tighter still, no
    larger than the layout's smallest body size, the short facts in one paragraph."""
    clinic = story.brand.clinic
    noun = "form" if meta.kind == "form" else "leaflet"
    style = _about_style(story, compact, tight)
    title = story.heading(f"About this {noun}", "table_head" if tight else "box_title", level=0)

    def cell(label: str, value: str) -> Flowable:
        return tagged(Para(f"<b>{label}:</b> {plain(value)}", style), Tag("P"))

    review = format_date(meta.review, meta.language)
    overdue = f"This wording was due for review on {review}. Ask us for the latest version."
    large_print = (
        f"This is the large-print version of this {noun}."
        if story.layout.spec.large_print
        else f"You can ask us for this {noun} in large print. Call us on {clinic.phone}."
    )
    facts = [
        ("Reference", f"{meta.reference}, version {meta.version}"),
        ("Published", format_date(meta.published, meta.language)),
        ("Next review", review),
        ("Approved by", meta.approved_by),
    ]
    cells = [cell(label, value) for label, value in facts]
    if tight:  # the short facts run on in one paragraph
        run_on = " ".join(f"<b>{label}:</b> {plain(value)}." for label, value in facts)
        cells = [tagged(Para(run_on, style), Tag("P"))]
    return [
        title,
        *([cell("Review overdue", overdue)] if story.overdue else []),
        *cells,
        cell("Sources", "; ".join(meta.sources)),
        cell("Large print", large_print),
        cell("Feedback", clinic.feedback),
    ]


def _about_style(story: StoryContext, compact: bool, tight: bool) -> ParagraphStyle:
    """The About facts' style: `small`; `compact` with a tighter leading; `tight` also
    no larger than the smallest body size the layout allows (16 pt in large print)."""
    small = story.styles["small"]
    if not compact:
        return small
    size = min(small.fontSize, story.layout.spec.min_body_size) if tight else small.fontSize
    leading = size * (1.12 if tight else 1.18)
    return story.styles.derive(
        "small", f"compact-{tight}", fontSize=size, leading=leading, spaceAfter=2
    )


def _two_columns(story: StoryContext, cells: list[Flowable], width: float) -> Flowable:
    """`cells` in two columns as even as can be: each column keeps the cells' order, and
    the first cell heads the left one (each cell is labelled, so it reads on its own)."""
    column = (width - ABOUT_GAP) / 2
    heights = [cell.wrap(column, story.page_room)[1] + cell.getSpaceAfter() for cell in cells]
    total = sum(heights)

    def taller(left: tuple[int, ...]) -> tuple[float, int]:
        left_height = sum(heights[i] for i in left)
        return max(left_height, total - left_height), -len(left)

    others = range(1, len(cells))
    left = min(
        ((0, *chosen) for size in range(len(cells)) for chosen in combinations(others, size)),
        key=taller,
    )
    right = [cell for index, cell in enumerate(cells) if index not in left]
    return Columns([(column, [cells[i] for i in left]), (column, right)], gap=ABOUT_GAP)


def notes_page(story: StoryContext) -> list[Flowable]:
    """A page headed Notes with ruled lines: padding that is useful, not blank."""
    heading = story.heading("Notes", "h2", level=0)
    _, used = heading.wrap(story.width, story.page_room)
    room = story.page_room - used - heading.getSpaceAfter() - SMALL
    lines = max(1, int(room // WRITE_IN_SPACING))
    return [heading, WriteIn(lines, WRITE_IN_SPACING, story.colour("muted"))]


def _display_url(url: str) -> str:
    for prefix in ("https://", "http://"):
        url = url.removeprefix(prefix)
    return url.rstrip("/")
