"""The block builders, one module per family: `text`, `forms` and `leaflets`.

Importing a module registers its builders with `leaflet.story.registry`; the story
builder imports all three.
"""
