"""What every block builder works with: brand, layout, styles and the frame it fills.

A `StoryContext` is made by the `StoryBuilder` for one build and handed to each block
builder, with the small pieces most blocks use: paragraphs, headings, lead-ins kept with
what follows them, bullet lists, and blocks that must not split. Each piece declares its
structure element for a screen reader (`leaflet.story.tags`): a paragraph is a `P`, a
heading an `H2` or `H3`, a bullet list an `L` of items with a label and a body.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Spacer

from leaflet.sources.brand import Brand
from leaflet.sources.layout import Layout
from leaflet.sources.strings import Strings
from leaflet.sources.styles import StyleSet
from leaflet.story.flowables.groups import Items, Unsplittable
from leaflet.story.flowables.text import Heading, KeptWithNext, Para
from leaflet.story.session import DrawingSession, ValueFit
from leaflet.story.spacing import AFTER_LIST
from leaflet.story.tags import Tag

BULLET = "\u2022"
#: Personal values print at no less than this share of the body size (large print: all of it).
VALUE_SHARE = 0.9


@dataclass(frozen=True)
class StoryContext:
    """One build's brand, layout, styles and strings (the words around the content, in the
    document's language), and the frame its story flows into."""

    brand: Brand
    layout: Layout
    styles: StyleSet
    strings: Strings
    session: DrawingSession
    #: The width of the frames the story flows into (a page's, or a tri-fold panel's).
    width: float
    #: The height of one frame: the most an unsplittable block may take.
    page_room: float
    #: The wording is past its review date (built with allow_expired): the About box says so.
    overdue: bool = False

    def colour(self, name: str) -> Color:
        """A brand colour by name (`primary`, `tint`, `white`...)."""
        return self.brand.colour(name)

    @property
    def value_fit(self) -> ValueFit:
        """How personal values are set here: never below the body size in large print,
        nor below VALUE_SHARE of it elsewhere, nor below the smallest size the layout
        allows for patient-facing text; on two lines when one is not enough."""
        layout = self.layout.spec
        body = self.styles["body"].fontSize
        share = 1.0 if layout.large_print else VALUE_SHARE
        return ValueFit(max(round(body * share, 1), layout.min_body_size), self.layout.name)

    def continued(self, title: str) -> str:
        """A title (markup) as a page repeats it: "How to contact us (continued)"."""
        return f"{title} {self.strings.markup(self.strings.words.continued)}"

    def para(self, markup: str, style: str = "body", tag: Tag | None = None) -> Para:
        """A paragraph of markup in one of the layout's styles: a `P`, unless `tag` says
        what else it is."""
        paragraph = Para(markup, self.styles[style])
        paragraph.tag = tag or Tag("P")
        return paragraph

    def font_for(self, text: str, style: ParagraphStyle) -> str:
        """The face of `style`'s font chain that prints `text` (a bullet, a tick)."""
        bold = style.fontName != self.styles["body"].fontName
        return str(style.fonts.runs(text, bold)[0][0])

    def keeping(self, style: str) -> ParagraphStyle:
        """`style`, kept on the page of whatever follows it."""
        return self.styles.derive(style, "keep", keepWithNext=1)

    def heading(self, text: str, style: str = "h2", level: int = 0) -> Heading:
        """A heading listed in the PDF outline at `level` (0: section, 1: subsection)."""
        return Heading(text, self.keeping(style), level, self.session)

    def kept(self, markup: str, style: str = "body") -> KeptWithNext:
        """A lead-in paragraph that stays with what follows it."""
        paragraph = KeptWithNext(markup, self.keeping(style))
        paragraph.tag = Tag("P")
        return paragraph

    def bullet_list(self, items: list[str], parent: Tag | None = None) -> list[Flowable]:
        """A bullet list: one paragraph per item with a hanging bullet, then a little air.

        Plain paragraphs rather than a ListFlowable: lighter. A page may break between
        items, but never leaves one alone (`Items`). One `L` element (in `parent`, if
        given), each item an `LI` with its bullet as the label and its text as the body."""
        base = self.styles["bullet"]
        style = self.styles.derive(
            "bullet",
            "item",
            leftIndent=base.fontSize * 1.3,
            bulletIndent=0,
            bulletFontName=self.font_for(BULLET, base),
            bulletFontSize=base.fontSize,
            bulletColor=self.colour("primary"),
            # Arabic letters stand taller on the line than Latin ones: the bullet (a Latin
            # character) rises to their middle.
            bulletOffsetY=base.fontSize * 0.2 if self.styles.rtl else 0,
        )
        bullets = Tag("L", parent)
        paragraphs: list[Flowable] = []
        for text in items:
            item, paragraph = Tag("LI", bullets), Para(text, style, bulletText=BULLET)
            paragraph.label, paragraph.tag = Tag("Lbl", item), Tag("LBody", item)
            paragraphs.append(paragraph)
        return [Items(paragraphs, self.page_room), Spacer(0, AFTER_LIST)]

    def intro(self, title: str | None, intro: str | None) -> list[Flowable]:
        """A block's optional title (a subheading) and lead-in paragraph."""
        out: list[Flowable] = []
        if title:
            out.append(self.heading(title, "h3", level=1))
        if intro:
            out.append(self.kept(intro))
        return out

    def unsplittable(self, flowables: list[Flowable], where: str) -> Unsplittable:
        """`flowables` kept on one page; `where` names them if they cannot fit one."""
        return Unsplittable(flowables, where, self.page_room)
