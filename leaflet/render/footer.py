"""The footer: reference, version, wording and review date, under a thin rule.

One planner and one drawer serve every format. A page's footer pairs the reference line
with "Page X of Y" at the right and, on a form, the clinic with a box for the patient's
initials; a tri-fold's cover has a foot of the same lines without the right column.
A footer says how much room it takes (`Footer.room`), and pages size their text frame
from that, so body text never runs into a footer that wrapped onto more lines.
When the wording is past its review date, the review date says "(overdue)" everywhere;
a translation no clinician has reviewed says so after it. Every word comes from the
document's strings, in its language. Right to left, the footer is the mirror image: the
reference starts at the right, the page number and the box for initials are at the left.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
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
#: Stands for the label and box where the patient initials each page of a form.
INITIALS = "<initials>"
#: The box for the patient's initials: this many times the label's size wide.
INITIALS_BOX_FACTOR = 4.5
INITIALS_BOX_GAP = 2 * mm
#: Footer lines are this many times the footer's text size apart; the line with the box
#: for initials, the label's size times INITIALS_LINE_FACTOR.
LINE_FACTOR = 1.35
INITIALS_LINE_FACTOR = 1.6
#: The lowest baseline sits this far above the footer's bottom.
BASELINE_LIFT = 1 * mm
#: The rule keeps this far from the text below it.
RULE_GAP = 1.5 * mm
#: Body text keeps at least this far above the rule: what a page's text frame leaves.
CLEARANCE = 4 * mm
#: Room kept between the left text and the right column of a line.
COLUMN_GAP = 6 * mm
#: The widest page number a footer makes room for.
WIDEST_PAGE = 888


@dataclass(frozen=True)
class Footer:
    """A planned footer: its lines top to bottom, each (left text, right text), in one
    brand's fonts at `size` points, and the label for initials at `label_size` (patients
    write there, so it is as large as other text they read). `right_column` is False for
    a foot without one."""

    lines: tuple[tuple[str, str], ...]
    brand: Brand
    size: float
    strings: Strings
    right_column: bool = True
    label_size: float = 12
    #: The fonts its text prints in, and whether it reads right to left (mirrored).
    fonts: FontChain | None = None
    rtl: bool = False

    def shaped(self, text: str, *, bold: bool = False, size: float | None = None) -> ShapedText:
        """`text` as the footer prints it: in its fonts, in its direction."""
        fonts, language = self.fonts or self.brand.fonts, self.strings.tag
        size = size or self.size
        return ShapedText.of(text, fonts, size, bold=bold, rtl=self.rtl, language=language)

    def text_width(self, text: str, size: float) -> float:
        """How wide `text` prints in bold, the widest face."""
        if self.rtl:
            return self.shaped(text, bold=True, size=size).width
        return stringWidth(text, self.brand.fonts.bold, size)

    def _line_height(self, line: tuple[str, str]) -> float:
        if line[1] == INITIALS:
            return max(self.size * LINE_FACTOR, self.label_size * INITIALS_LINE_FACTOR)
        return self.size * LINE_FACTOR

    def _cap(self, line: tuple[str, str]) -> float:
        """How far the line's text (or box) reaches above its baseline."""
        return self.label_size if line[1] == INITIALS else self.size

    def page_number(self, page: int, total: int) -> str:
        """ "Page 2 of 4", in the strings' language."""
        number = self.strings.number
        return self.strings.text(
            self.strings.words.footer.page, page=number(page), total=number(total)
        )

    @property
    def lines_height(self) -> float:
        """The height of the footer's lines."""
        return sum(self._line_height(line) for line in self.lines)

    @property
    def rule_height(self) -> float:
        """How far above the footer's bottom its rule is drawn (over the top line's text)."""
        return self.baseline(0, 0) + self._cap(self.lines[0]) + RULE_GAP

    @property
    def room(self) -> float:
        """The height a page keeps for the footer: the rule and the clearance above it."""
        return self.rule_height + CLEARANCE

    def baseline(self, index: int, bottom: float) -> float:
        """Baseline of line `index` (counted from the top) above `bottom`."""
        below = sum(self._line_height(line) for line in self.lines[index + 1 :])
        return bottom + BASELINE_LIFT + below

    def draw(
        self, canvas: Canvas, x: float, width: float, bottom: float, *, rule_over_text: bool = True
    ) -> None:
        """Draw the rule and the lines between `x` and `x + width`, above `bottom`.

        The rule sits `RULE_GAP` above the top line's text (`rule_over_text`), or that far
        above the whole block of lines, which a tri-fold's cover reserves as its foot.
        Page numbers are left out: see `draw_page_number`."""
        rule_y = bottom + (self.rule_height if rule_over_text else self.lines_height + RULE_GAP)
        muted = self.brand.colour("muted")
        canvas.setStrokeColor(muted)
        canvas.setLineWidth(0.5)
        canvas.line(x, rule_y, x + width, rule_y)
        canvas.setFillColor(muted)
        if self.rtl:
            self._draw_mirrored(canvas, x, width, bottom)
            return
        canvas.setFont(self.brand.fonts.regular, self.size)
        for index, (left, right) in enumerate(self.lines):
            y = self.baseline(index, bottom)
            canvas.drawString(x, y, left)
            if right == INITIALS:
                self._draw_initials(canvas, x, width, y)
                canvas.setFont(self.brand.fonts.regular, self.size)
            elif self.right_column and right != PAGE_NUMBER:
                canvas.drawRightString(x + width, y, right)

    def _draw_initials(self, canvas: Canvas, x: float, width: float, y: float) -> None:
        """The label and an empty box for the patient's initials at the end of the line
        between `x` and `x + width` (its right; right to left, its left, mirrored), on
        baseline `y`."""
        size = self.label_size
        box = size * INITIALS_BOX_FACTOR
        box_x = x if self.rtl else x + width - box
        label = self.strings.words.footer.patient_initials
        canvas.saveState()
        canvas.setFillColor(self.brand.colour("text"))
        if self.rtl:  # the label after the box, reading leftwards to it
            self.shaped(label, bold=True, size=size).draw(canvas, box_x + box + INITIALS_BOX_GAP, y)
        else:
            canvas.setFont(self.brand.fonts.bold, size)
            canvas.drawRightString(box_x - INITIALS_BOX_GAP, y, label)
        canvas.setStrokeColor(self.brand.colour("text"))
        canvas.setLineWidth(0.8)
        canvas.rect(box_x, y - size * 0.3, box, size * 1.25, stroke=1, fill=0)
        canvas.restoreState()

    def _draw_mirrored(self, canvas: Canvas, x: float, width: float, bottom: float) -> None:
        """The lines right to left: each starting at the right, its right column (the
        box for initials) at the left."""
        for index, (left, right) in enumerate(self.lines):
            y = self.baseline(index, bottom)
            self.shaped(left).draw(canvas, x + width, y, anchor="right")
            if right == INITIALS:
                self._draw_initials(canvas, x, width, y)
            elif self.right_column and right != PAGE_NUMBER:
                self.shaped(right).draw(canvas, x, y)

    def draw_page_number(
        self, canvas: Canvas, x: float, width: float, bottom: float, page: int, total: int
    ) -> None:
        """ "Page X of Y", in bold, on the line the plan keeps for it, at the end of the
        line (the right; the left, right to left) of the text between `x` and `x+width`."""
        line = next(i for i, (_, text) in enumerate(self.lines) if text == PAGE_NUMBER)
        canvas.setFillColor(self.brand.colour("muted"))
        y = self.baseline(line, bottom)
        if self.rtl:
            self.shaped(self.page_number(page, total), bold=True).draw(canvas, x, y)
            return
        canvas.setFont(self.brand.fonts.bold, self.size)
        canvas.drawRightString(x + width, y, self.page_number(page, total))


