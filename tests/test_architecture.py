"""The shape of the package: stages import only downwards, no cycles, small modules.

The pipeline runs errors -> sources -> story -> render -> packs -> mail -> tools (check,
docs) -> the public API (`leaflet/__init__.py`) -> the command line. A module may import
from its own stage and the stages before it, never from a later one; the command line
imports only the public API. Read from the source with `ast`, so nothing is imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "leaflet"
#: Stage of each module, by the longest matching name prefix.
STAGES = {
    "leaflet.errors": 0,
    "leaflet.version": 0,
    "leaflet.sources": 1,
    "leaflet.story": 2,
    "leaflet.render": 3,
    "leaflet.packs": 4,
    "leaflet.mail": 5,
    "leaflet.check": 6,
    "leaflet.docs": 6,
    "leaflet": 7,  # the public API: leaflet/__init__.py
    "leaflet.cli": 8,
    "leaflet.__main__": 8,
}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def stage(module: str) -> int:
    prefixes = [p for p in STAGES if module == p or module.startswith(p + ".")]
    return STAGES[max(prefixes, key=len)]


def imports(module: str) -> Iterator[tuple[int, str]]:
    """(line, module) for every leaflet module `module` imports, anywhere in it."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "leaflet":
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            if base.split(".")[0] != "leaflet":
                continue
            for alias in node.names:
                name = f"{base}.{alias.name}"
                yield node.lineno, name if name in MODULES else base


GRAPH = {module: sorted({target for _, target in imports(module)}) for module in MODULES}


def test_every_import_names_a_module_that_exists() -> None:
    missing = [(m, t) for m, targets in GRAPH.items() for t in targets if t not in MODULES]
    assert missing == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_later_stage(module: str) -> None:
    later = [
        f"line {line}: {target}"
        for line, target in imports(module)
        if target in MODULES and stage(target) > stage(module)
    ]
    assert later == [], f"{module} (stage {stage(module)}) imports a later stage"


@pytest.mark.parametrize(
    "module", [m for m in sorted(MODULES) if stage(m) == STAGES["leaflet.cli"]]
)
def test_the_command_line_uses_only_the_public_api(module: str) -> None:
    inside = [
        f"line {line}: {target}"
        for line, target in imports(module)
        if target != "leaflet" and stage(target) != STAGES["leaflet.cli"]
    ]
    assert inside == [], f"{module} reaches past the public API"


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module: the cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in graph.get(module, []):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    return cycles


def test_no_import_cycles() -> None:
    assert find_cycles(GRAPH) == []


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {
        "leaflet.render.document": ["leaflet.render.trifold", "leaflet.errors"],
        "leaflet.render.trifold": ["leaflet.render.pages"],
        "leaflet.render.pages": ["leaflet.render.document"],
        "leaflet.errors": [],
    }
    assert find_cycles(graph) == [
        ["leaflet.render.document", "leaflet.render.pages", "leaflet.render.trifold"]
    ]


def test_stages_run_in_pipeline_order() -> None:
    order = [
        "leaflet.errors",
        "leaflet.sources.content",
        "leaflet.story.builder",
        "leaflet.render.document",
        "leaflet.packs.batch",
        "leaflet.mail.delivery",
        "leaflet.check",
        "leaflet",
        "leaflet.cli",
    ]
    assert [stage(module) for module in order] == list(range(len(order)))
    assert module_name(PACKAGE / "story" / "__init__.py") == "leaflet.story"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module} has {lines} lines"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_functions_stay_short(module: str) -> None:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    long = [
        f"{node.name} (line {node.lineno}): {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


def test_every_module_has_a_docstring() -> None:
    missing = [m for m, p in MODULES.items() if ast.get_docstring(ast.parse(p.read_text())) is None]
    assert missing == []
