"""Figures: built without pyplot (no global figures left behind), with the expected panels."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from apparel_lib.errors import ApparelError
from apparel_lib.figures import plots
from apparel_lib.figures.plots import confusion_heatmap, per_class_bars, top_k_gallery
from apparel_lib.training.history import History


@pytest.fixture(autouse=True)
def no_global_figures():
    plt.close("all")
    yield
    assert plt.get_fignums() == [], "a plot function left a pyplot figure open"


def _panels(fig):
    return [ax for ax in fig.axes if ax.get_visible() and ax.axison]


def test_image_grid_titles_predictions(data):
    fig = plots.image_grid(data.train_images[:10], data.train_labels[:10], predictions=[0] * 10, ncols=4)
    titles = [ax.get_title() for ax in fig.axes[:10]]
    assert titles[0] == "Ankle boot\n→ T-shirt/top" and titles[1] == "T-shirt/top"
    assert len(_panels(fig)) == 10 and len(fig.axes) == 12
    fig.canvas.draw()


def test_examples_per_class_and_balance(data):
    assert len(plots.examples_per_class(data.train_images, data.train_labels, per_class=3).axes) == 30
    fig = plots.class_balance({"train": np.full(10, 6000), "test": np.full(10, 1000)})
    assert len(fig.axes[0].patches) == 20
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent()
    assert legend.y0 >= ax.get_window_extent().y1 - 1, "the legend must sit above the bars"


def test_wide_grids_are_capped_so_titles_stay_readable(data):
    fig = plots.image_grid(data.train_images[:24], data.train_labels[:24], ncols=12)
    assert fig.get_figwidth() <= plots.MAX_WIDTH + 1e-9
    assert fig.axes[0].title.get_fontsize() >= 9


def test_training_curves_plot_every_epoch():
    history = History([1.0, 0.5, 0.4], [0.5, 0.7, 0.8], [1.1, 0.6, 0.5], [0.45, 0.65, 0.7], [1.0, 1.0, 1.0])
    fig = plots.training_curves(history, title="t")
    loss_ax, acc_ax = fig.axes
    assert [len(line.get_xdata()) for line in loss_ax.lines] == [3, 3]
    assert list(acc_ax.lines[1].get_ydata()) == [0.45, 0.65, 0.7]


def test_pixel_histogram_picture_and_row_parameter_growth(data):
    assert plots.pixel_histogram(data.test_images[:10]).axes[0].get_yscale() == "log"
    assert len(plots.picture_and_row([data.test_images[0]] * 3, ["a", "b", "c"]).axes) == 6
    fig = plots.parameter_growth([28, 224])
    dense, conv = fig.axes[0].lines
    assert list(dense.get_ydata()) == [28 * 28 * 3 * 500 + 500, 224 * 224 * 3 * 500 + 500]
    assert list(conv.get_ydata()) == [112, 112]


def test_map_grid_one_panel_per_map():
    maps = [np.zeros((5, 5)), np.eye(5), -np.eye(3)]
    fig = plots.map_grid(maps, ["zero", "eye", "minus"], ncols=2)
    assert [ax.get_title() for ax in _panels(fig)] == ["zero", "eye", "minus"]
    with pytest.raises(ApparelError, match="one title per map"):
        plots.map_grid(maps, ["a"])


def test_accuracy_vs_parameters_one_line_per_family_and_references():
    import pandas as pd

    table = pd.DataFrame({"family": ["a", "a", "b"], "parameters": [100, 10, 50],
                          "val_acc": [0.8, 0.6, 0.7], "val_sd": [0.01, None, 0.02]})
    fig = plots.accuracy_vs_parameters(table, references={"reported": 0.65})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    data_lines = [c.lines[0] for c in ax.containers]
    assert [list(line.get_xdata()) for line in data_lines] == [[10, 100], [50]]
    assert [c.get_label() for c in ax.containers] == ["a", "b"]
    assert any(list(line.get_ydata()) == [0.65, 0.65] for line in ax.lines)
    fig.canvas.draw()


def test_bars_with_spread_and_accuracy_vs_shift():
    import pandas as pd

    table = pd.DataFrame({"model": ["plain", "plain", "cnn", "cnn"], "data": ["orig", "shuf"] * 2,
                          "val_acc": [0.8, 0.79, 0.85, 0.7], "val_sd": [0.01, 0.02, 0.01, 0.03]})
    fig = plots.bars_with_spread(table, group="model", bar="data")
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights == pytest.approx([0.8, 0.85, 0.79, 0.7])
    low, high = fig.axes[0].get_ylim()
    assert low == 0 and high > 0.85 + 0.03, "the bars must start at 0, with room for their labels"
    curves = {"plain": pd.Series([0.9, 0.5], index=[0, 1]), "cnn": pd.Series([0.9, 0.8], index=[0, 1])}
    ax = plots.accuracy_vs_shift(curves).axes[0]
    assert [list(line.get_ydata()) for line in ax.lines] == [[0.9, 0.5], [0.9, 0.8]]


def test_confusion_heatmap_writes_every_nonzero_count():
    counts = np.zeros((10, 10), dtype=int)
    counts[np.arange(10), np.arange(10)] = 50
    counts[6, 0], counts[0, 6] = 7, 3
    fig = confusion_heatmap(counts)
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == sorted(["50"] * 10 + ["7", "3"])


def test_per_class_bars_one_bar_per_class_and_model():
    fig = per_class_bars({"a": np.linspace(0.6, 0.95, 10), "b": np.full(10, 0.9)})
    assert len(fig.axes[0].patches) == 20
    assert fig.axes[0].get_ylim()[0] <= 0.6


def test_top_k_gallery_marks_the_true_class_green():
    images = np.zeros((3, 28, 28), dtype=np.uint8)
    probs = np.full((3, 10), 0.01)
    probs[:, 2] = 0.5
    probs[:, 7] = 0.3
    fig = top_k_gallery(images, [2, 7, 0], probs, k=3, ncols=2)
    bars = [ax for ax in fig.axes if ax.patches]
    assert len(bars) == 3
    colours = [[p.get_facecolor()[:3] for p in ax.patches] for ax in bars]
    green, red = (0.17254901960784313, 0.6274509803921569, 0.17254901960784313), (0.8392156862745098, 0.15294117647058825, 0.1568627450980392)
    assert colours[0][0] == green and colours[1][0] == red and colours[1][1] == green
    assert [lbl.get_text() for lbl in bars[0].get_yticklabels()][0] == "Pullover"


def test_attribution_maps_share_one_colour_bar_from_minus_one_to_one():
    from apparel_lib.figures.inside import attribution_figure

    images = np.zeros((2, 28, 28))
    maps = {"occlusion": np.stack([np.full((28, 28), 5.0), np.linspace(-2, 1, 784).reshape(28, 28)]),
            "gradients": np.full((2, 28, 28), -0.1)}
    fig = attribution_figure(images, maps, ["a", "b"])
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 1
    assert bars[0].get_ylim() == pytest.approx((-1, 1))
    shown = [im.get_array() for ax in fig.axes for im in ax.images if im.get_cmap().name == "RdBu_r"]
    assert len(shown) == 4 and all(np.abs(a).max() == pytest.approx(1.0) for a in shown)


def test_receptive_field_box_over_the_edge_is_titled_with_its_full_size():
    from apparel_lib.figures.inside import receptive_field_figure

    fig = receptive_field_figure(np.zeros((28, 28)), {"conv 4": (-1, -1, 25, 25)})
    ax = fig.axes[0]
    assert ax.get_title().endswith("26x26 pixels")
    assert ax.get_xlim() == (-0.5, 27.5) and ax.get_ylim() == (27.5, -0.5)


def test_readable_ticks_whole_epochs_and_plain_log_labels():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3))
    epochs, lrs = fig.subplots(1, 2)
    epochs.plot([0, 1, 2], [0.5, 0.6, 0.7])
    lrs.scatter([3e-4, 1e-3, 4e-3], [0.7, 0.8, 0.75])
    lrs.set_xscale("log")
    lrs.tick_params(labelsize=6)
    plots.readable_ticks(np.array([epochs, lrs]))
    fig.canvas.draw()
    assert all(float(t).is_integer() for t in epochs.get_xticks())
    low, high = lrs.get_xlim()
    shown = [t for t in lrs.get_xticklabels() if t.get_text() and low <= t.get_position()[0] <= high]
    assert len(shown) >= 2 and all(float(t.get_text()) == t.get_position()[0] for t in shown)
    boxes = sorted((t.get_window_extent() for t in shown), key=lambda b: b.x0)
    assert all(a.x1 <= b.x0 for a, b in zip(boxes, boxes[1:])), "tick labels overlap"
    assert not [t.get_text() for t in lrs.xaxis.get_minorticklabels() if t.get_text()]
    assert min(t.get_fontsize() for t in lrs.get_xticklabels()) >= plots.SMALLEST_TEXT


def _smallest_text_as_shown(fig) -> float:
    """The smallest text of ``fig`` in points as the book shows it: figures are stored at 100 dpi
    and scaled down to the 780-px column (1280-px window) when wider."""
    import matplotlib.text

    fig.canvas.draw()
    scale = min(1.0, 7.8 / fig.get_figwidth()) * 100 / 96
    return min(t.get_fontsize() * scale for t in fig.findobj(matplotlib.text.Text)
               if t.get_visible() and t.get_text().strip() and t.get_window_extent().width > 0)


def test_no_text_below_8_points_as_shown():
    import pandas as pd

    from apparel_lib.figures import inside

    images, labels = np.random.default_rng(0).random((100, 28, 28)), np.arange(100) % 10
    table = pd.DataFrame({"family": ["plain"] * 3 + ["cnn"] * 3, "parameters": [10, 100, 1000] * 2,
                          "val_acc": [0.7, 0.8, 0.85, 0.75, 0.85, 0.9], "val_sd": [0.01] * 6})
    figures = {
        "image_grid": plots.image_grid(images[:24], labels[:24], ncols=8),
        "examples_per_class": plots.examples_per_class(images, labels, per_class=10),
        "class_balance": plots.class_balance({"train": np.full(10, 6000), "test": np.full(10, 1000)}),
        "accuracy_vs_parameters": plots.accuracy_vs_parameters(table, references={"tutorial (65%)": 0.65}),
        "confusion_heatmap": confusion_heatmap(np.eye(10, dtype=int) * 50),
        "top_k_gallery": top_k_gallery(images[:6], labels[:6], np.full((6, 10), 0.1), k=3, ncols=3),
        "attribution_figure": inside.attribution_figure(images[:3], {"a": images[:3], "b": images[:3]}, list("xyz")),
        "receptive_field_figure": inside.receptive_field_figure(images[0], {"c1": (0, 0, 3, 3), "c4": (-1, -1, 25, 25)}),
    }
    small = {name: round(_smallest_text_as_shown(fig), 1) for name, fig in figures.items()}
    too_small = {k: float(v) for k, v in small.items() if v < plots.SMALLEST_TEXT}
    assert not too_small, f"text below {plots.SMALLEST_TEXT} pt as shown: {too_small}"


def test_reference_labels_sit_outside_the_plot():
    import pandas as pd

    table = pd.DataFrame({"family": ["plain"] * 2, "parameters": [10, 100], "val_acc": [0.65, 0.8], "val_sd": [0.01] * 2})
    ax = plots.accuracy_vs_parameters(table, references={"tutorial (65%)": 0.65}).axes[0]
    (label,) = ax.texts
    assert label.get_position()[0] > 1, "a reference label inside the plot can cover a point"


# --- readable as the book shows them (issue 34) ------------------------------------------------

COLUMN_PX, DPI = 784, 100  # the book's column in a 1280-px window; figures are stored at 100 dpi
SMALLEST_PX = 9


def smallest_text_px(fig) -> float:
    """The smallest text of ``fig`` in CSS pixels as the book shows it: stored at 100 dpi and
    scaled down to the column when wider."""
    import matplotlib.text

    fig.canvas.draw()
    scale = min(1.0, COLUMN_PX / (fig.get_figwidth() * DPI))
    return min(t.get_fontsize() * DPI / 72 * scale for t in fig.findobj(matplotlib.text.Text)
               if t.get_visible() and t.get_text().strip() and t.get_window_extent().width > 0)


def _capacity_table():
    """Chapter 5's kind of table: a one-point family at almost the size of a plain network."""
    import pandas as pd

    rows = [("linear", 7850, 0.84)] + [("plain network", p, a) for p, a in
                                        [(2395, 0.62), (7960, 0.84), (23860, 0.87), (79510, 0.885), (397510, 0.89)]]
    rows += [("CNN", p, a) for p, a in [(1400, 0.80), (3500, 0.86), (9800, 0.89)]]
    return pd.DataFrame(rows, columns=["family", "parameters", "val_acc"]).assign(val_sd=0.003)


