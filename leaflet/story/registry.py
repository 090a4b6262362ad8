"""The block builders: one registered function per block type of the schema.

A block builder takes the story context, the block's value (as the schema declares it)
and `where` (the block's place in its file, for layout errors), and returns the block's
flowables. Adding a block type is adding its model to `leaflet.sources.schema` and one
function in `leaflet.story.blocks`, decorated with `@block_builder("name")`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from reportlab.platypus import Flowable

from leaflet.sources.schema.behaviour import BLOCK_KINDS
from leaflet.story.context import StoryContext

BlockBuilder = Callable[[StoryContext, Any, str], list[Flowable]]
Builder = TypeVar("Builder", bound=BlockBuilder)

BLOCK_BUILDERS: dict[str, BlockBuilder] = {}


def block_builder(kind: str) -> Callable[[Builder], Builder]:
    """Register the decorated function as the builder of blocks of type `kind`."""
    if kind not in BLOCK_KINDS:
        raise ValueError(f"{kind!r} is not a block type of the schema")

    def register(function: Builder) -> Builder:
        if kind in BLOCK_BUILDERS:
            raise ValueError(f"block type {kind!r} already has a builder")
        BLOCK_BUILDERS[kind] = function
        return function

    return register
