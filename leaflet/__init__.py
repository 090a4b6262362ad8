"""leaflet: branded, print-ready PDF patient leaflets from structured clinic content.

The library API, in pipeline order::

    import leaflet
    treatment = leaflet.load_treatment("microneedling")      # content/ (or your folder)
    brand = leaflet.load_brand()                             # the example clinic
    layout = leaflet.load_layout("a4")
    pdf = leaflet.render_pdf(treatment.document("consent"), brand, layout,
                             leaflet.Personalisation.from_text(patient_name="Zoë Ng"))
    pdf.write("consent.pdf")                                 # or use pdf.data

A day's appointments: `read_appointments`, then `build_batch` or `email_appointments`.
A service building many personalised documents keeps a `BaseCache` and calls its
`render(document, brand, layout, personal)`: each document is laid out once and then only
stamped with each patient's details; one that builds batch after batch keeps a
`WorkerPool` and passes it to `build_batch(..., pool=pool)`. The command line calls
`use_validated_cache()`: files it validated before are read back without pydantic, as
plain objects that read like the models (a library caller gets the models themselves).
Names are imported on first use (PEP 562), so `import leaflet` is quick and loads only
what a program uses; `from leaflet import *` gives every name in `__all__`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from leaflet import deferred_patterns
from leaflet.version import __version__

# Before anything loads ReportLab's layout code (see the module).
deferred_patterns.install()

__all__ = [
    "CONTENT_DIR",
    "DOCUMENTS",
    "EXPORT_FIELDS",
    "LAYOUTS_DIR",
    "LEDGER_NAME",
    "MANIFEST_NAME",
    "Appointment",
    "Argument",
    "BaseCache",
    "BatchResult",
    "BatchSettings",
    "Brand",
    "BuiltDocument",
    "Catalogue",
    "ContentDocument",
    "DeliveryReport",
    "EmailResult",
    "ExportFormat",
    "ExportReport",
    "Finding",
    "ForkedJobs",
    "Layout",
    "LayoutFitError",
    "LeafletError",
    "LeafletWarning",
    "ManifestEntry",
    "OutboxTransport",
    "OutputError",
    "Pack",
    "PackFile",
    "PasswordNeeded",
    "Personalisation",
    "PressOptions",
    "RenderedPdf",
    "RowProblem",
    "SmtpServer",
    "SmtpTransport",
    "SourceError",
    "Treatment",
    "Verdict",
    "WorkerPool",
    "Workspace",
    "__version__",
    "build_batch",
    "build_document",
    "catalogue",
    "check_all",
    "check_summary",
    "deliver",
    "display_path",
    "email_appointments",
    "find_packs",
    "find_workspace",
    "init_workspace",
    "inspect_brand",
    "inspect_export",
    "known_layouts",
    "known_treatments",
    "load_brand",
    "load_layout",
    "load_treatment",
    "parse_appointment",
    "parse_appointments",
    "parse_date_of_birth",
    "parse_email",
    "parse_name",
    "parse_phone",
    "read_appointments",
    "read_export_text",
    "read_manifest",
    "render_pdf",
    "start_jobs",
    "treatment_from_data",
    "use_validated_cache",
    "verify",
]

#: Where each public name lives: module, and the name there.
_WHERE: dict[str, tuple[str, str]] = {
    "Appointment": ("leaflet.packs.appointments", "Appointment"),
    "Argument": ("leaflet.errors", "Argument"),
    "BaseCache": ("leaflet.render.stamp", "BaseCache"),
    "BatchResult": ("leaflet.packs.batch", "BatchResult"),
    "BatchSettings": ("leaflet.packs.planner", "BatchSettings"),
    "Brand": ("leaflet.sources.brand", "Brand"),
    "BuiltDocument": ("leaflet.packs.builder", "BuiltDocument"),
    "CONTENT_DIR": ("leaflet.sources.bundled", "CONTENT_DIR"),
    "Catalogue": ("leaflet.sources.catalogue", "Catalogue"),
    "ContentDocument": ("leaflet.sources.content", "ContentDocument"),
    "DOCUMENTS": ("leaflet.sources.documents", "DOCUMENTS"),
    "DeliveryReport": ("leaflet.mail.delivery", "DeliveryReport"),
    "EmailResult": ("leaflet.mail.emailing", "EmailResult"),
    "EXPORT_FIELDS": ("leaflet.sources.schema.export_fields", "EXPORT_FIELDS"),
    "ExportFormat": ("leaflet.sources.exports", "ExportFormat"),
    "ExportReport": ("leaflet.packs.appointments", "ExportReport"),
    "Finding": ("leaflet.check", "Finding"),
    "ForkedJobs": ("leaflet.packs.forked", "ForkedJobs"),
    "LAYOUTS_DIR": ("leaflet.sources.bundled", "LAYOUTS_DIR"),
    "LEDGER_NAME": ("leaflet.mail.ledger", "LEDGER_NAME"),
    "Layout": ("leaflet.sources.layout", "Layout"),
    "LayoutFitError": ("leaflet.errors", "LayoutFitError"),
    "LeafletError": ("leaflet.errors", "LeafletError"),
    "LeafletWarning": ("leaflet.errors", "LeafletWarning"),
    "MANIFEST_NAME": ("leaflet.packs.manifest", "MANIFEST_NAME"),
    "ManifestEntry": ("leaflet.packs.manifest", "ManifestEntry"),
    "OutboxTransport": ("leaflet.mail.transports", "OutboxTransport"),
    "PasswordNeeded": ("leaflet.render.provenance", "PasswordNeeded"),
    "OutputError": ("leaflet.errors", "OutputError"),
    "Pack": ("leaflet.mail.messages", "Pack"),
    "PackFile": ("leaflet.mail.messages", "PackFile"),
    "Personalisation": ("leaflet.sources.personal", "Personalisation"),
    "PressOptions": ("leaflet.render.press", "PressOptions"),
    "RenderedPdf": ("leaflet.render.output", "RenderedPdf"),
    "RowProblem": ("leaflet.packs.appointments", "RowProblem"),
    "SmtpServer": ("leaflet.mail.emailing", "SmtpServer"),
    "SmtpTransport": ("leaflet.mail.transports", "SmtpTransport"),
    "SourceError": ("leaflet.errors", "SourceError"),
    "Treatment": ("leaflet.sources.content", "Treatment"),
    "Verdict": ("leaflet.render.provenance", "Verdict"),
    "WorkerPool": ("leaflet.packs.workers", "WorkerPool"),
    "Workspace": ("leaflet.sources.workspace", "Workspace"),
    "build_batch": ("leaflet.packs.batch", "build_batch"),
    "build_document": ("leaflet.render.document", "build_document"),
    "catalogue": ("leaflet.sources.catalogue", "catalogue"),
    "check_all": ("leaflet.check", "check_all"),
    "check_summary": ("leaflet.check", "summary"),
    "deliver": ("leaflet.mail.delivery", "deliver"),
    "display_path": ("leaflet.errors", "display_path"),
    "email_appointments": ("leaflet.mail.emailing", "email_appointments"),
    "find_packs": ("leaflet.mail.delivery", "find_packs"),
    "find_workspace": ("leaflet.sources.workspace", "find_workspace"),
    "init_workspace": ("leaflet.sources.workspace", "init_workspace"),
    "inspect_export": ("leaflet.packs.appointments", "inspect_export"),
    "inspect_brand": ("leaflet.sources.brand", "inspect_brand"),
    "known_layouts": ("leaflet.sources.layout", "known_layouts"),
    "known_treatments": ("leaflet.sources.content", "known_treatments"),
    "load_brand": ("leaflet.sources.brand", "load_brand"),
    "load_layout": ("leaflet.sources.layout", "load_layout"),
    "load_treatment": ("leaflet.sources.content", "load_treatment"),
    "parse_appointment": ("leaflet.sources.personal", "parse_appointment"),
    "parse_appointments": ("leaflet.packs.appointments", "parse_appointments"),
    "parse_date_of_birth": ("leaflet.sources.personal", "parse_date_of_birth"),
    "parse_name": ("leaflet.sources.personal", "parse_name"),
    "parse_email": ("leaflet.sources.personal", "parse_email"),
    "parse_phone": ("leaflet.sources.personal", "parse_phone"),
    "read_appointments": ("leaflet.packs.appointments", "read_appointments"),
    "read_export_text": ("leaflet.packs.appointments", "read_export_text"),
    "read_manifest": ("leaflet.packs.manifest", "read_manifest"),
    "render_pdf": ("leaflet.render.document", "render_pdf"),
    "start_jobs": ("leaflet.packs.batch", "start_jobs"),
    "treatment_from_data": ("leaflet.sources.content_data", "treatment_from_data"),
    "use_validated_cache": ("leaflet.sources.validated", "switch_on"),
    "verify": ("leaflet.render.provenance", "verify"),
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'leaflet' has no attribute {name!r}")
    module, attribute = _WHERE[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:
    from leaflet.check import Finding, check_all
    from leaflet.check import summary as check_summary
    from leaflet.errors import (
        Argument,
        LayoutFitError,
        LeafletError,
        LeafletWarning,
        OutputError,
        SourceError,
        display_path,
    )
    from leaflet.mail.delivery import DeliveryReport, deliver, find_packs
    from leaflet.mail.emailing import EmailResult, SmtpServer, email_appointments
    from leaflet.mail.ledger import LEDGER_NAME
    from leaflet.mail.messages import Pack, PackFile
    from leaflet.mail.transports import OutboxTransport, SmtpTransport
    from leaflet.packs.appointments import (
        Appointment,
        ExportReport,
        RowProblem,
        inspect_export,
        parse_appointments,
        read_appointments,
        read_export_text,
    )
    from leaflet.packs.batch import BatchResult, build_batch, start_jobs
    from leaflet.packs.builder import BuiltDocument
    from leaflet.packs.forked import ForkedJobs
    from leaflet.packs.manifest import MANIFEST_NAME, ManifestEntry, read_manifest
    from leaflet.packs.planner import BatchSettings
    from leaflet.packs.workers import WorkerPool
    from leaflet.render.document import build_document, render_pdf
    from leaflet.render.output import RenderedPdf
    from leaflet.render.press import PressOptions
    from leaflet.render.provenance import PasswordNeeded, Verdict, verify
    from leaflet.render.stamp import BaseCache
    from leaflet.sources.brand import Brand, inspect_brand, load_brand
    from leaflet.sources.bundled import CONTENT_DIR, LAYOUTS_DIR
    from leaflet.sources.catalogue import Catalogue, catalogue
    from leaflet.sources.content import (
        ContentDocument,
        Treatment,
        known_treatments,
        load_treatment,
    )
    from leaflet.sources.content_data import treatment_from_data
    from leaflet.sources.documents import DOCUMENTS
    from leaflet.sources.exports import ExportFormat
    from leaflet.sources.layout import Layout, known_layouts, load_layout
    from leaflet.sources.personal import (
        Personalisation,
        parse_appointment,
        parse_date_of_birth,
        parse_email,
        parse_name,
        parse_phone,
    )
    from leaflet.sources.schema.export_fields import EXPORT_FIELDS
    from leaflet.sources.validated import switch_on as use_validated_cache
    from leaflet.sources.workspace import Workspace, find_workspace, init_workspace
