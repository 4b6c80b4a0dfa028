"""The staged copy that `make book` executes holds everything the chapters and the build read.

`make book` copies the book into _build/src (`make stage-copy`) and runs the chapters there, so
a file the chapters read outside notebooks/ (chapter 9's ../pictures) must be copied too. The
test command runs the chapters in place, where every file is present; this test stages the book
with the same make target into a temporary folder (nothing is executed) and checks, from the
staged notebooks/ folder (the kernel's working directory), every path the chapters' code builds.
"""

from __future__ import annotations

import ast
import posixpath
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book staged by `make stage-copy`, as `make book` stages it, into a temporary folder."""
    stage = tmp_path_factory.mktemp("stage") / "src"
    proc = subprocess.run(["make", "--no-print-directory", "stage-copy", f"STAGE={stage}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"make stage-copy failed:\n{proc.stdout}{proc.stderr}"
    return stage


class _Paths(ast.NodeVisitor):
    """The relative paths a chapter's code builds from string literals: "../a", Path("..") / "a",
    os.path.join("..", "a"), and names bound to them (PICTURES = Path("..") / "pictures")."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.found: set[str] = set()

    def value(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return self.names.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left, right = self.value(node.left), self.value(node.right)
            return None if left is None or right is None else posixpath.join(left, right)
        if isinstance(node, ast.Call) and not node.keywords \
                and getattr(node.func, "id", getattr(node.func, "attr", None)) in ("Path", "join"):
            parts = [self.value(a) for a in node.args]
            return None if None in parts else posixpath.join(".", *parts)
        return None

    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.expr) and not isinstance(node, ast.Name):
            path = self.value(node)
            if path is not None:
                self.found.add(posixpath.normpath(path))
        super().generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        path = self.value(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name):
                if path is None:
                    self.names.pop(target.id, None)
                else:
                    self.names[target.id] = path


def _outside_paths(py: Path) -> set[str]:
    """The files that chapter ``py`` (a jupytext twin: its cells in order, magics commented out)
    reads outside notebooks/: the paths its code builds that leave notebooks/ and name a file in
    this checkout, or a folder (then every file in it)."""
    paths = _Paths()
    paths.visit(ast.parse(py.read_text(encoding="utf-8"), filename=str(py)))
    files = set()
    for path in (p for p in paths.found if p.startswith("../")):
        here = ROOT / "notebooks" / path
        if here.is_file():
            files.add(path)
        elif here.is_dir():
            files |= {posixpath.join(path, f.relative_to(here).as_posix()) for f in here.rglob("*") if f.is_file()}
    return files


def test_staged_copy_holds_every_path_the_chapters_read(stage: Path):
    chapters = sorted((stage / "notebooks").glob("[0-9]*.py"))
    assert chapters, f"no chapters staged in {stage}/notebooks"
    wanted = {(path, py.name) for py in chapters for path in _outside_paths(py)}
    assert wanted, "no chapter reads a file outside notebooks/: the search for paths is broken " \
                   "(chapter 9 reads ../pictures)"
    missing = [f"{path} ({chapter})" for path, chapter in sorted(wanted)
               if not (stage / "notebooks" / path).is_file()]
    assert not missing, ("the staged copy (`make stage-copy`, BOOK_SOURCES in book.mk) lacks files "
                         "the chapters read, relative to notebooks/:\n" + "\n".join(missing))


def test_staged_copy_holds_what_the_build_reads(stage: Path):
    """`make book` builds the HTML from the staged copy: its pages, favicon and static folders."""
    toc = yaml.safe_load((stage / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    missing = [f"page {p}" for p in pages
               if not any((stage / f"{p}{ext}").is_file() for ext in (".md", ".ipynb"))]
    config = yaml.safe_load((stage / "_config.yml").read_text(encoding="utf-8"))
    needed = [config["html"]["favicon"], *config["sphinx"]["config"]["html_static_path"]]
    missing += [f"_config.yml: {p}" for p in needed if not (stage / p).exists()]
    assert not missing, "the staged copy lacks what the book build reads:\n" + "\n".join(missing)
