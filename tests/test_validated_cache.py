"""The validated-content cache: what it keeps, what it refuses, and that what it gives
back reads exactly as the pydantic models it stands for."""

from __future__ import annotations

import json
import os
import pickle
import stat
from pathlib import Path

import pytest
from conftest import PATIENT, build, personalisation

import leaflet
import leaflet.version
from leaflet.errors import SourceError
from leaflet.sources import schema, validated, yamlfile
from leaflet.sources.bundled import CONTENT_DIR, EXAMPLE_BRAND
from leaflet.sources.catalogue import catalogue
from leaflet.sources.plain_models import PlainModel
from leaflet.sources.validated import ValidatedCache
from leaflet.sources.yamlfile import read_yaml, validate

INFO = CONTENT_DIR / "microneedling" / "en-GB" / "info.yaml"
PATIENTS = leaflet.Personalisation.from_text(patient_name="Łukasz Wróbel", phone="07700 900123")
#: Every kind of file the built-in content and brand have, with its model.
FILES = [
    ("Document", INFO),
    ("Document", CONTENT_DIR / "microneedling" / "en-GB" / "consent.yaml"),
    ("Document", CONTENT_DIR / "microneedling" / "en-GB" / "aftercare.yaml"),
    ("Treatment", CONTENT_DIR / "microneedling" / "treatment.yaml"),
    ("Brand", EXAMPLE_BRAND),
]


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ValidatedCache:
    """A cache of its own, switched on as the command line switches it on."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(validated, "_active", None)
    validated.switch_on()
    found = validated.active()
    assert found is not None
    return found


def entries(cache: ValidatedCache, *, parsed: bool = False) -> list[Path]:
    """The entries of validated models (with `parsed`, of parsed files instead)."""
    found = sorted(cache.folder.glob("*.json"))
    return [path for path in found if ("json" not in json.loads(path.read_bytes())) == parsed]


def both(model: str, path: Path) -> tuple[object, object]:
    """The file validated by pydantic (kept), then read back from the cache."""
    first = validate(model, read_yaml(path))
    second = validate(model, read_yaml(path))
    return first, second


@pytest.mark.parametrize(("model", "path"), FILES, ids=lambda value: str(value).split("/")[-1])
def test_a_file_read_back_equals_the_validated_model(cache, model, path):
    first, second = both(model, path)
    assert not isinstance(first, PlainModel)
    assert isinstance(second, PlainModel)
    assert type(second).__name__ == model
    assert second.model_dump() == first.model_dump()  # type: ignore[attr-defined]
    assert second.model_dump_json() == first.model_dump_json()  # type: ignore[attr-defined]
    assert list(type(second).model_fields) == list(type(first).model_fields)  # type: ignore[attr-defined]
    assert second.model_fields_set == first.model_fields_set  # type: ignore[attr-defined]
    assert pickle.loads(pickle.dumps(second)) == second
    assert len(entries(cache)) == 1


def test_blocks_and_meta_behave_as_the_models(cache):
    first, second = both("Document", INFO)
    kinds = [schema.block_kind(block) for block in first.blocks]  # type: ignore[attr-defined]
    assert [schema.block_kind(block) for block in second.blocks] == kinds  # type: ignore[attr-defined]
    assert second.meta.source_of_translation is None  # type: ignore[attr-defined]
    assert dict(second.meta) == dict(first.meta)  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match="frozen"):
        second.meta.title = "changed"  # type: ignore[attr-defined]


def test_a_copy_with_changes_reads_as_the_models_copy(cache):
    """The tri-fold's back panel copies the contact block with fields changed."""
    first, second = both("Document", INFO)
    update = {"title": "Changed", "version": "9.9"}
    expected = first.meta.model_copy(update=update)  # type: ignore[attr-defined]
    copied = second.meta.model_copy(update=update)  # type: ignore[attr-defined]
    assert dict(copied) == dict(expected)
    assert copied.model_fields_set == expected.model_fields_set
    assert dict(second.meta) == dict(first.meta)  # type: ignore[attr-defined]  # unchanged
    with pytest.raises(AttributeError, match="frozen"):
        copied.title = "again"


def test_a_translation_names_its_source(cache):
    path = CONTENT_DIR / "microneedling" / "pl" / "info.yaml"
    first, second = both("Document", path)
    assert second.meta.source_of_translation == ("en-GB", "2.0")  # type: ignore[attr-defined]
    assert first.meta.source_of_translation == second.meta.source_of_translation  # type: ignore[attr-defined]


def test_an_edited_file_misses(cache, tmp_path):
    copy = tmp_path / "info.yaml"
    copy.write_text(INFO.read_text(encoding="utf-8"), encoding="utf-8")
    validate("Document", read_yaml(copy))
    copy.write_text(
        INFO.read_text(encoding="utf-8").replace("Microneedling", "Micro-needling", 1),
        encoding="utf-8",
    )
    edited = validate("Document", read_yaml(copy))
    assert not isinstance(edited, PlainModel)
    assert len(entries(cache)) == 2


