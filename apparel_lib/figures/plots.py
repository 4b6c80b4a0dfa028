"""Figures for the book: image grids, class balance, pixel statistics, training curves.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot, so a notebook
shows it exactly once (as the cell's value) and no global figure state is left behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..constants import CLASSES, IMAGE_SIZE
from ..errors import ApparelError
from ..extras import require
from ..models.parameters import conv_parameters, dense_parameters
from ..training.history import History

Figure = require("matplotlib.figure").Figure
_ticker = require("matplotlib.ticker")
MaxNLocator = _ticker.MaxNLocator

__all__ = [
    "image_grid",
    "examples_per_class",
    "class_balance",
    "pixel_histogram",
    "training_curves",
    "picture_and_row",
    "parameter_growth",
    "map_grid",
    "accuracy_vs_parameters",
    "bars_with_spread",
    "accuracy_vs_shift",
    "confusion_heatmap",
    "per_class_bars",
    "top_k_gallery",
    "cost_frontier",
    "readable_ticks",
]


# The book shows figures up to COLUMN_WIDTH inches wide (784 px at 100 dpi, its column in a
# 1280-px window); wider figures are scaled down, text included.
# Grids are capped at this width so that a 9-point title stays readable on the page, and no
# text is set below SMALLEST_TEXT points (tests/test_plots.py checks both as shown on the page).
COLUMN_WIDTH = 7.84
MAX_WIDTH = 9.0
TITLE_SIZE = 9
SMALLEST_TEXT = 8


def _image(ax, image: np.ndarray, title: str | None = None) -> None:
    image = np.asarray(image)
    ax.imshow(image.reshape(IMAGE_SIZE, IMAGE_SIZE), cmap="gray_r", vmin=0, vmax=255 if image.dtype == np.uint8 else 1)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE)


def image_grid(
    images: np.ndarray,
    labels: Sequence[int] | None = None,
    *,
    predictions: Sequence[int] | None = None,
    ncols: int = 8,
    classes: Sequence[str] = CLASSES,
    size: float = 1.3,
) -> Figure:
    """Images in a grid, titled with their class (and the prediction, when given and different).

    Each picture is ``size`` inches wide, less when ``ncols`` pictures would not fit the page.
    """
    n = len(images)
    nrows = max(1, -(-n // ncols))
    size = min(size, MAX_WIDTH / ncols)
    fig = Figure(figsize=(ncols * size, nrows * size * 1.15), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.axis("off")
            continue
        title = None
        if labels is not None:
            title = classes[int(labels[i])]
            if predictions is not None and int(predictions[i]) != int(labels[i]):
                title = f"{title}\n→ {classes[int(predictions[i])]}"
        _image(ax, images[i], title)
    return fig


def map_grid(maps: Sequence[np.ndarray], titles: Sequence[str], *, ncols: int = 4, size: float = 2.0) -> Figure:
    """2-D maps of any values (feature maps, kernels) in a grid, each on its own colour scale.

    Blue is negative, red positive, white zero, so the sign of a response is easy to read.
    """
    if len(maps) != len(titles):
        raise ApparelError(f"{len(maps)} maps but {len(titles)} titles: give one title per map")
    nrows = max(1, -(-len(maps) // ncols))
    size = min(size, MAX_WIDTH / ncols)
    fig = Figure(figsize=(ncols * size, nrows * size * 1.15), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(maps):
            ax.axis("off")
            continue
        m = np.asarray(maps[i], dtype=float)
        limit = float(np.abs(m).max()) or 1.0
        ax.imshow(m, cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(titles[i], fontsize=TITLE_SIZE)
    return fig


def examples_per_class(images: np.ndarray, labels: np.ndarray, *, per_class: int = 8, classes: Sequence[str] = CLASSES) -> Figure:
    """One row per class with its first ``per_class`` images (narrower pictures when they would
    not fit the page beside the class names)."""
    size = min(1.0, (MAX_WIDTH - 1.6) / per_class)
    fig = Figure(figsize=(per_class * size + 1.6, len(classes) * size), layout="constrained")
    axes = fig.subplots(len(classes), per_class, squeeze=False)
    for c, row in enumerate(axes):
        picks = np.flatnonzero(np.asarray(labels) == c)[:per_class]
        for ax, i in zip(row, picks):
            _image(ax, images[i])
        row[0].set_ylabel(classes[c], rotation=0, ha="right", va="center", fontsize=9)
    return fig


def class_balance(counts: dict[str, np.ndarray], classes: Sequence[str] = CLASSES) -> Figure:
    """Grouped bars: images per class for each named split, e.g. ``{"train": ..., "test": ...}``."""
    fig = Figure(figsize=(9, 3.2), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / max(1, len(counts))
    x = np.arange(len(classes))
    for k, (name, values) in enumerate(counts.items()):
        ax.bar(x + k * width - 0.4 + width / 2, values, width, label=name)
    ax.set_xticks(x, classes, rotation=30, ha="right")
    ax.set_ylabel("images")
    # Above the axes, where it cannot cover a bar (equal classes make every bar the same height).
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(counts), frameon=False)
    return fig


def pixel_histogram(images: np.ndarray, *, bins: int = 52) -> Figure:
    """Histogram of all pixel values (log scale: most pixels are background)."""
    fig = Figure(figsize=(7, 2.8), layout="constrained")
    ax = fig.subplots()
    ax.hist(np.asarray(images).ravel(), bins=bins, color="tab:gray")
    ax.set_yscale("log")
    ax.set_xlabel("pixel value")
    ax.set_ylabel("pixels (log scale)")
    return fig


def training_curves(history: History, *, title: str | None = None) -> Figure:
    """Loss and accuracy per epoch, training against validation."""
    fig = Figure(figsize=(10, 3.3), layout="constrained")
    ax_loss, ax_acc = fig.subplots(1, 2)
    epochs = np.arange(1, history.epochs + 1)
    for ax, key, label in ((ax_loss, "loss", "cross-entropy loss"), (ax_acc, "acc", "accuracy")):
        ax.plot(epochs, getattr(history, f"train_{key}"), marker=".", label="training")
        ax.plot(epochs, getattr(history, f"val_{key}"), marker=".", label="validation")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    return fig


def picture_and_row(images: Sequence[np.ndarray], titles: Sequence[str]) -> Figure:
    """Each image twice: as the 28x28 picture we see, and as the 784-long row a plain network sees."""
    n = len(images)
    # narrower than the column (with room for the saved figure's margins), so that the book
    # shows the labels at their size
    fig = Figure(figsize=(COLUMN_WIDTH - 0.25, 1.2 * n), layout="constrained")
    axes = fig.subplots(n, 2, squeeze=False, width_ratios=[1, 7])
    for (ax_pic, ax_row), image, title in zip(axes, images, titles):
        _image(ax_pic, image)
        ax_pic.set_ylabel(title, rotation=0, ha="right", va="center", fontsize=9)
        image = np.asarray(image)
        ax_row.imshow(image.reshape(1, -1), cmap="gray_r", aspect="auto", interpolation="nearest", vmin=0, vmax=255 if image.dtype == np.uint8 else 1)
        ax_row.set_yticks([])
    axes[-1, 1].set_xlabel("position in the flattened row (0-783)")
    axes[0, 0].set_title("picture", fontsize=9)
    axes[0, 1].set_title("flattened row", fontsize=9)
    return fig


def parameter_growth(sides: Sequence[int], *, channels: int = 3, hidden: int = 500, filters: int = 4) -> Figure:
    """Parameters of a dense first layer versus a 3x3 convolution as square colour images grow."""
    sides = np.asarray(sides)
    fig = Figure(figsize=(7, 3.3), layout="constrained")
    ax = fig.subplots()
    ax.plot(sides, [dense_parameters(int(s) * int(s) * channels, hidden) for s in sides], marker="o", label=f"dense layer, {hidden} units")
    ax.plot(sides, [conv_parameters(channels, filters) for _ in sides], marker="s", label=f"3×3 convolution, {filters} filters")
    ax.set_yscale("log")
    ax.set_xlabel(f"image side in pixels ({channels} channels)")
    ax.set_ylabel("parameters (log scale)")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return fig


def accuracy_vs_parameters(
    table: pd.DataFrame,
    *,
    family: str = "family",
    x: str = "parameters",
    y: str = "val_acc",
    spread: str | None = "val_sd",
    references: Mapping[str, float] | None = None,
) -> Figure:
    """Accuracy against the number of parameters (log axis), one line per ``family`` of models,
    with error bars from ``spread`` where it is known and dashed lines at ``references``
    (e.g. numbers a tutorial reported)."""
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.subplots()
    groups = list(zip(table.groupby(family, sort=False), "osD^v<>"))
    # a family of one point is drawn last, as a larger ring, so that a point of another family
    # at the same place cannot hide it
    for (name, rows), marker in sorted(groups, key=lambda g: len(g[0][1]) == 1):
        rows = rows.sort_values(x)
        err = rows[spread].fillna(0) if spread is not None and spread in rows else None
        ring = {"markersize": 11, "markerfacecolor": "none", "markeredgewidth": 2, "zorder": 3} if len(rows) == 1 else {}
        ax.errorbar(rows[x], rows[y], yerr=err, marker=marker, capsize=3, label=str(name), **ring)
    for (label, value), color in zip((references or {}).items(), ("tab:gray", "tab:red", "tab:purple")):
        ax.axhline(value, linestyle="--", color=color, linewidth=1)
        # labelled outside the plot, on the right, so that no label covers a point
        ax.annotate(label, (1.01, value), xycoords=("axes fraction", "data"), fontsize=TITLE_SIZE,
                    color=color, va="center", ha="left")
    ax.set_xscale("log")
    ax.set_xlabel("trainable parameters (log scale)")
    ax.set_ylabel("validation accuracy" if y.startswith("val") else y)
    ax.grid(alpha=0.3, which="both")
    # above the plot, clear of the points and the reference lines
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(groups), frameon=False)
    return fig


def bars_with_spread(
    table: pd.DataFrame,
    *,
    group: str,
    bar: str,
    y: str = "val_acc",
    spread: str = "val_sd",
) -> Figure:
    """Grouped bars of the mean ``y`` with error bars of ``spread`` (one group per value of
    ``group``, one bar per value of ``bar``), each labelled with its mean. The bars start at 0,
    so their heights compare as the values do (the labels carry the small differences)."""
    groups = list(dict.fromkeys(table[group]))
    bars = list(dict.fromkeys(table[bar]))
    fig = Figure(figsize=(7, 3.6), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / max(1, len(bars))
    for k, name in enumerate(bars):
        rows = table[table[bar] == name].set_index(group).reindex(groups)
        pos = np.arange(len(groups)) + k * width - 0.4 + width / 2
        drawn = ax.bar(pos, rows[y], width, yerr=rows[spread].fillna(0), capsize=4, label=str(name))
        ax.bar_label(drawn, labels=[f"{v:.1%}" for v in rows[y]], fontsize=8, padding=2)
    ax.set_xticks(np.arange(len(groups)), groups)
    ax.set_ylabel("validation accuracy" if y.startswith("val") else y)
    ax.margins(y=0.12)  # room for the labels above the bars
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(bars), frameon=False, fontsize=8)
    return fig


def accuracy_vs_shift(curves: Mapping[str, pd.Series], *, ylabel: str = "validation accuracy") -> Figure:
    """Accuracy against how far the pictures were moved, one line per named model."""
    fig = Figure(figsize=(7, 3.6), layout="constrained")
    ax = fig.subplots()
    for (name, series), marker in zip(curves.items(), "osD^v<>"):
        ax.plot(series.index, series.values, marker=marker, label=name)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("shift (pixels, mean of right, left, down, up)")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def confusion_heatmap(counts: np.ndarray, *, classes: Sequence[str] = CLASSES, title: str | None = None) -> Figure:
    """A confusion matrix as a heatmap: rows are true classes, columns predictions, each cell its
    count; the colour is the share of the true class, so rare mistakes stay visible (log scale)."""
    counts = np.asarray(counts)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    fig = Figure(figsize=(6.4, 5.4), layout="constrained")
    ax = fig.subplots()
    colors = require("matplotlib.colors")

    shown = ax.imshow(np.maximum(shares, 1e-3), cmap="Blues", norm=colors.LogNorm(vmin=1e-3, vmax=1))
    for i, j in np.ndindex(counts.shape):
        if counts[i, j]:
            ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=SMALLEST_TEXT,
                    color="white" if shares[i, j] > 0.5 else "black")
    ax.set_xticks(range(len(classes)), classes, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(classes)), classes, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE + 1)
    fig.colorbar(shown, ax=ax, label="share of the true class")
    return fig


def per_class_bars(accuracies: Mapping[str, Sequence[float]], *, classes: Sequence[str] = CLASSES) -> Figure:
    """Per-class accuracy of several models side by side (one bar colour per model)."""
    fig = Figure(figsize=(7.5, 3.4), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / max(1, len(accuracies))
    for k, (name, values) in enumerate(accuracies.items()):
        ax.bar(np.arange(len(classes)) + k * width - 0.4 + width / 2, values, width, label=name)
    ax.set_xticks(range(len(classes)), classes, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("validation accuracy")
    low = min(min(v) for v in accuracies.values())
    ax.set_ylim(max(0.0, np.floor(low * 10) / 10 - 0.05), 1.0)
    ax.legend(loc="lower left", fontsize=8)
    return fig


def top_k_gallery(
    images: np.ndarray, labels: Sequence[int], probabilities: np.ndarray, *, k: int = 3,
    ncols: int = 4, classes: Sequence[str] = CLASSES,
) -> Figure:
    """Each picture with its true class and the model's ``k`` most probable classes beside it."""
    probabilities = np.asarray(probabilities)
    n = len(images)
    nrows = max(1, -(-n // ncols))
    fig = Figure(figsize=(min(MAX_WIDTH, 2.25 * ncols), 1.45 * nrows), layout="constrained")
    cells = fig.subplots(nrows, 2 * ncols, squeeze=False, width_ratios=[1.2, 1] * ncols)
    for idx in range(nrows * ncols):
        ax_img, ax_bar = cells[idx // ncols, 2 * (idx % ncols)], cells[idx // ncols, 2 * (idx % ncols) + 1]
        if idx >= n:
            ax_img.axis("off")
            ax_bar.axis("off")
            continue
        _image(ax_img, images[idx])
        ax_img.set_title(f"true: {classes[labels[idx]]}", fontsize=SMALLEST_TEXT)
        top = np.argsort(-probabilities[idx])[:k]
        colours = ["tab:green" if c == labels[idx] else "tab:red" for c in top]
        ax_bar.barh(range(k), probabilities[idx][top], color=colours)
        ax_bar.set_yticks(range(k), [classes[c] for c in top], fontsize=SMALLEST_TEXT)
        ax_bar.invert_yaxis()
        ax_bar.set_xlim(0, 1)
        ax_bar.set_xticks([0, 0.5, 1], ["0", "0.5", "1"])
        ax_bar.tick_params(axis="x", labelsize=SMALLEST_TEXT)
    return fig


def cost_frontier(records: pd.DataFrame, *, cost: str = "tflops", accuracy: str = "val_acc", label: str = "name",
                  xlabel: str = "training arithmetic (TFLOPs)") -> Figure:
    """Accuracy against a cost (FLOPs or seconds), one labelled point per attempt, with the
    frontier: the attempts that no cheaper attempt beats, joined by a line."""
    if records.empty:
        raise ApparelError("cost_frontier needs at least one attempt: pass a table with rows")
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.subplots()
    ordered = records.sort_values(cost)
    best = ordered[accuracy].cummax()
    frontier = ordered[ordered[accuracy] >= best]
    ax.plot(frontier[cost], 100 * frontier[accuracy], color="tab:blue", linewidth=1, zorder=1)
    ax.scatter(ordered[cost], 100 * ordered[accuracy], color="tab:blue", zorder=2)
    for _, row in ordered.iterrows():
        ax.annotate(str(row[label]), (row[cost], 100 * row[accuracy]), textcoords="offset points", xytext=(5, 4), fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("validation accuracy (%)")
    ax.grid(alpha=0.3)
    return fig


def _plotted(ax, which: int) -> np.ndarray:
    """The x (``which=0``) or y (1) values of everything drawn on ``ax`` as lines or points."""
    values = [np.asarray(line.get_xydata())[:, which] for line in ax.lines]
    values += [np.asarray(c.get_offsets())[:, which] for c in ax.collections if len(c.get_offsets())]
    return np.concatenate(values).astype(float) if values else np.array([])


def readable_ticks(axes) -> None:
    """Tidy the ticks of a plot drawn by another library (e.g. optuna's, whose Axes it takes, one
    or an array): whole-number ticks on an axis whose values are all whole numbers (epochs,
    trials); on a log axis, plain numbers at 1, 2 and 5 times each power of ten (only powers of
    ten over more than two decades) and no labels on minor ticks, which overlapped; tick labels
    at least ``SMALLEST_TEXT`` points, slanted on the x axis of a log scale."""
    for ax in np.atleast_1d(axes).ravel():
        for which, axis in enumerate((ax.xaxis, ax.yaxis)):
            values = _plotted(ax, which)
            if axis.get_scale() == "log":
                low, high = (ax.get_xlim() if which == 0 else ax.get_ylim())
                subs = (1.0,) if high / low > 100 else (1.0, 2.0, 5.0)
                axis.set_major_locator(_ticker.LogLocator(base=10, subs=subs))
                axis.set_major_formatter(_ticker.FuncFormatter(lambda v, _: f"{v:g}"))
                axis.set_minor_formatter(_ticker.NullFormatter())
                if which == 0:
                    ax.tick_params(axis="x", labelrotation=30)
            elif values.size and np.all(np.isfinite(values)) and np.all(values == np.round(values)):
                axis.set_major_locator(MaxNLocator(integer=True))
        if any(label.get_fontsize() < SMALLEST_TEXT for label in ax.get_xticklabels() + ax.get_yticklabels()):
            ax.tick_params(labelsize=SMALLEST_TEXT)
