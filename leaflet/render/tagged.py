"""Tagged PDF, the writing side: the structure tree a screen reader reads (PDF/UA-1).

ReportLab has saved the PDF with marked content in its pages (`leaflet.story.tags`);
`tag_pdf` adds, with pikepdf, what ReportLab cannot write:

- the structure tree: one `/StructElem` per placed element, its kids its marked content
  (an MCID, or an `/MCR` on another page), its annotations (`/OBJR`) and its children;
- the parent tree, from each page's `/StructParents` and each annotation's
  `/StructParent` back to the elements, and `/Tabs /S` on pages with annotations, so
  tabbing follows the structure;
- `/MarkInfo /Marked true` and XMP metadata matching the Info dictionary, with the
  PDF/UA-1 identification (`pdfuaid:part` 1);
- descriptions: a link's `/Contents`, a form field's `/TU` (what the field asks, from
  its `Form` element: the only place a field's description is set), each page's
  annotations in reading order, and no font in a form field's appearance that draws
  no text.

The result is deterministic: the same PDF and record give the same bytes.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name

from leaflet.story.tags import AnnotationRef, Element, MarkedContent, StructureRecord

TEXT_SHOWING = frozenset({"Tj", "TJ", "'", '"'})
PDFUA_NAMESPACE = "http://www.aiim.org/pdfua/ns/id/"


def tag_pdf(data: bytes, record: StructureRecord) -> bytes:
    """`data` (a PDF as ReportLab wrote it, while drawing `record`) as a tagged PDF."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _write_structure(pdf, record)
        _write_metadata(pdf)
        output = io.BytesIO()
        # ReportLab's streams are copied as they are; the many small new objects go into
        # compressed object streams, so tagging adds almost nothing to the file's size.
        pdf.save(
            output,
            deterministic_id=True,
            compress_streams=True,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            fix_metadata_version=False,
        )
    return output.getvalue()


class _TreeWriter:
    """Writes one record's elements as `/StructElem` objects into one PDF."""

    def __init__(self, pdf: pikepdf.Pdf, record: StructureRecord) -> None:
        self.pdf = pdf
        self.pages = [page.obj for page in pdf.pages]
        self.annotations = _find_annotations(pdf, record)
        self.written: dict[int, pikepdf.Object] = {}  # id(element) -> its object

    def write(self, element: Element, parent: pikepdf.Object | None) -> pikepdf.Object | None:
        """The element's object, written with its descendants; None if it holds nothing."""
        entries: dict[str, object] = {"/Type": Name.StructElem, "/S": Name("/" + element.role)}
        if parent is not None:
            entries["/P"] = parent
        tag = element.tag
        if tag.alt:
            entries["/Alt"] = pikepdf.String(tag.alt)
        if tag.scope:
            entries["/A"] = Dictionary({"/O": Name.Table, "/Scope": Name("/" + tag.scope)})
        kids: list[object] = []
        first_page: int | None = None
        for kid in element.ordered_kids():
            if isinstance(kid, MarkedContent):
                if first_page is None:
                    first_page = kid.page
                    entries["/Pg"] = self.pages[kid.page]
                if kid.page == first_page:
                    kids.append(kid.mcid)
                else:
                    page = self.pages[kid.page]
                    kids.append(Dictionary({"/Type": Name.MCR, "/Pg": page, "/MCID": kid.mcid}))
            elif isinstance(kid, AnnotationRef):
                if kid in self.annotations:
                    page_index, annotation = self.annotations[kid]
                    page = self.pages[page_index]
                    kids.append(Dictionary({"/Type": Name.OBJR, "/Obj": annotation, "/Pg": page}))
            else:
                kids.append(kid)  # written below, once this element's object exists
        if not kids:
            return None
        obj = self.pdf.make_indirect(Dictionary(entries))
        written: list[object] = []
        for item in kids:
            if isinstance(item, Element):
                child = self.write(item, obj)
                if child is not None:
                    written.append(child)
            else:
                written.append(item)
        if not written:
            return None
        # A single kid is written bare, the form readers and checkers expect most.
        obj.K = written[0] if len(written) == 1 else Array(written)
        self.written[id(element)] = obj
        return obj


def _write_structure(pdf: pikepdf.Pdf, record: StructureRecord) -> None:
    writer = _TreeWriter(pdf, record)
    document = writer.write(record.document, None)
    if document is None:
        raise AssertionError("the document drew no tagged content")
    nums: list[object] = []
    for page_index, page in enumerate(writer.pages):
        owners = record.owners.get(page_index)
        if owners:
            page.StructParents = page_index
            elements = Array([writer.written[id(owner)] for owner in owners])
            nums += [page_index, pdf.make_indirect(elements)]
        if "/Annots" in page:
            page.Tabs = Name.S  # tab through fields and links in structure order
    next_key = len(writer.pages)
    for ref, element in record.annotations:
        if ref not in writer.annotations or id(element) not in writer.written:
            continue
        _, annotation = writer.annotations[ref]
        annotation.StructParent = next_key
        nums += [next_key, writer.written[id(element)]]
        next_key += 1
        _describe(annotation, element)
    _annotations_in_reading_order(writer, record)
    parent_tree = pdf.make_indirect(Dictionary({"/Nums": Array(nums)}))
    root = pdf.make_indirect(
        Dictionary(
            {
                "/Type": Name.StructTreeRoot,
                "/K": document,
                "/ParentTree": parent_tree,
                "/ParentTreeNextKey": next_key,
            }
        )
    )
    document.P = root
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary({"/Marked": True})


