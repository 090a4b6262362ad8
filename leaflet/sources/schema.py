"""The schemas of content, brand and layout files, declared once.

Each model lists its fields with a description; `docs/content-format.md` is generated
from these models (`python -m leaflet.docs`), so the reference cannot drift from the code.
Unknown fields are errors: a typo in consent wording must never be silently ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
)


class Strict(BaseModel):
    """A schema node: unknown fields are errors, values are immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _pattern(regex: str, what: str):
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"{value!r} is not valid; expected {what}")
        return value

    return AfterValidator(check)


Text = Annotated[str, Field(min_length=1)]
Slug = Annotated[
    str,
    _pattern(
        r"[a-z0-9]+(-[a-z0-9]+)*", "lowercase letters, digits and single hyphens, e.g. cold-sores"
    ),
]
Colour = Annotated[str, _pattern(r"#[0-9a-fA-F]{6}", "a colour written #rrggbb, e.g. #0b5d6b")]
Length = Annotated[str | int | float, Field(description="a length: 12mm, 0.5in, 10pt or points")]


# --- content: treatment ---------------------------------------------------------------


class Treatment(Strict):
    """`content/<treatment>/treatment.yaml`: the treatment and its clinic settings."""

    name: Text = Field(description="Display name, e.g. Microneedling.")
    summary: Text = Field(description="One sentence shown by `leaflet list`.")
    settings: dict[
        Annotated[str, _pattern(r"[a-z][a-z0-9_]*", "snake_case names")], int | float | str
    ] = Field(
        default_factory=dict,
        description="Numbers clinics set differently (hours without make-up, weeks between "
        "sessions...), used in wording as {{ settings.name }}.",
    )


# --- content: documents ---------------------------------------------------------------


class Meta(Strict):
    """Who wrote a document, when, and when it must be reviewed."""

    title: Text = Field(description="Main title on page 1 and in the PDF metadata.")
    subtitle: Text = Field(description="Line under the title, e.g. Consent form.")
    kind: Literal["leaflet", "form"] = Field(
        description="leaflet: personal details appear as a 'Prepared for' note; "
        "form: personal details pre-fill the form, initials go on every page."
    )
    reference: Annotated[
        str, _pattern(r"[A-Z0-9]+(-[A-Z0-9]+)*", "capitals, digits and hyphens, e.g. MN-AFT-01")
    ] = Field(description="Reference code printed in the footer, e.g. MN-AFT-01.")
    version: Text = Field(description='Version of the wording, in quotes, e.g. "1.0".')
    published: dt.date = Field(description="Publication date, YYYY-MM-DD.")
    review: dt.date = Field(description="Date by which the wording must be reviewed.")
    approved_by: Text = Field(description="Who approved the wording.")
    sources: list[Text] = Field(min_length=1, description="Where the facts come from.")
    language: Annotated[str, _pattern(r"[a-z]{2,3}(-[A-Z]{2})?", "a language tag, e.g. en-GB")] = (
        Field(description="Language tag written into the PDF, e.g. en-GB.")
    )
    reading_age: int = Field(default=11, ge=5, le=18, description="Target reading age.")
    keywords: list[Text] = Field(default_factory=list, description="PDF keywords.")

    @field_validator("review")
    @classmethod
    def _review_after_publication(cls, review: dt.date, info: ValidationInfo) -> dt.date:
        published = info.data.get("published")
        if published is not None and review <= published:
            raise ValueError(f"review date {review} must be after the published date {published}")
        return review


class Item(Strict):
    """A question or statement with a stable id (used for form fields and records)."""

    id: Slug = Field(description="Stable identifier, e.g. cold-sores.")
    text: Text = Field(description="The question or statement.")


class ItemList(Strict):
    """A titled list of items: declarations to tick."""

    title: str | None = Field(default=None, description="Heading above the list.")
    intro: str | None = Field(default=None, description="Paragraph before the list.")
    items: list[Item] = Field(min_length=1, description="The questions or statements.")


