"""The book's glossary in JupyterLab, so that the chapters' ``{term}`` links lead to their entries.

jupyterlab-myst reads one notebook at a time: a ``{term}`` role resolves only against a glossary
in the same notebook, never against ``book/glossary.md`` (which the Jupyter Book build reads). So
``make lab`` runs the server with :class:`GlossaryContentsManager`. When JupyterLab opens a
notebook whose prose uses ``{term}``, the manager adds the book's glossary to it as a last,
read-only Markdown cell; when JupyterLab saves the notebook, the manager takes that cell out
again. The chapter files (the ``.ipynb`` and its jupytext ``.py`` twin) never hold a copy, and
``book/glossary.md`` stays the glossary's only source.

jupyterlab-myst's glossary directive takes a MyST definition list, not the Sphinx form that
``book/glossary.md`` uses (a term, then its text indented), so :func:`glossary_cell_source`
rewrites the one into the other.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
from jupytext import AsyncTextFileContentsManager
from traitlets import Unicode

__all__ = ["MARKER", "GlossaryContentsManager", "glossary_cell_source", "glossary_entries", "uses_terms",
           "with_glossary", "without_glossary"]

MARKER = "book_glossary"
"""The metadata key that marks the added cell (its value says where the cell comes from)."""

TERM_ROLE = re.compile(r"\{term\}`")
GLOSSARY_BLOCK = re.compile(r"^(`{3,})\{glossary\}[^\n]*\n(.*?)^\1\s*$", re.M | re.S)


def glossary_entries(text: str) -> list[tuple[str, str]]:
    """(term, definition) of each entry of the ``{glossary}`` block in ``text`` (Sphinx form: a
    term on a line of its own, its definition indented below it). The definition keeps its
    lines, unindented by the first line's indent."""
    block = GLOSSARY_BLOCK.search(text)
    if not block:
        raise ValueError("the glossary file has no ```{glossary} block: write its entries in one")
    entries: list[tuple[str, list[str]]] = []
    for line in block.group(2).splitlines():
        if line and not line[0].isspace():
            if entries and not "".join(entries[-1][1]).strip():
                raise ValueError(f"glossary term {entries[-1][0]!r} has no definition: indent its text below it")
            entries.append((line.strip(), []))
        elif entries:
            entries[-1][1].append(line)
        elif line.strip():
            raise ValueError("the glossary block starts with indented text: start it with a term")
    result = []
    for term, lines in entries:
        body = list(lines)
        while body and not body[-1].strip():
            body.pop()
        if not body:
            raise ValueError(f"glossary term {term!r} has no definition: indent its text below it")
        indent = len(body[0]) - len(body[0].lstrip())
        result.append((term, "\n".join(ln[indent:] if ln.strip() else "" for ln in body)))
    return result


def glossary_cell_source(text: str, source: str) -> str:
    """The Markdown of the added cell: a heading, where it comes from (``source``, the glossary
    file's name), and the entries of the glossary ``text`` as a MyST glossary of definitions
    (``term`` / ``: definition``)."""
    items = []
    for term, definition in glossary_entries(text):
        lines = definition.splitlines()
        items.append("\n".join([term, ": " + lines[0], *("  " + ln if ln else "" for ln in lines[1:])]))
    return "\n".join([
        "## Glossary",
        "",
        f"The book's glossary, added when JupyterLab opens the chapter so that its term links lead",
        f"here. It is read-only and is not saved with the chapter; its source is `{source}`.",
        "",
        "```{glossary}",
        "\n\n".join(items),
        "```",
    ])


def uses_terms(notebook: dict[str, Any]) -> bool:
    """Whether any Markdown cell of ``notebook`` (nbformat 4, as a dict) has a ``{term}`` role."""
    return any(cell["cell_type"] == "markdown" and TERM_ROLE.search(_text(cell["source"]))
               for cell in notebook.get("cells", []))


def with_glossary(notebook: dict[str, Any], source: str, origin: str) -> dict[str, Any]:
    """``notebook`` with the glossary cell (Markdown ``source``) added at its end, when its prose
    uses ``{term}`` and it has no glossary cell yet; otherwise ``notebook`` unchanged."""
    if not uses_terms(notebook) or any(MARKER in c.get("metadata", {}) for c in notebook["cells"]):
        return notebook
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    trusted = bool(code) and all(c.get("metadata", {}).get("trusted") for c in code)  # as the server found them
    cell: dict[str, Any] = {"cell_type": "markdown", "source": source, "attachments": {},
                            "metadata": {MARKER: origin, "editable": False, "deletable": False,
                                         "trusted": trusted}}
    if (notebook.get("nbformat"), notebook.get("nbformat_minor", 0)) >= (4, 5):
        cell["id"] = MARKER.replace("_", "-")
    return {**notebook, "cells": [*notebook["cells"], cell]}


def without_glossary(notebook: dict[str, Any]) -> dict[str, Any]:
    """``notebook`` without the glossary cell that :func:`with_glossary` added."""
    return {**notebook, "cells": [c for c in notebook["cells"] if MARKER not in c.get("metadata", {})]}


def _text(source: str | list[str]) -> str:
    """A cell's source as one string (nbformat allows a list of lines)."""
    return source if isinstance(source, str) else "".join(source)


class GlossaryContentsManager(AsyncTextFileContentsManager):
    """Jupytext's contents manager (the ``.py`` twins are kept in step), which adds the glossary
    cell to each notebook it hands to JupyterLab and removes it from each notebook it saves."""

    glossary = Unicode("", config=True, help="The book's glossary: a MyST file with a {glossary} block.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not Path(self.glossary).is_file():
            raise FileNotFoundError(f"GlossaryContentsManager.glossary={self.glossary!r} is not a file: "
                                    "set it to the book's glossary.md (scripts/lab-settings/jupyter_server_config.py does)")

    def _glossary_cell(self) -> tuple[str, str]:
        """The glossary cell's Markdown (read anew, so an edit shows when a chapter is reopened)
        and where it comes from (the glossary file's path)."""
        path = Path(self.glossary).resolve()
        source = glossary_cell_source(path.read_text(encoding="utf-8"), f"{path.parent.name}/{path.name}")
        return source, str(path)

    async def get(self, path: str, content: bool = True, type: str | None = None,
                  format: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """The model jupytext reads, with the glossary cell added to a notebook that uses terms."""
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if model.get("type") == "notebook" and model.get("content"):
            added = with_glossary(model["content"], *self._glossary_cell())
            if added is not model["content"]:
                model["content"] = nbformat.from_dict(added)
        return model

    async def save(self, model: dict[str, Any], path: str = "") -> dict[str, Any]:
        """Save through jupytext (both files of a pair), without the glossary cell."""
        if model.get("type") == "notebook" and model.get("content"):
            model = {**model, "content": without_glossary(model["content"])}
        return await super().save(model, path)
