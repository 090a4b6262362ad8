"""Emailing each patient's pack: composed, locked, sent once, resumed after any failure.

Mail goes to a real SMTP server on 127.0.0.1 (aiosmtpd), started per test, whose handler
keeps what it receives and can refuse an address or drop the connection during DATA.
No test waits on a clock: retries are counted through a recording `sleep`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.policy
import io
import ipaddress
import shutil
import socket
import ssl
import stat
from collections import Counter
from dataclasses import replace
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pypdf
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from conftest import (
    BRAND_NOTE,
    copy_content,
    normalise,
    personalisation,
    replace_in,
    write_brand,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import leaflet
from leaflet.check import reading_age
from leaflet.mail.delivery import Outcome, PlannedMessage, deliver, find_packs
from leaflet.mail.encrypt import PASSWORD_ALPHABET, PASSWORDS_NAME, PasswordFile
from leaflet.mail.ledger import FAILED_PERMANENT, FAILED_TEMPORARY, QUEUED, SENT, read_ledger
from leaflet.mail.messages import EmailTemplates, Pack, PackFile
from leaflet.mail.transports import OutboxTransport, SmtpTransport
from leaflet.packs.appointments import Appointment

PATIENTS = {  # appointment id: (name, date of birth, address, password)
    # The default password: the date of birth, then the mobile number's last 4 digits.
    "A1": ("Ann O'Brien", "1985-04-23", "ann@example.org", "230419850123"),
    "A2": ("Bilal Khan", "1979-11-02", "bilal@example.org", "021119790456"),
    "A3": ("Chloé Martin", "1992-06-15", "chloe@example.org", "150619920789"),
}
MOBILES = {"A1": "07700 900123", "A2": "+44 (0)7700 900456", "A3": "07700-900-789"}
LEAFLETS = ["information-leaflet.pdf", "consent-form.pdf"]


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def brand() -> leaflet.Brand:
    return leaflet.load_brand()


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """A consent form prepared for each patient, and an information leaflet for nobody."""
    folder = tmp_path_factory.mktemp("packs")
    treatment = leaflet.load_treatment("microneedling")
    brand, layout = leaflet.load_brand(), leaflet.load_layout("a4")
    paths = {"info": folder / "info.pdf"}
    leaflet.render_pdf(treatment.document("info"), brand, layout).write(paths["info"])
    for ident, (name, born, _, _) in PATIENTS.items():
        paths[ident] = folder / f"{ident}-consent.pdf"
        leaflet.render_pdf(
            treatment.document("consent"), brand, layout, personalisation(name, date_of_birth=born)
        ).write(paths[ident])
    return paths


def make_pack(
    pdfs: dict[str, Path],
    ident: str,
    *,
    email: str | None = None,
    date_of_birth: str | None = "patient's",
) -> Pack:
    name, born, address, _ = PATIENTS[ident]
    born = born if date_of_birth == "patient's" else date_of_birth
    appointment = Appointment(
        ident,
        personalisation(name, date_of_birth=born),
        "microneedling",
        email=address if email is None else email,
        mobile=MOBILES[ident],
    )
    return Pack(
        appointment,
        (
            PackFile("info", pdfs["info"], personal=False),
            PackFile("consent", pdfs[ident], personal=True),
        ),
    )


@pytest.fixture()
def packs(pdfs) -> list[Pack]:
    return [make_pack(pdfs, ident) for ident in PATIENTS]


class Mailbox:
    """An aiosmtpd handler that keeps each message, refuses chosen addresses with a given
    reply and drops the connection during DATA for chosen messages (counted from 1)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: dict[str, str] = {}  # address: reply to RCPT
        self.drop_on: set[int] = set()
        self.data_commands = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        if self.data_commands in self.drop_on:
            server.transport.close()
            return "421 gone"
        self.messages.append(BytesParser(policy=email.policy.default).parsebytes(envelope.content))
        return "250 Message accepted"

    def per_message_id(self) -> Counter:
        return Counter(message["Message-ID"] for message in self.messages)


def free_port() -> int:
    """A port nothing listens on (the OS just handed it out and it was closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def smtp_server(port: int | None = None, **smtp_options):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port or free_port(), **smtp_options)
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


@pytest.fixture()
def server():
    with smtp_server() as running:
        yield running


def plain_smtp(port: int, **options) -> SmtpTransport:
    return SmtpTransport("127.0.0.1", port, security="none", timeout=5, environ={}, **options)


class Sleeps(list):
    """A `sleep` that records the delays asked for instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def run(packs, brand, tmp_path, transport, **options):
    options.setdefault("attempts", 1)
    options.setdefault("sleep", Sleeps())
    return deliver(
        packs, brand, transport=transport, ledger_path=tmp_path / "ledger.sqlite3", **options
    )


def attachments(message: EmailMessage) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def pdf_text(data: bytes, password: str | None = None) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    if password is not None:
        assert reader.decrypt(password) != pypdf.PasswordType.NOT_DECRYPTED
    return normalise(" ".join(page.extract_text() for page in reader.pages))


