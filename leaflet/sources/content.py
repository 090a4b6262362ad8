"""Loading a treatment's content: its settings and its documents, in each language.

`content/<treatment>/treatment.yaml` holds the treatment's name and settings, shared by
every language. Each language has a folder named by its BCP 47 tag (`en-GB/`, `pl/`,
`cy/`) holding the documents (`info.yaml`, `consent.yaml`, `aftercare.yaml`) and,
optionally, a `treatment.yaml` with the name, summary and text settings in that
language's words. (A folder made before languages holds its documents directly: they
are the language their `meta.language` says.) Each document is validated against
`schema.Document` and every piece of its wording compiled once, at load
(`document_wording`); a translation is checked against the document it translates
(`translation`).
`ContentDocument.render` then fills the wording in for one clinic and patient.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leaflet.errors import LeafletError, SourceError, display_path
from leaflet.sources import schema
from leaflet.sources.bundled import CONTENT_DIR
from leaflet.sources.documents import DOCUMENTS as DOCUMENTS  # its home; here too
from leaflet.sources.language_folders import TREATMENT_FILE as TREATMENT_FILE
from leaflet.sources.language_folders import UNFOLDERED_LANGUAGE as UNFOLDERED_LANGUAGE
from leaflet.sources.language_folders import documents_in, meta_of
from leaflet.sources.language_folders import find_languages as find_languages
from leaflet.sources.language_folders import known_treatments as known_treatments
from leaflet.sources.languages import (
    Language,
    match_language,
    normalise,
    original_language,
    parse_language,
)
from leaflet.sources.translation import check_translation
from leaflet.sources.treatment_names import resolve_treatment
from leaflet.sources.yamlfile import YamlSource, format_loc, read_yaml, validate

if TYPE_CHECKING:  # loaded when a document is: `leaflet list` needs none of them
    from leaflet.sources.fontchain import FontChain
    from leaflet.sources.strings import Strings
    from leaflet.sources.wording import Namespace, Wording

#: The treatment file: in the treatment's folder, and optionally in a language folder.
#: Template variables holding a patient's details: a build with any of them filled in
#: is validated in full every time (personal details never go in the validated cache;
#: the placeholders a base for stamping is laid out with are none).
PERSONAL_GROUPS = ("patient", "appointment")
#: A language's treatment file among content given as data (`Treatment.given`).
TREATMENT = "treatment"

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class ContentDocument:
    """One validated document with its wording compiled, ready to render."""

    treatment: Treatment
    name: str
    source: YamlSource
    spec: schema.Document
    wording: dict[Loc, Wording]
    strings: Strings
    #: The document this one translates; None for an original.
    original: ContentDocument | None = None

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def meta(self) -> schema.Meta:
        return self.spec.meta

    @property
    def language(self) -> Language:
        return self.strings.language

    @property
    def unreviewed(self) -> bool:
        """A translation no clinical reviewer has checked yet: the PDF says so."""
        return self.original is not None and not self.meta.reviewer

    @property
    def inputs(self) -> tuple[str, ...]:
        """SHA-256 of every file its wording comes from: the document, the treatment's
        settings (and their words in this language) and the strings."""
        local = self.treatment.local_source(self.meta.language)
        return (
            self.source.sha256,
            self.treatment.source.sha256,
            *([local.sha256] if local is not None else []),
            self.strings.digest,
        )

    def template_context(self, variables: Mapping[str, Mapping[str, Any]]) -> dict[str, Namespace]:
        """What the wording's templates see: `variables` (`clinic`, `patient`,
        `appointment`) and the treatment's `settings`, `treatment` and `document`."""
        from leaflet.sources.wording import Namespace

        context = {name: Namespace(name, values) for name, values in variables.items()}
        language = self.meta.language
        context["settings"] = Namespace("settings", self.treatment.settings(language))
        context["treatment"] = Namespace("treatment", {"name": self.treatment.name(language)})
        context["document"] = Namespace(
            "document", {"reference": self.meta.reference, "version": self.meta.version}
        )
        return context

    def render(
        self, variables: Mapping[str, Mapping[str, Any]], fonts: FontChain
    ) -> schema.Document:
        """The document with its wording filled in as paragraph markup."""
        from leaflet.sources.personal import without_placeholders

        context = self.template_context(variables)
        for loc in (("meta", "title"), ("meta", "subtitle")):
            self._check_glyphs(loc, getattr(self.meta, loc[1]), fonts)
        blocks = self._fill(self.source.data["blocks"], ("blocks",), context, fonts)
        filled = {"meta": self.source.data["meta"], "blocks": blocks}
        personal = any(
            value and (not isinstance(value, str) or without_placeholders(value))
            for group in PERSONAL_GROUPS
            for value in variables.get(group, {}).values()
        )
        document: schema.Document = validate("Document", self.source, filled, cached=not personal)
        return document

    def _fill(self, value: Any, loc: Loc, context: dict[str, Namespace], fonts: FontChain) -> Any:
        if isinstance(value, dict):
            return {k: self._fill(v, loc + (k,), context, fonts) for k, v in value.items()}
        if isinstance(value, list):
            return [self._fill(v, loc + (i,), context, fonts) for i, v in enumerate(value)]
        wording = self.wording.get(loc)
        if wording is None:
            return value
        from leaflet.sources.wording import TemplateProblem

        try:
            text = wording.render(context)
        except TemplateProblem as err:
            raise self._error(loc, str(err)) from err
        self._check_glyphs(loc, text, fonts)
        return text

    def _check_glyphs(self, loc: Loc, text: str, fonts: FontChain) -> None:
        from leaflet.sources.personal import without_placeholders

        if missing := fonts.missing(without_placeholders(text)):
            from leaflet.sources.fonts import describe_chars

            raise self._error(loc, f"the brand fonts cannot print {describe_chars(missing)}")

    def _error(self, loc: Loc, problem: str) -> SourceError:
        return SourceError(self.path, problem, line=self.source.line_of(loc), field=format_loc(loc))


