"""Emailing each patient their pack: plan, then send each message once, resumably.

`deliver` first checks every pack and renders every email's wording, so a template
mistake stops the run before anything is sent. It then queues each message in the send
ledger (`ledger`), locks the personal documents (`encrypt`), and sends through a
transport (`transports`), committing each outcome at once:

- a message marked sent is never sent again, by this run or any later one;
- a temporary failure is tried again after 2, 4... seconds (`backoff`), up to `attempts`
  times; one still failing is left for the next run;
- a server that cannot be reached, or an outbox or ledger that cannot be written (a full
  disk), stops the run: every unsent message stays queued;
- a permanent failure (the server refused the address) is reported per appointment.

A message written to an outbox folder is not sent: the ledger records the transport,
and a run through a mail server afterwards sends it (with the same Message-ID). `resend`
sends chosen appointments' messages again on purpose, as new messages.

So running again after any failure sends exactly what is still unsent, with one window
that no client can close: a message is marked `sending` in the ledger before it is handed
over and `sent` once the server has accepted it. A run killed between the server's
acceptance and that record leaves it `sending`; the next run sends it again, with the
same Message-ID, and reports it (`DeliveryReport.resent`): the patient may get it twice,
never not at all.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from leaflet.errors import LeafletError, OutputError, SourceError
from leaflet.mail.encrypt import PASSWORDS_NAME, RANDOM, PasswordFile
from leaflet.mail.ledger import OUTBOX, SENDING, Ledger, LedgerEntry, read_ledger
from leaflet.mail.messages import (
    Letter,
    Pack,
    PackFile,
    Wordings,
    compose,
    message_id_domain,
    password_problem,
    policy_password,
)
from leaflet.mail.transports import SendFailure, Transport
from leaflet.packs.appointments import Appointment, RowProblem, check_email
from leaflet.packs.manifest import output_name
from leaflet.sources.brand import Brand
from leaflet.sources.content import DOCUMENTS
from leaflet.sources.documents import FORMS


@dataclass(frozen=True)
class Outcome:
    """What happened to one appointment's email, and why when it was not sent."""

    appointment_id: str
    recipient: str
    reason: str = ""


@dataclass(frozen=True)
class PlannedMessage:
    """A message a dry run would send: to whom, and which attachments, locked or not."""

    appointment_id: str
    recipient: str
    attachments: tuple[tuple[str, bool], ...]  # (file name, encrypted)


@dataclass
class DeliveryReport:
    """The result of `deliver`; `ok` when nothing is left unsent but by design. Through
    an outbox (`transport` OUTBOX), `sent` messages were written there, not sent."""

    dry_run: bool = False
    transport: str = "smtp"
    planned: list[PlannedMessage] = field(default_factory=list)  # dry run only
    sent: list[Outcome] = field(default_factory=list)
    already_sent: list[Outcome] = field(default_factory=list)
    resent: list[Outcome] = field(default_factory=list)  # sent again after an interruption
    again: list[str] = field(default_factory=list)  # appointment ids sent again, as asked
    temporary: list[Outcome] = field(default_factory=list)  # still queued for a re-run
    permanent: list[Outcome] = field(default_factory=list)
    no_email: list[str] = field(default_factory=list)  # appointment ids
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.temporary or self.permanent or self.problems)

    def summary(self) -> str:
        """One line of counts, e.g. `3 sent, 1 already sent, 1 refused by the server`."""
        outbox = self.transport == OUTBOX
        counts = [
            (len(self.planned), "to send (dry run)"),
            (len(self.sent), "written to the outbox, not sent yet" if outbox else "sent"),
            (len(self.already_sent), "already in the outbox" if outbox else "already sent"),
            (len(self.temporary), "left queued after a temporary failure"),
            (len(self.permanent), "refused by the server"),
            (len(self.no_email), "without an email address"),
            (len(self.problems), "with a problem"),
        ]
        shown = [f"{count} {label}" for count, label in counts if count]
        if self.resent:  # always among the sent
            it, may = ("it", "it may") if len(self.resent) == 1 else ("them", "they may")
            shown[0] += (
                f" ({len(self.resent)} again after a run was interrupted while sending "
                f"{it}: {may} arrive twice)"
            )
        return ", ".join(shown) or "nothing to send"


