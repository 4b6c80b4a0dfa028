"""Figures for looking inside a trained CNN (chapter 8) and for the reader's own picture (chapter 9).

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..constants import CLASSES
from ..extras import require
from .plots import MAX_WIDTH, TITLE_SIZE

Figure = require("matplotlib.figure").Figure
Rectangle = require("matplotlib.patches").Rectangle

__all__ = ["receptive_field_figure", "attribution_figure", "picture_steps_figure", "probability_bars"]


def _plain(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


def receptive_field_figure(image: np.ndarray, boxes: Mapping[str, tuple[int, int, int, int]], *, size: float = 2.0) -> Figure:
    """The picture once per layer, with the square of pixels one unit of that layer sees drawn on
    it. The titles give each box's size; a box from ``receptive_box(..., clip=False)`` may reach
    over the picture's edge (onto the zero padding), and is drawn cut at the edge."""
    n = len(boxes)
    size = min(size, MAX_WIDTH / n)
    fig = Figure(figsize=(n * size, size * 1.2), layout="constrained")
    height, width = np.asarray(image).shape
    for ax, (title, (top, left, bottom, right)) in zip(fig.subplots(1, n, squeeze=False).flat, boxes.items()):
        ax.imshow(np.asarray(image), cmap="gray_r", vmin=0, vmax=1)
        ax.add_patch(Rectangle((left - 0.5, top - 0.5), right - left, bottom - top, fill=True,
                               facecolor="tab:orange", alpha=0.25, edgecolor="tab:red", linewidth=2))
        ax.set_xlim(-0.5, width - 0.5)  # a box reaching over the edge (padding) is cut there
        ax.set_ylim(height - 0.5, -0.5)
        _plain(ax)
        ax.set_title(f"{title}\n{bottom - top}x{right - left} pixels", fontsize=TITLE_SIZE)
    return fig


def attribution_figure(
    images: np.ndarray, maps: Mapping[str, np.ndarray], titles: Sequence[str], *, size: float = 1.6
) -> Figure:
    """One row per picture: the picture, then one heat map per method (red: pixels that supported
    the class, blue: pixels that spoke against it). Each map is divided by its own largest
    absolute value, so one colour bar, from -1 to 1, reads every map."""
    n, methods = len(images), list(maps)
    ncols = 1 + len(methods)
    size = min(size, MAX_WIDTH / ncols)
    fig = Figure(figsize=(ncols * size, n * size * 1.25), layout="constrained")
    axes = fig.subplots(n, ncols, squeeze=False)
    shown = None
    for i, row in enumerate(axes):
        row[0].imshow(np.asarray(images[i]), cmap="gray_r", vmin=0, vmax=1)
        row[0].set_title(titles[i], fontsize=TITLE_SIZE - 1)
        for ax, method in zip(row[1:], methods):
            m = np.asarray(maps[method][i], dtype=float)
            limit = float(np.abs(m).max()) or 1.0
            ax.imshow(np.asarray(images[i]), cmap="gray_r", vmin=0, vmax=1, alpha=0.35)
            shown = ax.imshow(m / limit, cmap="RdBu_r", vmin=-1, vmax=1, alpha=0.8)
            if i == 0:
                ax.set_title(method, fontsize=TITLE_SIZE)
        for ax in row:
            _plain(ax)
    if shown is not None:
        bar = fig.colorbar(shown, ax=axes[:, 1:], shrink=0.6, ticks=[-1, 0, 1])
        bar.ax.set_yticklabels(["against\n(strongest)", "0", "for the class\n(strongest)"], fontsize=8)
        bar.set_label("share of the map's largest value", fontsize=8)
    return fig


STEP_TITLES = {
    "original": "your picture", "gray": "gray", "inverted": "inverted?", "cropped": "cropped",
    "square": "padded to a square", "resized": "resized to 28x28", "scaled": "scaled to [0, 1]",
}


def picture_steps_figure(steps: Mapping[str, np.ndarray], *, inverted: bool | None = None, size: float = 1.25) -> Figure:
    """Each preparation step as a picture, left to right, with its size (as the data set shows
    the network sees them: 0 black, 1 white; the original in its own colours)."""
    n = len(steps)
    size = min(size, MAX_WIDTH / n)
    fig = Figure(figsize=(n * size, size * 1.45), layout="constrained")
    for ax, (name, image) in zip(fig.subplots(1, n, squeeze=False).flat, steps.items()):
        image = np.asarray(image)
        if image.ndim == 3:
            ax.imshow(image)
        else:
            ax.imshow(image, cmap="gray", vmin=0, vmax=1)
        title = STEP_TITLES.get(name, name)
        if name == "inverted" and inverted is not None:
            title = "inverted" if inverted else "(already dark)"
        _plain(ax)
        ax.set_title(f"{title}\n{image.shape[1]}x{image.shape[0]}", fontsize=TITLE_SIZE - 1)
    return fig


def probability_bars(
    probabilities: Mapping[str, np.ndarray] | np.ndarray, *, classes: Sequence[str] = CLASSES, title: str | None = None
) -> Figure:
    """Horizontal bars of the ten class probabilities, one panel per picture, the top class highlighted."""
    if not isinstance(probabilities, Mapping):
        probabilities = {title or "": np.asarray(probabilities)}
    n = len(probabilities)
    ncols = min(n, 3)
    nrows = -(-n // ncols)
    width = min(3.0, MAX_WIDTH / ncols)
    fig = Figure(figsize=(ncols * width, nrows * 2.4), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.axis("off")
            continue
        name, p = list(probabilities.items())[i]
        p = np.asarray(p, dtype=float)
        colours = ["tab:blue" if c == int(p.argmax()) else "lightgray" for c in range(len(classes))]
        ax.barh(range(len(classes)), p, color=colours)
        ax.set_yticks(range(len(classes)), classes, fontsize=TITLE_SIZE - 1)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.tick_params(axis="x", labelsize=TITLE_SIZE - 1)
        if i % ncols:
            ax.set_yticklabels([])
        if name:
            ax.set_title(name, fontsize=TITLE_SIZE)
    return fig