@dataclass(frozen=True)
class Treatment:
    """A treatment's folder: its settings, its languages and, loaded on first use, its
    documents in each language."""

    slug: str
    folder: Path  # for content given as data, a name for messages: <microneedling data>
    spec: schema.Treatment
    source: YamlSource
    #: Each language's folder, by tag.
    languages: dict[str, Path]
    #: Documents given as data (`leaflet.sources.content_data`), by (name, language).
    given: dict[tuple[str, str], YamlSource] = field(default_factory=dict, repr=False)
    _documents: dict[tuple[str, str], ContentDocument] = field(default_factory=dict, repr=False)
    _locals: dict[str, tuple[schema.TreatmentLanguage, YamlSource] | None] = field(
        default_factory=dict, repr=False
    )
    # Documents load once, whichever thread asks first (re-entrant: a translation loads
    # its original).
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickled (for a worker process) as what it was loaded from.
        if self.given:
            return rebuild_treatment, (self.slug, self.source, self.given)
        return load_treatment, (self.slug, self.folder.parent)

    @property
    def content_dir(self) -> Path | None:
        """The content folder; None for content given as data."""
        return None if self.given else self.folder.parent

    def read(self, name: str, language: str) -> YamlSource | None:
        """Document `name` in `language` as given, or read from its file; None when it
        has none."""
        if self.given:
            return self.given.get((name, language))
        path = self.languages[language] / f"{name}.yaml"
        return read_yaml(path) if path.is_file() else None

    @functools.cached_property
    def source_language(self) -> str:
        """The language of the original wording (`original_language`)."""
        return original_language(self.languages, self._translates)

    def _translates(self, tag: str) -> bool:
        first = next(source for n in self.available(tag) if (source := self.read(n, tag)))
        return bool(meta_of(first).get("translates"))

    def language(self, requested: str | None = None) -> str:
        """The tag of this treatment's language that serves `requested` (default: the
        source language); an unknown tag, or a language it lacks, is a `LeafletError`."""
        if requested is None:
            return self.source_language
        wanted = parse_language(requested)
        found = match_language(wanted.tag, self.languages)
        if found is None:
            raise LeafletError(
                f"{self.slug} has no {wanted.name} ({wanted.tag}) content; it has: "
                f"{self.describe_languages()} (add a folder {self.folder / wanted.tag})"
            )
        return found

    def choose_language(self, requested: str | None, clinic: str) -> tuple[str, str | None]:
        """The language to build in, and a warning when it is not the one wanted:
        `requested` (an error if this treatment lacks it), else the clinic's language,
        else English (or the source language): never another language silently."""
        if requested:
            return self.language(requested), None
        try:
            return self.language(clinic), None
        except LeafletError:
            english = match_language("en", self.languages) or self.source_language
            return english, (
                f"{self.slug} has no {clinic} content (the clinic's language): built in {english}"
            )

    def describe_languages(self) -> str:
        """`en-GB (English (United Kingdom)), pl (Polish)`."""
        return ", ".join(f"{tag} ({parse_language(tag).name})" for tag in sorted(self.languages))

    def available(self, language: str | None = None) -> list[str]:
        """The documents this treatment has in a language, in the standard order."""
        tag = self.language(language)
        if self.given:
            return [name for name in DOCUMENTS if (name, tag) in self.given]
        return documents_in(self.languages[tag])

    def document(self, name: str, language: str | None = None) -> ContentDocument:
        """Load (once, whichever thread asks first) and return one of the treatment's
        documents in a language (default: the source language)."""
        tag = self.language(language)
        with self._lock:
            if (name, tag) not in self._documents:
                if name not in self.available(tag):
                    raise LeafletError(
                        f"{self.slug} has no {name} document in {tag} "
                        f"({self.languages[tag] / f'{name}.yaml'}); it has: "
                        f"{', '.join(self.available(tag)) or 'none'}"
                    )
                self._documents[(name, tag)] = _load_document(self, name, tag)
            return self._documents[(name, tag)]

    def local_source(self, language: str) -> YamlSource | None:
        """The language folder's own treatment file, if it has one."""
        local = self._local(language)
        return local[1] if local is not None else None

    def settings(self, language: str) -> dict[str, Any]:
        """The settings, with the text ones in `language`'s words where it gives them."""
        local = self._local(language)
        return {**self.spec.settings, **(local[0].settings if local is not None else {})}

    def name(self, language: str) -> str:
        """The treatment's display name in `language`."""
        local = self._local(language)
        return (local[0].name if local is not None else None) or self.spec.name

    def _local(self, language: str) -> tuple[schema.TreatmentLanguage, YamlSource] | None:
        if language not in self._locals:
            path = self.languages[language] / TREATMENT_FILE
            source = self.given.get((TREATMENT, language))
            if source is None and not self.given and path != self.folder / TREATMENT_FILE:
                source = read_yaml(path) if path.is_file() else None
            if source is None:
                self._locals[language] = None
            else:
                local: schema.TreatmentLanguage = validate("TreatmentLanguage", source)
                _check_local_settings(self, local, source)
                self._locals[language] = (local, source)
        return self._locals[language]


