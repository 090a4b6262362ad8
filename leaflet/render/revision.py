"""New contents for some form XObjects of a finished PDF, without reading it again.

`leaflet.render.stamp` makes each patient's copy of a base by giving the base's empty
slot forms the patient's text; nothing else is parsed or written again. `Revisable`
holds what that needs to know about the base, found once (with pikepdf); a form with
new contents is written once (`filled_form`; the caller keeps those of texts that come
again), and `revise` then costs little more than copying the base's bytes.

A base is a file `leaflet.render.compact` wrote: its streams each on their own, its
other objects in one object stream, its cross-reference a stream at the end. The new
forms take the old ones' places and the cross-reference is written again with the
moved offsets: a copy is one revision, as small as can be, and reads like a file
written in one go. Its file identifier keeps the base's first half and gets a new
second half, a digest of the new objects, as the standard asks of a changed file.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import pikepdf

from leaflet.render.compact import CrossReference

#: Stream keys the new form leaves out: those of the old contents, and those whose value
#: is the default (/FormType 1, an identity /Matrix) or obsolete (/ProcSet, PDF 1.4).
_LEFT_OUT = ("/Length", "/Filter", "/DecodeParms", "/FormType", "/Matrix", "/ProcSet")


@dataclass(frozen=True)
class Revisable:
    """A finished PDF and what an update to some of its form XObjects needs."""

    data: bytes
    reference: CrossReference
    first_id: bytes  # hex of the first half of its file identifier
    #: By (page, name in the page's /XObject resources): the form's object number,
    #: generation and stream dictionary without its contents' keys, and where the form's
    #: object is in `data` (start, end).
    forms: Mapping[tuple[int, str], tuple[int, int, bytes]]
    spans: Mapping[tuple[int, str], tuple[int, int]]


def revisable(data: bytes, forms: list[tuple[int, str]]) -> Revisable:
    """Read what updating the form XObjects `forms` ((page index, resource name)) of the
    PDF `data` needs. `data` must be a file `leaflet.render.compact` wrote."""
    reference = CrossReference.read(data)
    if reference is None:
        raise ValueError("not a PDF that leaflet.render.compact wrote: its forms cannot be revised")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        located, spans = {}, {}
        for page, name in forms:
            form = pdf.pages[page].Resources.XObject[name]
            number, generation = form.objgen
            located[page, name] = (number, generation, _lean(form.stream_dict))
            spans[page, name] = _span(data, reference.entries[number][1])
        return Revisable(
            data=data,
            reference=reference,
            first_id=bytes(pdf.trailer.ID[0]).hex().encode(),
            forms=located,
            spans=spans,
        )


def revise(
    target: Revisable,
    forms: Mapping[tuple[int, str], bytes],
    objects: Mapping[int, bytes] | None = None,
) -> bytes:
    """`target`'s PDF with new versions of some of its forms (`forms`: each as
    `filled_form` wrote it), each in place of the old form, and of some objects of its
    object stream (`objects`: each whole, "n g obj ... endobj"), written after the last."""
    data = target.data
    changes = sorted((*target.spans[key], item) for key, item in forms.items())
    parts, position = [], 0
    shifts = []  # (old offset from which, added bytes)
    for start, end, item in changes:
        parts += [data[position:start], item]
        position = end
        shifts.append((start, len(item) - (end - start)))
    old_end = target.reference.entries[target.reference.number][1]
    parts.append(data[position:old_end])
    body = b"".join(parts)
    added = dict(sorted((objects or {}).items()))
    placed, offset = {}, len(body)
    for number, item in added.items():  # the old version in the object stream is unused
        placed[number] = offset
        offset += len(item)
    body += b"".join(added.values())
    ids = _new_ids(target, b"".join([*(item for _, _, item in changes), *added.values()]))
    reference = target.reference.moved(ids, shifts).relocated(placed)
    return body + reference.written(len(body))


def _span(data: bytes, start: int) -> tuple[int, int]:
    """Where the stream object at `start` ends (after its `endobj` line)."""
    stream = data.index(b"stream", start)
    length = int(re.search(rb"/Length (\d+)", data[start:stream]).group(1))  # type: ignore[union-attr]
    end = data.index(b"endobj", stream + 7 + length) + len(b"endobj")
    return start, end + (1 if data[end : end + 1] == b"\n" else 0)


def filled_form(target: Revisable, key: tuple[int, str], content: bytes) -> bytes:
    """The form `key` ((page index, resource name)) of `target` with new (uncompressed)
    `content`, as `revise` writes it in place of the old one."""
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
