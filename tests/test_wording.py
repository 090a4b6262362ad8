"""Plain wording rendered without Jinja2 (`leaflet.sources.wording`) reads exactly as the
sandboxed Jinja2 environment renders it, or fails with the same message: checked on
every piece of built-in and peer wording, and on random templates."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import leaflet
from leaflet.sources.bundled import CONTENT_DIR
from leaflet.sources.content import known_treatments
from leaflet.sources.personal import Personalisation
from leaflet.sources.templating import ContentJinja, make_environment
from leaflet.sources.wording import (
    _OUR_MARKUP,
    MAX_TEXT,
    Namespace,
    TemplateProblem,
    Templates,
    Wording,
    _parse,
    author_markup,
    too_long,
)

PEER_CONTENT = Path(__file__).resolve().parents[1] / "benchmarks" / "peer" / "content"
ENVIRONMENTS: dict[str, Any] = {}


def environment(language: str) -> Any:
    if language not in ENVIRONMENTS:
        ENVIRONMENTS[language] = make_environment(language)
    return ENVIRONMENTS[language]


def by_jinja(source: str, language: str, context: dict[str, Any]) -> str:
    """`source` rendered as content wording was before plain wording skipped Jinja2:
    every template compiled and rendered in the sandbox."""
    source = source.strip()
    if len(source) > MAX_TEXT:
        raise TemplateProblem(too_long(MAX_TEXT))
    if not ("{{" in source or "{%" in source or "{#" in source):
        try:
            return author_markup(source)
        except ValueError as err:
            raise TemplateProblem(str(err)) from err
    jinja = ContentJinja(environment(language))
    text = " ".join(jinja.render(jinja.compile(source), context).split())
    if not _OUR_MARKUP.fullmatch(text):
        raise TemplateProblem(
            "the template makes markup of its own (pieces of escaped text put "
            "together); use the values as they are"
        )
    return text


def counting_templates(language: str, made: list[str]) -> Templates:
    """A language's templates that note each time Jinja2's environment is made."""

    def jinja() -> ContentJinja:
        made.append(language)
        return ContentJinja(environment(language))

    return Templates(language, jinja)


def outcome(render: Any, *args: Any) -> tuple[str, str]:
    """What `render(*args)` gives: its text, or its problem's message (or the exception
    Jinja2 lets through, as a repeated keyword's SyntaxError)."""
    try:
        return "text", render(*args)
    except TemplateProblem as err:
        return "problem", str(err)
    except Exception as err:
        return type(err).__name__, str(err)


