"""The library a booking system embeds: checked values, brands and content as data,
documents as bytes, thread safety, and errors that speak Python, not command line."""

from __future__ import annotations

import ast
import concurrent.futures
import datetime as dt
import re
import warnings

import pytest
import yaml
from conftest import REPO, invoke, page_fonts, read_pdf, write_brand

import leaflet
from leaflet import Appointment, BatchSettings, Personalisation, build_batch
from leaflet.sources.bundled import CONTENT_DIR, EXAMPLE_BRAND, FONTS_DIR

BORN, WHEN = dt.date(1985, 4, 23), dt.datetime(2026, 12, 1, 10, 30)


def brand_data(**changes: object) -> dict[str, object]:
    """The example brand as a booking system keeps it: fields, with the logo and fonts
    as bytes."""
    data = yaml.safe_load(EXAMPLE_BRAND.read_text(encoding="utf-8"))
    data["clinic"]["name"] = "Harbour Skin Studio"
    data["logo"] = (EXAMPLE_BRAND.parent / "logo.png").read_bytes()
    data["fonts"] = {
        "regular": (FONTS_DIR / "NotoSans-Regular.ttf").read_bytes(),
        "bold": (FONTS_DIR / "NotoSans-Bold.ttf").read_bytes(),
    }
    data.update(changes)
    return data


# --- Personalisation and Appointment check what they are given --------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: Personalisation("Ann Lee", "1985-04-23"),  # type: ignore[arg-type]
            "date_of_birth: '1985-04-23' is a str; give a datetime.date, e.g. "
            "datetime.date(1985, 4, 23), or use Personalisation.from_text",
        ),
        (
            lambda: Personalisation("Ann Lee", appointment=dt.date(2026, 12, 1)),  # type: ignore[arg-type]
            "appointment: datetime.date(2026, 12, 1) is a date; give a datetime.datetime, e.g. "
            "datetime.datetime(2026, 12, 1, 10, 30), or use Personalisation.from_text",
        ),
        (lambda: Personalisation("A" * 10_000), "patient_name: longer than 200 characters"),
        (lambda: Personalisation("Ann\nLee"), "patient_name: contains a control character"),
        (
            lambda: Personalisation(practitioner="Dr\x00Lee"),
            "practitioner: contains a control character",
        ),
        (
            lambda: Personalisation("Ann Lee", dt.date(2030, 1, 1)),
            "date_of_birth: '2030-01-01' is in the future",
        ),
        (
            lambda: Personalisation("Ann Lee", phone="call me"),
            "phone: 'call me' is not a phone number; expected 7 to 15 digits, with spaces, "
            "+ ( ) - if you like, e.g. 07700 900123 or +44 7700 900123",
        ),
        (lambda: Personalisation(42), "patient_name: 42 is not text"),  # type: ignore[arg-type]
    ],
)
def test_a_personalisation_checks_its_fields(make, message):
    with pytest.raises(leaflet.LeafletError) as caught:
        make()
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"appointment_id": "../../etc/passwd"},
            "appointment_id: '../../etc/passwd' cannot be used in a file name; use 1 to 64 "
            "letters, digits, '-', '_' or '.', starting with a letter or digit",
        ),
        (
            {"appointment_id": "CON"},
            "appointment_id: 'CON' is a name Windows reserves for devices; it cannot name a file",
        ),
        ({"personal": "Ann Lee"}, "personal: expected a Personalisation, not str"),
        ({"treatment": ""}, "treatment: empty; every appointment needs one"),
        ({"treatment": "x" * 300}, "treatment: longer than 200 characters"),
        (
            {"email": "bob@"},
            "email: 'bob@' is not an email address (there must be something after the @-sign)",
        ),
        ({"email": "ann@example.com\r\nBcc: x@example.org"}, "email: contains a control character"),
        (
            {"mobile": "07700"},
            "mobile: '07700' is not a phone number; expected 7 to 15 digits, with spaces, "
            "+ ( ) - if you like, e.g. 07700 900123 or +44 7700 900123",
        ),
    ],
)
def test_an_appointment_checks_its_fields_as_an_export_row_is_checked(changes, message):
    fields = {
        "appointment_id": "A1",
        "personal": Personalisation("Ann Lee", BORN, WHEN),
        "treatment": "microneedling",
        **changes,
    }
    with pytest.raises(leaflet.LeafletError) as caught:
        Appointment(**fields)  # type: ignore[arg-type]
    assert caught.value.message == message
    # The same value in an export is refused for the same reason.
    name, value = next(iter(changes.items()))
    if isinstance(value, str) and name in ("email", "mobile") and "\r" not in value:
        text = (
            f"id,patient,treatment,appointment,{name}\n"
            f"A1,Ann Lee,microneedling,2026-12-01 10:30,{value}\n"
        )
        _, problems = leaflet.parse_appointments(text, "day.csv")
        assert [f"{p.column}: {p.reason}" for p in problems] == [message]


