"""The layering of src/algoprint, checked on the import graph parsed from the source.

Every ``import`` and ``from ... import`` counts: module level, inside functions (lazy imports)
and under ``if TYPE_CHECKING``. docs/architecture.md explains the rooms and their order.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "algoprint"
MAX_LINES = 600

# Rooms from the bottom up. A room may import its own modules and any room in a lower tier;
# rooms that share a tier may not import each other.
TIERS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "_version", "_format", "_dirs", "_values"}),
    frozenset({"records", "config", "refdata", "_dburl"}),
    frozenset({"meters"}),
    frozenset({"tracking"}),
    frozenset({""}),  # the package root, algoprint/__init__.py: the public API (lazy)
    frozenset({"impact"}),
    frozenset({"store"}),
    frozenset({"kader", "advice"}),
    frozenset({"report"}),
    frozenset({"exchange"}),
    frozenset({"demo", "testing", "pytest_plugin", "server", "fleet", "integrations"}),
    frozenset({"cli"}),
    frozenset({"__main__"}),
)
RANK: Mapping[str, int] = {room: i for i, tier in enumerate(TIERS) for room in tier}

# Upward imports allowed by name, each with its reason. Keep this short: every entry is a
# (source module, target module) pair, so any other upward import still fails.
ALLOWED_UPWARD: Mapping[tuple[str, str], str] = {
    ("algoprint", "algoprint.integrations.jupyter"): (
        "IPython's `%load_ext algoprint` calls `load_ipython_extension` on the package it is "
        "given; the root's hook only imports the Jupyter integration lazily, when IPython asks"
    ),
}


@dataclass(frozen=True)
class Edge:
    """``source`` imports ``target`` (both dotted module names) at ``line`` of ``path``."""

    source: str
    target: str
    path: str
    line: int


def discover(src: Path = SRC) -> dict[str, Path]:
    """Every module of the package by dotted name (``algoprint.store._store``)."""
    modules = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _resolve(name: str, modules: Mapping[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(name: str, source: str, modules: Mapping[str, Path], path: str = "") -> list[Edge]:
    """The package modules that module ``name`` imports anywhere in ``source``.

    ``from pkg import sub`` points at ``pkg.sub`` when that is a module, else at ``pkg``.
    Imports of the module's own parent packages are left out: Python imports those before
    the module itself, so they are no dependency of it.
    """
    is_package = Path(path).name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: list[Edge] = []
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                full = f"{module}.{alias.name}"
                targets.append(full if full in modules else module)
        for target in targets:
            resolved = _resolve(target, modules)
            if resolved is None or resolved == name or name.startswith(resolved + "."):
                continue
            found.append(Edge(name, resolved, path, node.lineno))
    return found


def import_graph(modules: Mapping[str, Path]) -> list[Edge]:
    """Every import edge between the package's modules."""
    edges = []
    for name, path in modules.items():
        edges += imports_of(name, path.read_text(encoding="utf-8"), modules, str(path))
    return edges


def room(module: str) -> str:
    """``algoprint.store._store`` -> ``store``; the package root -> ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def layering_violations(edges: list[Edge]) -> list[str]:
    """Upward imports, imports between rooms of one tier, and modules in no known room."""
    out = []
    for e in edges:
        a, b = room(e.source), room(e.target)
        if a == b:
            continue
        for r, m in ((a, e.source), (b, e.target)):
            if r not in RANK:
                out.append(f"{m}: room {r!r} is not in TIERS (tests/test_architecture.py)")
        if (e.source, e.target) in ALLOWED_UPWARD:
            continue
        if a in RANK and b in RANK and RANK[b] >= RANK[a]:
            how = "a room of the same tier" if RANK[b] == RANK[a] else "a higher room"
            out.append(f"{e.path}:{e.line}: {e.source} imports {e.target} ({how})")
    return sorted(set(out))


def cycles(edges: list[Edge]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.source, set()).add(e.target)
        graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
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
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.fixture(scope="module")
def edges() -> list[Edge]:
    return import_graph(discover())


def test_lower_rooms_never_import_upper_rooms(edges: list[Edge]) -> None:
    assert layering_violations(edges) == []


def test_no_import_cycles(edges: list[Edge]) -> None:
    assert cycles(edges) == []


def test_no_source_file_over_the_limit() -> None:
    long = {
        str(path.relative_to(SRC)): n
        for path in discover().values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these files along their seams (limit {MAX_LINES} lines)"


def test_the_graph_sees_known_imports(edges: list[Edge]) -> None:
    """The parser finds module-level, lazy and TYPE_CHECKING imports (no false green)."""
    pairs = {(e.source, e.target) for e in edges}
    assert ("algoprint.meters.discovery", "algoprint.records") in pairs
    assert ("algoprint.cli.amt_cmd", "algoprint.exchange.amt") in pairs  # in a function
    assert ("algoprint.store._spool", "algoprint.store._store") in pairs  # TYPE_CHECKING


def _fake(modules: dict[str, Path], name: str, source: str) -> list[Edge]:
    path = f"src/{name.replace('.', '/')}.py"
    modules[name] = Path(path)
    return imports_of(name, source, modules, path)


def test_an_upward_import_is_caught() -> None:
    modules = discover()
    lazy = "def f():\n    from algoprint.tracking.record import RunRecord\n"
    edges = _fake(modules, "algoprint.meters.fake", lazy)
    assert layering_violations(edges) == [
        "src/algoprint/meters/fake.py:2: algoprint.meters.fake imports "
        "algoprint.tracking.record (a higher room)"
    ]
    relative = "from ..report import render\n"
    edges = _fake(modules, "algoprint.store.fake", relative)
    assert "algoprint.store.fake imports algoprint.report.render (a higher room)" in (
        " ".join(layering_violations(edges))
    )


def test_only_the_named_upward_import_is_allowed() -> None:
    """The allow-list excuses its exact pairs only: another upward import from the package
    root, or one to the Jupyter integration from elsewhere, still fails."""
    modules = discover()
    assert len(ALLOWED_UPWARD) == 1  # adding one needs a reason and a review
    hook = "def load_ipython_extension(ip):\n    from algoprint.integrations.jupyter import x\n"
    assert layering_violations(imports_of("algoprint", hook, modules, "__init__.py")) == []
    other = "def f():\n    from algoprint.integrations.mlflow import autolog\n"
    assert layering_violations(imports_of("algoprint", other, modules, "__init__.py")) == [
        "__init__.py:2: algoprint imports algoprint.integrations.mlflow (a higher room)"
    ]
    edges = _fake(modules, "algoprint.store.fake", "import algoprint.integrations.jupyter\n")
    assert len(layering_violations(edges)) == 1


def test_siblings_and_unknown_rooms_are_caught() -> None:
    modules = discover()
    edges = _fake(modules, "algoprint.kader.fake", "import algoprint.advice.simplicity\n")
    edges += _fake(modules, "algoprint.newroom", "from algoprint.errors import InputError\n")
    found = " ".join(layering_violations(edges))
    assert "(a room of the same tier)" in found
    assert "room 'newroom' is not in TIERS" in found


def test_a_cycle_is_caught() -> None:
    modules = discover()
    modules["algoprint.store.b"] = Path("src/algoprint/store/b.py")
    edges = _fake(modules, "algoprint.store.a", "from algoprint.store import b\n")
    edges += _fake(modules, "algoprint.store.b", "def g():\n    import algoprint.store.a\n")
    assert cycles(edges) == [["algoprint.store.a", "algoprint.store.b"]]
