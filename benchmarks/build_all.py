"""Build every document on every layout, in every variant, and print each file's hash.

Run it in two trees and diff the lists to show that a change leaves output byte-identical
(or to name exactly which files it changes):

    python benchmarks/build_all.py OUT_DIR > list.txt

Each line is a file's name, the command's exit code, the first 16 hex digits of the
file's SHA-256 and what the command printed. A small batch (two exports, one and two
documents) and a few commands that must fail end the list, with their messages.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from click.testing import CliRunner

from leaflet.cli import main

DOCUMENTS = ("info", "consent", "aftercare")
LAYOUTS = ("a4", "letter", "large-print", "a5", "a5-booklet", "dl-trifold", "letter-trifold")
PERSONAL = (
    *("--patient-name", "Zoë Ng", "--date-of-birth", "1985-04-23"),
    *("--appointment", "2026-12-01T10:30", "--practitioner", "Dr Sam Lee"),
)
VARIANTS: dict[str, tuple[str, ...]] = {
    "blank": (),
    "personal": PERSONAL,
    "bleed": ("--bleed", "3mm", "--crop-marks"),
    "fillable": ("--fillable",),
    "fillable-personal": ("--fillable", *PERSONAL),
}
APPOINTMENTS = """\
appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner,layout
A1,Zoë Ng,1985-04-23,zoe@example.com,microneedling,2026-12-01T10:30,Dr Sam Lee,
A2,Łukasz Wróbel,,,microneedling,2026-12-01T11:30,,letter
A3,Ann O'Brien,1970-01-02,,microneedling,2026-12-01T12:30,Sam,dl-trifold
A4,Sam,1970-01-02,,microneedling,2026-12-01T12:30,Sam,large-print
"""
#: Commands whose exit code and message belong in the list (most must fail).
OTHERS = (
    ("list",),
    ("check",),
    ("info", "--layout", "nope"),
    ("consent", "--layout", "dl-trifold"),
    ("info", "--fillable"),
    ("consent", "--layout", "a5-booklet", "--bleed", "3mm"),
    ("info", "--patient-name", "漢"),
    ("info", "--date-of-birth", "1985-13-01"),
)


def short_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.exists() else "-"


def build_all(out: Path) -> list[str]:
    """Build everything into `out`; the list's lines."""
    out.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()
    lines = []
    for document in DOCUMENTS:
        for layout in LAYOUTS:
            for variant, options in VARIANTS.items():
                name = f"{document}-{layout}-{variant}.pdf"
                result = runner.invoke(
                    main, [document, "--layout", layout, *options, "-o", str(out / name)]
                )
                said = (result.output or "").strip().replace(f"{out}/", "")
                if result.exception and not isinstance(result.exception, SystemExit):
                    said += f" EXC {result.exception!r}"
                lines.append(f"{name} {result.exit_code} {short_hash(out / name)} {said}")
    export = out / "appts.csv"
    export.write_text(APPOINTMENTS, encoding="utf-8")
    for folder, documents in (("packs", "info,aftercare"), ("packs2", "consent")):
        result = runner.invoke(
            main,
            ["batch", str(export), "--out-dir", str(out / folder), "--jobs", "1"]
            + ["--documents", documents],
        )
        lines.append(f"{folder} {result.exit_code} {result.output.strip()!r}")
        built = sorted((out / folder).glob("*.pdf"))
        lines += [f"{folder}/{path.name} {short_hash(path)}" for path in built]
    for command in OTHERS:
        result = runner.invoke(main, list(command))
        lines.append(f"{' '.join(command)} -> {result.exit_code} {result.output.strip()!r}")
    return lines


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder for the files (made if need be)")
    lines = build_all(parser.parse_args().out_dir)
    print("\n".join(lines))


if __name__ == "__main__":
    run()
