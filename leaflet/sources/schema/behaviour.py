"""What schema objects do besides holding fields, in plain Python (no pydantic).

A validated file is a pydantic model, or, when the command line found it in the
validated-content cache (`leaflet.sources.validated`), a plain object made from the
same table of fields. Both share what is here: the few properties a model has, and how
a block names its kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


class TranslationSource:
    """A document's meta: which document it translates, if any."""

    if TYPE_CHECKING:  # the model's field (an annotation here would make pydantic's
        translates: str | None  # field order differ from the declaration)

    @property
    def source_of_translation(self) -> tuple[str, str] | None:
        """(language, version) of the document this one translates, if it is a translation."""
        if self.translates is None:
            return None
        language, version = self.translates.split(" ", 1)
        return language, version


#: The block types, in the order `blocks.BLOCK_TYPES` declares their models (which
#: checks it): what the story's builders register against without building the models.
BLOCK_KINDS = (
    "heading",
    "subheading",
    "paragraph",
    "bullets",
    "callout",
    "checklist",
    "declarations",
    "photo_consent",
    "fields",
    "patient_details",
    "timeline",
    "signatures",
    "record_table",
    "contact",
)

#: Behaviour a plain object may take on, by name (the cache records which a model has).
MIXINS: dict[str, type] = {"TranslationSource": TranslationSource}


def block_kind(block: Any) -> str:
    """A block's type: the name of its one field, e.g. `checklist`."""
    kind: str = next(iter(type(block).model_fields))
    return kind


def block_value(block: Any) -> Any:
    """What a block holds: its one field's value."""
    return getattr(block, block_kind(block))
