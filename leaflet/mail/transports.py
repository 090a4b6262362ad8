"""Where composed emails go: `.eml` files in an outbox folder, or an SMTP server.

A transport's `send` either returns (the message is handed over) or raises `SendFailure`,
classified so the run knows what to do next:

- temporary: a 4xx reply, a dropped connection, a timeout. Tried again later.
- permanent: a 5xx reply, e.g. 550 no such mailbox. Not tried again in this run.
- server unreachable: no connection at all (refused, no route). Temporary for every
  message, so the run stops trying and leaves the rest queued.

Problems no retry can fix (a refused login, no STARTTLS, a bad certificate) are a
`LeafletError`. The SMTP password is read only from the environment
(`LEAFLET_SMTP_PASSWORD`), never from an argument, and never appears in a message.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import SMTPUTF8 as SMTPUTF8_POLICY
from pathlib import Path
from typing import Protocol

from leaflet.errors import LeafletError, OutputError
from leaflet.render.output import write_atomically

USER_VARIABLE, PASSWORD_VARIABLE = "LEAFLET_SMTP_USER", "LEAFLET_SMTP_PASSWORD"
IMPLICIT_TLS_PORT = 465
#: The only hosts mail may go to unencrypted: this computer (a test or relay server).
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
SECURITY_MODES = ("auto", "starttls", "tls", "none")


def needs_smtputf8(message: EmailMessage) -> bool:
    """Whether an address of `message` has international characters before the @ (its
    domain is written as IDNA, which every server takes)."""
    return any(
        not address.username.isascii()
        for header in ("From", "To", "Reply-To")
        for address in (message[header].addresses if message[header] else ())
    )


class SendFailure(Exception):
    """A message that was not sent; see the module docstring for the three kinds."""

    def __init__(self, reason: str, *, temporary: bool, server_unreachable: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary
        self.server_unreachable = server_unreachable


class Transport(Protocol):
    """Something that sends a composed email. `connect` opens any connection first (it
    raises as `send` does), so that a message is marked as being sent only once the
    transport is ready to take it; `close` ends the connection. `kind` is what the
    ledger records: `smtp`, or `outbox` (written for a mail program, not yet sent)."""

    kind: str

    def connect(self) -> None: ...

    def send(self, message: EmailMessage, appointment_id: str) -> None: ...

    def close(self) -> None: ...


class OutboxTransport:
    """Writes each email as `<appointment_id>.eml` in a folder, for a mail program to open
    and send. Files are written atomically: a file in the outbox is a whole message. A
    message to an address with international characters before the @ is written as
    RFC 6532 says (UTF-8 headers): the mail program's server must take SMTPUTF8."""

    kind = "outbox"

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as err:
            raise OutputError(f"cannot make the outbox {self.folder}: {err.strerror}") from err

    def connect(self) -> None:
        pass  # a folder needs no connection

    def send(self, message: EmailMessage, appointment_id: str) -> None:
        # CRLF line ends, as RFC 5322 (and so every mail program) expects of a message.
        policy = SMTPUTF8_POLICY if needs_smtputf8(message) else SMTP_POLICY
        write_atomically(
            self.folder / f"{appointment_id}.eml",
            message.as_bytes(policy=policy),
            private=True,  # the patient's email, documents and all
        )

    def close(self) -> None:
        pass

    def __repr__(self) -> str:
        return f"OutboxTransport({str(self.folder)!r})"


