"""The benchmark runs (quick mode) and the library's article recipe gives the tutorial's numbers."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from apparel_lib.bench.comparisons import Row, run_bench
from apparel_lib.bench.measure import Sample

ROOT = Path(__file__).resolve().parents[1]


def test_row_arithmetic():
    row = Row("p", "w", [Sample(1.0, None), Sample(3.0, None), Sample(2.0, None)], [Sample(8.0, 1.5)], target_ratio=3.0)
    assert row.seconds == 2.0 and row.their_seconds == 8.0 and row.ratio == 4.0 and row.passed is True
    row.passed_extra = False
    assert row.passed is False
    assert Row("p", "w", [Sample(130.0, None)], target_seconds=120.0).passed is False
    assert Row("p", "w", [Sample(1.0, None)]).passed is None


def test_unknown_part_is_one_line_error():
    with pytest.raises(ValueError, match="unknown benchmark part 'speed'"):
        run_bench(["speed"], quick=True)


@pytest.mark.slow
def test_quick_bench_prints_the_table_and_json(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, "-m", "apparel_lib", "bench", "--quick", "layout", "article", "throughput",
                           "--json", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "QUICK MODE" in proc.stdout and "| article |" in proc.stdout and "identical numbers" in proc.stdout
    report = json.loads(out.read_text())
    assert report["machine"]["cores"] >= 1 and report["quick"] is True
    article = next(r for r in report["rows"] if r["part"] == "article")
    assert article["passed_extra"] is True and article["their_seconds"] > 0 and article["seconds"] > 0
    cached = next(r for r in report["rows"] if r["what"] == "read the practice layout, cached")
    assert cached["ratio"] > 1


def test_seconds_per_chapter_come_from_the_junit_report(tmp_path):
    from apparel_lib.bench.comparisons import _seconds_per_file

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
    assert _seconds_per_file(xml) == {"tests": 2.0, "03_plain_network": 5.25, "10_tuning": 4.0}


def test_failed_tests_are_named_from_the_junit_report(tmp_path):
    from apparel_lib.bench.comparisons import _failures

    xml = tmp_path / "junit.xml"
    xml.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.test_data" name="test_a" time="1.5"/>'
        '<testcase classname="notebooks.07_better_cnn.ipynb" name="Cell 12" time="2.0"><failure message="x"/></testcase>'
        '<testcase classname="tests.test_book" name="test_b" time="0.5"><error message="y"/></testcase>'
        '<testcase classname="tests.test_book" name="test_c" time="0.5"><skipped message="z"/></testcase>'
        "</testsuite></testsuites>"
    )
    assert _failures(xml) == ["notebooks.07_better_cnn.ipynb::Cell 12", "tests.test_book::test_b"]


@pytest.mark.slow
def test_quick_book_part_times_a_chapter_under_nbval(tmp_path):
    report = run_bench(["book"], quick=True)
    whole, *chapters = report.rows
    assert whole.part == "book" and whole.seconds > 0 and "passed" in whole.note, whole.note
    assert [r.what.split()[0] for r in chapters] == ["02_flattening"] and chapters[0].seconds > 0
