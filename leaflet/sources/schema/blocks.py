"""The blocks a document is made of: one model per block type, and the tagged union.

Adding a block type is adding its model to `BLOCK_TYPES` here and registering one block
builder for it (`leaflet.story.blocks`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

from leaflet.sources.schema.behaviour import BLOCK_KINDS
from leaflet.sources.schema.behaviour import block_kind as block_kind  # its home; here too
from leaflet.sources.schema.behaviour import block_value as block_value
from leaflet.sources.schema.common import Heading, Slug, Strict, Text
from leaflet.sources.spelling import did_you_mean


class Item(Strict):
    """A question or statement with a stable id (used for form fields and records)."""

    id: Slug = Field(description="Stable identifier, e.g. cold-sores.")
    text: Text = Field(description="The question or statement.")


class ItemList(Strict):
    """A titled list of items: declarations to tick."""

    title: Heading | None = Field(default=None, description="Heading above the list.")
    intro: str | None = Field(default=None, description="Paragraph before the list.")
    items: list[Item] = Field(min_length=1, description="The questions or statements.")


class Checklist(ItemList):
    """Yes/No questions, drawn as a table with a Yes and a No box per row; never split.

    `title` heads the question column of the table."""

    yes_label: Heading | None = Field(
        default=None, description="Heading of the Yes column (default: the strings' Yes)."
    )
    no_label: Heading | None = Field(
        default=None, description="Heading of the No column (default: the strings' No)."
    )


class FormField(Strict):
    """A labelled write-in line, pre-filled when `value` renders to text."""

    id: Slug = Field(description="Stable identifier, e.g. patient-signature.")
    label: Text = Field(description="Label printed beside the line.")
    value: str = Field(
        default="",
        description="Pre-filled value (template), e.g. "
        "{{ patient.name }}; empty leaves a blank line.",
    )
    lines: int = Field(default=1, ge=1, le=8, description="How many write-in lines.")


class Fields(Strict):
    """A group of write-in fields with an optional title and lead-in."""

    title: Heading | None = Field(default=None, description="Heading above the fields.")
    intro: str | None = Field(default=None, description="Paragraph before the fields.")
    items: list[FormField] = Field(min_length=1, description="The fields.")


class Party(Strict):
    """One person who signs: patient, practitioner, witness, interpreter."""

    title: Heading = Field(description="Who signs, e.g. Patient.")
    note: str | None = Field(default=None, description="A line under the title.")
    fields: list[FormField] = Field(min_length=1, description="Signature, name, date...")


class Signatures(Strict):
    """Signature blocks; each party is kept together on one page."""

    title: Heading | None = Field(default=None, description="Heading above the signatures.")
    intro: str | None = Field(default=None, description="Paragraph before the signatures.")
    parties: list[Party] = Field(min_length=1, description="Who signs.")


class Period(Strict):
    """One period of the aftercare timeline."""

    period: Heading = Field(description="When, e.g. First 24 hours.")
    expect: str | None = Field(default=None, description="What the patient may notice.")
    do: list[Text] = Field(default_factory=list, description="Things to do.")
    avoid: list[Text] = Field(default_factory=list, description="Things to avoid.")


class Timeline(Strict):
    """Aftercare by period, drawn as a band per period."""

    title: Heading | None = Field(default=None, description="Heading above the timeline.")
    periods: list[Period] = Field(min_length=1, description="The periods, in order.")


class Callout(Strict):
    """A highlighted box: a note, when to contact the clinic, or when to get urgent help."""

    style: Literal["note", "contact", "urgent"] = Field(
        default="note", description="note, contact or urgent (drawn in the urgent colour)."
    )
    title: Heading = Field(description="Title of the box, e.g. Get urgent help if.")
    text: str | None = Field(default=None, description="A paragraph.")
    bullets: list[Text] = Field(default_factory=list, description="A bullet list.")


#: The most rows a record table may have: a long course, not a register.
MAX_RECORD_ROWS = 60


def _row_count(value: int | str) -> int | str:
    """A whole number of rows, or a template (`{{ settings.sessions_max }}`) that renders
    to one; rendered wording is validated again, so a template that gives anything else is
    refused then, with the field's file and line."""
    if isinstance(value, str) and ("{{" in value or "{%" in value):
        return value
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_RECORD_ROWS:
        raise ValueError(
            f"expected a whole number of rows from 1 to {MAX_RECORD_ROWS}, or a setting "
            f"such as {{{{ settings.sessions_max }}}}; got {text!r}"
        )
    return int(text)


class Column(Strict):
    """One column of a record table: a heading over a write-in cell in every row."""

    id: Slug = Field(description="Stable identifier, e.g. patient-initials.")
    label: Heading = Field(description="Column heading, e.g. Your initials.")
    width: float = Field(default=1, gt=0, le=20, description="Relative width, e.g. 2.")


