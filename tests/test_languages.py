"""Leaflets in the patient's language: content per language, strings, CLDR dates and
plurals, translation tracking, and choosing the language per document, row and email.

The built-in microneedling content is in English (en-GB, the source), Polish (pl) and
Welsh (cy); every document is built in each on A4 and in large print, and the text of
the non-English PDFs is searched for the English words the code and layouts print.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import re
import shutil
from pathlib import Path

import pikepdf
import pypdf
import pytest
import tagged_pdf
import yaml
from conftest import TODAY, Pdf, invoke, personalisation, read_pdf, replace_in, write_brand

import leaflet
from leaflet.check.readability import fog_pl, polish_syllables, reading_age
from leaflet.sources.dates import format_date, format_time
from leaflet.sources.languages import match_language, parse_language
from leaflet.sources.strings import STRINGS_DIR, load_strings
from leaflet.sources.templating import make_environment

LANGUAGES = ("en-GB", "pl", "cy")
TRANSLATIONS = ("pl", "cy")
DOCUMENTS = ("info", "consent", "aftercare")
#: A word each language's footer always prints, and its page numbering.
PAGE_OF = {"en-GB": "Page 1 of", "pl": "Strona 1 z", "cy": "Tudalen 1 o"}
UNREVIEWED = {"pl": "Tłumaczenie jeszcze niesprawdzone", "cy": "Cyfieithiad heb ei adolygu eto"}


def build(document: str, language: str, layout: str = "a4", **options) -> Pdf:
    personal = options.pop("personal", None)
    treatment = leaflet.load_treatment("microneedling", options.pop("content_dir", None))
    rendered = leaflet.render_pdf(
        treatment.document(document, language),
        leaflet.load_brand(options.pop("brand", None)),
        leaflet.load_layout(layout),
        personal,
        **options,
    )
    return Pdf(rendered)


@pytest.fixture(scope="module")
def translated() -> dict[tuple[str, str, str], Pdf]:
    """Every document in every language, on A4 and in large print."""
    return {
        (document, language, layout): build(document, language, layout)
        for document in DOCUMENTS
        for language in LANGUAGES
        for layout in ("a4", "large-print")
    }


# --- every document in every language ---------------------------------------------------


@pytest.mark.parametrize("layout", ["a4", "large-print"])
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_document_builds_in_every_language(translated, document, language, layout):
    pdf = translated[document, language, layout]
    meta = leaflet.load_treatment("microneedling").document(document, language).meta
    assert pdf.pages[0].count(PAGE_OF[language]) == 1
    assert meta.title in pdf.pages[0]
    assert pdf.reader.trailer["/Root"]["/Lang"] == language
    if language in UNREVIEWED:
        # in every page's footer, and in the About box
        assert all(UNREVIEWED[language] in page for page in pdf.pages)
        assert f"{UNREVIEWED[language]}:" in pdf.text


def english_labels() -> list[str]:
    """The fixed words of the English strings file: each text split at its values and
    markup, keeping pieces of two words or more, or one word of five letters or more."""
    data = yaml.safe_load((STRINGS_DIR / "en.yaml").read_text(encoding="utf-8"))
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, str) and not value.endswith(".pdf"):
            texts.append(value)

    walk(data)
    pieces = {piece.strip(" :,.()") for text in texts for piece in re.split(r"\{\w+\}|\*\*", text)}
    return sorted(p for p in pieces if len(p.split()) >= 2 or len(p) >= 5)


def test_the_english_labels_are_many():
    labels = english_labels()
    assert {"Prepared for", "About this leaflet", "Review date", "Patient initials"} <= set(labels)
    assert len(labels) > 40


@pytest.mark.parametrize("layout", ["a4", "large-print"])
@pytest.mark.parametrize("language", TRANSLATIONS)
def test_no_english_label_in_a_translated_pdf(translated, language, layout):
    personal = personalisation("Łukasz Wróbel")
    treatment = leaflet.load_treatment("microneedling")
    texts = []
    for document in DOCUMENTS:
        # The sources are citations, in the language they were published in.
        sources = "; ".join(treatment.document(document, language).meta.sources)
        for pdf in (
            translated[document, language, layout],
            build(document, language, layout, personal=personal),
        ):
            assert sources in pdf.text
            texts.append(pdf.text.replace(sources, ""))
    found = {label for label in english_labels() for text in texts if label in text}
    assert found == set()


@pytest.mark.parametrize(("language", "letters"), [("pl", "ąęłńśźżó"), ("cy", "ŵŷâô")])
def test_every_letter_prints_in_the_bundled_font(translated, language, letters):
    text = " ".join(translated[document, language, "a4"].text for document in DOCUMENTS)
    assert set(letters) <= set(text.lower())
    with pikepdf.open(io.BytesIO(translated["consent", language, "a4"].data)) as pdf:
        fonts = tagged_pdf.rendering_fonts(pdf)
        assert fonts
        assert all("/FontFile2" in font.FontDescriptor for font in fonts)


def test_the_consent_form_has_the_same_field_names_in_every_language():
    names = {}
    for language in LANGUAGES:
        pdf = build("consent", language, fillable=True)
        names[language] = set(pypdf.PdfReader(io.BytesIO(pdf.data)).get_fields())
    assert len(names["en-GB"]) > 100
    assert names["pl"] == names["en-GB"] == names["cy"]


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_pdfua_finds_nothing_in_a_translation(tmp_path, language):
    path = tmp_path / f"consent-{language}.pdf"
    build(
        "consent", language, fillable=True, personal=personalisation("Łukasz Wróbel")
    ).rendered.write(path)
    assert tagged_pdf.pdfua_findings(path) == []
    assert tagged_pdf.structure_problems(path) == []


def test_a_reviewed_translation_says_who_checked_it(content_copy):
    for name in DOCUMENTS:
        replace_in(
            content_copy / "microneedling" / "pl" / f"{name}.yaml",
            "  translator: projekt leaflet (wersja robocza)\n",
            "  translator: projekt leaflet (wersja robocza)\n  reviewer: dr Anna Nowak\n",
        )
    pdf = build("consent", "pl", content_dir=content_copy)
    assert not any(UNREVIEWED["pl"] in page for page in pdf.pages)
    assert "Tłumaczenie sprawdził(a): dr Anna Nowak." in pdf.pages[-1]


# --- dates, times, numbers and plurals --------------------------------------------------


@pytest.mark.parametrize(
    ("language", "long", "full", "time"),
    [
        ("pl", "1 grudnia 2026", "wtorek, 1 grudnia 2026", "10:30"),
        ("cy", "1 Rhagfyr 2026", "Dydd Mawrth, 1 Rhagfyr 2026", "10:30"),
        ("en-GB", "1 December 2026", "Tuesday, 1 December 2026", "10:30"),
    ],
)
def test_dates_and_times_are_written_as_cldr_says(language, long, full, time):
    day = dt.datetime(2026, 12, 1, 10, 30)
    assert format_date(day.date(), language) == long
    assert format_date(day.date(), language, weekday=True) == full
    assert format_time(day, language) == time


POLISH_DAYS = "plural(one='dzień', few='dni', many='dni', other='dnia')"
WELSH_MONTHS = "plural(zero='mis', one='mis', two='fis', few='mis', many='mis', other='mis')"


@pytest.mark.parametrize(
    ("language", "call", "count", "expected"),
    [
        ("pl", POLISH_DAYS, 1, "1 dzień"),
        ("pl", POLISH_DAYS, 3, "3 dni"),
        ("pl", POLISH_DAYS, 22, "22 dni"),
        ("pl", POLISH_DAYS, 1.5, "1,5 dnia"),
        ("cy", WELSH_MONTHS, 2, "2 fis"),
        ("cy", WELSH_MONTHS, 6, "6 mis"),
        ("en-GB", "plural('hour')", 1, "1 hour"),
        ("en-GB", "plural('hour')", 1000, "1,000 hours"),
        ("en-GB", "plural(one='week', other='weeks')", 2, "2 weeks"),
    ],
)
def test_plural_takes_the_languages_cldr_forms(language, call, count, expected):
    template = make_environment(language).from_string("{{ n | " + call + " }}")
    assert template.render(n=count) == expected


@pytest.mark.parametrize(
    ("language", "call", "message"),
    [
        (
            "pl",
            "plural('day')",
            "plural('day') adds an English 's'; in pl give every form: "
            "plural(one=..., few=..., many=..., other=...)",
        ),
        (
            "cy",
            "plural(one='mis', other='mis')",
            "plural in cy needs the forms zero, one, two, few, many, other (CLDR plural "
            "categories) as plural(zero=..., one=..., two=..., few=..., many=..., other=...); "
            "missing: zero, two, few, many",
        ),
    ],
)
def test_plural_refuses_forms_the_language_does_not_have(language, call, message):
    template = make_environment(language).from_string("{{ 6 | " + call + " }}")
    with pytest.raises(ValueError) as raised:
        template.render()
    assert str(raised.value) == message


def test_language_tags_are_checked_against_cldr():
    assert parse_language("EN-gb").tag == "en-GB"
    assert parse_language("ar").direction == "rtl"  # from CLDR, not a list of tags
    assert parse_language("cy").plural_categories == ("zero", "one", "two", "few", "many", "other")
    for bad in ("xx", "en-ZZ", "english"):
        with pytest.raises(leaflet.LeafletError):
            parse_language(bad)
    assert match_language("pl-PL", ["en-GB", "pl"]) == "pl"
    assert match_language("en", ["en-GB", "pl"]) == "en-GB"
    assert match_language("ro", ["en-GB", "pl"]) is None


def test_the_table_of_language_names_is_what_babel_says():
    """`leaflet list` names languages from a table, without loading Babel: every tag in
    it must be one Babel knows, named as Babel names it."""
    from babel import Locale

    from leaflet.sources.languages import TAG, _known_to_babel, english_names

    assert {"en-GB", "pl", "cy", "ar"} <= english_names().keys()
    for tag, name in english_names().items():
        match = TAG.fullmatch(tag)
        assert match and _known_to_babel(tag, match), tag
        assert str(Locale.parse(tag, sep="-").get_display_name("en")) == name, tag


def test_a_tag_beyond_the_table_is_looked_up_in_babel(monkeypatch):
    from leaflet.sources import languages

    monkeypatch.setattr(languages, "english_names", dict)  # an empty table
    languages.parse_language.cache_clear()
    try:
        assert parse_language("pl-PL").name == "Polish (Poland)"
        with pytest.raises(leaflet.LeafletError, match="unknown language 'en-ZZ'"):
            parse_language("en-ZZ")
    finally:
        languages.parse_language.cache_clear()


# --- reading age by language ------------------------------------------------------------


def test_polish_reading_age_is_fog_pl():
    assert [polish_syllables(w) for w in ("nie", "zabieg", "znieczulający")] == [1, 2, 5]
    text = "Ala ma kota. Kot ma Alę."
    assert fog_pl(text) == pytest.approx(0.4 * 3)
    measured = reading_age(text, "pl")
    assert measured is not None and measured.method.startswith("FOG-PL")
    assert reading_age("Mae hi'n braf.", "cy") is None


# --- choosing the language --------------------------------------------------------------


def test_language_option_on_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(["aftercare", "--language", "cy", "-o", "a.pdf"])
    assert result.exit_code == 0, result.output
    pdf = read_pdf((tmp_path / "a.pdf").read_bytes())
    assert "Ôl-ofal" in pdf.pages[0] and "Osgowch" in pdf.text
    assert pdf.metadata["/Subject"] == "Ôl-ofal (MN-AFT-01, fersiwn 2.1)"


@pytest.mark.parametrize(
    ("language", "error"),
    [
        (
            "xx",
            "Error: unknown language 'xx'; expected a BCP 47 language tag such as en-GB, pl or cy",
        ),
        (
            "ro",
            "Error: microneedling has no Romanian (ro) content; it has: ar (Arabic), cy (Welsh), "
            "en-GB (English (United Kingdom)), pl (Polish) (add a folder ",
        ),
    ],
)
def test_a_language_that_cannot_be_had_is_an_error(tmp_path, monkeypatch, language, error):
    monkeypatch.chdir(tmp_path)
    result = invoke(["info", "--language", language, "-o", "i.pdf"])
    assert result.exit_code == 1
    assert result.stderr.startswith(error), result.stderr
    assert not (tmp_path / "i.pdf").exists()


def clinic_in_german(folder: Path) -> Path:
    """A brand whose own language is German, with its wording in English too."""
    brand = write_brand(folder)
    replace_in(brand, "language: en-GB\n", "language: de\n")
    english = "  en-GB:\n    out_of_hours: Call 111.\n    feedback: Email us.\n"
    replace_in(brand, "languages:\n", "languages:\n" + english)
    return brand


def test_without_the_clinics_language_english_is_used_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    brand = clinic_in_german(tmp_path)
    result = invoke(["info", "--brand", str(brand), "-o", "i.pdf"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        "Warning: microneedling has no de content (the clinic's language): built in en-GB\n"
    )


def test_a_translation_whose_ids_differ_is_refused(content_copy):
    path = content_copy / "microneedling" / "pl" / "consent.yaml"
    replace_in(path, "        - id: bleeding\n", "        - id: bleeding-problem\n")
    with pytest.raises(leaflet.LeafletError) as raised:
        leaflet.load_treatment("microneedling", content_copy).document("consent", "pl")
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if "bleeding-problem" in text
    )
    source = content_copy / "microneedling" / "en-GB" / "consent.yaml"
    source_line = next(
        n for n, text in enumerate(source.read_text().splitlines(), 1) if "- id: bleeding" in text
    )
    assert raised.value.message.startswith(
        f"content/microneedling/pl/consent.yaml:{line}: blocks[32].checklist.items[1].id: "
        f"'bleeding-problem' where the source has 'bleeding' "
        f"(content/microneedling/en-GB/consent.yaml:{source_line}); a translation keeps"
    )


def test_a_strings_file_missing_a_key_is_an_error(content_copy):
    shutil.copytree(content_copy / "microneedling" / "pl", content_copy / "microneedling" / "ro")
    for path in (content_copy / "microneedling" / "ro").glob("*.yaml"):
        path.write_text(path.read_text().replace("language: pl", "language: ro"))
    strings = yaml.safe_load((STRINGS_DIR / "pl.yaml").read_text())
    del strings["footer"]["page"]
    (content_copy / "strings").mkdir()
    (content_copy / "strings" / "ro.yaml").write_text(yaml.safe_dump(strings, allow_unicode=True))
    with pytest.raises(leaflet.LeafletError) as raised:
        load_strings("ro", content_copy)
    lines = (content_copy / "strings" / "ro.yaml").read_text().splitlines()
    footer = lines.index("footer:") + 1
    assert raised.value.message == (
        f"content/strings/ro.yaml:{footer}: footer.page: required field is missing"
    )


def test_a_clinic_changes_one_string(content_copy):
    (content_copy / "strings").mkdir()
    (content_copy / "strings" / "pl.yaml").write_text("notes: Notatki pacjenta\n")
    strings = load_strings("pl", content_copy)
    assert strings.words.notes == "Notatki pacjenta"
    assert strings.words.do == "Co robić"  # the package's own for every other key


def test_leaflet_check_warns_when_the_source_is_newer(content_copy):
    replace_in(
        content_copy / "microneedling" / "cy" / "info.yaml",
        "  translates: en-GB 2.0\n",
        "  translates: en-GB 1.0\n",
    )
    found = [
        str(f)
        for f in leaflet.check_all(content_copy, today=TODAY, lay_out=False)
        if f.severity != "note"
    ]
    path = content_copy / "microneedling" / "cy" / "info.yaml"
    line = path.read_text().splitlines().index("  translates: en-GB 1.0") + 1
    assert found == [
        f"warning: content/microneedling/cy/info.yaml:{line}: meta.translates: this translates "
        "en-GB version 1.0, but info.yaml in en-GB is now version 2.0 (newer); bring the "
        "translation up to date, then write translates: en-GB 2.0"
    ]


# --- batch and email: a language per row ------------------------------------------------

HEADER = (
    "appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner,"
    "language,mobile"
)
ROWS = [
    "B1,Zoë Ng,1985-04-23,zoe@example.com,microneedling,2026-12-01T10:30,Dr Sam Lee,,07700900001",
    "B2,Łukasz Wróbel,1979-11-02,lw@example.org,microneedling,2026-12-01T11:30,Dr Sam Lee,pl,"
    "07700900002",
    "B3,Siân Hŵyl,1990-02-03,sh@example.org,microneedling,2026-12-02T09:05,,cy,07700900003",
    "B4,Ana Pop,1990-02-03,ap@example.org,microneedling,2026-12-02T09:05,,ro,07700900004",
]


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, leaflet.BatchResult]:
    folder = tmp_path_factory.mktemp("languages")
    (folder / "day.csv").write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    appointments, problems = leaflet.read_appointments(folder / "day.csv")
    assert problems == []
    result = leaflet.build_batch(
        appointments, folder / "out", jobs=1, today=TODAY, source="day.csv"
    )
    return folder, result


def test_each_row_is_built_in_its_language(batch):
    folder, result = batch
    assert result.languages == {"B1": "en-GB", "B2": "pl", "B3": "cy"}
    for ident, language, name in (
        ("B1", "en-GB", "Zoë Ng"),
        ("B2", "pl", "Łukasz Wróbel"),
        ("B3", "cy", "Siân Hŵyl"),
    ):
        for document in DOCUMENTS:
            pdf = read_pdf((folder / "out" / f"{ident}-{document}.pdf").read_bytes())
            assert pdf.reader.trailer["/Root"]["/Lang"] == language
            assert PAGE_OF[language] in pdf.pages[0]
            assert name in pdf.text  # stamped onto the base of its language
    languages = {
        (e.appointment_id, e.language) for e in leaflet.read_manifest(folder / "out").values()
    }
    assert languages == {("B1", "en-GB"), ("B2", "pl"), ("B3", "cy")}  # the manifest says so
    (problem,) = result.problems
    assert str(problem).startswith(
        "day.csv, row 5, column language: microneedling has no Romanian (ro) content"
    )
    assert not list((folder / "out").glob("B4-*"))


def test_batch_summary_warns_of_rows_in_english(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    brand = clinic_in_german(tmp_path)
    (tmp_path / "day.csv").write_text("\n".join([HEADER, ROWS[0], ROWS[1]]) + "\n")
    result = invoke(["batch", "day.csv", "--out-dir", "out", "--jobs", "1", "--brand", str(brand)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-2:] == [
        "Warning: day.csv, row 2, column language: empty, and microneedling has no de content "
        "(the clinic's language): built in en-GB",
        "Built 6 files in out (0 already built); 0 rows failed; 1 row built in English, not "
        "the clinic's language. Manifest: out/manifest.csv; brand: Example Skin Clinic "
        "(brand.yaml)",
    ]


def test_each_email_is_in_its_patients_language(batch):
    folder, _ = batch
    appointments, _ = leaflet.read_appointments(folder / "day.csv")
    result = leaflet.email_appointments(
        appointments, folder / "out", outbox=folder / "outbox", jobs=1, today=TODAY
    )
    messages = {}
    for path in (folder / "outbox").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        messages[str(message["To"])] = message
    assert sorted(messages) == ["lw@example.org", "sh@example.org", "zoe@example.com"]
    polish, welsh = messages["lw@example.org"], messages["sh@example.org"]
    assert polish["Subject"] == "Twoja wizyta w Example Skin Clinic"
    assert welsh["Subject"] == "Eich apwyntiad yn Example Skin Clinic"
    text = polish.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Dzień dobry, Łukasz,\n\nTen e-mail jest od Example Skin Clinic.")
    assert "wtorek, 1 grudnia 2026, godz. 11:30" in text
    assert '<html lang="pl" dir="ltr">' in polish.get_body(("html",)).get_content()
    assert '<html lang="cy" dir="ltr">' in welsh.get_body(("html",)).get_content()
    names = [part.get_filename() for part in polish.iter_attachments()]
    assert names == ["ulotka-informacyjna.pdf", "formularz-zgody.pdf", "zalecenia-po-zabiegu.pdf"]
    assert "Przeczytaj formularz zgody, ale jeszcze go nie podpisuj." in text
    assert [p.row for p in result.built.problems] == [5]
