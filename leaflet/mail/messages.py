"""One email per appointment: the patient's documents attached, the personal ones locked.

The wording comes from Jinja2 templates in the content folder's `email/` folder:
`subject.txt`, `body.txt` (plain text) and `body.html` (its alternative, in the clinic's
colours). A content folder without `email/` uses the built-in templates. Templates see
`clinic`, `colours`, `appointment`, `patient` (first name only), `attachments` and
`password` (how to open the locked files, never the password itself).

Nothing personal goes where others see it: a subject that names the patient is refused
(subjects show on lock screens and in shared inboxes), and attachments are named by
document alone (`consent-form.pdf`), never by patient or treatment.
"""

from __future__ import annotations

import email.utils
import re
import traceback
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from jinja2 import Environment, Template, TemplateNotFound, TemplateSyntaxError

from leaflet.errors import LeafletError, SourceError, display_path
from leaflet.mail.encrypt import (
    DATE_OF_BIRTH,
    date_of_birth_password,
    encrypt_pdf,
    example_birthday,
)
from leaflet.packs.appointments import Appointment
from leaflet.sources.brand import Brand
from leaflet.sources.bundled import CONTENT_DIR
from leaflet.sources.dates import format_date
from leaflet.sources.templating import Namespace, make_email_environment

EMAIL_FOLDER = "email"
SUBJECT, BODY_TEXT, BODY_HTML = "subject.txt", "body.txt", "body.html"
#: Attachment file name and title per document: no patient, no treatment.
ATTACHMENTS = {
    "info": ("information-leaflet.pdf", "Information leaflet"),
    "consent": ("consent-form.pdf", "Consent form"),
    "aftercare": ("aftercare-leaflet.pdf", "Aftercare leaflet"),
}
DEFAULT_LANGUAGE = "en-GB"
#: The brand colours email templates can use, as `colours.<name>`.
COLOUR_NAMES = ("primary", "on_primary", "text", "muted", "tint", "urgent", "urgent_tint")
#: Words before a first name that are not the name.
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class PackFile:
    """One built document of a pack; `personal` when it holds the patient's details."""

    document: str  # "info", "consent" or "aftercare"
    path: Path
    personal: bool


@dataclass(frozen=True)
class Pack:
    """An appointment and the documents built for it, to go in one email."""

    appointment: Appointment
    files: tuple[PackFile, ...]


@dataclass(frozen=True)
class Attachment:
    """A file as it is attached: its public name and whether it is locked."""

    name: str
    title: str
    encrypted: bool
    source: Path


@dataclass(frozen=True)
class Letter:
    """The rendered wording of one email and its attachments, before anything is read."""

    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...]


def attachments_of(pack: Pack) -> tuple[Attachment, ...]:
    """The pack's files as they will be attached; unknown documents are refused."""
    attachments = []
    for item in pack.files:
        if item.document not in ATTACHMENTS:
            raise LeafletError(
                f"{item.path}: unknown document {item.document!r}; expected "
                f"one of {', '.join(ATTACHMENTS)}"
            )
        name, title = ATTACHMENTS[item.document]
        attachments.append(Attachment(name, title, item.personal, Path(item.path)))
    return tuple(attachments)


def first_name(patient_name: str) -> str:
    """The first word of a name that is not a title: `Dr Ann Lee` -> `Ann`."""
    words = patient_name.split()
    while len(words) > 1 and words[0].rstrip(".").lower() in _TITLES:
        words = words[1:]
    return words[0] if words else ""


def sender(brand: Brand) -> Address:
    """The From address: the clinic's name and its email setting's or clinic address."""
    address = brand.spec.email.from_address or brand.clinic.email
    return Address(display_name=brand.clinic.name, addr_spec=address)


def message_id_domain(brand: Brand) -> str:
    """The domain Message-IDs are made in: the sender's."""
    return sender(brand).domain


