"""Reading a tagged PDF as the accessibility tests need: our structure rules, the `pdfua`
checker's findings, the reading order the structure tree gives (`reading_order`), what
Mozilla pdf.js exposes to a screen reader (`read_with_pdfjs`), and text shown with no
font selected (`text_without_font`)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdf
from pikepdf import Name

PDFJS_DIR = Path(__file__).parent / "pdfjs"
#: Operators that put marks on the page: text showing, path painting, XObjects, shadings.
PAINTING = frozenset(
    {"Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "Do", "sh"}
)
TEXT_SHOWING = frozenset({"Tj", "TJ", "'", '"'})


def pdfua_findings(path: Path, password: str = "") -> list[str]:
    """Every finding and every rule that could not run, from PyPI `pdfua`'s rules.

    Its command line cannot open encrypted files, so the rules run on a document opened
    here, with the password."""
    from pdfua.document import PdfDocument
    from pdfua.validator import Validator

    out = []
    with PdfDocument(pikepdf.open(path, password=password), str(path)) as document:
        for rule in Validator().registry:
            try:
                out += [f"{rule.id}: {finding.message}" for finding in rule.check(document)]
            except Exception as err:  # a rule that cannot run is a failure, not a pass
                out.append(f"{rule.id} did not run: {err}")
    return out


@dataclass
class _Marks:
    """The state of the marked-content sequences open at a point of a content stream."""

    kinds: list[str]

    def inside(self) -> bool:
        return any(kind in ("artifact", "mcid") for kind in self.kinds)


def structure_problems(path: Path, password: str = "") -> list[str]:
    """What breaks our tagging rules: painting outside marked content, artifacts and
    tagged content nested, MCIDs missing from the parent tree or the tree, empty
    elements, annotations outside the tree, links without /Contents, fields without a
    description, unembedded fonts, no XMP identification."""
    problems: list[str] = []
    with pikepdf.open(path, password=password) as pdf:
        root = pdf.Root
        if root.get("/MarkInfo", {}).get("/Marked") is not True:
            problems.append("no /MarkInfo /Marked true")
        tree = root.get("/StructTreeRoot")
        if tree is None:
            return [*problems, "no /StructTreeRoot"]
        nums = list(tree.ParentTree.Nums)
        parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        used: dict[int, list[int]] = {}
        for number, page in enumerate(pdf.pages, start=1):
            used[number] = _page_mcids(page, problems, f"page {number}")
            mcids = used[number]
            if mcids:
                key = page.obj.get("/StructParents")
                owners = parent_tree.get(int(key)) if key is not None else None
                if owners is None or sorted(mcids) != list(range(len(owners))):
                    problems.append(
                        f"page {number}: MCIDs {sorted(mcids)} do not match the parent tree"
                    )
            _check_annotations(page, number, parent_tree, problems)
        reached = _walk_tree(tree.K, problems)
        for number, page in enumerate(pdf.pages, start=1):
            for mcid in used[number]:
                if (page.obj.objgen, mcid) not in reached:
                    problems.append(f"page {number}: MCID {mcid} belongs to no element")
        if "/Lang" not in root:
            problems.append("no /Lang")
        if root.get("/ViewerPreferences", {}).get("/DisplayDocTitle") is not True:
            problems.append("no /DisplayDocTitle")
        metadata = root.get("/Metadata")
        if metadata is None or b"<pdfuaid:part>1</pdfuaid:part>" not in metadata.read_bytes():
            problems.append("no pdfuaid:part 1 in the XMP metadata")
        problems += [
            f"font {font.get('/BaseFont')}: {problem}"
            for font in rendering_fonts(pdf)
            for problem in _font_problems(font)
        ]
    return problems


def _page_mcids(page: pikepdf.Page, problems: list[str], where: str) -> list[int]:
    marks = _Marks([])
    mcids: list[int] = []
    for instruction in pikepdf.parse_content_stream(page):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            if not marks.inside():
                problems.append(f"{where}: inline image outside marked content")
            continue
        operator, operands = str(instruction.operator), instruction.operands
        if operator in ("BDC", "BMC"):
            properties = operands[1] if operator == "BDC" else None
            mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            kind = (
                "artifact"
                if operands[0] == Name.Artifact
                else ("mcid" if mcid is not None else "other")
            )
            if kind != "other" and marks.inside():
                problems.append(f"{where}: {operands[0]} inside another marked sequence")
            if mcid is not None:
                if int(mcid) in mcids:
                    problems.append(f"{where}: MCID {mcid} used twice")
                mcids.append(int(mcid))
            marks.kinds.append(kind)
        elif operator == "EMC":
            if not marks.kinds:
                problems.append(f"{where}: EMC closes nothing")
            else:
                marks.kinds.pop()
        elif operator in PAINTING and not marks.inside():
            problems.append(f"{where}: {operator} outside marked content")
    if marks.kinds:
        problems.append(f"{where}: {len(marks.kinds)} marked sequences left open")
    return mcids


def _check_annotations(
    page: pikepdf.Page, number: int, parent_tree: dict, problems: list[str]
) -> None:
    annotations = page.obj.get("/Annots")
    if annotations is None:
        return
    if page.obj.get("/Tabs") != Name.S:
        problems.append(f"page {number}: annotations, but no /Tabs /S")
    for annotation in annotations:
        key = annotation.get("/StructParent")
        what = f"page {number}: {annotation.get('/Subtype')} {annotation.get('/T', '')}"
        if key is None or int(key) not in parent_tree:
            problems.append(f"{what} is not in the structure tree")
        if annotation.Subtype == Name.Link and not str(annotation.get("/Contents", "")):
            problems.append(f"{what} has no /Contents")
        if annotation.Subtype == Name.Widget:
            field = annotation.get("/Parent", annotation)
            description = str(field.get("/TU", ""))
            if not description or description == str(field.get("/T", "")):
                problems.append(f"{what} has no description a person understands ({description!r})")


def _walk_tree(element: pikepdf.Object, problems: list[str]) -> set[tuple]:
    """The (page, MCID) pairs the tree reaches; empty elements are problems."""
    reached: set[tuple] = set()
    stack = [element]
    while stack:
        element = stack.pop()
        kids = element.get("/K")
        kids = [] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        if not kids:
            problems.append(f"empty element {element.get('/S')}")
        for kid in kids:
            if isinstance(kid, int):
                reached.add((element.Pg.objgen, int(kid)))
            elif kid.get("/Type") == Name.MCR:
                reached.add((kid.Pg.objgen, int(kid.MCID)))
            elif kid.get("/Type") != Name.OBJR:
                if kid.get("/P") is None or kid.P.objgen != element.objgen:
                    problems.append(f"{kid.get('/S')}: /P is not the element holding it")
                stack.append(kid)
    return reached


def rendering_fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    """The fonts in the resources of pages, their form XObjects and annotation
    appearances: every font that can be used to render the document."""
    fonts: dict[tuple, pikepdf.Object] = {}
    pending = []
    for page in pdf.pages:
        pending.append(page.obj.get("/Resources"))
        for annotation in page.obj.get("/Annots", []):
            for states in annotation.get("/AP", {}).values():
                streams = [states] if isinstance(states, pikepdf.Stream) else list(states.values())
                pending += [stream.get("/Resources") for stream in streams]
    seen = set()
    while pending:
        resources = pending.pop()
        if resources is None or (resources.is_indirect and resources.objgen in seen):
            continue
        seen.add(resources.objgen)
        for font in resources.get("/Font", {}).values():
            fonts.setdefault(font.objgen if font.is_indirect else (id(font), 0), font)
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == Name.Form:
                pending.append(xobject.get("/Resources"))
    return list(fonts.values())


def _font_problems(font: pikepdf.Object) -> list[str]:
    simple = font.get("/Subtype") != Name.Type0
    descriptor = (font if simple else font.DescendantFonts[0]).get("/FontDescriptor")
    problems = []
    if descriptor is None or not any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    ):
        problems.append("not embedded")
    if "/ToUnicode" not in font:
        problems.append("no ToUnicode map")
    return problems


def text_without_font(pdf: Path | bytes) -> list[str]:
    """Where text is shown before its BT ... ET block selects a font (Tf), on the pages
    and in the forms they show: invalid PDF, which poppler reports as "No font in
    show/space" and a print shop's preflight rejects. ReportLab selects the font in
    every text block, so a show before it means no font at all."""
    found: list[str] = []
    seen: set[tuple[int, int]] = set()

    def walk(owner: pikepdf.Object, where: str) -> None:
        font = False
        for index, instruction in enumerate(pikepdf.parse_content_stream(owner)):
            operator = str(instruction.operator)
            if operator == "BT":
                font = False
            elif operator == "Tf":
                font = True
            elif operator in TEXT_SHOWING and not font:
                found.append(f"{where}: {operator} (operator {index}) with no font")
        for name, xobject in owner.get("/Resources", {}).get("/XObject", {}).items():
            if xobject.get("/Subtype") == Name.Form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                walk(xobject, f"{where} form {name}")

    with pikepdf.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            walk(page.obj, f"page {number}")
    return found


# --- pdf.js ------------------------------------------------------------------------


def pdfjs_available() -> bool:
    return shutil.which("node") is not None and (PDFJS_DIR / "node_modules" / "pdfjs-dist").is_dir()


def read_with_pdfjs(path: Path, password: str = "") -> dict:
    """pdf.js's view of `path`: per page, the structure tree with texts (structtree.mjs)."""
    command = ["node", str(PDFJS_DIR / "structtree.mjs"), str(path)]
    if password:
        command.append(password)
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
    return json.loads(result.stdout)