REFERENCES = {"tutorial, simple network (about 65%)": 0.65, "tutorial, CNN on the test set (about 71%)": 0.71}


def test_no_figure_text_under_9_px_as_shown(data):
    import pandas as pd

    from apparel_lib.training.history import History

    images = data.test_images[:3]
    history = History([1.0, 0.5], [0.6, 0.75], [1.1, 0.6], [0.7, 0.8], [1.0, 1.0])
    figures = {
        "picture_and_row": plots.picture_and_row(images, ["original", "shifted 3 pixels right", "flipped"]),
        "map_grid": plots.map_grid([np.eye(28)] * 4, list("abcd"), ncols=2, size=2.2),
        "parameter_growth": plots.parameter_growth([28, 56, 112, 224]),
        "accuracy_vs_parameters": plots.accuracy_vs_parameters(_capacity_table(), references=REFERENCES),
        "training_curves": plots.training_curves(history),
        "accuracy_vs_shift": plots.accuracy_vs_shift({"plain": pd.Series([0.9, 0.5]), "cnn": pd.Series([0.9, 0.8])}),
        "examples_per_class": plots.examples_per_class(data.test_images, data.test_labels, per_class=10),
    }
    small = {name: round(smallest_text_px(fig), 1) for name, fig in figures.items()}
    assert all(v >= SMALLEST_PX for v in small.values()), f"text under {SMALLEST_PX} px as shown: {small}"