def _check_local_settings(
    treatment: Treatment, local: schema.TreatmentLanguage, source: YamlSource
) -> None:
    """A language gives only text settings the treatment has: numbers are shared."""
    for key in local.settings:
        loc: Loc = ("settings", key)
        shared = treatment.spec.settings.get(key)
        if not isinstance(shared, str):
            problem = (
                f"{treatment.source.path.name} has no setting {key!r}"
                if shared is None
                else f"{key} is a number, shared by every language: change it in "
                f"{display_path(treatment.source.path)}"
            )
            raise SourceError(source.path, problem, line=source.line_of(loc), field=format_loc(loc))


def load_treatment(slug: str, content_dir: Path | str | None = None) -> Treatment:
    """Load a treatment from a content folder (default: the built-in content), named by
    its folder, its name or an alias (`leaflet.sources.treatment_names`)."""
    folder = Path(content_dir) if content_dir is not None else CONTENT_DIR
    if not folder.is_dir():
        raise LeafletError(f"content folder not found: {folder}")
    slug = resolve_treatment(slug, folder)
    source = read_yaml(folder / slug / TREATMENT_FILE)
    spec: schema.Treatment = validate("Treatment", source)
    return Treatment(slug, folder / slug, spec, source, find_languages(folder / slug))


def rebuild_treatment(
    slug: str, source: YamlSource, given: dict[tuple[str, str], YamlSource]
) -> Treatment:
    """The treatment of checked sources, documents by (name, language): how content
    given as data is made (and unpickled); see `leaflet.sources.content_data`."""
    spec: schema.Treatment = validate("Treatment", source)
    folder = source.path.parent
    languages = {tag: folder / tag for _, tag in given}
    return Treatment(slug, folder, spec, source, languages, given=given)


def _load_document(treatment: Treatment, name: str, language: str) -> ContentDocument:
    from leaflet.sources.document_wording import compile_wording
    from leaflet.sources.strings import load_strings

    folder = treatment.languages[language]
    source = treatment.read(name, language)
    assert source is not None, "available() listed it"
    spec: schema.Document = validate("Document", source)
    if folder != treatment.folder and normalise(spec.meta.language) != language:
        loc: Loc = ("meta", "language")
        raise SourceError(
            source.path,
            f"{spec.meta.language!r}, but the file is in the {language} folder; "
            f"write language: {language}",
            line=source.line_of(loc),
            field=format_loc(loc),
        )
    wording = compile_wording(source, language)
    strings = load_strings(language, treatment.content_dir)
    original = None
    if (of := spec.meta.source_of_translation) is not None:
        original = _original(treatment, name, source, of)
        check_translation(source, original.source, spec, original.spec)
    return ContentDocument(treatment, name, source, spec, wording, strings, original)


def _original(
    treatment: Treatment, name: str, source: YamlSource, of: tuple[str, str]
) -> ContentDocument:
    """The document a translation translates: an original in another language."""
    loc: Loc = ("meta", "translates")

    def error(problem: str) -> SourceError:
        return SourceError(source.path, problem, line=source.line_of(loc), field=format_loc(loc))

    tag = match_language(of[0], treatment.languages)
    if tag is None:
        raise error(f"{treatment.slug} has no {of[0]} content to translate from")
    if tag == source.data["meta"].get("language"):
        raise error("a translation translates another language")
    original = treatment.document(name, tag)
    if original.original is not None:
        raise error(f"the {tag} {name} is itself a translation; translate its source")
    return original
