"""The chapters' self-check questions (apparel_lib/figures/questions.py, drawn by
apparel_lib/figures/selfcheck.py): every chapter has them and shows them, each question has
exactly one right answer and every answer says why, and the page's HTML is the same on every run.
tests/test_browser.py answers them in the built book and in JupyterLab."""

from __future__ import annotations

import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import jupytext
import nbformat
import pytest

from apparel_lib import self_check
from apparel_lib.figures.questions import QUESTIONS, Choice, Question
from apparel_lib.figures.selfcheck import HOW, SelfCheck
from tests.helpers import one_line

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_SOURCES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
CALL = re.compile(r"^self_check\((\d+)\)$", re.M)


def question_problems(questions: dict, chapters: list[int]) -> list[str]:
    """What is wrong with ``questions`` (chapter number -> questions) for the book's ``chapters``."""
    problems = [f"chapter {n} has no questions" for n in chapters if not questions.get(n)]
    problems += [f"questions for chapter {n}, which does not exist" for n in questions if n not in chapters]
    for n, qs in questions.items():
        if qs and not 2 <= len(qs) <= 4:
            problems.append(f"chapter {n} has {len(qs)} questions, not 2 to 4")
        for q in qs:
            rights = [c for c in q.choices if c.right]
            if len(rights) != 1:
                problems.append(f"chapter {n}: {q.ask[:50]!r} has {len(rights)} right answers")
            if len(q.choices) < 3:
                problems.append(f"chapter {n}: {q.ask[:50]!r} has only {len(q.choices)} choices")
            problems += [f"chapter {n}: {c.text[:50]!r} has no feedback" for c in q.choices if len(c.why.strip()) < 20]
    return problems


def test_every_chapter_has_two_to_four_questions_with_one_right_answer_each():
    chapters = [int(p.name[:2]) for p in CHAPTER_SOURCES]
    assert len(chapters) == 11
    assert question_problems(QUESTIONS, chapters) == []


def test_the_question_check_catches_planted_faults():
    good = QUESTIONS[2]
    two_right = SimpleNamespace(ask="planted", choices=[SimpleNamespace(text="a", right=True, why="x" * 30)] * 3)
    mute = SimpleNamespace(ask="planted mute", choices=[SimpleNamespace(text="a", right=True, why=""),
                                                        *[SimpleNamespace(text="b", right=False, why="y" * 30)] * 2])
    found = question_problems({1: good, 2: (two_right, mute), 12: good}, [1, 2, 3])
    assert "chapter 3 has no questions" in found
    assert "questions for chapter 12, which does not exist" in found
    assert "chapter 2: 'planted' has 3 right answers" in found
    assert "chapter 2: 'a' has no feedback" in found


@pytest.mark.parametrize("choices,words", [
    ((Choice("a", True, "why a"), Choice("b", True, "why b")), ["2 right ones", "exactly one right choice"]),
    ((Choice("a", False, "why a"), Choice("b", False, "why b")), ["0 right ones"]),
    ((Choice("a", True, "why a"),), ["1 choices", "two or more choices"]),
])
def test_a_malformed_question_is_a_one_line_error(choices, words):
    with pytest.raises(ValueError) as excinfo:
        Question("Which?", choices)
    one_line(excinfo, *words)


def test_a_choice_without_feedback_is_a_one_line_error():
    with pytest.raises(ValueError) as excinfo:
        Choice("an answer", False, "  ")
    one_line(excinfo, "needs both a text and a why")


def test_an_unknown_chapter_is_a_one_line_error():
    with pytest.raises(ValueError) as excinfo:
        self_check(12)
    one_line(excinfo, "chapter 12", "chapters 1 to 11")


@pytest.mark.parametrize("source", CHAPTER_SOURCES, ids=lambda p: p.stem)
def test_each_chapter_shows_its_own_questions_under_check_yourself(source):
    nb = jupytext.read(source)
    cells = [(c.cell_type, c.source) for c in nb.cells]
    calls = [(i, int(m.group(1))) for i, (kind, text) in enumerate(cells) if kind == "code" for m in CALL.finditer(text)]
    assert [n for _, n in calls] == [int(source.name[:2])], f"{source.name}: self_check calls {calls}"
    [(i, _)] = calls
    assert cells[i - 1][0] == "markdown" and cells[i - 1][1].startswith("## Check yourself"), cells[i - 1]
    assert len(cells[i][1].splitlines()) <= 3, "the chapter's cell stays short: the questions live in the library"


class Page(HTMLParser):
    """The tags and attributes of an HTML fragment, and its text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("chapter", sorted(QUESTIONS))
def test_the_page_has_one_disclosure_per_answer_and_one_right_feedback_per_question(chapter):
    questions = QUESTIONS[chapter]
    page = Page(self_check(chapter)._repr_html_())
    details = [a for t, a in page.tags if t == "details"]
    assert len(details) == sum(len(q.choices) for q in questions)
    assert [t for t, _ in page.tags].count("summary") == len(details)
    classes = [(a.get("class") or "").split() for _, a in page.tags]
    assert sum("selfcheck-right" in c for c in classes) == len(questions)
    assert sum("selfcheck-question" in c for c in classes) == len(questions)
    # the answers of one question share a name (one open at a time, where browsers know it)
    assert len({a["name"] for a in details}) == len(questions)
    # nothing that changes from run to run (nbval compares the HTML), and no ids to clash
    assert not any("id" in a for _, a in page.tags)
    assert self_check(chapter)._repr_html_() == self_check(chapter)._repr_html_()
    text = "".join(page.text)
    for q in questions:
        assert q.ask in text and all(c.text in text and c.why in text for c in q.choices)


def test_the_text_is_escaped_and_the_plain_view_gives_no_answer_away():
    planted = SelfCheck(99, (Question("Is 1 < 2 & 3 > 2?", (Choice("<b>yes</b>", True, "because 1 < 2"),
                                                                  Choice("no", False, "it is"))),))
    html = planted._repr_html_()
    assert "&lt;b&gt;yes&lt;/b&gt;" in html and "<b>" not in html and "1 &lt; 2 &amp; 3 &gt; 2" in html
    plain = repr(self_check(3))
    assert plain.startswith(f"Check yourself, chapter 3: {HOW}")
    assert "Right." not in plain and not any(c.why in plain for q in QUESTIONS[3] for c in q.choices)
    assert all(q.ask in plain for q in QUESTIONS[3])


def test_the_student_edition_keeps_the_questions():
    spec = importlib.util.spec_from_file_location("student_edition", ROOT / "scripts" / "student_edition.py")
    student_edition = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(student_edition)
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        kept = student_edition.student_notebook(nb, clear_outputs=True)
        sources = [c.source for c in kept.cells]
        assert any(s.startswith("## Check yourself") for s in sources), path.name
        assert any(CALL.search(s) for s in sources if s), path.name
