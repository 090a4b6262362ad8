"""One email per appointment: the patient's documents attached, the personal ones locked.

The wording comes from Jinja2 templates in the content folder's `email/` folder, one
folder per language (`email/en-GB/`, `email/pl/`...): `subject.txt`, `body.txt` (plain
text) and `body.html` (its alternative, in the clinic's colours). Each `body.html`
extends `email/layout.html`, the frame all languages share, and fills its blocks. A
content folder without `email/` uses the built-in templates. Templates see `clinic`, `colours`,
`appointment`, `patient` (first name only), `attachments` (each with `fillable` when it
is a form with fields to fill in on screen), `password` (how to open the locked files,
never the password itself), and `language` and `direction` (for the HTML's `lang` and
`dir`). Attachment titles and file names come from the strings of the
email's language.

Nothing personal goes where others see it: the subject template is given no patient or
appointment values at all (subjects show on lock screens and in shared inboxes), and
attachments are named by document alone (`consent-form.pdf`), never by patient or
treatment.
"""

from __future__ import annotations

import email.utils
import traceback
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, Template, TemplateNotFound, TemplateSyntaxError

from leaflet.errors import LeafletError, SourceError, display_path
from leaflet.mail.encrypt import (
    DATE_OF_BIRTH,
    DATE_OF_BIRTH_AND_MOBILE,
    date_of_birth_password,
    encrypt_pdf,
    example_birthday,
    example_mobile_end,
    mobile_end,
)
from leaflet.packs.appointments import Appointment
from leaflet.sources.brand import Brand
from leaflet.sources.bundled import CONTENT_DIR
from leaflet.sources.content import DOCUMENTS
from leaflet.sources.dates import format_date
from leaflet.sources.languages import match_language, parse_language
from leaflet.sources.sandbox import render_bounded
from leaflet.sources.schema.checks import mail_domain
from leaflet.sources.strings import Strings, load_strings
from leaflet.sources.templating import (
    MAX_EMAIL,
    Namespace,
    email_template,
    make_email_environment,
)

EMAIL_FOLDER = "email"
SUBJECT, BODY_TEXT, BODY_HTML = "subject.txt", "body.txt", "body.html"
#: The language of templates an `email/` folder holds directly (made before languages).
UNFOLDERED_LANGUAGE = "en-GB"
#: The brand colours email templates can use, as `colours.<name>`.
COLOUR_NAMES = ("primary", "on_primary", "text", "muted", "tint", "urgent", "urgent_tint")
#: Words before a first name that are not the name.
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
#: Variables the subject template may not use: they hold the patient's details.
WITHHELD_FROM_SUBJECT = ("patient", "appointment")


@dataclass(frozen=True)
class PackFile:
    """One built document of a pack; `personal` when it holds the patient's details,
    `fillable` when it is a form with fields to fill in on screen."""

    document: str  # "info", "consent" or "aftercare"
    path: Path
    personal: bool
    fillable: bool = False


@dataclass(frozen=True)
class Pack:
    """An appointment and the documents built for it, to go in one email."""

    appointment: Appointment
    files: tuple[PackFile, ...]


@dataclass(frozen=True)
class Attachment:
    """A file as it is attached: its public name, whether it is locked, and whether it
    can be filled in on screen."""

    document: str
    name: str
    title: str
    encrypted: bool
    source: Path
    fillable: bool = False


@dataclass(frozen=True)
class Letter:
    """The rendered wording of one email and its attachments, before anything is read."""

    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...]


def attachments_of(pack: Pack, strings: Strings) -> tuple[Attachment, ...]:
    """The pack's files as they will be attached, named and titled in the strings'
    language (never by patient or treatment); unknown documents are refused."""
    attachments = []
    for item in pack.files:
        if item.document not in DOCUMENTS:
            raise LeafletError(
                f"{item.path}: unknown document {item.document!r}; expected "
                f"one of {', '.join(DOCUMENTS)}"
            )
        words, source = getattr(strings.words.attachments, item.document), Path(item.path)
        attachments.append(
            Attachment(item.document, words.file, words.title, item.personal, source, item.fillable)
        )
    return tuple(attachments)


def first_name(patient_name: str) -> str:
    """The first word of a name that is not a title: `Dr Ann Lee` -> `Ann`."""
    words = patient_name.split()
    while len(words) > 1 and words[0].rstrip(".").lower() in _TITLES:
        words = words[1:]
    return words[0] if words else ""


def sender(brand: Brand) -> Address:
    """The From address: the clinic's name and its email setting's or clinic address."""
    return mail_address(brand.spec.email.from_address or brand.clinic.email, brand.clinic.name)