def find_packs(
    appointments: Iterable[Appointment],
    out_dir: Path | str,
    documents: Sequence[str] = DOCUMENTS,
    *,
    fillable: bool = False,
) -> tuple[list[Pack], list[RowProblem]]:
    """The packs `leaflet batch` built in `out_dir` (`<appointment_id>-<document>.pdf`),
    holding only `documents`, and a problem for each appointment that has none. The
    batch prints the patient's details on every document it builds for an appointment
    that has any, so each file counts as personal (and is locked) unless the appointment
    has no personal details. `fillable`: the batch made its forms fillable (the email
    then says they can be filled in on screen)."""
    out_dir = Path(out_dir)
    packs, problems = [], []
    for appointment in appointments:
        files = tuple(
            PackFile(
                document,
                out_dir / output_name(appointment.appointment_id, document),
                personal=bool(appointment.personal),
                fillable=fillable and document in FORMS,
            )
            for document in documents
            if (out_dir / output_name(appointment.appointment_id, document)).is_file()
        )
        if files:
            packs.append(Pack(appointment, files))
        else:
            problems.append(
                RowProblem(
                    "",
                    0,
                    "",
                    f"no documents built for it in {out_dir}; build them with build_batch first",
                    appointment.appointment_id,
                )
            )
    return packs, problems


