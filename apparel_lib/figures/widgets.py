"""Interactive explorers for the notebooks (ipywidgets) that also work in the static book.

Every view an explorer can show is computed when it is made and stored in the widget state;
the controls switch between views in the browser (``jslink`` into ``Stack`` widgets), so the
explorer responds in JupyterLab and in the built HTML book alike, with no kernel and no network.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from ..constants import CLASSES
from ..extras import require
from .spatial import TRANSFORMS, flatten_picture, row_similarity, transform_picture

if TYPE_CHECKING:
    import ipywidgets as widgets
else:
    widgets = require("ipywidgets")

__all__ = ["flatten_explorer", "feature_map_explorer", "map_caption", "map_alts", "flatten_alt", "to_png", "similarity_text"]

PICTURE_SCALE = 4  # a 28x28 picture is shown 112x112
ROW_HEIGHT = 14  # the 784-pixel row is shown 784 x 14


def _control(width: str = "20rem") -> widgets.Layout:
    """A control's layout: ``width`` where there is room, the row's width on a phone (a slider
    squeezed by its neighbours had a track of 0 px, so a drag jumped to the end)."""
    return widgets.Layout(width=width, max_width="100%", min_width="0")


def _control_row(controls: list[widgets.Widget]) -> widgets.HBox:
    """Controls side by side, wrapping onto the next line when the screen is narrower (390 px)."""
    return widgets.HBox(controls, layout=widgets.Layout(flex_flow="row wrap", max_width="100%"))


def to_png(image: np.ndarray, *, scale: tuple[int, int] = (1, 1), frame: int = 0) -> bytes:
    """A gray picture as PNG bytes, dark ink on white like the book's figures, each pixel a ``scale`` block
    (with a mid-gray ``frame`` that many pixels wide, drawn over the edge, where asked)."""
    image = np.asarray(image)
    gray = image.astype(np.float64) / (255.0 if image.dtype == np.uint8 else 1.0)
    ink = (255 - np.clip(gray, 0, 1) * 255).round().astype(np.uint8)
    ink = np.kron(ink, np.ones(scale, dtype=np.uint8))
    if frame:
        ink[:frame] = ink[-frame:] = FRAME_GRAY
        ink[:, :frame] = ink[:, -frame:] = FRAME_GRAY
    buf = io.BytesIO()
    Image.fromarray(ink, mode="L").save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def similarity_text(a: np.ndarray, b: np.ndarray) -> str:
    """The explorer's caption for two images: their rows' cosine similarity, 3 decimals."""
    return f"cosine similarity of the two rows: {row_similarity(a, b):.3f}"


def flatten_alt(title: str, name: str) -> str:
    """The alt text of one flattening view: what its picture shows, for a reader who cannot see it."""
    return (f"{title} and the same picture {name}, side by side in frames; below them the two pictures "
            f"flattened into rows of 784 pixels, the original's row on top")


def _composite(image: np.ndarray, changed: np.ndarray) -> np.ndarray:
    """One canvas in [0, 1]: the two pictures side by side in thin frames, then their flattened rows."""
    top = 255.0 if np.asarray(image).dtype == np.uint8 else 1.0
    block = np.ones((PICTURE_SCALE, PICTURE_SCALE))
    pics = [np.kron(np.asarray(im, dtype=np.float64) / top, block) for im in (image, changed)]
    rows = [np.kron(flatten_picture(im).astype(np.float64)[None, :] / top, np.ones((ROW_HEIGHT, 1))) for im in (image, changed)]
    width, side, gap = rows[0].shape[1], pics[0].shape[0], 8
    canvas = np.zeros((side + gap + 2 * ROW_HEIGHT + gap // 2, width))
    for left, pic in zip((0, side + gap), pics):
        frame = canvas[:side, left : left + side]
        frame[:] = pic
        frame[0, :] = frame[-1, :] = frame[:, 0] = frame[:, -1] = 0.15
    canvas[side + gap : side + gap + ROW_HEIGHT] = rows[0]
    canvas[side + gap + ROW_HEIGHT + gap // 2 :] = rows[1]
    return canvas


def _view(image: np.ndarray, name: str, title: str) -> widgets.HTML:
    """One image and one transformation as one HTML block: a picture of both images and both rows,
    and their rows' similarity."""
    changed = transform_picture(image, name)
    png = base64.b64encode(to_png(_composite(image, changed))).decode()
    return widgets.HTML(
        f"<div class='flatten-view'><b>{title}</b> and <b>{name}</b>: the pictures, then their flattened "
        f"rows (positions 0–783, the original on top)<br>"
        f"<img src='data:image/png;base64,{png}' alt='{escape(flatten_alt(title, name), quote=True)}'><br>"
        f"<span class='similarity'>{similarity_text(image, changed)}</span></div>"
    )


