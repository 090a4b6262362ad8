"""Email addresses checked without email-validator (`schema.checks.plainly_valid`) are
exactly ones email-validator accepts: the shortcut never lets through what it refuses."""

from __future__ import annotations

import email_validator
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leaflet.sources.schema.checks import (
    _PLAIN_ADDRESS,
    SPECIAL_USE_DOMAINS,
    email_problem,
    plainly_valid,
)


def accepted(address: str) -> bool:
    try:
        email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return False
    return True


def test_the_special_use_names_are_email_validators():
    assert set(email_validator.SPECIAL_USE_DOMAIN_NAMES) == SPECIAL_USE_DOMAINS


@settings(max_examples=100, database=None)
@given(st.from_regex(_PLAIN_ADDRESS, fullmatch=True))
def test_every_plainly_valid_address_is_accepted(address):
    if plainly_valid(address):
        assert accepted(address), address


@pytest.mark.parametrize(
    "address",
    [
        "clinic@example.com",
        "First.Last+leaflet@mail.example.co.uk",
        "x_y-z@a1-b2.example",
        "a@b.co",
        "a" * 64 + "@example.com",
        "a@" + "b" * 63 + ".com",
    ],
)
def test_plain_addresses_take_the_shortcut(address):
    assert plainly_valid(address) and accepted(address)
    assert email_problem(address) is None


@pytest.mark.parametrize(
    "address",
    [
        "a" * 65 + "@example.com",  # local part over 64
        "a@" + "b" * 64 + ".com",  # label over 63
        "a@" + ("b" * 60 + ".") * 5 + "com",  # address over 254
        "a@clinic.test",
        "a@clinic.LOCAL",
        "a@localhost",
        "a@ab--cd.com",  # two hyphens where IDNA reserves them
        "a@example.c0m",  # a name of letters last
        "a..b@example.com",
        ".a@example.com",
        "a@example..com",
        "zoë@example.com",
        "a@bücher.de",
        '"a b"@example.com',
    ],
)
def test_other_addresses_go_to_email_validator(address):
    assert not plainly_valid(address)
    # Which then decides, as it did before the shortcut (international: as for patients).
    assert (email_problem(address, international=True) is None) == accepted(address)
