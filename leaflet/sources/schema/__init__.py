"""The schemas of content, brand and layout files, declared once.

Each model lists its fields with a description; `docs/content-format.md` is generated
from these models (`python -m leaflet.docs`), so the reference cannot drift from the code.
Unknown fields are errors: a typo in consent wording must never be silently ignored.

The models live in `common` (shared types), `blocks`, `documents`, `brand`, `layout` and
`exports` (the workspace's settings for booking-system exports); they are all importable
from here, as `schema.Document`, `schema.Brand`... Each is imported on first use (PEP
562): building pydantic models takes time, and a command that reads only a layout or a
treatment file should not build the blocks' models. What the models do besides holding
fields (`block_kind`, `Meta.source_of_translation`) is in `behaviour`, without pydantic:
the command line's validated-content cache gives the same values back as plain objects.
So are the checks a booking system's export needs, which builds no models:
`export_fields` (`EXPORT_FIELDS`, the values an export holds) and `checks` (email
addresses, one-line text).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "BLOCK_TYPES",
    "EMAIL_PATTERN",
    "EXPORT_FIELDS",
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
    "CmykColours",
    "Colour",
    "Colours",
    "Column",
    "Contact",
    "ContactStrings",
    "Document",
    "EmailAddress",
    "EmailSettings",
    "ExportField",
    "ExportSettings",
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

#: Where each name lives.
_WHERE: dict[str, str] = {
    "AboutStrings": "leaflet.sources.schema.strings",
    "AttachmentStrings": "leaflet.sources.schema.strings",
    "AttachmentsStrings": "leaflet.sources.schema.strings",
    "BLOCK_TYPES": "leaflet.sources.schema.blocks",
    "Block": "leaflet.sources.schema.blocks",
    "Box": "leaflet.sources.schema.layout",
    "Brand": "leaflet.sources.schema.brand",
    "Callout": "leaflet.sources.schema.blocks",
    "Checklist": "leaflet.sources.schema.blocks",
    "Clinic": "leaflet.sources.schema.brand",
    "ClinicWording": "leaflet.sources.schema.brand",
    "CmykColours": "leaflet.sources.schema.brand",
    "Colour": "leaflet.sources.schema.common",
    "Colours": "leaflet.sources.schema.brand",
    "Column": "leaflet.sources.schema.blocks",
    "Contact": "leaflet.sources.schema.blocks",
    "ContactStrings": "leaflet.sources.schema.strings",
    "Document": "leaflet.sources.schema.documents",
    "EMAIL_PATTERN": "leaflet.sources.schema.checks",
    "EmailAddress": "leaflet.sources.schema.common",
    "EmailSettings": "leaflet.sources.schema.brand",
    "EXPORT_FIELDS": "leaflet.sources.schema.export_fields",
    "ExportField": "leaflet.sources.schema.export_fields",
    "ExportSettings": "leaflet.sources.schema.exports",
    "Fields": "leaflet.sources.schema.blocks",
    "Fonts": "leaflet.sources.schema.brand",
    "FooterStrings": "leaflet.sources.schema.strings",
    "FormField": "leaflet.sources.schema.blocks",
    "FormStrings": "leaflet.sources.schema.strings",
    "Item": "leaflet.sources.schema.blocks",
    "ItemList": "leaflet.sources.schema.blocks",
    "LANGUAGE_TAG": "leaflet.sources.schema.common",
    "LanguageTag": "leaflet.sources.schema.common",
    "Layout": "leaflet.sources.schema.layout",
    "Length": "leaflet.sources.schema.common",
    "Meta": "leaflet.sources.schema.meta",
    "PASSWORD_POLICIES": "leaflet.sources.schema.brand",
    "Party": "leaflet.sources.schema.blocks",
    "PasswordPolicy": "leaflet.sources.schema.brand",
    "Period": "leaflet.sources.schema.blocks",
    "PersonalStrings": "leaflet.sources.schema.strings",
    "RecordTable": "leaflet.sources.schema.blocks",
    "Signatures": "leaflet.sources.schema.blocks",
    "Slug": "leaflet.sources.schema.common",
    "Strict": "leaflet.sources.schema.common",
    "Strings": "leaflet.sources.schema.strings",
    "StyleSpec": "leaflet.sources.schema.layout",
    "Text": "leaflet.sources.schema.common",
    "Timeline": "leaflet.sources.schema.blocks",
    "Treatment": "leaflet.sources.schema.treatment",
    "TreatmentLanguage": "leaflet.sources.schema.treatment",
    "Workspace": "leaflet.sources.schema.exports",
    "block_kind": "leaflet.sources.schema.behaviour",
    "block_value": "leaflet.sources.schema.behaviour",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:
    from leaflet.sources.schema.behaviour import block_kind, block_value
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
    )
    from leaflet.sources.schema.brand import (
        PASSWORD_POLICIES,
        Brand,
        Clinic,
        ClinicWording,
        CmykColours,
        Colours,
        EmailSettings,
        Fonts,
        PasswordPolicy,
    )
    from leaflet.sources.schema.checks import EMAIL_PATTERN
    from leaflet.sources.schema.common import (
        LANGUAGE_TAG,
        Colour,
        EmailAddress,
        LanguageTag,
        Length,
        Slug,
        Strict,
        Text,
    )
    from leaflet.sources.schema.documents import Document
    from leaflet.sources.schema.export_fields import EXPORT_FIELDS, ExportField
    from leaflet.sources.schema.exports import ExportSettings, Workspace
    from leaflet.sources.schema.layout import Box, Layout, StyleSpec
    from leaflet.sources.schema.meta import Meta
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
    from leaflet.sources.schema.treatment import Treatment, TreatmentLanguage