class EmailTemplates:
    """The subject and body templates of a content folder, compiled once per run."""

    def __init__(self, brand: Brand, content_dir: Path | str | None = None) -> None:
        folder = Path(content_dir) / EMAIL_FOLDER if content_dir is not None else None
        if folder is None or not folder.is_dir():
            folder = CONTENT_DIR / EMAIL_FOLDER  # a folder made before email existed
        self.folder = folder
        self.brand = brand
        environment = make_email_environment(folder)
        self._templates = {
            name: self._load(environment, name) for name in (SUBJECT, BODY_TEXT, BODY_HTML)
        }

    def _load(self, environment: Environment, name: str) -> Template:
        path = self.folder / name
        try:
            return environment.get_template(name)
        except TemplateNotFound as err:
            raise SourceError(
                path, f"file not found; {self.folder} needs {SUBJECT}, {BODY_TEXT} and {BODY_HTML}"
            ) from err
        except TemplateSyntaxError as err:
            raise SourceError(path, f"template error: {err.message}", line=err.lineno) from err
        except UnicodeDecodeError as err:
            raise SourceError(path, f"not UTF-8 text ({err.reason} at byte {err.start})") from err

    def render(self, pack: Pack, password_policy: str) -> Letter:
        """The subject, plain text and HTML of `pack`'s email. A template that fails, or a
        subject that would name the patient, is a `SourceError` naming the template."""
        attachments = attachments_of(pack)
        context = self._context(pack, attachments, password_policy)
        subject = " ".join(self._render(SUBJECT, context).split())
        self._check_subject(subject, pack, attachments, password_policy)
        return Letter(
            subject,
            self._render(BODY_TEXT, context) + "\n",
            self._render(BODY_HTML, context) + "\n",
            attachments,
        )

    def _context(
        self,
        pack: Pack,
        attachments: tuple[Attachment, ...],
        password_policy: str,
        patient_first_name: str | None = None,
    ) -> dict[str, Any]:
        personal = pack.appointment.personal
        language = pack.appointment.language or DEFAULT_LANGUAGE
        if patient_first_name is None:
            patient_first_name = first_name(personal.patient_name)
        example = example_birthday(personal.date_of_birth)
        password = {
            "needed": any(item.encrypted for item in attachments),
            "policy": password_policy,
            "example_date": format_date(example, language),
            "example": date_of_birth_password(example),
        }
        return {
            "clinic": Namespace("clinic", self.brand.template_values()),
            "colours": Namespace("colours", {key: self.brand.hex(key) for key in COLOUR_NAMES}),
            "appointment": Namespace(
                "appointment", personal.template_values(language)["appointment"]
            ),
            "patient": Namespace("patient", {"first_name": patient_first_name}),
            "attachments": [
                Namespace(
                    "attachment",
                    {"name": item.name, "title": item.title, "encrypted": item.encrypted},
                )
                for item in attachments
            ],
            "password": Namespace("password", password),
        }

    def _render(self, name: str, context: dict[str, Any]) -> str:
        template = self._templates[name]
        try:
            return template.render(context).strip()
        except Exception as err:  # undefined names and sandbox refusals alike
            message = getattr(err, "message", None) or str(err)
            line = _template_line(err, template.filename)
            raise SourceError(self.folder / name, f"template error: {message}", line=line) from err

    def _check_subject(
        self, subject: str, pack: Pack, attachments: tuple[Attachment, ...], password_policy: str
    ) -> None:
        """Refuse a subject holding a word of the patient's name that the same subject,
        rendered for a patient with no name, does not hold (so a patient who shares a
        word with the clinic's name is not refused)."""
        name = pack.appointment.personal.patient_name.casefold()
        words = {word for word in _WORD.findall(name) if len(word) > 1}
        anonymous = self._context(pack, attachments, password_policy, patient_first_name="")
        expected = set(_WORD.findall(self._render(SUBJECT, anonymous).casefold()))
        if (words & set(_WORD.findall(subject.casefold()))) - expected:
            raise SourceError(
                self.folder / SUBJECT,
                f"the subject names the patient (appointment "
                f"{pack.appointment.appointment_id}); subjects show on lock "
                "screens and in shared inboxes, so they must hold no personal "
                "details: remove {{ patient.first_name }} from it",
            )


def _template_line(err: Exception, filename: str | None) -> int | None:
    """The template line an error was raised at: Jinja2 rewrites tracebacks so that the
    template's own frames carry its file name and line numbers."""
    lines = [
        frame.lineno
        for frame in traceback.extract_tb(err.__traceback__)
        if filename and frame.filename == filename
    ]
    return lines[-1] if lines else None


def compose(
    pack: Pack, letter: Letter, brand: Brand, *, message_id: str, password: str | None
) -> EmailMessage:
    """The email for `pack`: plain text with an HTML alternative, the documents attached,
    each personal one locked with `password`. Unreadable files are a `LeafletError`."""
    message = EmailMessage()
    message["From"] = sender(brand)
    message["To"] = Address(addr_spec=pack.appointment.email)
    if brand.spec.email.reply_to:
        message["Reply-To"] = brand.spec.email.reply_to
    message["Subject"] = letter.subject
    message["Date"] = email.utils.formatdate(localtime=True)
    message["Message-ID"] = message_id
    message.set_content(letter.text)
    message.add_alternative(letter.html, subtype="html")
    for attachment in letter.attachments:
        try:
            data = attachment.source.read_bytes()
        except OSError as err:
            raise LeafletError(
                f"{display_path(attachment.source)}: cannot read ({err.strerror})"
            ) from err
        if attachment.encrypted:
            if not password:
                raise LeafletError(
                    f"{display_path(attachment.source)}: holds personal "
                    "details but there is no password to lock it with"
                )
            data = encrypt_pdf(data, password, attachment.source)
        message.add_attachment(
            data, maintype="application", subtype="pdf", filename=attachment.name
        )
    return message


def password_problem(pack: Pack, password_policy: str) -> str | None:
    """Why the pack's personal documents cannot be locked under the policy, or None."""
    needs_password = any(item.personal for item in pack.files)
    if (
        needs_password
        and password_policy == DATE_OF_BIRTH
        and pack.appointment.personal.date_of_birth is None
    ):
        return "no date of birth to make the password from"
    return None
