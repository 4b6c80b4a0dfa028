"""The book's appendix of test-set looks: a table made from the test-set log when the book is built.

The page says ``{test-looks} ledger/test_looks.jsonl`` (a path from the book's source folder, the
repository's top); :class:`TestLooksDirective` reads that file (one JSON record a line, written by
``apparel_lib.runs.holdout.score_test`` and, for the looks made before the log existed, by hand)
and renders one row per look, oldest first. The build depends on the file, so a new look
rebuilds the page. The file is read by ``apparel_lib.runs.looks.LookLog`` (the log's one
reader); a line that is not a record stops the build with one line saying which.

Used by the book's Sphinx build (``_config.yml``: ``sphinx.local_extensions``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.errors import ExtensionError

__all__ = ["COLUMNS", "TestLooksDirective", "read_looks", "look_row", "setup"]

COLUMNS: tuple[str, ...] = ("#", "date", "what was scored", "test accuracy", "why", "commit", "entered")
"""The table's columns."""


def read_looks(path: Path) -> list[dict[str, Any]]:
    """The records of the log at ``path``, oldest first (none where the file does not exist),
    read by the library's own reader; a line that is not a record stops the build."""
    from apparel_lib.errors import StoreError
    from apparel_lib.runs.looks import LookLog

    try:
        return LookLog(path).records()
    except StoreError as err:
        raise ExtensionError(str(err)) from None


def look_row(number: int, record: dict[str, Any]) -> list[str]:
    """The table cells of one look."""
    score = record.get("test_acc")
    shown = f"{100 * score:.2f}%" if isinstance(score, (int, float)) else "–"
    if isinstance(record.get("test_acc_train_mode"), (int, float)):
        shown += f" (training mode {100 * record['test_acc_train_mode']:.2f}%)"
    entered = record.get("entered", "")
    if record.get("source"):
        entered += f" (from {record['source']})"
    return [str(number), str(record.get("date", ""))[:10], str(record["what"]), shown, str(record["why"]),
            str(record.get("commit") or "not known"), entered]


def _table(rows: list[list[str]]) -> nodes.table:
    table = nodes.table(classes=["test-looks"])
    group = nodes.tgroup(cols=len(COLUMNS))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in COLUMNS)

    def row(cells: list[str], literal: tuple[int, ...] = ()) -> nodes.row:
        out = nodes.row()
        for i, text in enumerate(cells):
            entry = nodes.entry()
            entry += nodes.paragraph("", "", nodes.literal(text, text) if i in literal else nodes.Text(text))
            out += entry
        return out

    head = nodes.thead()
    head += row(list(COLUMNS))
    group += head
    body = nodes.tbody()
    body.extend(row(cells, literal=(5,)) for cells in rows)
    group += body
    return table


class TestLooksDirective(Directive):
    """``{test-looks} <path>``: the test-set log at ``path`` as a table."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        env = self.state.document.settings.env
        path = Path(env.srcdir) / self.arguments[0]
        env.note_dependency(str(path))
        looks = read_looks(path)
        if not looks:
            return [nodes.paragraph("", "The test set has not been looked at yet.")]
        return [_table([look_row(i, record) for i, record in enumerate(looks, start=1)])]


def setup(app: Any) -> dict[str, Any]:
    """Register the ``test-looks`` directive."""
    app.add_directive("test-looks", TestLooksDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
