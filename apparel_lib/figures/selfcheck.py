"""Self-check questions drawn in the page, answered with no kernel, server or network.

Each choice is an HTML ``<details>`` element: the reader opens the answer they would give and
its feedback says whether it is right, and why. Browsers make ``<details>`` keyboard-operable
and name it by its ``<summary>`` for screen readers, with no script and no style sheet, and
JupyterLab's sanitizer keeps it in the stored outputs of an untrusted notebook (it strips
scripts, ``<style>`` and the ``name`` of radio buttons, so script quizzes and CSS radio quizzes
do not survive there). In browsers that know ``<details name>`` (the book), opening one answer
closes the question's other answers; where it is stripped, answers simply stay open. The
book's style sheet (book/theme/layout.css) spaces the questions; nothing depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from apparel_lib.figures.questions import QUESTIONS, Question

__all__ = ["HOW", "SelfCheck", "self_check"]

HOW = "Open the answer you would give: it says whether it is right, and why."
LETTERS = "ABCDEFGH"
SUMMARY_STYLE = "cursor: pointer; border: 1px solid; border-radius: 4px; padding: 0.2em 0.5em; margin: 0.3em 0"
"""Each answer drawn as a framed box, so that it reads as something to open where JupyterLab's
style sheet hides the disclosure triangle (the sanitizer keeps these inline properties)."""


@dataclass(frozen=True)
class SelfCheck:
    """A chapter's questions as the page shows them (HTML) and as plain text (no answers)."""

    chapter: int
    questions: tuple[Question, ...]

    def __post_init__(self) -> None:
        if not self.questions:
            raise ValueError(f"chapter {self.chapter} has no self-check questions: add some to apparel_lib/figures/questions.py")
        if any(len(q.choices) > len(LETTERS) for q in self.questions):
            raise ValueError(f"a question of chapter {self.chapter} has more than {len(LETTERS)} choices: keep it to {len(LETTERS)}")

    def _choice_html(self, number: int, letter: str, text: str, right: bool, why: str) -> str:
        verdict = ("right", "Right.") if right else ("wrong", "Not quite.")
        return (f'<li><details class="selfcheck-choice" name="selfcheck-{self.chapter}-{number}">'
                f'<summary style="{SUMMARY_STYLE}">{letter}. {escape(text)}</summary>'
                f'<p class="selfcheck-feedback selfcheck-{verdict[0]}"><strong>{verdict[1]}</strong> {escape(why)}</p>'
                "</details></li>")

    def _repr_html_(self) -> str:
        items = []
        for n, q in enumerate(self.questions, 1):
            choices = "".join(self._choice_html(n, LETTERS[i], c.text, c.right, c.why) for i, c in enumerate(q.choices))
            items.append(f'<li class="selfcheck-question"><p class="selfcheck-ask">{escape(q.ask)}</p>'
                         f'<ul class="selfcheck-choices">{choices}</ul></li>')
        return (f'<div class="selfcheck"><p class="selfcheck-how">{escape(HOW)}</p>'
                f'<ol class="selfcheck-questions">{"".join(items)}</ol></div>')

    def __repr__(self) -> str:
        lines = [f"Check yourself, chapter {self.chapter}: {HOW} (in the book or in JupyterLab)"]
        for n, q in enumerate(self.questions, 1):
            lines.append(f"{n}. {q.ask}")
            lines += [f"   {LETTERS[i]}. {c.text}" for i, c in enumerate(q.choices)]
        return "\n".join(lines)


def self_check(chapter: int) -> SelfCheck:
    """The self-check questions of ``chapter`` (its number), to show as a cell's output."""
    if chapter not in QUESTIONS:
        have = sorted(QUESTIONS)
        raise ValueError(f"no self-check questions for chapter {chapter!r}: chapters {have[0]} to {have[-1]} have them")
    return SelfCheck(chapter, QUESTIONS[chapter])