def test_the_text_size_check_can_fail():
    """Planted fault: chapter 2's figure as it was, 11 inches wide, shown at 71%."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 1.5))
    fig.subplots().set_title("picture", fontsize=9)
    assert smallest_text_px(fig) < SMALLEST_PX


def _display_points(line) -> np.ndarray:
    """The points of a drawn line in display pixels, 50 along each segment."""
    xy = line.get_transform().transform(np.column_stack([line.get_xdata(orig=False), line.get_ydata(orig=False)]).astype(float))
    if len(xy) < 2:
        return xy
    t = np.linspace(0, 1, 50)[:, None]
    return np.concatenate([a + t * (b - a) for a, b in zip(xy[:-1], xy[1:])])


def legend_problems(fig) -> list[str]:
    """Legends that lie over a drawn line, marker or reference line of their axes."""
    fig.canvas.draw()
    problems = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent()
        for line in ax.lines:
            points = _display_points(line)
            inside = (points[:, 0] > box.x0) & (points[:, 0] < box.x1) & (points[:, 1] > box.y0) & (points[:, 1] < box.y1)
            if inside.any():
                ys = set(np.ravel(line.get_ydata()))
                name = f"the line at {ys.pop():g}" if line.get_label().startswith("_") and len(ys) == 1 else repr(line.get_label())
                problems.append(f"the legend covers {name}")
    return problems


def hidden_markers(fig) -> list[str]:
    """Markers drawn under a filled marker of another line at the same place (closer than half
    its size): they cannot be seen."""
    fig.canvas.draw()
    problems = []
    for ax in fig.axes:
        # the data lines (an error bar's caps and bars are left out), named by their legend entry
        names = {c.lines[0]: c.get_label() for c in ax.containers if hasattr(c, "lines")}
        parts = {id(p) for c in ax.containers if hasattr(c, "lines") for group in c.lines[1:] for p in group}
        lines = sorted((line for line in ax.lines if id(line) not in parts and line.get_marker() not in (None, "None", "", " ")),
                       key=lambda line: line.get_zorder())  # stable: drawing order among equals
        for i, low in enumerate(lines):
            for high in lines[i + 1:]:
                if str(high.get_markerfacecolor()) == "none":
                    continue
                reach = high.get_markersize() * fig.dpi / 72 / 2
                a, b = (line.get_transform().transform(np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float))
                        for line in (low, high))
                if (np.linalg.norm(a[:, None] - b[None], axis=2) < reach).any():
                    problems.append(f"a marker of {names.get(low, low.get_label())!r} hides under "
                                    f"{names.get(high, high.get_label())!r}")
    return problems


def test_legends_clear_of_the_data_and_no_marker_hidden():
    import pandas as pd

    from apparel_lib.training.history import History

    history = History([1.0, 0.5, 0.4], [0.5, 0.7, 0.8], [1.1, 0.6, 0.5], [0.45, 0.65, 0.7], [1.0] * 3)
    bars = pd.DataFrame({"model": ["plain", "plain", "cnn", "cnn"], "data": ["orig", "shuf"] * 2,
                         "val_acc": [0.8, 0.79, 0.85, 0.7], "val_sd": [0.01, 0.02, 0.01, 0.03]})
    figures = {
        "accuracy_vs_parameters": plots.accuracy_vs_parameters(_capacity_table(), references=REFERENCES),
        "parameter_growth": plots.parameter_growth([28, 56, 112, 224]),
        "training_curves": plots.training_curves(history),
        "bars_with_spread": plots.bars_with_spread(bars, group="model", bar="data"),
    }
    problems = {name: legend_problems(fig) + hidden_markers(fig) for name, fig in figures.items()}
    assert not any(problems.values()), problems


def test_the_legend_and_marker_checks_can_fail():
    """Planted faults: chapter 5's figure as it was, the legend in the lower right over the 65%
    line and the linear point, filled and drawn first, under a plain network's marker."""
    fig = plots.accuracy_vs_parameters(_capacity_table(), references=REFERENCES)
    ax = fig.axes[0]
    ax.legend(loc="lower right")
    assert "the legend covers the line at 0.65" in legend_problems(fig)
    (ring,) = [c.lines[0] for c in ax.containers if c.get_label() == "linear"]
    ring.set_markerfacecolor(ring.get_color())
    ring.set_markersize(6)
    ring.set_zorder(1)
    assert hidden_markers(fig)


