"""Set-up files agree: torch pinned exactly and once for the set-up, every dependency pinned, one list of pins."""

import re
import tomllib
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]


def _pins(lines):
    return dict(m.groups() for m in (re.match(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==([^\s#]+)", line) for line in lines) if m)


def _constraints():
    return {k.lower(): v for k, v in _pins((ROOT / "requirements/constraints.txt").read_text().splitlines()).items()}


def test_torch_is_pinned_exactly_and_installed_so():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = _constraints()["torch"]
    assert f"torch=={pinned}" in deps
    assert torch.__version__.split("+")[0] == pinned


def test_the_version_is_written_nowhere_else():
    """Set-up files take torch's version from the constraints instead of repeating it."""
    pinned = _constraints()["torch"]
    for name in ("Makefile", "book.mk", "environment.yml", ".ci/run", ".ci/system-packages"):
        assert pinned not in (ROOT / name).read_text(), f"{name} repeats torch's version {pinned}"
    # the README may report the version a benchmark ran with, but gives no pin of its own
    assert f"torch=={pinned}" not in (ROOT / "README.md").read_text(), "README.md repeats torch's pin"


def test_environment_yml_uses_the_constraints():
    env = (ROOT / "environment.yml").read_text()
    assert "- -c requirements/constraints.txt" in env and "- -e .[book,test]" in env
    assert not _pins(line for line in env.splitlines() if "python=" not in line)


def test_every_direct_dependency_is_pinned_in_the_constraints():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    constraints = set(_constraints())
    for requirement in names:
        name = re.match(r"[A-Za-z0-9_.\-]+", requirement).group().lower()
        assert name in constraints, f"{name} is not pinned in requirements/constraints.txt"
