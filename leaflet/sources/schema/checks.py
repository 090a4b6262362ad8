"""Checks of single values that need no pydantic: text on one line, email addresses.

The schemas use them (`schema.common`: a brand file's one-line fields, `EmailAddress`),
and so does reading an appointments export (`leaflet.sources.personal`), which builds
no schema models: this module imports no pydantic.
"""

from __future__ import annotations

import re

#: The C0 and C1 control characters (line breaks, tabs, escapes...): never in a name or
#: an address, nor in text printed on one line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control_character(text: str) -> bool:
    """Whether `text` holds a control character."""
    return _CONTROL.search(text) is not None


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
    # The domain is at most 253 characters: the pattern leaves at least two of the 254
    # for the @ and what goes before it.
    local, _, domain = address.partition("@")
    if len(address) > 254 or len(local) > 64 or _PLAIN_ADDRESS.fullmatch(address) is None:
        return False
    labels = domain.split(".")
    return max(map(len, labels)) <= 63 and labels[-1].lower() not in SPECIAL_USE_DOMAINS


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
