"""Docstrings agree with the code: every ``apparel_lib.x.y`` they name exists, and every
subpackage's docstring names each of its modules."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "apparel_lib"
DOTTED = re.compile(r"\bapparel_lib(?:\.[A-Za-z_]\w*)+")


def _docstrings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))]
    found = [ast.get_docstring(n) for n in nodes]
    # attribute docstrings: a string right after an assignment at module or class level
    for body in [tree.body, *(n.body for n in ast.walk(tree) if isinstance(n, ast.ClassDef))]:
        for before, node in zip(body, body[1:]):
            if isinstance(before, (ast.Assign, ast.AnnAssign)) and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str):
                found.append(node.value.value)
    return [d for d in found if d]


def _resolves(dotted: str) -> bool:
    """``dotted`` is a module, or a module followed by attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        try:
            for name in parts[cut:]:
                obj = getattr(obj, name)
        except AttributeError:
            return False
        return True
    return False


PATHS = sorted(PACKAGE.rglob("*.py"))
NAMED = sorted({(p.relative_to(ROOT).as_posix(), m.rstrip(".")) for p in PATHS for d in _docstrings(p) for m in DOTTED.findall(d)})


def test_docstrings_name_dotted_paths():
    """The check below has something to check (and its pattern finds what it should)."""
    assert len(NAMED) >= 5 and DOTTED.findall("see apparel_lib.data.sources.") == ["apparel_lib.data.sources"]
    assert not _resolves("apparel_lib.sources") and _resolves("apparel_lib.paths.cache_dir")


@pytest.mark.parametrize("where,dotted", NAMED, ids=[f"{w}:{d}" for w, d in NAMED])
def test_every_dotted_path_in_a_docstring_imports(where, dotted):
    assert _resolves(dotted), f"{where} names {dotted}, which does not exist: name the module where it lives now"


@pytest.mark.parametrize("package", sorted(p.parent for p in PACKAGE.glob("*/__init__.py")), ids=lambda p: p.name)
def test_a_subpackage_docstring_names_each_of_its_modules(package):
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
    missing = [m.stem for m in sorted(package.glob("*.py")) if m.name != "__init__.py" and f"``{m.stem}``" not in doc]
    assert not missing, f"apparel_lib/{package.name}/__init__.py's docstring does not name {', '.join(missing)}"
