"""The treatment file and the document files of a treatment's content folder."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from leaflet.sources.schema.blocks import Block
from leaflet.sources.schema.common import Heading, Strict, Text, pattern


class Treatment(Strict):
    """`content/<treatment>/treatment.yaml`: the treatment and its clinic settings."""

    name: Text = Field(description="Display name, e.g. Microneedling.")
    summary: Text = Field(description="One sentence shown by `leaflet list`.")
    settings: dict[
        Annotated[str, pattern(r"[a-z][a-z0-9_]*", "snake_case names")], int | float | str
    ] = Field(
        default_factory=dict,
        description="Numbers clinics set differently (hours without make-up, weeks between "
        "sessions...), used in wording as {{ settings.name }}.",
    )


class Meta(Strict):
    """Who wrote a document, when, and when it must be reviewed."""

    title: Heading = Field(description="Main title on page 1 and in the PDF metadata.")
    subtitle: Heading = Field(description="Line under the title, e.g. Consent form.")
    kind: Literal["leaflet", "form"] = Field(
        description="leaflet: personal details appear as a 'Prepared for' note; "
        "form: personal details pre-fill the form, initials go on every page."
    )
    reference: Annotated[
        str, pattern(r"[A-Z0-9]+(-[A-Z0-9]+)*", "capitals, digits and hyphens, e.g. MN-AFT-01")
    ] = Field(description="Reference code printed in the footer, e.g. MN-AFT-01.")
    version: Annotated[
        str,
        pattern(
            r"[0-9A-Za-z][0-9A-Za-z.-]{0,19}",
            "up to 20 letters, digits, dots and hyphens, starting with a letter or digit, "
            'e.g. "1.0" or "2.1-draft"',
        ),
    ] = Field(description='Version of the wording, in quotes, e.g. "1.0".')
    published: dt.date = Field(description="Publication date, YYYY-MM-DD.")
    review: dt.date = Field(description="Date by which the wording must be reviewed.")
    approved_by: Text = Field(description="Who approved the wording.")
    sources: list[Text] = Field(min_length=1, description="Where the facts come from.")
    language: Annotated[str, pattern(r"[a-z]{2,3}(-[A-Z]{2})?", "a language tag, e.g. en-GB")] = (
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


class Document(Strict):
    """`content/<treatment>/<document>.yaml`: one leaflet or form."""

    meta: Meta = Field(description="Reference, version, dates and title.")
    blocks: list[Block] = Field(min_length=1, description="The document's blocks, in order.")