def mail_address(address: str, display_name: str = "") -> Address:
    """`address` (already checked: `schema.email_problem`) as a header carries it, its
    domain in IDNA: `ann@bücher.example` is written `ann@xn--bcher-kva.example`, where a
    bare header would hold `ann@=?utf-8?q?...?=`, which no server delivers."""
    username, _, domain = address.rpartition("@")
    return Address(display_name=display_name, username=username, domain=mail_domain(domain))


def message_id_domain(brand: Brand) -> str:
    """The domain Message-IDs are made in: the sender's."""
    return sender(brand).domain


def email_folder(content_dir: Path | str | None = None) -> Path:
    """The `email/` folder of the content folder, or the built-in one (for a content
    folder made before email existed)."""
    folder = Path(content_dir) / EMAIL_FOLDER if content_dir is not None else None
    if folder is None or not folder.is_dir():
        folder = CONTENT_DIR / EMAIL_FOLDER
    return folder


def email_languages(content_dir: Path | str | None = None) -> dict[str, Path]:
    """The folders of email templates by language tag: `email/<tag>/` in the content
    folder's `email_folder`."""
    folder = email_folder(content_dir)
    found = {
        sub.name: sub
        for sub in sorted(folder.iterdir())
        if sub.is_dir() and (sub / SUBJECT).is_file()
    }
    if (folder / SUBJECT).is_file() and UNFOLDERED_LANGUAGE not in found:
        found[UNFOLDERED_LANGUAGE] = folder
    return found


class EmailTemplates:
    """The subject and body templates of a content folder in one language (default: the
    brand's), compiled once per run."""

    def __init__(
        self, brand: Brand, content_dir: Path | str | None = None, language: str | None = None
    ) -> None:
        wanted = parse_language(language or brand.spec.language)
        folders = email_languages(content_dir)
        tag = match_language(wanted.tag, folders)
        if tag is None:
            where = Path(content_dir) / EMAIL_FOLDER if content_dir is not None else EMAIL_FOLDER
            raise LeafletError(
                f"no email wording in {wanted.name} ({wanted.tag}): add {where}/{wanted.tag}/ "
                f"with {SUBJECT}, {BODY_TEXT} and {BODY_HTML} (there is: "
                f"{', '.join(folders) or 'none'})"
            )
        self.folder = folder = folders[tag]
        self.language = parse_language(tag)
        self.brand = brand
        self.strings = load_strings(tag, content_dir)
        # A language's folder first, then the email folder above it, which holds the
        # layout every language's HTML extends.
        root = email_folder(content_dir)
        self.search = (folder,) if folder == root else (folder, root)
        environment = make_email_environment(self.search, tag)
        self._templates = {
            name: self._load(environment, name) for name in (SUBJECT, BODY_TEXT, BODY_HTML)
        }

    def _load(self, environment: Environment, name: str) -> Template:
        path = self.folder / name
        try:
            return email_template(environment, name)
        except TemplateNotFound as err:
            raise SourceError(
                path, f"file not found; {self.folder} needs {SUBJECT}, {BODY_TEXT} and {BODY_HTML}"
            ) from err
        except TemplateSyntaxError as err:  # in the template, or the layout it extends
            where = Path(err.filename) if err.filename else path
            raise SourceError(where, f"template error: {err.message}", line=err.lineno) from err

    def render(self, pack: Pack, password_policy: str) -> Letter:
        """The subject, plain text and HTML of `pack`'s email. A template that fails, or a
        subject that uses the patient's details, is a `SourceError` naming the template."""
        attachments = attachments_of(pack, self.strings)
        context = self._context(pack, attachments, password_policy)
        subject_context = {
            **context,
            **{name: _WithheldFromSubject(name=name) for name in WITHHELD_FROM_SUBJECT},
        }
        return Letter(
            " ".join(self._render(SUBJECT, subject_context).split()),
            self._render(BODY_TEXT, context) + "\n",
            self._render(BODY_HTML, context) + "\n",
            attachments,
        )

    def _context(
        self, pack: Pack, attachments: tuple[Attachment, ...], password_policy: str
    ) -> dict[str, Any]:
        personal = pack.appointment.personal
        language = self.language.tag
        example = example_birthday(personal.date_of_birth)
        example_end = example_mobile_end(pack.appointment.mobile)
        with_mobile = password_policy == DATE_OF_BIRTH_AND_MOBILE
        password = {
            "needed": any(item.encrypted for item in attachments),
            "policy": password_policy,
            "example_date": format_date(example, language),
            "example_mobile_end": example_end,
            "example": date_of_birth_password(example, example_end if with_mobile else ""),
        }
        return {
            "clinic": Namespace("clinic", self.brand.template_values(language)),
            "colours": Namespace("colours", {key: self.brand.hex(key) for key in COLOUR_NAMES}),
            "appointment": Namespace(
                "appointment", personal.template_values(language)["appointment"]
            ),
            "patient": Namespace("patient", {"first_name": first_name(personal.patient_name)}),
            "attachments": [
                Namespace(
                    "attachment",
                    {
                        "document": item.document,
                        "name": item.name,
                        "title": item.title,
                        "encrypted": item.encrypted,
                        "fillable": item.fillable,
                    },
                )
                for item in attachments
            ],
            "password": Namespace("password", password),
            "language": language,
            "direction": self.language.direction,
        }

    def _render(self, name: str, context: dict[str, Any]) -> str:
        template = self._templates[name]
        try:
            return render_bounded(template, context, MAX_EMAIL).strip()
        except Exception as err:  # undefined names and sandbox refusals alike
            message = getattr(err, "message", None) or str(err)
            # The file it happened in: the template, or the layout it extends.
            path, line = _template_line(err, self.search) or (self.folder / name, None)
            raise SourceError(path, f"template error: {message}", line=line) from err


