"""The building blocks every schema shares: strict models and small typed converters."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from leaflet.sources.schema.checks import email_problem, has_control_character


class Strict(BaseModel):
    """A schema node: unknown fields are errors, values are immutable once loaded."""

    # Built on first use: a command validates only the few models it reads.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def pattern(regex: str, what: str) -> AfterValidator:
    """A validator refusing text that does not match `regex` in full; `what` says what
    is valid."""
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"{value!r} is not valid; expected {what}")
        return value

    return AfterValidator(check)


Text = Annotated[str, Field(min_length=1)]


def _one_line(value: str) -> str:
    if has_control_character(value):
        raise ValueError("contains a line break or other control character; write it on one line")
    return value


#: Text that goes on one line of a page or a mail header (the clinic's name, phone...).
Line = Annotated[str, Field(min_length=1), AfterValidator(_one_line)]
#: The most a heading, title or column heading may hold: about 25 words, four times the
#: longest built-in one, and short enough to fit a page of every layout in large print.
HEADING_LENGTH = 150
Heading = Annotated[str, Field(min_length=1, max_length=HEADING_LENGTH)]
Slug = Annotated[
    str,
    pattern(
        r"[a-z0-9]+(-[a-z0-9]+)*", "lowercase letters, digits and single hyphens, e.g. cold-sores"
    ),
]
Colour = Annotated[str, pattern(r"#[0-9a-fA-F]{6}", "a colour written #rrggbb, e.g. #0b5d6b")]
Length = Annotated[str | int | float, Field(description="a length: 12mm, 0.5in, 10pt or points")]


def _check_email(value: str) -> str:
    if problem := email_problem(value):
        raise ValueError(f"{problem}; expected an email address, e.g. clinic@example.com")
    return value


EmailAddress = Annotated[str, AfterValidator(_check_email)]
#: Link schemes a clinic's website may use; `javascript:` and the like are refused.
WEB_SCHEMES = ("https", "http", "mailto", "tel")


def _check_website(value: str) -> str:
    parts = urlsplit(value)
    if (
        parts.scheme.lower() not in WEB_SCHEMES
        or any(char.isspace() or not char.isprintable() or char in '"<>' for char in value)
        or (parts.scheme.lower() in ("https", "http") and not parts.netloc)
    ):
        raise ValueError(
            f"{value!r} is not valid; expected a web address starting with https:// "
            "(or http://, mailto: or tel:)"
        )
    return value


Website = Annotated[str, AfterValidator(_check_website)]

#: A language tag (BCP 47): language[-Script][-REGION], e.g. en-GB, pl, cy, sr-Latn.
LANGUAGE_TAG = r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?"
LanguageTag = Annotated[str, pattern(LANGUAGE_TAG, "a language tag, e.g. en-GB, pl or cy")]
