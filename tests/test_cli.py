"""The `leaflet` command line: help, version, list, writing files and reporting errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml
from conftest import (
    BRAND_NOTE,
    DOCUMENTS,
    PAGE_SIZES,
    REPO,
    copy_content,
    invoke,
    leftovers,
    read_pdf,
    replace_in,
    write_brand,
)

import leaflet
from leaflet.cli import main
from leaflet.sources.bundled import CONTENT_DIR, LAYOUTS_DIR

USAGE = "Usage: leaflet {command} [OPTIONS]\nTry 'leaflet {command} --help' for help.\n\n"


@pytest.fixture()
def in_tmp(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- help and version -----------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_main_help(flag):
    result = invoke([flag])
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: leaflet [OPTIONS] COMMAND [ARGS]...\n")
    for command in ("info", "consent", "aftercare", "list"):
        assert f"\n  {command} " in result.stdout


@pytest.mark.parametrize("command", [*DOCUMENTS, "list"])
def test_command_help(command):
    result = invoke([command, "--help"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: leaflet {command} [OPTIONS]\n")
    options = ["--content-dir", "--help"]
    if command != "list":
        options += [
            "--treatment",
            "--brand",
            "--layout",
            "--patient-name",
            "--date-of-birth",
            "--appointment",
            "--practitioner",
            "--output",
        ]
    assert [option for option in options if option not in result.stdout] == []


def test_document_help_shows_defaults():
    result = invoke(["info", "--help"])
    text = " ".join(result.stdout.split())
    assert "[default: microneedling]" in text
    assert "(leaflet list shows them all). [default: a4]" in text
    assert "[default: ./<treatment>-info.pdf]" in text


def test_version():
    result = invoke(["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"leaflet, version {leaflet.__version__}\n"


def test_python_m_leaflet_version():
    result = subprocess.run(
        [sys.executable, "-m", "leaflet", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"leaflet, version {leaflet.__version__}\n"


def test_a_closed_pipe_ends_quietly():
    """`leaflet list | head -1`: the reader has gone; no "unexpected problem" line."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE, as after `head` exits
    try:
        result = subprocess.run(
            [sys.executable, "-m", "leaflet", "list"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (141, "")


def test_every_command_is_registered():
    context = click.Context(main)
    names = main.list_commands(context)
    assert all(main.get_command(context, name).name == name for name in names)
    assert names == [
        "aftercare",
        "batch",
        "check",
        "consent",
        "email",
        "info",
        "init",
        "list",
        "verify",
    ]


# --- list -----------------------------------------------------------------------------


def test_list():
    treatment = yaml.safe_load((CONTENT_DIR / "microneedling/treatment.yaml").read_text())
    descriptions = {
        name: yaml.safe_load((LAYOUTS_DIR / f"{name}.yaml").read_text())["description"]
        for name in leaflet.known_layouts()
    }
    result = invoke(["list"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Treatments:\n"
        f"  microneedling: {treatment['summary']}\n"
        "    documents: info, consent, aftercare\n"
        "    languages:\n"
        "      ar Arabic: info, consent, aftercare (translation of en-GB 2.0, not yet reviewed)\n"
        "      cy Welsh: info, consent, aftercare (translation of en-GB 2.0, not yet reviewed)\n"
        "      en-GB English (United Kingdom): info, consent, aftercare\n"
        "      pl Polish: info, consent, aftercare (translation of en-GB 2.0, not yet reviewed)\n"
        "Layouts:\n"
        + "".join(f"  {name}: {text}\n" for name, text in descriptions.items())
        + f"(layout files in {LAYOUTS_DIR})\n"
    )


def test_list_own_content_folder(tmp_path):
    content = tmp_path / "content"
    (content / "peels").mkdir(parents=True)
    (content / "peels/treatment.yaml").write_text("name: Peels\nsummary: A chemical peel.\n")
    (content / "peels/aftercare.yaml").write_text("meta: {}\n")
    result = invoke(["list", "--content-dir", str(content)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "Treatments:\n  peels: A chemical peel.\n    documents: aftercare\n"
        "    languages:\n      en-GB English (United Kingdom): aftercare\nLayouts:\n"
    )


def test_list_is_a_listing_and_leaves_checking_to_check(tmp_path):
    """`list` shows what it can read and marks what it cannot, rather than failing:
    `leaflet check` is the command that validates and explains."""
    content = tmp_path / "content"
    (content / "peels/en-GB").mkdir(parents=True)
    (content / "peels/treatment.yaml").write_text("name: Peels\nsummary: [not, text]\n")
    (content / "peels/en-GB/info.yaml").write_text("meta: {title: Peels, colour: red}\n")
    (content / "peels/pl").mkdir()
    bomb = "meta:\n  a: &a [x, x, x]\n  b: [*a, *a, *a]\n"
    (content / "peels/pl/info.yaml").write_text(bomb)
    (content / "broken").mkdir()
    (content / "broken/treatment.yaml").write_text("summary: 'unclosed\n")
    result = invoke(["list", "--content-dir", str(content)])
    assert result.exit_code == 0, result.output
    marker = "(cannot be read: run leaflet check)"
    assert result.stdout.startswith(
        "Treatments:\n"
        f"  broken: {marker}\n    documents: \n    languages:\n"
        f"  peels: {marker}\n    documents: info\n    languages:\n"
        "      en-GB English (United Kingdom): info\n"
        f"      pl Polish: info {marker}\nLayouts:\n"
    )


# --- writing --------------------------------------------------------------------------


def test_default_output_name(in_tmp):
    result = invoke(["info"])
    assert result.exit_code == 0, result.output
    pdf = read_pdf((in_tmp / "microneedling-info.pdf").read_bytes())
    pages = pdf.rendered.page_count
    assert result.stderr == f"Wrote microneedling-info.pdf ({pages} pages){BRAND_NOTE}\n"
    assert result.stdout == ""
    assert sorted(p.name for p in in_tmp.iterdir()) == ["microneedling-info.pdf"]


def test_default_output_matches_the_library(in_tmp, default_pdfs):
    result = invoke(["consent"])
    assert result.exit_code == 0, result.output
    assert (in_tmp / "microneedling-consent.pdf").read_bytes() == default_pdfs["consent", "a4"].data


def test_letter_layout_from_the_command_line(in_tmp):
    result = invoke(["aftercare", "--layout", "letter"])
    assert result.exit_code == 0, result.output
    pdf = read_pdf((in_tmp / "microneedling-aftercare.pdf").read_bytes())
    width, height = PAGE_SIZES["letter"]
    box = pdf.reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((width, height), abs=0.5)


def test_output_option_relative_path(in_tmp):
    (in_tmp / "out").mkdir()
    result = invoke(["aftercare", "-o", "out/after.pdf"])
    assert result.exit_code == 0, result.output
    pages = read_pdf((in_tmp / "out/after.pdf").read_bytes()).rendered.page_count
    assert result.stderr == f"Wrote out/after.pdf ({pages} pages){BRAND_NOTE}\n"


def test_output_outside_the_working_folder_is_shown_absolute(in_tmp, tmp_path_factory):
    target = tmp_path_factory.mktemp("elsewhere") / "info.pdf"
    result = invoke(["info", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"Wrote {target} (")


def test_standard_output(in_tmp, default_pdfs):
    result = invoke(["info", "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"%PDF")
    assert result.stdout_bytes == default_pdfs["info", "a4"].data
    pages = default_pdfs["info", "a4"].rendered.page_count
    assert result.stderr == f"Wrote info PDF to standard output ({pages} pages){BRAND_NOTE}\n"
    assert list(in_tmp.iterdir()) == []


def test_personal_details_on_the_command_line(in_tmp):
    result = invoke(
        [
            "consent",
            "--patient-name",
            "Zoë Ng",
            "--date-of-birth",
            "1985-04-23",
            "--appointment",
            "2026-12-01T10:30",
            "--practitioner",
            "Dr Priya Patel",
            "-o",
            "zoe.pdf",
        ]
    )
    assert result.exit_code == 0, result.output
    text = read_pdf((in_tmp / "zoe.pdf").read_bytes()).text
    assert "Full name Zoë Ng Date of birth 23 April 1985" in text
    assert "Printed name Dr Priya Patel" in text


def test_prepared_for_on_the_command_line(in_tmp):
    result = invoke(
        [
            "info",
            "--patient-name",
            "Ann <b>O'Brien</b> & Co",
            "--appointment",
            "2026-12-01 10:30",
            "--practitioner",
            "Dr Priya Patel",
        ]
    )
    assert result.exit_code == 0, result.output
    first = read_pdf((in_tmp / "microneedling-info.pdf").read_bytes()).pages[0]
    assert (
        "Prepared for Ann <b>O'Brien</b> & Co Your appointment: Tuesday, 1 December 2026 "
        "at 10:30 with Dr Priya Patel"
    ) in first


def test_brand_option(in_tmp):
    brand = write_brand(in_tmp, {"name: Example Skin Clinic": "name: Northside <i>&</i> Skin"})
    result = invoke(["aftercare", "--brand", str(brand), "-o", "a.pdf"])
    assert result.exit_code == 0, result.output
    pdf = read_pdf((in_tmp / "a.pdf").read_bytes())
    assert pdf.pages[0].startswith("Northside <i>&</i> Skin ")
    assert pdf.metadata["/Author"] == "Northside <i>&</i> Skin"


# --- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["consent", "--date-of-birth", "04/05/1985"],
            "Invalid value for '--date-of-birth': '04/05/1985' could be 4 May 1985 (day first) "
            "or 5 April 1985 (month first), and the date order is not set: set date_order: "
            "day-first or month-first under appointments: in leaflet.yaml, or --date-order",
        ),
        (
            ["consent", "--date-of-birth", "2999-01-01"],
            "Invalid value for '--date-of-birth': '2999-01-01' is in the future",
        ),
        (
            ["info", "--appointment", "2026-12-01"],
            "Invalid value for '--appointment': '2026-12-01' has no time; add one, e.g. "
            "2026-12-01 09:00 (or 9:00 AM)",
        ),
        (
            ["info", "--appointment", "next tuesday"],
            "Invalid value for '--appointment': 'next tuesday' is not a date and time; expected "
            "a date and time such as 2026-12-01 09:00 or 1 December 2026 9:00 AM",
        ),
        (
            ["aftercare", "--patient-name", "Ann\x07"],
            "Invalid value for '--patient-name': contains a control character",
        ),
    ],
)
def test_bad_option_values(in_tmp, args, message):
    result = invoke(args)
    assert result.exit_code == 2
    assert result.stderr == USAGE.format(command=args[0]) + f"Error: {message}\n"
    assert list(in_tmp.iterdir()) == []


def test_unknown_option(in_tmp):
    result = invoke(["info", "--colour", "red"])
    assert result.exit_code == 2
    assert result.stderr.startswith(USAGE.format(command="info") + "Error: No such option")
    assert "--colour" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["info", "--layout", "a3"],
            "unknown layout 'a3'; known layouts: a4, a5, a5-booklet, dl-trifold, large-print, "
            "letter, letter-trifold",
        ),
        (
            ["info", "--treatment", "botox"],
            "unknown treatment 'botox'; known treatments: microneedling (Collagen induction "
            "therapy, Skin needling, Dermapen, الوخز بالإبر الدقيقة, Micronodwyddo, "
            "Mikroigłowanie)",
        ),
        (
            ["consent", "--patient-name", "Ann 漢"],
            "patient name: the brand fonts cannot print '漢' (U+6F22 CJK UNIFIED IDEOGRAPH-6F22); "
            "list a TrueType font that has it under fonts.fallback in the brand file (Chinese, "
            "Japanese, Korean: Debian's fonts-droid-fallback)",
        ),
        (["info", "--brand", "nope.yaml"], "nope.yaml: file not found"),
        (
            ["info", "-o", "missing/info.pdf"],
            "cannot write missing/info.pdf: folder missing does not exist",
        ),
    ],
)
def test_errors_exit_1_without_writing(in_tmp, args, message):
    result = invoke(args)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""
    assert list(in_tmp.iterdir()) == []


def test_failed_build_keeps_the_existing_file(in_tmp):
    target = in_tmp / "microneedling-consent.pdf"
    target.write_bytes(b"yesterday's form")
    result = invoke(["consent", "--patient-name", "漢"])
    assert result.exit_code == 1
    assert target.read_bytes() == b"yesterday's form"
    assert leftovers(in_tmp) == ["microneedling-consent.pdf"]


def test_content_error_from_own_content_folder(in_tmp):
    copy_content(in_tmp)
    replace_in(
        in_tmp / "content/microneedling/en-GB/aftercare.yaml", 'version: "2.0"', "version: 1.0"
    )
    (in_tmp / "out").mkdir()
    (in_tmp / "out/aftercare.pdf").write_bytes(b"old")
    result = invoke(["aftercare", "--content-dir", "content", "-o", "out/aftercare.pdf"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: content/microneedling/en-GB/aftercare.yaml:6: meta.version: "
        "expected text (put numbers and dates in quotes)\n"
    )
    assert (in_tmp / "out/aftercare.pdf").read_bytes() == b"old"
    assert leftovers(in_tmp / "out") == ["aftercare.pdf"]


def test_console_script_is_declared():
    # The console script is declared in pyproject.toml and points at leaflet.cli:run.
    assert 'leaflet = "leaflet.cli:run"' in (REPO / "pyproject.toml").read_text()
