"""Suggestions for misspelt names: the closest known name, for "did you mean" in the
errors an author sees (a block key, a field, a template variable)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: How alike two names must be (difflib's ratio) for one to be suggested for the other.
CUTOFF = 0.6


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name most like `name`, if one is alike enough: `bullet` -> `bullets`."""
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=CUTOFF)
    return matches[0] if matches else None


def did_you_mean(name: str, known: Iterable[str], *, prefix: str = "") -> str | None:
    """ "did you mean 'bullets'?" for a close known name (after `prefix`, e.g.
    "settings."), or None."""
    match = closest(name, known)
    return f"did you mean '{prefix}{match}'?" if match else None
