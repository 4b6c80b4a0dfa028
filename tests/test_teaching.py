"""The teaching page's exercises: every solution runs against the library, on a tiny budget.

The page's first code block sets the budget (``SUBSET, EPOCHS = ...``) and a helper; each
solution is a ``<details>`` block whose summary reads "Solution N" (the convention the student
edition removes, see scripts/student_edition.py). Here the budget line is replaced by a tiny
one and the setup and every solution run in one namespace, in order, as a reader would run them.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[1] / "book" / "teaching.md"
BUDGET = re.compile(r"^SUBSET, EPOCHS = .*$", re.MULTILINE)
TINY = "SUBSET, EPOCHS = 200, 1"
SOLUTION = re.compile(r"<details>\s*<summary>Solution (\d+)</summary>(.*?)</details>", re.DOTALL)
CODE = re.compile(r"```python\n(.*?)```", re.DOTALL)


def exercises_section() -> str:
    return PAGE.read_text(encoding="utf-8").split("## Exercises", 1)[1]


def setup_code() -> str:
    section = exercises_section()
    return CODE.search(section[: section.index("<details>")]).group(1)


def solutions() -> list[tuple[int, str]]:
    return [(int(n), "\n".join(CODE.findall(body))) for n, body in SOLUTION.findall(exercises_section())]


def test_every_exercise_has_one_solution_with_code():
    section = exercises_section()
    exercises = [int(n) for n in re.findall(r"^(\d+)\. \*\*", section, re.MULTILINE)]
    assert exercises == list(range(1, 9))
    assert [n for n, _ in solutions()] == exercises
    assert all(code.strip() for _, code in solutions())
    assert len(BUDGET.findall(setup_code())) == 1, "the setup block must set the budget in one line"


def test_solutions_claim_no_result_their_code_does_not_print():
    """The prose of a solution says what to compare; an accuracy, a time or a loss it stated
    would be a remembered number, true of one run on one machine."""
    remembered = re.compile(r"\d+(?:\.\d+)?\s?%|\b\d+\.\d+\b|\b\d+\s?(?:s|seconds|minutes)\b")
    assert remembered.search("it reached 91.2% in 40 s")
    for n, body in SOLUTION.findall(exercises_section()):
        prose = CODE.sub("", body)
        assert not remembered.findall(prose), f"solution {n} states {remembered.findall(prose)}"


@pytest.fixture
def small_test_set(monkeypatch):
    """Every run scores 500 test pictures instead of 10,000 (the budget cannot shrink the test set)."""
    from apparel_lib.runs import runner

    whole = runner.standard_splits

    def smaller(data=None):
        splits = whole(data)
        return dataclasses.replace(splits, x_test=splits.x_test[:500], y_test=splits.y_test[:500])

    monkeypatch.setattr(runner, "standard_splits", smaller)


@pytest.mark.slow
def test_every_solution_runs_on_a_tiny_budget(capsys, small_test_set):
    namespace: dict = {"__name__": "teaching_solutions"}
    exec(compile(BUDGET.sub(TINY, setup_code()), "teaching.md setup", "exec"), namespace)
    assert namespace["SUBSET"] == 200 and namespace["EPOCHS"] == 1
    for n, code in solutions():
        assert not BUDGET.search(code), f"solution {n} sets its own budget"
        exec(compile(code, f"teaching.md solution {n}", "exec"), namespace)
        printed = capsys.readouterr().out
        assert printed.strip(), f"solution {n} printed no result"


# --- the session plans ----------------------------------------------------------------------

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
GLUE_TIME = re.compile(r"\{glue:text\}`/notebooks/(\d\d)_\w+\.ipynb::(ch(\d+)(?:_ledger)?_seconds):d`")


def plan_problems(page: str) -> list[str]:
    """What is wrong with the page's session plans: a chapter without its own entry, an entry
    without its chapter's glued seconds, a glued name no chapter glues, or a machine time typed
    as a number."""
    plans = page.split("## Session plans", 1)[1].split("\n## ", 1)[0]
    entries = re.split(r"^- \*\*", plans, flags=re.MULTILINE)[1:]
    glued = {name for path in NOTEBOOKS.glob("*.py")
             for name in re.findall(r'glue\("(ch\d+(?:_ledger)?_seconds)"', path.read_text(encoding="utf-8"))}
    problems = []
    chapters = sorted(int(path.stem[:2]) for path in NOTEBOOKS.glob("[0-9][0-9]_*.py"))
    for chapter in chapters:
        mine = [e for e in entries if e.startswith(f"Chapter {chapter},")]
        times = [m for e in mine for m in GLUE_TIME.findall(e)]
        if len(mine) != 1:
            problems.append(f"chapter {chapter}: {len(mine)} plan entries")
        elif not any(int(nb) == int(ch) == chapter for nb, _, ch in times):
            problems.append(f"chapter {chapter}: no glued seconds of its own")
    problems += [f"{name} is glued by no chapter" for _, name, _ in GLUE_TIME.findall(page) if name not in glued]
    typed = re.findall(r"\b\d[\d,.]*\s+(?:s|sec|seconds)\b", GLUE_TIME.sub("", plans))
    problems += [f"a machine time typed by hand: {t!r}" for t in typed]
    return problems


def test_the_session_plans_cover_every_chapter_with_glued_times():
    assert plan_problems(PAGE.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("fault", ["drop chapter 9", "typed time", "unknown glue", "wrong chapter"])
def test_the_plan_check_can_fail(fault):
    page = PAGE.read_text(encoding="utf-8")
    broken = {
        "drop chapter 9": lambda p: p.replace("- **Chapter 9,", "- **Chapter nine,"),
        "typed time": lambda p: p.replace("{glue:text}`/notebooks/06_does_it_use_space.ipynb::ch6_seconds:d`", "120", 1)
        .replace("- **Chapter 6,", "- **Chapter 6, 120 seconds,"),
        "unknown glue": lambda p: p.replace("::ch1_seconds", "::ch1_ledger_seconds"),
        "wrong chapter": lambda p: p.replace("09_your_own_picture.ipynb::ch9_seconds", "08_what_it_sees.ipynb::ch8_seconds"),
    }[fault](page)
    assert broken != page and plan_problems(broken)
