"""The import rules of ARCHITECTURE.md, checked on the source: which package may import which, and no
import circle among modules (imports at any level of a module count, lazy ones included)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crawler", "nlp", "store", "ui")
# What each package may import of brandpulse besides itself (ARCHITECTURE.md, "Import rules").
ALLOWED = {
    "nlp": set(),
    "store": set(),
    "crawler": {"store", "nlp"},
    "ui": {"crawler", "nlp", "store"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str | None = None) -> set[str]:
    """Brandpulse names ``path`` imports: ``from a.b import c`` gives a.b and a.b.c (c may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = name or _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        out.update(n for n in names if n.split(".")[0] in PACKAGES)
    return out


def _modules() -> dict[str, Path]:
    found = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


MODULES = _modules()


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        targets = set()
        for imported in _imports(path):
            while imported and imported not in MODULES:  # `from pkg.mod import func` → pkg.mod
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


@pytest.mark.parametrize("package", PACKAGES)
def test_packages_import_only_what_the_rules_allow(package: str) -> None:
    broken = [
        f"{name} imports {imported}"
        for name, path in MODULES.items()
        if name.split(".")[0] == package
        for imported in sorted(_imports(path))
        if imported.split(".")[0] not in ALLOWED[package] | {package}
    ]
    assert not broken, broken


def find_circles(graph: dict[str, set[str]]) -> list[str]:
    """Every import circle a depth-first walk meets, as "a → b → a"."""
    state: dict[str, int] = {}
    stack: list[str] = []
    circles: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                circles.append(" → ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return circles


def test_no_import_circle() -> None:
    graph = _graph()
    # A package's __init__ importing its own submodules (re-exports) is not a circle through the package.
    for name in graph:
        graph[name] = {t for t in graph[name] if not t.startswith(name + ".")}
    assert not find_circles(graph)


def test_no_module_outside_tests_is_over_500_lines() -> None:
    long = {n: len(p.read_text(encoding="utf-8").splitlines()) for n, p in MODULES.items()}
    assert not {n: k for n, k in long.items() if k > 500}


def test_the_checks_see_a_forbidden_import_and_a_circle(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from ui.cli.app import main\n    from .sql import x\n", encoding="utf-8")
    assert {"ui.cli.app", "store.sql"} <= _imports(probe, "store.probe")  # lazy and relative imports count
    assert find_circles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a → b → c → a"]
    assert find_circles({"a": {"b"}, "b": set()}) == []
