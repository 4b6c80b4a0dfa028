"""Proof that the strict nbval run can fail: a notebook whose stored output is wrong is caught.

nbval passes vacuously when it compares nothing (no stored outputs, every cell ignored, or a
sanitize pattern that masks everything). This test takes the cheapest chapter, changes one
stored text/plain result, and runs nbval exactly as `make test` does over both the untouched
and the changed copy in one pytest subprocess: the changed cell must fail with nbval's output
mismatch, and every other cell of both copies must pass.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow  # builds the book / runs nbval

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "02_flattening.ipynb"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
SKIP_TAGS = {"nbval-ignore-output", "nbval-skip", "raises-exception", "skip-execution"}
MARKER = "<changed by tests/test_nbval_can_fail.py>"


def _pick_cell(nb) -> tuple[int, int]:
    """The first code cell with a stored text/plain result that nbval compares.

    Returns (index among code cells = nbval's cell number, index in nb.cells).
    """
    code_num = -1
    for idx, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        code_num += 1
        if SKIP_TAGS & set(cell.metadata.get("tags", [])):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") in ("execute_result", "display_data") and "text/plain" in out.get("data", {}) \
                    and "application/vnd.jupyter.widget-view+json" not in out["data"]:
                return code_num, idx
    raise AssertionError(f"{NOTEBOOK.name} has no checked code cell with a text/plain result to change")


def test_nbval_catches_a_changed_output(tmp_path: Path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell_num, idx = _pick_cell(nb)
    n_code = sum(c.cell_type == "code" for c in nb.cells)

    changed = copy.deepcopy(nb)
    for out in changed.cells[idx].outputs:
        if "text/plain" in out.get("data", {}):
            out.data["text/plain"] = f"{out.data['text/plain']}\n{MARKER}"
            break
    original_path = tmp_path / "original.ipynb"
    changed_path = tmp_path / "changed.ipynb"
    nbformat.write(nb, original_path)
    nbformat.write(changed, changed_path)

    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", str(SANITIZE), "-p", "no:cacheprovider", "-rA", "--color=no", "--rootdir", str(tmp_path),
         str(original_path), str(changed_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    out = proc.stdout + proc.stderr
    tail = out[-6000:]

    reported = re.findall(r"^(PASSED|FAILED|ERROR|SKIPPED) \S*?((?:original|changed)\.ipynb::Cell \d+)", out, re.M)
    results = {cell: status for status, cell in reported}
    expected = {f"{name}.ipynb::Cell {i}": "PASSED" for name in ("original", "changed") for i in range(n_code)}
    expected[f"changed.ipynb::Cell {cell_num}"] = "FAILED"
    assert proc.returncode == 1, f"nbval exited with {proc.returncode}, expected 1 (tests failed):\n{tail}"
    assert results.get(f"changed.ipynb::Cell {cell_num}") == "FAILED", f"the changed cell did not fail:\n{tail}"
    unexpected = {k: v for k, v in results.items() if v != expected.get(k)}
    assert not unexpected, f"unexpected nbval results {unexpected}:\n{tail}"
    original = {k.split("::")[1] for k in results if k.startswith("original")}
    assert original and original == {k.split("::")[1] for k in results if k.startswith("changed")}, tail
    assert "Cell outputs differ" in out and "mismatch 'text/plain'" in out, tail
    assert MARKER in out, tail
