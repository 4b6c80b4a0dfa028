"""The listings' shared printer: one line per run (or a line saying there is none), a test
accuracy or a dash, counted nouns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from ..runs.spec import RunResult

__all__ = ["accuracy_cell", "run_line", "print_lines", "count"]

T = TypeVar("T")


def accuracy_cell(value: float | None) -> str:
    """A test accuracy, or a dash where the test set was never scored for the run."""
    return f"{value:.4f}" if value is not None else "  -   "


def run_line(key: str, result: RunResult, *, before: str = "", after: str = "") -> str:
    """One run as a line: key, ``before``, validation and test accuracy, seconds, ``after``, and the run."""
    r = result
    return f"{key}  {before}val {r.val_acc:.4f}  test {accuracy_cell(r.test_acc)}  {r.seconds:7.1f} s  {after}  {r.spec.describe()}"


def count(n: int, one: str, many: str | None = None) -> str:
    """``1 entry``, ``3 entries``: ``n`` and the noun (``many`` defaults to ``one`` + s)."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def print_lines(rows: Sequence[T], line: Callable[[T], str], empty: str) -> None:
    """Print ``line(row)`` for every row, or ``empty`` where there is none."""
    if not rows:
        print(empty)
    for row in rows:
        print(line(row))
