"""JupyterLab's set-up, without a browser: the glossary that `make lab` adds to each chapter
(book/_ext/lab_glossary.py) and what jupyterlab-myst's compatibility warning is about.
tests/test_browser.py shows the term links working in JupyterLab itself."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_core.paths import jupyter_path
from jupytext import AsyncTextFileContentsManager
from traitlets.config import Config

from tests.helpers import one_line

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
from lab_glossary import MARKER, GlossaryContentsManager, glossary_cell_source, glossary_entries, uses_terms, with_glossary, without_glossary

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "book" / "glossary.md"
CHAPTER = "03_plain_network"
TERM = re.compile(r"\{term\}`([^`]*)`")


def term_targets(text: str) -> set[str]:
    """The entries the ``{term}`` roles in ``text`` point to (``text <target>`` or ``target``), in
    lower case: Sphinx and MyST both match terms whatever their case."""
    roles = (" ".join(t.split()) for t in TERM.findall(text))
    return {(re.search(r"<([^>]*)>$", t) or re.match(r"(.*)", t)).group(1).strip().lower() for t in roles}


def prose(notebook: Path) -> str:
    """The Markdown cells of ``notebook``, one after the other."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_every_term_the_book_links_is_an_entry_of_the_lab_glossary():
    entries = {term.lower() for term, _ in glossary_entries(GLOSSARY.read_text(encoding="utf-8"))}
    texts = [*(prose(nb) for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))), GLOSSARY.read_text()]
    linked = set().union(*(term_targets(text) for text in texts))
    assert len(linked) > 30 and len(entries) > 30, (len(linked), len(entries))
    assert linked <= entries, f"{{term}} targets with no glossary entry: {sorted(linked - entries)}"


SPHINX_GLOSSARY = """# Glossary

```{glossary}
kernel
  The small grid of weights, here in
  two lines.

  A second paragraph, with a {term}`stride`.

stride
  How far a kernel moves.
```

Text after the glossary.
"""


def test_the_glossary_becomes_a_myst_definition_list():
    assert glossary_entries(SPHINX_GLOSSARY) == [
        ("kernel", "The small grid of weights, here in\ntwo lines.\n\nA second paragraph, with a {term}`stride`."),
        ("stride", "How far a kernel moves.")]
    source = glossary_cell_source(SPHINX_GLOSSARY, "book/glossary.md")
    assert source.startswith("## Glossary\n") and "`book/glossary.md`" in source
    assert source.split("```{glossary}\n", 1)[1] == (
        "kernel\n: The small grid of weights, here in\n  two lines.\n\n  A second paragraph, with a {term}`stride`.\n\n"
        "stride\n: How far a kernel moves.\n```")


@pytest.mark.parametrize("text,words", [
    ("# Glossary\n\nNo block here.\n", ["no ```{glossary} block"]),
    ("```{glossary}\nkernel\n\nstride\n  How far.\n```\n", ["'kernel'", "no definition"]),
    ("```{glossary}\n  indented first\n```\n", ["starts with indented text"]),
])
def test_a_malformed_glossary_is_a_one_line_error(text, words):
    with pytest.raises(ValueError) as excinfo:
        glossary_entries(text)
    one_line(excinfo, *words)


def chapter() -> dict:
    return json.loads((ROOT / "notebooks" / f"{CHAPTER}.ipynb").read_text(encoding="utf-8"))


def test_the_glossary_cell_is_added_once_and_taken_out_again():
    nb = chapter()
    added = with_glossary(nb, "## Glossary", "here")
    assert len(added["cells"]) == len(nb["cells"]) + 1
    cell = added["cells"][-1]
    assert cell["cell_type"] == "markdown" and cell["metadata"][MARKER] == "here"
    assert cell["metadata"]["editable"] is False and cell["id"] == "book-glossary"
    assert with_glossary(added, "## Glossary", "here") is added
    assert without_glossary(added) == nb
    plain = {**nb, "cells": [c for c in nb["cells"] if "{term}" not in "".join(c["source"])]}
    assert not uses_terms(plain) and with_glossary(plain, "## Glossary", "here") is plain


NOTARY = Config({"NotebookNotary": {"db_file": ":memory:", "secret": b"test"}})
"""Notebook signatures kept in memory, not in the user's data folder."""


def chapter_pair(folder: Path) -> Path:
    """``folder`` holding a copy of one chapter pair, paired through pyproject.toml as in the repository."""
    folder.mkdir(exist_ok=True)
    for suffix in (".ipynb", ".py"):
        shutil.copy(ROOT / "notebooks" / f"{CHAPTER}{suffix}", folder)
    shutil.copy(ROOT / "pyproject.toml", folder)
    return folder


@pytest.fixture
def manager(tmp_path: Path) -> GlossaryContentsManager:
    """The contents manager over a copy of one chapter pair."""
    return GlossaryContentsManager(root_dir=str(chapter_pair(tmp_path / "lab")), glossary=str(GLOSSARY), config=NOTARY)


