"""The package as a user gets it: the wheel, installed with its core dependencies only into a fresh
virtual environment outside the repository, runs every core command, with no ledger and no commit
of its own; a command that needs an extra stops with one line naming the pip install."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
OPTIONAL = ("optuna", "psycopg2", "captum", "matplotlib", "ipywidgets", "jupyter", "pytest")
"""Modules of the extras (and of the book's and tests' tools) that the core install must not bring."""


SECONDS: dict[str, float] = {}
"""How long each step took (printed at the end: `pytest -s` shows it)."""


def _sh(*command, cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    start = time.monotonic()
    result = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    step = " ".join(map(str, command[1:3] if command[1] == "-m" else command[1:2]))  # "-m pip", "train", ...
    SECONDS[step] = SECONDS.get(step, 0) + time.monotonic() - start
    return result


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"{result.args} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.mark.slow
def test_the_wheel_installs_with_core_dependencies_and_runs_outside_the_repository(tmp_path, data):
    start = time.monotonic()
    pin = re.search(r"^torch==(\S+)$", CONSTRAINTS.read_text(), re.MULTILINE).group(1)
    # No trace of the repository or of the test's own environment in the commands' environment.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "APPAREL_DATA")}
    env.update(PIP_NO_INPUT="1", APPAREL_CACHE=str(tmp_path / "cache"))

    # The wheel, built from a copy of the sources (an in-tree build would write build/ into the checkout).
    src = tmp_path / "src"
    shutil.copytree(ROOT / "apparel_lib", src / "apparel_lib", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    _ok(_sh(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp_path / "dist", src, cwd=tmp_path, env=env))
    (wheel,) = (tmp_path / "dist").glob("apparel_lib-*.whl")
    built = time.monotonic()

    # A fresh venv: torch exactly as pinned (never unpinned: that would pull a multi-GB CUDA
    # build), then the wheel with its core dependencies, at the tested versions.
    venv = tmp_path / "venv"
    _ok(_sh(sys.executable, "-m", "venv", venv, cwd=tmp_path, env=env))
    python, apparel = venv / "bin" / "python", venv / "bin" / "apparel"
    pip = (python, "-m", "pip", "install", "--quiet", "--no-compile", "-c", CONSTRAINTS)
    _ok(_sh(*pip, f"torch=={pin}", cwd=tmp_path, env=env, timeout=600))
    _ok(_sh(*pip, wheel, cwd=tmp_path, env=env, timeout=600))
    installed = time.monotonic()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The installed package, not the checkout; torch as pinned; no extra; a figure asks for its extra.
    where = _ok(_sh(python, "-c", "import importlib.util as u, apparel_lib, torch\n"
                    f"print(apparel_lib.__file__, torch.__version__, [m for m in {OPTIONAL!r} if u.find_spec(m)])\n"
                    "try:\n    apparel_lib.image_grid\nexcept apparel_lib.MissingExtraError as err:\n    print(err)",
                    cwd=elsewhere, env=env)).splitlines()
    assert where[0].startswith(str(venv)) and f" {pin}" in where[0] and where[0].endswith("[]"), where
    assert where[1:] == ["matplotlib is not installed: pip install 'apparel_lib[figures]'"], where

    assert _ok(_sh(apparel, "--help", cwd=elsewhere, env=env)).startswith("usage: apparel [-h]")

    with_data = {**env, "APPAREL_DATA": str(data.source.folder)}
    info = _ok(_sh(apparel, "data", "info", cwd=elsewhere, env=with_data))
    assert "verified:    yes" in info and "60,000 images 28x28" in info

    # A tiny checkpoint, trained by the installed command (the linear model, one epoch), then
    # every other core command on it.
    ckpt, submission = elsewhere / "linear.pt", elsewhere / "submission.csv"
    _ok(_sh(apparel, "train", "--model", "linear", "--epochs", "1", "--device", "cpu", "--no-progress", "--out", ckpt,
            cwd=elsewhere, env=with_data))
    _ok(_sh(apparel, "predict", ckpt, "--out", submission, "--no-progress", cwd=elsewhere, env=with_data))
    score = _ok(_sh(apparel, "score", submission, cwd=elsewhere, env=with_data))
    assert 0.7 < float(score.split()[2]) < 0.9, score
    picture = ROOT / "pictures" / "examples" / "trouser.png"
    shown = _sh(apparel, "classify", picture, "--checkpoint", ckpt, cwd=elsewhere, env=env)
    assert _ok(shown).startswith(f"{picture}: ") and shown.stdout.count("%") == 3 and shown.stderr == ""

    # No ledger and no commit: the installed library guesses neither from where it sits; asking
    # for the ledger is one line; without git on the PATH, provenance records no commit either.
    assert not (tmp_path / "elsewhere" / "pyproject.toml").exists() and not (venv / "ledger").exists()
    found = _sh(apparel, "results", "list", cwd=elsewhere, env=env)
    assert found.returncode == 1 and found.stderr.startswith("error: no results ledger here") and found.stderr.count("\n") == 1, found.stderr
    check = "from apparel_lib.runs.ledger import default_ledger\nfrom apparel_lib.provenance import commit\nprint(default_ledger(), commit())"
    assert _ok(_sh(python, "-c", check, cwd=elsewhere, env=env)).split() == ["None", "None"]
    no_git = {**env, "PATH": str(venv / "bin")}
    assert _ok(_sh(python, "-c", check, cwd=elsewhere, env=no_git)).split() == ["None", "None"]
    missing = _sh(apparel, "results", "list", cwd=elsewhere, env={**env, "APPAREL_LEDGER": str(elsewhere / "ledger")})
    assert missing.returncode == 1 and "does not exist" in missing.stderr and missing.stderr.count("\n") == 1, missing.stderr

    # What needs an extra says which one, in one line, before touching the study storage.
    sweep = _sh(apparel, "sweep", "--study", "x", "--trials", "1", "--device", "cpu", cwd=elsewhere, env=with_data)
    assert sweep.returncode == 1 and sweep.stdout == ""
    assert sweep.stderr == "error: optuna is not installed: pip install 'apparel_lib[tuning]'\n", sweep.stderr
    assert not (tmp_path / "cache" / "optuna").exists()

    done = time.monotonic()
    print(f"\nwheel {built - start:.0f} s, venv and install {installed - built:.0f} s, commands {done - installed:.0f} s: "
          + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in SECONDS.items()))
