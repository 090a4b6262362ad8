"""The strings file: the words the layouts and the code print around the content.

Labels, the footer, the About box, Notes, Do and Avoid, "Prepared for", attachment
titles, "Page X of Y": one file per language (`leaflet/resources/strings/<tag>.yaml`),
which a clinic overrides key by key in `<content folder>/strings/<tag>.yaml`. A text
may hold the values its description names in braces (`{phone}`) and no others;
`**bold**` works where the text is set as a paragraph, not in the footer.
"""

from __future__ import annotations

import re
import string
from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from leaflet.sources.schema.common import Strict, Text

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)


def says(description: str, *values: str, bold: bool = True, optional: bool = False) -> Any:
    """A text field that may use the values `values` in braces (and `**bold**`, unless
    `bold` is False: text drawn on the canvas, not set as a paragraph); `optional`, it
    may be left out (None)."""
    return Field(
        None if optional else ...,
        description=description,
        json_schema_extra={"values": list(values), "bold": bold},
    )


def check_text(text: str, values: list[str], bold: bool) -> str:
    """`text`, if it uses only `values` in braces, and bold only where allowed."""
    try:
        used = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as err:
        raise ValueError(f"{err}; write a value as {{name}}, with balanced braces") from err
    allowed = ", ".join(f"{{{name}}}" for name in values) or "no values"
    for name in used:
        if name not in values:
            raise ValueError(f"unknown value {{{name}}}; this text may use {allowed}")
    if "**" in text and not bold:
        raise ValueError("no **bold** here: this text is drawn as plain text")
    if "**" in _BOLD.sub("", text):
        raise ValueError("unmatched ** (bold needs ** on both sides)")
    return text


