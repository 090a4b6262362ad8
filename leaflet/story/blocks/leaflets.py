"""Block builders for leaflets, and the pieces every document has: the aftercare
timeline, the clinic's contact details, the 'Prepared for' note, the About box and the
Notes pages that pad a booklet.

The contact details and the About facts are built unboxed (`contact_details`,
`about_facts`): a page boxes them in the story; a tri-fold's back panel sets them on
their own.
"""

from __future__ import annotations

import functools
import io
from itertools import combinations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer

from leaflet.errors import LayoutFitError
from leaflet.sources import schema
from leaflet.sources.languages import parse_language
from leaflet.sources.personal import PersonalValues
from leaflet.sources.wording import plain
from leaflet.story.blocks.forms import WRITE_IN_SPACING
from leaflet.story.context import StoryContext
from leaflet.story.flowables.boxes import Box, Columns, SplittableBox
from leaflet.story.flowables.fields import WriteIn
from leaflet.story.flowables.graphics import QrCode
from leaflet.story.flowables.groups import FirstThatFits
from leaflet.story.flowables.text import Para, RepeatedTitle, tagged
from leaflet.story.flowables.values import FittedLine
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
        words = story.strings.words
        for label, items in ((words.do, period.do), (words.avoid, period.avoid)):
            if items:
                lead_in = story.kept(story.strings.markup(label), "box_title")
                lead_in.tag = Tag("P", body)
                out += [lead_in, *story.bullet_list(items, body)]
    return [*out, Spacer(0, SMALL)]


