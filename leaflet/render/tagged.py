"""Tagged PDF, the writing side: the structure tree a screen reader reads (PDF/UA-1).

While a build draws, its pages get marked content and its record says which element
owns what (`leaflet.story.tags`). `write_structure` turns the record into PDF objects of
ReportLab's own document, just before the canvas saves it, so the PDF is written once:

- the structure tree: one `/StructElem` per placed element, its kids its marked content
  (an MCID, or an `/MCR` on another page), its annotations (`/OBJR`) and its children;
- the parent tree, from each page's `/StructParents` and each annotation's
  `/StructParent` back to the elements, and `/Tabs /S` on pages with annotations, so
  tabbing follows the structure;
- `/MarkInfo /Marked true` and XMP metadata matching the Info dictionary, with the
  PDF/UA-1 identification (`pdfuaid:part` 1);
- descriptions: a link's `/Contents`, a form field's `/TU` where it has none a person
  would understand, and no font in a form field's appearance that draws no text;
- `/ActualText` on an element whose text was drawn in visual order (right to left,
  `leaflet.story.lines`): its words in logical order, for copying and screen readers.

The elements are ReportLab objects that format themselves (`_StructElement`): a tree of
a few hundred elements costs about a millisecond. The result is deterministic: the same
drawing gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.pdfbase.pdfdoc import (
    PDFDate,
    PDFDictionary,
    PDFDocument,
    PDFName,
    PDFObject,
    PDFPage,
    PDFStream,
    PDFString,
    PDFtrue,
)

from leaflet.story.tags import AnnotationRef, Element, MarkedContent, StructureRecord

TEXT_SHOWING = frozenset({"Tj", "TJ", "'", '"'})
PDFUA_NAMESPACE = "http://www.aiim.org/pdfua/ns/id/"
#: The page entries ReportLab writes, and the two a tagged page adds.
_PAGE_KEYS = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]


def write_structure(
    pdf: PDFDocument, record: StructureRecord, annotations: Mapping[AnnotationRef, Any]
) -> None:
    """Add `record`'s structure to ReportLab's document `pdf` before it is written.

    `annotations` are the annotation dictionaries the canvas added, by their place in
    their page's /Annots."""
    document: Any = pdf  # ReportLab's stubs leave most of its document untyped
    pages: list[PDFPage] = document.Pages.pages
    page_refs = [_reference(document, page) for page in pages]
    writer = _TreeWriter(document, page_refs, annotations)
    tree = writer.place(record.document)
    if tree is None:
        raise AssertionError("the document drew no tagged content")
    nums: list[bytes] = []
    for index, page in enumerate(pages):
        owners = record.owners.get(index)
        if owners:
            _page_entry(page, "StructParents", index)
            array = _Raw(b"[" + b" ".join(writer.written[id(owner)].ref for owner in owners) + b"]")
            nums.append(b"%d %s" % (index, _reference(document, array)))
        if page.Annots:
            _page_entry(page, "Tabs", PDFName("S"))  # tab through fields in structure order
    next_key = len(pages)
    for ref, element in record.annotations:
        annotation = annotations.get(ref)
        if annotation is None or id(element) not in writer.written:
            continue
        annotation["StructParent"] = next_key
        nums.append(b"%d %s" % (next_key, writer.written[id(element)].ref))
        next_key += 1
        _describe(document, annotation, element)
    parent_tree = _Raw(b"<< /Nums [" + b" ".join(nums) + b"] >>")
    root = _Raw(
        b"<< /Type /StructTreeRoot /K %s /ParentTree %s /ParentTreeNextKey %d >>"
        % (tree.ref, _reference(document, parent_tree), next_key)
    )
    tree.parent_ref = _reference(document, root)
    document.Catalog.StructTreeRoot = root
    document.Catalog.MarkInfo = PDFDictionary({"Marked": PDFtrue})
    document.Catalog.Metadata = _metadata(document)


class _Raw(PDFObject):
    """A PDF object written as the bytes it was given."""

    __RefOnly__ = 1

    def __init__(self, source: bytes) -> None:
        self.source = source

    def format(self, document: PDFDocument) -> bytes:
        return self.source


class _StructElement(PDFObject):
    """One `/StructElem`, its kids already PDF syntax (references included)."""

    __RefOnly__ = 1

    def __init__(self) -> None:
        self.head = b""  # /S, /Pg, /Alt, /A
        self.ref = b""  # "n 0 R", once registered
        self.parent_ref = b""
        self.kids: list[bytes] = []

    def format(self, document: PDFDocument) -> bytes:
        kids = self.kids[0] if len(self.kids) == 1 else b"[" + b" ".join(self.kids) + b"]"
        # A single kid is written bare, the form readers and checkers expect most.
        return b"<< /Type /StructElem %s /P %s /K %s >>" % (self.head, self.parent_ref, kids)


