"""The footer: reference, version, wording and review date, under a thin rule.

One planner and one drawer serve every format. A page's footer pairs the reference line
with "Page X of Y" at the right and, on a form, the clinic with a box for the patient's
initials; a tri-fold's cover has a foot of the same lines without the right column.
When the wording is past its review date, the review date says "(overdue)" everywhere;
a translation no clinician has reviewed says so after it. Every word comes from the
document's strings, in its language.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from leaflet.render.provenance import SHORT
from leaflet.sources import schema
from leaflet.sources.brand import Brand
from leaflet.sources.fontchain import FontChain
from leaflet.sources.strings import Strings
from leaflet.story.lines import ShapedText

SEPARATOR = "  \u00b7  "
#: Stands for "Page X of Y" in a plan: the numbers are drawn once the total is known.
PAGE_NUMBER = "<page number>"
#: The line the patient writes their initials on, after its label.
INITIALS_LINE = " ____________"
#: Footer lines are this many times the footer's text size apart.
LINE_FACTOR = 1.35
#: The lowest baseline sits this far above the footer's bottom.
BASELINE_LIFT = 1 * mm
#: The rule keeps this far from the text below it.
RULE_GAP = 1.5 * mm
#: Content ends at least this far above the footer's rule.
FRAME_GAP = 1 * mm
#: Room kept between the left text and the right column of a line.
COLUMN_GAP = 6 * mm
#: The widest page number a footer makes room for.
WIDEST_PAGE = 888


@dataclass(frozen=True)
class Footer:
    """A planned footer: its lines top to bottom, each (left text, right text), in one
    brand's fonts at `size` points. `right_column` is False for a foot without one."""

    lines: tuple[tuple[str, str], ...]
    brand: Brand
    size: float
    strings: Strings
    right_column: bool = True
    #: The fonts its text prints in, and whether it reads right to left: then the
    #: "left" text starts at the right edge and the "right" column is at the left.
    fonts: FontChain | None = None
    rtl: bool = False

    def shaped(self, text: str, *, bold: bool = False) -> ShapedText:
        """`text` as the footer prints it."""
        fonts = self.fonts or self.brand.fonts
        language = self.strings.tag
        return ShapedText.of(text, fonts, self.size, bold=bold, rtl=self.rtl, language=language)

    def page_number(self, page: int, total: int) -> str:
        """ "Page 2 of 4", in the strings' language."""
        number = self.strings.number
        return self.strings.text(
            self.strings.words.footer.page, page=number(page), total=number(total)
        )

    @property
    def lines_height(self) -> float:
        """The height of the footer's lines."""
        return len(self.lines) * self.size * LINE_FACTOR

    @property
    def height(self) -> float:
        """How far above the footer's bottom its rule sits (over the top line's text): the
        text frame must end at least `FRAME_GAP` above it."""
        return self.baseline(0, 0) + self.size + RULE_GAP

    def baseline(self, index: int, bottom: float) -> float:
        """Baseline of line `index` (counted from the top) above `bottom`."""
        below = len(self.lines) - 1 - index
        return bottom + BASELINE_LIFT + below * self.size * LINE_FACTOR

    def draw(
        self, canvas: Canvas, x: float, width: float, bottom: float, *, rule_over_text: bool = True
    ) -> None:
        """Draw the rule and the lines between `x` and `x + width`, above `bottom`.

        The rule sits `RULE_GAP` above the top line's text (`rule_over_text`), or that far
        above the whole block of lines, which a tri-fold's cover reserves as its foot.
        Page numbers are left out: see `draw_page_number`."""
        rule_y = bottom + (self.height if rule_over_text else self.lines_height + RULE_GAP)
        muted = self.brand.colour("muted")
        canvas.setStrokeColor(muted)
        canvas.setLineWidth(0.5)
        canvas.line(x, rule_y, x + width, rule_y)
        canvas.setFillColor(muted)
        start, end = (x + width, x) if self.rtl else (x, x + width)
        start_anchor, end_anchor = ("right", "left") if self.rtl else ("left", "right")
        for index, (left, right) in enumerate(self.lines):
            y = self.baseline(index, bottom)
            self.shaped(left).draw(canvas, start, y, anchor=start_anchor)
            if self.right_column and right != PAGE_NUMBER:
                self.shaped(right).draw(canvas, end, y, anchor=end_anchor)

    def draw_page_number(
        self, canvas: Canvas, x: float, width: float, bottom: float, page: int, total: int
    ) -> None:
        """ "Page X of Y", in bold, on the line the plan keeps for it, at the end of the
        line (the right; the left, right to left) of the text between `x` and `x+width`."""
        line = next(i for i, (_, text) in enumerate(self.lines) if text == PAGE_NUMBER)
        canvas.setFillColor(self.brand.colour("muted"))
        text = self.shaped(self.page_number(page, total), bold=True)
        y = self.baseline(line, bottom)
        if self.rtl:
            text.draw(canvas, x, y)
        else:
            text.draw(canvas, x + width, y, anchor="right")