class Checklist(ItemList):
    """Yes/No questions, drawn as a table with a Yes and a No box per row; never split.

    `title` heads the question column of the table."""

    yes_label: Text = Field(default="Yes", description="Heading of the Yes column.")
    no_label: Text = Field(default="No", description="Heading of the No column.")


class FormField(Strict):
    """A labelled write-in line, pre-filled when `value` renders to text."""

    id: Slug = Field(description="Stable identifier, e.g. patient-signature.")
    label: Text = Field(description="Label printed beside the line.")
    value: str = Field(
        default="",
        description="Pre-filled value (template), e.g. "
        "{{ patient.name }}; empty leaves a blank line.",
    )
    lines: int = Field(default=1, ge=1, le=8, description="How many write-in lines.")


class Fields(Strict):
    """A group of write-in fields with an optional title and lead-in."""

    title: str | None = Field(default=None, description="Heading above the fields.")
    intro: str | None = Field(default=None, description="Paragraph before the fields.")
    items: list[FormField] = Field(min_length=1, description="The fields.")


class Party(Strict):
    """One person who signs: patient, practitioner, witness, interpreter."""

    title: Text = Field(description="Who signs, e.g. Patient.")
    note: str | None = Field(default=None, description="A line under the title.")
    fields: list[FormField] = Field(min_length=1, description="Signature, name, date...")


class Signatures(Strict):
    """Signature blocks; each party is kept together on one page."""

    title: str | None = Field(default=None, description="Heading above the signatures.")
    intro: str | None = Field(default=None, description="Paragraph before the signatures.")
    parties: list[Party] = Field(min_length=1, description="Who signs.")


class Period(Strict):
    """One period of the aftercare timeline."""

    period: Text = Field(description="When, e.g. First 24 hours.")
    expect: str | None = Field(default=None, description="What the patient may notice.")
    do: list[Text] = Field(default_factory=list, description="Things to do.")
    avoid: list[Text] = Field(default_factory=list, description="Things to avoid.")


class Timeline(Strict):
    """Aftercare by period, drawn as a band per period."""

    title: str | None = Field(default=None, description="Heading above the timeline.")
    periods: list[Period] = Field(min_length=1, description="The periods, in order.")


class Callout(Strict):
    """A highlighted box: a note, when to contact the clinic, or when to get urgent help."""

    style: Literal["note", "contact", "urgent"] = Field(
        default="note", description="note, contact or urgent (drawn in the urgent colour)."
    )
    title: Text = Field(description="Title of the box, e.g. Get urgent help if.")
    text: str | None = Field(default=None, description="A paragraph.")
    bullets: list[Text] = Field(default_factory=list, description="A bullet list.")


class Contact(Strict):
    """The clinic's contact details from the brand, with a QR code to its website."""

    title: Text = Field(default="How to contact us", description="Heading of the box.")
    text: str | None = Field(default=None, description="A paragraph before the details.")
    qr: bool = Field(default=True, description="Show a QR code when the brand has a website.")


def _block(name: str, body: Any, doc: str) -> type[Strict]:
    model = type(
        f"{name.title().replace('_', '')}Block",
        (Strict,),
        {
            "__annotations__": {name: body},
            "__doc__": doc,
            name: Field(description=doc),
        },
    )
    return model


