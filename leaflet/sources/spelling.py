"""Names people spell in many ways: the closest known name, for "did you mean" in the
errors an author sees (a block key, a field, a template variable), and names folded
for matching (`fold`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: How alike two names must be (difflib's ratio) for one to be suggested for the other.
CUTOFF = 0.6


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name most like `name`, if one is alike enough: `bullet` -> `bullets`."""
    import difflib  # only when a name is unknown: no command that goes well needs it

    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=CUTOFF)
    return matches[0] if matches else None


def did_you_mean(name: str, known: Iterable[str], *, prefix: str = "") -> str | None:
    """ "did you mean 'bullets'?" for a close known name (after `prefix`, e.g.
    "settings."), or None."""
    match = closest(name, known)
    return f"did you mean '{prefix}{match}'?" if match else None


def fold(name: str) -> str:
    """A name as matched when people and programs spell it differently: case, spaces,
    underscores and punctuation ignored (`Appointment ID`, `appointment_id` ->
    `appointmentid`; `Micro-needling` -> `microneedling`)."""
    return re.sub(r"[\W_]+", "", name.casefold())
