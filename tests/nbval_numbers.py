r"""nbval, comparing numbers with a tolerance: a pytest plugin (``-p tests.nbval_numbers``).

Strict nbval compares each stored text output with the new one character for character, so a
float that another processor rounds differently fails a cell whose claim still holds. This
plugin keeps nbval as the runner and replaces only its comparison of two outputs:

- the *skeleton* (the text with every number masked) must be identical up to layout, so a
  changed word still fails: on each line, runs of spaces compare as one and spaces at either
  end do not count, so a table that pandas lays out again because a number got wider (a sign,
  9.97 becoming 10.02, a header wider than its values) passes, while an added or missing row,
  column or word does not;
- integers (counts, parameters, shapes, epochs) must be identical;
- a decimal (``0.9405``, ``-3.1e-05``) or any number followed by ``%`` must agree within a
  tolerance: by default ``DEFAULT_REL`` of its size or one unit of its last printed digit,
  whichever is larger (a float that lands on the other side of a rounding boundary moves the
  last digit by one); for a trained metric, the tolerance declared by the cell's tag.

Tags (one per unit, written in the cell that prints the numbers; see ``tolerance_of``):

- ``nbval-tolerance=X``: every decimal not followed by ``%`` may differ by ``X``; numbers
  followed by ``%`` by ``100 X`` (the same accuracy in per cent);
- ``nbval-tolerance-percent=Y``: numbers followed by ``%`` may differ by ``Y`` (for cells that
  print points and per cents side by side);
- ``nbval-tolerance[PATTERN]=X``: in a table whose rows differ in noise, the numbers of every
  row whose text matches the regular expression ``PATTERN`` may differ by ``X`` (``100 X``
  with ``%``) instead of the cell's tolerance, so a noisy row does not loosen a tight one. A
  row is a line of text, or a ``<tr>`` of an HTML table; its text is its cells' text joined
  by single spaces. Tags hold no spaces: write ``\s`` for one. The first pattern that
  matches wins.

The values come from the spread across seeds measured for the metric (the chapters say which).
Cells tagged ``nbval-ignore-output`` are still not compared; images are not compared either,
nor the plain text of an output that also has HTML (its HTML is; see ``_flatten``).
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from dataclasses import dataclass

import pytest

__all__ = ["DEFAULT_REL", "Tolerance", "compare_text", "layout_free", "split_numbers", "tolerance_of"]

DEFAULT_REL = 1e-4
"""Relative tolerance of an untagged decimal: float32 rounding differs between processors in
about the 7th significant digit; this leaves a margin of a thousand."""

# A number not glued to a word or a dot on its left, with an optional sign (ASCII or Unicode
# minus), optional decimals ("3." at the end of a sentence is the integer 3) and exponent, and
# whether a per cent sign follows.
NUMBER = re.compile(r"(?<![\w.])[-+\u2212]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?P<pct>\s?%)?")
MASK = "\u2039N\u203a"  # ‹N›, in the skeleton where a number was
TAG = "nbval-tolerance="
TAG_PERCENT = "nbval-tolerance-percent="
TAG_ROW = re.compile(r"nbval-tolerance\[(?P<pattern>.+)\]=(?P<value>.*)")
HTML_ROW = re.compile(r"<tr\b")
HTML_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Tolerance:
    """Absolute tolerances declared by a cell (None: only the default applies), and per row:
    ``rows`` pairs a regular expression for a row's text with the row's own tolerance."""

    plain: float | None = None
    percent: float | None = None
    rows: tuple[tuple[str, float], ...] = ()

    def for_number(self, percent: bool) -> float:
        """The declared absolute tolerance for a number with or without ``%`` (0 when none)."""
        if percent:
            if self.percent is not None:
                return self.percent
            return 100 * self.plain if self.plain is not None else 0.0
        return self.plain if self.plain is not None else 0.0

    def for_row(self, row: str) -> Tolerance:
        """The tolerance that applies to the numbers of a row whose text is ``row``."""
        for pattern, value in self.rows:
            if re.search(pattern, row):
                return Tolerance(plain=value)
        return self


def _tag_value(tag: str, text: str, form: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"cell tag {tag!r}: write {form} with X a non-negative number")
    return value


def tolerance_of(tags: list[str] | None) -> Tolerance:
    """The tolerance a cell's tags declare; a malformed tag is an error naming it."""
    plain = percent = None
    rows: list[tuple[str, float]] = []
    for tag in tags or []:
        row = TAG_ROW.fullmatch(tag)
        if row:
            try:
                re.compile(row["pattern"])
            except re.error as error:
                raise ValueError(f"cell tag {tag!r}: the row pattern is not a regular expression ({error})") from None
            rows.append((row["pattern"], _tag_value(tag, row["value"], "nbval-tolerance[PATTERN]=X")))
        elif tag.startswith(TAG):
            plain = _tag_value(tag, tag[len(TAG):], f"{TAG}X")
        elif tag.startswith(TAG_PERCENT):
            percent = _tag_value(tag, tag[len(TAG_PERCENT):], f"{TAG_PERCENT}X")
    return Tolerance(plain, percent, tuple(rows))


def split_numbers(text: str) -> tuple[str, list[re.Match[str]]]:
    """``text`` with every number masked, and the numbers (as regex matches) in order."""
    return NUMBER.sub(MASK, text), list(NUMBER.finditer(text))


def layout_free(skeleton: str) -> str:
    """``skeleton`` with its layout dropped: on each line, runs of spaces as one, none at the ends."""
    return "\n".join(" ".join(line.split()) for line in skeleton.split("\n"))


