"""Stage 3, rendering: a story laid out on pages, sheets or panels and written as PDF.

`document.render_pdf` checks a build (`prepare`) and hands it to a format: single
pages (`pages`, with the header band of `furniture` and the `footer`), a booklet imposed
for saddle stitching (`booklet`, `impose`) or a tri-fold sheet (`trifold`,
`trifold_panels`, `trifold_outside`). Every format draws on a `canvas.BuildCanvas`,
which writes the structure tree of a tagged PDF as it saves (`tagged`) and lays the file
out compactly (`compact`). Around them: print-shop boxes and marks (`press`), fillable
form fields (`fillable`), personalised copies stamped onto a base (`stamp`: in the
base's fonts, `glyphs`, rewriting its slot forms in place, `revision`), provenance in
the PDF's metadata (`provenance`) and atomic output (`output`).
"""
