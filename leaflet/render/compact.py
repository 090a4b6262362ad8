"""Writing a ReportLab document compactly: its small objects in one compressed stream.

ReportLab writes every object on its own, listed in a cross-reference table. A tagged
PDF has hundreds of small objects (one per structure element, `leaflet.render.tagged`);
written that way they would make a leaflet half as big again. `CompactDocument` writes
the same objects, but every object that is not a stream goes, compressed, into one
object stream (PDF 32000-1 section 7.5.7), and the cross-reference is a stream too
(7.5.8): a PDF 1.5 file, as qpdf or pikepdf would write it. Streams (page contents,
forms, images, fonts) are written as ReportLab encoded them, each on its own, in object
number order, so a stamped copy (`leaflet.render.revision`) can replace a slot form's
object in place and write the cross-reference again (`CrossReference`).
"""

from __future__ import annotations

import re
import struct
import zlib
from bisect import bisect_left
from dataclasses import dataclass, replace
from itertools import accumulate
from typing import Any

from reportlab.pdfbase import pdfdoc

HEADER = b"%PDF-1.5\n%\x93\x8c\x8b\x9e ReportLab Generated PDF document (opensource)\n"
_FREE = (0, 0, 0xFFFF)  # object 0: the head of the free list
#: A cross-reference stream's row: type, offset (or object stream), generation (or index).
_ROW = struct.Struct(">BIH")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


class CompactDocument(pdfdoc.PDFDocument):
    """ReportLab's PDF document, written with an object stream and a cross-reference
    stream (see the module docstring). A canvas's document becomes one before it saves."""

    def format(self) -> bytes:
        """The PDF file: what `PDFDocument.format` writes, laid out compactly."""
        document: Any = self  # ReportLab's stubs leave most of its document untyped
        document.encrypt.prepare(document)
        root = document.Reference(document.Catalog).format(document)
        info = document.Reference(document.info).format(document)
        # Formatting an object may register new ones, numbered after the last.
        bodies: list[bytes] = []
        while (number := len(bodies) + 1) in document.numberToId:
            document.encrypt.register(number, 0)
            obj = document.idToObject[document.numberToId[number]]
            bodies.append(pdfdoc.format(obj, document, toplevel=1))
        object_stream = len(bodies) + 1
        parts, offset = [HEADER], len(HEADER)
        entries: list[tuple[int, int, int]] = [_FREE]
        packed: list[tuple[int, bytes]] = []
        for number, body in enumerate(bodies, start=1):
            if body.endswith(b"endstream\n"):  # a stream cannot go into an object stream
                item = b"%d 0 obj\n%sendobj\n" % (number, body)
                entries.append((1, offset, 0))
                parts.append(item)
                offset += len(item)
            else:
                entries.append((2, object_stream, len(packed)))
                packed.append((number, body))
        item = _object_stream(object_stream, packed)
        entries.append((1, offset, 0))
        parts.append(item)
        offset += len(item)
        identifier = document.ID().strip().split(b"\n")[0]
        reference = CrossReference(
            object_stream + 1, entries, b"/Root %s /Info %s" % (root, info), identifier
        )
        parts.append(reference.written(offset))
        return b"".join(parts)


def _object_stream(number: int, objects: list[tuple[int, bytes]]) -> bytes:
    """Object `number`: an object stream holding `objects` (number, PDF syntax)."""
    index, position = [], 0
    for object_number, body in objects:
        index.append(b"%d %d" % (object_number, position))
        position += len(body) + 1
    head = b" ".join(index) + b"\n"
    packed = zlib.compress(head + b"\n".join(body for _, body in objects) + b"\n")
    dictionary = b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>" % (
        len(objects),
        len(head),
        len(packed),
    )
    return b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (number, dictionary, packed)


@dataclass(frozen=True)
class CrossReference:
    """A cross-reference stream as `CompactDocument` writes it: the last object of its
    file, listing every object (type 1: at an offset; type 2: in an object stream)."""

    number: int  # its own object number
    entries: list[tuple[int, int, int]]  # by object number: (type, field 2, field 3)
    trailer: bytes  # /Root and /Info
    identifier: bytes  # the file identifier, "[<...><...>]"

    def written(self, offset: int) -> bytes:
        """The stream object, written at `offset`, and the end of the file."""
        entries = [*self.entries[: self.number], (1, offset, 0)]
        packed = zlib.compress(b"".join([_ROW.pack(*entry) for entry in entries]))
        return (
            b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] %s /ID %s /Filter /FlateDecode"
            b" /Length %d >>\nstream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n"
            % (
                self.number,
                len(entries),
                self.trailer,
                self.identifier,
                len(packed),
                packed,
                offset,
            )
        )

    def moved(self, identifier: bytes, shifts: list[tuple[int, int]]) -> CrossReference:
        """The same objects after bytes were added at some offsets (`shifts`: the offset
        from which, and how many bytes; negative when removed)."""
        shifts = sorted(shifts)
        starts = [start for start, _ in shifts]
        # Bytes added before the n-th shift's offset, for each n: an object moves by those
        # of the shifts that start before it.
        before = list(accumulate((added for _, added in shifts), initial=0))
        entries = [
            (kind, second + before[bisect_left(starts, second)], third)
            if kind == 1
            else (kind, second, third)
            for kind, second, third in self.entries
        ]
        return replace(self, entries=entries, identifier=identifier)

    def relocated(self, offsets: dict[int, int]) -> CrossReference:
        """The same objects, those of `offsets` (object number: offset) now written on
        their own at those offsets."""
        entries = [
            (1, offsets[number], 0) if number in offsets else entry
            for number, entry in enumerate(self.entries)
        ]
        return replace(self, entries=entries)

    @classmethod
    def read(cls, data: bytes) -> CrossReference | None:
        """The cross-reference of a file `CompactDocument` wrote; None for any other."""
        found = _STARTXREF.search(data[-64:])
        if found is None:
            return None
        start = int(found.group(1))
        head = re.match(
            rb"(\d+) 0 obj\n<< /Type /XRef /Size (\d+) /W \[1 4 2\] (/Root \d+ 0 R /Info"
            rb" \d+ 0 R) /ID (\[<[0-9a-fA-F]+><[0-9a-fA-F]+>\]) /Filter /FlateDecode"
            rb" /Length (\d+) >>\nstream\n",
            data[start : start + 300],
        )
        if head is None:
            return None
        number, size, length = (int(head.group(i)) for i in (1, 2, 5))
        begin = start + head.end()
        table = zlib.decompress(data[begin : begin + length])
        entries = list(_ROW.iter_unpack(table[: size * _ROW.size]))
        return cls(number, entries, head.group(3), head.group(4))