def _annotations_in_reading_order(writer: _TreeWriter, record: StructureRecord) -> None:
    """Each page's /Annots in the order the structure tree reads them: the tab order
    `/Tabs /S` gives, kept by viewers that go by /Annots instead."""
    order: list[pikepdf.Object] = []

    def visit(element: Element) -> None:
        for kid in element.ordered_kids():
            if isinstance(kid, Element):
                visit(kid)
            elif isinstance(kid, AnnotationRef) and kid in writer.annotations:
                order.append(writer.annotations[kid][1])

    visit(record.document)
    rank = {annotation.objgen: index for index, annotation in enumerate(order)}
    for page in writer.pages:
        if "/Annots" in page:
            annotations = list(page.Annots)
            annotations.sort(key=lambda item: rank.get(item.objgen, len(rank)))
            page.Annots = Array(annotations)


def _find_annotations(
    pdf: pikepdf.Pdf, record: StructureRecord
) -> dict[AnnotationRef, tuple[int, pikepdf.Object]]:
    """Each recorded annotation's page and object: by its place in its page's /Annots,
    or by field name for a field added after ReportLab saved."""
    by_place: dict[AnnotationRef, tuple[int, pikepdf.Object]] = {}
    by_name: dict[str, tuple[int, pikepdf.Object]] = {}
    for page_index, page in enumerate(pdf.pages):
        for index, annotation in enumerate(page.obj.get("/Annots", Array())):
            by_place[AnnotationRef(page_index, index)] = (page_index, annotation)
            if "/T" in annotation:
                by_name[str(annotation.T)] = (page_index, annotation)
    found = {}
    for ref, _ in record.annotations:
        where = by_place.get(ref) if ref.name is None else by_name.get(ref.name)
        if where is not None:
            found[ref] = where
    return found


def _describe(annotation: pikepdf.Object, element: Element) -> None:
    """A link's /Contents; a widget's /TU (a choice of a group: its own, naming its
    answer, besides its field's)."""
    tag = element.tag
    if annotation.get("/Subtype") == Name.Link:
        if "/Contents" not in annotation and tag.description:
            annotation.Contents = pikepdf.String(tag.description)
        return
    if annotation.get("/Subtype") != Name.Widget:
        return
    field = annotation.get("/Parent", annotation)
    if tag.field_description:  # the one source of what a field asks
        field.TU = pikepdf.String(tag.field_description)
    if tag.description and "/Parent" in annotation:
        annotation.TU = pikepdf.String(tag.description)  # one choice of a group
    _drop_unused_fonts(annotation)


def _drop_unused_fonts(annotation: pikepdf.Object) -> None:
    """Remove the font resources of appearances that show no text.

    ReportLab gives an empty text field's appearance the standard font Helvetica, which
    is never embedded; PDF/UA wants every font used for rendering embedded. An empty
    field renders no text, so its appearance needs no font. (The field's /DA still names
    Helvetica, for the text a patient types: their PDF viewer draws that.)"""
    for states in annotation.get("/AP", Dictionary()).values():
        streams = [states] if isinstance(states, pikepdf.Stream) else list(states.values())
        for stream in streams:
            resources = stream.get("/Resources")
            if resources is None or "/Font" not in resources:
                continue
            operators = {
                str(instruction.operator)
                for instruction in pikepdf.parse_content_stream(stream)
                if isinstance(instruction, pikepdf.ContentStreamInstruction)
            }
            if not operators & TEXT_SHOWING:
                del resources["/Font"]


def _write_metadata(pdf: pikepdf.Pdf) -> None:
    """An XMP packet saying what the Info dictionary says, and that this is PDF/UA-1."""
    info = pdf.trailer.get("/Info", Dictionary())

    def text(key: str) -> str:
        return escape(str(info.get(key, "")))

    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdfuaid="{PDFUA_NAMESPACE}">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text("/Title")}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{text("/Author")}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text("/Subject")}</rdf:li></rdf:Alt>\
</dc:description>
<pdf:Keywords>{text("/Keywords")}</pdf:Keywords>
<pdf:Producer>{text("/Producer")}</pdf:Producer>
<xmp:CreatorTool>{text("/Creator")}</xmp:CreatorTool>
<xmp:CreateDate>{xmp_date(str(info.get("/CreationDate", "")))}</xmp:CreateDate>
<xmp:ModifyDate>{xmp_date(str(info.get("/ModDate", "")))}</xmp:ModifyDate>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    stream = pikepdf.Stream(pdf, packet.encode("utf-8"))
    stream.Type = Name.Metadata
    stream.Subtype = Name.XML
    pdf.Root.Metadata = pdf.make_indirect(stream)


def xmp_date(pdf_date: str) -> str:
    """A PDF date (`D:20000101000000+00'00'`) as XMP writes it (`2000-01-01T00:00:00Z`)."""
    digits = pdf_date.removeprefix("D:")
    if len(digits) < 14 or not digits[:14].isdigit():
        return ""
    stamp = (
        f"{digits[0:4]}-{digits[4:6]}-{digits[6:8]}T{digits[8:10]}:{digits[10:12]}:{digits[12:14]}"
    )
    zone = digits[14:].replace("'", "")
    if zone in ("", "Z") or zone[1:] in ("00", "0000"):
        return stamp + "Z"
    return f"{stamp}{zone[:3]}:{zone[3:5] or '00'}"