def test_an_appointments_mobile_fills_the_phone_line_unless_it_has_its_own():
    plain = Appointment("A1", Personalisation("Ann Lee"), "microneedling", mobile="07700 900123")
    own = Appointment(
        "A2",
        Personalisation("Ann Lee", phone="020 7946 0001"),
        "microneedling",
        mobile="07700 900123",
    )
    assert (plain.personal.phone, own.personal.phone) == ("07700 900123", "020 7946 0001")


# --- brands and content given as data ------------------------------------------------------


def test_a_brand_given_as_data_with_its_files_as_bytes():
    pdf = leaflet.build_document("info", brand=brand_data())
    text = read_pdf(pdf.data)
    assert "Harbour Skin Studio" in text.pages[0]
    assert {str(font["/BaseFont"]) for font in page_fonts(text.reader)} == {
        "/AAAAAA+NotoSans-Bold",
        "/AAAAAA+NotoSans-Regular",
    }  # embedded from the bytes given
    assert leaflet.load_brand(brand_data()).fonts.regular.startswith("BrandFont-Regular-")
    # The caller's dictionary is copied: changing it later changes nothing loaded.
    data = brand_data()
    brand = leaflet.load_brand(data)
    data["clinic"]["name"] = "Changed"  # type: ignore[index]
    assert brand.clinic.name == "Harbour Skin Studio"


def test_a_brand_given_as_data_is_checked_as_a_file_is():
    colours = dict(brand_data()["colours"])  # type: ignore[call-overload]
    colours["primary"] = "#9fd3dc"
    with pytest.raises(leaflet.LeafletError) as caught:
        leaflet.load_brand(brand_data(colours=colours))
    assert caught.value.message == (
        "<brand data>: colours.primary: primary #9fd3dc on white #ffffff has contrast 1.64:1; "
        "text needs at least 4.5:1; the nearest shade of primary that passes is #307783"
    )
    with pytest.raises(leaflet.LeafletError) as caught:
        leaflet.load_brand(brand_data(logo=b"not a picture"))
    assert caught.value.message == (
        "<brand data>: logo: the logo is not a PNG or JPEG image (nor any image Pillow knows)"
    )
    with pytest.raises(leaflet.LeafletError) as caught:
        leaflet.load_brand(brand_data(logo=3))
    assert caught.value.message == (
        "<brand data>: logo: expected the file's bytes or its path, not int"
    )


def content_text(language: str, name: str) -> str:
    return (CONTENT_DIR / "microneedling" / language / f"{name}.yaml").read_text(encoding="utf-8")


def test_content_given_as_data_in_two_languages_builds_like_the_folder():
    treatment = leaflet.treatment_from_data(
        "microneedling",
        (CONTENT_DIR / "microneedling" / "treatment.yaml").read_text(encoding="utf-8"),
        {
            "en-GB": {"consent": content_text("en-GB", "consent")},
            "pl": {
                "consent": content_text("pl", "consent"),
                "treatment": content_text("pl", "treatment"),
            },
        },
    )
    brand, layout = leaflet.load_brand(), leaflet.load_layout("a4")
    folder = leaflet.load_treatment("microneedling")
    for language in ("en-GB", "pl"):
        given = leaflet.render_pdf(treatment.document("consent", language), brand, layout)
        filed = leaflet.render_pdf(folder.document("consent", language), brand, layout)
        assert read_pdf(given.data).pages == read_pdf(filed.data).pages
    assert treatment.available("pl") == ["consent"]


