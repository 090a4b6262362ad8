"""Stage 1, reading sources: content, brand, layouts and personal details, checked.

Everything a build reads comes in through here: YAML files validated against the
schemas (`schema`), a treatment's wording compiled as templates (`content`,
`templating`), the clinic's brand and fonts (`brand`, `fonts`, `colour`), layouts and
their text styles (`layout`, `styles`), personal details (`personal`, `dates`), a
clinic's workspace and where the built-in files live (`workspace`, `bundled`), what
there is to build (`catalogue`), suggestions for misspelt names (`spelling`), and the
languages content is in: tags and CLDR's facts about them (`languages`), the words
around the content (`strings`), and a translation checked against its source
(`translation`).
Nothing here knows about ReportLab flowables or PDF files.
"""