def plain_body(message: EmailMessage) -> str:
    """The plain text part, with the CRLF line ends of the wire made plain newlines."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def by_recipient(mailbox: Mailbox) -> dict[str, EmailMessage]:
    return {message["To"].addresses[0].addr_spec: message for message in mailbox.messages}


# --- composing and locking --------------------------------------------------------------


def test_each_patient_gets_one_intact_email(packs, brand, tmp_path, server):
    mailbox, port = server
    report = run(packs, brand, tmp_path, plain_smtp(port))
    assert [outcome.appointment_id for outcome in report.sent] == ["A1", "A2", "A3"]
    assert report.ok and report.summary() == "3 sent"
    ledger = read_ledger(tmp_path / "ledger.sqlite3")
    for ident, (name, _, address, _) in PATIENTS.items():
        message = by_recipient(mailbox)[address]
        assert str(message["From"]) == "Example Skin Clinic <hello@example.com>"
        assert message["Message-ID"] == ledger[ident].message_id
        assert message["Message-ID"].endswith("@example.com>")
        assert message["Subject"] == "Your appointment at Example Skin Clinic"
        text = plain_body(message)
        first_name = name.split()[0]
        assert text.startswith(
            f"Hello {first_name},\n\nThis email is from Example Skin "
            "Clinic. It is about your appointment on Tuesday, 1 December "
            "2026 at 10:30 with Dr Priya Patel.\n"
        )
        assert "- Consent form (consent-form.pdf): locked with a password\n" in text
        assert "\nSome of them hold your personal details." in text  # the leaflet is not
        html = message.get_body(("html",)).get_content()
        assert f"Hello {first_name}," in html and "background-color:#0b5d6b" in html
        assert list(attachments(message)) == LEAFLETS
        assert all(
            part.get_content_type() == "application/pdf" for part in message.iter_attachments()
        )


def test_nothing_personal_in_subjects_or_attachment_names(packs, brand, tmp_path, server):
    mailbox, port = server
    run(packs, brand, tmp_path, plain_smtp(port))
    for message in mailbox.messages:
        visible = " ".join([message["Subject"], *attachments(message)]).lower()
        for name, born, _, password in PATIENTS.values():
            assert not any(word.lower() in visible for word in name.split())
            assert born not in visible and password not in visible
        assert "microneedling" not in visible
        # The body explains the format with a made-up date, never the patient's own.
        body = plain_body(message)
        assert (
            "if you were born on 7 March 1990 and your mobile number ends in 4821, your "
            "password is 070319904821."
        ) in body
        assert not any(password in body for *_, password in PATIENTS.values())


def test_personal_documents_open_only_with_the_password(packs, brand, tmp_path, server):
    mailbox, port = server
    run(packs, brand, tmp_path, plain_smtp(port))
    for name, _, address, password in PATIENTS.values():
        files = attachments(by_recipient(mailbox)[address])
        locked = pypdf.PdfReader(io.BytesIO(files["consent-form.pdf"]))
        assert locked.is_encrypted
        encryption = locked.trailer["/Encrypt"]
        assert (encryption["/V"], encryption["/R"]) == (5, 6)  # AES-256
        assert locked.decrypt("01011990") == pypdf.PasswordType.NOT_DECRYPTED
        assert locked.decrypt(password[:8]) == pypdf.PasswordType.NOT_DECRYPTED  # birthday
        with pytest.raises(pypdf.errors.FileNotDecryptedError):
            locked.pages[0].extract_text()
        assert f"Full name {name}" in pdf_text(files["consent-form.pdf"], password)
        leaflet_text = pdf_text(files["information-leaflet.pdf"])  # no password needed
        assert not pypdf.PdfReader(io.BytesIO(files["information-leaflet.pdf"])).is_encrypted
        assert "Microneedling" in leaflet_text and name not in leaflet_text


def test_random_passwords_are_kept_for_the_clinic_and_reused(packs, brand, tmp_path, server):
    random_brand = leaflet.load_brand(
        write_brand(tmp_path, {"password: date-of-birth-and-mobile": "password: random"})
    )
    mailbox, port = server
    down = run(packs[:1], random_brand, tmp_path, plain_smtp(free_port()))
    assert down.temporary and not mailbox.messages
    passwords_file = tmp_path / PASSWORDS_NAME
    assert stat.S_IMODE(passwords_file.stat().st_mode) == 0o600
    first = PasswordFile(passwords_file).password_for("A1")
    assert len(first) == 12 and set(first) <= set(PASSWORD_ALPHABET)

    report = run(packs, random_brand, tmp_path, plain_smtp(port))
    assert len(report.sent) == 3
    lines = passwords_file.read_text().splitlines()
    assert lines[0] == "appointment_id,password" and len(lines) == 4
    passwords = dict(line.split(",") for line in lines[1:])
    assert passwords["A1"] == first  # the queued message kept its password
    for ident, (name, _, address, _) in PATIENTS.items():
        message = by_recipient(mailbox)[address]
        body = message.as_string()
        assert passwords[ident] not in body
        assert (
            "We will give you the password in a text message or on the phone. We never "
            "put it in an email."
        ) in plain_body(message)
        assert f"Full name {name}" in pdf_text(
            attachments(message)["consent-form.pdf"], passwords[ident]
        )


@pytest.mark.parametrize("policy", ["date-of-birth-and-mobile", "date-of-birth", "random"])
def test_the_wording_is_plain(pdfs, brand, policy):
    """The same reading-age target as the leaflets (`leaflet check`): about 11."""
    letter = EmailTemplates(brand).render(make_pack(pdfs, "A1"), policy)
    age = reading_age(letter.text).age
    assert round(age) <= 11


#: What the email says when the consent form it carries has fields to fill in.
FILL_IN_ON_SCREEN = {
    "en-GB": "You can type your answers into the form on screen, or print it and write them "
    "in by hand.",
    "pl": "Możesz wpisać odpowiedzi do formularza na ekranie albo go wydrukować i wypełnić "
    "ręcznie.",
    "cy": "Gallwch chi deipio eich atebion yn y ffurflen ar y sgrin, neu ei hargraffu a'u "
    "hysgrifennu â llaw.",
    "ar": "يمكنك كتابة إجاباتك في النموذج على الشاشة، أو طباعته وكتابتها بخط اليد.",
}


@pytest.mark.parametrize("language", FILL_IN_ON_SCREEN)
def test_the_email_says_a_fillable_form_can_be_filled_in_on_screen(pdfs, brand, language):
    """One sentence, in the consent form's paragraph, only when the form is fillable."""
    printed = make_pack(pdfs, "A1")
    fillable = replace(
        printed,
        files=tuple(replace(item, fillable=item.document == "consent") for item in printed.files),
    )
    templates = EmailTemplates(brand, language=language)
    sentence = FILL_IN_ON_SCREEN[language]
    plain, with_fields = (templates.render(pack, "date-of-birth") for pack in (printed, fillable))
    for part in ("text", "html"):
        assert sentence not in getattr(plain, part)
        assert getattr(with_fields, part).count(sentence) == 1
        assert getattr(with_fields, part).replace(" " + sentence, "") == getattr(plain, part)
    assert ". " + sentence + " " in with_fields.text  # between the form's other sentences


