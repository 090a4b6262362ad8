"""Checking the brand, the logo's resolution, every layout and the email templates."""

from __future__ import annotations

from pathlib import Path

from leaflet.check.findings import WARNING, Finding, from_error
from leaflet.check.languages import check_html_language
from leaflet.errors import LeafletError
from leaflet.mail.encrypt import DATE_OF_BIRTH
from leaflet.mail.messages import (
    BODY_HTML,
    EMAIL_FOLDER,
    EmailTemplates,
    Pack,
    PackFile,
    email_languages,
)
from leaflet.packs.appointments import Appointment
from leaflet.render.logo import low_resolution
from leaflet.sources import schema
from leaflet.sources.brand import Brand, inspect_brand
from leaflet.sources.content import DOCUMENTS
from leaflet.sources.layout import Layout, known_layouts, load_layout
from leaflet.sources.personal import Personalisation
from leaflet.sources.yamlfile import read_yaml


def check_brand(path: Path, findings: list[Finding]) -> Brand | None:
    """Load the brand, reporting every problem in it rather than the first."""
    try:
        brand, problems = inspect_brand(path)
    except LeafletError as err:
        findings += from_error(err, path)
        return None
    for problem in problems:
        findings += from_error(problem, path)
    if brand is not None and brand.spec.email.password == DATE_OF_BIRTH:
        line = read_yaml(path).line_of(("email", "password"))
        findings.append(
            Finding(
                WARNING,
                path,
                line,
                "email.password",
                "date-of-birth passwords can be guessed in minutes by anyone who has the "
                "PDF (about 32,500 birthdays); use date-of-birth-and-mobile, or random",
            )
        )
    return brand


def check_logo(brand: Brand, layouts: list[Layout], findings: list[Finding]) -> None:
    """One warning when the logo prints below LOGO_DPI, naming every layout it does so in."""
    if problem := low_resolution(brand, layouts):
        line = read_yaml(brand.path).line_of(("logo",)) if brand.path.is_file() else None
        message = problem.split(": logo: ", 1)[1]
        findings.append(Finding(WARNING, brand.path, line, "logo", message))


def check_layouts(folder: Path, findings: list[Finding]) -> list[Layout]:
    """Every layout in `folder`, loaded; each one that does not load is a finding."""
    loaded = []
    for name in known_layouts(folder):
        try:
            loaded.append(load_layout(name, folder))
        except LeafletError as err:
            findings += from_error(err, folder / f"{name}.yaml")
    return loaded


def check_email(folder: Path, brand: Brand, findings: list[Finding]) -> None:
    """The email templates, rendered for a made-up patient under every password policy,
    so a mistake shows here rather than when a day's emails go out. (A content folder
    without `email/` uses the built-in templates.)"""
    if not (folder / EMAIL_FOLDER).is_dir():
        return
    personal = Personalisation.from_text("Sam Sample", "1990-01-01", "2026-12-01T10:30", "Dr Lee")
    files = tuple(PackFile(name, Path(f"{name}.pdf"), personal=True) for name in DOCUMENTS)
    appointment = Appointment(
        "CHECK", personal, "sample", email="sam@example.com", mobile="07700 900123"
    )
    sample = Pack(appointment, files)
    for language, templates_folder in email_languages(folder).items():
        try:
            templates = EmailTemplates(brand, folder, language)
            for policy in schema.PASSWORD_POLICIES:
                letter = templates.render(sample, policy)
        except LeafletError as err:
            findings += from_error(err, None)
            continue
        html = templates_folder / BODY_HTML
        if found := check_html_language(letter.html, templates.language.tag, html):
            findings.append(found)
