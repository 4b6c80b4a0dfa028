"""Set-up files agree: torch pinned exactly everywhere, environment.yml pins match the constraints."""

import re
import tomllib
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]


def _pins(lines):
    return dict(m.groups() for m in (re.match(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==([^\s#]+)", line) for line in lines) if m)


def test_torch_is_pinned_exactly_and_installed_so():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "torch==2.13.0" in deps
    assert torch.__version__.split("+")[0] == "2.13.0"


def test_environment_yml_matches_the_constraints():
    constraints = {k.lower(): v for k, v in _pins((ROOT / "requirements/constraints.txt").read_text().splitlines()).items()}
    env = _pins((ROOT / "environment.yml").read_text().splitlines())
    assert len(env) >= 10
    for name, version in env.items():
        assert constraints.get(name.lower()) == version, f"{name}: environment.yml {version}, constraints {constraints.get(name.lower())}"


def test_every_direct_dependency_is_pinned_in_the_constraints():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    constraints = {k.lower() for k in _pins((ROOT / "requirements/constraints.txt").read_text().splitlines())}
    for requirement in names:
        name = re.match(r"[A-Za-z0-9_.\-]+", requirement).group().lower()
        assert name in constraints, f"{name} is not pinned in requirements/constraints.txt"
