"""The speedrun's record matches the attempts that make it, and the speedrun model is cheaper."""

import json
from pathlib import Path

from apparel_lib.models.registry import build_model
from apparel_lib.runs.spec import run_spec
from apparel_lib.training.flops import run_flops
from apparel_lib.training.recipes import get_recipe
from benchmarks.speedrun_attempts import ATTEMPTS, OUT, SPEEDRUN

ROOT = Path(__file__).resolve().parents[1]


def test_the_shipped_record_is_made_by_the_attempts_as_written():
    record = json.loads(OUT.read_text())
    assert OUT.is_relative_to(ROOT / "notebooks")  # where chapter 11 (and the staged book) reads it
    assert record["made_by"] == "python -m benchmarks.speedrun_attempts" and record["commit"] and record["machine"]["processor"]
    assert [a["name"] for a in record["attempts"]] == [a.name for a in ATTEMPTS]
    for attempt, entry in zip(ATTEMPTS, record["attempts"]):
        spec = run_spec(attempt.model, attempt.recipe, options=attempt.options, **attempt.changes)
        assert entry["spec"] == json.loads(json.dumps(spec.to_dict())), f"{attempt.name}: the record is stale, rerun the script"
        assert 0.8 < entry["val_acc"] < 1 and entry["tflops"] > 0 and entry["seconds"] > 0


def test_the_speedrun_does_at_most_a_quarter_of_best_cnns_arithmetic():
    sizes = {"train_size": 54_000, "val_size": 6_000}
    fast = run_flops(build_model("speedrun-cnn"), get_recipe("speedrun", "speedrun-cnn"), **sizes)
    best = run_flops(build_model("best-cnn"), get_recipe("best", "best-cnn"), **sizes)
    assert 4 * fast.total <= best.total, f"{fast} against best-cnn's {best}"


def test_the_record_names_the_speedrun_the_library_trains():
    attempt = next(a for a in ATTEMPTS if a.name == SPEEDRUN)
    spec = run_spec(attempt.model, attempt.recipe, options=attempt.options, **attempt.changes)
    assert spec.to_dict() == run_spec("speedrun-cnn", "speedrun").to_dict()
    others = [a for a in ATTEMPTS if a.name != SPEEDRUN]
    assert all(run_spec(a.model, a.recipe, options=a.options, **a.changes).to_dict() != spec.to_dict() for a in others)
