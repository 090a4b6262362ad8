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

__version__ = "0.1.0"

from leaflet.brand import Brand, load_brand
from leaflet.content import DOCUMENTS, Treatment, known_treatments, load_treatment
from leaflet.errors import LeafletError
from leaflet.layout import Layout, known_layouts, load_layout
from leaflet.personal import Personalisation
from leaflet.render import RenderedPdf, render_pdf

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
