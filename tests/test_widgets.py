"""The flattening explorer: every view is precomputed and switched in the browser, numbers as the library computes."""

import numpy as np
import pytest

from apparel_lib.figures.spatial import TRANSFORMS, row_similarity, transform_picture
from apparel_lib.figures.widgets import flatten_explorer, to_png


@pytest.fixture(scope="module")
def explorer(data):
    return flatten_explorer(data.test_images[:5], data.test_labels[:5])


def _parts(box):
    (slider, dropdown), views = box.children[0].children, box.children[1]
    return slider, dropdown, views


def test_controls_are_linked_to_the_views_in_the_browser(explorer):
    slider, dropdown, views = _parts(explorer)
    assert slider.max == 4 and list(dropdown.options) == list(TRANSFORMS)
    assert len(views.children) == 5 and all(len(s.children) == len(TRANSFORMS) for s in views.children)
    # jslink: the link lives in the front end (a Link widget), so it works without a kernel
    links = [w for w in _all_widgets() if type(w).__name__ == "Link"]
    targets = {(link.source[0].model_id, link.source[1], link.target[0].model_id, link.target[1]) for link in links}
    assert (slider.model_id, "value", views.model_id, "selected_index") in targets
    for stack in views.children:
        assert (dropdown.model_id, "index", stack.model_id, "selected_index") in targets
    assert all(s.selected_index == dropdown.index for s in views.children)


def _all_widgets():
    from ipywidgets.widgets import widget

    return list(widget._instances.values())


def test_each_view_shows_the_librarys_number(explorer, data):
    _, _, views = _parts(explorer)
    for i, stack in enumerate(views.children):
        for name, view in zip(TRANSFORMS, stack.children):
            expected = row_similarity(data.test_images[i], transform_picture(data.test_images[i], name))
            assert f"<span class='similarity'>cosine similarity of the two rows: {expected:.3f}</span>" in view.value
            assert f"(test image {i})</b> and <b>{name}</b>" in view.value


def test_pictures_are_small_pngs(explorer):
    png = to_png(np.full((28, 28), 255, dtype=np.uint8), scale=(4, 4))
    assert png.startswith(b"\x89PNG") and len(png) < 1000
    _, _, views = _parts(explorer)
    total = sum(len(view.value) for stack in views.children for view in stack.children)
    assert total < 5 * 40_000  # under 40 KB an image, so a dozen images stay well under 1 MB


# --- the feature-map explorer (chapter 8) -----------------------------------------------------


@pytest.fixture(scope="module")
def map_explorer():
    rng = np.random.default_rng(0)
    images = rng.random((3, 28, 28))
    maps = {"conv 1": rng.random((3, 5, 28, 28)), "conv 2": rng.random((3, 5, 14, 14)), "conv 3": rng.random((3, 5, 7, 7))}
    titles = ["Sneaker (right)", "Bag (right)", "Shirt → T-shirt/top"]
    from apparel_lib.figures.widgets import feature_map_explorer

    return feature_map_explorer(images, maps, titles, channels=4), maps, titles


def test_map_explorer_controls_are_linked_in_the_browser(map_explorer):
    box, maps, titles = map_explorer
    (picture, channel), layer, views = box.children[0].children, box.children[1], box.children[2]
    assert list(picture.options) == titles and list(layer.options) == list(maps) and channel.max == 3
    assert len(views.children) == 3
    assert all(len(s.children) == 3 and all(len(c.children) == 4 for c in s.children) for s in views.children)
    links = {(link.source[0].model_id, link.source[1], link.target[0].model_id, link.target[1])
             for link in _all_widgets() if type(link).__name__ == "Link"}
    assert (picture.model_id, "index", views.model_id, "selected_index") in links
    for per_layer in views.children:
        assert (layer.model_id, "index", per_layer.model_id, "selected_index") in links
        for per_channel in per_layer.children:
            assert (channel.model_id, "value", per_channel.model_id, "selected_index") in links


def test_map_explorer_views_show_the_right_map(map_explorer):
    from apparel_lib.figures.widgets import map_caption

    box, maps, titles = map_explorer
    views = box.children[2]
    for i, per_layer in enumerate(views.children):
        for name, per_channel in zip(maps, per_layer.children):
            for c, view in enumerate(per_channel.children):
                caption = map_caption(titles[i], name, c, float(maps[name][i, c].max()))
                assert f"<span class='map-caption'>{caption}</span>" in view.value
    total = sum(len(v.value) for s in views.children for c in s.children for v in c.children)
    assert total < 3 * 3 * 4 * 8_000  # a few KB a view: 4 pictures x 4 layers x 8 channels stay near 1 MB


