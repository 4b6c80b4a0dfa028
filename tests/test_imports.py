"""Imports stay light and run one way: the package top loads nothing heavy, modules only what they use."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import apparel_lib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "apparel_lib"
HEAVY = ("torch", "pandas", "skimage", "matplotlib", "ipywidgets")
# Lower layers never import higher ones (the order of apparel_lib/__init__.py's docstring).
LAYERS = ["constants", "errors", "extras", "files", "procfs", "seeding", "interrupts", "data", "practice", "models", "training", "experiments", "figures", "cli"]


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


def _layer(module: Path) -> int:
    part = module.relative_to(PACKAGE).parts[0].removesuffix(".py")
    return LAYERS.index(part) if part in LAYERS else -1


def test_imports_run_one_way():
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("__init__.py", "__main__.py") and path.parent == PACKAGE:
            continue
        here = _layer(path)
        package = path.parent.relative_to(ROOT).parts
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = list(package[: len(package) - node.level + 1])
                target = ".".join(base[1:] + ([node.module] if node.module else []))
                top = target.split(".")[0] if target else ""
                if top in LAYERS and here >= 0:
                    assert LAYERS.index(top) <= here, f"{path.relative_to(ROOT)} imports {target} from a higher layer"
