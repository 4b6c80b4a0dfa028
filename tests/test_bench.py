"""The benchmark (repository tooling, ``python -m benchmarks``) runs in quick mode, and the library's
tutorial recipe gives the tutorial's numbers."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from apparel_lib.errors import ApparelError
from apparel_lib.training.devices import numeric_path
from apparel_lib.training.operators import GROUPS
from apparel_lib.training.recipes import get_recipe
from benchmarks.measure import Sample
from benchmarks.parts.book import failures, seconds_per_file
from benchmarks.report import Row
from benchmarks.run import run_bench

ROOT = Path(__file__).resolve().parents[1]


def test_row_arithmetic():
    row = Row("p", "w", [Sample(1.0, None), Sample(3.0, None), Sample(2.0, None)], [Sample(8.0, 1.5)], target_ratio=3.0)
    assert row.seconds == 2.0 and row.their_seconds == 8.0 and row.ratio == 4.0 and row.passed is True
    row.passed_extra = False
    assert row.passed is False
    assert Row("p", "w", [Sample(130.0, None)], target_seconds=120.0).passed is False
    assert Row("p", "w", [Sample(1.0, None)]).passed is None


def test_unknown_part_is_one_line_error():
    with pytest.raises(ApparelError, match="unknown benchmark part 'speed'"):
        run_bench(["speed"], quick=True)


@pytest.mark.parametrize("args,message", [
    (["nothing"], "unknown benchmark part 'nothing'"),
    (["--repeat", "0"], "--repeat: must be at least 1"),
])
def test_a_command_line_that_does_not_fit_exits_2(args, message):
    proc = subprocess.run([sys.executable, "-m", "benchmarks", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and message in proc.stderr and proc.stdout == "", proc.stderr


def test_the_benchmark_is_not_in_the_package():
    import apparel_lib

    package = Path(apparel_lib.__file__).parent
    assert not (package / "bench").exists()
    assert not any("tutorial_way" in p.read_text() for p in package.rglob("*.py"))


@pytest.mark.slow
def test_quick_bench_prints_the_table_and_json(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "layout", "tutorial", "throughput",
                           "--json", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "QUICK MODE" in proc.stdout and "| tutorial |" in proc.stdout and "identical numbers" in proc.stdout
    report = json.loads(out.read_text())
    assert report["machine"]["cores"] >= 1 and report["quick"] is True
    tutorial = next(r for r in report["rows"] if r["part"] == "tutorial")
    assert tutorial["passed_extra"] is True and tutorial["their_seconds"] > 0 and tutorial["seconds"] > 0
    cached = next(r for r in report["rows"] if r["what"] == "read the practice layout, cached")
    assert cached["ratio"] > 1
    exported = next(r for r in report["rows"] if r["what"].startswith("export the practice layout"))
    assert exported["seconds"] > 0


def test_seconds_per_chapter_come_from_the_junit_report(tmp_path):
    xml = tmp_path / "junit.xml"
    xml.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.test_data" name="test_a" time="1.5"/>'
        '<testcase classname="notebooks.03_plain_network.ipynb" name="Cell 0" time="2.0"/>'
        '<testcase classname="notebooks.03_plain_network.ipynb" name="Cell 1" time="3.25"/>'
        '<testcase classname="notebooks.10_tuning.ipynb" name="Cell 0" time="4"/>'
        '<testcase classname="tests.test_book" name="test_b" time="0.5"/>'
        "</testsuite></testsuites>"
    )
    assert seconds_per_file(xml) == {"tests": 2.0, "03_plain_network": 5.25, "10_tuning": 4.0}


def test_failed_tests_are_named_from_the_junit_report(tmp_path):
    xml = tmp_path / "junit.xml"
    xml.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.test_data" name="test_a" time="1.5"/>'
        '<testcase classname="notebooks.07_better_cnn.ipynb" name="Cell 12" time="2.0"><failure message="x"/></testcase>'
        '<testcase classname="tests.test_book" name="test_b" time="0.5"><error message="y"/></testcase>'
        '<testcase classname="tests.test_book" name="test_c" time="0.5"><skipped message="z"/></testcase>'
        "</testsuite></testsuites>"
    )
    assert failures(xml) == ["notebooks.07_better_cnn.ipynb::Cell 12", "tests.test_book::test_b"]


@pytest.mark.slow
def test_quick_book_part_times_a_chapter_under_nbval(tmp_path):
    report = run_bench(["book"], quick=True)
    whole, *chapters = report.rows
    assert whole.part == "book" and whole.seconds > 0 and "passed" in whole.note, whole.note
    assert [r.what.split()[0] for r in chapters] == ["02_flattening"] and chapters[0].seconds > 0


@pytest.mark.slow
def test_quick_speedrun_part_reports_seconds_flops_and_bfloat16(private_cache):
    report = run_bench(["speedrun"], quick=True)
    best, fast, peak, profile, bf16 = report.rows
    assert best.seconds > 0 and fast.seconds > 0 and fast.their_seconds == best.seconds
    assert "TFLOPs" in best.note and "fewer than best-cnn" in fast.note and "mean validation" in fast.note
    for row, recipe, model in ((best, "best", "best-cnn"), (fast, "speedrun", "speedrun-cnn")):  # against its precision's peak
        used = numeric_path(get_recipe(recipe, model)).precision.replace("-", " ")
        assert re.search(rf"\d+\.\d% of the {used} peak \(model FLOPs utilisation\)", row.note), row.note
    assert "float32: " in peak.note and "bfloat16 autocast: " in peak.note and "GFLOP/s" in peak.note
    assert "bfloat16 step" in bf16.note and bf16.passed_extra is True
    table = report.table()
    assert profile.table and profile.table in table
    assert "| group | best-cnn ms/step | share | speedrun-cnn ms/step | share |" in table
    for group in GROUPS:
        assert re.search(rf"\| {group} \| \d+\.\d\d \| \d+% \| \d+\.\d\d \| \d+% \|", table), group
