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
    ClinicWording,
    Colours,
    EmailSettings,
    Fonts,
    PasswordPolicy,
)
from leaflet.sources.schema.common import (
    EMAIL_PATTERN,
    LANGUAGE_TAG,
    Colour,
    EmailAddress,
    LanguageTag,
    Length,
    Slug,
    Strict,
    Text,
)
from leaflet.sources.schema.documents import (
    Document,
    Meta,
    Treatment,
    TreatmentLanguage,
)
from leaflet.sources.schema.layout import Box, Layout, StyleSpec, Workspace
from leaflet.sources.schema.strings import (
    AboutStrings,
    AttachmentsStrings,
    AttachmentStrings,
    ContactStrings,
    FooterStrings,
    FormStrings,
    PersonalStrings,
    Strings,
)

__all__ = [
    "BLOCK_TYPES",
    "EMAIL_PATTERN",
    "LANGUAGE_TAG",
    "PASSWORD_POLICIES",
    "AboutStrings",
    "AttachmentStrings",
    "AttachmentsStrings",
    "Block",
    "Box",
    "Brand",
    "Callout",
    "Checklist",
    "Clinic",
    "ClinicWording",
    "Colour",
    "Colours",
    "Column",
    "Contact",
    "ContactStrings",
    "Document",
    "EmailAddress",
    "EmailSettings",
    "Fields",
    "Fonts",
    "FooterStrings",
    "FormField",
    "FormStrings",
    "Item",
    "ItemList",
    "LanguageTag",
    "Layout",
    "Length",
    "Meta",
    "Party",
    "PasswordPolicy",
    "Period",
    "PersonalStrings",
    "RecordTable",
    "Signatures",
    "Slug",
    "Strict",
    "Strings",
    "StyleSpec",
    "Text",
    "Timeline",
    "Treatment",
    "TreatmentLanguage",
    "Workspace",
    "block_kind",
    "block_value",
]
