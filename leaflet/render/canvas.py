"""The canvas a build draws on: one per PDF, configured for that PDF alone.

A `BuildCanvas` writes binary (Flate) streams rather than ASCII85 text: a quarter
smaller, and personalised copies (`leaflet.render.stamp`) copy a base's streams as they
are instead of decoding them again. ReportLab takes that choice from a process-wide
setting (`rl_config.useA85`), which other code in the process may rely on; so the
canvas leaves the setting alone and makes its own document's streams binary when it
saves. It also dates the PDF, records provenance in the PDF's Info dictionary, tells
the drawing session how many pages there were, and can add "Page X of Y" once the
total is known. For a tagged PDF it carries the session's structure record
(`leaflet.story.tags`), tells it about each link and form field it adds, and writes the
structure tree when it saves (`leaflet.render.tagged`). Its document is written
compactly, its small objects in one object stream (`leaflet.render.compact`).
"""

from __future__ import annotations

import copy
import functools
import time
import weakref
from collections.abc import Callable
from typing import Any

from reportlab.lib.boxstuff import aspectRatioFix
from reportlab.lib.rl_accel import asciiBase85Decode
from reportlab.lib.utils import ImageReader, _digester  # type: ignore[attr-defined]
from reportlab.pdfbase.pdfdoc import (  # type: ignore[attr-defined]  # TimeStamp: not in stubs
    PDFDocument,
    PDFFormXObject,
    PDFImageXObject,
    PDFObjectReference,
    PDFStream,
    PDFZCompress,
    TimeStamp,
)
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from leaflet.render import glyphs
from leaflet.render.compact import CompactDocument
from leaflet.render.positioned import PositionedTextObject
from leaflet.render.provenance import ProvenanceInfo
from leaflet.render.tagged import write_structure
from leaflet.story import tags
from leaflet.story.session import DrawingSession

#: Draws the page number of page `number` of `total` onto the canvas.
PageNumberer = Callable[[Canvas, int, int], None]


class _EncodedImage:
    """An image as ReportLab's `drawImage` encodes it for a PDF (its image XObject and
    soft mask), made once and copied into every PDF that draws it."""

    def __init__(self, image: ImageReader, mask: Any) -> None:
        # The name `drawImage` gives it: a digest of its pixels and mask.
        pixels = image.getRGBData()
        alpha = image._dataA  # type: ignore[attr-defined]  # set by getRGBData
        mask_data = alpha.getRGBData() if mask == "auto" and alpha else str(mask).encode()
        self.name = _digester(pixels + mask_data)
        self.xobject: Any = PDFImageXObject(self.name, image, mask=mask)
        self.smask: Any = self.xobject.__dict__.pop("_smask", None)
        for xobject in (self.xobject, self.smask):
            if xobject is not None:
                _binary_image(xobject)

    def register(self, document: Any) -> str:
        """Put copies of the image (and its mask) into `document`, as `drawImage` does
        when it first meets an image, unless it is there already; its resource name."""
        registered: str = document.getXObjectName(self.name)
        if registered in document.idToObject:
            return registered
        xobject = copy.copy(self.xobject)
        document.Reference(xobject, registered)
        document.addForm(self.name, xobject)
        if self.smask is not None:
            mask_name = document.getXObjectName(self.smask.name)
            if mask_name in document.idToObject:
                xobject.smask = PDFObjectReference(mask_name)
            else:
                xobject.smask = document.Reference(copy.copy(self.smask), mask_name)
        return registered


#: Images encoded for PDFs, by image (a brand keeps its logo's) and mask.
_encoded_images: weakref.WeakKeyDictionary[ImageReader, dict[str, _EncodedImage]] = (
    weakref.WeakKeyDictionary()
)


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
        self._doc.__class__ = CompactDocument  # ReportLab made it; it is written compactly
        if created is not None:
            self._doc._timeStamp = _timestamp(created)  # type: ignore[attr-defined]
        self._session = session
        self.structure = session.structure
        self._annotations: dict[tags.AnnotationRef, Any] = {}  # of a tagged PDF
        self._page_numbers = page_numbers
        if provenance is not None:
            self._doc.info = ProvenanceInfo(provenance)
        if on_start is not None:
            on_start(self)

    def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> PDFTextObject:
        """A text object that writes shaped glyphs from kept plans (`positioned`)."""
        return PositionedTextObject(self, x, y, direction=direction)

    def save(self) -> None:
        """Add the page numbers and the structure tree, make the streams binary and
        write the PDF.

        Pages are emitted as they are finished (so links and bookmarks point at the right
        page); each page's number is added to the end of its content stream here: one
        layout pass, and no extra objects in the file. A tagged PDF's structure is
        written with it, in the same pass (`leaflet.render.tagged`).
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
        if (base := self._session.base) is not None:  # before ReportLab writes the subsets
            base.font_codes = glyphs.reserve(self, base.fonts, base.glyphs)
        if self.structure is not None:
            write_structure(self._doc, self.structure, self._annotations)
        use_binary_streams(self._doc)
        super().save()

    def drawImage(
        self,
        image: Any,
        x: float,
        y: float,
        width: float | None = None,
        height: float | None = None,
        mask: Any = None,
        preserveAspectRatio: bool = False,
        anchor: str = "c",
        anchorAtXY: bool = False,
        showBoundary: bool = False,
        extraReturn: Any = None,
    ) -> tuple[Any, Any]:
        """ReportLab's `drawImage`, but an `ImageReader` (a brand's logo) is encoded
        once in a process rather than once in every PDF (zlib of its pixels and mask, and
        a digest of them to name it: about 4 ms a build), and drawn the same way."""
        if not isinstance(image, ImageReader) or showBoundary or extraReturn is not None:
            return super().drawImage(
                image,
                x,
                y,
                width,
                height,
                mask,
                preserveAspectRatio,
                anchor,
                anchorAtXY,
                showBoundary,
                extraReturn,
            )
        by_mask = _encoded_images.setdefault(image, {})
        encoded = by_mask.get(repr(mask))
        if encoded is None:
            encoded = by_mask[repr(mask)] = _EncodedImage(image, mask)
        name = encoded.register(self._doc)
        size = encoded.xobject.width, encoded.xobject.height
        x, y, width, height, _ = aspectRatioFix(
            preserveAspectRatio, anchor, x, y, width, height, *size, anchorAtXY
        )
        self._currentPageHasImages = 1
        self.saveState()
        self.translate(x, y)
        self.scale(width, height)
        self._code.append(f"/{name} Do")
        self.restoreState()
        self._formsinuse.append(encoded.name)  # type: ignore[attr-defined]
        return size

    # ReportLab's one way in for every annotation: links and form widgets alike.
    def _addAnnotation(self, annotation: Any, name: str | None = None, addtopage: int = 1) -> None:
        index = len(self._annotationrefs)  # type: ignore[attr-defined]
        super()._addAnnotation(annotation, name, addtopage)  # type: ignore[misc]
        if addtopage and (ref := tags.note_annotation(self, index)) is not None:
            self._annotations[ref] = annotation


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
