"""leaflet: branded, print-ready PDF patient leaflets from structured clinic content.

The library API, in pipeline order::

    import leaflet
    treatment = leaflet.load_treatment("microneedling")      # content/ (or your folder)
    brand = leaflet.load_brand()                             # the example clinic
    layout = leaflet.load_layout("a4")
    pdf = leaflet.render_pdf(treatment.document("consent"), brand, layout,
                             leaflet.Personalisation.from_text(patient_name="Zoë Ng"))
    pdf.write("consent.pdf")                                 # or use pdf.data
"""

from leaflet.errors import LeafletError
from leaflet.render.document import RenderedPdf, render_pdf
from leaflet.sources.brand import Brand, load_brand
from leaflet.sources.content import DOCUMENTS, Treatment, known_treatments, load_treatment
from leaflet.sources.layout import Layout, known_layouts, load_layout
from leaflet.sources.personal import Personalisation
from leaflet.version import __version__

__all__ = [
    "DOCUMENTS",
    "Brand",
    "Layout",
    "LeafletError",
    "Personalisation",
    "PressOptions",
    "RenderedPdf",
    "Treatment",
    "__version__",
    "known_layouts",
    "known_treatments",
    "load_brand",
    "load_layout",
    "load_treatment",
    "render_pdf",
]