class _TreeWriter:
    """Makes the `/StructElem` objects of one record's elements in one document."""

    def __init__(
        self,
        document: Any,
        page_refs: list[bytes],
        annotations: Mapping[AnnotationRef, Any],
    ) -> None:
        self.document = document
        self.page_refs = page_refs
        self.annotations = annotations
        self.written: dict[int, _StructElement] = {}  # id(element) -> its object

    def place(self, element: Element) -> _StructElement | None:
        """The element's object, made after its descendants (so it is numbered after
        them); None if it holds nothing: no marked content or annotation, itself or below."""
        obj = _StructElement()
        children = []
        first_page = None
        for kid in element.ordered_kids():
            if isinstance(kid, MarkedContent):
                if first_page is None:
                    first_page = kid.page
                if kid.page == first_page:
                    obj.kids.append(b"%d" % kid.mcid)
                else:
                    page = self.page_refs[kid.page]
                    obj.kids.append(b"<< /Type /MCR /Pg %s /MCID %d >>" % (page, kid.mcid))
            elif isinstance(kid, AnnotationRef):
                if kid in self.annotations:
                    annotation = _reference(self.document, self.annotations[kid])
                    page = self.page_refs[kid.page]
                    obj.kids.append(b"<< /Type /OBJR /Obj %s /Pg %s >>" % (annotation, page))
            elif (child := self.place(kid)) is not None:
                obj.kids.append(child.ref)
                children.append(child)
        if not obj.kids:
            return None
        head = b"/S /" + element.role.encode("ascii")
        if first_page is not None:
            head += b" /Pg " + self.page_refs[first_page]
        tag = element.tag
        if tag.alt:
            head += b" /Alt " + PDFString(tag.alt).format(self.document)
        if element.visual:  # drawn in visual order: its words in the order they are read
            actual_text = " ".join(element.actual_text)
            head += b" /ActualText " + PDFString(actual_text).format(self.document)
        if tag.scope:
            head += b" /A << /O /Table /Scope /" + tag.scope.encode("ascii") + b" >>"
        obj.head = head
        obj.ref = _reference(self.document, obj)
        for child in children:
            child.parent_ref = obj.ref
        self.written[id(element)] = obj
        return obj


def _reference(document: Any, obj: Any) -> bytes:
    """`obj` registered in `document` (if it is not yet), as an indirect reference."""
    name = document.Reference(obj).name
    number: int = document.idToObjectNumberAndVersion[name][0]
    return b"%d 0 R" % number


def _page_entry(page: PDFPage, key: str, value: object) -> None:
    """Give one page an entry ReportLab's page dictionary does not write by itself."""
    page.__NoDefault__ = _PAGE_KEYS  # this page only
    setattr(page, key, value)


def _describe(document: Any, annotation: Any, element: Element) -> None:
    """A link's /Contents; a widget's /TU, unless it has one other than its name."""
    tag = element.tag
    subtype = _name(annotation, "Subtype")
    if subtype == "Link":
        if "Contents" not in annotation.dict and tag.description:
            annotation["Contents"] = PDFString(tag.description)
        return
    if subtype != "Widget":
        return
    if "Parent" in annotation.dict:  # one choice of a group: the group is the field
        group = document.idToObject[annotation["Parent"].name]
        if tag.field_description and group.TU in ("", group.T):
            group.TU = tag.field_description
        if tag.description:
            annotation["TU"] = PDFString(tag.description)
    else:
        name = _text(annotation.dict.get("T"))
        if tag.field_description and _text(annotation.dict.get("TU"), name) == name:
            annotation["TU"] = PDFString(tag.field_description)
    _drop_unused_fonts(document, annotation)


def _name(dictionary: Any, key: str) -> str:
    """The name at `key` of a ReportLab dictionary (which keeps names as "/Name")."""
    return str(dictionary.dict.get(key, "")).removeprefix("/")


def _text(value: Any, default: str = "") -> str:
    """The text of a `PDFString` (or a plain string)."""
    if isinstance(value, PDFString):
        return str(value.s)
    return default if value is None else str(value)


def _drop_unused_fonts(document: Any, annotation: Any) -> None:
    """Remove the font resources of appearances that show no text.

    ReportLab gives an empty text field's appearance the standard font Helvetica, which
    is never embedded; PDF/UA wants every font used for rendering embedded. An empty
    field renders no text, so its appearance needs no font. (The field's /DA still names
    Helvetica, for the text a patient types: their PDF viewer draws that.)"""
    appearances = annotation.dict.get("AP")
    if not isinstance(appearances, PDFDictionary):
        return
    for states in appearances.dict.values():
        for state in states.dict.values() if isinstance(states, PDFDictionary) else [states]:
            stream = document.idToObject.get(getattr(state, "name", None), state)
            if not isinstance(stream, PDFStream):
                continue
            resources = stream.dictionary.dict.get("Resources")
            source = getattr(resources, "_s", "")
            if "/Font" in source and not TEXT_SHOWING & set(str(stream.content).split()):
                stream.dictionary["Resources"] = _Raw(b"<< /ProcSet [/PDF /Text] >>")


def _metadata(document: Any) -> PDFStream:
    """An XMP packet saying what the Info dictionary says, and that this is PDF/UA-1."""
    info = document.info
    date = PDFDate(ts=document._timeStamp, dateFormatter=info._dateFormatter)
    stamp = xmp_date(date.format(document).decode("latin-1").strip("()"))

    def text(value: str) -> str:
        # What xml.sax.saxutils.escape does, without the urllib and http modules it loads.
        return str(value).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")

    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdfuaid="{PDFUA_NAMESPACE}">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text(info.title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{text(info.author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text(info.subject)}</rdf:li></rdf:Alt>\
</dc:description>
<pdf:Keywords>{text(info.keywords)}</pdf:Keywords>
<pdf:Producer>{text(info.producer)}</pdf:Producer>
<xmp:CreatorTool>{text(info.creator)}</xmp:CreatorTool>
<xmp:CreateDate>{stamp}</xmp:CreateDate>
<xmp:ModifyDate>{stamp}</xmp:ModifyDate>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    dictionary = PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")})
    # Uncompressed, as XMP is meant to be: a tool that cannot parse the PDF can find it.
    return PDFStream(dictionary, packet.encode("utf-8"), filters=[])


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
