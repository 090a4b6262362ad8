"""Dates as patients read them, and today's date, read in one place.

Every check against today (a review date passed, a date of birth in the future) asks
`today()`, so a test, or a build that must be reproduced later, can fix the date in one
place; library functions also take a `today=` argument.
"""

from __future__ import annotations

import datetime as dt


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
