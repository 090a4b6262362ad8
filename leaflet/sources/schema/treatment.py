"""The treatment file of a treatment's content folder, apart from the documents' models
so that reading it (`leaflet list`) builds nothing else."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from leaflet.sources.schema.common import Strict, Text, pattern


class Treatment(Strict):
    """`content/<treatment>/treatment.yaml`: the treatment and its clinic settings."""

    name: Text = Field(description="Display name, e.g. Microneedling.")
    summary: Text = Field(description="One sentence shown by `leaflet list`.")
    settings: dict[
        Annotated[str, pattern(r"[a-z][a-z0-9_]*", "snake_case names")], int | float | str
    ] = Field(
        default_factory=dict,
        description="Numbers clinics set differently (hours without make-up, weeks between "
        "sessions...), used in wording as {{ settings.name }}.",
    )
