"""Proof that the nbval run can fail, on any processor, for each kind of regression it must catch.

nbval passes vacuously when it compares nothing (no stored outputs, every cell ignored, or a
sanitize pattern that masks everything), and the tolerant comparison (tests/nbval_numbers.py)
could hide a real change. One pytest subprocess, run as `make test` runs nbval, checks:

- a copy of chapter 2 whose stored outputs have a changed word and a changed parameter count
  fails at exactly those two cells, and every other cell passes;
- a small training notebook is executed here first (so its stored outputs are this machine's);
  with its learning rate ×10 its accuracy moves beyond the tolerance its cell declares and that
  cell fails while its other cells, the claim included, pass; with the learning rate ×100 its
  claim (a hidden assertion, as the chapters have) fails.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow  # runs nbval over three notebooks

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "notebooks" / "02_flattening.ipynb"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"

TRAINING = [
    ("", "LR = 0.002"),
    ("", "from types import SimpleNamespace\n"
         "from apparel_lib import build_model, get_recipe, load_data, make_splits, train\n"
         "s = make_splits(load_data(progress=False))\n"
         "small = SimpleNamespace(x_train=s.x_train[:4000], y_train=s.y_train[:4000],\n"
         "                        x_val=s.x_val[:2000], y_val=s.y_val[:2000])\n"
         "model = build_model('plain', seed=0)\n"
         "recipe = get_recipe('minibatch', 'plain').replace(epochs=1, lr=LR)\n"
         "acc = train(model, small, recipe, seed=0, progress=False).val_acc[-1]"),
    # one epoch on 4,000 pictures: 0.776 at LR 0.002, 0.739 at 0.02, 0.378 at 0.2 (AMD EPYC)
    ("nbval-tolerance=0.01", "print(f'validation accuracy {acc:.4f} ({acc:.1%})')"),
    ("remove-cell", "assert acc > 0.70, f'the claim fails: validation accuracy {acc:.4f}'"),
]


def _outputs_with(nb, needle: str) -> tuple[int, dict]:
    """nbval's number of the first code cell whose stored text contains ``needle``, and that output."""
    code_num = -1
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code_num += 1
        for out in cell.outputs:
            text = out.get("text") or out.get("data", {}).get("text/plain", "")
            if needle in text:
                return code_num, out
    raise AssertionError(f"{CHAPTER.name} no longer prints {needle!r}: pick another output for this test")


def _changed(nb, needle: str, replacement: str) -> int:
    """Replace ``needle`` in the first stored output that has it; nbval's number of its cell."""
    num, out = _outputs_with(nb, needle)
    if "text" in out:
        out["text"] = out["text"].replace(needle, replacement)
    else:
        out["data"]["text/plain"] = out["data"]["text/plain"].replace(needle, replacement)
    return num


def _training_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for tag, source in TRAINING:
        cell = nbformat.v4.new_code_cell(source)
        if tag:
            cell.metadata["tags"] = [tag]
        nb.cells.append(cell)
    return nb


@pytest.fixture(scope="module")
def nbval_results(tmp_path_factory: pytest.TempPathFactory, data) -> tuple[dict[str, str], str, dict[str, int]]:
    folder = tmp_path_factory.mktemp("can-fail")
    with pytest.MonkeyPatch.context() as mp:  # the kernels find the data where the session did
        mp.setenv("APPAREL_DATA", str(data.source.folder))
        return _run_nbval(folder)


def _run_nbval(folder: Path) -> tuple[dict[str, str], str, dict[str, int]]:
    chapter = nbformat.read(CHAPTER, as_version=4)
    cells: dict[str, int] = {"word": _changed(chapter, "Ankle boot", "Ankle boat"),
                             "count": _changed(chapter, "2,174 parameters", "2,175 parameters")}
    notebooks = {"chapter": chapter}

    trained = _training_notebook()
    NotebookClient(trained, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    for name, lr in (("lr10", "LR = 0.02"), ("lr100", "LR = 0.2")):
        notebooks[name] = copy.deepcopy(trained)
        notebooks[name].cells[0].source = lr
    cells["lr10"], cells["lr100"] = 2, 3
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / f"{name}.ipynb")

    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.nbval_numbers", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", str(SANITIZE), "-p", "no:cacheprovider", "-rA", "--color=no",
         "--rootdir", str(folder), *(str(folder / f"{name}.ipynb") for name in notebooks)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    out = proc.stdout + proc.stderr
    reported = re.findall(r"^(PASSED|FAILED|ERROR|SKIPPED) \S*?(\w+\.ipynb::Cell \d+)", out, re.M)
    assert reported, f"nbval reported no cells ({proc.returncode}):\n{out[-6000:]}"
    return {cell: status for status, cell in reported}, out, cells


def _failed(results: dict[str, str], name: str) -> set[str]:
    return {cell for cell, status in results.items() if cell.startswith(f"{name}.ipynb") and status != "PASSED"}


def test_a_changed_word_and_a_changed_count_fail_at_their_cells(nbval_results):
    results, out, cells = nbval_results
    assert _failed(results, "chapter") == {f"chapter.ipynb::Cell {cells[k]}" for k in ("word", "count")}, out[-6000:]
    assert sum(c.startswith("chapter.ipynb") for c in results) > 10, out[-6000:]
    assert "the text differs, not only its numbers" in out, out[-6000:]
    assert "the integer 175 became 174" in out, out[-6000:]


def test_an_accuracy_beyond_its_tolerance_fails_while_the_claim_holds(nbval_results):
    results, out, cells = nbval_results
    assert _failed(results, "lr10") == {f"lr10.ipynb::Cell {cells['lr10']}"}, out[-6000:]
    assert "beyond the cell's tolerance 0.01" in out, out[-6000:]


def test_a_violated_claim_fails(nbval_results):
    results, out, cells = nbval_results
    assert f"lr100.ipynb::Cell {cells['lr100']}" in _failed(results, "lr100"), out[-6000:]
    assert "the claim fails: validation accuracy" in out, out[-6000:]
