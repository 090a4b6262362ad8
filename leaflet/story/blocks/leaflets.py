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

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer

from leaflet.sources import schema
from leaflet.sources.languages import parse_language
from leaflet.sources.personal import PersonalValues
from leaflet.sources.templating import plain
from leaflet.story.blocks.forms import WRITE_IN_SPACING
from leaflet.story.context import StoryContext
from leaflet.story.flowables.boxes import Box, Columns
from leaflet.story.flowables.forms import WriteIn
from leaflet.story.flowables.graphics import QrCode
from leaflet.story.flowables.text import FittedLine, Para, tagged
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
    """The clinic's contact details in a tinted box; never split."""
    details = contact_details(story, contact, story.width - 2 * BOX_PADDING)
    box = Box(details, story.colour("tint"), tag=Tag("Sect"))
    return [story.unsplittable([Spacer(0, ABOVE_CONTACT), box], where), Spacer(0, AFTER_BOX)]


def contact_details(story: StoryContext, contact: schema.Contact, width: float) -> list[Flowable]:
    """The contact block's title, text and the clinic's details, `width` wide, with a QR
    code to the clinic's website beside them when it has one."""
    clinic, strings = story.brand.clinic, story.strings
    title = contact.title or strings.markup(strings.words.contact.title)
    content: list[Flowable] = [story.heading(title, "box_title", level=0)]
    if contact.text:
        content.append(story.para(contact.text))
    details = _clinic_details(story)
    if contact.qr and clinic.website:
        size = story.layout.qr_size
        centred = story.styles.derive("small", "centred", alignment=1)
        site = _display_url(clinic.website)
        words = strings.words.contact
        qr: list[Flowable] = [
            QrCode(
                clinic.website,
                size,
                story.colour("text"),
                strings.text(words.qr_description, site=site),
            ),
            tagged(Para(strings.markup(words.scan), centred), Tag("P")),
        ]
        column = size + 2 * QR_MARGIN
        content.append(Columns([(width - column, details), (column, qr)]))
    else:
        content += details
    return content


def _clinic_details(story: StoryContext) -> list[Flowable]:
    """Name, address, phone, email and website (as links), and out-of-hours advice."""
    clinic, words = story.brand.clinic, story.strings.words.contact
    link = story.brand.hex("primary")

    def linked(label: str, href: str, text: str) -> Flowable:
        # The whole line is the link: its label says what the link does.
        markup = f'{plain(label)}: <a href="{plain(href)}" color="{link}">{plain(text)}</a>'
        return story.para(markup, "small", Tag("Link", description=f"{label}: {text}"))

    details: list[Flowable] = [
        story.para(f"<b>{plain(clinic.name)}</b>", "small"),
        story.para(plain(", ".join(clinic.address)), "small"),
        linked(words.phone, "tel:" + "".join(clinic.phone.split()), clinic.phone),
        linked(words.email, "mailto:" + clinic.email, clinic.email),
    ]
    if clinic.website:
        details.append(linked(words.website, clinic.website, _display_url(clinic.website)))
    out_of_hours = story.brand.wording(story.strings.tag).out_of_hours
    details += [Spacer(0, SMALL), story.para(plain(out_of_hours), "small")]
    return details


def prepared_for(story: StoryContext, personal: PersonalValues) -> Flowable:
    """One line each for the patient and the appointment, shrunk rather than wrapped:
    the box is the same height for everyone (see `leaflet.render.stamp`)."""
    strings = story.strings
    words = strings.words.personal
    values = personal.template_values(strings.tag)
    patient, appointment = values["patient"], values["appointment"]
    lines = []
    if patient["name"]:
        lines.append(strings.markup(words.prepared_for, name=patient["name"]))
    practitioner = appointment["practitioner"]
    when = {"date": appointment["date"], "time": appointment["time"]}
    if appointment["date"] and practitioner:
        lines.append(strings.markup(words.appointment_with, **when, practitioner=practitioner))
    elif appointment["date"]:
        lines.append(strings.markup(words.appointment, **when))
    elif practitioner:
        lines.append(strings.markup(words.practitioner, practitioner=practitioner))
    content: list[Flowable] = [
        FittedLine(line, story.styles["small"], story.session) for line in lines
    ]
    return Box(content, story.colour("tint"), bar=story.colour("primary"))


