"""Content wording as templates: escaping, **bold**, strict variables and the sandbox;
email templates, each file read once."""

from __future__ import annotations

import pytest

from leaflet.sources import templating
from leaflet.sources.sandbox import render_bounded
from leaflet.sources.templating import (
    MAX_EMAIL,
    Namespace,
    TemplateProblem,
    Wording,
    author_markup,
    email_template,
    make_email_environment,
    make_environment,
    plain,
)

UNMATCHED = (
    "unmatched ** (bold needs ** on both sides, within one sentence and not around "
    "a {{ variable }})"
)


@pytest.fixture(scope="module")
def environment():
    return make_environment()


@pytest.fixture()
def context():
    return {
        "clinic": Namespace("clinic", {"name": "Smith <i>& Jones</i>", "phone": "01234"}),
        "settings": Namespace("settings", {"hours": 24, "spf": 30}),
        "patient": Namespace("patient", {"name": "Ann <b>O'Brien</b> & Co"}),
    }


def render(source: str, environment, context) -> str:
    return Wording(source, environment).render(context)


def test_author_text_is_escaped():
    assert author_markup("Tom & Jerry <3") == "Tom &amp; Jerry &lt;3"


def test_bold_markup():
    assert (
        author_markup("a **bold** word and **another**") == "a <b>bold</b> word and <b>another</b>"
    )


def test_unmatched_bold_is_an_error():
    with pytest.raises(ValueError, match=r"^unmatched \*\*"):
        author_markup("a **bold word")


def test_plain_escapes_values():
    assert plain("Ann <b>O'Brien</b> & Co") == "Ann &lt;b&gt;O&#39;Brien&lt;/b&gt; &amp; Co"


def test_static_wording(environment, context):
    assert (
        render("  We **never** reuse needles.  ", environment, context)
        == "We <b>never</b> reuse needles."
    )


def test_variables_are_substituted_and_escaped(environment, context):
    assert (
        render("Call {{ clinic.name }} on {{ clinic.phone }} & ask", environment, context)
        == "Call Smith &lt;i&gt;&amp; Jones&lt;/i&gt; on 01234 &amp; ask"
    )
    assert (
        render("For {{ patient.name }}", environment, context)
        == "For Ann &lt;b&gt;O&#39;Brien&lt;/b&gt; &amp; Co"
    )


def test_numbers_from_settings(environment, context):
    assert (
        render("Wait {{ settings.hours }} hours; SPF {{ settings.spf }}.", environment, context)
        == "Wait 24 hours; SPF 30."
    )


def test_bold_beside_a_variable(environment, context):
    assert (
        render("**Wait** {{ settings.hours }} hours", environment, context)
        == "<b>Wait</b> 24 hours"
    )


def test_whitespace_of_templates_is_folded(environment, context):
    assert render("Wait\n  {{ settings.hours }}\n hours", environment, context) == "Wait 24 hours"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Fax {{ clinic.fax }}", "undefined variable 'clinic.fax' (clinic has: name, phone)"),
        ("{{ settings.days }}", "undefined variable 'settings.days' (settings has: hours, spf)"),
        ("{{ nothing }}", "undefined variable 'nothing'"),
        # A misspelt name gets the closest known name, when one is close enough.
        (
            "{{ settings.hour }}",
            "undefined variable 'settings.hour' (did you mean 'settings.hours'? settings has: "
            "hours, spf)",
        ),
        (
            "{{ clinic.phnoe }}",
            "undefined variable 'clinic.phnoe' (did you mean 'clinic.phone'? clinic has: "
            "name, phone)",
        ),
        ("{{ setings.hours }}", "undefined variable 'setings' (did you mean 'settings'?)"),
        ("{{ patent.name }}", "undefined variable 'patent' (did you mean 'patient'?)"),
        ("{{ clinic._values }}", "undefined variable 'clinic._values' (clinic has: name, phone)"),
        (
            "{{ clinic.__class__ }}",
            "undefined variable 'clinic.__class__' (clinic has: name, phone)",
        ),
    ],
)
def test_undefined_variables_name_themselves(environment, context, source, message):
    wording = Wording(source, environment)
    with pytest.raises(TemplateProblem) as raised:
        wording.render(context)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "{{ clinic.phone",
            "template error: unexpected end of template, expected 'end of print statement'.",
        ),
        (
            "{% if %}x{% endif %}",
            "template error: Expected an expression, got 'end of statement block'",
        ),
        ("**{{ clinic.name }}**", f"template error: {UNMATCHED}"),
        ("a **bold", UNMATCHED),
    ],
)
def test_compile_errors(environment, source, message):
    with pytest.raises(TemplateProblem) as raised:
        Wording(source, environment)
    assert str(raised.value) == message


def test_sandbox_refuses_unsafe_access(environment, context):
    wording = Wording("{{ clinic.name.__class__.__mro__ }}", environment)
    with pytest.raises(TemplateProblem):
        wording.render(context)


def test_a_whole_group_prints_its_name_escaped(environment, context):
    assert render("{{ clinic }}", environment, context) == "&lt;clinic&gt;"


@pytest.mark.parametrize(
    ("count", "unit", "expected"),
    [
        (24, "hour", "24 hours"),
        (1, "day", "1 day"),
        (1.5, "week", "1.5 weeks"),
        ("2 to 3", "day", "2 to 3 days"),
    ],
)
def test_plural_filter(count, unit, expected):
    source = "{{ settings.n | plural('" + unit + "') }}"
    wording = Wording(source, make_environment())
    assert wording.render({"settings": Namespace("settings", {"n": count})}) == expected


def test_an_email_template_and_its_layout_are_each_read_once(tmp_path, monkeypatch):
    (tmp_path / "layout.html").write_text("<p>{% block body %}{% endblock %}</p>")
    body = '{% extends "layout.html" %}{% block body %}Hello {{ name }}{% endblock %}'
    (tmp_path / "body.html").write_text(body)
    read, read_limited = [], templating.read_limited

    def counted(path, limit):
        read.append(path.name)
        return read_limited(path, limit)

    monkeypatch.setattr(templating, "read_limited", counted)
    template = email_template(make_email_environment([tmp_path]), "body.html")
    assert (template.name, template.filename) == ("body.html", str(tmp_path / "body.html"))
    assert render_bounded(template, {"name": "Ann & Co"}, MAX_EMAIL) == "<p>Hello Ann &amp; Co</p>"
    assert sorted(read) == ["body.html", "layout.html"]