def deliver(
    packs: Sequence[Pack],
    brand: Brand,
    *,
    transport: Transport | None,
    ledger_path: Path | str,
    content_dir: Path | str | None = None,
    dry_run: bool = False,
    attempts: int = 3,
    backoff: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    via: str | None = None,
    resend: Collection[str] = (),
) -> DeliveryReport:
    """Email each pack to its patient once; see the module docstring for the rules.

    `dry_run` reports what would be sent (to whom, which attachments, which locked)
    without sending, without writing passwords and without touching the ledger; it needs
    no transport, only `via` (`smtp` or `outbox`: what a real run would send through).
    `resend` names appointments to send again although the ledger says they were sent,
    as new messages; only those are sent. `passwords.csv` (random password policy) goes
    beside the ledger. A problem no retry can fix (bad template, refused login) is raised
    as a `LeafletError`; what was sent before it stays recorded.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    ledger_path = Path(ledger_path)
    templates = Wordings(brand, content_dir)
    kind: str = via or (transport.kind if transport is not None else OUTBOX)
    report = DeliveryReport(dry_run=dry_run, transport=kind)
    packs = _chosen(packs, resend)
    plan = _Plan(templates, brand, kind, frozenset(resend), report)
    if dry_run:
        recorded = read_ledger(ledger_path)
        for pack, letter in plan.make(packs, recorded.get):
            attachments = tuple((item.name, item.encrypted) for item in letter.attachments)
            appointment = pack.appointment
            planned = PlannedMessage(appointment.appointment_id, appointment.email, attachments)
            report.planned.append(planned)
        return report
    if transport is None:
        raise ValueError("a transport is needed unless dry_run is set")
    sender = _Sender(brand, transport, attempts, backoff, sleep, report, frozenset(resend))
    with Ledger(ledger_path) as ledger:
        sender.send_all(plan.make(packs, ledger.entry), ledger)
    return report


def _chosen(packs: Sequence[Pack], resend: Collection[str]) -> Sequence[Pack]:
    """The packs to consider: all, or those `resend` names (each must be there)."""
    if not resend:
        return packs
    known = {pack.appointment.appointment_id for pack in packs}
    if unknown := [ident for ident in resend if ident not in known]:
        raise LeafletError(
            f"cannot send again: no appointment {', '.join(map(repr, unknown))} in these "
            f"appointments (they have: {', '.join(sorted(known)) or 'none'})"
        )
    return [pack for pack in packs if pack.appointment.appointment_id in resend]


@dataclass
class _Plan:
    """Decides which packs to send now and renders their wording."""

    templates: Wordings
    brand: Brand
    kind: str  # the transport: SMTP or OUTBOX
    resend: frozenset[str]
    report: DeliveryReport

    def make(
        self, packs: Iterable[Pack], entry_of: Callable[[str], LedgerEntry | None]
    ) -> list[tuple[Pack, Letter]]:
        """The packs to send now with their wording; the others go into the report."""
        policy, report = self.brand.spec.email.password, self.report
        plans = []
        seen: set[str] = set()
        for pack in packs:
            appointment = pack.appointment
            ident = appointment.appointment_id
            if ident in seen:
                reason = f"duplicate id {ident!r}; each appointment is emailed once"
                report.problems.append(
                    RowProblem("", appointment.row, "appointment_id", reason, ident)
                )
                continue
            seen.add(ident)
            if not appointment.email:
                report.no_email.append(ident)
                continue
            entry = entry_of(ident)
            if entry is not None and entry.done_by(self.kind) and ident not in self.resend:
                report.already_sent.append(Outcome(ident, entry.recipient))
                continue
            if found := _problem(pack, policy):
                report.problems.append(RowProblem("", appointment.row, *found, ident))
                continue
            # A template mistake is the same for every patient: it stops the whole run
            # here, before anything is sent. A language without email wording stops only
            # its rows.
            try:
                letter = self.templates.render(pack, policy)
            except LeafletError as err:
                if isinstance(err, SourceError):
                    raise
                report.problems.append(
                    RowProblem("", appointment.row, "language", err.message, ident)
                )
                continue
            plans.append((pack, letter))
        return plans


def _problem(pack: Pack, policy: str) -> tuple[str, str] | None:
    """(column, reason) when the pack cannot be sent, else None."""
    if reason := check_email(pack.appointment.email):
        return "email", reason
    if not pack.files:
        return "", "no documents to send"
    if unknown := [item.document for item in pack.files if item.document not in DOCUMENTS]:
        return "", f"unknown document {unknown[0]!r}; expected one of {', '.join(DOCUMENTS)}"
    if missing := [item.path for item in pack.files if not Path(item.path).is_file()]:
        return "", f"document not found: {missing[0]}"
    return password_problem(pack, policy)


@dataclass
class _Sender:
    """Sends planned messages one by one, recording each outcome in the ledger."""

    brand: Brand
    transport: Transport
    attempts: int
    backoff: float
    sleep: Callable[[float], None]
    report: DeliveryReport
    resend: frozenset[str] = frozenset()  # appointments to send again, as new messages
    stopped: str = ""  # why the run stopped sending: the server cannot be reached

    def send_all(self, plans: list[tuple[Pack, Letter]], ledger: Ledger) -> None:
        """Queue every planned message in the ledger, then send them one by one."""
        try:
            domain = message_id_domain(self.brand)
            for pack, _ in plans:  # queued before any is sent: a kill leaves them queued
                appointment, ident = pack.appointment, pack.appointment.appointment_id
                entry = ledger.queue(
                    ident, appointment.email, email.utils.make_msgid(domain=domain)
                )
                if ident in self.resend and entry.attempts:  # a new message, on purpose
                    ledger.renew(ident, email.utils.make_msgid(domain=domain))
                    self.report.again.append(ident)
            passwords = None
            if self.brand.spec.email.password == RANDOM:
                passwords = PasswordFile(ledger.path.parent / PASSWORDS_NAME)
            for pack, letter in plans:
                try:
                    self._send(pack, letter, ledger, passwords)
                except OutputError as err:  # the ledger cannot be written: stop here
                    self._stop(pack.appointment, err.message)
        finally:
            self.transport.close()

    def _stop(self, appointment: Appointment, reason: str) -> None:
        """Stop sending: this message and the rest stay queued for the next run."""
        if not self.stopped:
            self.report.temporary.append(
                Outcome(appointment.appointment_id, appointment.email, reason)
            )
            self.stopped = reason

    def _send(
        self, pack: Pack, letter: Letter, ledger: Ledger, passwords: PasswordFile | None
    ) -> None:
        appointment = pack.appointment
        ident, recipient = appointment.appointment_id, appointment.email
        if self.stopped:
            self.report.temporary.append(Outcome(ident, recipient, f"not tried: {self.stopped}"))
            return
        entry = ledger.entry(ident)
        assert entry is not None, "every planned message is queued first"
        try:
            password = _password(pack, self.brand.spec.email.password, passwords)
            message = compose(
                pack, letter, self.brand, message_id=entry.message_id, password=password
            )
        except LeafletError as err:  # an unreadable document: this appointment only
            self.report.problems.append(RowProblem("", 0, "", err.message, ident))
            return
        self._try(message, appointment, ledger, interrupted=entry.state == SENDING)

    def _try(
        self, message: EmailMessage, appointment: Appointment, ledger: Ledger, *, interrupted: bool
    ) -> None:
        """Send, trying a temporary failure again after 2, 4... seconds. `interrupted`:
        a run was killed while handing this message over, so it may arrive twice."""
        ident, recipient = appointment.appointment_id, appointment.email
        for attempt in range(1, self.attempts + 1):
            try:
                self.transport.connect()
                ledger.record_sending(ident)  # committed before the server sees the message
                self.transport.send(message, ident)
            except OutputError as err:  # the outbox cannot be written, e.g. a full disk
                self._stop(appointment, err.message)
                ledger.record_failure(ident, err.message, permanent=False)
                return
            except SendFailure as failure:
                ledger.record_failure(ident, failure.reason, permanent=not failure.temporary)
                if not failure.temporary:
                    self.report.permanent.append(Outcome(ident, recipient, failure.reason))
                    return
                if attempt == self.attempts:
                    self.report.temporary.append(Outcome(ident, recipient, failure.reason))
                    if failure.server_unreachable:
                        self.stopped = failure.reason
                    return
                self.sleep(self.backoff * 2 ** (attempt - 1))
            else:
                ledger.record_sent(ident, self.transport.kind)
                self.report.sent.append(Outcome(ident, recipient))
                if interrupted:
                    self.report.resent.append(Outcome(ident, recipient))
                return


def _password(pack: Pack, policy: str, passwords: PasswordFile | None) -> str | None:
    """The password the pack's personal documents are locked with, if it has any."""
    if not any(item.personal for item in pack.files):
        return None
    if passwords is not None:
        return passwords.password_for(pack.appointment.appointment_id)
    return policy_password(pack, policy)
