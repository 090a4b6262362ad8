"""How fast can someone guess the password of an emailed PDF? Tries per second, offline.

An attacker who holds a locked PDF (a forwarded email, a lost laptop) can guess its
password as fast as their computer checks one: nothing slows the guesses down. This
measures that speed on one CPU core, two ways:

* `pikepdf`: `pikepdf.open(pdf, password=guess)`, the way the issue measured it (a
  whole open per guess: qpdf parses the file and runs the AES-256 key check);
* `direct`: the key check alone (PDF 2.0 Algorithm 2.B: SHA-256/384/512 and AES rounds)
  in Python with `cryptography`, what a dedicated cracking tool does per guess; real
  crackers in C or on a GPU go faster still.

It then prints each password policy's guess space, its entropy in bits, and how long
trying every guess takes at both speeds (half that on average). Run from the
repository with the package installed:

    python benchmarks/bench_passwords.py            # about 20 seconds
    python benchmarks/bench_passwords.py --seconds 10
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import io
import math
import time

import pikepdf
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

import leaflet
from leaflet.mail.encrypt import PASSWORD_ALPHABET, RANDOM_LENGTH, encrypt_pdf

#: Birthdays an attacker tries: everyone aged about 18 to 106.
BIRTHDAYS = (dt.date(2008, 12, 31) - dt.date(1920, 1, 1)).days + 1
POLICIES = {
    "date-of-birth": BIRTHDAYS,
    "date-of-birth-and-mobile": BIRTHDAYS * 10**4,  # and the mobile's last 4 digits
    "random": len(PASSWORD_ALPHABET) ** RANDOM_LENGTH,
}


def locked_pdf() -> bytes:
    """A consent form prepared for a patient, locked as `leaflet email` locks it."""
    personal = leaflet.Personalisation.from_text("Ann Lee", "1985-04-23")
    pdf = leaflet.build_document("consent", personal=personal)
    return encrypt_pdf(pdf.data, "230419854821")


def pikepdf_rate(data: bytes, seconds: float) -> float:
    tries, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        with contextlib.suppress(pikepdf.PasswordError):
            pikepdf.open(io.BytesIO(data), password=f"{tries:012d}").close()
        tries += 1
    return tries / (time.perf_counter() - started)


def hash_2b(password: bytes, salt: bytes) -> bytes:
    """PDF 2.0 (ISO 32000-2) Algorithm 2.B for a user password."""
    key = hashlib.sha256(password + salt).digest()
    rounds = 0
    while True:
        block = (password + key) * 64
        encryptor = Cipher(algorithms.AES(key[:16]), modes.CBC(key[16:32])).encryptor()
        encrypted = encryptor.update(block) + encryptor.finalize()
        digest = (hashlib.sha256, hashlib.sha384, hashlib.sha512)[
            int.from_bytes(encrypted[:16], "big") % 3
        ]
        key = digest(encrypted).digest()
        rounds += 1
        if rounds >= 64 and encrypted[-1] <= rounds - 32:
            return key[:32]


def direct_rate(data: bytes, seconds: float) -> float:
    with pikepdf.open(io.BytesIO(data), password="230419854821") as pdf:
        user = bytes(pdf.trailer.Encrypt.U)
    check, salt = user[:32], user[32:40]
    assert hash_2b(b"230419854821", salt) == check, "Algorithm 2.B does not match"
    tries, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        hash_2b(f"{tries:012d}".encode(), salt)
        tries += 1
    return tries / (time.perf_counter() - started)


def duration(seconds: float) -> str:
    for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("hours", 3600)):
        if seconds >= size:
            return f"{seconds / size:,.1f} {unit}"
    return f"{seconds / 60:,.1f} minutes" if seconds >= 60 else f"{seconds:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per measurement")
    seconds = parser.parse_args().seconds
    data = locked_pdf()
    rates = {"pikepdf": pikepdf_rate(data, seconds), "direct": direct_rate(data, seconds)}
    for name, rate in rates.items():
        print(f"{name}: {rate:,.0f} tries per second on one core")
    print()
    print("| policy | guesses | entropy | every guess, pikepdf | every guess, direct |")
    print("|---|---|---|---|---|")
    for policy, space in POLICIES.items():
        times = [duration(space / rate) for rate in rates.values()]
        print(f"| {policy} | {space:.3g} | {math.log2(space):.1f} bits | {' | '.join(times)} |")


if __name__ == "__main__":
    main()