def flatten_explorer(
    images: np.ndarray, labels: Sequence[int], *, classes: Sequence[str] = CLASSES, count: int = 12
) -> widgets.VBox:
    """Pick one of the first ``count`` images and a transformation; see both as pictures and as
    flattened rows, with the cosine similarity of the rows.

    The views are precomputed (about 20 KB per image), so the explorer works without a kernel.
    """
    count = min(count, len(images))
    names = list(TRANSFORMS)
    slider = widgets.IntSlider(value=0, min=0, max=count - 1, description="image", layout=_control())
    dropdown = widgets.Dropdown(options=names, value="flipped upside down", description="transform",
                                layout=_control())
    per_image = []
    for i in range(count):
        image = np.asarray(images[i])
        title = f"{classes[int(labels[i])]} (test image {i})"
        stack = widgets.Stack([_view(image, name, title) for name in names], selected_index=dropdown.index)
        widgets.jslink((dropdown, "index"), (stack, "selected_index"))
        per_image.append(stack)
    views = widgets.Stack(per_image, selected_index=0)
    widgets.jslink((slider, "value"), (views, "selected_index"))
    return widgets.VBox([_control_row([slider, dropdown]), views])


MAP_SIDE = 112  # every feature map is shown 112 pixels wide, whatever its size
FRAME_GRAY = 128  # the frame around a dead channel's map, which would otherwise be all white
DEAD_LABEL = "dead channel: no response anywhere (every value is 0 or less)"


def map_caption(title: str, layer: str, channel: int, value: float) -> str:
    """The feature-map explorer's caption: which picture, layer and channel, and its strongest response."""
    return f"{title} · {layer} · channel {channel} · strongest response {value:.3f}"


def map_alts(title: str, layer: str, channel: int) -> tuple[str, str]:
    """The alt texts of one feature-map view: its picture's and its map's."""
    return (f"the picture: {title}",
            f"feature map of {layer}, channel {channel}, for {title}: darker where the channel "
            f"responds more strongly, scaled to its own strongest response")


def _map_view(image: np.ndarray, fmap: np.ndarray, caption: str, alts: tuple[str, str]) -> widgets.HTML:
    """One picture and one feature map side by side (the map scaled to its own maximum), with a
    caption; ``alts`` are the two images' alt texts (:func:`map_alts`)."""
    side = fmap.shape[0]
    top = float(fmap.max())
    shown = np.clip(fmap / top, 0, 1) if top > 0 else np.zeros_like(fmap)
    # a dead map is framed and labelled: white on white, it would not be seen at all
    dead = f"<br><span class='dead-map'>{DEAD_LABEL}</span>" if top <= 0 else ""
    pic = base64.b64encode(to_png(np.asarray(image), scale=(PICTURE_SCALE, PICTURE_SCALE))).decode()
    png = base64.b64encode(to_png(shown, scale=(MAP_SIDE // side, MAP_SIDE // side), frame=2 * (top <= 0))).decode()
    return widgets.HTML(
        f"<div class='map-view'><img src='data:image/png;base64,{pic}' alt='{escape(alts[0], quote=True)}'> "
        f"<img src='data:image/png;base64,{png}' alt='{escape(alts[1], quote=True)}' style='margin-left:12px'><br>"
        f"<span class='map-caption'>{caption}</span>{dead}</div>"
    )


def feature_map_explorer(
    images: np.ndarray, maps: dict[str, np.ndarray], titles: Sequence[str], *, channels: int = 8
) -> widgets.VBox:
    """Pick a picture, a layer and a channel; see the picture and that channel's feature map.

    ``maps`` holds, per layer name, the maps of all ``images`` (shape ``(N, C, H, W)``, from
    :func:`capture_maps`); the first ``channels`` channels of each layer are offered. Every view
    is precomputed (a few KB each) and switched in the browser, so it works without a kernel.
    """
    layers = list(maps)
    picture = widgets.Dropdown(options=list(titles), index=0, description="picture", layout=_control())
    layer = widgets.ToggleButtons(options=layers, index=0, description="layer")
    channel = widgets.IntSlider(value=0, min=0, max=channels - 1, description="channel", layout=_control())
    per_picture = []
    for i, title in enumerate(titles):
        per_layer = []
        for name in layers:
            views = []
            for c in range(channels):
                fmap = np.asarray(maps[name][i, c], dtype=np.float64)
                views.append(_map_view(images[i], fmap, map_caption(title, name, c, float(fmap.max())),
                                       map_alts(title, name, c)))
            stack = widgets.Stack(views, selected_index=0)
            widgets.jslink((channel, "value"), (stack, "selected_index"))
            per_layer.append(stack)
        stack = widgets.Stack(per_layer, selected_index=0)
        widgets.jslink((layer, "index"), (stack, "selected_index"))
        per_picture.append(stack)
    views = widgets.Stack(per_picture, selected_index=0)
    widgets.jslink((picture, "index"), (views, "selected_index"))
    return widgets.VBox([_control_row([picture, channel]), layer, views])