def test_another_schema_or_version_misses(cache, monkeypatch):
    source = read_yaml(INFO)
    key = cache.key("Document", source.data)
    monkeypatch.setattr(leaflet.version, "__version__", "99.0")
    assert ValidatedCache(cache.folder).key("Document", source.data) != key
    monkeypatch.undo()
    schema_file = Path(validated.__file__).parent / "schema" / "common.py"
    real = Path.read_bytes

    def edited(path: Path) -> bytes:
        return real(path) + (b"# edited\n" if path == schema_file else b"")

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert ValidatedCache(cache.folder).key("Document", source.data) != key
    assert cache.key("Treatment", source.data) != key


def test_another_module_or_validating_package_misses(cache, monkeypatch):
    """The schema's validators call other modules (spelling, written dates) and packages
    (email-validator, Babel): a change to any of them as installed is another schema."""
    source = read_yaml(INFO)
    key = cache.key("Document", source.data)
    real = os.stat

    def changed(name: str) -> object:
        def stat_of(path: object, *args: object, **kwargs: object) -> os.stat_result:
            found = real(path, *args, **kwargs)  # type: ignore[arg-type]
            if str(path).endswith(name):
                values = list(found)
                values[stat.ST_SIZE] += 1
                return os.stat_result(values)
            return found

        return stat_of

    for name in (
        os.path.join("sources", "written_dates.py"),
        os.path.join("email_validator", "__init__.py"),
    ):
        monkeypatch.setattr(os, "stat", changed(name))
        assert ValidatedCache(cache.folder).key("Document", source.data) != key, name
        monkeypatch.undo()
    assert ValidatedCache(cache.folder).key("Document", source.data) == key
    # A file's parse depends on leaflet's YAML modules and PyYAML only.
    parsed = cache.parsed_key(source.sha256, None)
    for name in (os.path.join("sources", "yamlparse.py"), os.path.join("yaml", "__init__.py")):
        monkeypatch.setattr(os, "stat", changed(name))
        assert ValidatedCache(cache.folder).parsed_key(source.sha256, None) != parsed, name
        monkeypatch.undo()
    monkeypatch.setattr(os, "stat", changed(os.path.join("sources", "written_dates.py")))
    assert ValidatedCache(cache.folder).parsed_key(source.sha256, None) == parsed
    assert parsed != cache.parsed_key(source.sha256, "meta")


def test_corrupt_and_foreign_entries_are_ignored(cache):
    validate("Treatment", read_yaml(FILES[3][1]))
    validate("Document", read_yaml(INFO))
    treatment, document = (
        cache.key("Treatment", read_yaml(FILES[3][1]).data),
        cache.key("Document", read_yaml(INFO).data),
    )
    assert treatment is not None and document is not None
    # The treatment's entry put where the document's should be: not for its key.
    (cache.folder / f"{document}.json").write_bytes(
        (cache.folder / f"{treatment}.json").read_bytes()
    )
    assert cache.get(document) is None
    again = validate("Document", read_yaml(INFO))
    assert not isinstance(again, PlainModel)
    for broken in (b"", b"{not json", b'{"format": 1}', b"[]", b"\xff\xfe"):
        (cache.folder / f"{document}.json").write_bytes(broken)
        assert cache.get(document) is None
        assert validate("Document", read_yaml(INFO)).meta.reference == "MN-INF-01"


def test_the_folder_and_entries_are_owner_only(cache):
    cache.folder.mkdir(parents=True)
    cache.folder.chmod(0o755)  # left open by something else: closed again
    validate("Document", read_yaml(INFO))
    assert stat.S_IMODE(cache.folder.stat().st_mode) == 0o700
    assert len(entries(cache)) == 1
    for kept in cache.folder.iterdir():  # the model's entry and the parsed file's
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert not list(cache.folder.glob(".*"))  # no temporary file left behind