def _rows(text: str) -> list[tuple[int, str]]:
    """Where each row of ``text`` starts, and its text (cells joined by single spaces): the
    ``<tr>`` elements of an HTML table, else the lines."""
    starts = [m.start() for m in HTML_ROW.finditer(text)] or [
        0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
    if starts[0] != 0:
        starts.insert(0, 0)
    ends = [*starts[1:], len(text)]
    return [(a, " ".join(HTML_TAG.sub(" ", text[a:b]).split())) for a, b in zip(starts, ends)]


def _row_tolerances(text: str, numbers: list[re.Match[str]], tol: Tolerance) -> list[Tolerance]:
    """The tolerance of each number in ``text``: its row's, where the cell declares rows."""
    if not tol.rows:
        return [tol] * len(numbers)
    rows = _rows(text)
    starts = [start for start, _ in rows]
    by_row = [tol.for_row(row) for _, row in rows]
    return [by_row[bisect.bisect_right(starts, m.start()) - 1] for m in numbers]


def _is_integer(token: str) -> bool:
    return not any(c in token for c in ".eE")


def _value(token: str) -> float:
    return float(token.replace("\u2212", "-").rstrip("%").strip())


def _last_unit(token: str) -> float:
    """One unit of the last printed digit of a decimal (``0.01`` for ``3.55``, ``1`` for ``94%``)."""
    mantissa, _, exponent = token.replace("\u2212", "-").rstrip("%").strip().lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def compare_text(ref: str, test: str, tol: Tolerance = Tolerance()) -> str | None:
    """None if ``test`` matches ``ref`` (same skeleton up to layout, same integers, decimals
    within tolerance, a row's own where ``tol`` declares rows), else one line saying what differs."""
    if ref == test:
        return None
    ref_skeleton, ref_numbers = split_numbers(ref)
    test_skeleton, test_numbers = split_numbers(test)
    if layout_free(ref_skeleton) != layout_free(test_skeleton):
        return "the text differs, not only its numbers"
    tolerances = _row_tolerances(ref, ref_numbers, tol)
    for i, (r, t, row_tol) in enumerate(zip(ref_numbers, test_numbers, tolerances), start=1):
        rs, ts = r.group(0), t.group(0)
        if rs == ts:
            continue
        percent = r.group("pct") is not None
        if (t.group("pct") is not None) != percent:
            return f"number {i}: {rs!r} became {ts!r}"
        if not percent and (_is_integer(rs) or _is_integer(ts)):
            return f"number {i}: the integer {rs} became {ts} (integers must match exactly)"
        declared = row_tol.for_number(percent)
        allowed = max(DEFAULT_REL * abs(_value(rs)), _last_unit(rs), _last_unit(ts), declared)
        if abs(_value(rs) - _value(ts)) > allowed * (1 + 1e-9):
            how = f"the cell's tolerance {declared:g}" if declared else f"the default tolerance {allowed:g}"
            return f"number {i}: {rs.strip()} became {ts.strip()}, beyond {how}"
    return None


def _flatten(outputs: list, skip: set[str], sanitize) -> dict[str, list]:
    """nbval's view of a cell's outputs: each key (a MIME type, or ``text``/``name`` of a stream)
    with its values in order.

    An output that has an HTML form (a pandas table, a recipe) is compared by its HTML alone:
    its plain text is the same object drawn for a terminal, which pandas wraps into blocks at
    80 characters, so a number one character wider can move a whole column to the next block.
    The HTML has every word and number of the table, in rows and cells that no width moves."""
    from nbval.plugin import transform_streams_for_comparison

    flat: dict[str, list] = defaultdict(list)
    for output in transform_streams_for_comparison(outputs):
        for key, value in output.items():
            if key in skip:
                continue
            if key == "data":
                for mime, data in value.items():
                    if mime not in skip and not (mime == "text/plain" and "text/html" in value and "text/html" not in skip):
                        flat[mime].append(sanitize(data))
            else:
                flat[key].append(sanitize(value))
    return flat


def compare_outputs(self, test, ref, skip_compare=None) -> bool:
    """``IPyNbCell.compare_outputs`` with numbers compared by ``compare_text``."""
    skip = set(skip_compare or self.parent.skip_compare)
    testing, reference = _flatten(test, skip, self.sanitize), _flatten(ref, skip, self.sanitize)
    self.comparison_traceback = []
    if set(testing) != set(reference):
        self.comparison_traceback.append(
            f"Output fields differ: stored {sorted(reference)}, computed {sorted(testing)}")
        return False
    tol = tolerance_of(self.cell.metadata.get("tags"))
    for key, ref_values in reference.items():
        test_values = testing[key]
        if len(ref_values) != len(test_values):
            self.comparison_traceback.append(
                f"dissimilar number of outputs for key {key!r}: stored {len(ref_values)}, computed {len(test_values)}")
            return False
        for ref_out, test_out in zip(ref_values, test_values):
            if isinstance(ref_out, str) and isinstance(test_out, str):
                why = compare_text(ref_out, test_out, tol)
            else:
                why = None if ref_out == test_out else "the values differ"
            if why is not None:
                self.format_output_compare(key, ref_out, test_out)
                self.comparison_traceback.append(f"  {why}")
                return False
    return True


def pytest_configure(config: pytest.Config) -> None:
    """Under ``--nbval``, nbval's cells compare outputs with ``compare_outputs``."""
    if getattr(config.option, "nbval", False):
        from nbval.plugin import IPyNbCell

        IPyNbCell.compare_outputs = compare_outputs
