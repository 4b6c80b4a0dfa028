"""The benchmark's report: one :class:`Row` per measurement (ours against the tutorial's way, and
a target), gathered in a :class:`Report` that prints as a Markdown table or JSON."""

from __future__ import annotations

import dataclasses
import statistics
from dataclasses import dataclass, field
from typing import Any

from .measure import Sample

__all__ = ["Row", "Report"]


@dataclass
class Row:
    """One line of the report: ours against theirs (the tutorial's way), and the target."""

    part: str
    what: str
    ours: list[Sample]
    theirs: list[Sample] = field(default_factory=list)
    target: str = ""
    target_ratio: float | None = None
    target_seconds: float | None = None
    note: str = ""
    passed_extra: bool | None = None  # a condition besides speed (e.g. "the same numbers")
    table: str = ""  # a small Markdown table of details, printed under the report

    @staticmethod
    def _median(samples: list[Sample]) -> float | None:
        return statistics.median(s.seconds for s in samples) if samples else None

    @property
    def seconds(self) -> float | None:
        return self._median(self.ours)

    @property
    def their_seconds(self) -> float | None:
        return self._median(self.theirs)

    @property
    def ratio(self) -> float | None:
        """How many times faster ours is (theirs / ours)."""
        if self.seconds and self.their_seconds:
            return self.their_seconds / self.seconds
        return None

    @property
    def passed(self) -> bool | None:
        checks = []
        if self.target_ratio is not None:
            checks.append(self.ratio is not None and self.ratio >= self.target_ratio)
        if self.target_seconds is not None:
            checks.append(self.seconds is not None and self.seconds <= self.target_seconds)
        if self.passed_extra is not None:
            checks.append(self.passed_extra)
        return all(checks) if checks else None

    def to_dict(self) -> dict[str, Any]:
        values = dataclasses.asdict(self)
        values.update(seconds=self.seconds, their_seconds=self.their_seconds, ratio=self.ratio, passed=self.passed)
        return values


@dataclass
class Report:
    machine: dict[str, Any]
    rows: list[Row]
    quick: bool

    def to_dict(self) -> dict[str, Any]:
        return {"machine": self.machine, "quick": self.quick, "rows": [r.to_dict() for r in self.rows]}

    def table(self) -> str:
        """The report as a Markdown table (the README shows the latest one)."""
        m = self.machine
        lines = [
            f"Machine: {m['processor']}, {m['cores']} cores, torch {m['torch']} with {m['threads']} threads"
            + (f", GPU {m['gpu']}" if m["gpu"] else ", no GPU") + (" — QUICK MODE, not a measurement" if self.quick else ""),
            "",
            "| part | measurement | tutorial's way | library | ratio | target | result | note |",
            "|---|---|---:|---:|---:|---|---|---|",
        ]
        for r in self.rows:
            def cell(samples: list[Sample], seconds: float | None) -> str:
                if seconds is None:
                    return "–"
                peaks = [s.peak_gb for s in samples if s.peak_gb is not None]
                return f"{seconds:.2f} s" + (f", {max(peaks):.1f} GB" if peaks else "")

            result = {True: "pass", False: "MISS", None: "–"}[r.passed]
            ratio = f"{r.ratio:.2f}×" if r.ratio else "–"
            lines.append(f"| {r.part} | {r.what} | {cell(r.theirs, r.their_seconds)} | {cell(r.ours, r.seconds)} "
                         f"| {ratio} | {r.target or '–'} | {result} | {r.note} |")
        for r in self.rows:
            if r.table:
                lines += ["", f"{r.part}: {r.what}", "", r.table]
        return "\n".join(lines)