def pdfjs_reading_order(pdfjs: dict) -> list[tuple[str, str]]:
    """`reading_order` as pdf.js gives it: (role, text) of each element holding text, a
    description or a form field, page by page. An element on two pages comes twice."""
    out: list[tuple[str, str]] = []

    def visit(node: dict) -> None:
        texts = [kid["text"] for kid in node["kids"] if kid.get("text")]
        fields = [kid["annotation"] for kid in node["kids"] if "annotation" in kid]
        if texts or node.get("alt"):
            out.append((node["role"], " ".join(" ".join(texts).split()) or node["alt"]))
        out.extend(
            (node["role"], f"[{field.get('description') or field.get('contents')}]")
            for field in fields
        )
        for kid in node["kids"]:
            if "role" in kid:
                visit(kid)

    for page in pdfjs["pages"]:
        if page["tree"] is not None:
            visit(page["tree"])
    return out


def pdfjs_nodes(node: dict) -> list[dict]:
    """`node` and every element below it in a pdf.js tree, in reading order."""
    return [node, *(n for kid in node["kids"] if "role" in kid for n in pdfjs_nodes(kid))]


# --- the structure tree, read with pikepdf and pypdf ----------------------------------


def marked_texts(path: Path, password: str = "") -> list[dict[int, str]]:
    """For each page, the text of each marked-content sequence, by MCID (form XObjects
    drawn inside one, such as stamped personal values, included)."""
    reader = pypdf.PdfReader(path, password=password or None)
    pages = []
    for page in reader.pages:
        visitor = _MarkedText()
        page.extract_text(visitor_operand_before=visitor.operator, visitor_text=visitor.text)
        pages.append(visitor.texts)
    return pages


