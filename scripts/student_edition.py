"""The student edition: the chapters and the teaching page's exercises without their solutions.

A solution, in a chapter or on the teaching page, is an HTML ``<details>`` block whose summary
starts with "Solution" (``<details>`` / ``<summary>Solution 2</summary>`` / ... /
``</details>``): the book shows it folded, and this script removes it. Nothing else changes:
every code cell stays as it is, so each notebook runs exactly as the book's does. Outputs are
kept (the notebooks read like the book) or, with ``--clear-outputs``, cleared (students run
every cell themselves).

The folder it writes can be handed out as it is::

    notebooks/NN_name.ipynb   the chapters
    notebooks/records/        the records chapter 11 reads
    pictures/                 the pictures chapter 9 reads (../pictures from notebooks/)
    exercises.md              the teaching page's exercises, with their setup code
    README.md                 how to run them

Usage: python scripts/student_edition.py OUT [--clear-outputs]   (``make student``)
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat

__all__ = ["SOLUTION", "strip_solutions", "student_notebook", "exercises_page", "write_student_edition"]

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = re.compile(r"\n*<details>\s*<summary>\s*Solution\b.*?</details>[ \t]*", re.DOTALL)
"""A solution block, with the blank lines before it (so none pile up where it was)."""
ROLE = re.compile(r"\{(term|doc)\}`([^`<]*?)\s*(?:<([^`>]*)>)?`")
"""A MyST ``{term}`` or ``{doc}`` role, which a plain Markdown page shows as typed."""

README = """# {title}: student edition

The {count} chapters of the book as notebooks, and the teaching page's exercises, without their
solutions. {outputs}

To run them, install the book's library (`apparel_lib`) as the book's README says (`make
setup` in the book's folder), then open `notebooks/` in JupyterLab with that environment's
kernel. Chapter 9 reads the pictures in `pictures/`; keep the folders side by side.
"""


def strip_solutions(text: str) -> str:
    """``text`` without its solution blocks (see the module's docstring), trailing blank lines trimmed."""
    stripped = SOLUTION.sub("", text)
    return stripped.rstrip() + ("\n" if text.endswith("\n") else "")


def student_notebook(nb: nbformat.NotebookNode, *, clear_outputs: bool) -> nbformat.NotebookNode:
    """A copy of ``nb`` with every markdown cell's solutions removed (and the outputs cleared if asked)."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = strip_solutions(cell.source)
        elif cell.cell_type == "code" and clear_outputs:
            cell.outputs, cell.execution_count = [], None
    if clear_outputs:
        nb.metadata.pop("widgets", None)
    return nb


def exercises_page(teaching: str) -> str:
    """The teaching page's exercises section as a page of its own, without the solutions."""
    if "## Exercises" not in teaching:
        raise SystemExit("book/teaching.md has no '## Exercises' section: add it back or change scripts/student_edition.py")
    section = strip_solutions(teaching.split("## Exercises", 1)[1])

    def plain(role: re.Match) -> str:  # {term}`kernel <kernel>` -> kernel; {doc}`/notebooks/x` -> notebooks/x.ipynb
        kind, text, target = role.groups()
        return text if kind == "term" else f"`{text.strip('/')}.ipynb`"

    return "# Exercises" + ROLE.sub(plain, section)


def write_student_edition(out: Path, *, clear_outputs: bool = False, root: Path = ROOT) -> list[Path]:
    """Write the student edition into ``out`` (emptied first); return the notebooks written."""
    if out.resolve() in (root.resolve(), *root.resolve().parents):
        raise SystemExit(f"{out} holds the book itself: choose an empty folder such as _build/student")
    shutil.rmtree(out, ignore_errors=True)
    (out / "notebooks").mkdir(parents=True)
    written = []
    for path in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = student_notebook(nbformat.read(path, as_version=4), clear_outputs=clear_outputs)
        target = out / "notebooks" / path.name
        nbformat.write(nb, target)
        written.append(target)
    shutil.copytree(root / "pictures", out / "pictures")
    shutil.copytree(root / "notebooks" / "records", out / "notebooks" / "records")
    (out / "exercises.md").write_text(exercises_page((root / "book" / "teaching.md").read_text(encoding="utf-8")), encoding="utf-8")
    outputs = "Every cell's output is cleared: run the cells to see them." if clear_outputs else (
        "The outputs are those of the book's last run; running a cell replaces them."
    )
    (out / "README.md").write_text(README.format(title="Apparel CNN", count=len(written), outputs=outputs), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="student_edition", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the folder to write (emptied first), e.g. _build/student")
    parser.add_argument("--clear-outputs", action="store_true", help="clear every code cell's output")
    args = parser.parse_args(argv)
    written = write_student_edition(args.out, clear_outputs=args.clear_outputs)
    print(f"The student edition ({len(written)} chapters, exercises.md) is in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
