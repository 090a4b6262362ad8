"""Loading a clinic's brand: details, logo, colours and fonts, checked before any build.

A brand file is YAML (see `schema.Brand`); paths in it are relative to the file. A brand
can also be given as data, as a multi-clinic service keeps it in its own database: a
mapping with the brand file's fields, whose `logo` and `fonts` may be the files' bytes
(`leaflet.sources.brand_data`). Loading checks what would otherwise spoil a printed
leaflet: missing logo or font files, text colours below the 4.5:1 contrast that
clear-print guidance asks for (suggesting the nearest shade that passes), and clinic
details the fonts cannot print.

A `Brand` is safe to share between threads, and pickles as what it was loaded from, so
worker processes load it again themselves.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError
from reportlab.lib.colors import CMYKColor, Color, HexColor
from reportlab.lib.utils import ImageReader

from leaflet.errors import SourceError
from leaflet.sources import schema
from leaflet.sources.brand_data import BrandFiles, brand_files
from leaflet.sources.bundled import EXAMPLE_BRAND, FONTS_DIR
from leaflet.sources.colour import black_ink, cmyk, cmyk_image, contrast, nearest_passing
from leaflet.sources.fontchain import ARABIC_FONTS, Fallback, FontChain
from leaflet.sources.fonts import (
    FontFileError,
    FontSource,
    describe_chars,
    register_family,
)
from leaflet.sources.languages import match_language, parse_language
from leaflet.sources.reading import MB, UnreadableFile, read_limited
from leaflet.sources.strings import Strings
from leaflet.sources.yamlfile import YamlSource, validate

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
    fonts: FontChain
    logo: Path | None  # the logo file; None when the brand has no logo or gave its bytes
    logo_data: bytes | None  # the logo's bytes, read once
    digests: tuple[bytes, ...]  # SHA-256 of the brand file, the logo and the fonts
    #: What the brand was loaded from: a file, or data (`load_brand` takes either).
    origin: Path | Mapping[str, Any] = field(default=EXAMPLE_BRAND, compare=False, repr=False)
    #: For a print shop: colours in CMYK (`for_press`).
    press: bool = False
    _logo_images: dict[tuple[int, bool], ImageReader] = field(
        default_factory=dict, compare=False, repr=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickled (for a worker process) as what it was loaded from; fonts are
        # registered with ReportLab in each process that loads it.
        return (_load_for_press if self.press else load_brand), (self.origin,)

    @property
    def clinic(self) -> schema.Clinic:
        return self.spec.clinic

    @property
    def is_example(self) -> bool:
        """Whether this is the built-in example clinic's brand."""
        return self.path == EXAMPLE_BRAND

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
        """SHA-256 of everything that shapes the wording's look: the brand file (or
        data), the logo and the font files, as hex."""
        digest = hashlib.sha256()
        for part in self.digests:
            digest.update(part)
        return digest.hexdigest()

    def wording(self, language: str) -> schema.ClinicWording:
        """The clinic's own wording (out of hours, feedback, logo description) in
        `language`; a language the brand file does not give it in is a `SourceError`."""
        spec = self.spec
        if match_language(language, [spec.language]) is not None:
            # Through `validate`, as the brand's own fields: read from the command line's
            # cache, it needs no pydantic.
            wording = {
                "out_of_hours": spec.clinic.out_of_hours,
                "feedback": spec.clinic.feedback,
                "logo_alt": spec.logo_alt,
            }
            clinic_wording: schema.ClinicWording = validate(
                "ClinicWording", YamlSource(self.path, wording)
            )
            return clinic_wording
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
        if self.logo_data is None:
            return None
        pixels = max(1, round(size / 72 * LOGO_DPI))
        key = (pixels, self.press)
        with self._lock:  # one decoding per size, however many threads build at once
            if key not in self._logo_images:
                with Image.open(io.BytesIO(self.logo_data)) as original:
                    image = original.convert("RGBA")
                if image.width > pixels:
                    height = max(1, round(image.height * pixels / image.width))
                    image = image.resize((pixels, height), Image.Resampling.LANCZOS)
                if self.press:  # the logo always stands on the primary colour
                    image = cmyk_image(image, self.cmyk("primary"))
                self._logo_images[key] = ImageReader(image)
            return self._logo_images[key]

    @functools.cached_property
    def logo_pixels(self) -> tuple[int, int] | None:
        """The logo's width and height in pixels, or None without a logo."""
        if self.logo_data is None:
            return None
        with Image.open(io.BytesIO(self.logo_data)) as image:
            return image.size

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


def load_brand(brand: Brand | Path | str | Mapping[str, Any] | None = None) -> Brand:
    """Load a brand: a brand file, a mapping of its fields (`logo` and `fonts` as paths
    or as the files' bytes), or a `Brand` already loaded (returned as it is); None loads
    the built-in example clinic. The first problem found is raised; `inspect_brand`
    reports them all."""
    if isinstance(brand, Brand):
        return brand
    loaded, problems = inspect_brand(brand)
    if loaded is None:
        raise problems[0]
    return loaded


def _load_for_press(brand: Path | Mapping[str, Any]) -> Brand:
    """A print-shop brand, as a worker process loads it again (see `Brand.__reduce__`)."""
    return load_brand(brand).for_press()