def cut_cells(html: str) -> list[str]:
    """Cells of an HTML table that pandas cut at its display limit (they end in "...")."""
    import re

    return [c for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.DOTALL) if c.rstrip().endswith("...")]


def test_a_whole_table_shows_every_cell_whole():
    import pandas as pd

    from apparel_lib.figures.tables import whole

    why = "a long explanation of an attempt, " * 4
    table = pd.DataFrame({"name": ["a", "b"], "why": [why, "short"]})
    shown = whole(table)
    assert cut_cells(shown._repr_html_()) == [] and why.strip() in shown._repr_html_()
    assert why.strip() in repr(shown)
    assert cut_cells(table._repr_html_()), "planted fault: pandas' own view cuts the long cell"


def test_compact_trials_fit_without_exponents():
    import pandas as pd

    from apparel_lib.tuning.report import SHORT_HEADERS, compact_trials

    trials = pd.DataFrame({"state": ["complete", "pruned"], "val_acc": [0.83371, None], "lr": [0.0017, 0.00043],
                           "dense_layers": [1, 0], "batch_size": [64, 256], "parameters": [805818, 805818],
                           "epochs_run": [3.0, 1.0], "hidden": [256.0, None]}, index=pd.Index([95, 100], name="trial"))
    shown = compact_trials(trials)
    assert list(shown["lr"]) == ["0.0017", "0.00043"] and list(shown["hidden"]) == ["256", ""]
    assert set(SHORT_HEADERS.values()) <= set(shown.columns) and max(map(len, shown.columns)) <= 7
