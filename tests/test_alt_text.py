"""Every figure a chapter stores has alt text that says what it shows, for readers who cannot see it.

myst-nb gives a cell's image outputs the alt text in the cell's metadata ``mystnb.image.alt``
(without it, the book's <img> had its hashed file name as alt text). pyproject.toml's jupytext
``cell_metadata_filter`` keeps that key in the .py twin, where people edit it;
tests/test_pairing.py checks the two agree. The built pages are checked in tests/test_browser.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import alt_text_problem

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def figures_without_alt(nb: dict) -> list[str]:
    """For each code cell of the notebook ``nb`` that stores an image, why its alt text falls short."""
    problems = []
    for i, cell in enumerate(nb["cells"]):
        images = [o for o in cell.get("outputs", []) if any(k.startswith("image/") for k in o.get("data", {}))]
        if cell["cell_type"] != "code" or not images:
            continue
        alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt")
        problem = alt_text_problem(alt)
        if problem:
            problems.append(f"cell {i + 1}: {problem} (set `mystnb={{\"image\": {{\"alt\": ...}}}}` on its `# %%` line)")
    return problems


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_alt_text(ipynb: Path):
    nb = json.loads(ipynb.read_text(encoding="utf-8"))
    problems = figures_without_alt(nb)
    assert not problems, f"{ipynb.name}:\n" + "\n".join(problems)


def test_a_figure_without_alt_text_is_caught():
    nb = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    assert not figures_without_alt(nb)
    figures = [c for c in nb["cells"] if c["cell_type"] == "code" and "mystnb" in c["metadata"]]
    figures[0]["metadata"].pop("mystnb")
    figures[-1]["metadata"]["mystnb"]["image"]["alt"] = "picture"
    problems = figures_without_alt(nb)
    assert len(problems) == 2 and "no alt text" in problems[0] and "generic word" in problems[1]


def test_jupytext_keeps_the_alt_text_in_the_py_twin():
    import jupytext

    py = NOTEBOOKS[0].with_suffix(".py")
    cells = [c for c in jupytext.read(py).cells if c.metadata.get("mystnb")]
    assert cells and all(alt_text_problem(c.metadata["mystnb"]["image"]["alt"]) is None for c in cells)