def test_html_is_escaped_and_plain_text_is_not(pdfs, tmp_path):
    brand = leaflet.load_brand(
        write_brand(tmp_path, {"name: Example Skin Clinic": "name: Smith & Jones <Skin> Clinic"})
    )
    letter = EmailTemplates(brand).render(make_pack(pdfs, "A1"), "date-of-birth")
    assert letter.subject == "Your appointment at Smith & Jones <Skin> Clinic"
    assert "This email is from Smith & Jones <Skin> Clinic." in letter.text
    assert "This email is from Smith &amp; Jones &lt;Skin&gt; Clinic." in letter.html


def test_a_subject_naming_the_patient_is_refused(packs, brand, content_copy, server):
    replace_in(
        content_copy / "email/en-GB/subject.txt",
        "Your appointment",
        "{{ patient.first_name }}, your appointment",
    )
    mailbox, port = server
    with pytest.raises(leaflet.LeafletError) as caught:
        run(packs, brand, content_copy.parent, plain_smtp(port), content_dir=content_copy)
    assert caught.value.message == (
        "content/email/en-GB/subject.txt:2: template error: the subject cannot use patient "
        "details: subjects show on lock screens and in shared inboxes; remove "
        "{{ patient... }} from it"
    )
    assert not mailbox.messages


def test_a_patient_sharing_a_word_with_the_clinic_name_is_not_refused(pdfs):
    pack = make_pack(pdfs, "A1")
    pack = Pack(
        Appointment(
            "A1", personalisation("Skin Example"), "microneedling", email="ann@example.org"
        ),
        pack.files,
    )
    letter = EmailTemplates(leaflet.load_brand()).render(pack, "date-of-birth")
    assert letter.subject == "Your appointment at Example Skin Clinic"


@pytest.mark.parametrize(
    ("template", "old", "new", "expected"),
    [
        (
            "en-GB/body.txt",
            "Hello {{ patient.first_name }},",
            "Hello {{ patient.surname }},",
            "content/email/en-GB/body.txt:3: template error: undefined variable 'patient.surname' "
            "(patient has: first_name)",
        ),
        (
            "en-GB/body.html",
            "from {{ clinic.name }}. It is",
            "from {{ clinic.name }. It is",
            "content/email/en-GB/body.html:5: template error: unexpected '}'",
        ),
        (  # the layout every language's HTML extends
            "layout.html",
            "<title>{{ clinic.name }}</title>",
            "<title>{{ clinic.name }</title>",
            "content/email/layout.html:7: template error: unexpected '}'",
        ),
        (
            "layout.html",
            "<title>{{ clinic.name }}</title>",
            "<title>{{ clinic.nickname }}</title>",
            "content/email/layout.html:7: template error: undefined variable 'clinic.nickname' "
            "(did you mean 'clinic.name'? clinic has: address, email, emergency_number, "
            "feedback, name, out_of_hours, phone, website)",
        ),
    ],
)
def test_template_errors_name_the_file_and_line(
    packs, brand, content_copy, template, old, new, expected
):
    replace_in(content_copy / "email" / template, old, new)
    with pytest.raises(leaflet.LeafletError) as caught:
        run(packs, brand, content_copy.parent, None, dry_run=True, content_dir=content_copy)
    assert caught.value.message == expected


