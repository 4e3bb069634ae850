"""The layering of the four top-level packages, read from the source with ``ast`` (nothing is imported).

Rules (docs/architecture.md):
- ``models/`` and ``exporters/`` import nothing from ``service/`` or ``evaluation/``: the speech pipeline
  and the file formats run without the web service (CLI, benchmarks, a Celery worker).
- ``service/db`` imports nothing from ``evaluation/``: the schema does not depend on scoring code.
- ``evaluation/`` imports nothing from ``service/``: accuracy scoring and benchmarks run without it.
- No import cycle between modules.

Every import counts for the direction rules: at module level, inside a function, under
``if TYPE_CHECKING:``. A deferred import still ties the importing layer to the imported one.

For cycles, only the imports that run when a module is imported count (module level, not under
``TYPE_CHECKING``). An import inside a function runs on the first call, after both modules are
loaded, so it cannot leave a module half-initialised; the code uses them on purpose to load heavy
or optional libraries only when needed. A cycle is a cycle between named modules: importing
``a.b.c`` also runs ``a/__init__.py`` and ``a/b/__init__.py``, but a package ``__init__`` that
re-exports its own submodules would otherwise make every import of a sibling a "cycle".
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("service", "models", "exporters", "evaluation")


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the project module it names (the deepest one that exists)
    where: str  # path:line, for the failure message
    deferred: bool  # inside a function or under TYPE_CHECKING: does not run when ``source`` is imported

    def __str__(self) -> str:
        return f"{self.where}: {self.source} imports {self.target}" + (" (deferred)" if self.deferred else "")


def _project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


MODULES = _project_modules()


def _deepest_module(name: str) -> str | None:
    """``name`` itself, or the longest dotted prefix of it that is a project module."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in MODULES:
            return candidate
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(
    nodes: Iterable[ast.AST], deferred: bool = False
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement in or under ``nodes``, with whether it is deferred."""
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, deferred
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _import_nodes(ast.iter_child_nodes(node), True)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _import_nodes(node.body, True)
            yield from _import_nodes(node.orelse, deferred)
        else:  # class bodies, try/except, other ifs: run at import time like the module body
            yield from _import_nodes(ast.iter_child_nodes(node), deferred)


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: from the importing module's package
            package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            anchor = package[: len(package) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        # ``from a import b`` names module a.b when there is one, else something defined in a
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
    for name in names:
        target = _deepest_module(name)
        if target is not None and target != module:
            yield target


def _all_imports() -> list[Import]:
    found = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = path.relative_to(ROOT).as_posix()
        for node, deferred in _import_nodes(tree.body):
            for target in sorted(set(_targets(module, path, node))):
                found.append(Import(module, target, f"{where}:{node.lineno}", deferred))
    return found


IMPORTS = _all_imports()


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _violations(sources: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return [
        str(i) for i in IMPORTS if any(_in(i.source, s) for s in sources) and any(_in(i.target, f) for f in forbidden)
    ]


def _seen(source: str, module: str) -> set[tuple[str, bool]]:
    path = ROOT.joinpath(*module.split(".")).with_suffix(".py")
    return {
        (t, deferred) for node, deferred in _import_nodes(ast.parse(source).body) for t in _targets(module, path, node)
    }


def test_the_walk_sees_deferred_and_type_checking_imports():
    """The rules below are only as good as the walk: it must see the imports the interpreter defers."""
    source = (
        "import models.types\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from service.config import Settings\n"
        "else:\n"
        "    from models import errors\n"
        "class A:\n"
        "    from exporters import render\n"
        "def f():\n"
        "    try:\n"
        "        from evaluation.metrics import char_errors\n"
        "    except ImportError:\n"
        "        pass\n"
    )
    assert _seen(source, "models.example") == {
        ("models.types", False),
        ("service.config", True),
        ("models.errors", False),
        ("exporters", False),
        ("evaluation.metrics", True),
    }
    assert _seen("from . import audio\nfrom .. import config\nfrom ..db.models import User\n", "service.api.x") == {
        ("service.api", False),  # no module service.api.audio: a name defined in the package
        ("service.config", False),
        ("service.db.models", False),
    }
    assert "service.web" in MODULES and "models.pipeline" in MODULES and len(IMPORTS) > 100


def test_models_and_exporters_import_nothing_from_the_service_or_evaluation():
    bad = _violations(("models", "exporters"), ("service", "evaluation"))
    assert not bad, "models/ and exporters/ must not depend on service/ or evaluation/:\n" + "\n".join(bad)


def test_the_database_layer_imports_nothing_from_evaluation():
    bad = _violations(("service.db",), ("evaluation",))
    assert not bad, "service/db must not depend on evaluation/:\n" + "\n".join(bad)


def test_evaluation_imports_nothing_from_the_service():
    bad = _violations(("evaluation",), ("service",))
    assert not bad, "evaluation/ must not depend on service/:\n" + "\n".join(bad)


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the module graph is deep enough for recursion limits to matter)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c", "d"}, "c": {"a"}, "d": {"e"}, "e": {"d"}, "f": {"a"}}
    assert sorted(_strongly_connected(graph)) == [["a", "b", "c"], ["d", "e"], ["f"]]


def test_no_import_cycle_between_modules():
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for i in IMPORTS:
        if not i.deferred:
            graph[i.source].add(i.target)
    cycles = [c for c in _strongly_connected(graph) if len(c) > 1]  # a module never counts as importing itself
    report = []
    for cycle in cycles:
        members = set(cycle)
        edges = [str(i) for i in IMPORTS if not i.deferred and i.source in members and i.target in members]
        report.append(" ↔ ".join(cycle) + "\n    " + "\n    ".join(edges))
    assert not cycles, "import cycles (module-level imports):\n" + "\n".join(report)
