"""The prose's {eval} values: stored when a chapter is executed, read back by the book."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))

from stored_eval import ExpressionError, StoringExecutePreprocessor, eval_expressions, stored_results


def test_eval_expressions_in_markdown():
    text = 'At {eval}`f"{acc:.1%}"` and {eval}``n`` (again {eval}`f"{acc:.1%}"`), not {term}`kernel` or `{eval}`.'
    assert eval_expressions(text) == ['f"{acc:.1%}"', "n"]


def ok(text: str) -> dict:
    return {"status": "ok", "data": {"text/plain": text}, "metadata": {}}


def test_stored_results_leave_out_clashes_and_errors():
    cells = [
        {"cell_type": "markdown", "metadata": {"user_expressions": [{"expression": "a", "result": ok("1")},
                                                                    {"expression": "b", "result": ok("2")}]}},
        {"cell_type": "code", "metadata": {"user_expressions": [{"expression": "c", "result": ok("9")}]}},
        {"cell_type": "markdown", "metadata": {"user_expressions": [
            {"expression": "a", "result": ok("1")}, {"expression": "b", "result": ok("3")},
            {"expression": "e", "result": {"status": "error", "ename": "NameError", "evalue": "e", "traceback": []}}]}},
    ]
    assert stored_results(cells) == {"a": ok("1")}


def notebook(*cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


@pytest.mark.slow
def test_execution_stores_each_markdown_cells_values():
    nb = notebook(nbformat.v4.new_markdown_cell("nothing to evaluate"),
                  nbformat.v4.new_code_cell("share = 0.25\nname = 'boot'"),
                  nbformat.v4.new_markdown_cell('A {eval}`name` is {eval}`f"{share:.0%}"` of it.'))
    StoringExecutePreprocessor(kernel_name="python3", timeout=60).preprocess(nb, {})
    assert "user_expressions" not in nb.cells[0].metadata
    stored = nb.cells[2].metadata["user_expressions"]
    assert [(s["expression"], s["result"]["data"]["text/plain"]) for s in stored] == [("name", "'boot'"),
                                                                                      ('f"{share:.0%}"', "'25%'")]


@pytest.mark.slow
def test_a_value_the_chapter_does_not_compute_stops_execution():
    nb = notebook(nbformat.v4.new_markdown_cell("Cited before it exists: {eval}`later`."),
                  nbformat.v4.new_code_cell("later = 1"))
    with pytest.raises(ExpressionError, match=r"Markdown cell 1: \{eval\}`later` failed with NameError"):
        StoringExecutePreprocessor(kernel_name="python3", timeout=60).preprocess(nb, {})