def test_each_language_fills_the_one_layout(pdfs, brand):
    """The frame (head, presentation tables, brand colours) is written once, in
    email/layout.html; right to left it reads from the right, in Arabic's font size."""
    frames = {}
    for language in ("en-GB", "pl", "cy", "ar"):
        html = EmailTemplates(brand, language=language).render(make_pack(pdfs, "A1"), "random").html
        assert html.startswith(f'<!DOCTYPE html>\n<html lang="{language}" dir="')
        assert html.endswith("</table>\n</td></tr>\n</table>\n</body>\n</html>\n")
        frames[language] = html.split('<tr><td style="padding:24px;">')[0]
    assert frames["en-GB"].replace('lang="en-GB"', 'lang="pl"') == frames["pl"]
    assert (
        'dir="rtl" style="width:100%; max-width:600px; background-color:#ffffff; ' in frames["ar"]
    )
    assert "font-size:18px; line-height:1.6; color:#1f2933; text-align:right;" in frames["ar"]
    assert 'font-weight:bold;"><bdi>Example Skin Clinic</bdi></td>' in frames["ar"]


def test_a_clinic_email_folder_without_the_layout_is_a_clear_error(packs, brand, content_copy):
    """Not the built-in layout instead: a block the clinic's layout lacks would vanish
    from its emails without a word."""
    (content_copy / "email/layout.html").unlink()
    with pytest.raises(leaflet.SourceError) as caught:
        EmailTemplates(brand, "content")
    assert caught.value.message == (
        "content/email/en-GB/body.html: extends 'layout.html', which is not in "
        "content/email/en-GB/ or content/email/; copy it there from leaflet's built-in "
        "email templates (email/layout.html in its content folder)"
    )


def test_a_clinic_body_that_is_a_whole_page_needs_no_layout(packs, brand, content_copy):
    """An email folder made before the layout: its body.html is the whole page."""
    body = content_copy / "email/en-GB/body.html"
    whole = EmailTemplates(brand).render(packs[0], "random").html
    body.write_text(whole.replace("Hello Ann,", "Hello {{ patient.first_name }}!"))
    (content_copy / "email/layout.html").unlink()
    html = EmailTemplates(brand, content_copy).render(packs[0], "random").html
    assert html == whole.replace("Hello Ann,", "Hello Ann!")


def test_a_content_folder_without_email_templates_uses_the_built_in_ones(packs, brand, tmp_path):
    content = copy_content(tmp_path)
    shutil.rmtree(content / "email")
    report = run(packs[:1], brand, tmp_path, None, dry_run=True, content_dir=content)
    assert len(report.planned) == 1


# --- failures and re-runs ---------------------------------------------------------------


def test_a_refused_address_fails_that_appointment_only(packs, brand, tmp_path, server):
    mailbox, port = server
    mailbox.refuse["bilal@example.org"] = "550 5.1.1 No such mailbox"
    report = run(packs, brand, tmp_path, plain_smtp(port), attempts=3)
    assert report.permanent == [
        Outcome("A2", "bilal@example.org", "bilal@example.org refused: 550 5.1.1 No such mailbox")
    ]
    assert [outcome.appointment_id for outcome in report.sent] == ["A1", "A3"]
    entry = read_ledger(tmp_path / "ledger.sqlite3")["A2"]
    assert (entry.state, entry.attempts) == (FAILED_PERMANENT, 1)  # never retried in a run
    # The clinic sorts the address out; running again sends just that message.
    mailbox.refuse.clear()
    again = run(packs, brand, tmp_path, plain_smtp(port))
    assert [outcome.appointment_id for outcome in again.sent] == ["A2"]
    assert sorted(mailbox.per_message_id().values()) == [1, 1, 1]


def test_a_4xx_reply_is_temporary_and_retried(packs, brand, tmp_path, server):
    mailbox, port = server
    mailbox.refuse["bilal@example.org"] = "451 4.3.0 Mailbox busy, try later"
    sleeps = Sleeps()
    report = run(packs, brand, tmp_path, plain_smtp(port), attempts=2, sleep=sleeps)
    assert report.temporary == [
        Outcome(
            "A2",
            "bilal@example.org",
            "bilal@example.org refused: 451 4.3.0 Mailbox busy, try later",
        )
    ]
    assert [outcome.appointment_id for outcome in report.sent] == ["A1", "A3"]
    assert sleeps == [2.0]
    entry = read_ledger(tmp_path / "ledger.sqlite3")["A2"]
    assert (entry.state, entry.attempts) == (FAILED_TEMPORARY, 2)


def test_a_dropped_connection_is_temporary_and_a_rerun_sends_the_rest_once(
    packs, brand, tmp_path, server
):
    mailbox, port = server
    mailbox.drop_on.add(2)
    report = run(packs, brand, tmp_path, plain_smtp(port))
    assert report.temporary == [
        Outcome(
            "A2",
            "bilal@example.org",
            f"the connection to 127.0.0.1:{port} was lost (Connection unexpectedly closed)",
        )
    ]
    assert [outcome.appointment_id for outcome in report.sent] == ["A1", "A3"]
    assert read_ledger(tmp_path / "ledger.sqlite3")["A2"].state == FAILED_TEMPORARY

    again = run(packs, brand, tmp_path, plain_smtp(port))
    assert [outcome.appointment_id for outcome in again.sent] == ["A2"]
    assert [outcome.appointment_id for outcome in again.already_sent] == ["A1", "A3"]
    assert again.summary() == "1 sent, 2 already sent"
    assert len(mailbox.messages) == 3 and set(mailbox.per_message_id().values()) == {1}
    assert {entry.state for entry in read_ledger(tmp_path / "ledger.sqlite3").values()} == {SENT}


