"""The building blocks every schema shares: strict models and small typed converters."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


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
Slug = Annotated[
    str,
    pattern(
        r"[a-z0-9]+(-[a-z0-9]+)*", "lowercase letters, digits and single hyphens, e.g. cold-sores"
    ),
]
Colour = Annotated[str, pattern(r"#[0-9a-fA-F]{6}", "a colour written #rrggbb, e.g. #0b5d6b")]
Length = Annotated[str | int | float, Field(description="a length: 12mm, 0.5in, 10pt or points")]

#: An email address, roughly: one @, a dot in the domain, no spaces or list separators.
EMAIL_PATTERN = r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+"
EmailAddress = Annotated[str, pattern(EMAIL_PATTERN, "an email address, e.g. clinic@example.com")]
