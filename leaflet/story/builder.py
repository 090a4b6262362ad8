"""Turning a rendered document into a story: the list of flowables ReportLab lays out.

Each block is built by the function registered for its type (`registry`, `blocks/`),
so adding a block type is adding a schema model and one registered function. The story
is then grouped so that no heading is left alone at the foot of a page (`grouping`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from reportlab.platypus import Flowable, Spacer

from leaflet.sources import schema
from leaflet.sources.brand import Brand
from leaflet.sources.layout import Layout
from leaflet.sources.personal import PersonalValues
from leaflet.sources.strings import Strings
from leaflet.sources.styles import StyleSet
from leaflet.sources.wording import plain
from leaflet.sources.yamlfile import format_loc
from leaflet.story.blocks import forms, leaflets, text
from leaflet.story.context import StoryContext
from leaflet.story.grouping import keep_headings_with_blocks
from leaflet.story.registry import BLOCK_BUILDERS
from leaflet.story.session import DrawingSession
from leaflet.story.spacing import AFTER_BOX
from leaflet.story.tags import Tag

#: The modules whose import registers the block builders.
BLOCK_MODULES = (text, forms, leaflets)


@dataclass
class StoryBuilder:
    """Builds the flowables of one document for one brand and layout."""

    brand: Brand
    layout: Layout
    styles: StyleSet
    #: The words around the content, in the document's language.
    strings: Strings
    #: The wording is past its review date (built with allow_expired): the About box says so.
    overdue: bool = False
    #: (width, height) of the frames the story flows into; None: the layout's page frame.
    #: A tri-fold flows into panels, narrower and taller than its sheet's page frame.
    frame: tuple[float, float] | None = None
    #: Shared by every flowable of the build (outline, form fields, slots).
    session: DrawingSession = field(default_factory=DrawingSession)

    @property
    def context(self) -> StoryContext:
        """What the block builders work with."""
        width, height = self.frame or (self.layout.frame_width, self.layout.frame_height)
        return StoryContext(
            self.brand,
            self.layout,
            self.styles,
            self.strings,
            self.session,
            width,
            height,
            self.overdue,
        )

    def build(
        self,
        document: schema.Document,
        personal: PersonalValues,
        origin: str = "",
        *,
        front_matter: bool = True,
        about: bool = True,
        leave_out: Collection[str] = (),
    ) -> list[Flowable]:
        """The whole story: title, personal note, the blocks, then 'About this leaflet'.

        `origin` (the content file) prefixes the names of blocks in layout errors. A
        layout that places some parts elsewhere (a tri-fold's cover and back panel) asks
        for the story without the title and personal note (`front_matter=False`), without
        the About box (`about=False`), or without blocks of the kinds in `leave_out`.
        """
        meta, story = document.meta, self.context
        flowables: list[Flowable] = []
        if front_matter:
            flowables += [story.para(plain(meta.title), "title", Tag.heading(1))]
            flowables += [story.para(plain(meta.subtitle), "subtitle")]
            if meta.kind == "leaflet" and personal:
                flowables += [self.prepared_for(personal), Spacer(0, AFTER_BOX)]
        flowables += self.blocks(document, origin, leave_out)
        if about:
            *before, last = leaflets.about_box(story, meta)  # one box, or two when long
            return keep_headings_with_blocks(flowables + before, story.page_room, last=last)
        return keep_headings_with_blocks(flowables, story.page_room)

    def blocks(
        self, document: schema.Document, origin: str = "", leave_out: Collection[str] = ()
    ) -> list[Flowable]:
        """The flowables of the document's blocks, each from its registered builder."""
        story = self.context
        flowables: list[Flowable] = []
        for index, block in enumerate(document.blocks):
            kind = schema.block_kind(block)
            if kind in leave_out:
                continue
            if kind not in BLOCK_BUILDERS:
                raise LookupError(f"no block builder is registered for {kind!r} blocks")
            where = format_loc(("blocks", index, kind))
            where = f"{origin}: {where}" if origin else where
            flowables += BLOCK_BUILDERS[kind](story, schema.block_value(block), where)
        return flowables

    def prepared_for(self, personal: PersonalValues) -> Flowable:
        """The 'Prepared for' note under a leaflet's title."""
        return leaflets.prepared_for(self.context, personal)

    def contact_details(self, contact: schema.Contact, width: float) -> list[Flowable]:
        """The clinic's contact details (and QR code) as the `contact` block shows them,
        `width` wide and without the block's box."""
        return leaflets.contact_details(self.context, contact, width)

    def about_facts(self, meta: schema.Meta, **shorter: bool) -> list[Flowable]:
        """The facts of the About box that ends a story, without the box; `shorter` are
        `leaflets.about_facts`'s settings for less room (`tight`, `sources_on_request`,
        `short_overdue`)."""
        return leaflets.about_facts(self.context, meta, **shorter)

    def notes_page(self) -> list[Flowable]:
        """A page headed Notes with ruled lines, to pad a booklet."""
        return leaflets.notes_page(self.context)