def inspect_brand(
    brand: Path | str | Mapping[str, Any] | None = None,
) -> tuple[Brand | None, list[SourceError]]:
    """Load a brand file (or data, as `load_brand` takes it) and collect every problem in
    it: colour pairs below the contrast clear print needs, a missing or unreadable logo
    or font, clinic details the fonts cannot print. The brand is None when there is a
    problem. Malformed YAML and schema errors are raised, as there is nothing further to
    check."""
    files = brand_files(brand if brand is not None else EXAMPLE_BRAND)
    path, source = files.path, files.source
    spec: schema.Brand = validate("Brand", source)
    problems = _Problems(path, source)
    _check_contrast(spec, problems)
    logo, logo_data = _check_logo(spec, files, problems)
    font_sources = [_font(files, face, given) for face, given in _faces(spec)]
    try:
        fonts = FontChain(register_family(*font_sources), _fallbacks(spec, files.base))
    except FontFileError as err:
        problems.add(f"fonts.{err.face}", str(err))
        return None, problems.found
    # Fields as they are (texts, lists of texts): model_dump() would build serializers.
    texts = [(f"clinic.{name}", value) for name, value in spec.clinic]
    for tag, wording in spec.languages.items():
        texts += [(f"languages.{tag}.{name}", v) for name, v in wording]
    for where, value in texts:
        for text in value if isinstance(value, list) else [value or ""]:
            if missing := fonts.missing(text):
                problems.add(where, f"the brand fonts cannot print {describe_chars(missing)}")
    if problems.found:
        return None, problems.found
    digests = (bytes.fromhex(source.sha256), *_digests(logo_data, font_sources))
    return Brand(path, spec, fonts, logo, logo_data, digests, files.origin), []


def _faces(spec: schema.Brand) -> list[tuple[str, str | None]]:
    return [("regular", spec.fonts.regular), ("bold", spec.fonts.bold)]


def _font(files: BrandFiles, face: str, given: str | None) -> FontSource:
    """A face's file or bytes: the brand's own, or the bundled Noto Sans."""
    if given is None:
        return FONTS_DIR / f"NotoSans-{face.title()}.ttf"
    return files.given.get(f"fonts.{face}") or (files.base / given).resolve()


def _digests(logo: bytes | None, fonts: list[FontSource]) -> list[bytes]:
    parts = [] if logo is None else [logo]
    parts += [font if isinstance(font, bytes) else font.read_bytes() for font in fonts]
    return [hashlib.sha256(part).digest() for part in parts]


def _fallbacks(spec: schema.Brand, base: Path) -> tuple[Fallback, ...]:
    """The bundled Arabic family, then the brand's fallback fonts, in order."""
    regular, bold = (FONTS_DIR / name for name in ARABIC_FONTS)
    arabic = Fallback(regular, bold, where="bundled")
    listed = [
        Fallback(
            (base / font.regular).resolve(),
            (base / (font.bold or font.regular)).resolve(),
            where=f"fonts.fallback[{index}]",
            note=font.package or "",
        )
        for index, font in enumerate(spec.fonts.fallback)
    ]
    return (arabic, *listed)


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
    """Every text colour against its background: at least MIN_CONTRAST. A colour that
    falls short gets the nearest shade of it that passes against every colour it meets."""
    colours = {name: getattr(spec.colours, name) for name in type(spec.colours).model_fields}
    colours["white"] = WHITE
    for fg, bg in TEXT_PAIRS:
        ratio = contrast(colours[fg], colours[bg])
        if ratio < MIN_CONTRAST:
            hint = ""
            if fg != "white" and (shade := nearest_passing(fg, colours, TEXT_PAIRS, MIN_CONTRAST)):
                hint = f"; the nearest shade of {fg} that passes is {shade}"
            problems.add(
                f"colours.{fg}",
                f"{fg} {colours[fg]} on {bg} {colours[bg]} has contrast "
                f"{ratio:.2f}:1; text needs at least {MIN_CONTRAST}:1{hint}",
            )


def _check_logo(
    spec: schema.Brand, files: BrandFiles, problems: _Problems
) -> tuple[Path | None, bytes | None]:
    """The logo's path (None when given as bytes) and bytes, when the brand has one. It
    must be a whole PNG or JPEG image of at most MAX_LOGO_PIXELS, checked before it is
    decoded (a 12000 x 12000 logo took 1.3 GB), then decoded once, so that a file cut
    short is found here and not mid-build."""
    if spec.logo is None:
        return None, None
    data = files.given.get("logo")
    logo = None if data is not None else (files.base / spec.logo).resolve()
    if logo is not None:
        try:
            data = read_limited(logo, MAX_LOGO_BYTES)
        except UnreadableFile as err:
            problem = f"logo file not found: {logo}" if str(err) == "file not found" else None
            problems.add("logo", problem or f"{logo}: {err}")
            return logo, None
    assert data is not None, "given, or read above"
    if problem := _logo_problem(data):
        problems.add("logo", f"{logo or 'the logo'} {problem}")
        return logo, None
    return logo, data


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
    except UnidentifiedImageError:  # its message names an in-memory file: say it plainly
        return "is not a PNG or JPEG image (nor any image Pillow knows)"
    except Exception as err:  # Pillow raises many types for damaged images
        return f"is not a readable PNG or JPEG image ({err})"
    return None
