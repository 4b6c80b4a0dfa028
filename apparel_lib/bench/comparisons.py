"""The benchmark's comparisons: the tutorial's way against the library's, each against a target.

Each part runs both sides in this one process, alternating them ``repeat`` times, and reports
medians. ``quick`` shrinks every part to seconds (a few hundred pictures, one or two epochs):
it checks that the benchmark works, not how fast anything is.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..errors import ApparelError
from .measure import Sample, machine, measure

__all__ = ["PARTS", "Row", "Report", "run_bench"]


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
            f"Machine: {m['cpu']}, {m['cores']} cores, torch {m['torch']} with {m['torch_threads']} threads"
            + (f", GPU {m['cuda']}" if m["cuda"] else ", no GPU") + (" — QUICK MODE, not a measurement" if self.quick else ""),
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
        return "\n".join(lines)


def _alternate(repeat: int, ours: Callable[[], Any], theirs: Callable[[], Any] | None = None) -> Iterator[tuple[str, Any, Sample]]:
    """Run both sides ``repeat`` times, alternating, theirs first."""
    for _ in range(repeat):
        for side, fn in (("theirs", theirs), ("ours", ours)):
            if fn is not None:
                result, sample = measure(fn)
                yield side, result, sample


# --- the parts ------------------------------------------------------------------------------------


def _data(quick: bool):
    from ..data.dataset import FashionMNIST, load_data

    data = load_data(progress=False)
    if not quick:
        return data
    return FashionMNIST(data.train_images[:600], data.train_labels[:600], data.test_images[:100], data.test_labels[:100],
                        data.source, data.fingerprint)


def part_layout(repeat: int, quick: bool) -> list[Row]:
    """1. Reading the practice layout: the tutorial's loop against the library's first and cached reads; the IDX read."""
    from ..data.dataset import load_data
    from ..data.sources import forget_verified
    from ..practice.layout import export_layout, read_layout
    from .tutorial_way import read_tutorial_way

    data = _data(quick)
    with tempfile.TemporaryDirectory() as tmp:
        folder = export_layout(data, Path(tmp) / "layout", progress=False)
        first = Row("layout", "read the practice layout, first time", [], target="–")
        cached = Row("layout", "read the practice layout, cached", [], target="≥ 30× the tutorial's loop", target_ratio=30)
        for _ in range(repeat):
            _, theirs = measure(lambda: (read_tutorial_way(folder, "train"), read_tutorial_way(folder, "test")))
            _, ours_first = measure(lambda: read_layout(folder, progress=False, cache=False))
            read_layout(folder, progress=False)  # fill the cache
            _, ours_cached = measure(lambda: read_layout(folder, progress=False))
            first.theirs.append(theirs)
            first.ours.append(ours_first)
            cached.theirs.append(theirs)
            cached.ours.append(ours_cached)
    def first_load() -> None:
        forget_verified()  # a real read each time, not this process's record of the last one
        load_data(progress=False)

    idx = Row("layout", "the four IDX files, verified (load_data)", [measure(first_load)[1] for _ in range(repeat)])
    return [first, cached, idx]


def part_article(repeat: int, quick: bool) -> list[Row]:
    """2. The tutorial's recipe: its own training loop against the library's ``article`` recipe, same split and seed."""
    from ..data.dataset import make_splits
    from ..models.registry import build_model
    from ..training.evaluate import accuracy
    from ..training.loop import train
    from ..training.memory import reuse_freed_memory
    from ..training.recipes import get_recipe
    from .tutorial_way import accuracy_tutorial_way, train_tutorial_way

    splits = make_splits(_data(quick), seed=0)
    recipe = get_recipe("article", "article-cnn")
    if quick:
        recipe = recipe.replace(epochs=2)

    def theirs():
        model = build_model("article-cnn", seed=0)
        train_tutorial_way(model, splits.x_train, splits.y_train, splits.x_val, splits.y_val, epochs=recipe.epochs, lr=recipe.lr)
        return [accuracy_tutorial_way(model, x, y) for x, y in
                ((splits.x_train, splits.y_train), (splits.x_val, splits.y_val), (splits.x_test, splits.y_test))]

    def ours():
        model = build_model("article-cnn", seed=0)
        train(model, splits, recipe, progress=False)
        with reuse_freed_memory(min_free_gb=4.0):  # as experiments.runner scores a run
            return [accuracy(model, x, y, train_mode=True) for x, y in
                    ((splits.x_train, splits.y_train), (splits.x_val, splits.y_val), (splits.x_test, splits.y_test))]

    row = Row("article", f"tutorial CNN, article recipe ({recipe.epochs} full-batch epochs), train+val+test scored",
              [], target="≥ 2× and the same numbers", target_ratio=2.0)
    numbers: dict[str, list[list[float]]] = {"ours": [], "theirs": []}
    for side, result, sample in _alternate(repeat, ours, theirs):
        getattr(row, side).append(sample)
        numbers[side].append(result)
    pairs = [(a, b) for o, t in zip(numbers["ours"], numbers["theirs"]) for a, b in zip(o, t)]
    same = all(abs(a - b) <= 0.005 for a, b in pairs)
    identical = all(abs(a - b) < 1e-6 for a, b in pairs)  # the same predictions (float32 vs float64 means)
    row.passed_extra = same
    acc = numbers["ours"][0]
    row.note = (f"train/val/test {acc[0]:.4f}/{acc[1]:.4f}/{acc[2]:.4f}; "
                + ("identical numbers" if identical else "within 0.5 point" if same else "NUMBERS DIFFER"))
    return [row]


def part_time93(repeat: int, quick: bool) -> list[Row]:
    """3. Time to 93%: ``best-cnn`` with its ``best`` recipe when registered; the plain network and tutorial CNN under ``minibatch`` for comparison."""
    from ..data.dataset import load_data
    from ..data.sources import forget_verified
    from ..experiments.runner import run
    from ..experiments.spec import run_spec
    from ..models.registry import MODELS

    rows = []
    data = _data(quick)
    wanted = [("ann", {}), ("article-cnn", {})] + ([("best-cnn", {})] if "best-cnn" in MODELS else [])
    for model, changes in wanted:
        extra = {"epochs": 1} if quick else {}
        spec = run_spec(model, "best" if model == "best-cnn" else "minibatch", **{**changes, **extra})
        row = Row("time93", f"{model}, {spec.recipe.name} recipe, {spec.recipe.epochs} epochs, data loading included", [])
        if model == "best-cnn":
            row.target, row.target_seconds = "≥ 93% test in ≤ 120 s", 120.0
        for _ in range(repeat):
            start = time.perf_counter()
            forget_verified()  # data loading included: a real read of the IDX files, timed
            load_data(progress=False)
            result, _ = measure(lambda s=spec: run(s, data=data, progress=False))
            row.ours.append(Sample(time.perf_counter() - start, None))
        row.note = f"test accuracy {result.test_acc:.4f}"
        if model == "best-cnn":
            row.passed_extra = result.test_acc >= 0.93
        rows.append(row)
    if "best-cnn" not in MODELS:
        rows.append(Row("time93", "best-cnn to ≥ 93% test", [], target="≥ 93% test in ≤ 120 s",
                        note="not measured: no model is registered as best-cnn yet"))
    return rows


def part_throughput(repeat: int, quick: bool) -> list[Row]:
    """4. Pictures per second, training (mini-batch steps of 128) and inference (4,096 pictures
    judged as the library judges them, with ``logits``), per model.

    Training computes as each model's default recipe does (bfloat16 and channels-last for
    ``best-cnn`` where the processor has bfloat16), keeping freed memory as training does.
    """
    import torch
    from torch.nn import functional as F

    from ..models.registry import MODELS, build_model
    from ..training.devices import autocasts_bf16
    from ..training.evaluate import logits
    from ..training.memory import reuse_freed_memory
    from ..training.recipes import default_recipe, get_recipe

    rows = []
    steps = 2 if quick else 20
    for name in MODELS:
        recipe = get_recipe(default_recipe(name), name)
        bf16 = autocasts_bf16(recipe, torch.device("cpu"))
        layout = torch.channels_last if recipe.channels_last else torch.contiguous_format
        model = build_model(name).to(memory_format=layout)
        optimizer = torch.optim.Adam(model.parameters())
        x = torch.rand(128, 1, 28, 28).contiguous(memory_format=layout)
        y, xi = torch.randint(0, 10, (128,)), torch.rand(4096, 1, 28, 28)

        def step():
            for _ in range(steps):
                optimizer.zero_grad()
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    loss = F.cross_entropy(model(x).float(), y)
                loss.backward()
                optimizer.step()

        def infer():
            for _ in range(max(1, steps // 4)):
                logits(model, xi)

        with reuse_freed_memory(min_free_gb=4.0):
            model.train()
            step()  # warm-up: the first steps choose kernels
            train_samples = [measure(step)[1] for _ in range(repeat)]
            model.eval()
            infer_samples = [measure(infer)[1] for _ in range(repeat)]
        train_rate = steps * 128 / statistics.median(s.seconds for s in train_samples)
        infer_rate = max(1, steps // 4) * 4096 / statistics.median(s.seconds for s in infer_samples)
        how = ", ".join(["bfloat16"] * bf16 + ["channels-last"] * recipe.channels_last)
        how = f" ({how})" if how else ""
        rows.append(Row("throughput", f"{name}: training{how} / inference", train_samples,
                        note=f"{train_rate:,.0f} / {infer_rate:,.0f} pictures per second"))
    return rows


BOOK_TARGET_SECONDS = 900.0  # the README's whole test command: 15 minutes
CHAPTER_TARGET_SECONDS = 300.0  # a chapter a reader can run in a class hour's slot


def _seconds_per_file(junit_xml: Path) -> dict[str, float]:
    """Seconds per chapter (``NN_name``) and for the library's tests (``tests``), from pytest's JUnit XML."""
    totals: dict[str, float] = {}
    for case in ElementTree.parse(junit_xml).iter("testcase"):
        where = case.get("file") or case.get("classname") or ""
        chapter = re.search(r"(\d\d_\w+?)[./]ipynb", where)
        key = chapter.group(1) if chapter else "tests"
        totals[key] = totals.get(key, 0.0) + float(case.get("time") or 0.0)
    return totals


def _failures(junit_xml: Path) -> list[str]:
    """``file-or-class::name`` of every test that failed or errored, from pytest's JUnit XML."""
    return [
        f"{case.get('classname') or case.get('file') or '?'}::{case.get('name')}"
        for case in ElementTree.parse(junit_xml).iter("testcase")
        if case.find("failure") is not None or case.find("error") is not None
    ]


