"""Provenance: which wording a PDF was built from, and whether it is still current.

Every PDF records its document reference, version and a SHA-256 fingerprint of the exact
content file, treatment settings and brand (details, logo and fonts) it was built from.
A clinic can then prove which wording a patient saw, and `leaflet verify` says whether
today's content would still give the same wording. Personal details and the layout are
left out on purpose: the fingerprint identifies the wording, not the patient or the paper.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.pdfbase.pdfdoc import PDFDocument, PDFInfo, PDFString

from leaflet.errors import Argument, LeafletError
from leaflet.sources.brand import Brand, load_brand
from leaflet.sources.content import ContentDocument, load_treatment
from leaflet.sources.reading import MB, UnreadableFile, read_limited

if TYPE_CHECKING:
    import pypdf

#: The PDF Info entries leaflet adds (custom keys are allowed by the PDF standard).
REFERENCE_KEY, VERSION_KEY, FINGERPRINT_KEY, SOURCE_KEY = (
    "LeafletReference",
    "LeafletVersion",
    "LeafletFingerprint",
    "LeafletSource",
)
SHORT = 8  # characters of the fingerprint printed on a consent form
#: Far larger than any leaflet (a few hundred KB); `verify` reads no more.
MAX_PDF_BYTES = 100 * MB


def fingerprint(document: ContentDocument, brand: Brand) -> str:
    """SHA-256 over the document file, the treatment files, the strings and the brand, as
    hex."""
    digest = hashlib.sha256()
    for part in (*document.inputs, brand.fingerprint):
        digest.update(part.encode("ascii"))
    return digest.hexdigest()


class ProvenanceInfo(PDFInfo):
    """The PDF Info dictionary with leaflet's provenance entries added."""

    def __init__(self, entries: dict[str, str]) -> None:
        super().__init__()
        self.entries = entries

    def format(self, document: PDFDocument) -> bytes:
        formatted = super().format(document)
        extra = b"".join(
            b"/" + key.encode("ascii") + b" " + PDFString(value).format(document) + b"\n"
            for key, value in self.entries.items()
        )
        return formatted.replace(b">>", extra + b">>", 1) if extra else formatted


def entries(document: ContentDocument, brand: Brand) -> dict[str, str]:
    """The provenance entries for a PDF of `document` with `brand`."""
    return {
        REFERENCE_KEY: document.meta.reference,
        VERSION_KEY: document.meta.version,
        FINGERPRINT_KEY: fingerprint(document, brand),
        SOURCE_KEY: f"{document.treatment.slug}/{document.meta.language}/{document.name}",
    }


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: the PDF's recorded provenance and whether it still holds."""

    reference: str
    version: str
    source: str
    recorded: str
    current: str | None  # None when the document is no longer in the content

    @property
    def matches(self) -> bool:
        return self.current == self.recorded

    def describe(self) -> str:
        head = (
            f"{self.reference} version {self.version} ({self.source}), "
            f"fingerprint {self.recorded[:SHORT]}"
        )
        if self.current is None:
            return f"{head}: this document is not in the content folder any more"
        if self.matches:
            return f"{head}: the current content and brand give the same wording"
        return (
            f"{head}: the current content or brand differs (now {self.current[:SHORT]}); "
            "this PDF shows wording that has since changed"
        )


def verify(
    pdf_path: Path | str,
    brand: Brand | Path | str | None = None,
    content_dir: Path | str | None = None,
    password: str | None = None,
) -> Verdict:
    """Read a PDF's provenance and compare it with the current content and `brand` (a
    loaded brand or a brand file; None: the built-in example clinic). A PDF locked with
    a password (as `leaflet email` sends them) needs `password`; without the right one,
    `PasswordNeeded` says so."""
    if not isinstance(brand, Brand):
        brand = load_brand(brand)
    path = Path(pdf_path)
    try:
        data = read_limited(path, MAX_PDF_BYTES)
    except UnreadableFile as err:
        raise LeafletError(f"{path}: {err}") from err
    try:
        info: Mapping[str, Any] = _reader(data, path, password).metadata or {}
        values = {
            key: info.get(f"/{key}")
            for key in (REFERENCE_KEY, VERSION_KEY, FINGERPRINT_KEY, SOURCE_KEY)
        }
    except LeafletError:
        raise
    except Exception as err:  # a damaged PDF fails in many ways inside pypdf
        raise LeafletError(f"{path}: not a readable PDF ({err})") from err
    if any(value is None for value in values.values()):
        raise LeafletError(
            f"{path}: no leaflet provenance in this PDF (it was not made by "
            "leaflet, or by a version before provenance was recorded)"
        )
    # treatment/language/document; a PDF made before languages says treatment/document.
    slug, *language, name = str(values[SOURCE_KEY]).split("/")
    try:
        document = load_treatment(slug, content_dir).document(name, *language[:1])
        current = fingerprint(document, brand)
    except LeafletError:
        current = None
    return Verdict(
        printable(values[REFERENCE_KEY]),
        printable(values[VERSION_KEY]),
        printable(values[SOURCE_KEY]),
        printable(values[FINGERPRINT_KEY]),
        current,
    )


def _reader(data: bytes, path: Path, password: str | None) -> pypdf.PdfReader:
    """A reader of the PDF, its password lock (if any) taken off first."""
    import pypdf  # only `verify` reads PDFs: building one needs no PDF reader

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted
    except pypdf.errors.DependencyError:  # AES, and no `cryptography` to read it
        locked = True
    if locked:
        reader = pypdf.PdfReader(io.BytesIO(unlocked(data, path, password)))
    return reader


class PasswordNeeded(LeafletError):
    """The PDF is locked with a password, and none (or not its own) was given."""


def unlocked(data: bytes, path: Path, password: str | None) -> bytes:
    """The PDF `data` with its password lock taken off. pikepdf (qpdf) reads every PDF
    encryption, AES-256 included, with no further library; pypdf would need
    `cryptography` for AES."""
    import pikepdf  # only for a locked PDF

    try:
        with pikepdf.open(io.BytesIO(data), password=password or "") as pdf:
            plain = io.BytesIO()
            pdf.save(plain, encryption=False)
    except pikepdf.PasswordError as err:
        why = "is locked with a password" if not password else "does not open with that password"
        raise PasswordNeeded(
            f"{path}: this PDF {why}; give the one it was sent with (the clinic's "
            "email.password setting says how it is made) as ",
            Argument("password='...'", "--password, or type it when asked"),
        ) from err
    return plain.getvalue()


def printable(value: object, limit: int = 100) -> str:
    """A value read from a PDF, safe to print on one line: line breaks and other control
    or formatting characters (which could forge output lines or reorder text) are shown
    as escapes, and a long value is cut short."""
    text = "".join(
        char if char.isprintable() and unicodedata.category(char) != "Cf" else f"\\u{ord(char):04x}"
        for char in str(value)
    )
    return text if len(text) <= limit else text[:limit] + "..."
