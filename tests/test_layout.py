"""Layouts as data: units, inheritance and the checks on a layout file."""

from __future__ import annotations

import shutil

import pytest
from conftest import PAGE_SIZES

import leaflet
from leaflet.sources.bundled import LAYOUTS_DIR


@pytest.fixture()
def layouts(tmp_path, monkeypatch):
    """A copy of the layouts folder in the working folder, for breaking."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "layouts"
    shutil.copytree(LAYOUTS_DIR, folder)
    return folder


def layout_error(name: str, folder) -> str:
    with pytest.raises(leaflet.LeafletError) as raised:
        leaflet.load_layout(name, folder)
    return raised.value.message


def test_known_layouts():
    assert leaflet.known_layouts() == [
        "a4",
        "a5",
        "a5-booklet",
        "dl-trifold",
        "large-print",
        "letter",
        "letter-trifold",
    ]


@pytest.mark.parametrize("name", ["a4", "letter"])
def test_page_sizes_in_points(name):
    layout = leaflet.load_layout(name)
    assert (layout.page_width, layout.page_height) == pytest.approx(PAGE_SIZES[name], abs=0.5)
    assert layout.frame_width > 0 and layout.frame_height > 0


def test_letter_extends_a4():
    a4, letter = leaflet.load_layout("a4"), leaflet.load_layout("letter")
    assert letter.spec.styles == a4.spec.styles
    assert letter.margin_left == pytest.approx(54)  # 0.75in
    assert a4.margin_left == pytest.approx(56.69, abs=0.01)  # 20mm


def test_body_text_is_large_enough():
    for name in leaflet.known_layouts():
        assert leaflet.load_layout(name).spec.styles["body"].size >= 12


def test_bad_length(layouts):
    (layouts / "tiny.yaml").write_text("extends: a4\ndescription: Tiny\npage_width: 10 furlongs\n")
    assert layout_error("tiny", layouts) == (
        "layouts/tiny.yaml:3: page_width: '10 furlongs' is not a length; write e.g. 12mm, "
        "0.5in or 10pt"
    )


def test_extends_loop(layouts):
    (layouts / "one.yaml").write_text("extends: two\ndescription: One\n")
    (layouts / "two.yaml").write_text("extends: one\ndescription: Two\n")
    assert (
        layout_error("one", layouts)
        == "layouts/one.yaml:1: extends: extends 'one', which is a loop"
    )


def test_extends_unknown(layouts):
    (layouts / "odd.yaml").write_text("extends: a3\ndescription: Odd\n")
    assert layout_error("odd", layouts) == (
        "layouts/odd.yaml:1: extends: extends 'a3', which is not a layout; known layouts: "
        "a4, a5, a5-booklet, dl-trifold, large-print, letter, letter-trifold, odd"
    )


def test_body_text_too_small(layouts):
    (layouts / "small.yaml").write_text(
        "extends: a4\ndescription: Small\nstyles:\n  body: {size: 9}\n"
    )
    assert layout_error("small", layouts) == (
        "layouts/small.yaml: styles.body.size: body text is 9.0 pt; clear print needs at "
        "least 12.0 pt"
    )


def test_unknown_parent_style(layouts):
    (layouts / "odd.yaml").write_text(
        "extends: a4\ndescription: Odd\nstyles:\n  h2: {parent: heading}\n"
    )
    message = layout_error("odd", layouts)
    assert message.startswith(
        "layouts/odd.yaml:4: styles.h2.parent: parent 'heading' is not a style here; styles: body, "
    )


def test_styles_that_inherit_in_a_loop(layouts):
    (layouts / "loop.yaml").write_text(
        "extends: a4\ndescription: Loop\nstyles:\n  h2: {parent: h3}\n  h3: {parent: h2}\n"
    )
    assert layout_error("loop", layouts) == (
        "layouts/loop.yaml:4: styles.h2.parent: styles inherit from each other in a loop: "
        "h2 -> h3 -> h2"
    )
    (layouts / "body.yaml").write_text(
        "extends: a4\ndescription: Body\nstyles:\n  body: {parent: small}\n"
    )
    assert layout_error("body", layouts).endswith("loop: body -> small -> body")