def test_a_dropped_connection_is_retried_with_backoff(packs, brand, tmp_path, server):
    mailbox, port = server
    mailbox.drop_on.update({1, 2})
    sleeps = Sleeps()
    report = run(packs, brand, tmp_path, plain_smtp(port), attempts=3, backoff=2.0, sleep=sleeps)
    assert len(report.sent) == 3 and report.ok
    assert sleeps == [2.0, 4.0]  # doubling each time
    assert read_ledger(tmp_path / "ledger.sqlite3")["A1"].attempts == 3
    assert set(mailbox.per_message_id().values()) == {1}


def test_a_server_that_is_down_leaves_everything_queued(packs, brand, tmp_path):
    port = free_port()
    sleeps = Sleeps()
    report = run(packs, brand, tmp_path, plain_smtp(port), attempts=2, sleep=sleeps)
    reason = f"cannot connect to SMTP server 127.0.0.1:{port} (Connection refused)"
    assert report.temporary == [
        Outcome("A1", "ann@example.org", reason),
        Outcome("A2", "bilal@example.org", f"not tried: {reason}"),
        Outcome("A3", "chloe@example.org", f"not tried: {reason}"),
    ]
    assert not report.sent and sleeps == [2.0]  # the run stops after the first message
    first = read_ledger(tmp_path / "ledger.sqlite3")
    assert [first[ident].state for ident in PATIENTS] == [FAILED_TEMPORARY, QUEUED, QUEUED]

    with smtp_server(port) as (mailbox, _):
        again = run(packs, brand, tmp_path, plain_smtp(port))
    assert len(again.sent) == 3
    # Each message went once, under the Message-ID it was queued with.
    assert mailbox.per_message_id() == Counter(entry.message_id for entry in first.values())


def test_a_refused_login_stops_the_run_and_leaves_everything_queued(packs, brand, tmp_path):
    def authenticate(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=auth_data.password == b"right", handled=False)

    with smtp_server(auth_require_tls=False, authenticator=authenticate) as (mailbox, port):
        transport = SmtpTransport(
            "127.0.0.1",
            port,
            security="none",
            username="clinic",
            timeout=5,
            environ={"LEAFLET_SMTP_PASSWORD": "wrong"},
        )
        with pytest.raises(leaflet.LeafletError) as caught:
            run(packs, brand, tmp_path, transport)
        assert caught.value.message == (
            f"SMTP server 127.0.0.1:{port}: the server refused the login for clinic "
            "(535 5.7.8 Authentication credentials invalid)"
        )
        assert {entry.state for entry in read_ledger(tmp_path / "ledger.sqlite3").values()} == {
            QUEUED
        }
        transport = SmtpTransport(
            "127.0.0.1",
            port,
            security="none",
            timeout=5,
            environ={"LEAFLET_SMTP_USER": "clinic", "LEAFLET_SMTP_PASSWORD": "right"},
        )
        assert "right" not in repr(transport)
        assert len(run(packs, brand, tmp_path, transport).sent) == 3
        assert len(mailbox.messages) == 3


def test_starttls_is_required_unless_the_server_is_this_computer(packs, brand, tmp_path, server):
    _, port = server
    with pytest.raises(leaflet.LeafletError) as caught:
        run(packs, brand, tmp_path, SmtpTransport("127.0.0.1", port, environ={}))
    assert caught.value.message == (
        f"SMTP server 127.0.0.1:{port}: the server does not offer STARTTLS, so mail to it "
        "would not be encrypted; use a server that does, or implicit TLS on port 465"
    )
    with pytest.raises(leaflet.LeafletError) as caught:
        SmtpTransport("smtp.example.com", 25, security="none", environ={})
    assert caught.value.message == (
        "SMTP server smtp.example.com:25: sending without TLS is allowed only to this "
        "computer (localhost, 127.0.0.1 or ::1); use STARTTLS, or implicit TLS on port 465"
    )
    assert SmtpTransport("smtp.example.com", 465, environ={}).security == "tls"


def test_the_smtp_password_comes_only_from_the_environment():
    with pytest.raises(leaflet.LeafletError) as caught:
        SmtpTransport("smtp.example.com", 587, username="clinic", environ={})
    assert caught.value.message == (
        "SMTP server smtp.example.com:587: no password for user clinic; set "
        "LEAFLET_SMTP_PASSWORD (the password is read only from the environment, never "
        "from an option)"
    )


# --- per-appointment problems, dry run, outbox ------------------------------------------


def test_appointments_that_cannot_be_emailed_are_reported(pdfs, brand, tmp_path, server):
    mailbox, port = server
    packs = [
        make_pack(pdfs, "A1", email=""),
        make_pack(pdfs, "A2", date_of_birth=None),
        make_pack(pdfs, "A3"),
    ]
    report = run(packs, brand, tmp_path, plain_smtp(port))
    assert report.no_email == ["A1"]
    assert [str(problem) for problem in report.problems] == [
        "appointment A2, column date_of_birth: no date of birth to make the password from"
    ]
    assert [outcome.appointment_id for outcome in report.sent] == ["A3"]
    assert [message["To"] for message in mailbox.messages] == ["chloe@example.org"]
    assert report.summary() == "1 sent, 1 without an email address, 1 with a problem"
    assert set(read_ledger(tmp_path / "ledger.sqlite3")) == {"A3"}


