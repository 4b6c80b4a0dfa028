"""The IDX format: real files parse to the published arrays; every malformed file gives one clear line."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from apparel_lib.data.idx import parse_idx, read_idx
from apparel_lib.errors import DataError

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
LABELS = RNG.integers(0, 10, size=5, dtype=np.uint8)


def one_line_error(excinfo: pytest.ExceptionInfo[DataError], *words: str) -> str:
    message = str(excinfo.value)
    assert "\n" not in message and message
    for word in words:
        assert word in message
    return message


def test_parse_images_and_labels(idx_bytes):
    images = parse_idx(idx_bytes(IMAGES), "images")
    labels = parse_idx(idx_bytes(LABELS), "labels")
    assert images.dtype == np.uint8 and images.shape == (5, 28, 28)
    assert labels.dtype == np.uint8 and labels.shape == (5,)
    np.testing.assert_array_equal(images, IMAGES)
    np.testing.assert_array_equal(labels, LABELS)
    images[0, 0, 0] ^= 1  # a private, writable copy
    assert images[0, 0, 0] != IMAGES[0, 0, 0]


def test_parse_empty_set(idx_bytes):
    assert parse_idx(idx_bytes(np.zeros((0, 28, 28))), "x").shape == (0, 28, 28)


def test_read_real_files(debian_dir):
    train = read_idx(debian_dir / "train-labels-idx1-ubyte.gz")
    test = read_idx(debian_dir / "t10k-labels-idx1-ubyte.gz")
    assert train[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert test[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    assert np.bincount(train).tolist() == [6000] * 10
    assert np.bincount(test).tolist() == [1000] * 10
    images = read_idx(debian_dir / "t10k-images-idx3-ubyte.gz")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("name", ["labels", "labels.gz", "labels.idx"])
def test_gzip_detected_by_magic_not_name(tmp_path, idx_bytes, compress, name):
    raw = idx_bytes(LABELS)
    (tmp_path / name).write_bytes(gzip.compress(raw) if compress else raw)
    np.testing.assert_array_equal(read_idx(tmp_path / name), LABELS)


def test_missing_file(tmp_path):
    with pytest.raises(DataError) as e:
        read_idx(tmp_path / "nope.gz")
    one_line_error(e, "nope.gz", "does not exist")


def test_truncated_gzip(tmp_path, idx_bytes):
    packed = gzip.compress(idx_bytes(IMAGES))
    (tmp_path / "x.gz").write_bytes(packed[: len(packed) // 2])
    with pytest.raises(DataError) as e:
        read_idx(tmp_path / "x.gz")
    one_line_error(e, "x.gz", "truncated gzip")


def test_corrupt_gzip(tmp_path, idx_bytes):
    packed = bytearray(gzip.compress(idx_bytes(IMAGES)))
    packed[-6] ^= 0xFF  # inside the CRC-32 / length trailer
    (tmp_path / "crc.gz").write_bytes(bytes(packed))
    with pytest.raises(DataError) as e:
        read_idx(tmp_path / "crc.gz")
    one_line_error(e, "crc.gz", "corrupt gzip")

    (tmp_path / "junk.gz").write_bytes(b"\x1f\x8b" + bytes(range(200)))
    with pytest.raises(DataError) as e:
        read_idx(tmp_path / "junk.gz")
    one_line_error(e, "junk.gz", "gzip")


@pytest.mark.parametrize(
    "magic",
    [0x00000802, 0x00000804, 0x00000D03, 0x00000901, 0x01000803, 0x03080000],
    ids=["2-d", "4-d", "float", "int8", "nonzero-lead", "little-endian"],
)
def test_wrong_magic(idx_bytes, magic):
    with pytest.raises(DataError) as e:
        parse_idx(idx_bytes(IMAGES, magic=magic), "bad-file")
    one_line_error(e, "bad-file", "magic number", f"0x{magic:08x}")


@pytest.mark.parametrize("dims", [(5, 28, 27), (5, 27, 28), (5, 784, 1)])
def test_wrong_image_dimensions(idx_bytes, dims):
    with pytest.raises(DataError) as e:
        parse_idx(idx_bytes(IMAGES, dims=dims), "imgs")
    one_line_error(e, "imgs", f"{dims[1]}x{dims[2]}", "28x28")


def test_truncated_content(idx_bytes):
    raw = idx_bytes(IMAGES)
    with pytest.raises(DataError) as e:
        parse_idx(raw[:1000], "train-images-idx3-ubyte.gz in /x")
    one_line_error(e, "train-images-idx3-ubyte.gz in /x", "truncated", f"expected {len(raw)} bytes", "got 1000")
    for cut in (0, 3, 9):  # no header, partial header
        with pytest.raises(DataError, match="truncated"):
            parse_idx(raw[:cut], "x")


def test_count_larger_than_content(idx_bytes):
    with pytest.raises(DataError, match="truncated"):
        parse_idx(idx_bytes(LABELS, dims=(6,)), "labels")


def test_trailing_bytes(idx_bytes):
    with pytest.raises(DataError) as e:
        parse_idx(idx_bytes(LABELS, extra=b"\0\0\0"), "labels")
    one_line_error(e, "labels", "3 unexpected trailing bytes")


def test_read_idx_names_the_file(tmp_path, idx_bytes):
    (tmp_path / "t.gz").write_bytes(gzip.compress(idx_bytes(LABELS, extra=b"!")))
    with pytest.raises(DataError) as e:
        read_idx(tmp_path / "t.gz")
    one_line_error(e, f"t.gz in {tmp_path}", "trailing")