class _WithheldFromSubject(StrictUndefined):
    """What the subject template sees for `patient` and `appointment`: any use of it is
    an error saying why."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        return (
            f"the subject cannot use {self._undefined_name} details: subjects show on "
            "lock screens and in shared inboxes; remove {{ "
            f"{self._undefined_name}... }}}} from it"
        )


def _template_line(err: Exception, folders: tuple[Path, ...]) -> tuple[Path, int | None] | None:
    """The template file and line an error was raised at (the innermost in `folders`):
    Jinja2 rewrites tracebacks so that templates' own frames carry their file names and
    line numbers."""
    frames = [
        (Path(frame.filename), frame.lineno)
        for frame in traceback.extract_tb(err.__traceback__)
        if Path(frame.filename).parent in folders
    ]
    return frames[-1] if frames else None


def compose(
    pack: Pack, letter: Letter, brand: Brand, *, message_id: str, password: str | None
) -> EmailMessage:
    """The email for `pack`: plain text with an HTML alternative, the documents attached,
    each personal one locked with `password`. Unreadable files are a `LeafletError`."""
    message = EmailMessage()
    message["From"] = sender(brand)
    message["To"] = mail_address(pack.appointment.email)
    if brand.spec.email.reply_to:
        message["Reply-To"] = mail_address(brand.spec.email.reply_to)
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


def password_problem(pack: Pack, password_policy: str) -> tuple[str, str] | None:
    """(column, reason) when the pack's personal documents cannot be locked under the
    policy, or None."""
    if not any(item.personal for item in pack.files):
        return None
    if password_policy not in (DATE_OF_BIRTH, DATE_OF_BIRTH_AND_MOBILE):
        return None
    if pack.appointment.personal.date_of_birth is None:
        return "date_of_birth", "no date of birth to make the password from"
    if password_policy == DATE_OF_BIRTH_AND_MOBILE and not mobile_end(pack.appointment.mobile):
        return "mobile", (
            "no mobile number to make the password from (the password is the date of birth "
            "and the mobile number's last 4 digits); add it to the export, or choose "
            "another email.password in the brand file"
        )
    return None


def policy_password(pack: Pack, password_policy: str) -> str:
    """The password of a date-based policy for `pack` (see `password_problem`)."""
    appointment = pack.appointment
    birthday = appointment.personal.date_of_birth
    assert birthday is not None, "password_problem() refuses packs without one"
    if password_policy == DATE_OF_BIRTH_AND_MOBILE:
        return date_of_birth_password(birthday, mobile_end(appointment.mobile))
    return date_of_birth_password(birthday)


@dataclass
class Wordings:
    """The email templates of each language a run needs, each compiled once."""

    brand: Brand
    content_dir: Path | str | None
    loaded: dict[str, EmailTemplates | LeafletError] = field(default_factory=dict)

    def render(self, pack: Pack, policy: str) -> Letter:
        """The email for `pack` in its appointment's language (default: the brand's); a
        language without email wording is a `LeafletError`."""
        language = pack.appointment.language or self.brand.spec.language
        if language not in self.loaded:
            try:
                self.loaded[language] = EmailTemplates(self.brand, self.content_dir, language)
            except LeafletError as err:
                self.loaded[language] = err
        templates = self.loaded[language]
        if isinstance(templates, LeafletError):
            raise templates
        return templates.render(pack, policy)