def test_a_dry_run_sends_nothing_and_leaves_the_ledger_untouched(packs, brand, tmp_path, server):
    mailbox, port = server
    ledger = tmp_path / "ledger.sqlite3"
    assert run(packs, brand, tmp_path, None, dry_run=True).planned  # no ledger yet
    assert not ledger.exists()
    run(packs[:1], brand, tmp_path, plain_smtp(port))
    before = ledger.read_bytes()
    report = run(packs, brand, tmp_path, plain_smtp(port), dry_run=True)
    assert report.planned == [
        PlannedMessage(
            ident,
            PATIENTS[ident][2],
            (("information-leaflet.pdf", False), ("consent-form.pdf", True)),
        )
        for ident in ("A2", "A3")
    ]
    assert [outcome.appointment_id for outcome in report.already_sent] == ["A1"]
    assert report.summary() == "2 to send (dry run), 1 already sent"
    assert len(mailbox.messages) == 1 and ledger.read_bytes() == before
    assert not (tmp_path / PASSWORDS_NAME).exists()


def test_the_outbox_holds_standard_eml_files(packs, brand, tmp_path):
    outbox = tmp_path / "outbox"
    report = run(packs, brand, tmp_path, OutboxTransport(outbox))
    assert len(report.sent) == 3
    assert sorted(path.name for path in outbox.iterdir()) == ["A1.eml", "A2.eml", "A3.eml"]
    data = (outbox / "A1.eml").read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    message = BytesParser(policy=email.policy.default).parsebytes(data)
    assert message["To"] == "ann@example.org"
    assert message["Subject"] == "Your appointment at Example Skin Clinic"
    files = attachments(message)
    assert list(files) == LEAFLETS
    assert "Full name Ann O'Brien" in pdf_text(files["consent-form.pdf"], PATIENTS["A1"][3])
    # Sent is sent: a second run writes nothing new.
    (outbox / "A1.eml").unlink()
    assert len(run(packs, brand, tmp_path, OutboxTransport(outbox)).already_sent) == 3
    assert not (outbox / "A1.eml").exists()


def test_find_packs_takes_the_documents_the_batch_built(tmp_path):
    appointments = [
        Appointment(
            ident, personalisation(PATIENTS[ident][0]), "microneedling", email=PATIENTS[ident][2]
        )
        for ident in ("A1", "A2")
    ]
    for name in ("A1-info.pdf", "A1-aftercare.pdf"):
        (tmp_path / name).write_bytes(b"%PDF-1.7\n")
    packs, problems = find_packs(appointments, tmp_path)
    assert [(item.document, item.path.name, item.personal) for item in packs[0].files] == [
        ("info", "A1-info.pdf", True),
        ("aftercare", "A1-aftercare.pdf", True),
    ]
    assert [str(problem) for problem in problems] == [
        f"appointment A2: no documents built for it in {tmp_path}; build them with "
        "build_batch first"
    ]
    (tmp_path / "A1-consent.pdf").write_bytes(b"%PDF-1.7\n")
    packs, _ = find_packs(appointments, tmp_path, fillable=True)  # only forms are fillable
    assert [(item.document, item.fillable) for item in packs[0].files] == [
        ("info", False),
        ("consent", True),
        ("aftercare", False),
    ]


# --- the command ------------------------------------------------------------------------

CSV_HEADER = (
    "appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner,mobile\n"
)


def write_day(folder: Path) -> Path:
    rows = [
        f"{ident},{name},{born},{address},microneedling,2026-12-01T10:30,Dr Sam Lee,"
        f"{MOBILES[ident]}\n"
        for ident, (name, born, address, _) in PATIENTS.items()
    ]
    rows.append("A4,Dana Scott,1990-01-01,,microneedling,2026-12-01T11:00,,\n")
    path = folder / "day.csv"
    path.write_text(CSV_HEADER + "".join(rows), encoding="utf-8")
    return path


def test_email_command_builds_sends_once_and_resumes(tmp_path, monkeypatch, server):
    from conftest import invoke

    mailbox, port = server
    monkeypatch.chdir(tmp_path)
    write_day(tmp_path)
    args = [
        "email",
        "day.csv",
        "--out-dir",
        "out",
        "--jobs",
        "1",
        "--attempts",
        "1",
        "--smtp-security",
        "none",
        "--smtp",
    ]
    down = invoke([*args, f"127.0.0.1:{free_port()}"])  # the server is down: all queued
    assert down.exit_code == 1
    assert down.stderr.splitlines()[-1].startswith(
        "Email: 3 left queued after a temporary failure, 1 without an email address"
    )
    assert sorted((tmp_path / "out").glob("A*.pdf")) == sorted(
        tmp_path / "out" / f"{ident}-{doc}.pdf" for ident in PATIENTS for doc in leaflet.DOCUMENTS
    )  # nothing built for A4, which has no address
    for expected in ("3 sent", "3 already sent"):
        result = invoke([*args, f"127.0.0.1:{port}"])
        assert result.exit_code == 0, result.stderr
        assert result.stderr.splitlines()[-1] == (
            f"Email: {expected}, 1 without an email address{BRAND_NOTE}."
        )
    assert set(mailbox.per_message_id().values()) == {1} and len(mailbox.messages) == 3
    for name, _, address, password in PATIENTS.values():
        message = by_recipient(mailbox)[address]
        assert name not in str(message["Subject"])
        files = attachments(message)
        assert list(files) == [
            "information-leaflet.pdf",
            "consent-form.pdf",
            "aftercare-leaflet.pdf",
        ]
        with pytest.raises(pypdf.errors.FileNotDecryptedError):
            pypdf.PdfReader(io.BytesIO(files["consent-form.pdf"])).pages[0].extract_text()
        assert f"Full name {name}" in pdf_text(files["consent-form.pdf"], password)
        assert f"Prepared for {name}" in pdf_text(files["information-leaflet.pdf"], password)
        assert "\nThey hold your personal details." in plain_body(message)  # all locked


