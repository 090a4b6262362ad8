"""Block builders for running text: headings, paragraphs, bullet lists and callouts."""

from __future__ import annotations

from reportlab.platypus import Flowable

from leaflet.sources import schema
from leaflet.story.context import StoryContext
from leaflet.story.flowables.boxes import SplittableBox
from leaflet.story.flowables.text import Para, RepeatedTitle, tagged
from leaflet.story.registry import block_builder
from leaflet.story.spacing import AFTER_BOX, SMALL
from leaflet.story.tags import Tag


@block_builder("heading")
def heading(story: StoryContext, text: str, where: str) -> list[Flowable]:
    """A section heading, in the outline and never alone at the foot of a page."""
    return [story.heading(text, "h2", level=0)]


@block_builder("subheading")
def subheading(story: StoryContext, text: str, where: str) -> list[Flowable]:
    """A heading inside a section."""
    return [story.heading(text, "h3", level=1)]


@block_builder("paragraph")
def paragraph(story: StoryContext, text: str, where: str) -> list[Flowable]:
    """A paragraph of body text."""
    return [story.para(text)]


@block_builder("bullets")
def bullets(story: StoryContext, items: list[str], where: str) -> list[Flowable]:
    """A bullet list; a page may break between its items."""
    return story.bullet_list(items)


@block_builder("callout")
def callout(story: StoryContext, callout: schema.Callout, where: str) -> list[Flowable]:
    """A tinted box with a bar at the left: a note, when to contact us, or urgent help.
    A long one may break across pages, its title repeated (see `SplittableBox`)."""
    urgent = callout.style == "urgent"
    accent = "urgent" if urgent else "primary"
    title = story.styles.derive(
        "box_title", f"callout-{accent}", textColor=story.colour(accent), keepWithNext=1
    )
    # A callout is a section with its title as a heading: a screen reader can jump to it.
    content: list[Flowable] = [tagged(Para(callout.title, title), Tag.heading(3))]
    if callout.text:
        content.append(story.para(callout.text))
    if callout.bullets:
        content += story.bullet_list(callout.bullets)
    box = SplittableBox(
        content,
        story.page_room,
        continued=RepeatedTitle(story.continued(callout.title), title),
        background=story.colour("urgent_tint" if urgent else "tint"),
        bar=story.colour(accent),
        space_before=SMALL,
        space_after=AFTER_BOX,
        tag=Tag("Sect"),
    )
    return [box]