def plan_footer(
    meta: schema.Meta,
    brand: Brand,
    size: float,
    width: float,
    strings: Strings,
    *,
    label_size: float = 12,
    overdue: bool = False,
    fingerprint: str = "",
    page_numbers: bool = True,
    fonts: FontChain | None = None,
    rtl: bool = False,
) -> Footer:
    """The footer of a document whose text runs `width` wide, in `fonts`, mirrored when
    it reads right to left (`rtl`).

    The reference is at the left, wrapped so that the page number fits beside its first
    line; on forms, the clinic and its phone follow, with the label and box for the
    patient's initials beside them. Where the clinic does not fit beside the box (large
    print), it shows only in the header band, and the box goes beside the last reference
    line or on a line of its own. A footer has at least two lines, so footers line up
    across a pack of documents. Without `page_numbers` (a tri-fold's narrow cover) there
    is no right column, and the review date takes a line of its own.
    """
    words, text = strings.words.footer, strings.text
    reference = [meta.reference, text(words.version, version=meta.version)]
    if meta.kind == "form":  # which exact wording was signed
        reference.append(text(words.wording, fingerprint=fingerprint[:SHORT]))
    review = text(words.review_date, date=strings.date(meta.review))
    review += f" {words.overdue}" if overdue else ""
    unreviewed = [words.translation_not_reviewed] if meta.translates and not meta.reviewer else []
    sample = Footer((), brand, size, strings, label_size=label_size, fonts=fonts, rtl=rtl)
    widest = sample.page_number(WIDEST_PAGE, WIDEST_PAGE)
    fits = _Fitting(sample, width, widest, words.patient_initials)
    if not page_numbers:  # a narrow foot: the reference on one line, the review date next
        foot = tuple(
            (line, "") for line in [*fits.wrap(reference), *fits.wrap([review, *unreviewed])]
        )
        return replace(sample, lines=foot, right_column=False)
    wrapped = fits.wrap([*reference, review, *unreviewed], beside=PAGE_NUMBER)
    lines = [[line, ""] for line in wrapped]
    lines[0][1] = PAGE_NUMBER
    if meta.kind == "form":
        _add_initials(lines, SEPARATOR.join([brand.clinic.name, brand.clinic.phone]), fits)
    lines += [["", ""]] * (2 - len(lines))
    planned = tuple((left, right) for left, right in lines)
    return replace(sample, lines=planned)


