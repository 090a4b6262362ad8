"""The document files of a treatment's content folder (its treatment files: `treatment`)."""

from __future__ import annotations

from pydantic import Field

from leaflet.sources.schema.blocks import Block
from leaflet.sources.schema.common import Strict
from leaflet.sources.schema.meta import Meta as Meta  # its home; here too
from leaflet.sources.schema.treatment import Treatment as Treatment  # its home; here too


class Document(Strict):
    """`content/<treatment>/<document>.yaml`: one leaflet or form."""

    meta: Meta = Field(description="Reference, version, dates and title.")
    blocks: list[Block] = Field(min_length=1, description="The document's blocks, in order.")