def test_email_command_dry_run_and_outbox(tmp_path, monkeypatch):
    from conftest import invoke

    monkeypatch.chdir(tmp_path)
    write_day(tmp_path)
    dry = invoke(["email", "day.csv", "--out-dir", "out", "--jobs", "1", "--dry-run"])
    assert dry.exit_code == 0, dry.stderr
    assert dry.stdout.splitlines()[0] == (
        "A1: to ann@example.org: information-leaflet.pdf (locked), consent-form.pdf "
        "(locked), aftercare-leaflet.pdf (locked)"
    )
    assert not (tmp_path / "out" / "outbox").exists()
    consent_only = invoke(
        [
            "email",
            "day.csv",
            "--out-dir",
            "out",
            "--jobs",
            "1",
            "--dry-run",
            "--documents",
            "consent",
        ]
    )
    assert consent_only.stdout.splitlines()[0] == (
        "A1: to ann@example.org: consent-form.pdf (locked)"
    )
    sent = invoke(["email", "day.csv", "--out-dir", "out", "--jobs", "1"])
    assert sent.exit_code == 0, sent.stderr
    assert sent.stderr.splitlines()[-1] == (
        "Email: 3 written to the outbox, not sent yet, 1 without an email address (in "
        f"out/outbox){BRAND_NOTE}."
    )
    assert sorted(p.name for p in (tmp_path / "out" / "outbox").iterdir()) == [
        "A1.eml",
        "A2.eml",
        "A3.eml",
    ]
    message = BytesParser(policy=email.policy.default).parsebytes(
        (tmp_path / "out" / "outbox" / "A1.eml").read_bytes()
    )
    assert "Please read the consent form, but do not sign it yet. We will" in plain_body(message)
    assert "on screen" not in plain_body(message)  # printed forms, not fillable ones


def test_email_command_refuses_a_bad_server_address(tmp_path):
    from conftest import invoke

    result = invoke(
        [
            "email",
            str(write_day(tmp_path)),
            "--out-dir",
            str(tmp_path),
            "--smtp",
            "mail.example.com",
        ]
    )
    assert result.exit_code == 2
    assert (
        "Invalid value for '--smtp': 'mail.example.com'; expected HOST:PORT, e.g. "
        "smtp.example.com:587"
    ) in result.stderr


# --- TLS: STARTTLS and implicit TLS with a certificate made for the test ----------------

USER, PASSWORD = "clinic", "correct horse battery staple"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1, and its key (PEM files)."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False
        )
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def check_login(server, session, envelope, mechanism, auth_data):
    return AuthResult(
        success=auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    )


@pytest.fixture()
def tls_server(certificate, request):
    """A server needing STARTTLS (and TLS for login), or speaking TLS from the start."""
    mailbox = Mailbox()
    options = {
        "tls_context": server_context(certificate),
        "require_starttls": True,
        "auth_require_tls": True,
        "authenticator": check_login,
    }
    if request.param == "implicit":
        options = {
            "ssl_context": server_context(certificate),
            "authenticator": check_login,
            "auth_require_tls": False,
        }  # the whole session is already TLS
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    yield request.param, mailbox, controller.port
    controller.stop()


ENVIRON = {"LEAFLET_SMTP_USER": USER, "LEAFLET_SMTP_PASSWORD": PASSWORD}


@pytest.mark.parametrize("tls_server", ["starttls", "implicit"], indirect=True)
def test_mail_goes_over_tls_with_a_login(tls_server, certificate, pdfs, tmp_path):
    mode, mailbox, port = tls_server
    transport = SmtpTransport(
        "127.0.0.1",
        port,
        timeout=5,
        environ=ENVIRON,
        security="tls" if mode == "implicit" else "starttls",
        ca_file=certificate[0],
    )
    assert PASSWORD not in repr(transport)
    report = run([make_pack(pdfs, "A1")], leaflet.load_brand(), tmp_path, transport)
    assert report.ok and report.summary() == "1 sent"
    [message] = mailbox.messages
    assert message["To"].addresses[0].addr_spec == "ann@example.org"


@pytest.mark.parametrize("tls_server", ["starttls"], indirect=True)
def test_a_certificate_nobody_vouches_for_stops_the_run(tls_server, pdfs, tmp_path):
    _, mailbox, port = tls_server
    transport = SmtpTransport("127.0.0.1", port, timeout=5, environ=ENVIRON)
    with pytest.raises(leaflet.LeafletError) as caught:
        run([make_pack(pdfs, "A1")], leaflet.load_brand(), tmp_path, transport)
    assert caught.value.message.startswith(
        f"SMTP server 127.0.0.1:{port}: TLS failed (CERTIFICATE_VERIFY_FAILED"
    )
    assert mailbox.messages == []


def test_an_unreadable_ca_file_is_named(tmp_path):
    transport = SmtpTransport(
        "127.0.0.1", free_port(), environ={}, ca_file=tmp_path / "missing.pem"
    )
    with pytest.raises(leaflet.LeafletError) as caught:
        transport.send(None, "A1")
    assert caught.value.message == (
        f"SMTP server 127.0.0.1:{transport.port}: cannot read the certificates in "
        f"{tmp_path / 'missing.pem'} (No such file or directory)"
    )


