"""Grade a folder of submitted assignment notebooks into one table of scores (``make grade``).

Every ``*.ipynb`` in the folder is run from the top in a fresh kernel by otter-grader, without a
container (``otter.api.grade_submission``: this environment must have the book's library, as
``make setup`` installs it), and checked by the autograder that ``make assignments`` built. The
table has one row per submission: its file, the points of each question, the total, the points
possible, and the questions it failed. It is written as CSV and printed; beside it, a folder
``feedback/`` holds each submission's report (every question's result and, where one failed,
the message that says what to look at), to hand back to the student.

Usage: python assignments/grade.py FOLDER [--autograder ZIP] [--out CSV]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["AUTOGRADER", "Graded", "grade_notebook", "grade_folder", "write_scores"]

ROOT = Path(__file__).resolve().parents[1]
AUTOGRADER = ROOT / "_build" / "assignments" / "autograder" / "autograder.zip"


@dataclass(frozen=True)
class Graded:
    """One graded submission: its row of the table and its report for the student."""

    row: dict[str, object]
    feedback: str


def grade_notebook(notebook: Path, autograder: Path) -> Graded:
    """Grade one submission: each question's points, the total, the points possible, what failed."""
    from otter.api import grade_submission

    results = grade_submission(str(notebook), str(autograder), quiet=True)
    if results.catastrophic_error is not None:
        raise SystemExit(f"{notebook.name} could not be graded: {results.catastrophic_error}")
    names = sorted(results.test_files)
    row: dict[str, object] = {"submission": notebook.name}
    row.update({name: results.get_score(name) for name in names})
    failed = [name for name in names if results.get_score(name) < results.get_result(name).possible]
    row.update(total=results.total, possible=results.possible, failed=" ".join(failed))
    return Graded(row, results.summary())


def grade_folder(folder: Path, autograder: Path = AUTOGRADER) -> list[Graded]:
    """Every notebook in ``folder`` graded, in file-name order."""
    if not autograder.is_file():
        raise SystemExit(f"no autograder at {autograder}: run `make assignments` first, or pass --autograder")
    if not folder.is_dir():
        raise SystemExit(f"{folder} is not a folder: pass the folder that holds the submitted notebooks")
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(f"{folder} holds no .ipynb files: collect the submitted notebooks there")
    return [grade_notebook(path, autograder) for path in notebooks]


def write_scores(graded: list[Graded], out: Path) -> pd.DataFrame:
    """Write the table of scores to the CSV file ``out`` and each report to ``feedback/`` beside it."""
    table = pd.DataFrame([g.row for g in graded])
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    feedback = out.parent / "feedback"
    feedback.mkdir(exist_ok=True)
    for g in graded:
        (feedback / f"{Path(str(g.row['submission'])).stem}.txt").write_text(g.feedback, encoding="utf-8")
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grade", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the folder of submitted notebooks (*.ipynb)")
    parser.add_argument("--autograder", type=Path, default=AUTOGRADER, help="the autograder zip (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=Path("scores.csv"), help="the CSV file to write (default: %(default)s)")
    args = parser.parse_args(argv)
    table = write_scores(grade_folder(args.folder, args.autograder), args.out)
    print(table.to_string(index=False))
    print(f"wrote {args.out} and the reports in {args.out.parent / 'feedback'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
