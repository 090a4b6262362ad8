"""What every format does before it lays a document out.

The checks (the layout can hold the document, the wording is within its review date),
the wording filled in for the clinic and patient with the layout's styles, and the PDF's
document properties. `Build` carries one PDF's inputs from `render_pdf` to a format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from leaflet.errors import LeafletError, display_path
from leaflet.render.press import PressOptions
from leaflet.sources import schema
from leaflet.sources.brand import Brand
from leaflet.sources.content import ContentDocument
from leaflet.sources.fontchain import FontChain
from leaflet.sources.languages import parse_language
from leaflet.sources.layout import Layout, known_layouts, load_layout
from leaflet.sources.personal import PersonalValues
from leaflet.sources.styles import StyleSet
from leaflet.version import __version__


@dataclass(frozen=True)
class Build:
    """One PDF to lay out: the document, brand, layout and personal details, print-shop
    options, and whether the wording is past its review date."""

    document: ContentDocument
    brand: Brand
    layout: Layout
    personal: PersonalValues
    press: PressOptions = field(default_factory=PressOptions)
    overdue: bool = False

    @property
    def direction(self) -> str:
        """`rtl` or `ltr`: how the document's language is written (CLDR)."""
        return parse_language(self.document.meta.language).direction

    @property
    def rtl(self) -> bool:
        """Whether the document's language is written right to left."""
        return self.direction == "rtl"

    @property
    def fonts(self) -> FontChain:
        """The brand's fonts, led by the first family that prints the document's own
        script (Noto Sans Arabic for an Arabic document; the brand's, for English)."""
        if self.rtl:
            meta = self.document.meta
            return self.brand.fonts.led_by(meta.title + meta.subtitle)
        return self.brand.fonts

    @property
    def origin(self) -> str:
        """The content file, as layout errors name it."""
        return display_path(self.document.path)


def check_layout_holds(layout: Layout, document: ContentDocument) -> None:
    """Refuse a layout that cannot hold the document, listing the layouts that can."""
    allowed = layout.spec.documents
    if allowed is None or document.name in allowed:
        return
    fitting = [
        name
        for name in known_layouts(layout.path.parent)
        if (spec := load_layout(name, layout.path.parent).spec).documents is None
        or document.name in spec.documents
    ]
    raise LeafletError(
        f"the {document.name} document cannot be laid out as {layout.name}; "
        f"layouts for {document.name}: {', '.join(fitting)}"
    )


def fill_in(build: Build) -> tuple[schema.Document, StyleSet]:
    """The document's wording filled in for this clinic and patient, and the layout's
    text styles in the brand's fonts and colours: what every format lays out."""
    document, brand, layout = build.document, build.brand, build.layout
    language = document.meta.language
    variables = {
        "clinic": brand.template_values(language),
        **build.personal.template_values(language),
    }
    styles = layout.styles(build.fonts, brand.colour, build.direction, language)
    return document.render(variables, brand.fonts), styles


def document_properties(document: ContentDocument, brand: Brand) -> dict[str, Any]:
    """Doc-template settings every format shares: PDF metadata (never personal details)
    in the document's language, the brand font as the initial font, and deterministic
    output."""
    meta, strings = document.meta, document.strings
    subject = strings.text(
        strings.words.pdf_subject,
        subtitle=meta.subtitle,
        reference=meta.reference,
        version=meta.version,
    )
    return {
        "title": f"{meta.title}: {meta.subtitle}",
        "author": brand.clinic.name,
        "subject": subject,
        "keywords": [*meta.keywords, meta.reference],
        "creator": f"leaflet {__version__}",
        "lang": meta.language,
        "displayDocTitle": 1,
        "invariant": 1,
        "initialFontName": brand.fonts.regular,
        # Viewers show facing pages right to left, and booklets are bound on the right.
        **({"direction": "R2L"} if parse_language(meta.language).direction == "rtl" else {}),
    }
