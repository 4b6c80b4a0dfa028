"""Chapter code cells read as code: no markdown hidden in comments, lines within the page width.

A heading written as a comment inside a code cell (``# ### 4. A section``) is invisible in the
page's table of contents and renders as code; a line longer than the page runs past its edge.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
# the chapters and the appendix pages that compute
NOTEBOOKS = sorted([*(ROOT / "notebooks").glob("[0-9]*.ipynb"), *(ROOT / "notebooks").glob("appendix_*.ipynb")])
MAX_LINE = 88

# "# ## Heading", "## Heading", "#### 4. Heading" in code: a markdown heading kept as a comment.
_HEADING = re.compile(r"^\s*(?:#\s*)?#{2,6}\s+\S|^\s*#\s+#\s+\S")


def heading_comments(source: str) -> list[str]:
    """The lines of a code cell's ``source`` that are markdown headings written as comments."""
    return [line for line in source.splitlines() if _HEADING.match(line)]


def long_lines(source: str, limit: int = MAX_LINE) -> list[str]:
    """The lines of ``source`` longer than ``limit`` characters."""
    return [line for line in source.splitlines() if len(line) > limit]


def _code_cells(path: Path) -> list[str]:
    return [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]


def test_the_checks_catch_bad_cells():
    bad = "x = 1\n# ### 4. `exp` of raw scores is not a softmax\n#\n# The tutorial ...\nprint(x)"
    assert heading_comments(bad) == ["# ### 4. `exp` of raw scores is not a softmax"]
    assert heading_comments("## A heading\ny = 2") == ["## A heading"]
    assert heading_comments("# # Title") == ["# # Title"]
    good = "# compute the scores\nscores = model(x)  # raw logits\n# %matplotlib inline"
    assert heading_comments(good) == []
    assert long_lines("a = 1\n" + "b" * 89) == ["b" * 89] and long_lines("c" * 88) == []


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.name)
def test_no_markdown_headings_in_code_cells(ipynb: Path):
    found = [line for source in _code_cells(ipynb) for line in heading_comments(source)]
    assert not found, f"{ipynb.name}: move these headings into a markdown cell: {found}"


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.name)
def test_code_fits_the_page(ipynb: Path):
    found = [line for source in _code_cells(ipynb) for line in long_lines(source)]
    assert not found, f"{ipynb.name}: code lines over {MAX_LINE} characters: {found}"


# The colour convention, stated once in chapter 1: 0 is the background, drawn white; nothing
# calls the data's background black (chapter 9's photo steps say "on black" of their figure).
_COLOUR_SLIPS = re.compile(r"black background|black picture|\(here black|with black, the background|white in these plots", re.I)


def test_the_colour_convention_is_not_contradicted():
    assert _COLOUR_SLIPS.search("Chapter 1 says 0 is the background, white in these plots")
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "notebooks").glob("[0-9]*.py"))}
    texts.update({p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "book").glob("*.md"))})
    slips = {name: _COLOUR_SLIPS.findall(text) for name, text in texts.items() if _COLOUR_SLIPS.search(text)}
    assert not slips, f"the data's background is 0, drawn white (chapter 1): {slips}"
    assert re.search(r"0 white and 1\s+(?:#\s+)?dark", texts["01_apparel_data.py"]), "chapter 1 no longer states the convention"
