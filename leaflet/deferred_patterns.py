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

The same finder defers one module's code as a whole (`LAZY_MODULES`): uharfbuzz, which
`reportlab.pdfbase.ttfonts` imports as it loads (about 7 ms, in every process that
draws) though only shaping right-to-left and complex scripts uses it. The module is
made and put in `sys.modules` as an import makes it, but its code runs when something
first asks it for an attribute (`_LazyLoader`, PEP 562's module `__getattr__`): so
ReportLab's `try: import uharfbuzz` and `if not uharfbuzz:` see it installed, as they
would, and English text never runs it. As for any import, a thread that asks while
another runs the code waits for it.
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
#: The modules whose code runs when first used (see the module's docstring).
LAZY_MODULES = frozenset({"uharfbuzz"})


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


class _LazyLoader(_Loader):
    """The module's own loader, running its code when the module is first asked for an
    attribute it lacks (all but what the import system sets: `__name__`, `__path__`...)."""

    def exec_module(self, module: ModuleType) -> None:
        import threading  # here: loaded by then (ReportLab's fonts come after the CLI's)

        lock = threading.RLock()
        namespace = module.__dict__
        ran: list[bool] = []

        def load(name: str) -> Any:
            with lock:  # another thread's first use waits until the code has run
                if not ran:
                    ran.append(True)
                    try:  # `load` answers for what is missing until the code has run
                        self._loader.exec_module(module)
                    except BaseException:
                        if sys.modules.get(module.__name__) is module:
                            del sys.modules[module.__name__]  # as a failed import leaves it
                        raise
                    finally:
                        if namespace.get("__getattr__") is load:
                            del namespace["__getattr__"]
            if name in namespace:
                return namespace[name]
            own = namespace.get("__getattr__")
            if own is not None and own is not load:
                return own(name)
            raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")

        namespace["__getattr__"] = load


class _Finder:
    """Finds each of `MODULES` and `LAZY_MODULES` as `PathFinder` (installed modules'
    finder) would, and gives it `_Loader` or `_LazyLoader`; once each, and then goes."""

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
            wrapper = _LazyLoader if fullname in LAZY_MODULES else _Loader
            spec.loader = cast("importlib.abc.Loader", wrapper(spec.loader))
        return spec


def install() -> None:
    """Defer `MODULES`' patterns and `LAZY_MODULES`' code, those of any loaded already
    aside (unless they are being deferred)."""
    waiting = set((MODULES | LAZY_MODULES) - sys.modules.keys())
    if waiting and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder(waiting))
