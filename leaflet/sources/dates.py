"""Dates as patients read them, and today's date, read in one place.

Every check against today (a review date passed, a date of birth in the future) asks
`today()`, so a test, or a build that must be reproduced later, can fix the date in one
place; library functions also take a `today=` argument. The date a PDF says it was made
(`document_time`) is read here too.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os

from leaflet.errors import LeafletError


def today() -> dt.date:
    """Today's date on this computer."""
    return dt.date.today()


def format_date(day: dt.date, language: str, weekday: bool = False) -> str:
    """`1 December 2026` (or `December 1, 2026` for en-US), optionally with the weekday."""
    name = f"{day:%A} " if weekday else ""
    if language == "en-US":
        return f"{name.strip()}{', ' if weekday else ''}{day:%B} {day.day}, {day.year}"
    return f"{name}{day.day} {day:%B} {day.year}"


def format_time(when: dt.datetime, language: str) -> str:
    """`14:30`, or `2:30 PM` for en-US."""
    if language == "en-US":
        return f"{when.hour % 12 or 12}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"
    return f"{when:%H:%M}"


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
