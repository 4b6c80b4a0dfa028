"""Interactive explorers for the notebooks (ipywidgets)."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
from IPython.display import display

from ..constants import CLASSES
from .plots import picture_and_row
from .spatial import TRANSFORMS, row_similarity, transform

__all__ = ["flatten_explorer"]


def flatten_explorer(images: np.ndarray, labels: Sequence[int], *, classes: Sequence[str] = CLASSES) -> widgets.VBox:
    """Pick an image and a transformation; see both as pictures and as flattened rows, side by side."""
    index = widgets.IntSlider(value=0, min=0, max=len(images) - 1, description="image")
    name = widgets.Dropdown(options=list(TRANSFORMS), value="flipped upside down", description="transform")
    out = widgets.Output()

    def draw(*_: object) -> None:
        image = np.asarray(images[index.value])
        changed = transform(image, name.value)
        with out:
            out.clear_output(wait=True)
            display(picture_and_row([image, changed], [classes[int(labels[index.value])], name.value]))
            print(f"cosine similarity of the two rows: {row_similarity(image, changed):.3f}")

    index.observe(draw, "value")
    name.observe(draw, "value")
    draw()
    return widgets.VBox([widgets.HBox([index, name]), out])
