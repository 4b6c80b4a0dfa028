"""The student edition (scripts/student_edition.py, ``make student``): no solution survives, the
code cells are the book's own, and a chapter of it runs."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("student_edition", ROOT / "scripts" / "student_edition.py")
student_edition = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student_edition)

CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
DETAILS = re.compile(r"<details>\s*<summary>\s*Solution\b.*?</details>", re.DOTALL)


def solution_lines() -> set[str]:
    """Every line of every solution in the chapters and on the teaching page, long enough to be telling."""
    texts = [(ROOT / "book" / "teaching.md").read_text(encoding="utf-8")]
    for path in CHAPTERS:
        texts += [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]
    blocks = [block for text in texts for block in DETAILS.findall(text)]
    assert len(blocks) >= 30, "the chapters and the teaching page have about 38 solutions"
    return {line.strip() for block in blocks for line in block.splitlines() if len(line.strip()) >= 25}


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    student_edition.write_student_edition(out, clear_outputs=False)
    return out


def student_texts(out: Path) -> dict[str, str]:
    texts = {"exercises.md": (out / "exercises.md").read_text(encoding="utf-8")}
    for path in sorted((out / "notebooks").glob("*.ipynb")):
        texts[path.name] = path.read_text(encoding="utf-8")
    return texts


def test_no_solution_text_survives(edition):
    for path in CHAPTERS:  # every chapter's exercises have solutions for the edition to strip
        cells = nbformat.read(path, as_version=4).cells
        assert any(DETAILS.search(c.source) for c in cells if c.cell_type == "markdown"), f"{path.name} has no solution"
    texts = student_texts(edition)
    assert sorted(texts) == sorted([p.name for p in CHAPTERS] + ["exercises.md"])
    for name, text in texts.items():
        assert "<summary>Solution" not in text and "<details>" not in text, name
    lines = solution_lines()
    for name, text in texts.items():
        if name.endswith(".ipynb"):  # compare with the cells' sources, as the JSON escapes quotes
            text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)
        left = [line for line in lines if line in text]
        assert not left, f"{name} still has solution text: {left[:3]}"


def test_the_exercises_stay_and_read_as_plain_markdown(edition):
    page = (edition / "exercises.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^\d+\. \*\*", page, re.MULTILINE)) == 8
    assert "SUBSET, EPOCHS = " in page and "{term}" not in page and "{doc}" not in page
    for path in CHAPTERS:
        nb = nbformat.read(edition / "notebooks" / path.name, as_version=4)
        assert any("## Exercises" in c.source for c in nb.cells if c.cell_type == "markdown"), path.name


def test_code_cells_and_outputs_are_the_books_own(edition, tmp_path):
    for path in CHAPTERS:
        book, student = nbformat.read(path, as_version=4), nbformat.read(edition / "notebooks" / path.name, as_version=4)
        code = [(c.source, c.outputs) for c in book.cells if c.cell_type == "code"]
        assert [(c.source, c.outputs) for c in student.cells if c.cell_type == "code"] == code, path.name
    assert (edition / "pictures" / "examples").is_dir()
    assert (edition / "notebooks" / "records" / "speedrun_attempts.json").is_file()  # chapter 11 reads it
    assert f"The {len(CHAPTERS)} chapters of the book" in (edition / "README.md").read_text(encoding="utf-8")
    cleared = student_edition.write_student_edition(tmp_path / "cleared", clear_outputs=True)
    for path in cleared:
        assert all(not c.outputs for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"), path.name


def test_the_edition_never_replaces_the_book(tmp_path):
    with pytest.raises(SystemExit, match="holds the book itself"):
        student_edition.write_student_edition(ROOT, root=ROOT)


@pytest.mark.slow
def test_a_student_chapter_runs(edition):
    """Chapter 2 (a few seconds) executed from the student edition, with its outputs cleared."""
    from nbclient import NotebookClient

    path = edition / "notebooks" / "02_flattening.ipynb"
    nb = student_edition.student_notebook(nbformat.read(path, as_version=4), clear_outputs=True)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    assert any(c.outputs for c in nb.cells if c.cell_type == "code")