# --- the transport in the ledger, sending again on purpose ---------------------------------


def test_an_outbox_run_is_not_sent_and_a_server_run_after_it_sends(packs, brand, tmp_path, server):
    """Writing .eml files used to mark every message sent: a later run through the
    clinic's server then sent nothing."""
    mailbox, port = server
    written = run(packs, brand, tmp_path, OutboxTransport(tmp_path / "outbox"))
    assert written.summary() == "3 written to the outbox, not sent yet"
    ledger = read_ledger(tmp_path / "ledger.sqlite3")
    assert {entry.transport for entry in ledger.values()} == {"outbox"}
    again = run(packs, brand, tmp_path, OutboxTransport(tmp_path / "outbox"))
    assert again.summary() == "3 already in the outbox"
    sent = run(packs, brand, tmp_path, plain_smtp(port))
    assert sent.summary() == "3 sent"
    outbox_ids = {
        ident: BytesParser(policy=email.policy.default).parsebytes(
            (tmp_path / "outbox" / f"{ident}.eml").read_bytes()
        )["Message-ID"]
        for ident in PATIENTS
    }
    # The same messages: a mail program that also sent the .eml file shows one.
    assert {m["Message-ID"] for m in mailbox.messages} == set(outbox_ids.values())
    assert {e.transport for e in read_ledger(tmp_path / "ledger.sqlite3").values()} == {"smtp"}
    assert run(packs, brand, tmp_path, plain_smtp(port)).summary() == "3 already sent"
    assert len(mailbox.messages) == 3


def test_resend_sends_chosen_messages_again_as_new_ones(packs, brand, tmp_path, server):
    mailbox, port = server
    run(packs, brand, tmp_path, plain_smtp(port))
    first = {m["To"].addresses[0].addr_spec: m["Message-ID"] for m in mailbox.messages}
    report = run(packs, brand, tmp_path, plain_smtp(port), resend=["A2"])
    assert ([o.appointment_id for o in report.sent], report.again) == (["A2"], ["A2"])
    assert report.already_sent == []  # the others were not asked about
    assert [m["To"] for m in mailbox.messages[3:]] == ["bilal@example.org"]
    assert mailbox.messages[3]["Message-ID"] != first["bilal@example.org"]
    with pytest.raises(leaflet.LeafletError) as caught:
        run(packs, brand, tmp_path, plain_smtp(port), resend=["A9"])
    assert caught.value.message == (
        "cannot send again: no appointment 'A9' in these appointments (they have: A1, A2, A3)"
    )


def test_email_command_resend_and_dry_run_naming_who_has_no_address(tmp_path, monkeypatch, server):
    from conftest import invoke

    mailbox, port = server
    monkeypatch.chdir(tmp_path)
    write_day(tmp_path)
    common = ["email", "day.csv", "--out-dir", "out", "--jobs", "1", "--documents", "consent"]
    dry = invoke([*common, "--dry-run"])
    assert dry.exit_code == 0, dry.stderr
    assert "A4 (row 5): no email address in the export; nothing sent" in dry.stderr.splitlines()
    smtp = ["--smtp-security", "none", "--smtp", f"127.0.0.1:{port}"]
    assert invoke([*common, *smtp]).exit_code == 0
    again = invoke([*common, *smtp, "--resend", "A1,A3"])
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines()[-3:] == [
        "A1: sent to ann@example.org again, as asked (--resend)",
        "A3: sent to chloe@example.org again, as asked (--resend)",
        f"Email: 2 sent{BRAND_NOTE}.",
    ]
    assert Counter(m["To"].addresses[0].addr_spec for m in mailbox.messages) == {
        "ann@example.org": 2,
        "bilal@example.org": 1,
        "chloe@example.org": 2,
    }


def test_email_fillable_sends_consent_forms_a_patient_can_fill_in(tmp_path, monkeypatch):
    """On a tablet: the locked consent form opens with the password and its fields can be
    filled in (the lock allows it), the patient's details already in them."""
    from conftest import invoke

    monkeypatch.chdir(tmp_path)
    write_day(tmp_path)
    args = ["email", "day.csv", "--out-dir", "out", "--jobs", "1", "--documents", "consent"]
    sent = invoke([*args, "--fillable"])
    assert sent.exit_code == 0, sent.stderr
    message = BytesParser(policy=email.policy.default).parsebytes(
        (tmp_path / "out" / "outbox" / "A3.eml").read_bytes()
    )
    name, _, _, password = PATIENTS["A3"]
    reader = pypdf.PdfReader(io.BytesIO(attachments(message)["consent-form.pdf"]))
    assert reader.is_encrypted and reader.decrypt(password)
    assert reader.user_access_permissions is not None
    assert reader.user_access_permissions & pypdf.constants.UserAccessPermissions.FILL_FORM_FIELDS
    fields = reader.get_fields() or {}
    assert str(fields["field.patient-name"]["/V"]) == name
    assert fields["signature.patient-signature"]["/FT"] == "/Sig"
    assert (
        "Please read the consent form, but do not sign it yet. "
        f"{FILL_IN_ON_SCREEN['en-GB']} We will go through it with you at the clinic"
    ) in plain_body(message)
