"""Loading a clinic's brand: details, logo, colours and fonts, checked before any build.

A brand file is YAML (see `schema.Brand`); paths in it are relative to the file. Loading
checks what would otherwise spoil a printed leaflet: missing logo or font files, text
colours below the 4.5:1 contrast that clear-print guidance asks for, and clinic details
the fonts cannot print.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from reportlab.lib.colors import CMYKColor, Color, HexColor
from reportlab.lib.utils import ImageReader

from leaflet.errors import SourceError
from leaflet.sources import schema
from leaflet.sources.bundled import EXAMPLE_BRAND, FONTS_DIR
from leaflet.sources.colour import black_ink, cmyk, cmyk_image, contrast
from leaflet.sources.fonts import FontFamily, FontFileError, describe_chars, register_family
from leaflet.sources.languages import match_language, parse_language
from leaflet.sources.reading import MB, UnreadableFile, read_limited
from leaflet.sources.strings import Strings
from leaflet.sources.yamlfile import YamlSource, read_yaml, validate

#: Text colour / background colour pairs the layouts print; each must reach MIN_CONTRAST.
TEXT_PAIRS = (
    ("text", "white"),
    ("text", "tint"),
    ("muted", "white"),
    ("primary", "white"),
    ("on_primary", "primary"),
    ("urgent", "white"),
    ("urgent", "urgent_tint"),
    ("text", "urgent_tint"),
    ("primary", "tint"),
)
MIN_CONTRAST = 4.5
#: Print resolution of the logo: what print shops ask for, and no more.
LOGO_DPI = 300
#: The largest logo decoded (4096 x 4096: 64 MB as RGBA), 16 times what any layout needs.
MAX_LOGO_PIXELS = 4096 * 4096
MAX_LOGO_BYTES = 50 * MB
WHITE = "#ffffff"


@dataclass(frozen=True)
class Brand:
    """A loaded brand: its file's values, resolved paths and registered fonts."""

    path: Path
    spec: schema.Brand
    fonts: FontFamily
    logo: Path | None
    font_paths: tuple[Path, Path]
    #: For a print shop: colours in CMYK (`for_press`).
    press: bool = False
    _logo_images: dict[tuple[int, bool], ImageReader] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def clinic(self) -> schema.Clinic:
        return self.spec.clinic

    def colour(self, name: str) -> Color:
        """A ReportLab colour for a brand colour name (`primary`, `tint`, `white`...): RGB,
        or for a print shop CMYK."""
        if self.press:
            return CMYKColor(*self.cmyk(name))
        return HexColor(self.hex(name))

    def hex(self, name: str) -> str:
        return WHITE if name == "white" else getattr(self.spec.colours, name)

    def markup_colour(self, name: str) -> str:
        """A brand colour as paragraph markup writes it (`<a color="...">`)."""
        if self.press:
            return "cmyk({},{},{},{})".format(*self.cmyk(name))
        return self.hex(name)

    def cmyk(self, name: str) -> tuple[float, float, float, float]:
        """A brand colour in CMYK (fractions): the brand file's exact value where it
        gives one; text in black ink alone, muted text a tint of it; others converted
        from RGB."""
        given = getattr(self.spec.cmyk, name, None)
        if given is not None:
            c, m, y, k = (value / 100 for value in given)
            return c, m, y, k
        if name == "text":  # body text: 100% black ink
            return 0.0, 0.0, 0.0, 1.0
        if name == "muted":  # footers and labels: a tint of black, crisp on press
            return black_ink(self.hex(name))
        return cmyk(self.hex(name))

    def for_press(self) -> Brand:
        """This brand with its colours (and logo) in CMYK, for print-shop files."""
        return dataclasses.replace(self, press=True)

    @functools.cached_property
    def fingerprint(self) -> str:
        """SHA-256 of everything that shapes the wording's look: the brand file, the logo
        and the font files, as hex."""
        digest = hashlib.sha256()
        for path in (self.path, self.logo, *self.font_paths):
            if path is not None:
                digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
        return digest.hexdigest()

    def wording(self, language: str) -> schema.ClinicWording:
        """The clinic's own wording (out of hours, feedback, logo description) in
        `language`; a language the brand file does not give it in is a `SourceError`."""
        spec = self.spec
        if match_language(language, [spec.language]) is not None:
            return schema.ClinicWording(
                out_of_hours=spec.clinic.out_of_hours,
                feedback=spec.clinic.feedback,
                logo_alt=spec.logo_alt,
            )
        found = match_language(language, spec.languages)
        if found is None:
            name = parse_language(language).name
            raise SourceError(
                self.path,
                f"the clinic's wording (out_of_hours, feedback) is in {spec.language}; a "
                f"document in {name} needs it in {name} too: add languages: {language}: "
                "out_of_hours: ..., feedback: ... to the brand file",
                field="languages",
            )
        return spec.languages[found]

    def logo_description(self, strings: Strings) -> str:
        """What a screen reader says for the logo, in the strings' language: the brand's
        description, or the strings' "{clinic} logo"."""
        default = strings.text(strings.words.contact.logo_description, clinic=self.clinic.name)
        return self.wording(strings.tag).logo_alt or default

    def logo_image(self, size: float) -> ImageReader | None:
        """The logo for printing `size` points wide: at most 300 dpi, decoded once.

        A larger logo file adds nothing on paper but bytes and time to every PDF, so it is
        resampled down (never up) and kept for later builds with this brand.
        """
        if self.logo is None:
            return None
        pixels = max(1, round(size / 72 * LOGO_DPI))
        key = (pixels, self.press)
        if key not in self._logo_images:
            with Image.open(self.logo) as original:
                image = original.convert("RGBA")
            if image.width > pixels:
                height = max(1, round(image.height * pixels / image.width))
                image = image.resize((pixels, height), Image.Resampling.LANCZOS)
            if self.press:  # the logo always stands on the primary colour
                image = cmyk_image(image, self.cmyk("primary"))
            self._logo_images[key] = ImageReader(image)
        return self._logo_images[key]

    def template_values(self, language: str | None = None) -> dict[str, str]:
        """The clinic's details as the `clinic` template variables, its own wording in
        `language` (default: the brand's language)."""
        clinic = self.clinic
        wording = self.wording(language or self.spec.language)
        return {
            "name": clinic.name,
            "phone": clinic.phone,
            "email": clinic.email,
            "website": clinic.website or "",
            "address": ", ".join(clinic.address),
            "out_of_hours": wording.out_of_hours,
            "emergency_number": clinic.emergency_number,
            "feedback": wording.feedback,
        }


