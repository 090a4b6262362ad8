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

It keeps files as parsed, too (`yamlfile.read_yaml`): keyed by the SHA-256 of a file's
bytes, the field read and what parsing depends on (leaflet's version and YAML modules,
the installed PyYAML), an entry holds the data and the line of every key, so a file
read before needs no PyYAML (`leaflet list` then loads none). Only a file that parsed
is kept, so every YAML error is still the parser's.

Entries live in `$XDG_CACHE_HOME/leaflet/validated` (default `~/.cache/leaflet`), the
folder owner-only (0700) and each file too (0600), written to a temporary file and
renamed; the folder keeps at most `MAX_ENTRIES` entries and `MAX_TOTAL` bytes. A
folder that cannot be made or written, or an entry that is corrupt or not for its key,
is no cache, never an error.
`LEAFLET_CACHE=off` switches it off.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

import leaflet.version
from leaflet.sources.plain_models import SCALARS, Decoder, Encoder, Uncacheable

#: Changes whenever the layout of an entry does.
FORMAT = 1
#: Far more than the files one workspace validates (a file's data, a layout over its base...).
MAX_ENTRIES = 512
#: The most the entries take together (the built-in ones take about 0.3 MB).
MAX_TOTAL = 64 * 1024 * 1024
#: The environment variable that switches the cache off (`off`, `0`, `no`, `false`).
SWITCH = "LEAFLET_CACHE"


class ValidatedCache:
    """Validated values stored under a folder, keyed by model, schema and data."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._fingerprint: str | None = None
        self._parse_fingerprint: str | None = None
        self._usable: bool | None = None

    def key(self, model_name: str, data: Any) -> str | None:
        """The entry's key, or None for data the cache does not take."""
        try:
            text = _canonical(data)
            fingerprint = self.fingerprint()
        except (Uncacheable, OSError):
            return None  # data the cache cannot tell apart, or no pydantic to name
        return _digest(str(FORMAT), fingerprint, model_name, text)

    def parsed_key(self, sha256: str, only: str | None) -> str | None:
        """The key of a file's parsed YAML (`yamlfile.read_yaml`): the SHA-256 of its
        bytes, the field read (`only`), and what parsing depends on, which is far less
        than validation (`leaflet list` parses, and validates nothing)."""
        if self._parse_fingerprint is None:
            try:
                self._parse_fingerprint = _parse_fingerprint()
            except OSError:
                return None
        return _digest(str(FORMAT), self._parse_fingerprint, "parsed YAML", str(only), sha256)

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
            return Decoder(entry["classes"], entry.get("json")).decode(entry["value"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None  # missing, damaged or not an entry: validated afresh

    def put(self, key: str, model: Any) -> None:
        """Store a validated model under `key`; a value or folder it cannot use is skipped."""
        try:
            encoder = Encoder()
            value = encoder.encode(model)
            json_text = model.model_dump_json()
        except (Uncacheable, ValueError, TypeError):
            return
        self._write(key, {"classes": encoder.classes, "value": value, "json": json_text})

    def keep(self, key: str, data: Any) -> None:
        """Store plain data (dicts, lists, text, numbers, dates) under `key`, as `get`
        gives it back; data holding anything else is skipped."""
        try:
            value = Encoder().encode(data)
        except Uncacheable:
            return
        self._write(key, {"classes": {}, "value": value})

    def _write(self, key: str, fields: dict[str, Any]) -> None:
        """Write an entry: a temporary file renamed into place, then the folder pruned."""
        import json
        import tempfile

        try:
            entry = {"format": FORMAT, "key": key, **fields}
            text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        except (ValueError, TypeError):
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
#: leaflet's modules that decide what a file parses to, besides PyYAML.
PARSING_MODULES = ("yamlfile.py", "yamlparse.py", "yamlsource.py")


def _schema_fingerprint() -> str:
    """leaflet's version, which packages that validate are installed (where, and when:
    installing rewrites their files), the schema's text, and every module of leaflet as
    installed (the schema's validators call other modules, and an edit of a development
    install keeps the version)."""
    import hashlib

    digest = hashlib.sha256(leaflet.version.__version__.encode() + b"\0")
    for package in VALIDATING_PACKAGES:
        _stamp_package(digest, package)
    schema = Path(__file__).parent / "schema"
    for path in sorted(schema.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for module in sorted(_modules_in(os.path.dirname(leaflet.version.__file__))):
        _stamp_file(digest, module)
    return digest.hexdigest()


def _modules_in(folder: str) -> list[str]:
    """Every `.py` file under `folder`, as `os.walk` finds them (not in `__pycache__`,
    not through a link to a folder), so the fingerprint is the same: 0.33-0.35 ms for
    leaflet's 134 modules, against 0.52-0.62 ms with `os.walk` (itself 3x faster than
    `Path.rglob`). Each file is then stated on its own (`_stamp_file`)."""
    found, folders = [], [folder]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir():
                    if entry.name != "__pycache__" and not entry.is_symlink():
                        folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    found.append(entry.path)
    return found


def _parse_fingerprint() -> str:
    """leaflet's version, the installed PyYAML and leaflet's parsing modules as installed."""
    import hashlib

    digest = hashlib.sha256(leaflet.version.__version__.encode() + b"\0")
    _stamp_package(digest, "yaml")
    for name in PARSING_MODULES:
        _stamp_file(digest, os.path.join(os.path.dirname(__file__), name))
    return digest.hexdigest()


def _stamp_package(digest: Any, package: str) -> None:
    """Add where an installed package is, and each of its modules' size and time (the
    installer rewrites them); OSError where it is not installed."""
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
        _stamp_file(digest, entry.path)


def _stamp_file(digest: Any, path: str) -> None:
    """Add a file's path, size and modification time (OSError where it is gone)."""
    info = os.stat(path)
    digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())


def _digest(*parts: str) -> str:
    import hashlib  # here: `leaflet --help` switches the cache on and reads nothing

    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _canonical(data: Any) -> str:
    """`data` as text that tells every value apart (a date from its text, 1 from 1.0)."""
    _check_plain(data, 0)
    return repr(data)


def _check_plain(value: Any, depth: int) -> None:
    if depth > 100:
        raise Uncacheable
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise Uncacheable
            _check_plain(item, depth + 1)
    elif kind is list:
        for item in value:
            _check_plain(item, depth + 1)
    elif kind not in SCALARS:
        raise Uncacheable
