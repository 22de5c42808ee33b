"""The house layout (docs/DEVELOPING.md), checked so that it cannot drift back.

- Every app has the same shape: layers are packages (``services/``, ``selectors/`` …) or
  single modules (``permissions.py``, ``hooks.py`` …), never ``<layer>_<subdomain>.py``.
- No import circle between modules, counting imports inside functions too (a late import
  hides a circle, it does not remove it). The one allowed loop is service ↔ task: a
  service queues its task, the task calls the service.
- No module grows past the size at which it should have been split into a package.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("etown", "supervision", "funds", "acceptance")
LAYERS = ("models", "services", "selectors", "forms", "views", "exports", "permissions", "hooks", "tasks", "urls", "admin")
MAX_LINES = 800


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path


def _name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_package(name):
    return (ROOT / name.replace(".", "/") / "__init__.py").exists()


def _exists(name):
    return _is_package(name) or (ROOT / (name.replace(".", "/") + ".py")).exists()


def _imports(path):
    """Names of the project's modules that ``path`` imports, anywhere in it."""
    name = _name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()

    def visit(nodes):
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] in APPS:
                        found.add(alias.name)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                if module.split(".")[0] not in APPS:
                    continue
                for alias in node.names:
                    candidate = f"{module}.{alias.name}"
                    found.add(candidate if _exists(candidate) else module)

    visit(ast.walk(tree))
    return {m for m in found if _exists(m) and m != name}


def _is_service_task_pair(a, b):
    """The allowed loop: an app's services (or a service module) and its tasks."""
    def kind(m):
        last = m.split(".")
        return "task" if last[-1] == "tasks" else "service" if "services" in last else None

    return {kind(a), kind(b)} == {"task", "service"} and a.split(".")[0] == b.split(".")[0]


def _import_graph():
    graph = {_name(p): _imports(p) for p in _modules()}
    return {m: {t for t in ts if not _is_service_task_pair(m, t)} for m, ts in graph.items()}


def _cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    import sys

    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    for v in list(graph):
        if v not in index:
            strong(v)
    return result


def _without_package_reexports(graph):
    """A package's ``__init__`` re-exporting its own submodules, and those submodules
    importing siblings through the package, is one unit, not a circle between modules."""
    pruned = {}
    for module, targets in graph.items():
        pruned[module] = {t for t in targets if not module.startswith(t + ".") and not t.startswith(module + ".")}
    return pruned


def test_it_finds_no_import_circle_between_modules():
    cycles = _cycles(_without_package_reexports(_import_graph()))
    assert cycles == [], "import circles (break them; only service ↔ task may loop, inside a function):\n" + "\n".join(
        " ↔ ".join(c) for c in cycles
    )


def test_it_can_see_a_circle_when_there_is_one():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("app", APPS)
def test_it_has_no_layer_files_named_by_subdomain(app):
    flat = [
        p.name for p in (ROOT / app).glob("*.py")
        if any(p.stem.startswith(layer + "_") for layer in LAYERS + ("panels", "checks", "reminders", "parsing", "pdf"))
    ]
    assert flat == [], f"{app}: put these in the layer's package, one module per sub-domain: {flat}"


@pytest.mark.parametrize("app", ("supervision", "funds", "acceptance"))
def test_it_gives_every_app_the_house_shape(app):
    for package in ("models", "services", "selectors", "forms", "views"):
        assert (ROOT / app / package / "__init__.py").exists(), f"{app}/{package}/ should be a package"
    for module in ("permissions", "hooks", "tasks", "urls", "admin", "apps"):
        assert (ROOT / app / f"{module}.py").exists() or (ROOT / app / module / "__init__.py").exists(), f"{app}/{module}"


def test_it_keeps_modules_small_enough_to_read():
    big = [
        f"{p.relative_to(ROOT)} ({n} lines)" for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert big == [], f"split these into packages: {big}"