def load_brand(path: Path | str | None = None) -> Brand:
    """Load a brand file; None loads the built-in example clinic. The first problem
    found is raised; `inspect_brand` reports them all."""
    brand, problems = inspect_brand(path)
    if brand is None:
        raise problems[0]
    return brand


def inspect_brand(path: Path | str | None = None) -> tuple[Brand | None, list[SourceError]]:
    """Load a brand file and collect every problem in it: colour pairs below the contrast
    clear print needs, a missing or unreadable logo or font, clinic details the fonts
    cannot print. The brand is None when there is a problem. Malformed YAML and schema
    errors are raised, as there is nothing further to check."""
    path = Path(path) if path is not None else EXAMPLE_BRAND
    source = read_yaml(path)
    spec = validate(schema.Brand, source)
    problems = _Problems(path, source)
    _check_contrast(spec, problems)
    logo = _check_logo(spec, path.parent, problems)
    font_paths = tuple(
        (path.parent / given).resolve() if given else FONTS_DIR / f"NotoSans-{face.title()}.ttf"
        for face, given in (("regular", spec.fonts.regular), ("bold", spec.fonts.bold))
    )
    try:
        fonts = register_family(*font_paths)
    except FontFileError as err:
        face = "regular" if str(font_paths[0]) in str(err) else "bold"
        problems.add(f"fonts.{face}", str(err))
        return None, problems.found
    texts = [(f"clinic.{name}", value) for name, value in spec.clinic.model_dump().items()]
    for tag, wording in spec.languages.items():
        texts += [(f"languages.{tag}.{name}", v) for name, v in wording.model_dump().items()]
    for where, value in texts:
        for text in value if isinstance(value, list) else [value or ""]:
            if missing := fonts.missing(text):
                problems.add(where, f"the brand fonts cannot print {describe_chars(missing)}")
    if problems.found:
        return None, problems.found
    regular, bold = font_paths
    return Brand(path, spec, fonts, logo, (regular, bold)), []


@dataclass
class _Problems:
    """The problems found in one brand file, each located by its field."""

    path: Path
    source: YamlSource
    found: list[SourceError] = field(default_factory=list)

    def add(self, where: str, problem: str) -> None:
        line = self.source.line_of(tuple(where.split(".")))
        self.found.append(SourceError(self.path, problem, line=line, field=where))


def _check_contrast(spec: schema.Brand, problems: _Problems) -> None:
    """Every text colour against its background: at least MIN_CONTRAST."""
    for fg, bg in TEXT_PAIRS:
        fg_hex = WHITE if fg == "white" else getattr(spec.colours, fg)
        bg_hex = WHITE if bg == "white" else getattr(spec.colours, bg)
        ratio = contrast(fg_hex, bg_hex)
        if ratio < MIN_CONTRAST:
            problems.add(
                f"colours.{fg}",
                f"{fg} {fg_hex} on {bg} {bg_hex} has contrast "
                f"{ratio:.2f}:1; text needs at least {MIN_CONTRAST}:1",
            )


def _check_logo(spec: schema.Brand, base: Path, problems: _Problems) -> Path | None:
    """The logo's path, when the brand has one. It must be a whole PNG or JPEG image of at
    most MAX_LOGO_PIXELS, checked before it is decoded (a 12000 x 12000 logo took 1.3 GB),
    then decoded once, so that a file cut short is found here and not mid-build."""
    if spec.logo is None:
        return None
    logo = (base / spec.logo).resolve()
    try:
        data = read_limited(logo, MAX_LOGO_BYTES)
    except UnreadableFile as err:
        problem = f"logo file not found: {logo}" if str(err) == "file not found" else None
        problems.add("logo", problem or f"{logo}: {err}")
        return logo
    if problem := _logo_problem(data):
        problems.add("logo", f"{logo} {problem}")
    return logo


def _logo_problem(data: bytes) -> str | None:
    """What is wrong with a logo file's bytes, or None."""
    try:
        with warnings.catch_warnings():  # we refuse large images ourselves, below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if image.format not in ("PNG", "JPEG"):
                    return f"is a {image.format} image; use a PNG or JPEG"
                if width * height > MAX_LOGO_PIXELS:
                    return (
                        f"is {width} x {height} pixels, more than the {MAX_LOGO_PIXELS:,} "
                        "leaflet takes; 240 pixels square prints at 300 dpi in every "
                        "layout: make it smaller"
                    )
                image.load()
    except Exception as err:  # Pillow raises many types for damaged images
        return f"is not a readable PNG or JPEG image ({err})"
    return None