def here(source: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    def render() -> str:
        return Wording(source, counting_templates(language, [])).render(context)

    return outcome(render)


def documents() -> list[tuple[Path, str, str, str]]:
    """(content folder, treatment, language, document) of every built-in and peer one."""
    found = []
    for folder in (CONTENT_DIR, PEER_CONTENT):
        for treatment in known_treatments(folder):
            loaded = leaflet.load_treatment(treatment, folder)
            for language in loaded.languages:
                found += [(folder, treatment, language, d) for d in loaded.available(language)]
    return found


@pytest.mark.parametrize("personal", ["blank", "filled"])
def test_every_piece_of_wording_reads_as_jinja_renders_it(personal):
    brand = leaflet.load_brand()
    patient = (
        Personalisation(
            patient_name="Ann <b>O'Brien</b> & Co",
            date_of_birth=dt.date(1985, 4, 23),
            appointment=dt.datetime(2026, 12, 1, 10, 30),
            practitioner="Dr Sam Lee",
        )
        if personal == "filled"
        else Personalisation()
    )
    pieces = templated = rendered_here = 0
    for folder, treatment, language, name in documents():
        document = leaflet.load_treatment(treatment, folder).document(name, language)
        tag = document.meta.language
        variables = {"clinic": brand.template_values(tag), **patient.template_values(tag)}
        context = document.template_context(variables)
        for loc, wording in document.wording.items():
            source = document.source.data
            for key in loc:
                source = source[key]
            pieces += 1
            templated += wording._static is None
            rendered_here += bool(wording._texts)
            expected = outcome(by_jinja, source, tag, context)
            assert outcome(wording.render, context) == expected, (name, loc)
    assert pieces > 1000
    # Every built-in piece that puts values in does it plainly: none needs Jinja2.
    assert rendered_here == templated > 250


def test_plain_wording_makes_no_jinja_environment():
    made: list[str] = []
    templates = counting_templates("en-GB", made)
    context = {
        "clinic": Namespace("clinic", {"name": "Smith & Jones"}),
        "settings": Namespace("settings", {"hours": 24}),
    }
    source = "Call {{ clinic.name }} **now**, within {{ settings.hours | plural('hour') }}."
    plain = Wording(source, templates)
    assert plain.render(context) == "Call Smith &amp; Jones <b>now</b>, within 24 hours."
    assert made == []
    conditional = Wording("{% if settings.hours %}Soon{% endif %}", templates)
    assert made == ["en-GB"]  # compiled as it loads
    assert conditional.render(context) == "Soon"
    assert made == ["en-GB"]  # once for the language


def test_jinja_says_what_is_wrong_with_a_value_put_in():
    context = {"settings": Namespace("settings", {"hours": 24, "days": [1, 2]})}
    cases = {
        "{{ settings.hour }}": "undefined variable 'settings.hour' (did you mean "
        "'settings.hours'? settings has: days, hours)",
        "{{ setings.hours }}": "undefined variable 'setings' (did you mean 'settings'?)",
        "{{ settings.hours | plural(one='godzina') }}": "plural in en-GB needs the forms one, "
        "other (CLDR plural categories) as plural(one=..., other=...); missing: other",
    }
    for source, message in cases.items():
        assert here(source, "en-GB", context) == ("problem", message), source
        assert outcome(lambda s=source: by_jinja(s, "en-GB", context)) == ("problem", message)


def test_a_document_of_plain_wording_loads_without_jinja2():
    script = (
        "import sys, leaflet\n"
        f"treatment = leaflet.load_treatment('microneedling-short', {str(PEER_CONTENT)!r})\n"
        "document = treatment.document('info', 'en-GB')\n"
        "brand = leaflet.load_brand()\n"
        "from leaflet.sources.personal import Personalisation\n"
        "variables = {'clinic': brand.template_values('en-GB'),\n"
        "    **Personalisation(patient_name='Zoë Ng').template_values('en-GB')}\n"
        "context = document.template_context(variables)\n"
        "texts = [w.render(context) for w in document.wording.values()]\n"
        "print(len(texts), 'jinja2' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    count, loaded = done.stdout.split()
    assert int(count) > 20
    assert loaded == "False"


# --- random templates --------------------------------------------------------------

# Mostly what plain wording holds; now and then what Jinja2 reads otherwise.
ORDINARY_NAMES = st.sampled_from(["clinic", "settings", "name", "hours", "days", "x"])
NAMES = st.one_of(ORDINARY_NAMES, ORDINARY_NAMES, st.sampled_from(["if", "none", "True"]))
SPACES = st.one_of(
    st.sampled_from(["", " "]), st.sampled_from(["", " "]), st.sampled_from(["  ", "\t", "\n"])
)
QUOTED = st.sampled_from(["'day'", '"week"', "'it''s'", "'a,b'", "'#'", "'dzień'", "''"])
FORMS = st.one_of(
    QUOTED,
    st.dictionaries(
        st.sampled_from(["one", "few", "many", "other", "zero", "if"]), QUOTED, min_size=1
    ).map(lambda forms: ", ".join(f"{key}={text}" for key, text in forms.items())),
)
FORMS = st.one_of(
    FORMS, FORMS, st.sampled_from(["", "'a',", "'a', one='b'", "one='a',", "1", "'a' 'b'"])
)


@st.composite
def values(draw: Any) -> str:
    a, b, c, d = (draw(SPACES) for _ in range(4))
    group, name = draw(NAMES), draw(NAMES)
    counted = draw(st.booleans())
    tail = f"{c}|{d}plural({draw(FORMS)})" if counted else ""
    return "{{" + a + group + "." + name + tail + b + "}}"


# Mostly text that leaves a template plain; now and then braces or a carriage return.
PLAIN_TEXT = st.text(alphabet="ab *&<>'\";%#|\n-", max_size=12)
TEXTS = st.one_of(PLAIN_TEXT, PLAIN_TEXT, PLAIN_TEXT, st.text(alphabet="a{}%#\r", max_size=4))
GOOD_FORMS = st.one_of(
    st.sampled_from(["'day'", '"week"', "'a,b'"]),
    st.dictionaries(
        st.sampled_from(["one", "few", "many", "other", "zero"]), QUOTED, min_size=1
    ).map(lambda forms: ", ".join(f"{key}={text}" for key, text in forms.items())),
)
#: Values put in as plain wording does: `leaflet.sources.wording` renders these.
PLAIN_VALUES = st.builds(
    lambda group, name, forms, space: (
        "{{" + space + f"{group}.{name}" + (f" | plural({forms})" if forms else "") + space + "}}"
    ),
    ORDINARY_NAMES,
    ORDINARY_NAMES,
    st.one_of(st.none(), GOOD_FORMS),
    st.sampled_from(["", " "]),
)
TEMPLATES = st.one_of(
    st.lists(st.one_of(PLAIN_TEXT, PLAIN_VALUES), max_size=6).map("".join),
    st.lists(st.one_of(TEXTS, values()), max_size=6).map("".join),
)
VALUES = st.one_of(
    st.text(alphabet="ab&<'\"", max_size=6),
    st.integers(-3, 3),
    st.sampled_from([5001, -6000, 1.5, 0.0, True, None, [1], "2 to 3", "4"]),
)
CONTEXTS = st.fixed_dictionaries(
    {},
    optional={
        group: st.one_of(
            st.dictionaries(ORDINARY_NAMES, VALUES, max_size=4).map(
                lambda v, g=group: Namespace(g, v)
            ),
            st.dictionaries(NAMES, VALUES, max_size=2),
        )
        for group in ("clinic", "settings", "x")
    },
)


@settings(
    max_examples=1000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(TEMPLATES, CONTEXTS, st.sampled_from(["en-GB", "pl"]))
def test_random_templates_read_as_jinja_renders_them(source, context, language):
    templated = "{" in source
    event("plain values" if templated and _parse(source.strip()) else "static or Jinja2")
    assert here(source, language, context) == outcome(lambda: by_jinja(source, language, context))
