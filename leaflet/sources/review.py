"""Whether a document's wording is past its review date.

Clinical wording is reviewed by a date its metadata gives (`meta.review`); a build after
that date is refused unless the caller allows it, and then the PDF says so. Checked by
every build, and once per document by a batch's planning (which loads no rendering code).
"""

from __future__ import annotations

import datetime as dt

from leaflet.errors import Argument, LeafletError, display_path
from leaflet.sources.content import ContentDocument
from leaflet.sources.dates import format_date

#: How a caller builds wording past its review date anyway.
ALLOW_EXPIRED = Argument("allow_expired=True", "--allow-expired")


def check_review_date(document: ContentDocument, allow_expired: bool, today: dt.date) -> bool:
    """Whether the wording is past its review date; an error unless that is allowed."""
    review = document.meta.review
    if review < today and not allow_expired:
        raise LeafletError(
            f"{display_path(document.path)}: the wording was due for review on "
            f"{format_date(review, document.meta.language)}; review it and update "
            "meta.review, or build anyway with ",
            ALLOW_EXPIRED,
            " (the PDF then says the wording is past its review date)",
        )
    return review < today