def test_content_given_as_data_names_its_problems():
    with pytest.raises(leaflet.LeafletError) as caught:
        leaflet.treatment_from_data("microneedling", {"name": "M", "summary": "S"}, {"leaflet": {}})
    assert caught.value.message == (
        "<microneedling data>: 'leaflet' is not a document; documents: info, consent, aftercare"
    )
    broken = content_text("en-GB", "consent").replace("kind: form", "kind: poster", 1)
    treatment = leaflet.treatment_from_data(
        "microneedling", {"name": "M", "summary": "S"}, {"consent": broken}
    )
    with pytest.raises(leaflet.SourceError) as caught:
        treatment.document("consent")
    assert str(caught.value.path) == "<microneedling data>/consent.yaml"
    assert caught.value.field == "meta.kind"


def test_a_batch_from_data_hands_back_bytes_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    treatment = leaflet.treatment_from_data(
        "microneedling",
        {
            "name": "Microneedling",
            "summary": "Fine needles.",
            "aliases": ["Dermapen"],
            **{
                k: v
                for k, v in yaml.safe_load(
                    (CONTENT_DIR / "microneedling" / "treatment.yaml").read_text()
                ).items()
                if k == "settings"
            },
        },
        {"aftercare": content_text("en-GB", "aftercare")},
    )
    settings = BatchSettings(brand=brand_data(), treatments=(treatment,), documents=("aftercare",))
    people = [
        Appointment(f"A{i}", Personalisation(f"Patient {i}", BORN, WHEN), "Dermapen")
        for i in range(3)
    ]
    result = build_batch(people, None, settings=settings, jobs=1)
    assert result.problems == [] and result.manifest is None
    assert [doc.name for doc in result.documents] == [
        "A0-aftercare.pdf",
        "A1-aftercare.pdf",
        "A2-aftercare.pdf",
    ]
    assert "Prepared for Patient 1" in read_pdf(result.documents[1].pdf.data).text
    assert result.brand == "Harbour Skin Studio" and not result.example_brand
    # Or one at a time, to a callback (to store or send each as it is finished).
    seen: list[str] = []
    called = build_batch(
        people, None, settings=settings, jobs=1, on_document=lambda doc: seen.append(doc.name)
    )
    assert seen == [doc.name for doc in result.documents] and called.documents == []
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere


def test_a_batch_from_data_in_worker_processes(tmp_path):
    """Brands and content given as data go to worker processes as data."""
    treatment = leaflet.treatment_from_data(
        "microneedling",
        (CONTENT_DIR / "microneedling" / "treatment.yaml").read_text(encoding="utf-8"),
        {"consent": content_text("en-GB", "consent")},
    )
    settings = BatchSettings(brand=brand_data(), treatments=(treatment,), documents=("consent",))
    people = [
        Appointment(f"A{i}", Personalisation(f"Patient {i}", BORN, WHEN), "microneedling")
        for i in range(4)
    ]
    in_process = build_batch(people, tmp_path / "one", settings=settings, jobs=1)
    in_workers = build_batch(people, tmp_path / "two", settings=settings, jobs=2)
    assert in_process.problems == in_workers.problems == []
    for person in people:
        name = f"{person.appointment_id}-consent.pdf"
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


# --- threads --------------------------------------------------------------------------------


def test_eight_threads_building_mixed_documents_give_identical_bytes():
    """One brand, treatment, layouts and base cache shared by eight threads; each
    document must come out byte for byte as it does built alone."""
    people = [Personalisation(f"Patient {i} Zoë", BORN, WHEN, "Dr Lee") for i in range(8)]
    jobs = [
        (document, layout, language, people[index % 8])
        for index, (document, layout, language) in enumerate(
            (d, lay, lang)
            for d in ("info", "consent", "aftercare")
            for lay in ("a4", "large-print")
            for lang in ("en-GB", "pl")
        )
    ]

    def world() -> tuple[object, ...]:
        layouts = {name: leaflet.load_layout(name) for name in ("a4", "large-print")}
        # A cache of 2 bases for 12 documents: threads keep evicting each other's.
        return (
            leaflet.load_brand(),
            leaflet.load_treatment("microneedling"),
            layouts,
            leaflet.BaseCache(2),
        )

    def build(shared, job) -> bytes:
        brand, treatment, layouts, cache = shared
        document, layout, language, person = job
        wording = treatment.document(document, language)
        if document == "aftercare":  # laid out in full
            return leaflet.render_pdf(wording, brand, layouts[layout], person).data
        return cache.render(wording, brand, layouts[layout], person).data

    alone = world()
    expected = [build(alone, job) for job in jobs]
    shared = world()
    with concurrent.futures.ThreadPoolExecutor(8) as threads:
        together = list(threads.map(lambda job: build(shared, job), jobs))
    assert [i for i, data in enumerate(together) if data != expected[i]] == []


