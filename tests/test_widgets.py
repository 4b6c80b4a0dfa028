"""The flattening explorer: both views redraw when the image or the transformation changes."""

import matplotlib

matplotlib.use("Agg")

from apparel_lib.figures.widgets import flatten_explorer  # noqa: E402


def test_explorer_redraws_on_change(data):
    box = flatten_explorer(data.test_images[:5], data.test_labels[:5])
    (slider, dropdown), out = box.children[0].children, box.children[1]
    assert slider.max == 4 and "flipped upside down" in dropdown.options
    drawn = []
    out.clear_output = lambda wait=False: drawn.append("cleared")  # outside a kernel, count redraws instead
    slider.value = 3
    dropdown.value = "rotated 90°"
    assert drawn == ["cleared", "cleared"]