def _add_initials(lines: list[list[str]], clinic: str, fits: _Fitting) -> None:
    """A form's box for initials: beside the clinic, else beside the last line."""
    if fits(clinic, INITIALS):
        lines.append([clinic, INITIALS])
    elif len(lines) > 1 and fits(lines[-1][0], INITIALS):
        lines[-1][1] = INITIALS  # the clinic shows only in the header band
    else:
        lines.append(["", INITIALS])


@dataclass(frozen=True)
class _Fitting:
    """Whether footer texts fit side by side, measured in bold, the widest face."""

    footer: Footer
    width: float
    widest_page_number: str
    initials_label: str

    def right_width(self, right: str) -> float:
        footer = self.footer
        if right == INITIALS:
            label = footer.text_width(self.initials_label, footer.label_size)
            return label + INITIALS_BOX_GAP + footer.label_size * INITIALS_BOX_FACTOR
        widest = self.widest_page_number if right == PAGE_NUMBER else right
        return footer.text_width(widest, footer.size)

    def __call__(self, left: str, right: str) -> bool:
        used = self.footer.text_width(left, self.footer.size) + self.right_width(right)
        return used + COLUMN_GAP <= self.width

    def wrap(self, parts: list[str], beside: str = "") -> list[str]:
        """The parts joined into as few lines as fit, the first with `beside` at its right."""
        lines = [parts[0]]
        for part in parts[1:]:
            joined = lines[-1] + SEPARATOR + part
            if self(joined, beside if len(lines) == 1 else ""):
                lines[-1] = joined
            else:
                lines.append(part)
        return lines
