"""A cache of validated content, so that a command need not import pydantic for files
it has validated before.

Importing pydantic and building the schema's validators is most of what a one-document
command spends beyond drawing (about 160 ms of CPU for `leaflet info`), while
validating the files themselves takes about a millisecond. The command line
(`leaflet.cli.run`) switches this cache on; library callers always get pydantic models.

An entry is keyed by the model's name, the schema's fingerprint (leaflet's version,
the installed pydantic, the text of every schema module) and exactly the data
validated; it holds the validated values as plain data with a table of each model's
fields. Only data that validated is stored, so every error is still pydantic's. On a
hit the values come back as plain objects (`PlainModel`) that read like the models:
attribute access, iteration over (name, value), `model_fields`, `model_fields_set`,
`model_dump` and `model_dump_json`.

Entries live in `$XDG_CACHE_HOME/leaflet/validated` (default `~/.cache/leaflet`), the
folder owner-only (0700) and each file too (0600), written to a temporary file and
renamed; the folder keeps at most `MAX_ENTRIES` entries and `MAX_TOTAL` bytes. A
folder that cannot be made or written, or an entry that is corrupt or not for its key,
is no cache, never an error.
`LEAFLET_CACHE=off` switches it off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import leaflet.version

#: Changes whenever the layout of an entry does.
FORMAT = 1
#: Far more than the files one workspace validates (a file's data, a layout over its base...).
MAX_ENTRIES = 512
#: The most the entries take together (the built-in ones take about 0.3 MB).
MAX_TOTAL = 64 * 1024 * 1024
#: The environment variable that switches the cache off (`off`, `0`, `no`, `false`).
SWITCH = "LEAFLET_CACHE"


class _Uncacheable(Exception):
    """A value the cache cannot hold as plain data: the model is not stored."""


class ValidatedCache:
    """Validated values stored under a folder, keyed by model, schema and data."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._fingerprint: str | None = None
        self._usable: bool | None = None

    def key(self, model_name: str, data: Any) -> str | None:
        """The entry's key, or None for data the cache does not take."""
        import hashlib  # here: `leaflet --help` switches the cache on and reads nothing

        try:
            text = _canonical(data)
            fingerprint = self.fingerprint()
        except (_Uncacheable, OSError):
            return None  # data the cache cannot tell apart, or no pydantic to name
        digest = hashlib.sha256()
        for part in (str(FORMAT), fingerprint, model_name, text):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()

    def fingerprint(self) -> str:
        """What validation depends on besides the data: leaflet, pydantic and the schema."""
        if self._fingerprint is None:
            self._fingerprint = _schema_fingerprint()
        return self._fingerprint

    def get(self, key: str) -> Any:
        """The plain object stored under `key`, or None."""
        import json

        try:
            with open(self.folder / f"{key}.json", encoding="utf-8") as file:
                entry = json.load(file)
            if entry.get("format") != FORMAT or entry.get("key") != key:
                return None  # another version's entry, or a file put in the wrong place
            return _Decoder(entry["classes"], entry.get("json")).decode(entry["value"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None  # missing, damaged or not an entry: validated afresh

    def put(self, key: str, model: Any) -> None:
        """Store a validated model under `key`; a value or folder it cannot use is skipped."""
        import json
        import tempfile

        try:
            encoder = _Encoder()
            value = encoder.encode(model)
            entry = {
                "format": FORMAT,
                "key": key,
                "classes": encoder.classes,
                "value": value,
                "json": model.model_dump_json(),
            }
            text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        except (_Uncacheable, ValueError, TypeError):
            return
        if not self._ready():
            return
        try:
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    file.write(text)
                os.replace(temporary, self.folder / f"{key}.json")
            except BaseException:
                os.unlink(temporary)
                raise
            self._prune()
        except OSError:
            return

    def _ready(self) -> bool:
        """Make the folder owner-only; False where it cannot be made or is not ours."""
        if self._usable is None:
            try:
                self.folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                self.folder.mkdir(mode=0o700, exist_ok=True)
                info = self.folder.stat()
                if info.st_uid != os.getuid():
                    self._usable = False
                else:
                    if info.st_mode & 0o077:
                        os.chmod(self.folder, 0o700)
                    self._usable = True
            except OSError:
                self._usable = False
        return self._usable

    def _prune(self) -> None:
        """Keep the newest entries, at most MAX_ENTRIES of them and MAX_TOTAL bytes."""
        with os.scandir(self.folder) as found:
            entries = [(entry.path, entry.stat()) for entry in found]
        entries.sort(key=lambda entry: entry[1].st_mtime_ns, reverse=True)
        total = 0
        for count, (path, info) in enumerate(entries, 1):
            total += info.st_size
            if count > MAX_ENTRIES or total > MAX_TOTAL:
                with contextlib.suppress(OSError):
                    os.unlink(path)


_active: ValidatedCache | None = None


def active() -> ValidatedCache | None:
    """The cache `validate` uses, if the command line switched one on."""
    return _active


def switch_on(environ: dict[str, str] | os._Environ[str] = os.environ) -> None:
    """Use the cache in this process (the command line), unless LEAFLET_CACHE says off."""
    global _active
    if environ.get(SWITCH, "").strip().lower() in {"off", "0", "no", "false"}:
        _active = None
        return
    base = environ.get("XDG_CACHE_HOME") or ""
    try:
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    except RuntimeError:  # no home folder to find
        _active = None
        return
    _active = ValidatedCache(root / "leaflet" / "validated")


def switch_off() -> None:
    """Validate every file with pydantic again (the default of a library caller)."""
    global _active
    _active = None


#: Installed packages whose code decides what validates: pydantic, and what the schema's
#: validators call (email addresses, CLDR data for languages and date orders).
VALIDATING_PACKAGES = ("pydantic", "pydantic_core", "email_validator", "babel")


def _schema_fingerprint() -> str:
    """leaflet's version, which packages that validate are installed (where, and when:
    installing rewrites their files), the schema's text, and every module of leaflet as
    installed (the schema's validators call other modules, and an edit of a development
    install keeps the version)."""
    import hashlib

    digest = hashlib.sha256(leaflet.version.__version__.encode() + b"\0")
    for package in VALIDATING_PACKAGES:
        folder = next(
            (
                Path(entry or ".") / package
                for entry in sys.path
                if (Path(entry or ".") / package / "__init__.py").is_file()
            ),
            None,
        )
        if folder is None:
            raise OSError(f"{package} is not installed")
        with os.scandir(folder) as found:
            files = [entry for entry in found if entry.name.endswith((".py", ".so", ".pyd"))]
        files.sort(key=lambda entry: entry.name)
        for entry in files:
            info = os.stat(entry.path)
            digest.update(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    schema = Path(__file__).parent / "schema"
    for path in sorted(schema.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    modules = []
    for walked, subfolders, names in os.walk(Path(leaflet.version.__file__).parent):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        modules += [os.path.join(walked, name) for name in names if name.endswith(".py")]
    for module in sorted(modules):  # os.walk is 3x faster than Path.rglob here
        info = os.stat(module)
        digest.update(f"{module}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _canonical(data: Any) -> str:
    """`data` as text that tells every value apart (a date from its text, 1 from 1.0)."""
    _check_plain(data, 0)
    return repr(data)


def _check_plain(value: Any, depth: int) -> None:
    if depth > 100:
        raise _Uncacheable
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise _Uncacheable
            _check_plain(item, depth + 1)
    elif kind is list:
        for item in value:
            _check_plain(item, depth + 1)
    elif kind not in _SCALARS:
        raise _Uncacheable


_SCALARS = (str, int, float, bool, type(None), dt.date, dt.datetime)


class _Encoder:
    """A validated model as JSON data: models, dicts, tuples and dates tagged."""

    def __init__(self) -> None:
        self.classes: dict[str, dict[str, Any]] = {}

    def encode(self, value: Any) -> Any:
        kind = type(value)
        if kind in (str, int, float, bool, type(None)):
            return value
        if kind is list:
            return [self.encode(item) for item in value]
        if kind is tuple:
            return {"t": [self.encode(item) for item in value]}
        if kind is dict:
            if any(type(key) is not str for key in value):
                raise _Uncacheable
            return {"d": {key: self.encode(item) for key, item in value.items()}}
        if kind is dt.date:
            return {"date": value.isoformat()}
        fields = getattr(kind, "model_fields", None)
        if fields is None:
            raise _Uncacheable  # a datetime, a set, an object of another kind
        name = f"{kind.__module__}.{kind.__qualname__}"
        if name not in self.classes:
            from leaflet.sources.schema.behaviour import MIXINS

            mixins = [mixin for mixin, cls in MIXINS.items() if issubclass(kind, cls)]
            self.classes[name] = {"name": kind.__name__, "fields": list(fields), "mixins": mixins}
        node: dict[str, Any] = {
            "m": name,
            "v": [self.encode(getattr(value, field)) for field in fields],
        }
        if value.model_fields_set != set(fields):
            node["s"] = sorted(value.model_fields_set)
        return node


class PlainModel:
    """A validated model read back from the cache, without pydantic: frozen fields."""

    model_fields: dict[str, None] = {}
    _qualified = ""
    _mixins: list[str] = []
    model_fields_set: set[str]
    _json: str | None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __iter__(self) -> Any:
        return ((name, getattr(self, name)) for name in self.model_fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return list(self) == list(other)

    def __hash__(self) -> int:
        return hash(tuple(value for _, value in self))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self)
        return f"{type(self).__name__}({fields})"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        cls = type(self)
        table = {"name": cls.__name__, "fields": list(cls.model_fields), "mixins": cls._mixins}
        return _plain_object, (cls._qualified, table, dict(self.__dict__))

    def model_dump(self) -> dict[str, Any]:
        """The fields as plain data, models inside as dicts (as pydantic's `model_dump`)."""
        return {name: _dumped(value) for name, value in self}

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Any:
        """A copy with `update`'s fields replaced, not validated again (as pydantic's
        `model_copy`)."""
        changes = update or {}
        copy = object.__new__(type(self))
        copy.__dict__.update(
            self.__dict__,
            **changes,
            model_fields_set=self.model_fields_set | set(changes),
            _json=None,  # the stored JSON no longer says what the copy holds
        )
        return copy

    def model_dump_json(self) -> str:
        """The JSON pydantic wrote for this model when it was stored."""
        if self._json is None:
            raise ValueError("only a stored file's own model keeps its JSON")
        return self._json


def _dumped(value: Any) -> Any:
    if isinstance(value, PlainModel):
        return value.model_dump()
    if isinstance(value, list):
        return [_dumped(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_dumped(item) for item in value)
    if isinstance(value, dict):
        return {key: _dumped(item) for key, item in value.items()}
    return value


_plain_classes: dict[tuple[str, tuple[str, ...], tuple[str, ...]], type[PlainModel]] = {}


class _Decoder:
    """An entry's value as plain objects."""

    def __init__(self, classes: dict[str, dict[str, Any]], top_json: str | None) -> None:
        self.tables = classes
        self.top_json = top_json
        self.classes: dict[str, tuple[type[PlainModel], list[str]]] = {}

    def decode(self, value: Any, top: bool = True) -> Any:
        kind = type(value)
        if kind is list:
            return [self.decode(item, False) for item in value]
        if kind is not dict:
            return value
        name = value.get("m")
        if name is None:
            if "t" in value:
                return tuple(self.decode(item, False) for item in value["t"])
            if "d" in value:
                return {key: self.decode(item, False) for key, item in value["d"].items()}
            return dt.date.fromisoformat(value["date"])
        known = self.classes.get(name)
        if known is None:
            cls = _plain_class(name, self.tables[name])
            known = self.classes[name] = (cls, list(cls.model_fields))
        cls, fields = known
        values = value["v"]
        if len(values) != len(fields):
            raise ValueError("an entry's model does not match its table")
        obj = object.__new__(cls)
        state = obj.__dict__
        for field, item in zip(fields, values, strict=True):
            state[field] = item if type(item) is str else self.decode(item, False)
        state["model_fields_set"] = set(value.get("s", fields))
        state["_json"] = self.top_json if top else None
        return obj


def _plain_class(qualified: str, table: dict[str, Any]) -> type[PlainModel]:
    """One plain class per model, named as the model, with its fields and behaviour."""
    from leaflet.sources.schema.behaviour import MIXINS

    key = (qualified, tuple(table["fields"]), tuple(table["mixins"]))
    cls = _plain_classes.get(key)
    if cls is None:
        bases = (PlainModel, *(MIXINS[name] for name in table["mixins"]))
        fields = {str(name): None for name in table["fields"]}
        namespace = {
            "model_fields": fields,
            "_qualified": qualified,
            "_mixins": list(table["mixins"]),
            "__module__": __name__,
        }
        cls = type(str(table["name"]), bases, namespace)
        _plain_classes[key] = cls
    return cls


def _plain_object(qualified: str, table: dict[str, Any], state: dict[str, Any]) -> PlainModel:
    """A plain object again, as pickle makes it (a batch sends its setup to workers)."""
    obj = object.__new__(_plain_class(qualified, table))
    obj.__dict__.update(state)
    return obj
