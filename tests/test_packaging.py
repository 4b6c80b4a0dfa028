"""Set-up files agree: torch pinned exactly and once for the set-up, every dependency pinned, one list of pins;
the package's metadata gives ranges, and its extras install what `make book` and `make test` need."""

import re
import tomllib
from pathlib import Path

import torch
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _pins(lines):
    return dict(m.groups() for m in (re.match(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==([^\s#]+)", line) for line in lines) if m)


def _constraints():
    return {k.lower(): v for k, v in _pins((ROOT / "requirements/constraints.txt").read_text().splitlines()).items()}


def _project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_torch_is_a_range_in_the_metadata_that_admits_the_pin_and_installed_so():
    """The package installs next to any torch in its range; the set-up installs exactly the pinned one."""
    (torch_req,) = [Requirement(d) for d in _project()["dependencies"] if Requirement(d).name == "torch"]
    pinned = _constraints()["torch"]
    assert torch_req.specifier.contains(pinned), f"pyproject.toml's {torch_req} excludes the pinned torch {pinned}"
    assert not any(spec.operator in ("==", "===", "~=") for spec in torch_req.specifier), f"{torch_req} is a pin, not a range"
    assert torch.__version__.split("+")[0] == pinned


def test_no_dependency_is_pinned_in_the_metadata():
    """Exact versions live in requirements/constraints.txt only: a pin in the metadata makes the package
    uninstallable next to any other version."""
    project = _project()
    for requirement in project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]:
        assert not any(spec.operator in ("==", "===") for spec in Requirement(requirement).specifier), requirement


def test_the_version_is_written_nowhere_else():
    """Set-up files take torch's version from the constraints instead of repeating it."""
    pinned = _constraints()["torch"]
    for name in ("pyproject.toml", "Makefile", "book.mk", "environment.yml", ".ci/run", ".ci/system-packages"):
        assert pinned not in (ROOT / name).read_text(), f"{name} repeats torch's version {pinned}"
    # the README may report the version a benchmark ran with, but gives no pin of its own
    assert f"torch=={pinned}" not in (ROOT / "README.md").read_text(), "README.md repeats torch's pin"


def test_environment_yml_uses_the_constraints():
    env = (ROOT / "environment.yml").read_text()
    assert "- -c requirements/constraints.txt" in env and "- -e .[all]" in env
    assert not _pins(line for line in env.splitlines() if "python=" not in line)


def test_every_direct_dependency_is_pinned_in_the_constraints():
    project = _project()
    names = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    constraints = set(_constraints())
    for requirement in names:
        name = re.match(r"[A-Za-z0-9_.\-]+", requirement).group().lower()
        if name == project["name"]:
            continue  # an extra that names others, e.g. apparel_lib[tuning]
        assert name in constraints, f"{name} is not pinned in requirements/constraints.txt"


def _extras_of(extras: set[str], optional: dict[str, list[str]], name: str) -> set[str]:
    """``extras`` and every extra they name in turn (``book`` names ``apparel_lib[tuning,...]``)."""
    found = set(extras)
    for extra in extras:
        for requirement in map(Requirement, optional[extra]):
            if requirement.name == name:
                found |= _extras_of(set(requirement.extras) - found, optional, name)
    return found


def test_the_set_up_installs_every_extra():
    """`make setup` (for `make book` and `make test`) and environment.yml install the library with
    every extra; `book` brings every extra a chapter uses; `all` is every extra."""
    project = _project()
    optional, name = project["optional-dependencies"], project["name"]
    install = re.search(r'-e "\.\[([a-z,]+)\]"', (ROOT / "Makefile").read_text())
    assert install, "the Makefile installs the library without extras"
    assert _extras_of(set(install.group(1).split(",")), optional, name) == set(optional)
    assert _extras_of({"all"}, optional, name) == set(optional)
    # the assignments (otter-grader) are a class's, not a chapter's
    assert _extras_of({"book"}, optional, name) == set(optional) - {"test", "all", "assignments"}
