"""The drawing pieces leaflets are made of, beyond ReportLab's own paragraphs.

`text` (paragraphs, headings, one-line personal values), `boxes` (boxes, columns, groups
kept together), `groups` (what a page breaks between and keeps together), `forms` (tick
rows), `fields` (write-in lines, labelled fields), `records` (record
tables: a row of write-in cells per session) and `graphics` (QR code, logo). Tick boxes
and write-in lines are vector shapes, so they never depend on a font having a box glyph.
"""
