"""Loading a treatment's content: its settings and its documents, validated and compiled.

`content/<treatment>/treatment.yaml` holds the treatment's name and settings; each
document (`info.yaml`, `consent.yaml`, `aftercare.yaml`) is validated against
`schema.Document` and every piece of its wording compiled as a template once, at load.
`ContentDocument.render` then fills the wording in for one clinic and patient.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leaflet.errors import LeafletError, SourceError
from leaflet.sources import schema
from leaflet.sources.bundled import CONTENT_DIR
from leaflet.sources.fonts import FontFamily, describe_chars
from leaflet.sources.personal import without_placeholders
from leaflet.sources.templating import Namespace, TemplateProblem, Wording, make_environment
from leaflet.sources.treatment_names import resolve_treatment
from leaflet.sources.yamlfile import YamlSource, format_loc, read_yaml, validate

#: The documents a treatment can have, in the order `leaflet list` shows them.
DOCUMENTS = ("info", "consent", "aftercare")
#: Keys whose values are identifiers or options, never wording.
NOT_WORDING = frozenset({"id", "style"})

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class ContentDocument:
    """One validated document with its wording compiled, ready to render."""

    treatment: Treatment
    name: str
    source: YamlSource
    spec: schema.Document
    wording: dict[Loc, Wording]

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def meta(self) -> schema.Meta:
        return self.spec.meta

    def template_context(self, variables: Mapping[str, Mapping[str, Any]]) -> dict[str, Namespace]:
        """What the wording's templates see: `variables` (`clinic`, `patient`,
        `appointment`) and the treatment's `settings`, `treatment` and `document`."""
        context = {name: Namespace(name, values) for name, values in variables.items()}
        context["settings"] = Namespace("settings", self.treatment.spec.settings)
        context["treatment"] = Namespace("treatment", {"name": self.treatment.spec.name})
        context["document"] = Namespace(
            "document", {"reference": self.meta.reference, "version": self.meta.version}
        )
        return context

    def render(
        self, variables: Mapping[str, Mapping[str, Any]], fonts: FontFamily
    ) -> schema.Document:
        """The document with its wording filled in as paragraph markup."""
        context = self.template_context(variables)
        for loc in (("meta", "title"), ("meta", "subtitle")):
            self._check_glyphs(loc, getattr(self.meta, loc[1]), fonts)
        blocks = self._fill(self.source.data["blocks"], ("blocks",), context, fonts)
        return validate(schema.Document, self.source, {"meta": self.spec.meta, "blocks": blocks})

    def _fill(self, value: Any, loc: Loc, context: dict[str, Namespace], fonts: FontFamily) -> Any:
        if isinstance(value, dict):
            return {k: self._fill(v, loc + (k,), context, fonts) for k, v in value.items()}
        if isinstance(value, list):
            return [self._fill(v, loc + (i,), context, fonts) for i, v in enumerate(value)]
        wording = self.wording.get(loc)
        if wording is None:
            return value
        try:
            text = wording.render(context)
        except TemplateProblem as err:
            raise self._error(loc, str(err)) from err
        self._check_glyphs(loc, text, fonts)
        return text

    def _check_glyphs(self, loc: Loc, text: str, fonts: FontFamily) -> None:
        if missing := fonts.missing(without_placeholders(text)):
            raise self._error(loc, f"the brand fonts cannot print {describe_chars(missing)}")

    def _error(self, loc: Loc, problem: str) -> SourceError:
        return SourceError(self.path, problem, line=self.source.line_of(loc), field=format_loc(loc))


@dataclass(frozen=True)
class Treatment:
    """A treatment's folder: its settings and, loaded on first use, its documents."""

    slug: str
    folder: Path  # for content given as data, a name for messages: <microneedling data>
    spec: schema.Treatment
    source: YamlSource
    _documents: dict[str, ContentDocument] = field(default_factory=dict, repr=False)
    #: Documents given as data (`leaflet.sources.content_data`), by name.
    given: dict[str, YamlSource] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickled (for a worker process) as what it was loaded from.
        if self.given:
            return rebuild_treatment, (self.slug, self.source, self.given)
        return load_treatment, (self.slug, self.folder.parent)

    def available(self) -> list[str]:
        """The documents this treatment has, in the standard order."""
        if self.given:
            return [name for name in DOCUMENTS if name in self.given]
        return [name for name in DOCUMENTS if (self.folder / f"{name}.yaml").is_file()]

    def document(self, name: str) -> ContentDocument:
        """Load (once, whichever thread asks first) and return one of the treatment's
        documents."""
        with self._lock:
            if name not in self._documents:
                if name not in self.available():
                    raise LeafletError(
                        f"{self.slug} has no {name} document ({self.folder / f'{name}.yaml'}); "
                        f"it has: {', '.join(self.available()) or 'none'}"
                    )
                self._documents[name] = _load_document(self, name)
            return self._documents[name]


def known_treatments(content_dir: Path | None = None) -> list[str]:
    """The treatments in a content folder: sub-folders holding a `treatment.yaml`."""
    folder = Path(content_dir) if content_dir is not None else CONTENT_DIR
    return sorted(p.parent.name for p in folder.glob("*/treatment.yaml"))


def load_treatment(slug: str, content_dir: Path | str | None = None) -> Treatment:
    """Load a treatment from a content folder (default: the built-in content), named by
    its folder, its name or an alias (`leaflet.sources.treatment_names`)."""
    folder = Path(content_dir) if content_dir is not None else CONTENT_DIR
    if not folder.is_dir():
        raise LeafletError(f"content folder not found: {folder}")
    slug = resolve_treatment(slug, folder)  # by its folder, name or an alias
    source = read_yaml(folder / slug / "treatment.yaml")
    return Treatment(slug, folder / slug, validate(schema.Treatment, source), source)


def rebuild_treatment(slug: str, source: YamlSource, given: dict[str, YamlSource]) -> Treatment:
    """The treatment of checked sources: how content given as data is made (and
    unpickled); see `leaflet.sources.content_data`."""
    spec = validate(schema.Treatment, source)
    return Treatment(slug, source.path.parent, spec, source, given=given)


def _load_document(treatment: Treatment, name: str) -> ContentDocument:
    source = treatment.given.get(name) or read_yaml(treatment.folder / f"{name}.yaml")
    spec = validate(schema.Document, source)
    environment = make_environment()
    wording: dict[Loc, Wording] = {}

    def compile_all(value: Any, loc: Loc) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in NOT_WORDING:
                    compile_all(item, loc + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                compile_all(item, loc + (index,))
        elif isinstance(value, str):
            try:
                wording[loc] = Wording(value, environment)
            except TemplateProblem as err:
                raise SourceError(
                    source.path, str(err), line=source.line_of(loc), field=format_loc(loc)
                ) from err

    compile_all(source.data["blocks"], ("blocks",))
    return ContentDocument(treatment, name, source, spec, wording)
