"""Reading dates and times as people and booking systems write them.

A booking system's export writes dates the way the computer that made it was set up:
`08/05/1966` in Britain is 8 May, in the United States 5 August. So numbers alone never
decide: a date whose day and month could be swapped is read in the clinic's date order
(`DAY_FIRST` or `MONTH_FIRST`, given outright or taken from a locale such as `en-GB`),
and without a known order it is refused, never guessed. Dates that only one order can
read (`25/12/1980`, `1966-05-08`, `8 May 1966`) need no order.

Accepted: `1966-05-08` (ISO, year first), `08/05/1966`, `8.5.1966`, `8-5-1966`, `8 May
1966`, `May 8, 1966`, `08-May-1966`, each optionally followed by a time (`09:00`, `9:00
AM`, `9.00pm`, `09:00:00`, or ISO's `T09:00`). A two-digit year is read as 20xx where a
caller allows it (appointments), and refused elsewhere (a date of birth: 1966 or 2066?).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from leaflet.errors import Argument

Key = TypeVar("Key")
DAY_FIRST, MONTH_FIRST = "day-first", "month-first"
DATE_ORDERS = (DAY_FIRST, MONTH_FIRST)
_BOTH_ORDERS = frozenset(DATE_ORDERS)

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH_NUMBERS = {
    **{name: number for number, name in enumerate(MONTHS, start=1)},
    **{name[:3]: number for number, name in enumerate(MONTHS, start=1)},
    "sept": 9,
}
_WEEKDAYS = {
    *["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    *["mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"],
}
_ISO_WITH_TIME = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})[T ](.+)")
_NUMERIC = re.compile(r"(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})")
_DAY_NAMED = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{2,4})")
_NAMED_DAY = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{2,4})")
#: ISO 8601 as booking systems export it, `1966-05-08` or `2026-12-01T09:00`, in ASCII
#: digits: read without the general parse, to the same date (text of any other form, or a
#: date or time that is not real, goes the general way and gets its message there). A
#: day's export holds two dates a row; read so, each takes about a third of the time.
_PLAIN_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2}))?")
#: A numeric date with a four-digit year as an export in a known date order writes it,
#: `08/05/1966`, `8.5.1966`, `12/01/2026 9:00 AM`, `01/12/2026 09:00`, in ASCII digits:
#: read without the general parse when the order is known, to the same date and time
#: (anything else, a date or time that is not real, or no order, goes the general way).
_PLAIN_NUMERIC = re.compile(
    r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})"
    r"(?: ([0-9]{1,2})[:.]([0-9]{2})(?: ?([AaPp])[Mm])?)?"
)
_TIME = re.compile(
    r"(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2})(?:\.\d+)?)?\s*(?:(a|p)\.?\s?m\.?)?", re.IGNORECASE
)
#: How each order writes 8 May 1966, for messages.
EXAMPLES = {DAY_FIRST: "08/05/1966", MONTH_FIRST: "05/08/1966"}
PATTERNS = {DAY_FIRST: "DD/MM/YYYY", MONTH_FIRST: "MM/DD/YYYY"}
#: What a caller names when the order is needed: a Python argument, or the command
#: line's option and the workspace setting.
ORDER_ARGUMENT = Argument(
    "date_order='day-first' or 'month-first'",
    "date_order: day-first or month-first under appointments: in leaflet.yaml, or --date-order",
)


class DateProblem(ValueError):
    """Text that is not a date (or date and time); `parts` say why, as a `LeafletError`'s
    do (text, and `Argument`s naming what to pass)."""

    def __init__(self, *parts: str | Argument) -> None:
        self.parts = parts
        super().__init__("".join(p if isinstance(p, str) else p.python for p in parts))


@dataclass(frozen=True)
class _Parts:
    """The numbers of a written date, before the order decides which is which."""

    first: int
    second: int
    year: int
    numeric: bool  # False: the month was a name, so `second` is the month


def order_of_locale(locale: str) -> str | None:
    """The date order a locale writes short dates in (CLDR, through Babel): `en-GB` ->
    day-first, `en-US` -> month-first; None for year-first locales (`sv-SE`, `ja`),
    whose numeric dates are ISO. Raises ValueError for a locale Babel does not know."""
    from babel import Locale, UnknownLocaleError  # only when a locale is given
    from babel.dates import get_date_format

    try:
        pattern = get_date_format("short", locale=Locale.parse(locale.replace("-", "_"))).pattern
    except (UnknownLocaleError, ValueError, TypeError) as err:
        raise ValueError(f"{locale!r} is not a locale; write one such as en-GB or en-US") from err
    letters = [char for char in re.sub(r"'[^']*'", "", pattern) if char in "dMy"]
    first = letters[0] if letters else "y"
    return {"d": DAY_FIRST, "M": MONTH_FIRST}.get(first)


def read_date(text: str, order: str | None = None, *, short_years: bool = False) -> dt.date:
    """The date written in `text` (no time); see the module docstring."""
    if (iso := _PLAIN_ISO.fullmatch(text)) and iso[4] is None:
        try:  # not `contextlib.suppress`: it would double the shortcut's time
            return dt.date(*map(int, iso.group(1, 2, 3)))
        except ValueError:  # not a real date: the general way says why
            pass
    elif (
        order in DATE_ORDERS
        and (numeric := _PLAIN_NUMERIC.fullmatch(text))
        and numeric[5] is None
        and (when := _plain_numeric(numeric, order))
    ):
        return when.date()
    text = _clean(text)
    parts = _date_parts(text, short_years)
    if parts is None:
        raise DateProblem(f"{text!r} is not a date; ", _expected(order))
    return _resolve(text, parts, order)


def read_datetime(text: str, order: str | None = None, *, short_years: bool = True) -> dt.datetime:
    """The date and time written in `text`; a date without a time is refused."""
    if (iso := _PLAIN_ISO.fullmatch(text)) and iso[4] is not None:
        year, month, day_of_month, hour, minute = map(int, iso.groups())
        try:
            return dt.datetime(year, month, day_of_month, hour, minute)
        except ValueError:
            pass
    elif (
        order in DATE_ORDERS
        and (numeric := _PLAIN_NUMERIC.fullmatch(text))
        and numeric[5] is not None
        and (when := _plain_numeric(numeric, order))
    ):
        return when
    text = _clean(text)
    date_text, time_text = _split_time(text)
    parts = _date_parts(date_text, short_years)
    if parts is None:
        raise DateProblem(f"{text!r} is not a date and time; ", _expected(order, time=True))
    day = _resolve(text, parts, order)
    if not time_text:
        raise DateProblem(f"{text!r} has no time; add one, e.g. {text} 09:00 (or 9:00 AM)")
    return dt.datetime.combine(day, _read_time(text, time_text, order))


def _plain_numeric(found: re.Match[str], order: str | None) -> dt.datetime | None:
    """The date and time (midnight when none) a `_PLAIN_NUMERIC` match holds, read in
    `order`, or None when it is not a real one: the general parse says why."""
    first, second, year = int(found[1]), int(found[3]), int(found[4])
    month, day = (second, first) if order == DAY_FIRST else (first, second)
    hour, minute = (int(found[5]), int(found[6])) if found[5] is not None else (0, 0)
    if found[7] is not None:  # 12-hour clock
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if found[7] in "Pp" else 0)
    if hour > 23 or minute > 59:
        return None
    try:
        return dt.datetime(year, month, day, hour, minute)
    except ValueError:
        return None


def readable_orders(text: str) -> frozenset[str]:
    """The date orders in which `text` (a date, or a date and time) is a real date: both
    when the order does not matter (1966-05-08, 8 May 1966) or it is no date at all."""
    if _PLAIN_ISO.fullmatch(text):  # year first, read so in either order
        return _BOTH_ORDERS
    date_text, _ = _split_time(_clean(text))
    try:
        parts = _date_parts(date_text, short_years=True)
    except DateProblem:
        parts = None
    if parts is None or not parts.numeric:
        return _BOTH_ORDERS
    found = {
        order
        for order, (month, day) in (
            (DAY_FIRST, (parts.second, parts.first)),
            (MONTH_FIRST, (parts.first, parts.second)),
        )
        if _valid(parts.year, month, day)
    }
    return frozenset(found) or frozenset(DATE_ORDERS)


def written_the_other_way(texts: Iterable[tuple[Key, str]], order: str) -> tuple[Key, str] | None:
    """The first date among `texts` that only the other order reads, when no date among
    them reads only in `order`: then the file is written the other way (an American
    export read day first), and every date such as 05/08/1966 in it would be misread.
    One such date among many that only `order` reads is a typing mistake, left to its
    row."""
    other = MONTH_FIRST if order == DAY_FIRST else DAY_FIRST
    against: tuple[Key, str] | None = None
    for key, text in texts:
        orders = readable_orders(text)
        if orders == {order}:
            return None
        if orders == {other} and against is None:
            against = (key, text)
    return against


def describe_order(order: str | None) -> str:
    """`day first (DD/MM/YYYY, e.g. 08/05/1966 for 8 May 1966)`."""
    if order is None:
        return "year first (1966-05-08)"
    word = "day" if order == DAY_FIRST else "month"
    return f"{word} first ({PATTERNS[order]}, e.g. {EXAMPLES[order]} for 8 May 1966)"


def _clean(text: str) -> str:
    text = " ".join(text.split())
    words = text.split(" ", 1)
    if len(words) == 2 and words[0].rstrip(",.").lower() in _WEEKDAYS:  # "Tue 1 Dec 2026"
        text = words[1]
    return text


def _split_time(text: str) -> tuple[str, str]:
    """(date, time) of `text`: the time follows a `T` (ISO), a space or a comma."""
    iso = _ISO_WITH_TIME.fullmatch(text)
    if iso:
        return iso[1], iso[2]
    for pattern in (_NUMERIC, _DAY_NAMED, _NAMED_DAY):
        found = pattern.match(text.lower())
        if found and (found.end() == len(text) or text[found.end()] in " ,"):
            return text[: found.end()], text[found.end() :].strip(" ,")
    return text, ""


def _date_parts(text: str, short_years: bool) -> _Parts | None:
    lowered = text.lower()
    if found := _NUMERIC.fullmatch(lowered):
        a, b, c = int(found[1]), int(found[3]), int(found[4])
        if len(found[1]) == 4:  # 1966-05-08: year first, always
            return _Parts(c, b, a, numeric=False)
        if len(found[4]) not in (2, 4) or len(found[1]) > 2:
            return None
        return _Parts(a, b, _year(c, len(found[4]), text, short_years), numeric=True)
    named = _DAY_NAMED.fullmatch(lowered)
    if named:
        day, month, year = named[1], named[2], named[3]
    elif named := _NAMED_DAY.fullmatch(lowered):
        month, day, year = named[1], named[2], named[3]
    else:
        return None
    if month not in _MONTH_NUMBERS:
        return None
    full_year = _year(int(year), len(year), text, short_years)
    return _Parts(int(day), _MONTH_NUMBERS[month], full_year, numeric=False)


def _year(year: int, digits: int, text: str, short_years: bool) -> int:
    if digits == 4:
        return year
    if digits == 2 and short_years:
        return 2000 + year
    if digits == 2:
        raise DateProblem(f"{text!r} has a two-digit year; write the year in full (1966, not 66)")
    raise DateProblem(f"{text!r} is not a date; {_expected(None)}")


def _resolve(text: str, parts: _Parts, order: str | None) -> dt.date:
    """The date `parts` name in `order`; refused when the order is needed and unknown."""
    if not parts.numeric:  # year first, or a month name: no order needed
        return _real(text, parts.year, parts.second, parts.first)
    first, second = parts.first, parts.second
    readings = {DAY_FIRST: (second, first), MONTH_FIRST: (first, second)}  # (month, day)
    valid = {name: _valid(parts.year, *reading) for name, reading in readings.items()}
    if order is None and sum(valid.values()) == 1:  # only one order reads it
        order = DAY_FIRST if valid[DAY_FIRST] else MONTH_FIRST
    if order is not None:
        if not valid[order] and any(valid.values()):
            word = "day" if order == DAY_FIRST else "month"
            raise DateProblem(
                f"{text!r} is not a date with the {word} first, as expected "
                f"({PATTERNS[order]}); check the export's date order"
            )
        return _real(text, parts.year, *readings[order])
    if valid[DAY_FIRST] and first == second:  # 05/05/1966 reads the same both ways
        return dt.date(parts.year, first, first)
    if not valid[DAY_FIRST]:
        return _real(text, parts.year, second, first)  # says what is wrong with it
    one, other = dt.date(parts.year, second, first), dt.date(parts.year, first, second)
    raise DateProblem(
        f"{text!r} could be {_long(one)} (day first) or {_long(other)} (month first), "
        "and the date order is not set: set ",
        ORDER_ARGUMENT,
    )


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _real(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        if 1 <= month <= 12:
            raise DateProblem(
                f"{text!r} is not a real date: {MONTHS[month - 1].title()} {year} has no day {day}"
            ) from None
        raise DateProblem(f"{text!r} is not a real date: there is no month {month}") from None


def _read_time(text: str, time_text: str, order: str | None) -> dt.time:
    found = _TIME.fullmatch(time_text)
    if found is None or (found[2] is None and found[4] is None):
        raise DateProblem(f"{text!r} is not a date and time; ", _expected(order, time=True))
    hour, minute, second = int(found[1]), int(found[2] or 0), int(found[3] or 0)
    if found[4]:  # 12-hour clock
        if not 1 <= hour <= 12:
            raise DateProblem(f"{text!r} has no hour {hour} on a 12-hour clock")
        hour = hour % 12 + (12 if found[4].lower() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise DateProblem(f"{text!r} is not a real time of day")
    return dt.time(hour, minute, second)


def _expected(order: str | None, time: bool = False) -> str:
    """What a date (and time) may look like, in the order expected."""
    if time:
        numeric = {DAY_FIRST: "01/12/2026 09:00", MONTH_FIRST: "12/01/2026 09:00"}
        usual = "2026-12-01 09:00 or 1 December 2026 9:00 AM"
        what = "a date and time"
    else:
        numeric, usual, what = EXAMPLES, "1966-05-08 or 8 May 1966", "a date"
    shown = f"{numeric[order]} ({order.replace('-', ' ')}), " if order else ""
    return f"expected {what} such as {shown}{usual}"


def _long(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1].title()} {day.year}"
