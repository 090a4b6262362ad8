"""Locking documents that hold personal details before they are emailed.

A PDF with personal details is encrypted with AES-256 (PDF 2.0 security, revision 6) by
pikepdf; ReportLab's own encryption is older and weaker and is never used. The patient
opens it with a password made by the clinic's policy (`email.password` in the brand file):

- `date-of-birth-and-mobile` (the default): the date of birth as 8 digits, DDMMYYYY, then
  the last 4 digits of the patient's mobile number from the booking export: 12 digits
  the patient knows and someone holding only the email does not (3.25e8 guesses).
- `date-of-birth`: the date of birth alone. Only 32,507 birthdays span ages 18 to 106,
  so anyone with the PDF can try them all in minutes; `leaflet check` warns about it.
- `random`: 12 characters per patient, without look-alikes (no 0/O, 1/l/I), kept in
  `passwords.csv` (readable by its owner only) for the clinic to give by text or phone.

The email explains a date-based password with a made-up example, never the real values.

The owner password (which lifts the print and edit limits) is random and thrown away: the
clinic keeps the unlocked originals.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import secrets
from pathlib import Path

import pikepdf

from leaflet.errors import LeafletError, display_path
from leaflet.render.output import refuse_link, spreadsheet_safe

DATE_OF_BIRTH, RANDOM = "date-of-birth", "random"
DATE_OF_BIRTH_AND_MOBILE = "date-of-birth-and-mobile"
#: How many of the mobile number's last digits the default password takes.
MOBILE_DIGITS = 4
PASSWORDS_NAME = "passwords.csv"
#: Letters and digits that cannot be mistaken for one another when read aloud or typed
#: from a text message: no 0/O/o, 1/l/I, 5/S, 2/Z.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRTUVWXY346789"
RANDOM_LENGTH = 12  # ~68 bits from a 51-character alphabet
#: Patients may read, print, fill in a form and add notes; not change the wording.
PERMISSIONS = pikepdf.Permissions(
    accessibility=True,
    extract=True,
    modify_annotation=True,
    modify_assembly=False,
    modify_form=True,
    modify_other=False,
    print_lowres=True,
    print_highres=True,
)
#: Made-up birthdays and mobile number endings for the email's example; the second of
#: each is used if a patient has the first.
EXAMPLE_BIRTHDAYS = (dt.date(1990, 3, 7), dt.date(1978, 9, 21))
EXAMPLE_MOBILE_ENDS = ("4821", "7356")


def encrypt_pdf(data: bytes, password: str, source: Path | str = "<pdf>") -> bytes:
    """`data` (a PDF) locked with AES-256 so that it opens only with `password`."""
    output = io.BytesIO()
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pdf.save(
                output,
                encryption=pikepdf.Encryption(
                    owner=secrets.token_urlsafe(32), user=password, R=6, allow=PERMISSIONS
                ),
            )
    except (pikepdf.PdfError, pikepdf.PasswordError) as err:
        raise LeafletError(
            f"{display_path(Path(source))}: cannot be locked: not a readable, unlocked PDF ({err})"
        ) from err
    return output.getvalue()


def date_of_birth_password(date_of_birth: dt.date, mobile_end: str = "") -> str:
    """A date-based policy's password: 23 April 1985 -> `23041985`; with the mobile
    number's last digits `4821` (`date-of-birth-and-mobile`) -> `230419854821`."""
    day = f"{date_of_birth.day:02d}{date_of_birth.month:02d}{date_of_birth.year:04d}"
    return day + mobile_end


def mobile_end(mobile: str) -> str:
    """The last MOBILE_DIGITS digits of a phone number as written: `07700 900 123` ->
    `0123`; empty when it has fewer."""
    digits = "".join(char for char in mobile if char in "0123456789")
    return digits[-MOBILE_DIGITS:] if len(digits) >= MOBILE_DIGITS else ""


def example_birthday(date_of_birth: dt.date | None) -> dt.date:
    """A made-up birthday for explaining the format, never the patient's own."""
    first, second = EXAMPLE_BIRTHDAYS
    return second if date_of_birth == first else first


def example_mobile_end(mobile: str) -> str:
    """Made-up last digits of a mobile number, never the patient's own."""
    first, second = EXAMPLE_MOBILE_ENDS
    return second if mobile_end(mobile) == first else first


def random_password() -> str:
    """A new `random` policy password: 12 characters from PASSWORD_ALPHABET."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(RANDOM_LENGTH))


class PasswordFile:
    """`passwords.csv`: the `random` policy's password for each appointment.

    A password is written here before its message is sent, so the clinic can always pass
    it on, and one that exists is used again: a message that is still queued after a
    failure is sent with the password the clinic may already have given. The file holds
    appointment ids, never names, and only its owner can read it (mode 0600).
    """

    COLUMNS = ("appointment_id", "password")

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._passwords = self._read()

    def password_for(self, appointment_id: str) -> str:
        """The appointment's password, made and written down first if it has none."""
        if appointment_id not in self._passwords:
            password = random_password()
            self._append(appointment_id, password)
            self._passwords[appointment_id] = password
        return self._passwords[appointment_id]

    def _read(self) -> dict[str, str]:
        refuse_link(self.path, "the passwords file")
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as err:
            raise LeafletError(
                f"{display_path(self.path)}: cannot read the passwords file "
                f"({getattr(err, 'strerror', None) or err})"
            ) from err
        passwords: dict[str, str] = {}
        for row in csv.DictReader(io.StringIO(text)):
            ident, password = row.get("appointment_id"), row.get("password")
            # A line cut short by a kill while it was written was never used: skip it.
            if ident and password and len(password) == RANDOM_LENGTH:
                passwords.setdefault(ident, password)
        return passwords

    def _append(self, appointment_id: str, password: str) -> None:
        line = io.StringIO()
        writer = csv.writer(line, lineterminator="\n")
        try:
            is_new = not self.path.exists() or self.path.stat().st_size == 0
            if is_new:
                writer.writerow(self.COLUMNS)
            elif not self.path.read_bytes().endswith(b"\n"):
                line.write("\n")  # finish a line cut short by a kill
            writer.writerow((spreadsheet_safe(appointment_id), spreadsheet_safe(password)))
            flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
            handle = os.open(self.path, flags, 0o600)
            try:
                os.fchmod(handle, 0o600)  # also when the file was made by hand
                os.write(handle, line.getvalue().encode("utf-8"))
                os.fsync(handle)
            finally:
                os.close(handle)
        except OSError as err:
            raise LeafletError(
                f"{display_path(self.path)}: cannot write the passwords file ({err.strerror})"
            ) from err
