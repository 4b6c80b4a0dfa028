"""Imports stay light and run one way: the package top loads nothing heavy, modules only what they
use, no module imports from a layer above its own, and no module imports itself back through
others (no import circle at any level, function-level imports included)."""

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import apparel_lib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "apparel_lib"
HEAVY = ("torch", "pandas", "skimage", "matplotlib", "ipywidgets")
# Lower layers never import higher ones (the order of apparel_lib/__init__.py's docstring).
LAYERS = [
    "constants", "errors", "extras", "files", "procfs", "seeding", "interrupts", "settings", "paths", "provenance",
    "data", "practice", "models", "training", "runs", "tuning", "book_plans", "figures", "cli",
]


def loaded_after(statement: str) -> list[str]:
    code = f"import sys\n{statement}\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return eval(out.stdout.strip())


@pytest.mark.parametrize("statement,allowed", [
    ("import apparel_lib", []),
    ("from apparel_lib.models.registry import MODELS", []),
    ("from apparel_lib.training.recipes import RECIPES", []),
    ("from apparel_lib.practice.submission import score_submission", ["pandas"]),
])
def test_light_imports(statement, allowed):
    assert loaded_after(statement) == allowed


def test_every_public_name_resolves():
    for name in apparel_lib.__all__:
        assert getattr(apparel_lib, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        apparel_lib.nope


def _runtime_imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that runs (module level or in a function), leaving out those under
    ``if TYPE_CHECKING:``, which only a type checker reads."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        elif isinstance(child, ast.If) and getattr(child.test, "id", getattr(child.test, "attr", None)) == "TYPE_CHECKING":
            yield from _runtime_imports(ast.Module(body=child.orelse, type_ignores=[]))
        else:
            yield from _runtime_imports(child)


def import_graph(package: Path) -> dict[str, set[str]]:
    """The modules of the package folder ``package`` (by dotted name, the package's own name
    first) and, for each, the package's modules it imports."""
    root = package.parent
    names = {".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__"): p for p in package.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in _runtime_imports(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                bases = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    parent = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join(parent + ([node.module] if node.module else []))
                bases = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            # a package a module sits in is imported before the module itself: not an edge
            targets.update(b for b in bases if b in names and b != name and not name.startswith(f"{b}."))
        graph[name] = targets
    return graph


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle (``[a, b, ..., a]``), or None where there is none."""
    state: dict[str, int] = {}  # 1: on the path being followed, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_circle_at_any_level():
    graph = import_graph(PACKAGE)
    # the bfloat16 policy has one home, which the loop and the timing both import
    policy = "apparel_lib.training.devices"
    assert len(graph) > 60 and policy in graph["apparel_lib.training.loop"] & graph["apparel_lib.training.timing"]
    circle = find_circle(graph)
    assert circle is None, "import circle: " + " -> ".join(circle or [])


def test_the_circle_check_fails_on_a_planted_circle(tmp_path):
    """Two modules that import each other (one of them inside a function, where a lazy import
    would hide it) are found; a TYPE_CHECKING import is not a circle."""
    package = tmp_path / "planted"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "inner" / "__init__.py").write_text("")
    (package / "inner" / "a.py").write_text("from .b import helper\n")
    (package / "inner" / "b.py").write_text("def helper():\n    from . import a\n    return a\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .d import x\n")
    (package / "d.py").write_text("from .c import TYPE_CHECKING\n")
    graph = import_graph(package)
    assert graph["planted.c"] == set() and graph["planted.d"] == {"planted.c"}
    assert find_circle(graph) == ["planted.inner.a", "planted.inner.b", "planted.inner.a"]
    (package / "inner" / "b.py").write_text("def helper():\n    return 1\n")
    assert find_circle(import_graph(package)) is None


def _layer(module: str) -> int:
    part = module.split(".")[1] if "." in module else ""
    return LAYERS.index(part) if part in LAYERS else -1


def test_imports_run_one_way():
    """No module imports one from a higher layer (the package top and ``__main__`` excepted: they
    are the way in)."""
    graph = import_graph(PACKAGE)
    assert _layer("apparel_lib.runs.store") > _layer("apparel_lib.training.loop") > _layer("apparel_lib.settings")
    for module, targets in graph.items():
        if module in ("apparel_lib", "apparel_lib.__main__"):
            continue
        for target in targets:
            assert _layer(target) <= _layer(module), f"{module} imports {target} from a higher layer"
