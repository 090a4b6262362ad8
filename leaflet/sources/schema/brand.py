"""The brand file: the clinic's details, logo, colours, fonts and email settings."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field

from leaflet.sources.schema.common import Colour, EmailAddress, LanguageTag, Line, Strict, Website


class Clinic(Strict):
    """The clinic's details, printed in headers and contact boxes and usable in wording."""

    name: Line = Field(description="Clinic name, shown in the header band.")
    address: list[Line] = Field(min_length=1, description="Address lines.")
    phone: Line = Field(description="Phone number as patients should dial it.")
    email: EmailAddress = Field(description="Email address.")
    website: Website | None = Field(
        default=None, description="Website address (https://...); adds a QR code."
    )
    out_of_hours: Line = Field(description="What to do when the clinic is closed.")
    emergency_number: Line = Field(description="Emergency phone number, e.g. 999 or 911.")
    feedback: Line = Field(description="How patients give feedback on the leaflet.")


class Colours(Strict):
    """Brand colours; every text/background pair must reach 4.5:1 contrast."""

    primary: Colour = Field(description="Header band and headings.")
    on_primary: Colour = Field(default="#ffffff", description="Text on the header band.")
    text: Colour = Field(default="#1f2933", description="Body text.")
    muted: Colour = Field(default="#4b5563", description="Footer and labels.")
    tint: Colour = Field(description="Light background of boxes and table headers.")
    urgent: Colour = Field(default="#a4161a", description="Urgent boxes.")
    urgent_tint: Colour = Field(default="#fdecec", description="Background of urgent boxes.")


class FallbackFont(Strict):
    """A font for characters the brand's fonts lack (a patient's name in Chinese, say):
    TrueType (glyf), a path relative to the brand file or absolute. It is read only when
    a character needs it, and skipped when the file is not on this machine."""

    regular: str = Field(description="Regular face (.ttf, or .ttc with TrueType outlines).")
    bold: str | None = Field(default=None, description="Bold face; default: the regular one.")
    package: str | None = Field(
        default=None, description="Where to get it, named in errors (a Debian package)."
    )


Percent = Annotated[float, Field(ge=0, le=100)]
Cmyk = Annotated[
    list[Percent],
    Field(min_length=4, max_length=4, description="cyan, magenta, yellow, black in percent"),
]


class CmykColours(Strict):
    """Exact CMYK values for print-shop files (`--bleed`, `--crop-marks`), each
    [cyan, magenta, yellow, black] in percent, e.g. [100, 20, 30, 40]. A colour left out
    is converted from its RGB value; text is 100% black unless given here."""

    primary: Cmyk | None = None
    on_primary: Cmyk | None = None
    text: Cmyk | None = None
    muted: Cmyk | None = None
    tint: Cmyk | None = None
    urgent: Cmyk | None = None
    urgent_tint: Cmyk | None = None


class Fonts(Strict):
    """TrueType (glyf) font files, relative to the brand file; default: bundled Noto Sans.
    Arabic script (Arabic, Urdu, Persian) prints in the bundled Noto Sans Arabic."""

    regular: str | None = Field(default=None, description="Regular face (.ttf).")
    bold: str | None = Field(default=None, description="Bold face (.ttf).")
    fallback: list[FallbackFont] = Field(
        default_factory=list,
        description="Fonts for characters no other font has, tried in order.",
    )


PasswordPolicy = Literal["date-of-birth-and-mobile", "date-of-birth", "random"]
PASSWORD_POLICIES: tuple[str, ...] = get_args(PasswordPolicy)


class EmailSettings(Strict):
    """How patients' documents are emailed: the sender and how attachments are locked."""

    password: PasswordPolicy = Field(
        default="date-of-birth-and-mobile",
        description="How documents with personal details are locked (AES-256). "
        "date-of-birth-and-mobile: the patient's date of birth as 8 digits, DDMMYYYY, "
        "then the last 4 digits of their mobile number (the appointments' mobile column); "
        "date-of-birth: the date of birth alone, which anyone holding the PDF can guess "
        "in minutes; random: a new password per patient, listed in passwords.csv for the "
        "clinic to give by text message or phone, never by email.",
    )
    from_address: EmailAddress | None = Field(
        default=None, description="The sender's address; default: the clinic's email."
    )
    reply_to: EmailAddress | None = Field(
        default=None, description="Where patients' replies go; default: the sender."
    )


class ClinicWording(Strict):
    """The clinic's own wording in one more language (its details stay as they are)."""

    out_of_hours: Line = Field(description="What to do when the clinic is closed.")
    feedback: Line = Field(description="How patients give feedback on the leaflet.")
    logo_alt: Line | None = Field(
        default=None, description="What the logo shows, in words (default: from the strings)."
    )


class Brand(Strict):
    """A clinic's brand file: details, logo, colours, fonts and email settings."""

    clinic: Clinic = Field(description="The clinic's details.")
    logo: str | None = Field(
        default=None, description="Logo image (PNG or JPEG), relative to the brand file."
    )
    logo_alt: str | None = Field(
        default=None,
        description="What the logo shows, in words: what a screen reader says for it "
        "(default: the clinic's name and 'logo').",
    )
    colours: Colours = Field(description="Brand colours.")
    cmyk: CmykColours = Field(
        default_factory=CmykColours,
        description="Exact CMYK values of brand colours for print-shop files.",
    )
    fonts: Fonts = Field(default_factory=Fonts, description="Brand fonts.")
    email: EmailSettings = Field(
        default_factory=EmailSettings, description="Settings for emailing patients their documents."
    )
    language: LanguageTag = Field(
        default="en-GB",
        description="The language of the clinic's wording in this file (out_of_hours, "
        "feedback, logo_alt), and the language a patient gets when their appointment "
        "does not say.",
    )
    languages: dict[LanguageTag, ClinicWording] = Field(
        default_factory=dict,
        description="The clinic's wording in other languages, by language tag, e.g. pl: "
        "{out_of_hours: ..., feedback: ...}: documents in a language print it.",
    )
