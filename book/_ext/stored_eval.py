"""Numbers in the chapters' prose, computed by the chapter and shown in JupyterLab and in the book.

The prose cites a computed value with MyST's ``{eval}`` role, e.g. ``{eval}`f"{sim_shift:.2f}"```.
When a chapter is executed (``make execute``), :class:`StoringExecutePreprocessor` evaluates each
Markdown cell's expressions in the kernel, after the code cells above it, and stores the results
in the cell's ``user_expressions`` metadata: the format that jupyterlab-myst writes when a reader
runs a Markdown cell, and reads when it opens a notebook. So JupyterLab shows the stored numbers
as soon as a chapter is opened, and updates them when the reader runs the cell again.

myst-nb 1.x evaluates ``{eval}`` only with a live kernel (``nb_execution_mode: inline``); the book
is built from stored outputs, so :func:`setup` replaces the role with one that renders the stored
result, and warns (an error under ``jupyter-book build -W``) when a chapter has none.

Used by ``make execute`` (book.mk, as an nbconvert preprocessor) and by the book's Sphinx build
(``_config.yml``: ``sphinx.local_extensions``).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["ExpressionError", "StoringExecutePreprocessor", "eval_expressions", "setup", "stored_results"]

EVAL_ROLE = re.compile(r"\{eval\}(`+)(.+?)\1")
"""An inline ``{eval}`` role: its expression between one or more backticks."""


class ExpressionError(RuntimeError):
    """An ``{eval}`` expression in a chapter's prose failed in the kernel."""


def eval_expressions(markdown: str) -> list[str]:
    """The expressions of the ``{eval}`` roles in ``markdown``, in order, each once."""
    return list(dict.fromkeys(m.group(2).strip() for m in EVAL_ROLE.finditer(markdown)))


def stored_results(cells: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each expression's stored result (``{"status": "ok", "data": ..., "metadata": ...}``),
    over the Markdown cells of a notebook. An expression stored twice with different results is
    left out (it names different values in different cells), so the book warns about it."""
    results: dict[str, dict[str, Any]] = {}
    clashes: set[str] = set()
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        for item in cell.get("metadata", {}).get("user_expressions", []):
            expression, result = item["expression"], item["result"]
            if expression in results and results[expression] != result:
                clashes.add(expression)
            results[expression] = result
    return {e: r for e, r in results.items() if e not in clashes and r.get("status") == "ok"}


def _preprocessor_base() -> type:
    from nbconvert.preprocessors import ExecutePreprocessor

    return ExecutePreprocessor


class StoringExecutePreprocessor(_preprocessor_base()):  # type: ignore[misc]
    """nbconvert's ExecutePreprocessor that also evaluates the ``{eval}`` expressions of each
    Markdown cell (after the code cells above it) and stores them in ``user_expressions``.

    Configured like ExecutePreprocessor (``--ExecutePreprocessor.timeout=...`` applies).
    Raises :class:`ExpressionError` when an expression fails, so a chapter whose prose cites a
    value it no longer computes does not execute."""

    def preprocess_cell(self, cell, resources, index):  # noqa: ANN001, ANN201 (nbconvert's signature)
        if cell.cell_type != "markdown":
            return super().preprocess_cell(cell, resources, index)
        expressions = eval_expressions(cell.source)
        cell.metadata.pop("user_expressions", None)
        if not expressions:
            return cell, resources
        msg_id = self.kc.execute("", silent=True, store_history=False,
                                 user_expressions={str(i): e for i, e in enumerate(expressions)})
        reply = self.wait_for_reply(msg_id)
        answers = reply["content"].get("user_expressions", {})
        stored = []
        for i, expression in enumerate(expressions):
            result = answers.get(str(i), {"status": "error", "ename": "NoReply", "evalue": "no result"})
            if result.get("status") != "ok":
                raise ExpressionError(f"Markdown cell {index + 1}: {{eval}}`{expression}` failed with "
                                      f"{result.get('ename')}: {result.get('evalue')}; compute it in a code cell above")
            stored.append({"expression": expression, "result": result})
        cell.metadata["user_expressions"] = stored
        return cell, resources


def setup(app) -> dict[str, Any]:  # noqa: ANN001 (Sphinx application)
    """Replace myst-nb's ``{eval}`` role (which needs a live kernel) by one that renders the
    result stored in the notebook."""
    from myst_nb.core.variables import RetrievalError, VariableOutput, render_variable_outputs
    from myst_nb.ext.eval import EvalRoleAny, eval_warning

    class StoredEvalRole(EvalRoleAny):
        """``{eval}`expression``` rendered from the notebook's stored ``user_expressions``."""

        def run(self):  # noqa: ANN202
            try:
                if "nb_renderer" not in self.document:
                    raise RetrievalError("only chapters (notebooks) can use {eval}")
                renderer = self.document["nb_renderer"]
                results = stored_results(renderer.renderer.nb_client.notebook.cells)
                if self.text.strip() not in results:
                    raise RetrievalError(f"no stored result for {{eval}}`{self.text}`: run `make execute` "
                                         "on this chapter")
            except RetrievalError as exc:
                return [], [eval_warning(str(exc), self.document, self.line)]
            result = results[self.text.strip()]
            output = VariableOutput(data=result.get("data", {}), metadata={**result.get("metadata", {}),
                                    "strip_text_quotes": True}, nb_renderer=renderer, vtype="eval", index=0)
            return render_variable_outputs([output], self.document, self.line, self.source, inline=True), []

    app.setup_extension("myst_nb")
    app.add_role("eval", StoredEvalRole(), override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
