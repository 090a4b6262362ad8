"""The vertical rhythm of a story, named once: every gap between its parts, in points."""

from __future__ import annotations

from reportlab.lib.units import mm

#: The padding inside a tinted box, each side; the text inside is this much narrower
#: than the box on either side.
BOX_PADDING = 4 * mm
#: After a bullet list: a little air before what follows.
AFTER_LIST = 4.0
#: Above a callout's box; after a timeline; between a clinic's address and its
#: out-of-hours advice.
SMALL = 2 * mm
#: Above the contact box; above each period band of a timeline.
ABOVE_CONTACT = 3 * mm
#: After a callout, a group of write-in fields, the contact box and the prepared-for note.
AFTER_BOX = 4 * mm
#: After a table of tick boxes and after the patient details panel.
AFTER_TABLE = 5 * mm
#: Between the parties of a signature block; above the About box (and, on a tri-fold's
#: back panel, between the contact details and the About facts).
LARGE = 6 * mm