def dead_map_problems(view_html: str) -> list[str]:
    """What keeps a view of an all-zero map from being seen: its map image has no dark frame
    (white on white), or the view does not say the channel is dead."""
    import base64
    import io
    import re

    from PIL import Image

    from apparel_lib.figures.widgets import DEAD_LABEL

    pngs = re.findall(r"src='data:image/png;base64,([^']+)'", view_html)
    ink = np.asarray(Image.open(io.BytesIO(base64.b64decode(pngs[-1]))))  # the map, right of the picture
    edges = np.concatenate([ink[0], ink[-1], ink[:, 0], ink[:, -1]])
    problems = [] if (edges < 200).all() else ["the dead map has no frame: white on a white page"]
    return problems + ([] if DEAD_LABEL in view_html else ["the view does not say the channel is dead"])


def test_a_dead_channels_map_is_framed_and_labelled():
    from apparel_lib.figures.widgets import DEAD_LABEL, _map_view

    picture = np.random.default_rng(0).random((28, 28))
    dead = _map_view(picture, np.zeros((14, 14)), "caption", ("the picture", "the map")).value
    assert dead_map_problems(dead) == []
    live = _map_view(picture, np.random.default_rng(1).random((14, 14)), "caption", ("the picture", "the map")).value
    assert DEAD_LABEL not in live, "a live map is labelled dead"


def test_the_dead_map_check_can_fail():
    """Planted fault: the view as it was, a white square with no frame and no label."""
    import base64

    from apparel_lib.figures.widgets import MAP_SIDE

    white = base64.b64encode(to_png(np.zeros((14, 14)), scale=(MAP_SIDE // 14, MAP_SIDE // 14))).decode()
    old = f"<img src='data:image/png;base64,{white}' alt='feature map'><span class='map-caption'>c</span>"
    assert len(dead_map_problems(old)) == 2


# --- accessible names (screen readers) ---------------------------------------------------------


def _alts(html: str) -> list[str]:
    import html as html_lib
    import re

    return [html_lib.unescape(a) for a in re.findall(r"<img [^>]*alt='([^']*)'", html)]


def test_explorer_images_say_what_they_show(explorer, map_explorer, data):
    from apparel_lib.constants import CLASSES
    from apparel_lib.figures.widgets import flatten_alt, map_alts
    from tests.helpers import alt_text_problem

    _, _, views = _parts(explorer)
    for i, stack in enumerate(views.children):
        for name, view in zip(TRANSFORMS, stack.children):
            (alt,) = _alts(view.value)
            title = f"{CLASSES[int(data.test_labels[i])]} (test image {i})"
            assert alt == flatten_alt(title, name) and title in alt and name in alt
            assert alt_text_problem(alt) is None, alt_text_problem(alt)
    box, maps, titles = map_explorer
    for i, per_layer in enumerate(box.children[2].children):
        for name, per_channel in zip(maps, per_layer.children):
            for c, view in enumerate(per_channel.children):
                alts = _alts(view.value)
                assert alts == list(map_alts(titles[i], name, c)), alts
                assert [alt_text_problem(a) for a in alts] == [None, None]


def test_the_alt_text_check_catches_bad_alt_text():
    from tests.helpers import alt_text_problem

    assert alt_text_problem("../_images/03e6a1b2c3.png") and alt_text_problem("") and alt_text_problem(None)
    assert alt_text_problem("picture") and alt_text_problem("Feature map") and alt_text_problem("a boot")
    assert alt_text_problem("data:image/png;base64,AAAA") and alt_text_problem("_images/x")
    assert alt_text_problem("Two rows of eight validation pictures with their classes") is None


def test_every_explorer_control_has_a_name(explorer, map_explorer):
    """Each control's description is what the book's page script (book/theme/widget-labels.js)
    and JupyterLab's label show and name it by; an empty one would leave the control unnamed."""
    box, _, _ = map_explorer
    controls = [*_parts(explorer)[:2], *box.children[0].children, box.children[1]]
    assert [c.description for c in controls] == ["image", "transform", "picture", "channel", "layer"]
    assert all(not c.disabled for c in controls)
