"""The schemas of content, brand and layout files, declared once.

Each model lists its fields with a description; `docs/content-format.md` is generated
from these models (`python -m leaflet.docs`), so the reference cannot drift from the code.
Unknown fields are errors: a typo in consent wording must never be silently ignored.

The models live in `common` (shared types), `blocks`, `documents`, `brand` and `layout`;
they are all importable from here, as `schema.Document`, `schema.Brand`...
"""

from leaflet.sources.schema.blocks import (
    BLOCK_TYPES,
    Block,
    Callout,
    Checklist,
    Column,
    Contact,
    Fields,
    FormField,
    Item,
    ItemList,
    Party,
    Period,
    RecordTable,
    Signatures,
    Timeline,
    block_kind,
    block_value,
)
from leaflet.sources.schema.brand import (
    PASSWORD_POLICIES,
    Brand,
    Clinic,
    CmykColours,
    Colours,
    EmailSettings,
    Fonts,
    PasswordPolicy,
)
from leaflet.sources.schema.common import (
    EMAIL_PATTERN,
    Colour,
    EmailAddress,
    Length,
    Slug,
    Strict,
    Text,
)
from leaflet.sources.schema.documents import Document, Meta, Treatment
from leaflet.sources.schema.layout import Box, Layout, StyleSpec, Workspace

__all__ = [
    "BLOCK_TYPES",
    "EMAIL_PATTERN",
    "PASSWORD_POLICIES",
    "Block",
    "Box",
    "Brand",
    "Callout",
    "Checklist",
    "Clinic",
    "CmykColours",
    "Colour",
    "Colours",
    "Column",
    "Contact",
    "Document",
    "EmailAddress",
    "EmailSettings",
    "Fields",
    "Fonts",
    "FormField",
    "Item",
    "ItemList",
    "Layout",
    "Length",
    "Meta",
    "Party",
    "PasswordPolicy",
    "Period",
    "RecordTable",
    "Signatures",
    "Slug",
    "Strict",
    "StyleSpec",
    "Text",
    "Timeline",
    "Treatment",
    "Workspace",
    "block_kind",
    "block_value",
]