def about_box(story: StoryContext, meta: schema.Meta) -> list[Flowable]:
    """The About box that ends a document's story; never split. Taller than a page (large
    print of a translation, whose words run longer), its facts go in two boxes, each
    kept on one page, rather than fail."""
    facts = about_facts(story, meta, story.width - 2 * BOX_PADDING)
    groups = [facts]
    height = _boxed(story, facts).wrapOn(_measuring_canvas(), story.width, story.page_room)[1]
    if height + LARGE > story.page_room:
        cut = len(facts) // 2
        groups = [facts[:cut], facts[cut:]]
    return [
        story.unsplittable([Spacer(0, LARGE), _boxed(story, group)], "About this document")
        for group in groups
    ]


@functools.cache
def _measuring_canvas() -> Canvas:
    """A canvas flowables measure their text on before a build has one."""
    return Canvas(io.BytesIO())


def _boxed(story: StoryContext, facts: list[Flowable]) -> Box:
    return Box(facts, story.colour("tint"), tag=Tag("Sect"))


def about_facts(story: StoryContext, meta: schema.Meta, width: float) -> list[Flowable]:
    """The leaflet standards facts, `width` wide: reference, dates, approval, sources,
    large print and feedback (and that the review is overdue, or the translation not yet
    reviewed, when it is)."""
    strings, clinic = story.strings, story.brand.clinic
    words, form = strings.words.about, meta.kind == "form"

    def cell(label: str, value: str) -> Flowable:
        return story.para(f"<b>{strings.markup(label)}:</b> {value}", "small")

    review = strings.date(meta.review)
    reference = strings.markup(
        words.reference_value, reference=meta.reference, version=meta.version
    )
    pairs = [
        (cell(words.reference, reference), cell(words.approved_by, plain(meta.approved_by))),
        (
            cell(words.published, plain(strings.date(meta.published))),
            cell(words.next_review, plain(review)),
        ),
    ]
    if story.layout.spec.large_print:
        large_print = strings.markup(
            words.large_print_here_form if form else words.large_print_here_leaflet
        )
    else:
        ask = words.large_print_ask_form if form else words.large_print_ask_leaflet
        large_print = strings.markup(ask, phone=clinic.phone)
    feedback = story.brand.wording(strings.tag).feedback
    return [
        story.heading(
            strings.markup(words.title_form if form else words.title_leaflet), "box_title", level=0
        ),
        *(
            [cell(words.review_overdue, strings.markup(words.review_overdue_text, date=review))]
            if story.overdue
            else []
        ),
        *translation_facts(story, meta),
        *(Columns([(width / 2, [left]), (width / 2, [right])]) for left, right in pairs),
        cell(words.sources, plain("; ".join(meta.sources))),
        cell(words.large_print, large_print),
        cell(words.feedback, plain(feedback)),
    ]


def translation_facts(story: StoryContext, meta: schema.Meta) -> list[Flowable]:
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
        return [story.para(f"<b>{strings.markup(words.translation)}:</b> {told}", "small")]
    label = strings.markup(strings.words.footer.translation_not_reviewed)
    text = strings.markup(words.translation_not_reviewed_text)
    return [story.para(f"<b>{label}:</b> {text} {told}", "small")]


def notes_page(story: StoryContext) -> list[Flowable]:
    """A page headed Notes with ruled lines: padding that is useful, not blank."""
    heading = story.heading(story.strings.markup(story.strings.words.notes), "h2", level=0)
    frame_height = story.layout.frame_height
    _, used = heading.wrap(story.width, frame_height)
    room = frame_height - used - heading.getSpaceAfter() - SMALL
    lines = max(1, int(room // WRITE_IN_SPACING))
    return [heading, WriteIn(lines, WRITE_IN_SPACING, story.colour("muted"))]


def _display_url(url: str) -> str:
    for prefix in ("https://", "http://"):
        url = url.removeprefix(prefix)
    return url.rstrip("/")
