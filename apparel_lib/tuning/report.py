"""Reading a study: one row per trial (:func:`trial_table`, narrowed for a page by
:func:`compact_trials`) or a few lines (:func:`study_summary`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..extras import require

if TYPE_CHECKING:
    import optuna
    import pandas as pd
TrialState = require("optuna.trial").TrialState

__all__ = ["trial_table", "compact_trials", "SHORT_HEADERS", "study_summary"]


def trial_table(study: optuna.Study) -> pd.DataFrame:
    """One row per trial: number, state, validation accuracy, the knobs, parameters, epochs, seconds."""
    import pandas as pd

    rows = []
    for t in study.get_trials(deepcopy=False):
        rows.append({
            "trial": t.number, "state": t.state.name.lower(),
            "val_acc": t.user_attrs.get("val_acc", t.value if t.state == TrialState.COMPLETE else None),
            **t.params,
            "parameters": t.user_attrs.get("parameters"),
            "epochs_run": t.user_attrs.get("epochs"),
            "seconds": t.user_attrs.get("seconds"),
        })
    return pd.DataFrame(rows).set_index("trial") if rows else pd.DataFrame()


SHORT_HEADERS = {"val_acc": "val", "dense_layers": "dense", "batch_size": "batch",
                 "parameters": "params", "epochs_run": "ran"}
"""The trial table's headers as :func:`compact_trials` shortens them."""


def compact_trials(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`trial_table`'s rows narrow enough for the book's column: short headers
    (:data:`SHORT_HEADERS`), accuracy to 4 places, ``lr`` to two significant digits (no
    exponent to break across lines), parameters in thousands, whole numbers without ".0"."""
    import pandas as pd

    def whole_number(v: float) -> str:
        return "" if pd.isna(v) else f"{v:.0f}"

    out = table.copy()
    if "val_acc" in out:
        out["val_acc"] = out["val_acc"].round(4)
    if "lr" in out:
        out["lr"] = out["lr"].map(lambda v: "" if pd.isna(v) else f"{v:.2g}")
    if "parameters" in out:
        out["parameters"] = out["parameters"].map(lambda v: "" if pd.isna(v) else f"{v / 1000:.0f}k")
    for name in ("hidden", "epochs_run"):
        if name in out:
            out[name] = out[name].map(whole_number)
    return out.rename(columns=SHORT_HEADERS)


def study_summary(study: optuna.Study) -> str:
    """A few lines: trials by state and the best trial (value, knobs, parameters)."""
    counts: dict[str, int] = {}
    for t in study.get_trials(deepcopy=False):
        counts[t.state.name.lower()] = counts.get(t.state.name.lower(), 0) + 1
    lines = [f"study {study.study_name!r}: " + (", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no trials")]
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if complete:
        best = study.best_trial
        knobs = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in best.params.items())
        lines.append(f"best: trial {best.number}, validation accuracy {best.value:.4f}, "
                     f"{best.user_attrs.get('parameters', 0):,} parameters")
        lines.append(f"      {knobs}")
    return "\n".join(lines)