class SmtpTransport:
    """Sends through an SMTP server, over TLS: implicit on port 465, else STARTTLS.

    The server's certificate must be trusted by the system or by `ca_file` (a clinic's
    own certificate authority). `security="none"` (plain text) is allowed only to this
    computer. An address with international characters before the @ goes only to a
    server that offers SMTPUTF8 (RFC 6531); otherwise that message is refused, as the
    server would bounce or mangle it. The user comes from
    `username` or `LEAFLET_SMTP_USER`; the password only from `LEAFLET_SMTP_PASSWORD`.
    One connection is opened on the first send and kept; after a failure it is opened
    again on the next send.
    """

    kind = "smtp"

    def __init__(
        self,
        host: str,
        port: int = 587,
        *,
        security: str = "auto",
        username: str | None = None,
        timeout: float = 30.0,
        environ: Mapping[str, str] | None = None,
        ca_file: Path | str | None = None,
    ) -> None:
        environ = os.environ if environ is None else environ
        if security not in SECURITY_MODES:
            raise LeafletError(
                f"SMTP security {security!r} is not valid; expected one of "
                f"{', '.join(SECURITY_MODES)}"
            )
        if security == "auto":
            security = "tls" if port == IMPLICIT_TLS_PORT else "starttls"
        self.host, self.port, self.security, self.timeout = host, port, security, timeout
        self.ca_file = ca_file  # certificates to trust besides the system's
        self.where = f"SMTP server {host}:{port}"
        if security == "none" and host.strip("[]").lower() not in LOCAL_HOSTS:
            raise LeafletError(
                f"{self.where}: sending without TLS is allowed only to this "
                "computer (localhost, 127.0.0.1 or ::1); use STARTTLS, or "
                f"implicit TLS on port {IMPLICIT_TLS_PORT}"
            )
        self.username = username or environ.get(USER_VARIABLE) or None
        self._password = environ.get(PASSWORD_VARIABLE) or None
        if self.username and not self._password:
            raise LeafletError(
                f"{self.where}: no password for user {self.username}; set "
                f"{PASSWORD_VARIABLE} (the password is read only from the "
                "environment, never from an option)"
            )
        if self._password and not self.username:
            raise LeafletError(
                f"{self.where}: {PASSWORD_VARIABLE} is set but no user is "
                f"given; set {USER_VARIABLE} too"
            )
        self._connection: smtplib.SMTP | None = None

    def __repr__(self) -> str:  # never shows the password
        return (
            f"SmtpTransport({self.host!r}, {self.port}, security={self.security!r}, "
            f"username={self.username!r})"
        )

    def connect(self) -> None:
        """Open the connection (TLS, login) unless one is open."""
        if self._connection is None:
            self._connection = self._connect()

    def send(self, message: EmailMessage, appointment_id: str) -> None:
        """Hand `message` to the server for its To address, or raise `SendFailure`."""
        self.connect()
        assert self._connection is not None, "connect() opened it or raised"
        recipient = message["To"].addresses[0].addr_spec
        sender = message["From"].addresses[0].addr_spec
        if needs_smtputf8(message) and not self._connection.has_extn("smtputf8"):
            raise SendFailure(
                f"{recipient}: the mail server does not take addresses with international "
                "characters before the @ (it does not offer SMTPUTF8); send this one from "
                "a mail program whose server does, or ask the patient for another address",
                temporary=False,
            )
        try:
            self._connection.send_message(message, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as err:
            code, text = err.recipients.get(recipient, (550, b"refused"))
            raise SendFailure(
                f"{recipient} refused: {_reply(code, text)}", temporary=_is_temporary(code)
            ) from err
        except smtplib.SMTPResponseException as err:
            if err.smtp_code == 421:  # the server is closing the connection
                self._drop()
            raise SendFailure(
                f"the server answered {_reply(err.smtp_code, err.smtp_error)}",
                temporary=_is_temporary(err.smtp_code),
            ) from err
        except smtplib.SMTPServerDisconnected as err:
            raise self._lost(err) from err
        except smtplib.SMTPException as err:  # e.g. the server cannot take UTF-8 addresses
            raise SendFailure(
                f"the server cannot take this message ({err})", temporary=False
            ) from err
        except OSError as err:  # reset, broken pipe, timeout: SMTPException's base too
            raise self._lost(err) from err

    def _lost(self, err: OSError) -> SendFailure:
        """The connection broke: drop it (the next send opens a new one); try again later."""
        self._drop()
        where = f"{self.host}:{self.port}"
        return SendFailure(
            f"the connection to {where} was lost ({_describe(err, self.timeout)})",
            temporary=True,
        )

    def close(self) -> None:
        if self._connection is not None:
            # The message states are already recorded; a rude goodbye is fine.
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._connection.quit()
            self._drop()

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        try:
            if self.ca_file is not None:
                context.load_verify_locations(cafile=self.ca_file)
        except (OSError, ssl.SSLError) as err:
            raise LeafletError(
                f"{self.where}: cannot read the certificates in "
                f"{self.ca_file} ({getattr(err, 'strerror', None) or err})"
            ) from err
        connection: smtplib.SMTP | None = None
        try:
            if self.security == "tls":
                connection = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            connection.ehlo()
            if self.security == "starttls":
                if not connection.has_extn("starttls"):
                    raise LeafletError(
                        f"{self.where}: the server does not offer STARTTLS, "
                        "so mail to it would not be encrypted; use a server "
                        f"that does, or implicit TLS on port "
                        f"{IMPLICIT_TLS_PORT}"
                    )
                connection.starttls(context=context)
                connection.ehlo()
            if self.username and self._password:  # __init__ refuses one without the other
                connection.login(self.username, self._password)
            return connection
        except BaseException as err:
            if connection is not None:
                connection.close()
            error = self._connect_error(err)
            if error is err:
                raise
            raise error from err

    def _connect_error(self, err: BaseException) -> BaseException:
        if isinstance(err, LeafletError):
            return err
        if isinstance(err, smtplib.SMTPAuthenticationError):
            return LeafletError(
                f"{self.where}: the server refused the login for "
                f"{self.username} ({_reply(err.smtp_code, err.smtp_error)})"
            )
        if isinstance(err, smtplib.SMTPNotSupportedError):
            return LeafletError(f"{self.where}: the server does not offer login (AUTH)")
        if isinstance(err, ssl.SSLError):
            return LeafletError(f"{self.where}: TLS failed ({err.reason or err})")
        if isinstance(err, smtplib.SMTPResponseException):  # e.g. 421 or 554 at greeting
            return SendFailure(
                f"{self.where} is not taking mail ({_reply(err.smtp_code, err.smtp_error)})",
                temporary=True,
                server_unreachable=True,
            )
        if isinstance(err, OSError | smtplib.SMTPException):
            return SendFailure(
                f"cannot connect to {self.where} ({_describe(err, self.timeout)})",
                temporary=True,
                server_unreachable=True,
            )
        return err  # KeyboardInterrupt and the like go on up unchanged

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(OSError):
                self._connection.close()
        self._connection = None


def _is_temporary(code: int) -> bool:
    """SMTP reply codes: 4xx is 'try again later', 5xx 'never'."""
    return 400 <= code < 500


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}"


def _describe(err: BaseException, timeout: float) -> str:
    if isinstance(err, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__