class Texts(Strict):
    """A group of texts, each checked against the values its field allows."""

    @field_validator("*", mode="after")
    @classmethod
    def _values(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields[info.field_name or ""]
        extra = field.json_schema_extra
        if isinstance(value, str) and isinstance(extra, dict):
            values, bold = extra.get("values", []), extra.get("bold", True)
            assert isinstance(values, list), "says() lists the values"
            return check_text(value, [str(v) for v in values], bool(bold))
        return value


class AboutStrings(Texts):
    """The About box that ends every document."""

    title_leaflet: Text = says("Its heading in a leaflet: About this leaflet.")
    title_form: Text = says("Its heading in a form: About this form.")
    reference: Text = says("Label: Reference.")
    reference_value: Text = says(
        "{reference}, version {version}.",
        "reference",
        "version",
    )
    approved_by: Text = says("Label: Approved by.")
    published: Text = says("Label: Published.")
    next_review: Text = says("Label: Next review.")
    sources: Text = says("Label: Sources.")
    large_print: Text = says("Label: Large print.")
    large_print_here_leaflet: Text = says("This is the large-print version of this leaflet.")
    large_print_here_form: Text = says("This is the large-print version of this form.")
    large_print_ask_leaflet: Text = says(
        "You can ask us for this leaflet in large print. Call us on {phone}.",
        "phone",
    )
    large_print_ask_form: Text = says(
        "You can ask us for this form in large print. Call us on {phone}.",
        "phone",
    )
    sources_on_request: Text | None = says(
        "Where the list of sources does not fit (a tri-fold's back panel): Available on "
        "request. Call us on {phone} and quote {reference}. Left out, the list is kept.",
        "phone",
        "reference",
        optional=True,
    )
    feedback: Text = says("Label: Feedback.")
    review_overdue: Text = says("Label: Review overdue.")
    review_overdue_text: Text = says(
        "This wording was due for review on {date}. Ask us for the latest version.",
        "date",
    )
    review_overdue_short: Text | None = says(
        "The overdue notice where room is short (the review date is given beside it): Ask "
        "us for the latest version. Left out, the notice keeps its date.",
        optional=True,
    )
    translation: Text = says("Label: Translation.")
    translated_from: Text = says(
        "Translated from the {source} version {version} by {translator}.",
        "source",
        "version",
        "translator",
    )
    translation_reviewed: Text = says(
        "Checked by {reviewer}.",
        "reviewer",
    )
    translation_not_reviewed_text: Text = says(
        "What an unreviewed translation means for the reader: ask us if unsure."
    )


class FooterStrings(Texts):
    """The footer of every page (drawn as plain text: no bold)."""

    version: Text = says(
        "Version {version}.",
        "version",
        bold=False,
    )
    wording: Text = says(
        "Wording {fingerprint}: a form's wording fingerprint.",
        "fingerprint",
        bold=False,
    )
    review_date: Text = says(
        "Review date {date}.",
        "date",
        bold=False,
    )
    overdue: Text = says("After the review date when it has passed: (overdue).", bold=False)
    page: Text = says(
        "Page {page} of {total}.",
        "page",
        "total",
        bold=False,
    )
    patient_initials: Text = says(
        "Label of the box for the patient's initials on a form: Patient initials:.", bold=False
    )
    translation_not_reviewed: Text = says(
        "Translation not yet reviewed: in the footer and About box of a translation no "
        "clinical reviewer has checked.",
        bold=False,
    )


class PersonalStrings(Texts):
    """The note under a leaflet's title when it is prepared for a patient."""

    prepared_for: Text = says(
        "Prepared for **{name}**.",
        "name",
    )
    appointment: Text = says(
        "Your appointment: **{date} at {time}**.",
        "date",
        "time",
    )
    appointment_with: Text = says(
        "Your appointment: **{date} at {time}** with {practitioner}.",
        "date",
        "time",
        "practitioner",
    )
    practitioner: Text = says(
        "Your practitioner: {practitioner}.",
        "practitioner",
    )


class ContactStrings(Texts):
    """The clinic's contact details."""

    title: Text = says("Heading of a contact block that has none: How to contact us.")
    phone: Text = says("Label: Phone.")
    email: Text = says("Label: Email.")
    website: Text = says("Label: Website.")
    scan: Text = says("Under the QR code: Scan to visit our website.")
    qr_description: Text = says(
        "What a screen reader says for the QR code: QR code: link to {site}.",
        "site",
    )
    logo_description: Text = says(
        "What a screen reader says for a logo the brand does not describe: {clinic} logo.",
        "clinic",
    )


class FormStrings(Texts):
    """Words of forms and tables that content does not give."""

    question: Text = says("Heading of a question column without a title: Question.")
    yes_label: Text = says("Heading of the Yes column.")
    no_label: Text = says("Heading of the No column.")


class AttachmentStrings(Texts):
    """How one document is attached to an email."""

    title: Text = says("Its title in the email, e.g. Consent form.")
    file: str = Field(
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*\.pdf$",
        description="Its file name: lowercase letters, digits and hyphens (no accents, "
        "which some mail programs mangle), ending .pdf, e.g. consent-form.pdf.",
    )


class AttachmentsStrings(Texts):
    """The documents as they are attached to an email."""

    info: AttachmentStrings = Field(description="The information leaflet.")
    consent: AttachmentStrings = Field(description="The consent form.")
    aftercare: AttachmentStrings = Field(description="The aftercare leaflet.")


class Strings(Texts):
    """`strings/<tag>.yaml`: the words the layouts and code print, in one language."""

    about: AboutStrings = Field(description="The About box.")
    footer: FooterStrings = Field(description="The page footer.")
    personal: PersonalStrings = Field(description="The 'Prepared for' note.")
    contact: ContactStrings = Field(description="Contact details, QR code and logo.")
    forms: FormStrings = Field(description="Form words content does not give.")
    do: Text = says("Aftercare timeline: the lead-in of things to do (Do).")
    avoid: Text = says("Aftercare timeline: the lead-in of things to avoid (Avoid).")
    notes: Text = says("Heading of the Notes pages that pad a booklet: Notes.")
    continued: Text = says(
        "After a title a page repeats when what it heads goes on from the page before "
        "(a contact box, a checklist, the About facts' second box): (continued)."
    )
    pdf_subject: Text = says(
        "The PDF's subject: {subtitle} ({reference}, version {version}).",
        "subtitle",
        "reference",
        "version",
    )
    attachments: AttachmentsStrings = Field(description="Email attachments.")