@block_builder("contact")
def contact(story: StoryContext, contact: schema.Contact, where: str) -> list[Flowable]:
    """The clinic's contact details in a tinted box, which may break across pages
    before the details, its title repeated (see `SplittableBox`)."""
    details = contact_details(story, contact, story.width - 2 * BOX_PADDING)
    strings = story.strings
    title = contact.title or strings.markup(strings.words.contact.title)
    continued = RepeatedTitle(story.continued(title), story.keeping("box_title"))
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
    clinic, strings = story.brand.clinic, story.strings
    title = contact.title or strings.markup(strings.words.contact.title)
    content: list[Flowable] = [story.heading(title, "box_title", level=0)]
    if contact.text:
        content.append(story.para(contact.text))
    details, out_of_hours = _clinic_details(story)
    if not (contact.qr and clinic.website):
        return [*content, *details, *out_of_hours]
    size = story.layout.qr_size
    centred = story.styles.derive("small", "centred", alignment=1)
    words = strings.words.contact
    qr: list[Flowable] = [
        QrCode(
            clinic.website,
            size,
            story.colour("text"),
            strings.text(words.qr_description, site=_display_url(clinic.website)),
        ),
        tagged(Para(strings.markup(words.scan), centred), Tag("P")),
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
    clinic, words = story.brand.clinic, story.strings.words.contact
    link = story.brand.markup_colour("primary")

    def linked(label: str, href: str, text: str) -> Para:
        # The whole line is the link: its label says what the link does.
        markup = f'{plain(label)}: <a href="{plain(href)}" color="{link}">{plain(text)}</a>'
        return story.para(markup, "small", Tag("Link", description=f"{label}: {text}"))

    details: list[Para] = [
        story.para(f"<b>{plain(clinic.name)}</b>", "small"),
        story.para(plain(", ".join(clinic.address)), "small"),
        linked(words.phone, "tel:" + "".join(clinic.phone.split()), clinic.phone),
        linked(words.email, "mailto:" + clinic.email, clinic.email),
    ]
    if clinic.website:
        details.append(linked(words.website, clinic.website, _display_url(clinic.website)))
    out_of_hours = story.brand.wording(story.strings.tag).out_of_hours
    return details, [Spacer(0, SMALL), story.para(plain(out_of_hours), "small")]


def prepared_for(story: StoryContext, personal: PersonalValues) -> Flowable:
    """A line for the patient and one for the appointment and practitioner; when that
    line is too long for one line, the appointment and the practitioner a line each
    (each value on two lines when it is long)."""
    strings = story.strings
    words = strings.words.personal
    values = personal.template_values(strings.tag)
    patient, appointment = values["patient"], values["appointment"]
    fit, style, session = story.value_fit, story.styles["small"], story.session
    content: list[Flowable] = []
    if patient["name"]:
        line = strings.markup(words.prepared_for, name=patient["name"])
        content.append(FittedLine(line, style, fit, session))
    practitioner = appointment["practitioner"]
    when = {"date": appointment["date"], "time": appointment["time"]}
    alone = strings.markup(words.practitioner, practitioner=practitioner)
    if appointment["date"]:
        date = strings.markup(words.appointment, **when)
        if practitioner:
            both = strings.markup(words.appointment_with, **when, practitioner=practitioner)
            content.append(FittedLine(both, style, fit, session, apart=[date, alone]))
        else:
            content.append(FittedLine(date, style, fit, session))
    elif practitioner:
        content.append(FittedLine(alone, style, fit, session))
    return Box(content, story.colour("tint"), bar=story.colour("primary"))


def about_box(story: StoryContext, meta: schema.Meta) -> list[Flowable]:
    """The About box that ends a document's story; never split. Its facts stand in two
    columns, set a little tighter than body text; where that is still too tall for the
    space left after the text before it, a tighter setting is used, so the box shares
    the last page rather than take a page of its own. Taller than a page even so (large
    print of a translation, whose words run longer), its facts go in two boxes, each
    kept on one page, rather than fail: the second headed "(continued)"."""
    width = story.width - 2 * BOX_PADDING
    options = []
    for tight in (False, True):
        heading, *facts = about_facts(story, meta, tight=tight)
        columns = [_two_columns(story, facts, width)] if width >= 2 * MIN_ABOUT_COLUMN else facts
        padding = BOX_PADDING * (0.6 if tight else 1)
        box = Box([heading, *columns], story.colour("tint"), padding=padding, tag=Tag("Sect"))
        above = SMALL if tight else LARGE
        options.append(story.unsplittable([Spacer(0, above), box], "About this document"))
    try:
        tightest = options[-1].wrapOn(_measuring_canvas(), story.width, story.page_room)[1]
    except LayoutFitError:  # taller than a page, even allowing for rounding
        tightest = float("inf")
    if tightest <= story.page_room:
        return [FirstThatFits(options)]
    cut = len(facts) // 2  # the tight facts, as the last option set them
    # The second box's title says so, as a contact box's does on its next page; drawn as
    # an artifact, as that is: a screen reader has read the title once.
    title = RepeatedTitle(story.continued(_about_title(story, meta)), story.keeping("table_head"))
    return [
        story.unsplittable([Spacer(0, SMALL), _boxed(story, group)], "About this document")
        for group in ([heading, *facts[:cut]], [title, *facts[cut:]])
    ]


def _about_title(story: StoryContext, meta: schema.Meta) -> str:
    """The About box's title (markup): About this leaflet, or About this form."""
    words = story.strings.words.about
    return story.strings.markup(words.title_form if meta.kind == "form" else words.title_leaflet)


@functools.cache
def _measuring_canvas() -> Canvas:
    """A canvas flowables measure their text on before a build has one."""
    return Canvas(io.BytesIO())


def _boxed(story: StoryContext, facts: list[Flowable]) -> Box:
    padding = BOX_PADDING * 0.6
    return Box(facts, story.colour("tint"), padding=padding, tag=Tag("Sect"))


def about_facts(
    story: StoryContext,
    meta: schema.Meta,
    *,
    tight: bool = False,
    sources_on_request: bool = False,
    short_overdue: bool = False,
) -> list[Flowable]:
    """The leaflet standards facts after their heading: reference, dates, approval,
    sources, large print and feedback (and that the review is overdue, or the
    translation not yet reviewed, when it is), with a leading tighter than body text;
    `tight` tighter still, no larger than the layout's smallest body size, the short
    facts in one paragraph. Shorter still (a tri-fold's back panel): `sources_on_request`
    (see `_sources`); `short_overdue`, the overdue notice without the review date."""
    strings = story.strings
    words, form = strings.words.about, meta.kind == "form"
    style = _about_style(story, tight)
    title = _about_title(story, meta)

    def cell(label: str, value: str) -> Flowable:
        return tagged(Para(f"<b>{strings.markup(label)}:</b> {value}", style), Tag("P"))

    review = strings.date(meta.review)
    facts = [
        (
            words.reference,
            strings.markup(words.reference_value, reference=meta.reference, version=meta.version),
        ),
        (words.published, plain(strings.date(meta.published))),
        (words.next_review, plain(review)),
        (words.approved_by, plain(meta.approved_by)),
    ]
    cells = [cell(label, value) for label, value in facts]
    if tight:  # the short facts run on in one paragraph
        run_on = " ".join(f"<b>{strings.markup(label)}:</b> {value}." for label, value in facts)
        cells = [tagged(Para(run_on, style), Tag("P"))]
    # A language's strings may lack the shorter wording: the longer one stands.
    short = words.review_overdue_short if short_overdue else None
    overdue = strings.markup(short or words.review_overdue_text, date=review)
    return [
        story.heading(title, "table_head" if tight else "box_title", level=0),
        *([cell(words.review_overdue, overdue)] if story.overdue else []),
        *translation_facts(story, meta, style),
        *cells,
        cell(words.sources, _sources(story, meta, sources_on_request)),
        cell(words.large_print, _large_print(story, form)),
        cell(words.feedback, plain(story.brand.wording(strings.tag).feedback)),
    ]


def _sources(story: StoryContext, meta: schema.Meta, on_request: bool) -> str:
    """The list of sources; `on_request`, that they are available on request, how to
    ask and the reference to quote instead (where the strings have the wording)."""
    strings = story.strings
    wording = strings.words.about.sources_on_request if on_request else None
    if wording is None:
        return plain("; ".join(meta.sources))
    return strings.markup(wording, phone=story.brand.clinic.phone, reference=meta.reference)


def _large_print(story: StoryContext, form: bool) -> str:
    """That this is the large-print version, or how to ask for it."""
    strings = story.strings
    words = strings.words.about
    if story.layout.spec.large_print:
        return strings.markup(
            words.large_print_here_form if form else words.large_print_here_leaflet
        )
    ask = words.large_print_ask_form if form else words.large_print_ask_leaflet
    return strings.markup(ask, phone=story.brand.clinic.phone)


def _about_style(story: StoryContext, tight: bool) -> ParagraphStyle:
    """The About facts' style: `small` with a tighter leading; `tight` also no larger
    than the smallest body size the layout allows (16 pt in large print)."""
    small = story.styles["small"]
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


def translation_facts(
    story: StoryContext, meta: schema.Meta, style: ParagraphStyle | None = None
) -> list[Flowable]:
    """A translation's source, translator and reviewer; unreviewed, it says so first."""
    source = meta.source_of_translation
    if source is None:
        return []
    strings = story.strings
    words = strings.words.about
    language = parse_language(source[0]).name_in(strings.language)
    told = strings.markup(
        words.translated_from, source=language, version=source[1], translator=meta.translator or ""
    )
    if meta.reviewer:
        told += " " + strings.markup(words.translation_reviewed, reviewer=meta.reviewer)
        label, text = strings.markup(words.translation), told
    else:
        label = strings.markup(strings.words.footer.translation_not_reviewed)
        text = f"{strings.markup(words.translation_not_reviewed_text)} {told}"
    return [tagged(Para(f"<b>{label}:</b> {text}", style or story.styles["small"]), Tag("P"))]


def notes_page(story: StoryContext) -> list[Flowable]:
    """A page headed Notes with ruled lines: padding that is useful, not blank."""
    heading = story.heading(story.strings.markup(story.strings.words.notes), "h2", level=0)
    _, used = heading.wrap(story.width, story.page_room)
    room = story.page_room - used - heading.getSpaceAfter() - SMALL
    lines = max(1, int(room // WRITE_IN_SPACING))
    return [heading, WriteIn(lines, WRITE_IN_SPACING, story.colour("muted"))]


def _display_url(url: str) -> str:
    for prefix in ("https://", "http://"):
        url = url.removeprefix(prefix)
    return url.rstrip("/")
