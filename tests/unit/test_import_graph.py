"""The shape of the house: rooms with a public face, no import cycles, no private names across modules.

The graph is read from the source (every ``import`` and ``from ... import``, also those inside
functions), so a cycle hidden behind a function-level import counts too.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "itslive_qgis"
#: modules shared by every room of the core, allowed at its top level
CORE_SHARED = {"errors", "progress"}


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        out[".".join(parts)] = (path, is_pkg)
    return out


def _imports(modules):
    """(edges: module -> imported modules, private: [(importer, module, name)])."""
    edges = {m: set() for m in modules}
    private = []
    for mod, (path, is_pkg) in modules.items():
        base = mod.split(".") if is_pkg else mod.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges[mod] |= {a.name for a in node.names if a.name in modules}
                continue
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                parent = base[: len(base) - node.level + 1]
                target = ".".join(parent + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target not in modules:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in modules:
                    edges[mod].add(sub)
                    continue
                edges[mod].add(target)
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    private.append((mod, target, alias.name))
    return edges, private


def _cycles(edges) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles():
    edges, _ = _imports(_modules())
    cycles = _cycles(edges)
    # a package importing its own submodules (its face) is not a cycle unless a submodule imports it back
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_no_private_name_crosses_a_module():
    _, private = _imports(_modules())
    assert not private, "private names imported across modules:\n" + "\n".join(
        f"{imp} imports {name} from {mod}" for imp, mod, name in private
    )


def test_the_graph_reader_sees_cycles_and_private_imports():
    """The checks above can fail: a made-up graph with a cycle and a private import is caught."""
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(edges) == [["a", "b", "c"]]
    mods = _modules()
    edges, private = _imports(mods)
    assert "itslive_qgis.core.errors" in edges["itslive_qgis.core.progress"]  # relative import resolved
    assert isinstance(private, list)


def test_the_core_is_made_of_rooms_with_a_public_face():
    core = PACKAGE / "core"
    flat = {p.stem for p in core.glob("*.py")} - {"__init__"}
    assert flat <= CORE_SHARED, f"modules outside a room: {sorted(flat - CORE_SHARED)}"
    rooms = sorted(p.parent.name for p in core.glob("*/__init__.py"))
    assert len(rooms) >= 8, rooms
    for room in rooms:
        module = importlib.import_module(f"itslive_qgis.core.{room}")
        face = getattr(module, "__all__", None)
        assert face is not None, f"core.{room} has no __all__"
        missing = [name for name in face if not hasattr(module, name)]
        assert not missing, f"core.{room}.__all__ names what it does not have: {missing}"


@pytest.mark.parametrize("outside", ["gui", "processing", "layers", "tasks"])
def test_the_rest_of_the_plugin_uses_only_the_rooms_faces(outside):
    """gui/, processing/, layers/ and tasks/ import from a room's face, never from inside it."""
    modules = _modules()
    edges, _ = _imports(modules)
    bad = []
    for mod, targets in edges.items():
        if not mod.startswith(f"itslive_qgis.{outside}"):
            continue
        for target in targets:
            parts = target.split(".")
            if parts[:2] == ["itslive_qgis", "core"] and len(parts) > 3:
                bad.append(f"{mod} -> {target}")
    assert not bad, "imports from inside a room:\n" + "\n".join(sorted(bad))