class _MarkedText:
    """Collects a page's text by the MCID it is marked with, as pypdf extracts it."""

    def __init__(self) -> None:
        self.texts: dict[int, str] = {}
        self.open: list[int | None] = []

    def operator(self, operator: bytes, operands: list, *_: object) -> None:
        if operator == b"BDC":
            properties = operands[1] if len(operands) > 1 else None
            mcid = properties.get("/MCID") if hasattr(properties, "get") else None
            self.open.append(None if mcid is None else int(mcid))
        elif operator == b"BMC":
            self.open.append(None)
        elif operator == b"EMC" and self.open:
            self.open.pop()

    def text(self, value: str, *_: object) -> None:
        mcid = next((m for m in reversed(self.open) if m is not None), None)
        if mcid is not None and value:
            self.texts[mcid] = self.texts.get(mcid, "") + value


@dataclass
class Node:
    """A structure element: role, own text, description, kids, and its form fields'
    descriptions (/TU), in reading order."""

    role: str
    text: str
    alt: str
    kids: list[Node]
    fields: list[str]
    attributes: dict[str, str]

    def walk(self) -> list[Node]:
        return [self, *(node for kid in self.kids for node in kid.walk())]

    def find(self, role: str) -> list[Node]:
        return [node for node in self.walk() if node.role == role]

    @property
    def all_text(self) -> str:
        return " ".join(part for node in self.walk() for part in [node.text] if part)


def structure_tree(path: Path, password: str = "") -> Node:
    """The document's structure tree from its `Document` element, with texts."""
    texts = marked_texts(path, password)
    with pikepdf.open(path, password=password) as pdf:
        page_number = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}

        def node(element: pikepdf.Object) -> Node:
            kids = element.get("/K")
            kids = [] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            own, children, fields = [], [], []
            for kid in kids:
                if isinstance(kid, int):
                    own.append(texts[page_number[element.Pg.objgen]].get(int(kid), ""))
                elif kid.get("/Type") == Name.MCR:
                    own.append(texts[page_number[kid.Pg.objgen]].get(int(kid.MCID), ""))
                elif kid.get("/Type") == Name.OBJR:
                    annotation = kid.Obj
                    field = annotation.get("/Parent", annotation)
                    fields.append(
                        str(
                            annotation.get("/TU", field.get("/TU", annotation.get("/Contents", "")))
                        )
                    )
                else:
                    children.append(node(kid))
            attributes = {
                str(key): str(value)
                for key, value in element.get("/A", pikepdf.Dictionary()).items()
            }
            return Node(
                str(element.S)[1:],
                " ".join(" ".join(own).split()),
                str(element.get("/Alt", "")),
                children,
                fields,
                attributes,
            )

        return node(pdf.Root.StructTreeRoot.K)


def reading_order(tree: Node) -> list[tuple[str, str]]:
    """(role, text) of each element holding text or a description, then (role, [field
    description]) for its form fields and links: what a screen reader meets, in order."""
    out: list[tuple[str, str]] = []
    for node in tree.walk():
        if node.text or node.alt:
            out.append((node.role, node.text or node.alt))
        out += [(node.role, f"[{field}]") for field in node.fields]
    return out
