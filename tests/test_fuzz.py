"""Random content files and appointment rows: a PDF or `Error:` lines, never a traceback.

Hypothesis writes content YAML (a valid document with random values put in random places,
and raw YAML-like text full of anchors, tags and brackets) and appointment CSV rows (valid
cells mixed with random ones, quoted or raw), and runs the command line on each. Every
run must end with a PDF and exit 0, or with `Error:` lines naming the file and exit 1;
never a traceback, never leaflet's "bug in leaflet" line. Each test is bounded by its
number of examples (about 30 seconds in all on one core).
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pypdf
import yaml
from conftest import invoke
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from leaflet.sources.bundled import CONTENT_DIR

FUZZ = settings(
    max_examples=40,
    deadline=None,  # a build that succeeds takes a good fraction of a second
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.too_slow],
)
INFO = yaml.safe_load((CONTENT_DIR / "microneedling" / "en-GB" / "info.yaml").read_text("utf-8"))

# Text with everything that has bitten before: markup, template syntax, control
# characters, right-to-left and private-use characters, long runs.
TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "<b>bold</b> & <img src='/dev/zero'/>",
            "{{ clinic.name }}",
            "{{ 'a' * 10**9 }}",
            "{{ x | safe }}",
            "{% for i in range(9) %}x{% endfor %}",
            "**bold** and ** stray",
            '=HYPERLINK("x")',
            "line\r\nbreak",
            "\u202eevil\u202c",
            "\ue001",
            "word " * 1200,
        ]
    ),
)
VALUES = st.recursive(
    st.one_of(TEXT, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
YAML_BITS = st.sampled_from(
    [
        "meta:", "blocks:", "  - ", "paragraph: ", "heading: ", "&a ", "*a", "<<: *a",
        "? [a]\n: b", "!!python/object:os.system", "!!binary", "[", "]", "{", "}", ": ",
        "- ", "'", '"', "|", ">-", "\n", "  ", "#", "%YAML 1.1\n", "---\n", "...\n",
        "2026-13-01", "1e400", "~", "\t", "\x00", "\ufeff", "\\u0000",
    ]
)  # fmt: skip


def paths(value: Any, loc: tuple = ()) -> list[tuple]:
    """Every place in nested data a value could be replaced."""
    found = [loc]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*loc, index))
    return found


def value_at(data: Any, loc: tuple) -> Any:
    for part in loc:
        data = data[part]
    return data


def replaced(data: Any, loc: tuple, value: Any) -> Any:
    if not loc:
        return value
    head, rest = loc[0], loc[1:]
    if isinstance(data, dict):
        return {**data, head: replaced(data[head], rest, value)}
    copy = list(data)
    copy[head] = replaced(copy[head], rest, value)
    return copy


def assert_pdf_or_errors(result, pdf: Path, source: str) -> None:
    """The run ended with a readable PDF, or with `Error:` lines about `source`."""
    assert "Traceback" not in result.output
    assert "bug in leaflet" not in result.output, result.stderr
    event("a PDF" if result.exit_code == 0 else "Error: lines")  # --hypothesis-show-statistics
    if result.exit_code == 0:
        assert pypdf.PdfReader(pdf).pages
        return
    assert result.exit_code == 1, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("Error: ")]
    assert errors and lines[0].startswith("Error: "), result.stderr
    assert all(source in line for line in errors), result.stderr


def build_info(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        shutil.copytree(CONTENT_DIR, content)
        (content / "microneedling" / "en-GB" / "info.yaml").write_text(text, encoding="utf-8")
        pdf = Path(folder) / "info.pdf"
        result = invoke(["info", "--content-dir", str(content), "-o", str(pdf)])
        assert_pdf_or_errors(result, pdf, "info.yaml")


@FUZZ
@given(st.data())
def test_content_with_random_values(data):
    """One value of the information leaflet replaced: text where text was, half the time."""
    loc = data.draw(st.sampled_from(paths(INFO)[1:]), label="where")
    text_for_text = isinstance(value_at(INFO, loc), str) and data.draw(st.booleans())
    value = data.draw(TEXT if text_for_text else VALUES, label="value")
    build_info(yaml.safe_dump(replaced(INFO, loc, value), allow_unicode=True))


@FUZZ
@given(st.lists(YAML_BITS | TEXT, max_size=30))
def test_content_from_random_yaml_text(bits):
    """Raw YAML-like text as the first block of the information leaflet."""
    text = (CONTENT_DIR / "microneedling" / "en-GB" / "info.yaml").read_text("utf-8")
    build_info(text.replace("\nblocks:\n", "\nblocks:\n  - paragraph: " + "".join(bits) + "\n", 1))


HEADER = [
    "appointment_id", "patient_name", "date_of_birth", "email", "treatment", "appointment",
    "practitioner", "mobile", "layout", "language",
]  # fmt: skip
GOOD = [
    "A1", "Ann O'Brien", "1985-04-23", "ann@example.org", "microneedling",
    "2026-12-01T10:30", "Dr Sam Lee", "07700 900123", "a4", "en-GB",
]  # fmt: skip
CELL_BITS = st.sampled_from(
    ['"', '""', ",", ";", "\n", "\r\n", "\r", " ", "\x00", "=1+1", "../../etc", "CON", "\ufeff"]
)


@FUZZ
@given(
    st.dictionaries(st.integers(0, len(GOOD)), TEXT | CELL_BITS, max_size=3),
    st.booleans(),
)
def test_appointment_rows(changes, quoted):
    """One row, up to three of its cells random: its PDF, or `Error:` lines for the row."""
    row = [changes.get(index, good) for index, good in enumerate(GOOD)]
    row.append(changes.get(len(GOOD), ""))  # a column the header does not name
    if quoted:  # as a spreadsheet writes it
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows([HEADER, row])
        data = text.getvalue()
    else:  # as a careless script writes it: stray quotes, delimiters and line ends
        data = ",".join(HEADER) + "\n" + ",".join(row) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        day = Path(folder) / "day.csv"
        day.write_text(data, encoding="utf-8", newline="")
        out = Path(folder) / "out"
        args = ["batch", str(day), "--out-dir", str(out), "--jobs", "1", "--documents", "info"]
        result = invoke(args)
        built = sorted(out.glob("*.pdf")) if out.exists() else []
        if result.exit_code == 0 and not built:  # only blank lines: nothing to build
            assert result.stderr.startswith("Built 0 files") and "0 rows failed" in result.stderr
            return
        assert_pdf_or_errors(result, built[0] if built else out / "none.pdf", "day.csv")
