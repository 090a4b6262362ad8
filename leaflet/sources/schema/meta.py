"""The metadata every document carries: reference, version, dates, title, translation.

Its own module: a document's metadata is a schema of its own (the generated reference
lists it apart from the blocks), and it needs none of the blocks' models.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from leaflet.sources.schema.behaviour import TranslationSource
from leaflet.sources.schema.common import LANGUAGE_TAG, Heading, LanguageTag, Strict, Text, pattern


class Meta(Strict, TranslationSource):
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
    language: LanguageTag = Field(
        description="The document's language (BCP 47 tag), written into the PDF: the "
        "name of the language folder it is in, e.g. en-GB, pl or cy."
    )
    reading_age: int = Field(default=11, ge=5, le=18, description="Target reading age.")
    keywords: list[Text] = Field(default_factory=list, description="PDF keywords.")
    translates: (
        Annotated[
            str,
            pattern(
                LANGUAGE_TAG + r" \S+",
                "the source's language tag and version, e.g. en-GB 2.0",
            ),
        ]
        | None
    ) = Field(
        default=None,
        description="A translation: the language and version of the document it "
        "translates, e.g. en-GB 2.0. leaflet check warns when the source has a newer "
        "version, and the translation must keep the source's structure and ids.",
    )
    translator: Text | None = Field(
        default=None, description="A translation: who translated it (required then)."
    )
    reviewer: Text | None = Field(
        default=None,
        description="A translation: the clinician who checked it against the source. "
        "Until one is named, the PDF says 'Translation not yet reviewed'.",
    )

    @field_validator("review")
    @classmethod
    def _review_after_publication(cls, review: dt.date, info: ValidationInfo) -> dt.date:
        published = info.data.get("published")
        if published is not None and review <= published:
            raise ValueError(f"review date {review} must be after the published date {published}")
        return review

    @model_validator(mode="after")
    def _translation_has_translator(self) -> Meta:
        if self.translates is not None and self.translator is None:
            raise ValueError("a translation (translates) names its translator")
        if self.translates is None and (self.translator or self.reviewer):
            raise ValueError("translator and reviewer belong to a translation (translates)")
        return self