def part_book(repeat: int, quick: bool) -> list[Row]:
    """5. The book: the whole test command once (the library's tests, nbval over every chapter, two xdist workers), with seconds per chapter.

    The whole command runs in the session cache that tests/conftest.py makes, so the chapters
    train every run from an empty results store, as on CI and a fresh clone. Quick: chapter 2
    alone, in the user's cache (``APPAREL_CACHE``).
    """
    from ..experiments.store import RunStore

    root = Path(__file__).resolve().parents[2]
    notebooks = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not notebooks or not (root / "tests").is_dir():
        return [Row("book", "the test command", [], note="no tests or notebooks next to this library (an installed copy?)")]
    targets = [str(nb) for nb in notebooks if nb.name.startswith("02_")] if quick else ["tests", "notebooks"]
    if quick:  # chapter 2 alone uses the user's results store
        stored = len(RunStore().runs())
        state = "results store empty at the start" if stored == 0 else f"{stored} runs in the results store at the start"
    else:  # tests/conftest.py gives the whole session, chapters included, a results store of its own
        state = "a fresh, empty results store (tests/conftest.py)"
    whole = Row("book", "the whole test command: " + ("chapter 2 only (quick)" if quick else "pytest tests notebooks, nbval, 2 workers"),
                [], target=f"≤ {BOOK_TARGET_SECONDS / 60:.0f} min", target_seconds=None if quick else BOOK_TARGET_SECONDS)
    per_file: list[dict[str, float]] = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            xml = Path(tmp) / "junit.xml"
            command = [sys.executable, "-m", "pytest", *targets, "--nbval", "--nbval-current-env", "-q", "-p", "no:cacheprovider",
                       "--nbval-sanitize-with", str(root / "tests" / "nbval_sanitize.cfg"), f"--junitxml={xml}",
                       *([] if quick else ["-n", "2"])]
            proc, sample = measure(lambda c=command: subprocess.run(c, cwd=root, capture_output=True, text=True))
            whole.ours.append(Sample(sample.seconds, None))  # the memory is the subprocess's, not measured here
            tail = proc.stdout.strip().splitlines()[-1:] or ["no output"]
            whole.note = f"{state}; pytest: {tail[0].strip('= ')}"
            whole.passed_extra = None if quick else proc.returncode == 0
            if xml.exists():
                per_file.append(_seconds_per_file(xml))
                failed = _failures(xml)
                if failed:  # name them: a failure in a long run must not need a second run to find
                    more = f" and {len(failed) - 3} more" if len(failed) > 3 else ""
                    whole.note += f"; failed: {', '.join(failed[:3])}{more}"
    rows = [whole]
    for key in sorted({k for totals in per_file for k in totals}, key=lambda k: (k != "tests", k)):
        samples = [Sample(totals.get(key, 0.0), None) for totals in per_file]
        if key == "tests":
            rows.append(Row("book", "the library's tests (tests/), within the command", samples))
        else:
            rows.append(Row("book", f"{key} under nbval, within the command", samples,
                            target=f"≤ {CHAPTER_TARGET_SECONDS:.0f} s", target_seconds=CHAPTER_TARGET_SECONDS))
    return rows


PARTS: dict[str, Callable[[int, bool], list[Row]]] = {
    "layout": part_layout,
    "article": part_article,
    "time93": part_time93,
    "throughput": part_throughput,
    "book": part_book,
}


def run_bench(parts: list[str] | None = None, *, repeat: int = 1, quick: bool = False,
              echo: Callable[[str], None] | None = None) -> Report:
    """Run the named parts (all when none are named); ``echo`` hears about each part as it starts."""
    names = parts or list(PARTS)
    unknown = [p for p in names if p not in PARTS]
    if unknown:
        raise ApparelError(f"unknown benchmark part {', '.join(map(repr, unknown))}: choose from {', '.join(PARTS)}")
    if repeat < 1:
        raise ApparelError(f"--repeat must be at least 1, not {repeat}")
    rows: list[Row] = []
    for name in names:
        if echo:
            echo(f"bench: {name} ...")
        rows += PARTS[name](repeat, quick)
    return Report(machine(), rows, quick)
