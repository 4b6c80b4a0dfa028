"""Tables as the book shows them: every cell whole, never cut at pandas' display limits.

pandas shortens a cell to ``display.max_colwidth`` characters (50) and leaves out rows and
columns past its other limits, in the HTML book and in JupyterLab alike. :func:`whole` wraps a
table so that both of its views (HTML and plain text) show all of it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["WholeTable", "whole"]


@contextlib.contextmanager
def _no_limits() -> Iterator[None]:
    import pandas as pd

    with pd.option_context("display.max_colwidth", None, "display.max_rows", None,
                           "display.max_columns", None, "display.width", None):
        yield


@dataclass(frozen=True)
class WholeTable:
    """A table shown whole: every row, column and character of every cell."""

    table: pd.DataFrame

    def _repr_html_(self) -> str:
        with _no_limits():
            return self.table._repr_html_()

    def __repr__(self) -> str:
        with _no_limits():
            return repr(self.table)


def whole(table: pd.DataFrame) -> WholeTable:
    """``table``, to be shown with nothing cut (the last line of a cell, or ``display(...)``)."""
    return WholeTable(table)
