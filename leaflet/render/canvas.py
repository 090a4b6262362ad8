"""The canvas a build draws on: one per PDF, configured for that PDF alone.

A `BuildCanvas` writes binary (Flate) streams rather than ASCII85 text: a quarter
smaller, and personalised copies (`leaflet.render.stamp`) copy a base's streams as they
are instead of decoding them again. ReportLab takes that choice from a process-wide
setting (`rl_config.useA85`), which other code in the process may rely on; so the
canvas leaves the setting alone and makes its own document's streams binary when it
saves. It also dates the PDF, records provenance in the PDF's Info dictionary, tells
the drawing session how many pages there were, and can add "Page X of Y" once the
total is known. For a tagged PDF it carries the session's structure record
(`leaflet.story.tags`) and tells it about each link and form field it adds.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from reportlab.lib.rl_accel import asciiBase85Decode
from reportlab.pdfbase.pdfdoc import (  # type: ignore[attr-defined]  # TimeStamp: not in stubs
    PDFDocument,
    PDFFormXObject,
    PDFImageXObject,
    PDFStream,
    PDFZCompress,
    TimeStamp,
)
from reportlab.pdfgen.canvas import Canvas

from leaflet.render.provenance import ProvenanceInfo
from leaflet.story import tags
from leaflet.story.session import DrawingSession

#: Draws the page number of page `number` of `total` onto the canvas.
PageNumberer = Callable[[Canvas, int, int], None]


class BuildCanvas(Canvas):
    """A ReportLab canvas for one build (see the module docstring)."""

    # ReportLab's own attributes, which its stubs leave out: the PDF document being
    # written, and the operators of the page being drawn.
    _doc: PDFDocument
    _code: list[str]

    def __init__(
        self,
        *args: Any,
        session: DrawingSession,
        provenance: dict[str, str] | None = None,
        page_numbers: PageNumberer | None = None,
        on_start: Callable[[Canvas], None] | None = None,
        created: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if created is not None:
            self._doc._timeStamp = _timestamp(created)  # type: ignore[attr-defined]
        self._session = session
        self.structure = session.structure
        self._page_numbers = page_numbers
        if provenance is not None:
            self._doc.info = ProvenanceInfo(provenance)
        if on_start is not None:
            on_start(self)

    def save(self) -> None:
        """Add the page numbers, make the streams binary and write the PDF.

        Pages are emitted as they are finished (so links and bookmarks point at the right
        page); each page's number is added to the end of its content stream here: one
        layout pass, and no extra objects in the file.
        """
        self._session.add_waiting_outline(self)
        pages = _pages(self._doc)
        self._session.page_count = total = len(pages)
        if self._page_numbers is not None:
            for number, page in enumerate(pages, start=1):
                self._code = []  # collect the operators for this page's number
                with tags.artifact(self):
                    self._page_numbers(self, number, total)
                page.stream += "\n".join(self._code) + "\n"
            self._code = []  # nothing left over to become an extra page
        use_binary_streams(self._doc)
        super().save()

    # ReportLab's one way in for every annotation: links and form widgets alike.
    def _addAnnotation(self, annotation: Any, name: str | None = None, addtopage: int = 1) -> None:
        index = len(self._annotationrefs)  # type: ignore[attr-defined]
        super()._addAnnotation(annotation, name, addtopage)  # type: ignore[misc]
        if addtopage:
            tags.note_annotation(self, index)


def canvas_maker(session: DrawingSession, **options: Any) -> Callable[..., Canvas]:
    """What a doc template's `build(canvasmaker=...)` takes: a `BuildCanvas` for this
    build's `session`, with `options` (provenance, page_numbers, on_start, created)."""
    return functools.partial(BuildCanvas, session=session, **options)


def use_binary_streams(document: PDFDocument) -> None:
    """Give every compressed page, form and image stream of `document` the Flate filter
    alone, as `rl_config.useA85 = 0` would, before the document is written.

    ReportLab picks a page's or form's filters as it writes it, unless it has its
    contents already; an image is encoded as it is drawn, so it is decoded back here."""
    for page in _pages(document):
        if page.compression and not page.Contents and page.stream:
            page.Contents = _flate(page.stream, "page stream")
    objects: dict[str, Any] = document.idToObject
    for item in objects.values():
        if isinstance(item, PDFFormXObject):
            _binary_form(item)
        elif isinstance(item, PDFImageXObject):
            _binary_image(item)


def _timestamp(created: int) -> Any:  # ReportLab's TimeStamp
    """ReportLab's document time stamp (CreationDate, ModDate) at `created`, in UTC.

    ReportLab's invariant mode writes 1 January 2000 into every file; the build's own
    date (`leaflet.sources.dates.document_time`) is as deterministic and says more."""
    stamp = TimeStamp(invariant=1)
    stamp.t = created
    stamp.lt = time.gmtime(created)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    return stamp


def _pages(document: PDFDocument) -> list[Any]:
    # The document's page tree, which ReportLab's stubs leave out.
    pages: list[Any] = document.Pages.pages  # type: ignore[attr-defined]
    return pages


def _binary_form(form: PDFFormXObject) -> None:
    if form.compression and not form.Contents and form.stream:
        form.Contents = _flate(form.stream, "xobject form stream")
        form.compression = 0  # its filter is set: format() must not choose one


def _binary_image(image: Any) -> None:  # its encoding attributes are untyped
    if image._filters[:1] == ("ASCII85Decode",):
        image.streamContent = asciiBase85Decode(image.streamContent)
        image._filters = image._filters[1:]


def _flate(content: Any, comment: str) -> Any:
    stream: Any = PDFStream(content=content, filters=[PDFZCompress])
    stream.__Comment__ = comment  # as ReportLab names its own streams
    return stream