class RecordTable(Strict):
    """A table of write-in cells, one row per occasion (each session of a course); it may
    break between rows, and repeats its header row on the next page."""

    id: Slug = Field(description="Stable identifier, e.g. sessions; names the form fields.")
    title: Heading | None = Field(default=None, description="Heading above the table.")
    intro: str | None = Field(default=None, description="Paragraph before the table.")
    rows: Annotated[int | str, AfterValidator(_row_count)] = Field(
        description=f"How many rows (1 to {MAX_RECORD_ROWS}), e.g. 6 or "
        "{{ settings.sessions_max }}."
    )
    row_label: Heading | None = Field(
        default=None,
        description="Word before each row's number in a first column, e.g. Session gives "
        "Session 1, Session 2...; it also heads that column.",
    )
    row_lines: int = Field(default=1, ge=1, le=4, description="Write-in lines in each row.")
    columns: list[Column] = Field(
        min_length=1, max_length=6, description="The columns, left to right."
    )

    @model_validator(mode="after")
    def _columns_unique(self) -> RecordTable:
        ids = [column.id for column in self.columns]
        if duplicates := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"column ids must differ; repeated: {', '.join(duplicates)}")
        return self


class Contact(Strict):
    """The clinic's contact details from the brand, with a QR code to its website."""

    title: Heading | None = Field(
        default=None, description="Heading of the box (default: the strings' How to contact us)."
    )
    text: str | None = Field(default=None, description="A paragraph before the details.")
    qr: bool = Field(default=True, description="Show a QR code when the brand has a website.")


def _block(name: str, body: Any, doc: str | None) -> type[Strict]:
    """A block model: a mapping with the one key `name`, whose value is a `body`."""
    model = type(
        f"{name.title().replace('_', '')}Block",
        (Strict,),
        {
            "__annotations__": {name: body},
            "__doc__": doc,
            name: Field(description=doc or ""),
        },
    )
    return model


BLOCK_TYPES: dict[str, type[Strict]] = {
    "heading": _block("heading", Heading, "A section heading; never left alone at a page end."),
    "subheading": _block("subheading", Heading, "A smaller heading inside a section."),
    "paragraph": _block("paragraph", Text, "A paragraph of text."),
    "bullets": _block("bullets", Annotated[list[Text], Field(min_length=1)], "A bullet list."),
    "callout": _block("callout", Callout, Callout.__doc__),
    "checklist": _block("checklist", Checklist, Checklist.__doc__),
    "declarations": _block(
        "declarations", ItemList, "Statements with a tick box each; never split across pages."
    ),
    "photo_consent": _block(
        "photo_consent", Checklist, "Photo uses with a Yes and a No box each; never split."
    ),
    "fields": _block(
        "fields",
        Fields,
        "Labelled write-in lines; up to 5 fields stay on "
        "one page, longer groups may break between fields.",
    ),
    "patient_details": _block(
        "patient_details", Fields, "Patient details drawn as a boxed panel; pre-filled when known."
    ),
    "timeline": _block("timeline", Timeline, Timeline.__doc__),
    "signatures": _block("signatures", Signatures, Signatures.__doc__),
    "record_table": _block("record_table", RecordTable, RecordTable.__doc__),
    "contact": _block("contact", Contact, Contact.__doc__),
}
if tuple(BLOCK_TYPES) != BLOCK_KINDS:  # pragma: no cover - a block type added in one place
    raise AssertionError("behaviour.BLOCK_KINDS must list the block types of BLOCK_TYPES")


def _block_tag(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        return key if key in BLOCK_TYPES else None
    if isinstance(value, BaseModel):
        return block_kind(value)
    return None


#: What every block must be, said in each error about a block's key.
BLOCK_SHAPE = "each block is a mapping with exactly one of these keys: " + ", ".join(BLOCK_TYPES)


def _known_block_key(value: Any) -> Any:
    """Name a misspelt block key, with the block type it is most like (`bullet:` ->
    bullets), before the union refuses it."""
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        if isinstance(key, str) and key not in BLOCK_TYPES:
            hint = did_you_mean(key, BLOCK_TYPES)
            raise PydanticCustomError(
                "block_type",
                "unknown block type '{key}'{hint}; {shape}",
                {"key": key, "hint": f" ({hint})" if hint else "", "shape": BLOCK_SHAPE},
            )
    return value


if TYPE_CHECKING:
    #: To a type checker, a block is a strict model whose one field is named by its type.
    Block: TypeAlias = Strict
else:
    Block = Annotated[
        Union[tuple(Annotated[model, Tag(name)] for name, model in BLOCK_TYPES.items())],  # noqa: UP007
        Discriminator(_block_tag, custom_error_type="block_type", custom_error_message=BLOCK_SHAPE),
        BeforeValidator(_known_block_key),
    ]
