"""Reading a study: one row per trial (:func:`trial_table`) or a few lines (:func:`study_summary`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..extras import require

if TYPE_CHECKING:
    import optuna
    import pandas as pd
TrialState = require("optuna.trial").TrialState

__all__ = ["trial_table", "study_summary"]


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
