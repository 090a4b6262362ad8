"""Sending over TLS for real: STARTTLS and implicit TLS against a local aiosmtpd server
with a certificate made for the test, a login that only TLS allows, and a certificate
nobody vouches for."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from test_email import Mailbox, free_port, make_pack, pdfs, run  # noqa: F401 (fixture)

import leaflet
from leaflet.transports import SmtpTransport

USER, PASSWORD = "clinic", "correct horse battery staple"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1, and its key (PEM files)."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                       critical=False)
        .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def server_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def check_login(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=auth_data.login == USER.encode()
                      and auth_data.password == PASSWORD.encode())


@pytest.fixture()
def tls_server(certificate, request):
    """A server needing STARTTLS (and TLS for login), or speaking TLS from the start."""
    mailbox = Mailbox()
    options = {"tls_context": server_context(certificate), "require_starttls": True,
               "auth_require_tls": True, "authenticator": check_login}
    if request.param == "implicit":
        options = {"ssl_context": server_context(certificate), "authenticator": check_login,
                   "auth_require_tls": False}  # the whole session is already TLS
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    yield request.param, mailbox, controller.port
    controller.stop()


ENVIRON = {"LEAFLET_SMTP_USER": USER, "LEAFLET_SMTP_PASSWORD": PASSWORD}


@pytest.mark.parametrize("tls_server", ["starttls", "implicit"], indirect=True)
def test_mail_goes_over_tls_with_a_login(tls_server, certificate, pdfs, tmp_path):
    mode, mailbox, port = tls_server
    transport = SmtpTransport("127.0.0.1", port, timeout=5, environ=ENVIRON,
                              security="tls" if mode == "implicit" else "starttls",
                              ca_file=certificate[0])
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
        f"SMTP server 127.0.0.1:{port}: TLS failed (CERTIFICATE_VERIFY_FAILED")
    assert mailbox.messages == []


def test_an_unreadable_ca_file_is_named(tmp_path):
    transport = SmtpTransport("127.0.0.1", free_port(), environ={},
                              ca_file=tmp_path / "missing.pem")
    with pytest.raises(leaflet.LeafletError) as caught:
        transport.send(None, "A1")
    assert caught.value.message == (
        f"SMTP server 127.0.0.1:{transport.port}: cannot read the certificates in "
        f"{tmp_path / 'missing.pem'} (No such file or directory)")
