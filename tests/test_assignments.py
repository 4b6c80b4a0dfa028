"""The assignment edition (assignments/, ``make assignments``, ``make grade``) built and graded
end to end: the solutions score full marks, a blank notebook zero, and a plausible wrong answer
loses that question alone, with the message that says what to look at, in the teacher's table
and in the student's own check."""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [f"q{n:02d}" for n in range(2, 12)]
WRONG = ("dense_parameters(1024 * 768 * 3, 500)", "dense_parameters(1024 * 768, 500)")
"""The planted mistake: a colour photo's first dense layer counted as if it were grey."""
HINT = "three values (red, green, blue) per pixel"
"""From chapter 2's question's message for that mistake."""


def _script(name: str):
    spec = importlib.util.spec_from_file_location(f"assignments_{name}", ROOT / "assignments" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # a dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


build, grade = _script("build"), _script("grade")


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("assignments") / "edition"
    build.build_assignments(out)
    return out


@pytest.fixture
def one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """The graded kernels compute on one thread where nothing says otherwise (two cores, two workers)."""
    monkeypatch.setenv("OMP_NUM_THREADS", os.environ.get("OMP_NUM_THREADS", "1"))


def code(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.slow
def test_the_edition_has_a_question_per_chapter_and_no_solution(edition):
    student, solutions = code(edition / "student" / build.NOTEBOOK), code(edition / "autograder" / build.NOTEBOOK)
    checks = [m.group(1)[:3] for s in student for m in [re.search(r'grader\.check\("(\w+)"\)', s)] if m]
    assert checks == QUESTIONS
    assert any(WRONG[0] in s for s in solutions)
    assert not any(WRONG[0] in s or "SOLUTION" in s for s in student)
    assert sum(s.count("...") for s in student) >= len(QUESTIONS)
    with pytest.raises(SystemExit, match="holds the book itself"):
        build.build_assignments(ROOT)


@pytest.mark.slow
def test_three_submissions_graded_with_one_command(edition, data_in_env, one_thread, tmp_path):
    folder = tmp_path / "submitted"
    folder.mkdir()
    solved = (edition / "autograder" / build.NOTEBOOK).read_text(encoding="utf-8")
    (folder / "solutions.ipynb").write_text(solved, encoding="utf-8")
    (folder / "wrong.ipynb").write_text(solved.replace(*WRONG), encoding="utf-8")
    (folder / "blank.ipynb").write_bytes((edition / "student" / build.NOTEBOOK).read_bytes())
    out = tmp_path / "scores" / "scores.csv"
    assert grade.main([str(folder), "--autograder", str(edition / "autograder" / "autograder.zip"), "--out", str(out)]) == 0

    table = pd.read_csv(out, keep_default_na=False).set_index("submission")
    questions = [c for c in table.columns if c[:3] in QUESTIONS]
    assert [c[:3] for c in questions] == QUESTIONS and (table["possible"] == len(QUESTIONS)).all()
    assert table.loc["solutions.ipynb", "total"] == len(QUESTIONS), table.loc["solutions.ipynb"].to_dict()
    assert table.loc["blank.ipynb", "total"] == 0, table.loc["blank.ipynb"].to_dict()
    wrong = table.loc["wrong.ipynb"]
    assert wrong["failed"] == questions[0] and wrong[questions[0]] < 1, wrong.to_dict()
    assert (wrong[questions[1:]] == 1).all(), wrong.to_dict()
    report = (out.parent / "feedback" / "wrong.txt").read_text(encoding="utf-8")
    assert HINT in report
    assert HINT not in (out.parent / "feedback" / "solutions.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_student_checks_an_answer_in_the_notebook(edition, one_thread):
    """Chapter 2's question answered wrongly, then rightly, and checked in the notebook itself."""
    from nbclient import NotebookClient

    path = edition / "student" / build.NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    init, answer, check = cells[0], next(c for c in cells if "dense_photo = ..." in c.source), None
    check = cells[cells.index(answer) + 1]
    assert "grader = otter.Notebook" in init.source and 'grader.check("q02' in check.source
    answer.source = answer.source.replace("dense_photo = ...", f"dense_photo = {WRONG[1]}").replace(
        "conv_photo = ...", "conv_photo = conv_parameters(3, 64)")
    fixed = nbformat.from_dict(answer)
    fixed.source = fixed.source.replace(WRONG[1], WRONG[0])
    nb.cells = [init, answer, check, fixed, nbformat.from_dict(check)]
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()

    def shown(cell) -> str:
        return "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)

    assert HINT in shown(nb.cells[2]), shown(nb.cells[2])
    assert HINT not in shown(nb.cells[4]) and "passed" in shown(nb.cells[4]), shown(nb.cells[4])


def test_grading_says_what_to_do_with_bad_input(tmp_path):
    """No autograder, no folder, no notebooks: one line each that says what to do."""
    autograder = tmp_path / "autograder.zip"
    with pytest.raises(SystemExit, match="run `make assignments` first"):
        grade.grade_folder(tmp_path, autograder)
    autograder.write_bytes(b"")
    with pytest.raises(SystemExit, match="is not a folder"):
        grade.grade_folder(tmp_path / "missing", autograder)
    with pytest.raises(SystemExit, match="holds no .ipynb files"):
        grade.grade_folder(tmp_path, autograder)
