"""The dataset object, the stratified split, tensors and loaders, on the real data."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from apparel_lib.constants import CLASSES
from apparel_lib.data.dataset import FashionMNIST, Splits, load_data, make_loader, make_splits, stratified_split, to_tensor
from apparel_lib.data.sources import FILES
from apparel_lib.errors import DataError


@pytest.fixture(scope="module")
def splits(data: FashionMNIST) -> Splits:
    return make_splits(data, val_fraction=0.1, seed=0)


def test_classes():
    assert CLASSES[0] == "T-shirt/top" and CLASSES[9] == "Ankle boot" and len(set(CLASSES)) == 10


def test_real_data(data):
    assert data.train_images.shape == (60000, 28, 28) and data.train_images.dtype == np.uint8
    assert data.test_images.shape == (10000, 28, 28) and data.test_images.dtype == np.uint8
    assert data.train_labels.shape == (60000,) and data.train_labels.dtype == np.int64
    assert data.test_labels.shape == (10000,) and data.test_labels.dtype == np.int64
    assert data.train_labels[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert data.test_labels[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    assert data.class_counts("train") == dict.fromkeys(CLASSES, 6000)
    assert data.class_counts("test") == dict.fromkeys(CLASSES, 1000)
    assert data.source.hashes == dict(FILES)
    with pytest.raises(DataError, match="'val'"):
        data.class_counts("val")


def test_fingerprint(data):
    expected = hashlib.sha256("".join(FILES.values()).encode()).hexdigest()[:16]
    assert data.fingerprint == expected and len(data.fingerprint) == 16
    assert int(data.fingerprint, 16) >= 0


def test_load_data_from_a_folder(data, tmp_path, real_files):
    for stem in FILES:  # plain (decompressed) copies of the real files
        (tmp_path / stem).write_bytes(real_files[stem])
    again = load_data(tmp_path, progress=False, download=False)
    assert again.source.origin == "argument" and again.fingerprint == data.fingerprint
    np.testing.assert_array_equal(again.test_images, data.test_images)


def test_stratified_split_real_labels(data):
    train, val = stratified_split(data.train_labels, val_fraction=0.1, seed=0)
    assert len(train) == 54000 and len(val) == 6000
    assert np.bincount(data.train_labels[val]).tolist() == [600] * 10
    assert np.bincount(data.train_labels[train]).tolist() == [5400] * 10
    assert np.all(np.diff(train) > 0) and np.all(np.diff(val) > 0)  # sorted, no repeats
    assert np.intersect1d(train, val).size == 0
    np.testing.assert_array_equal(np.union1d(train, val), np.arange(60000))
    assert train.dtype.kind == "i" and val.dtype.kind == "i"


def test_stratified_split_is_seeded(data):
    a = stratified_split(data.train_labels, seed=0)
    b = stratified_split(data.train_labels, seed=0)
    c = stratified_split(data.train_labels, seed=1)
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[1], c[1])
    assert np.bincount(data.train_labels[c[1]]).tolist() == [600] * 10
    state = np.random.get_state()[1].copy()
    stratified_split(data.train_labels, seed=5)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # global RNG untouched


def test_stratified_split_other_fraction_and_bad_input():
    labels = np.repeat(np.arange(3), [10, 20, 30])
    train, val = stratified_split(labels, val_fraction=0.2, seed=0)
    assert np.bincount(labels[val]).tolist() == [2, 4, 6] and len(train) == 48
    for bad in (0.0, 1.0, -0.1, 1.5):
        with pytest.raises(DataError, match="val_fraction"):
            stratified_split(labels, val_fraction=bad)
    with pytest.raises(DataError, match="1-D integer"):
        stratified_split(labels.reshape(6, 10))
    with pytest.raises(DataError, match="1-D integer"):
        stratified_split(labels.astype(float))


def test_to_tensor_uint8():
    images = np.random.default_rng(0).integers(0, 256, (7, 28, 28), dtype=np.uint8)
    images[0, 0, :2] = [0, 255]
    t = to_tensor(images)
    assert t.shape == (7, 1, 28, 28) and t.dtype == torch.float32
    assert t[0, 0, 0, 0] == 0.0 and t[0, 0, 0, 1] == 1.0
    assert float(t.min()) >= 0.0 and float(t.max()) <= 1.0
    np.testing.assert_array_equal(t.numpy()[:, 0], images.astype(np.float32) / 255)


def test_to_tensor_float_is_not_rescaled():
    images = np.random.default_rng(0).random((3, 28, 28))
    t = to_tensor(images)
    assert t.shape == (3, 1, 28, 28) and t.dtype == torch.float32
    np.testing.assert_allclose(t.numpy()[:, 0], images, rtol=1e-6)
    assert to_tensor(np.zeros((0, 28, 28), np.uint8)).shape == (0, 1, 28, 28)


@pytest.mark.parametrize(
    "images, match",
    [
        (np.zeros((28, 28), np.uint8), r"\(N, 28, 28\)"),
        (np.zeros((2, 1, 28, 28), np.uint8), r"\(N, 28, 28\)"),
        (np.zeros((2, 28, 27), np.uint8), r"\(2, 28, 27\)"),
        (np.full((2, 28, 28), 255.0), r"\[0, 1\]"),
        (np.full((2, 28, 28), -0.5, np.float32), r"\[0, 1\]"),
        (np.zeros((2, 28, 28), np.int64), "int64"),
    ],
)
def test_to_tensor_rejects(images, match):
    with pytest.raises(DataError, match=match):
        to_tensor(images)


def test_make_splits(data, splits):
    assert splits.x_train.shape == (54000, 1, 28, 28) and splits.x_train.dtype == torch.float32
    assert splits.x_val.shape == (6000, 1, 28, 28) and splits.x_test.shape == (10000, 1, 28, 28)
    assert splits.y_train.dtype == torch.int64 and splits.y_val.shape == (6000,) and splits.y_test.shape == (10000,)
    assert splits.fingerprint == data.fingerprint
    np.testing.assert_array_equal(splits.x_val[:, 0].numpy(), data.train_images[splits.val_index].astype(np.float32) / 255)
    np.testing.assert_array_equal(splits.y_train.numpy(), data.train_labels[splits.train_index])
    np.testing.assert_array_equal(splits.y_test.numpy(), data.test_labels)
    assert torch.bincount(splits.y_val).tolist() == [600] * 10
    other = make_splits(data, seed=1)
    assert not np.array_equal(other.val_index, splits.val_index)


# --- loaders -----------------------------------------------------------------------------------

N = 1000
X = torch.arange(N, dtype=torch.float32).view(N, 1, 1, 1).expand(N, 1, 28, 28).contiguous()
Y = torch.arange(N) % 10


def order(loader: DataLoader) -> list[int]:
    seen = []
    for xb, yb in loader:
        ids = xb[:, 0, 0, 0].long()
        assert torch.equal(yb, ids % 10)  # images and labels stay paired
        seen += ids.tolist()
    return seen


def test_loader_batches_in_order():
    loader = make_loader(X, Y, batch_size=256, shuffle=False)
    assert isinstance(loader, DataLoader) and loader.num_workers == 0
    assert [len(xb) for xb, _ in loader] == [256, 256, 256, 232] and len(loader) == 4
    assert order(loader) == list(range(N))
    xb, yb = next(iter(loader))
    assert xb.shape == (256, 1, 28, 28) and xb.dtype == torch.float32 and yb.dtype == torch.int64


def test_loader_full_batch():
    for shuffle in (False, True):
        batches = list(make_loader(X, Y, batch_size=None, shuffle=shuffle))
        assert len(batches) == 1 and batches[0][0].shape == (N, 1, 28, 28)
        assert sorted(order([batches[0]])) == list(range(N))
    assert order(make_loader(X, Y, batch_size=None, shuffle=False)) == list(range(N))


def test_loader_shuffle_is_reproducible():
    a, b = make_loader(X, Y, batch_size=100, shuffle=True, seed=3), make_loader(X, Y, batch_size=100, shuffle=True, seed=3)
    a1, a2 = order(a), order(a)
    assert sorted(a1) == list(range(N)) and sorted(a2) == list(range(N))
    assert a1 != list(range(N)) and a1 != a2  # shuffled, and afresh each epoch
    assert (order(b), order(b)) == (a1, a2)  # same seed, same sequence of epochs
    assert order(make_loader(X, Y, batch_size=100, shuffle=True, seed=4)) != a1


def test_loader_leaves_global_rng_alone():
    state = torch.random.get_rng_state()
    order(make_loader(X, Y, batch_size=64, shuffle=True))
    order(make_loader(X, Y, batch_size=64, shuffle=False))
    assert torch.equal(torch.random.get_rng_state(), state)


def test_loader_fetches_whole_batches(monkeypatch):
    calls = []
    original = TensorDataset.__getitem__
    monkeypatch.setattr(TensorDataset, "__getitem__", lambda self, i: calls.append(i) or original(self, i))
    loader = make_loader(torch.arange(54000), torch.arange(54000), batch_size=128, shuffle=True)
    assert sum(len(xb) for xb, _ in loader) == 54000
    assert len(calls) == len(loader) == 422  # one fetch per batch, not per image


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True])
def test_loader_rejects_bad_batch_size(batch_size):
    with pytest.raises(DataError, match="batch_size"):
        make_loader(X, Y, batch_size=batch_size, shuffle=False)


def test_loader_rejects_mismatched_or_empty():
    with pytest.raises(DataError, match="1000 samples but y has 999"):
        make_loader(X, Y[:-1], batch_size=10, shuffle=False)
    with pytest.raises(DataError, match="empty"):
        make_loader(X[:0], Y[:0], batch_size=10, shuffle=False)
