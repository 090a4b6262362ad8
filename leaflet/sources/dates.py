"""Dates, times and numbers as patients read them, and today's date, read in one place.

Dates, times and numbers are written the way CLDR says each language writes them
(through Babel): `1 December 2026`, `1 grudnia 2026`, `1 Rhagfyr 2026`; `10:30`, or
`10:30 AM` in American English; in the digits of the language's default numbering system
(Western for `ar`, Arabic-Indic for `ar-EG`, extended Arabic-Indic for `fa`). Babel
formats dates and times in Western digits whatever the locale: their digits are swapped
for the locale's here.

Every check against today (a review date passed, a date of birth in the future) asks
`today()`, so a test, or a build that must be reproduced later, can fix the date in one
place; library functions also take a `today=` argument. The date a PDF says it was made
(`document_time`) is read here too.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import os

from babel import dates, numbers

from leaflet.errors import LeafletError
from leaflet.sources.languages import parse_language


def today() -> dt.date:
    """Today's date on this computer."""
    return dt.date.today()


def format_date(day: dt.date, language: str, weekday: bool = False) -> str:
    """`1 December 2026` in the language's long form, or with the weekday (its full form:
    `Tuesday, 1 December 2026`)."""
    return _formatted_date(day, language, weekday)


def format_time(when: dt.datetime, language: str) -> str:
    """`14:30`, or `2:30 PM` in American English: the language's short time."""
    return _formatted_time(when, language)


# Kept for the dates and times used last: every stamped copy of a batch formats its
# appointment's date and time (Babel, about 10 µs each), and a day's appointments share
# their date and their slots. Dates of birth repeat less, and take their turn.
@functools.lru_cache(maxsize=256)
def _formatted_date(day: dt.date, language: str, weekday: bool) -> str:
    locale = parse_language(language).locale
    text = str(dates.format_date(day, "full" if weekday else "long", locale=locale))
    return text.translate(_digits(language))


@functools.lru_cache(maxsize=256)
def _formatted_time(when: dt.datetime, language: str) -> str:
    text = str(dates.format_time(when, "short", locale=parse_language(language).locale))
    return text.translate(_digits(language))


def format_number(value: int | float, language: str) -> str:
    """`1,000` or `1 000` or `2,5`: a number as the language writes it."""
    locale = parse_language(language).locale
    text = numbers.format_decimal(value, locale=locale, numbering_system="default")
    return str(text).translate(_digits(language))


#: The digits of the numbering systems right-to-left languages use by default (CLDR
#: numberingSystems): Babel knows which system a locale uses, and its separators, but
#: writes Western digits whatever the system.
DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


@functools.lru_cache(maxsize=64)
def _digits(language: str) -> dict[int, int]:
    """Western digits to the digits of `language`'s default numbering system."""
    system = parse_language(language).locale.default_numbering_system
    return str.maketrans("0123456789", DIGITS.get(system, "0123456789"))


def document_time(published: dt.date) -> int:
    """When a PDF says it was made (its CreationDate and ModDate), as a Unix time.

    `SOURCE_DATE_EPOCH` when it is set (the reproducible-builds convention), otherwise
    midnight UTC on the day the wording was published: a date that means something to
    the clinic, and the same on every build, so output stays byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return int(epoch)
        except ValueError:
            raise LeafletError(
                f"SOURCE_DATE_EPOCH: {epoch!r} is not valid; expected whole seconds since "
                "1970-01-01, e.g. 1764547200"
            ) from None
    return calendar.timegm(published.timetuple())
