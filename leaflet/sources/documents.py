"""The documents a treatment can have, named on their own so that code which only needs
the names (the command line, building its options) loads nothing else."""

from __future__ import annotations

#: The documents a treatment can have, in the order `leaflet list` shows them.
DOCUMENTS = ("info", "consent", "aftercare")
#: The documents that are forms (fields to fill in), which `--fillable` applies to.
FORMS = ("consent",)
