"""scripts/tidy_notebooks.py: the same results give the same bytes, whatever the run's timestamps and widget ids."""

import importlib.util
import json
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("tidy_notebooks", ROOT / "scripts" / "tidy_notebooks.py")
tidy_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tidy_notebooks)

STATE = "application/vnd.jupyter.widget-state+json"
VIEW = "application/vnd.jupyter.widget-view+json"
ALT = {"image": {"alt": "a slider set to 3"}}  # the book's alt text for a cell's image output


def executed(path: Path, stamp: str) -> Path:
    """A small executed notebook with a slider whose model links to a layout, ids fresh each call."""
    slider, layout = uuid.uuid4().hex, uuid.uuid4().hex
    nb = {
        "cells": [{
            "cell_type": "code", "execution_count": 1, "id": "abc", "source": "slider",
            "metadata": {"execution": {"iopub.execute_input": stamp}, "tags": ["keep"], "mystnb": ALT},
            "outputs": [{"output_type": "display_data", "metadata": {},
                         "data": {"text/plain": "IntSlider(value=3)", VIEW: {"model_id": slider, "version_major": 2}}}],
        }],
        "metadata": {"widgets": {STATE: {"state": {
            layout: {"model_name": "LayoutModel", "state": {}},
            slider: {"model_name": "IntSliderModel", "state": {"layout": f"IPY_MODEL_{layout}", "value": 3}},
        }, "version_major": 2, "version_minor": 0}}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb, indent=1))
    return path


def test_two_runs_with_the_same_results_give_the_same_bytes(tmp_path):
    tidied = set()
    for run in range(8):  # random ids sort either way round: the result must not depend on it
        (tmp_path / str(run)).mkdir()
        path = executed(tmp_path / str(run) / "ch.ipynb", f"2026-01-0{run + 1}T00:00:00Z")
        before = path.read_bytes()
        assert tidy_notebooks.tidy(path) and path.read_bytes() != before
        assert not tidy_notebooks.tidy(path)  # already tidy: the file is not rewritten
        tidied.add(path.read_bytes())
    assert len(tidied) == 1


def test_links_between_widgets_survive_and_tags_and_alt_text_stay(tmp_path):
    path = executed(tmp_path / "ch.ipynb", "t")
    tidy_notebooks.tidy(path)
    nb = json.loads(path.read_text())
    state = nb["metadata"]["widgets"][STATE]["state"]
    view = nb["cells"][0]["outputs"][0]["data"][VIEW]["model_id"]
    assert view in state
    layout = state[view]["state"]["layout"].removeprefix("IPY_MODEL_")
    assert state[layout]["model_name"] == "LayoutModel"
    assert nb["cells"][0]["metadata"] == {"tags": ["keep"], "mystnb": ALT}
