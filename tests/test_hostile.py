"""The attacks leaflet withstands: hostile or careless content, brands, files and output.

Each test reproduces one attack from issue 18 and checks that it ends in a correct
result or in one `Error:` line naming the file, line or field, with a non-zero exit, in
bounded time and memory. Killed runs, full disks and the email ledger are in
`test_hostile_runs.py`; random content and CSV rows in `test_fuzz.py`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PINNED_MAIN, invoke, replace_in, write_brand

import leaflet
from leaflet.sources.templating import Namespace, TemplateProblem, Wording, make_environment

INFO = "content/microneedling/info.yaml"


def one_error(result) -> str:
    """The one `Error:` line a failed command printed (and that it failed)."""
    assert result.exit_code != 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def run_leaflet(args: list[str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """`leaflet ARGS` in a new process, killed (and the test failed) after `timeout`."""
    return subprocess.run(
        [sys.executable, "-c", PINNED_MAIN, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def add_block(content: Path, block: str, document: str = "info") -> int:
    """Make `block` (YAML lines) the first block of `document`; return its line."""
    path = content / "microneedling" / f"{document}.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nblocks:\n") + len("\nblocks:\n")
    path.write_text(text[:start] + block + text[start:], encoding="utf-8")
    return text[:start].count("\n") + 1


def alias_bomb(levels: int = 10, width: int = 9) -> str:
    """YAML in which `levels` nested lists of `width` aliases expand to width**levels."""
    lines = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


# --- High 1: YAML aliases -----------------------------------------------------------------


def test_an_alias_bomb_in_leaflet_yaml_is_refused_at_once(tmp_path):
    assert invoke(["init", str(tmp_path / "clinic")]).exit_code == 0
    config = tmp_path / "clinic" / "leaflet.yaml"
    config.write_text("brand: brand.yaml\n" + alias_bomb(), encoding="utf-8")
    result = run_leaflet(["list"], cwd=tmp_path / "clinic")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: leaflet.yaml:3: YAML aliases (*name) are not allowed: write the value out in full\n"
    )


def test_an_alias_in_content_is_refused_with_its_line(content_copy):
    line = add_block(content_copy, "  - paragraph: &words Some words.\n  - paragraph: *words\n")
    result = invoke(["info", "--content-dir", "content"])
    assert one_error(result) == (
        f"Error: {INFO}:{line + 1}: YAML aliases (*name) are not allowed: write the value "
        "out in full"
    )


def test_an_alias_bomb_in_a_brand_is_refused(tmp_path):
    brand = write_brand(tmp_path, extra=alias_bomb())
    with pytest.raises(leaflet.SourceError, match="YAML aliases"):
        leaflet.load_brand(brand)


def test_an_alias_bomb_in_a_layout_is_refused(tmp_path):
    (tmp_path / "bomb.yaml").write_text("extends: a4\n" + alias_bomb(), encoding="utf-8")
    with pytest.raises(leaflet.SourceError, match="YAML aliases"):
        leaflet.load_layout("bomb", tmp_path)


def test_a_complex_key_in_leaflet_yaml(tmp_path):
    assert invoke(["init", str(tmp_path / "clinic")]).exit_code == 0
    (tmp_path / "clinic" / "leaflet.yaml").write_text("brand: brand.yaml\n? [a]\n: b\n")
    result = run_leaflet(["list"], cwd=tmp_path / "clinic")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: leaflet.yaml:2: a key must be plain text, not a list or mapping\n"
    )


def test_nesting_deep_enough_to_overflow_the_stack(content_copy):
    line = add_block(content_copy, "  - paragraph: " + "[" * 900 + "]" * 900 + "\n")
    assert one_error(invoke(["info", "--content-dir", "content"])) == (
        f"Error: {INFO}:{line}: nested more than 50 levels deep"
    )


# --- High 2: raw markup from content templates --------------------------------------------

RAW_MARKUP = [
    ("""{{ '<img src="/dev/zero"/>' | safe }}""", "the filter 'safe' is not available"),
    ("""{{ '<a href="javascript:x()">x</a>' | safe }}""", "the filter 'safe' is not available"),
    ("{{ 'http://x.example' | urlize }}", "the filter 'urlize' is not available"),
    ("{{ {'a': 1} | xmlattr }}", "the filter 'xmlattr' is not available"),
    ("{{ 'x' | tojson }}", "the filter 'tojson' is not available"),
    (
        "{% autoescape false %}{{ '<img src=\"/dev/zero\"/>' }}{% endautoescape %}",
        "{% autoescape %} is not available",
    ),
    ("{% filter safe %}<b>x</b>{% endfilter %}", "filter blocks are not available"),
    ("{% macro m() %}x{% endmacro %}{{ m() }}", "macros are not available"),
    ("{{ '<b>%s</b>' % clinic.name }}", "'%' works on numbers only"),
    ("{{ clinic.name.format() }}", "calls (name(...)) are not available"),
]


@pytest.mark.parametrize(("template", "problem"), RAW_MARKUP)
def test_content_cannot_emit_raw_markup(template, problem):
    environment = make_environment()
    context = {"clinic": Namespace("clinic", {"name": "Ann"})}
    with pytest.raises(TemplateProblem, match=problem.replace("(", r"\(").replace(")", r"\)")):
        Wording(template, environment).render(context)


def test_safe_in_content_is_an_error_naming_file_and_line(content_copy):
    line = add_block(content_copy, """  - paragraph: "{{ '<img src=x/>' | safe }}"\n""")
    message = one_error(invoke(["info", "--content-dir", "content"]))
    assert message.startswith(
        f"Error: {INFO}:{line}: blocks[0].paragraph: template error: the filter 'safe' is "
        "not available in content templates; filters: abs, capitalize,"
    )


def test_check_reports_safe_instead_of_no_problems(content_copy):
    line = add_block(content_copy, """  - paragraph: "{{ '<img src=x/>' | safe }}"\n""")
    result = invoke(["check", "--content-dir", "content"])
    assert result.exit_code == 1
    assert f"error: {INFO}:{line}: blocks[0].paragraph: template error: the filter 'safe'" in (
        result.stdout
    )


# --- Low: template work and output, block length ------------------------------------------


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{{ 'a' * 10**9 }}", "'*' works on numbers only in templates"),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
            "loops ({% for %}) are not available in content templates",
        ),
        ("{{ 9 ** 100000000 }}", "'**' takes exponents up to 100 in templates"),
        ("{{ clinic.name | truncate(10**9) }}", "1000000000 is larger than any filter here takes"),
    ],
)
def test_template_work_is_bounded(content_copy, template, problem):
    line = add_block(content_copy, f'  - paragraph: "{template}"\n')
    assert one_error(invoke(["info", "--content-dir", "content"])) == (
        f"Error: {INFO}:{line}: blocks[0].paragraph: {problem}"
        if "loops" not in problem
        else f"Error: {INFO}:{line}: blocks[0].paragraph: template error: {problem}"
    )


def test_template_output_is_capped(content_copy):
    words = " ".join(["{{ clinic.out_of_hours }}"] * 120)  # about 6,000 characters
    line = add_block(content_copy, f'  - paragraph: "{words}"\n')
    assert one_error(invoke(["info", "--content-dir", "content"])) == (
        f"Error: {INFO}:{line}: blocks[0].paragraph: the text is longer than 5,000 "
        "characters (about 833 words), far more than any leaflet needs in one place; "
        "split it up"
    )


def test_a_2_mb_paragraph_is_refused_at_once(content_copy):
    add_block(content_copy, "  - paragraph: " + "word " * 400_000 + "\n")
    assert one_error(invoke(["info", "--content-dir", "content"])) == (
        f"Error: {INFO}: larger than 1 MB, far more than this file needs"
    )


def test_a_paragraph_longer_than_any_leaflet_needs(content_copy):
    line = add_block(content_copy, "  - paragraph: " + "word " * 1_001 + "\n")
    assert one_error(invoke(["info", "--content-dir", "content"])) == (
        f"Error: {INFO}:{line}: blocks[0].paragraph: the text is longer than 5,000 "
        "characters (about 833 words), far more than any leaflet needs in one place; "
        "split it up"
    )


def test_a_300_word_heading(content_copy):
    line = add_block(content_copy, "  - heading: " + "Heading " * 300 + "\n")
    assert one_error(invoke(["info", "--content-dir", "content"])) == (
        f"Error: {INFO}:{line}: blocks[0].heading: longer than 150 characters, the most "
        "this field takes"
    )


def test_email_template_loops_are_bounded(content_copy):
    loops = "{% for a in clinic.name %}" * 4  # 19 characters: 130,321 turns
    replace_in(content_copy / "email/body.txt", "Hello,\n", f"{loops}x{'{% endfor %}' * 4}\n")
    appointment = leaflet.Appointment(
        "A1", leaflet.Personalisation(), "microneedling", email="ann@example.org"
    )
    pack = leaflet.Pack(appointment, ())
    from leaflet.mail.messages import EmailTemplates

    with pytest.raises(leaflet.SourceError) as raised:
        EmailTemplates(leaflet.load_brand(), content_copy).render(pack, "random")
    assert raised.value.message.endswith(
        "template error: the template takes more than 10,000 steps (loop turns and "
        "filters); no wording needs that many"
    )
