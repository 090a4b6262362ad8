"""Block builders for leaflets, and the pieces every document has: the aftercare
timeline, the clinic's contact details, the 'Prepared for' note, the About box and the
Notes pages that pad a booklet.

The contact details and the About facts are built unboxed (`contact_details`,
`about_facts`): a page boxes them in the story; a tri-fold's back panel sets them on
their own.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from leaflet.sources import schema
from leaflet.sources.dates import format_date
from leaflet.sources.personal import PersonalValues
from leaflet.sources.templating import plain
from leaflet.story.blocks.forms import WRITE_IN_SPACING
from leaflet.story.context import StoryContext
from leaflet.story.flowables.boxes import Box, Columns
from leaflet.story.flowables.forms import WriteIn
from leaflet.story.flowables.graphics import QrCode
from leaflet.story.flowables.text import FittedLine, Para
from leaflet.story.registry import block_builder
from leaflet.story.spacing import (
    ABOVE_CONTACT,
    AFTER_BOX,
    BOX_PADDING,
    LARGE,
    SMALL,
)

#: Room either side of the QR code, within its column.
QR_MARGIN = 4 * mm


@block_builder("timeline")
def timeline(story: StoryContext, timeline: schema.Timeline, where: str) -> list[Flowable]:
    """Each period under a coloured band; its text flows on, so pages fill up."""
    out = story.intro(timeline.title, None)
    band_style = story.styles.derive(
        "box_title", "band", textColor=story.colour("on_primary"), spaceAfter=0
    )
    for period in timeline.periods:
        band = Box(
            [Para(period.period, band_style)],
            story.colour("primary"),
            padding=2.5 * mm,
            space_before=ABOVE_CONTACT,
            space_after=SMALL,
            keep_with_next=True,
        )
        out.append(band)
        if period.expect:
            out.append(story.para(period.expect))
        for label, items in (("Do", period.do), ("Avoid", period.avoid)):
            if items:
                out += [story.kept(label, "box_title"), *story.bullet_list(items)]
    return [*out, Spacer(0, SMALL)]


@block_builder("contact")
def contact(story: StoryContext, contact: schema.Contact, where: str) -> list[Flowable]:
    """The clinic's contact details in a tinted box; never split."""
    box = Box(contact_details(story, contact, story.width - 2 * BOX_PADDING), story.colour("tint"))
    return [story.unsplittable([Spacer(0, ABOVE_CONTACT), box], where), Spacer(0, AFTER_BOX)]


def contact_details(story: StoryContext, contact: schema.Contact, width: float) -> list[Flowable]:
    """The contact block's title, text and the clinic's details, `width` wide, with a QR
    code to the clinic's website beside them when it has one."""
    clinic = story.brand.clinic
    content: list[Flowable] = [story.heading(contact.title, "box_title", level=0)]
    if contact.text:
        content.append(story.para(contact.text))
    details = _clinic_details(story)
    if contact.qr and clinic.website:
        size = story.layout.qr_size
        centred = story.styles.derive("small", "centred", alignment=1)
        qr: list[Flowable] = [
            QrCode(clinic.website, size, story.colour("text")),
            Para("Scan to visit our website", centred),
        ]
        column = size + 2 * QR_MARGIN
        content.append(Columns([(width - column, details), (column, qr)]))
    else:
        content += details
    return content


def _clinic_details(story: StoryContext) -> list[Flowable]:
    """Name, address, phone, email and website (as links), and out-of-hours advice."""
    clinic = story.brand.clinic
    link = story.brand.hex("primary")

    def linked(label: str, href: str, text: str) -> Flowable:
        markup = f'{label}: <a href="{plain(href)}" color="{link}">{plain(text)}</a>'
        return story.para(markup, "small")

    details: list[Flowable] = [
        story.para(f"<b>{plain(clinic.name)}</b>", "small"),
        story.para(plain(", ".join(clinic.address)), "small"),
        linked("Phone", "tel:" + "".join(clinic.phone.split()), clinic.phone),
        linked("Email", "mailto:" + clinic.email, clinic.email),
    ]
    if clinic.website:
        details.append(linked("Website", clinic.website, _display_url(clinic.website)))
    details += [Spacer(0, SMALL), story.para(plain(clinic.out_of_hours), "small")]
    return details


def prepared_for(story: StoryContext, personal: PersonalValues, language: str) -> Flowable:
    """A line each for the patient, the appointment and the practitioner (each on two
    lines when it is long)."""
    values = personal.template_values(language)
    patient, appointment = values["patient"], values["appointment"]
    lines = []
    if patient["name"]:
        lines.append(f"Prepared for <b>{plain(patient['name'])}</b>")
    if appointment["date"]:
        when = f"{appointment['date']} at {appointment['time']}"
        lines.append(f"Your appointment: <b>{plain(when)}</b>")
    if appointment["practitioner"]:
        lines.append(f"Your practitioner: {plain(appointment['practitioner'])}")
    content: list[Flowable] = [
        FittedLine(line, story.styles["small"], story.value_fit, story.session) for line in lines
    ]
    return Box(content, story.colour("tint"), bar=story.colour("primary"))


def about_box(story: StoryContext, meta: schema.Meta) -> Flowable:
    """The About box that ends a document's story; never split."""
    box = Box(about_facts(story, meta, story.width - 2 * BOX_PADDING), story.colour("tint"))
    return story.unsplittable([Spacer(0, LARGE), box], "About this document")


def about_facts(story: StoryContext, meta: schema.Meta, width: float) -> list[Flowable]:
    """The leaflet standards facts, `width` wide: reference, dates, approval, sources,
    large print and feedback (and that the review is overdue, when it is)."""
    clinic = story.brand.clinic
    noun = "form" if meta.kind == "form" else "leaflet"

    def cell(label: str, value: str) -> Flowable:
        return story.para(f"<b>{label}:</b> {plain(value)}", "small")

    review = format_date(meta.review, meta.language)
    pairs = [
        (
            cell("Reference", f"{meta.reference}, version {meta.version}"),
            cell("Approved by", meta.approved_by),
        ),
        (
            cell("Published", format_date(meta.published, meta.language)),
            cell("Next review", review),
        ),
    ]
    overdue = f"This wording was due for review on {review}. Ask us for the latest version."
    large_print = (
        f"This is the large-print version of this {noun}."
        if story.layout.spec.large_print
        else f"You can ask us for this {noun} in large print. Call us on {clinic.phone}."
    )
    return [
        story.heading(f"About this {noun}", "box_title", level=0),
        *([cell("Review overdue", overdue)] if story.overdue else []),
        *(Columns([(width / 2, [left]), (width / 2, [right])]) for left, right in pairs),
        cell("Sources", "; ".join(meta.sources)),
        cell("Large print", large_print),
        cell("Feedback", clinic.feedback),
    ]


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