def test_a_folder_that_cannot_be_made_is_no_cache(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    monkeypatch.setattr(validated, "_active", None)
    validated.switch_on()
    first, second = both("Document", INFO)
    assert not isinstance(second, PlainModel)
    assert second == first


def test_the_cache_keeps_a_bounded_number_of_entries(cache, monkeypatch):
    monkeypatch.setattr(validated, "MAX_ENTRIES", 2)
    for model, path in FILES[:4]:
        validate(model, read_yaml(path))
    assert len(list(cache.folder.iterdir())) == 2


def test_a_file_that_fails_is_never_kept(cache, tmp_path):
    broken = tmp_path / "info.yaml"
    broken.write_text(
        INFO.read_text(encoding="utf-8").replace("reference: MN-INF-01", "reference: 12"),
        encoding="utf-8",
    )
    messages = []
    for _ in range(2):
        with pytest.raises(SourceError) as err:
            validate("Document", read_yaml(broken))
        messages.append(str(err.value))
    assert messages[0] == messages[1]
    assert "meta.reference: expected text" in messages[0]
    assert entries(cache) == []


def test_personal_details_never_reach_the_cache(cache):
    build("info", "a4", personalisation())
    assert entries(cache)  # the files themselves are kept
    for entry in entries(cache):
        assert "O'Brien" not in entry.read_text(encoding="utf-8"), PATIENT


def test_a_base_for_stamping_is_kept_but_no_patients_copy(cache):
    """A base is laid out with placeholders where the personal values go: its wording
    holds no one's details, so it is kept (a batch's next run needs no pydantic for it);
    a copy laid out in full for a patient is not."""
    from leaflet.sources.personal import PLACEHOLDERS

    consent = leaflet.load_treatment("microneedling").document("consent")
    brand, layout = leaflet.load_brand(), leaflet.load_layout("a4")
    leaflet.BaseCache().render(consent, brand, layout, PATIENTS)  # stamped on a base
    leaflet.render_pdf(consent, brand, layout, PATIENTS)  # laid out in full
    texts = [entry.read_text(encoding="utf-8") for entry in entries(cache)]
    assert any(PLACEHOLDERS["patient", "name"] in text for text in texts)
    assert not any("Wróbel" in text for text in texts)


def test_a_build_reads_the_same_from_the_cache(cache):
    cold = build("consent", "a4").data
    count = len(entries(cache))
    warm = build("consent", "a4").data
    assert warm == cold
    assert len(entries(cache)) == count  # nothing new: every file was a hit


@pytest.mark.parametrize("setting", ["off", "OFF", "0", "no", "false"])
def test_leaflet_cache_off_switches_it_off(tmp_path, monkeypatch, setting):
    monkeypatch.setattr(validated, "_active", None)
    validated.switch_on({"LEAFLET_CACHE": setting, "XDG_CACHE_HOME": str(tmp_path)})
    assert validated.active() is None


def test_library_callers_get_pydantic_models(monkeypatch):
    monkeypatch.setattr(validated, "_active", None)
    document = leaflet.load_treatment("microneedling").document("info")
    assert not isinstance(document.spec, PlainModel)
    assert os.environ["XDG_CACHE_HOME"]  # the suite's own folder, whatever the user's


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, a file PyYAML would parse fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(yamlfile, "parse_yaml", refuse)


@pytest.mark.parametrize("only", [None, "meta"])
@pytest.mark.parametrize("path", [path for _, path in FILES], ids=lambda path: path.name)
def test_a_parsed_file_read_back_equals_the_parse(cache, monkeypatch, path, only):
    first = read_yaml(path, only=only)
    no_parsing(monkeypatch)
    second = read_yaml(path, only=only)
    assert (second.data, second.lines, second.sha256) == (first.data, first.lines, first.sha256)
    assert second.path == path
    assert len(entries(cache, parsed=True)) == 1


def test_an_edited_file_is_listed_as_it_now_reads(cache, content_copy):
    """Parsed files are kept by their bytes: an edit, even within the same second and
    at the same size, is read afresh."""
    treatment = content_copy / "microneedling" / "treatment.yaml"
    before = catalogue(content_copy).treatments[0].summary
    text = treatment.read_text(encoding="utf-8")
    treatment.write_text(text.replace(before, before.replace("skin", "SKIN", 1)), "utf-8")
    assert catalogue(content_copy).treatments[0].summary == before.replace("skin", "SKIN", 1)


@pytest.mark.parametrize(
    "broken",
    ["summary: [unclosed\n", "a: 1\na: 2\n", "- a list\n", "a: &x 1\nb: *x\n", ""],
    ids=["malformed", "duplicate", "not-a-mapping", "alias", "empty"],
)
def test_a_yaml_error_reads_as_without_the_cache(cache, monkeypatch, tmp_path, broken):
    path = tmp_path / "treatment.yaml"
    path.write_text("summary: It read once.\n", encoding="utf-8")
    read_yaml(path)  # kept: the edit below must not come back from the cache
    path.write_text(broken, encoding="utf-8")
    messages = []
    for active in (cache, cache, None):
        monkeypatch.setattr(validated, "_active", active)
        with pytest.raises(SourceError) as err:
            read_yaml(path)
        messages.append(str(err.value))
    assert messages[0] == messages[1] == messages[2]
    assert len(entries(cache, parsed=True)) == 1  # the file that parsed, only


def test_a_corrupt_parsed_entry_is_parsed_afresh(cache):
    path = FILES[3][1]
    first = read_yaml(path)
    key = cache.parsed_key(first.sha256, None)
    (entry,) = entries(cache, parsed=True)
    assert entry.name == f"{key}.json"
    shapes = [{"d": {"data": {"d": {}}, "lines": "x"}}, {"d": {"lines": []}}, [1], "text"]
    shapes.append({"d": {"data": [], "lines": []}})
    shapes.append({"d": {"data": {"d": {}}, "lines": [[["summary"], "1"]]}})
    broken = [json.dumps({"format": 1, "key": key, "classes": {}, "value": v}) for v in shapes]
    for text in ["", "{not json", "[]", *broken]:
        entry.write_text(text, encoding="utf-8")
        again = read_yaml(path)
        assert (again.data, again.lines) == (first.data, first.lines), text
