"""Optional dependencies go through apparel_lib.extras: a missing one is a one-line error naming the pip install."""

import ast
import json
import re
import subprocess
import sys
import textwrap
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from apparel_lib.errors import ApparelError, MissingExtraError
from apparel_lib.extras import EXTRAS, require

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "apparel_lib"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# Imported by the library without require(), though no core dependency brings them: each is a
# dependency of an extra's package, imported only after require() found that package.
BROUGHT_BY_AN_EXTRA = {"sqlalchemy": "optuna"}


def _name(requirement: str) -> str:
    return re.match(r"[A-Za-z0-9_.\-]+", requirement).group().lower().replace("_", "-")


def _distributions(requirements: list[str]) -> set[str]:
    return {_name(r) for r in requirements}


def test_require_returns_the_module():
    assert require("optuna").__name__ == "optuna"
    assert require("captum.attr").__name__ == "captum.attr"


def test_a_missing_package_is_one_line_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "captum", None)  # what Python does for a package that is not there
    monkeypatch.delitem(sys.modules, "captum.attr", raising=False)
    with pytest.raises(MissingExtraError) as excinfo:
        require("captum.attr")
    assert str(excinfo.value) == "captum is not installed: pip install 'apparel_lib[explain]'"
    assert isinstance(excinfo.value, ApparelError) and isinstance(excinfo.value, ImportError)


def test_a_broken_install_is_not_blamed_on_the_extra(tmp_path, monkeypatch):
    """A package that is there but fails to import (a dependency of its own missing) keeps its own error."""
    (tmp_path / "half_installed").mkdir()
    (tmp_path / "half_installed" / "__init__.py").write_text("import no_such_module_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(EXTRAS, "half_installed", "tuning")
    with pytest.raises(ModuleNotFoundError) as excinfo:
        require("half_installed")
    assert excinfo.value.name == "no_such_module_anywhere" and not isinstance(excinfo.value, MissingExtraError)


def test_every_optional_package_is_in_its_extra_and_not_in_the_core():
    core = _distributions(PROJECT["dependencies"])
    extras = PROJECT["optional-dependencies"]
    provided_by = packages_distributions()
    for module, extra in EXTRAS.items():
        assert extra in extras, f"{module}'s extra [{extra}] is not in pyproject.toml"
        dists = {_name(d) for d in provided_by[module]}
        assert dists & _distributions(extras[extra]), f"[{extra}] does not install {module} ({dists})"
        assert not dists & core, f"{module} is optional ([{extra}]) but a core dependency"


def _imports(path: Path):
    """(top-level module, under ``if TYPE_CHECKING``) for every absolute import in ``path``."""
    tree = ast.parse(path.read_text())
    typing_only = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            typing_only.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module]
        else:
            continue
        for name in names:
            yield name.partition(".")[0], id(node) in typing_only


TUNING_MODULES = ("sweep.py", "objective.py", "storage.py", "report.py")
"""The modules of tuning with Optuna: the only ones that import what the [tuning] extra brings."""


def test_the_library_imports_only_core_packages_except_through_require():
    """An import of a package the core does not install would fail a core install with a traceback."""
    core = _distributions(PROJECT["dependencies"])
    provided_by = packages_distributions()
    for path in sorted(PACKAGE.rglob("*.py")):
        for top, typing_only in _imports(path):
            if top in sys.stdlib_module_names or top in ("__future__", "apparel_lib") or typing_only:
                continue
            where = path.relative_to(ROOT)
            assert top not in EXTRAS, f"{where} imports {top} directly: use apparel_lib.extras.require({top!r})"
            if top in BROUGHT_BY_AN_EXTRA:
                assert path.name in TUNING_MODULES, f"{where} imports {top}, which only [{EXTRAS[BROUGHT_BY_AN_EXTRA[top]]}] brings"
                continue
            dists = {_name(d) for d in provided_by.get(top, [top])}
            assert dists & core, f"{where} imports {top}, which no core dependency installs ({', '.join(sorted(core))})"


HIDDEN = textwrap.dedent("""
    import contextlib, io, json, sys

    def attempt(step):
        try:
            step()
        except Exception as err:
            return type(err).__name__ + ": " + str(err)
        return "no error"

    def hide(*names):
        for name in names:
            sys.modules[name] = None  # as if the package were not installed

    results = {}
    hide("psycopg2", "psycopg")
    from apparel_lib.tuning.storage import open_storage
    results["psycopg2"] = attempt(lambda: open_storage("postgresql://user@127.0.0.1:1/db"))
    for name in [m for m in sys.modules if m.startswith(("apparel_lib.tuning.", "apparel_lib.book_plans."))]:
        del sys.modules[name]
    hide("optuna", "captum", "matplotlib", "ipywidgets")
    results["optuna"] = attempt(lambda: __import__("apparel_lib.tuning.sweep"))
    import apparel_lib
    results["optuna, from the top"] = attempt(lambda: apparel_lib.open_study)
    import torch
    from apparel_lib.models.attribution import gradient_map
    results["captum"] = attempt(lambda: gradient_map(torch.nn.Identity(), torch.zeros(1, 1, 28, 28), 0))
    results["matplotlib"] = attempt(lambda: __import__("apparel_lib.figures.inside"))
    results["ipywidgets"] = attempt(lambda: __import__("apparel_lib.figures.widgets"))
    from apparel_lib.cli import main
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(["sweep", "--study", "x", "--trials", "1", "--device", "cpu"])
    results["cli"] = [status, err.getvalue()]
    print(json.dumps(results))
""")


def test_each_missing_extra_is_one_line_naming_the_pip_install(tmp_path):
    out = subprocess.run([sys.executable, "-c", HIDDEN], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT), "APPAREL_CACHE": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout.strip().splitlines()[-1])
    for case, (package, extra) in {"psycopg2": ("psycopg2", "tuning"), "optuna": ("optuna", "tuning"),
                                   "optuna, from the top": ("optuna", "tuning"), "captum": ("captum", "explain"),
                                   "matplotlib": ("matplotlib", "figures"), "ipywidgets": ("ipywidgets", "widgets")}.items():
        assert results[case] == f"MissingExtraError: {package} is not installed: pip install 'apparel_lib[{extra}]'", (case, results[case])
    status, err = results["cli"]
    assert status == 1 and err == "error: optuna is not installed: pip install 'apparel_lib[tuning]'\n"
    assert not (tmp_path / "optuna").exists()
