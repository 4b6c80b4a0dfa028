"""Every chapter notebook has an identical jupytext twin, and is stored executed.

The .py files in notebooks/ (jupytext percent format) are what people edit and review; the
.ipynb files carry the outputs that the book shows and that nbval compares against. These tests
compare the two by content (via ``jupytext.read``), so they do not depend on file times.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CHAPTERS = sorted({p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*") if p.suffix in (".py", ".ipynb")})
"""Every chapter in the folder, from either of its two files (``NN_name``)."""

IPYNBS = sorted(NOTEBOOKS.glob("[!.]*.ipynb"))
PYS = sorted(NOTEBOOKS.glob("[!.]*.py"))


def _cells(path: Path) -> list[tuple[str, str, list[str], dict]]:
    """Each cell's type, source, tags and myst-nb options (a figure's alt text: ``mystnb.image.alt``),
    the metadata that pyproject.toml's jupytext ``cell_metadata_filter`` keeps in the .py twin."""
    nb = jupytext.read(path)
    return [(c.cell_type, c.source, list(c.metadata.get("tags", [])), c.metadata.get("mystnb", {})) for c in nb.cells]


def test_chapters_exist():
    assert CHAPTERS, "no chapters in notebooks/"
    numbers = [name[:2] for name in CHAPTERS]
    assert numbers == [f"{i:02d}" for i in range(1, len(CHAPTERS) + 1)], f"chapters are not numbered 01 to {len(CHAPTERS):02d}: {numbers}"
    missing = [f"notebooks/{n}{ext}" for n in CHAPTERS for ext in (".ipynb", ".py")
               if not (NOTEBOOKS / f"{n}{ext}").is_file()]
    assert not missing, f"chapter files missing: {missing}"
    toc = (ROOT / "_toc.yml").read_text()
    unlisted = [n for n in CHAPTERS if f"file: notebooks/{n}\n" not in toc]
    assert not unlisted, f"chapters missing from _toc.yml: {unlisted}"


@pytest.mark.parametrize("ipynb", IPYNBS, ids=lambda p: p.name)
def test_notebook_has_identical_py_twin(ipynb: Path):
    py = ipynb.with_suffix(".py")
    assert py.is_file(), f"{py.relative_to(ROOT)} is missing (create it: jupytext --to py:percent {ipynb.relative_to(ROOT)})"
    nb_cells, py_cells = _cells(ipynb), _cells(py)
    for i, (a, b) in enumerate(zip(nb_cells, py_cells)):
        assert a == b, (
            f"cell {i} differs between {ipynb.name} and {py.name} "
            f"(run `make execute`, or `jupytext --sync {ipynb.relative_to(ROOT)}`):\n"
            f"  ipynb: {a!r}\n  py:    {b!r}"
        )
    assert len(nb_cells) == len(py_cells), (
        f"{ipynb.name} has {len(nb_cells)} cells, {py.name} has {len(py_cells)}"
    )


@pytest.mark.parametrize("py", PYS, ids=lambda p: p.name)
def test_py_has_notebook(py: Path):
    assert py.with_suffix(".ipynb").is_file(), (
        f"{py.relative_to(ROOT)} has no notebook; create it with `make execute`"
    )


@pytest.mark.parametrize("ipynb", IPYNBS, ids=lambda p: p.name)
def test_notebook_is_stored_executed(ipynb: Path):
    """A notebook stored without outputs would pass nbval without checking anything."""
    nb = jupytext.read(ipynb)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert code, f"{ipynb.name} has no code cells"
    not_run = [i for i, c in enumerate(nb.cells)
               if c.cell_type == "code" and c.source.strip() and c.get("execution_count") is None]
    assert not not_run, f"{ipynb.name}: cells {not_run} have no execution_count (run `make execute`)"
    counts = [c.execution_count for c in code]
    assert counts == sorted(counts) and len(set(counts)) == len(counts), (
        f"{ipynb.name} was not run top to bottom in one kernel (execution counts {counts}); "
        "run `make execute`"
    )
    assert any(c.get("outputs") for c in code), f"{ipynb.name} is stored without any outputs"
    errors = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
              and any(o.get("output_type") == "error" for o in c.get("outputs", []))
              and "raises-exception" not in c.metadata.get("tags", [])]
    assert not errors, f"{ipynb.name}: cells {errors} are stored with an error"
