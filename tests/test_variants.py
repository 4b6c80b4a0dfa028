"""Data variants: shuffled pixels, shifted pictures, smaller training sets; and batch augmentation."""

import numpy as np
import pytest
import torch

from apparel_lib.data.variants import DataVariant, apply_variant, permute_pixels, pixel_permutation, shift_images
from apparel_lib.training.augment import augment_batch


def test_shift_moves_content_and_fills_background():
    x = torch.arange(1, 10, dtype=torch.float32).reshape(1, 1, 3, 3)
    right = shift_images(x, 1, 0)
    assert right[0, 0].tolist() == [[0, 1, 2], [0, 4, 5], [0, 7, 8]]
    up = shift_images(x, 0, -1)
    assert up[0, 0].tolist() == [[4, 5, 6], [7, 8, 9], [0, 0, 0]]
    assert torch.equal(shift_images(x, 0, 0), x)
    assert shift_images(x, 3, 0).sum() == 0
    assert torch.equal(shift_images(shift_images(x, 1, 1), -1, -1)[..., :2, :2], x[..., :2, :2])


def test_permutation_is_fixed_and_invertible():
    x = torch.rand(2, 1, 28, 28)
    perm = pixel_permutation(0)
    assert sorted(perm.tolist()) == list(range(784))
    assert np.array_equal(perm, pixel_permutation(0)) and not np.array_equal(perm, pixel_permutation(1))
    shuffled = permute_pixels(x, perm)
    assert not torch.equal(shuffled, x)
    assert torch.equal(shuffled.reshape(2, -1)[:, np.argsort(perm)].reshape(x.shape), x)


def test_apply_variant(tiny_splits):
    assert apply_variant(tiny_splits, DataVariant()) is tiny_splits
    shuffled = apply_variant(tiny_splits, DataVariant(permutation_seed=0))
    for name in ("x_train", "x_val", "x_test"):
        a, b = getattr(tiny_splits, name), getattr(shuffled, name)
        assert a.shape == b.shape and not torch.equal(a, b)
        assert torch.equal(a.reshape(len(a), -1).sort(1).values, b.reshape(len(b), -1).sort(1).values)
    assert torch.equal(shuffled.y_val, tiny_splits.y_val)
    small = apply_variant(tiny_splits, DataVariant(train_subset=100))
    assert len(small.y_train) == 100 and len(small.train_index) == 100
    share = torch.bincount(tiny_splits.y_train, minlength=10) * 100 / len(tiny_splits.y_train)
    assert (torch.bincount(small.y_train, minlength=10) - share).abs().max() < 1
    assert torch.equal(small.x_val, tiny_splits.x_val)
    quick = apply_variant(tiny_splits, DataVariant(val_subset=100))
    assert len(quick.y_val) == len(quick.x_val) == len(quick.val_index) == 100
    assert set(quick.val_index) <= set(tiny_splits.val_index)
    assert torch.equal(quick.x_train, tiny_splits.x_train) and torch.equal(quick.x_test, tiny_splits.x_test)


def test_variant_is_plain_data():
    v = DataVariant(permutation_seed=2, shift=[1, 0], train_subset=500)
    assert v == DataVariant.from_dict(v.to_dict()) and v.shift == (1, 0)
    assert v.describe() == "pixels shuffled (seed 2), shifted by (1, 0), 500 training pictures"
    assert DataVariant().describe() == "standard"
    with pytest.raises(ValueError, match="train_subset"):
        DataVariant(train_subset=3)
    with pytest.raises(ValueError, match="val_subset"):
        DataVariant(val_subset=3)
    # A field added later stays out of the dict (and so out of stored runs' keys) when unset.
    assert "val_subset" not in DataVariant().to_dict()
    q = DataVariant(val_subset=2000)
    assert DataVariant.from_dict(q.to_dict()) == q and q.describe() == "2,000 validation pictures"


def test_augment_is_seeded_and_keeps_shapes():
    x = torch.rand(64, 1, 28, 28)
    a = augment_batch(x, shift=2, flip=True, generator=torch.Generator().manual_seed(0))
    b = augment_batch(x, shift=2, flip=True, generator=torch.Generator().manual_seed(0))
    assert a.shape == x.shape and torch.equal(a, b) and not torch.equal(a, x)
    flipped = augment_batch(x, shift=0, flip=True, generator=torch.Generator().manual_seed(0))
    same = [torch.equal(f, o) for f, o in zip(flipped, x)]
    mirrored = [torch.equal(f, o.flip(-1)) for f, o in zip(flipped, x)]
    assert all(s or m for s, m in zip(same, mirrored)) and 10 < sum(mirrored) < 54
