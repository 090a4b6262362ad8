"""New contents for some form XObjects of a finished PDF, without reading it again.

`leaflet.render.stamp` makes each patient's copy of a base by giving the base's empty
slot forms the patient's text; nothing else is parsed or written again. `Revisable`
holds what that needs to know about the base, found once (with pikepdf); `revise` then
costs little more than copying the base's bytes.

A file with one cross-reference table (what ReportLab writes) gets the new objects in
place of the old ones and a rewritten table: one revision, as small as can be. Any other
file (a cross-reference stream, as pikepdf writes with object streams, or earlier
updates) gets them appended as an incremental update (PDF 32000-1 section 7.5.6), its
cross-reference of the same kind as the file's. Either way the file identifier keeps the
base's first half and gets a new second half, a digest of the new objects, as the
standard asks of a changed file.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import pikepdf

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
#: Stream keys the new form leaves out: those of the old contents, and those whose value
#: is the default (/FormType 1, an identity /Matrix) or obsolete (/ProcSet, PDF 1.4).
_LEFT_OUT = ("/Length", "/Filter", "/DecodeParms", "/FormType", "/Matrix", "/ProcSet")


@dataclass(frozen=True)
class Revisable:
    """A finished PDF and what an update to some of its form XObjects needs."""

    data: bytes
    startxref: int  # where its last cross-reference section starts
    size: int  # its trailer's /Size: the next free object number
    xref_stream: bool
    trailer: bytes  # the trailer entries an update repeats: /Root and /Info
    first_id: bytes  # hex of the first half of its file identifier
    #: By (page, name in the page's /XObject resources): the form's object number,
    #: generation and stream dictionary without its contents' keys.
    forms: Mapping[tuple[int, str], tuple[int, int, bytes]]
    #: For a file with one cross-reference table: each object's offset (by number, 0
    #: unused), and each form's span (start, end) in `data`, to replace in place.
    offsets: tuple[int, ...] | None = None
    spans: Mapping[tuple[int, str], tuple[int, int]] | None = None


def revisable(data: bytes, forms: list[tuple[int, str]]) -> Revisable:
    """Read what updating the form XObjects `forms` ((page index, resource name)) of the
    PDF `data` needs."""
    found = _STARTXREF.search(data[-64:])
    if found is None:
        raise ValueError("not a complete PDF: no startxref at its end")
    startxref = int(found.group(1))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        trailer = pdf.trailer
        entries = [b"/Root %d %d R" % trailer.Root.objgen]
        if "/Info" in trailer:
            entries.append(b"/Info %d %d R" % trailer.Info.objgen)
        located = {}
        for page, name in forms:
            form = pdf.pages[page].Resources.XObject[name]
            dictionary = _lean(form.stream_dict)
            located[page, name] = (*form.objgen, dictionary)
        size = int(trailer.Size)
        offsets = _single_table(data, startxref, size)
        spans = None
        if offsets is not None:
            spans = {key: _span(data, offsets[number]) for key, (number, _, _) in located.items()}
        return Revisable(
            data=data,
            startxref=startxref,
            size=size,
            xref_stream=not data.startswith(b"xref", startxref),
            trailer=b" ".join(entries),
            first_id=bytes(trailer.ID[0]).hex().encode(),
            forms=located,
            offsets=offsets,
            spans=spans,
        )


def _single_table(data: bytes, startxref: int, size: int) -> tuple[int, ...] | None:
    """Every object's offset, when the file has one cross-reference table of one
    subsection listing objects 0 to size - 1 with generation 0; None otherwise."""
    head = b"xref\n0 %d\n" % size
    if not data.startswith(head, startxref):
        return None
    table = data[startxref + len(head) : startxref + len(head) + 20 * size]
    rows = [table[i : i + 20] for i in range(0, len(table), 20)]
    if len(rows) != size or not data.startswith(b"trailer", startxref + len(head) + 20 * size):
        return None
    if any(row[10:17] != b" 00000 " or row[17:18] != b"n" for row in rows[1:]):
        return None
    return (0, *(int(row[:10]) for row in rows[1:]))


def _span(data: bytes, start: int) -> tuple[int, int]:
    """Where the stream object at `start` ends (after its `endobj` line)."""
    stream = data.index(b"stream", start)
    length = int(re.search(rb"/Length (\d+)", data[start:stream]).group(1))  # type: ignore[union-attr]
    end = data.index(b"endobj", stream + 7 + length) + len(b"endobj")
    return start, end + (1 if data[end : end + 1] == b"\n" else 0)


def _form_object(target: Revisable, key: tuple[int, str], content: bytes) -> bytes:
    number, generation, dictionary = target.forms[key]
    packed = zlib.compress(content)
    return b"%d %d obj\n%s\nstream\n%s\nendstream\nendobj\n" % (
        number,
        generation,
        dictionary[:-2] + b" /Filter /FlateDecode /Length %d >>" % len(packed),
        packed,
    )


def _new_ids(target: Revisable, new_objects: bytes) -> bytes:
    digest = hashlib.md5(new_objects + target.first_id, usedforsecurity=False)
    return b"[<%s><%s>]" % (target.first_id, digest.hexdigest().encode())


def _rewrite(target: Revisable, contents: Mapping[tuple[int, str], bytes]) -> bytes:
    """The file with the forms' objects replaced in place and its table rewritten."""
    assert target.offsets is not None and target.spans is not None
    data, offsets = target.data, target.offsets
    changes = sorted(
        (*target.spans[key], _form_object(target, key, content))
        for key, content in contents.items()
    )
    parts, position, shifts = [], 0, []  # shifts: (old offset from which, added bytes)
    for start, end, item in changes:
        parts += [data[position:start], item]
        position = end
        shifts.append((start, len(item) - (end - start)))
    parts.append(data[position : target.startxref])
    body = b"".join(parts)
    rows = [b"0000000000 65535 f \n"]
    for offset in offsets[1:]:
        moved = offset + sum(added for start, added in shifts if start < offset)
        rows.append(b"%010d 00000 n \n" % moved)
    ids = _new_ids(target, b"".join(item for _, _, item in changes))
    return body + b"xref\n0 %d\n%strailer\n<< /ID %s %s /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        target.size,
        b"".join(rows),
        ids,
        target.trailer,
        target.size,
        len(body),
    )