def round_trip(manager, path: str) -> dict[str, str]:
    """Open ``path`` and save it back, as JupyterLab does (through JSON); the files afterwards."""
    model = asyncio.run(manager.get(path))
    sent = json.loads(json.dumps({"type": "notebook", "format": "json", "content": model["content"]}))
    asyncio.run(manager.save(sent, path))
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(manager.root_dir).glob(f"{CHAPTER}.*"))}


def test_lab_gets_the_chapter_with_the_glossary_and_saves_it_without(manager, tmp_path):
    cells = asyncio.run(manager.get(f"{CHAPTER}.py"))["content"]["cells"]
    assert cells[-1]["metadata"][MARKER] == str(GLOSSARY)
    assert "```{glossary}\nablation\n: An experiment" in cells[-1]["source"]
    # Saved, the files are what jupytext alone writes: the glossary leaves no trace.
    plain = AsyncTextFileContentsManager(root_dir=str(chapter_pair(tmp_path / "plain")), config=NOTARY)
    for path in (f"{CHAPTER}.ipynb", f"{CHAPTER}.py"):  # opened either way, jupytext writes both files
        assert round_trip(manager, path) == round_trip(plain, path)


def trusted_after_trusting(manager) -> list[bool | None]:
    """JupyterLab trusts a notebook by marking its cells and saving it (the server signs what it
    writes): each cell's trust when the chapter is opened again."""
    model = asyncio.run(manager.get(f"{CHAPTER}.ipynb"))
    for cell in model["content"]["cells"]:
        cell["metadata"]["trusted"] = True
    asyncio.run(manager.save(json.loads(json.dumps({"type": "notebook", "content": model["content"]})), f"{CHAPTER}.ipynb"))
    return [c["metadata"].get("trusted") for c in asyncio.run(manager.get(f"{CHAPTER}.ipynb"))["content"]["cells"]]


def test_the_glossary_changes_nothing_about_trust(manager, tmp_path):
    """Whatever jupytext alone makes of a trusted chapter, the glossary cell changes nothing, and
    it is as trusted as the chapter's code."""
    plain = AsyncTextFileContentsManager(root_dir=str(chapter_pair(tmp_path / "plain")), config=NOTARY)
    *cells, glossary = trusted_after_trusting(manager)
    assert cells == trusted_after_trusting(plain)
    assert glossary is all(t for t in cells if t is not None)


def test_a_missing_glossary_is_a_one_line_error_at_start(tmp_path):
    with pytest.raises(FileNotFoundError) as excinfo:
        GlossaryContentsManager(root_dir=str(tmp_path), glossary=str(tmp_path / "glossary.md"))
    one_line(excinfo, "GlossaryContentsManager.glossary=", "is not a file", "jupyter_server_config.py")


# --- jupyterlab-myst's compatibility warning ---------------------------------------------------


@pytest.mark.slow  # `jupyter labextension list` takes a few seconds
def test_jupyterlab_myst_conflicts_only_in_a_package_its_bundle_never_loads():
    """`jupyter labextension list` marks jupyterlab-myst as incompatible because its package.json
    asks for @jupyter/ydoc 3 and JupyterLab 4.6 ships 4. The extension imports only a type from
    that package, which the build drops: its bundle never asks JupyterLab for @jupyter/ydoc (the
    packages it shares with JupyterLab are named in its remoteEntry file), so the warning is
    harmless. When an update clears the warning, this test says so (README's Lab note goes)."""
    jupyter = Path(sys.executable).with_name("jupyter")
    out = subprocess.run([str(jupyter), "labextension", "list", "--verbose"], capture_output=True, text=True,
                         timeout=120)
    text = out.stdout + out.stderr
    assert re.search(r"jupyterlab-myst v[\d.]+ .*enabled", text), text
    table = re.search(r'"jupyterlab-myst@[^"]+" is not compatible.*?Package\n(.*?)(?:\n\n|\Z)', text, re.S)
    assert table, "jupyterlab-myst is no longer marked incompatible: drop the README's note on the warning"
    conflicts = {line.split()[-1] for line in table.group(1).splitlines() if line.strip()}
    assert conflicts == {"@jupyter/ydoc"}, f"new conflicts: {conflicts}; check whether the extension loads them"
    [folder] = [Path(p) / "jupyterlab-myst" for p in jupyter_path("labextensions") if (Path(p) / "jupyterlab-myst").is_dir()][:1]
    [entry] = folder.glob("static/remoteEntry.*.js")
    shared = set(re.findall(r'"(@(?:jupyterlab|jupyter|lumino)/[\w-]+)"', entry.read_text(encoding="utf-8")))
    assert "@jupyterlab/notebook" in shared, sorted(shared)  # the check reads the list it means to
    assert not conflicts & shared, f"the bundle loads {sorted(conflicts & shared)} from JupyterLab"
