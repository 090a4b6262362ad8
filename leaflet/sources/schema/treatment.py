"""The treatment files of a treatment's content folder (`treatment.yaml` and each
language's), apart from the documents' models so that reading them (`leaflet list`)
builds nothing else."""

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
    aliases: list[Text] = Field(
        default_factory=list,
        description="Other names booking systems give the treatment, e.g. [Dermapen, "
        "Collagen induction therapy]: an export's treatment column matches the folder name, "
        "`name` or one of these, ignoring case, spaces and punctuation.",
    )


class TreatmentLanguage(Strict):
    """`content/<treatment>/<language>/treatment.yaml`, optional: the treatment's name and
    summary in that language, and its text settings in that language's words."""

    name: Text | None = Field(default=None, description="Display name in this language.")
    summary: Text | None = Field(default=None, description="The summary in this language.")
    settings: dict[str, Text] = Field(
        default_factory=dict,
        description="Text settings of treatment.yaml in this language's words, e.g. "
        "numbing_cream_contains. Numbers are shared by every language and stay in "
        "treatment.yaml.",
    )
