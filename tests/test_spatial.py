"""Flattening helpers: transformations, row similarity and the parameter arithmetic."""

import numpy as np
import pytest

from apparel_lib.data.variants import pixel_permutation
from apparel_lib.figures.spatial import TRANSFORMS, flatten_picture, row_similarity, transform_picture
from apparel_lib.models.parameters import conv_parameters, dense_parameters, parameter_table


@pytest.fixture
def image(data):
    return data.test_images[0]


def test_flatten_reads_rows_top_to_bottom(image):
    row = flatten_picture(image)
    assert row.shape == (784,) and np.array_equal(row[28:56], image[1])


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transformations_keep_every_pixel_value(image, name):
    out = transform_picture(image, name)
    assert out.shape == (28, 28)
    if "shifted" not in name:  # a shift wraps around, so it keeps the values too, just not these tests' twins
        assert np.array_equal(np.sort(out.ravel()), np.sort(image.ravel()))


def test_flips_are_their_own_inverse_and_shuffle_is_fixed(image):
    assert np.array_equal(transform_picture(transform_picture(image, "flipped upside down"), "flipped upside down"), image)
    assert not np.array_equal(transform_picture(image, "flipped upside down"), image)
    assert np.array_equal(transform_picture(image, "pixels shuffled (seed 0)"), transform_picture(image, "pixels shuffled (seed 0)"))
    perm = pixel_permutation(0)
    assert sorted(perm.tolist()) == list(range(784)) and not np.array_equal(perm, np.arange(784))
    assert not np.array_equal(pixel_permutation(0), pixel_permutation(1))


def test_row_similarity(image):
    assert row_similarity(image, image) == pytest.approx(1.0)
    assert row_similarity(image, np.zeros_like(image)) == 0.0
    assert 0 < row_similarity(image, transform_picture(image, "flipped upside down")) < 0.9


def test_unknown_transformation(image):
    with pytest.raises(ValueError, match="unknown transformation"):
        transform_picture(image, "sheared")


def test_parameter_arithmetic():
    assert dense_parameters(784, 500) == 392_500
    assert dense_parameters(224 * 224 * 3, 500) == 75_264_500
    assert conv_parameters(1, 4) == 40 and conv_parameters(4, 4) == 148
    table = parameter_table([(28, 28, 1), (28, 28, 3), (224, 224, 3)], hidden=500)
    assert table["flattened inputs"].tolist() == [784, 2_352, 150_528]
    assert table["3×3 conv, 4 filters"].tolist() == [40, 112, 112]
