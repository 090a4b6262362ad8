"""The building blocks every schema shares: strict models and small typed converters."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

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


def _one_line(value: str) -> str:
    if any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in value):
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

#: An email address, roughly: one @, a dot in the domain, no spaces or list separators.
#: (What a `format: email` field in a schema says; addresses are checked by
#: `email_problem`.)
EMAIL_PATTERN = r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+"


#: Addresses email-validator accepts whatever its options, found without loading it
#: (its IDNA tables and Unicode patterns take about 40 ms): an ASCII dot-atom before the
#: @, a domain of letter-and-digit labels joined by single hyphens, ending in a name of
#: letters only, none longer than the standards allow, and no special-use name.
#: tests/test_email_addresses.py holds this to email-validator.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@(?:[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\.)+[A-Za-z]+"
)
#: email-validator's SPECIAL_USE_DOMAIN_NAMES (RFC 6761 and others): refused by it.
SPECIAL_USE_DOMAINS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


def plainly_valid(address: str) -> bool:
    """Whether `address` is a plain ASCII address that email-validator accepts."""
    local, _, domain = address.partition("@")
    return (
        len(address) <= 254
        and len(local) <= 64
        and len(domain) <= 253
        and _PLAIN_ADDRESS.fullmatch(address) is not None
        and all(len(label) <= 63 for label in domain.split("."))
        and domain.rpartition(".")[2].lower() not in SPECIAL_USE_DOMAINS
    )


def email_problem(address: str, *, international: bool = False) -> str | None:
    """Why `address` cannot be mailed to as one address, or None, by the mail standards
    (email-validator: RFC 5321 and 5322, IDNA 2008 domains). International characters
    in the domain are fine (it is sent as IDNA, `mail_domain`). Before the @ they need
    a server that takes SMTPUTF8 (RFC 6531): allowed only where `international`."""
    if plainly_valid(address):
        return None
    import email_validator  # its IDNA tables take a fifth of a second to load

    try:
        email_validator.validate_email(
            address, check_deliverability=False, allow_smtputf8=international
        )
    except email_validator.EmailNotValidError as err:
        if not international and not address.partition("@")[0].isascii():
            return (
                f"{address!r} has international characters before the @, which not every "
                "mail server takes"
            )
        why = str(err).rstrip(".")
        return f"{address!r} is not an email address ({why[:1].lower()}{why[1:]})"
    return None


def mail_domain(domain: str) -> str:
    """`domain` as mail headers carry it: international characters as IDNA (`bücher.de`
    -> `xn--bcher-kva.de`); raises UnicodeError for one that cannot be written so."""
    return domain.encode("idna").decode("ascii") if not domain.isascii() else domain


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