def plan_footer(
    meta: schema.Meta,
    brand: Brand,
    size: float,
    width: float,
    strings: Strings,
    *,
    overdue: bool = False,
    fingerprint: str = "",
    page_numbers: bool = True,
    fonts: FontChain | None = None,
    rtl: bool = False,
) -> Footer:
    """The footer of a document whose text runs `width` wide, in `fonts`, mirrored when
    it reads right to left (`rtl`).

    The reference shares a line with the page number, and on forms the clinic shares one
    with the box for initials, when they fit side by side; otherwise they take a line
    each (as in large print, where the clinic then shows only in the header band). A
    footer always has at least two lines, so footers line up across a pack of documents.
    Without `page_numbers` (a tri-fold's narrow cover) there is no right column, and the
    review date takes a line of its own."""
    words, text = strings.words.footer, strings.text
    reference = [meta.reference, text(words.version, version=meta.version)]
    if meta.kind == "form":  # which exact wording was signed
        reference.append(text(words.wording, fingerprint=fingerprint[:SHORT]))
    review = text(words.review_date, date=strings.date(meta.review))
    review += f" {words.overdue}" if overdue else ""
    unreviewed = [words.translation_not_reviewed] if meta.translates and not meta.reviewer else []
    initials = words.patient_initials + INITIALS_LINE
    if page_numbers:
        rows = [([*reference, review, *unreviewed], PAGE_NUMBER)]
        if meta.kind == "form":
            rows.append(([brand.clinic.name, brand.clinic.phone], initials))
    else:  # a narrow foot: the reference on one line, the review date on the next
        rows = [(reference, ""), ([review, *unreviewed], "")]
    sample = Footer((), brand, size, strings, fonts=fonts, rtl=rtl)
    fits = _Fitting(sample, width, sample.page_number(WIDEST_PAGE, WIDEST_PAGE))
    lines: list[tuple[str, str]] = []
    for left_parts, right in rows:
        left = SEPARATOR.join(left_parts)
        if fits(left, right):
            lines.append((left, right))
        elif right == initials:
            lines.append(("", right))
        else:
            lines += [(text, "") for text in fits.wrap(left_parts)]
            lines += [("", right)] if right else []
    lines += [("", "")] * (2 - len(lines))
    return replace(sample, lines=tuple(lines), right_column=page_numbers)


@dataclass(frozen=True)
class _Fitting:
    """Whether footer texts fit side by side, measured in bold, the widest face."""

    footer: Footer
    width: float
    widest_page_number: str

    def __call__(self, left: str, right: str) -> bool:
        widest = self.widest_page_number if right == PAGE_NUMBER else right
        used = sum(self.footer.shaped(text, bold=True).width for text in (left, widest))
        return used + COLUMN_GAP <= self.width

    def wrap(self, parts: list[str]) -> list[str]:
        """The parts joined into as few lines as fit."""
        lines = [parts[0]]
        for part in parts[1:]:
            joined = lines[-1] + SEPARATOR + part
            if self(joined, ""):
                lines[-1] = joined
            else:
                lines.append(part)
        return lines
