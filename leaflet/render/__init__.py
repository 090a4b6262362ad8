"""Stage 3, rendering: a story laid out on pages, sheets or panels and written as PDF.

`document.render_pdf` checks a build and hands it to a format: single pages (`pages`,
with the header band and footer of `furniture`), a booklet imposed for saddle stitching
(`booklet`, `impose`) or a tri-fold sheet (`trifold`). Around them: print-shop boxes
and marks (`press`), fillable form fields (`fillable`), personalised copies stamped onto
a base (`stamp`), provenance in the PDF's metadata (`provenance`) and atomic output
(`output`).
"""
