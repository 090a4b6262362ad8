"""`leaflet check`: validate all content, the brand and every layout in one run.

Unlike a build, which stops at the first problem, a check reports every problem it can
find (house style: validate everything, report every problem, then stop). Content
problems are errors; cosmetic ones (a review date coming up, wording above its target
reading age, a logo below print resolution) are warnings, which `strict` makes errors.
Each finding says where: file, line and field, as far as they are known.

The checks live in `sources` (brand, logo, layouts, email templates), `content`
(documents), `languages` (translations' versions, strings files, the email's language),
`readability` (reading age by each language's formula) and `pages` (every document laid
out on every layout); `findings` holds what they find, and notes for what could not be
checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from leaflet.check.content import check_content
from leaflet.check.findings import ERROR, NOTE, WARNING, Finding, summary
from leaflet.check.pages import check_pages
from leaflet.check.readability import reading_age
from leaflet.check.sources import check_brand, check_email, check_layouts, check_logo
from leaflet.sources import dates
from leaflet.sources.brand import load_brand
from leaflet.sources.bundled import CONTENT_DIR, EXAMPLE_BRAND, LAYOUTS_DIR

__all__ = ["ERROR", "NOTE", "WARNING", "Finding", "check_all", "reading_age", "summary"]


def check_all(
    content_dir: Path | str | None = None,
    brand_path: Path | str | None = None,
    strict: bool = False,
    today: dt.date | None = None,
    layouts_dir: Path | str | None = None,
    *,
    lay_out: bool = True,
    jobs: int | None = None,
) -> list[Finding]:
    """Every problem in the content folder, the brand and the layouts, sorted by file
    and line; and, unless not `lay_out`, every document laid out on every layout (`jobs`
    worker processes, default one per CPU), reporting overflow, collisions with the
    footer and tri-fold misfits. With `strict`, warnings are reported as errors.
    `today` (default: the real date) is what review dates are measured from."""
    findings: list[Finding] = []
    brand = check_brand(Path(brand_path) if brand_path is not None else EXAMPLE_BRAND, findings)
    layouts = check_layouts(Path(layouts_dir) if layouts_dir else LAYOUTS_DIR, findings)
    if brand is not None:
        check_logo(brand, layouts, findings)
    folder = Path(content_dir) if content_dir is not None else CONTENT_DIR
    check_content(folder, brand, today or dates.today(), findings)
    check_email(folder, brand or load_brand(), findings)
    if lay_out and brand is not None and not layouts_dir:
        brand_file = Path(brand_path) if brand_path is not None else None
        check_pages(folder, brand_file, today or dates.today(), findings, jobs)
    if strict:
        findings = [replace(f, severity=ERROR) if f.severity == WARNING else f for f in findings]
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=Finding.sort_key)