def _lean(stream_dict: pikepdf.Dictionary) -> bytes:
    """A form's stream dictionary without the keys `_LEFT_OUT`, as PDF syntax."""
    kept = {key: value for key, value in stream_dict.items() if key not in _LEFT_OUT}
    if "/Matrix" in stream_dict and [float(v) for v in stream_dict.Matrix] != [1, 0, 0, 1, 0, 0]:
        kept["/Matrix"] = stream_dict.Matrix
    if isinstance(resources := kept.get("/Resources"), pikepdf.Dictionary):
        kept["/Resources"] = pikepdf.Dictionary(
            {key: value for key, value in resources.items() if key != "/ProcSet"}
        )
    return pikepdf.Dictionary(kept).unparse()


def revise(target: Revisable, contents: Mapping[tuple[int, str], bytes]) -> bytes:
    """`target`'s PDF with new (uncompressed) `contents` for some of its forms."""
    if target.offsets is not None and target.spans is not None:
        return _rewrite(target, contents)
    data = target.data if target.data.endswith(b"\n") else target.data + b"\n"
    parts: list[bytes] = []
    offset = len(data)
    rows: list[tuple[int, int, int]] = []  # object number, generation, offset
    for key, content in contents.items():
        number, generation, _ = target.forms[key]
        item = _form_object(target, key, content)
        rows.append((number, generation, offset))
        parts.append(item)
        offset += len(item)
    ids = _new_ids(target, b"".join(parts))
    rows.sort()
    if target.xref_stream:
        parts.append(_xref_stream(target, rows, ids, offset))
    else:
        table = b"".join(
            b"%d 1\n%010d %05d n \n" % (number, at, generation) for number, generation, at in rows
        )
        parts.append(
            b"xref\n%strailer\n<< /Size %d %s /ID %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
            % (table, target.size, target.trailer, ids, target.startxref, offset)
        )
    return data + b"".join(parts)


def _xref_stream(
    target: Revisable, rows: list[tuple[int, int, int]], ids: bytes, offset: int
) -> bytes:
    """The update's cross-reference stream, itself a new object at `offset`."""
    number = target.size
    rows = [*rows, (number, 0, offset)]
    index = b" ".join(b"%d 1" % row[0] for row in rows)
    table = b"".join(
        b"\x01" + at.to_bytes(4, "big") + generation.to_bytes(2, "big")
        for _, generation, at in rows
    )
    dictionary = (
        b"<< /Type /XRef /Size %d %s /ID %s /Prev %d /W [1 4 2] /Index [%s] /Length %d >>"
        % (
            number + 1,
            target.trailer,
            ids,
            target.startxref,
            index,
            len(table),
        )
    )
    return b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % (
        number,
        dictionary,
        table,
        offset,
    )