BLOCK_TYPES: dict[str, type[Strict]] = {
    "heading": _block("heading", Text, "A section heading; never left alone at a page end."),
    "subheading": _block("subheading", Text, "A smaller heading inside a section."),
    "paragraph": _block("paragraph", Text, "A paragraph of text."),
    "bullets": _block("bullets", Annotated[list[Text], Field(min_length=1)], "A bullet list."),
    "callout": _block("callout", Callout, Callout.__doc__),
    "checklist": _block("checklist", Checklist, Checklist.__doc__),
    "declarations": _block(
        "declarations", ItemList, "Statements with a tick box each; never split across pages."
    ),
    "photo_consent": _block(
        "photo_consent", Checklist, "Photo uses with a Yes and a No box each; never split."
    ),
    "fields": _block(
        "fields",
        Fields,
        "Labelled write-in lines; up to 5 fields stay on "
        "one page, longer groups may break between fields.",
    ),
    "patient_details": _block(
        "patient_details", Fields, "Patient details drawn as a boxed panel; pre-filled when known."
    ),
    "timeline": _block("timeline", Timeline, Timeline.__doc__),
    "signatures": _block("signatures", Signatures, Signatures.__doc__),
    "contact": _block("contact", Contact, Contact.__doc__),
}


def _block_tag(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        return key if key in BLOCK_TYPES else None
    if isinstance(value, BaseModel):
        return next(iter(type(value).model_fields))
    return None


Block = Annotated[
    Union[tuple(Annotated[model, Tag(name)] for name, model in BLOCK_TYPES.items())],  # noqa: UP007
    Discriminator(
        _block_tag,
        custom_error_type="block_type",
        custom_error_message="each block is a mapping with exactly one of these keys: "
        + ", ".join(BLOCK_TYPES),
    ),
]


class Document(Strict):
    """`content/<treatment>/<document>.yaml`: one leaflet or form."""

    meta: Meta = Field(description="Reference, version, dates and title.")
    blocks: list[Block] = Field(min_length=1, description="The document's blocks, in order.")


# --- brand ----------------------------------------------------------------------------


class Clinic(Strict):
    """The clinic's details, printed in headers and contact boxes and usable in wording."""

    name: Text = Field(description="Clinic name, shown in the header band.")
    address: list[Text] = Field(min_length=1, description="Address lines.")
    phone: Text = Field(description="Phone number as patients should dial it.")
    email: Text = Field(description="Email address.")
    website: str | None = Field(default=None, description="Website address; adds a QR code.")
    out_of_hours: Text = Field(description="What to do when the clinic is closed.")
    emergency_number: Text = Field(description="Emergency phone number, e.g. 999 or 911.")
    feedback: Text = Field(description="How patients give feedback on the leaflet.")


class Colours(Strict):
    """Brand colours; every text/background pair must reach 4.5:1 contrast."""

    primary: Colour = Field(description="Header band and headings.")
    on_primary: Colour = Field(default="#ffffff", description="Text on the header band.")
    text: Colour = Field(default="#1f2933", description="Body text.")
    muted: Colour = Field(default="#4b5563", description="Footer and labels.")
    tint: Colour = Field(description="Light background of boxes and table headers.")
    urgent: Colour = Field(default="#a4161a", description="Urgent boxes.")
    urgent_tint: Colour = Field(default="#fdecec", description="Background of urgent boxes.")


class Fonts(Strict):
    """TrueType (glyf) font files, relative to the brand file; default: bundled Noto Sans."""

    regular: str | None = Field(default=None, description="Regular face (.ttf).")
    bold: str | None = Field(default=None, description="Bold face (.ttf).")


#: An email address, roughly: one @, a dot in the domain, no spaces or list separators.
EMAIL_PATTERN = r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+"
EmailAddress = Annotated[str, _pattern(EMAIL_PATTERN, "an email address, e.g. clinic@example.com")]


PasswordPolicy = Literal["date-of-birth", "random"]
PASSWORD_POLICIES: tuple[str, ...] = get_args(PasswordPolicy)


class EmailSettings(Strict):
    """How patients' documents are emailed: the sender and how attachments are locked."""

    password: PasswordPolicy = Field(
        default="date-of-birth",
        description="How documents with personal details are locked (AES-256). "
        "date-of-birth: the patient's date of birth as 8 digits, DDMMYYYY; "
        "random: a new password per patient, listed in passwords.csv for the "
        "clinic to give by text message or phone, never by email.",
    )
    from_address: EmailAddress | None = Field(
        default=None, description="The sender's address; default: the clinic's email."
    )
    reply_to: EmailAddress | None = Field(
        default=None, description="Where patients' replies go; default: the sender."
    )


class Brand(Strict):
    """A clinic's brand file: details, logo, colours, fonts and email settings."""

    clinic: Clinic = Field(description="The clinic's details.")
    logo: str | None = Field(
        default=None, description="Logo image (PNG or JPEG), relative to the brand file."
    )
    logo_alt: str | None = Field(default=None, description="Description of the logo.")
    colours: Colours = Field(description="Brand colours.")
    fonts: Fonts = Field(default_factory=Fonts, description="Brand fonts.")
    email: EmailSettings = Field(
        default_factory=EmailSettings, description="Settings for emailing patients their documents."
    )


# --- layout ---------------------------------------------------------------------------


class Box(Strict):
    """Four lengths: top, right, bottom, left."""

    top: Length
    right: Length
    bottom: Length
    left: Length


class StyleSpec(Strict):
    """A text style; unset values come from `parent` (or from `body`)."""

    parent: str | None = Field(default=None, description="Style to inherit from.")
    size: float | None = Field(default=None, gt=0, description="Font size in points.")
    leading: float | None = Field(default=None, gt=0, description="Line height in points.")
    bold: bool | None = Field(default=None, description="Bold face.")
    colour: Literal["text", "primary", "muted", "urgent", "on_primary"] | None = Field(
        default=None, description="A brand colour name."
    )
    space_before: float | None = Field(default=None, ge=0, description="Points above.")
    space_after: float | None = Field(default=None, ge=0, description="Points below.")


class Layout(Strict):
    """`layouts/<name>.yaml`: page size, margins, header, footer and text styles."""

    extends: str | None = Field(default=None, description="A layout to start from.")
    description: Text = Field(description="One line shown by `leaflet list`.")
    page_width: Length = Field(description="Page width, e.g. 210mm.")
    page_height: Length = Field(description="Page height, e.g. 297mm.")
    margins: Box = Field(description="Space around the text frame.")
    header_height: Length = Field(description="Height of the header band.")
    header_gap: Length = Field(description="Space between the header band and the text.")
    footer_height: Length = Field(description="Height kept for the footer.")
    footer_size: float = Field(gt=0, description="Footer text size in points.")
    qr_size: Length = Field(description="Side of the QR code.")
    min_body_size: float = Field(default=12, gt=0, description="Smallest allowed body size.")
    styles: dict[str, StyleSpec] = Field(
        description="Named text styles: body, title, subtitle, h2, h3, label, small..."
    )
    format: Literal["pages", "booklet", "trifold"] = Field(
        default="pages",
        description="pages: one page per PDF page; booklet: pages imposed "
        "two to a sheet in saddle-stitch order; trifold: one sheet of six panels.",
    )
    large_print: bool = Field(
        default=False, description="This is the large-print edition (the About box says so)."
    )
    documents: list[Text] | None = Field(
        default=None, description="The documents this layout can hold; none means all."
    )
    sheet_width: Length | None = Field(
        default=None, description="booklet: width of the printed sheet, e.g. 297mm."
    )
    sheet_height: Length | None = Field(
        default=None, description="booklet: height of the printed sheet, e.g. 210mm."
    )
    panels_outside: list[Length] | None = Field(
        default=None,
        description="trifold: panel widths of the outside, left to right "
        "(inner flap back, back panel, cover).",
    )
    panels_inside: list[Length] | None = Field(
        default=None, description="trifold: panel widths of the inside, left to right."
    )


# --- workspace ------------------------------------------------------------------------


class Workspace(Strict):
    """`leaflet.yaml` in a clinic's folder: defaults for commands run there."""

    brand: str | None = Field(default=None, description="The brand file, relative to leaflet.yaml.")
    content_dir: str | None = Field(default=None, description="The content folder.")
    layout: str | None = Field(default=None, description="The default layout.")
