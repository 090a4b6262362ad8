"""Library modules loaded without compiling their patterns until they are used.

As it loads, `reportlab.platypus.paragraph` compiles a case-insensitive pattern for URIs
whose character classes span U+00A1 to U+FFFF (`uri_pat`): working out the case of every
character in them takes about 60-80 ms, in every process that lays anything out (a fifth
of a one-document command), though only splitting a long URI across lines uses it. Two
more modules a batch loads compile classes nearly as wide for something leaflet never
does (about 5 and 7 ms a process): `reportlab.lib.textsplit` (`rx`, U+2E80 to U+FFFF,
for `cjkwrap`, which nothing in ReportLab calls) and `pikepdf.models.metadata._constants`
(`re_xml_illegal_chars`, for editing XMP metadata with pikepdf).
`install` (called by `import leaflet`) puts a finder first on `sys.meta_path` that loads
those modules with each pattern their own code compiles as they load standing in for the
compiled pattern until first used (`DeferredPattern`). Nothing else is changed: other
modules, and patterns compiled later, compile as always; a module already loaded, or
not installed, is left alone.
"""

from __future__ import annotations

import importlib.machinery
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import importlib.abc

#: The modules whose patterns are deferred.
MODULES = frozenset(
    {
        "reportlab.platypus.paragraph",
        "reportlab.lib.textsplit",
        "pikepdf.models.metadata._constants",
    }
)


class DeferredPattern:
    """Stands for `re.compile(pattern, flags)`, compiled when first used. Threads that
    use it first at the same time may each compile it: the results are equal."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str | bytes, flags: int) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[Any] | None = None

    @property
    def compiled(self) -> re.Pattern[Any]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # a slot not yet set (a copy being made): not the pattern's
            raise AttributeError(name)
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"DeferredPattern({self.pattern!r}, {self.flags!r})"


@contextmanager
def _deferred_in(module: str) -> Iterator[None]:
    """While it runs, `re.compile` called from `module`'s own code gives a
    `DeferredPattern`; called from anywhere else, a compiled pattern as always."""
    compile_now = re.compile

    def compile_later(pattern: Any, flags: int = 0) -> Any:
        if sys._getframe(1).f_globals.get("__name__") != module:
            return compile_now(pattern, flags)
        return DeferredPattern(pattern, int(flags))

    re.compile = compile_later
    try:
        yield
    finally:
        re.compile = compile_now


# The finder and loader are plain classes, not `importlib.abc`'s: importing that costs
# about 40 ms (it loads `importlib.resources`), half of what this saves.


class _Loader:
    """The module's own loader, running its code with its patterns deferred."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self._loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        with _deferred_in(module.__name__):
            self._loader.exec_module(module)

    def __getattr__(self, name: str) -> Any:  # get_source, get_data, ...
        if name.startswith("_"):  # `_loader` not yet set (a copy being made)
            raise AttributeError(name)
        return getattr(self._loader, name)


class _Finder:
    """Finds each of `MODULES` as `PathFinder` (installed modules' finder) would, and
    gives it `_Loader`; once each, and then goes."""

    def __init__(self, modules: set[str]) -> None:
        self._waiting = modules

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self._waiting:
            return None
        self._waiting.discard(fullname)
        if not self._waiting:
            with suppress(ValueError):  # another thread's import took it out
                sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = cast("importlib.abc.Loader", _Loader(spec.loader))
        return spec


def install() -> None:
    """Defer `MODULES`' patterns, those of any loaded already aside (unless they are
    being deferred)."""
    waiting = set(MODULES - sys.modules.keys())
    if waiting and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder(waiting))