# --- warnings and errors ---------------------------------------------------------------------


def test_a_small_logo_warns_once_per_build_as_a_python_warning(tmp_path):
    from PIL import Image

    Image.new("RGB", (40, 40), "white").save(tmp_path / "small.png")
    brand = write_brand(
        tmp_path, {f"logo: {EXAMPLE_BRAND.parent / 'logo.png'}": f"logo: {tmp_path / 'small.png'}"}
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        leaflet.build_document("info", brand=brand)
    assert [str(w.message) for w in caught if issubclass(w.category, leaflet.LeafletWarning)] == [
        "brand.yaml: logo: the logo (40x40 pixels) prints below 300 dpi in a4 at about 79 dpi "
        "(12.8 mm); print needs 152 pixels or more on its longer side"
    ]


def test_a_small_logo_is_one_warning_line_for_a_whole_batch(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.chdir(tmp_path)
    Image.new("RGB", (40, 40), "white").save(tmp_path / "small.png")
    brand = write_brand(tmp_path, {f"logo: {EXAMPLE_BRAND.parent / 'logo.png'}": "logo: small.png"})
    rows = "\n".join(
        f"A{i},Ann Lee,microneedling,2026-12-01 10:30,{layout}"
        for i, layout in enumerate(["a4", "a4", "letter", "large-print"])
    )
    (tmp_path / "day.csv").write_text(f"id,patient,treatment,appointment,layout\n{rows}\n")
    result = invoke(
        ["batch", "day.csv", "--out-dir", "out", "--brand", str(brand), "--documents", "info"]
    )
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if line.startswith("Warning")] == [
        "Warning: brand.yaml: logo: the logo (40x40 pixels) prints below 300 dpi in a4 and "
        "letter at about 79 dpi (12.8 mm), large-print at about 66 dpi (15.4 mm); print needs "
        "182 pixels or more on its longer side"
    ]


#: Text in a library error that belongs to the command line: an option, or a command.
CLI_WORDS = re.compile(
    r"(?<![\w-])--[a-z]|\bleaflet (batch|email|check|init|verify|info|consent|aftercare|list)\b"
)


def _error_texts(tree: ast.AST) -> list[tuple[int, str]]:
    """The literal text of every message raised or made into a problem in `tree`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) or (
            isinstance(node, ast.Call)
            and re.search(r"(Error|Problem|Finding|problem)$", ast.unparse(node.func))
        ):
            for child in ast.walk(node):
                if isinstance(child, ast.Call) and ast.unparse(child.func) == "Argument":
                    break  # an Argument names the option only for the command line
            else:
                found += [
                    (child.lineno, child.value)
                    for child in ast.walk(node)
                    if isinstance(child, ast.Constant) and isinstance(child.value, str)
                ]
    return found


def test_library_errors_never_mention_the_command_line():
    """A booking system calling the library cannot pass `--date-order`: messages name
    Python arguments, and the command line shows its options (`Argument`)."""
    leaks = []
    for path in sorted((REPO / "leaflet").rglob("*.py")):
        if "cli" in path.relative_to(REPO / "leaflet").parts:
            continue
        for line, text in _error_texts(ast.parse(path.read_text(encoding="utf-8"))):
            if CLI_WORDS.search(text):
                leaks.append(f"{path.relative_to(REPO)}:{line}: {text}")
    assert leaks == []


@pytest.mark.parametrize(
    ("call", "python", "option"),
    [
        (
            lambda tmp: leaflet.parse_date_of_birth("08/05/1966"),
            "set date_order='day-first' or 'month-first'",
            "set date_order: day-first or month-first under appointments: in leaflet.yaml, or "
            "--date-order",
        ),
        (
            lambda tmp: leaflet.parse_appointments("Visit,Who,What,When\nA,B,C,D\n"),
            "map it with ExportFormat(columns={...})",
            "map it with appointments: columns: in leaflet.yaml",
        ),
    ],
)
def test_a_message_names_the_argument_in_python_and_the_option_on_the_command_line(
    tmp_path, call, python, option
):
    with pytest.raises(leaflet.LeafletError) as caught:
        call(tmp_path)
    assert python in caught.value.message and "--" not in caught.value.message
    assert option in caught.value.format_message()
