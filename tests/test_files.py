"""atomic_write: the finished file or the old one, never a partial one."""

import pytest

from apparel_lib.files import atomic_write


def test_writes_and_replaces(tmp_path):
    path = tmp_path / "sub" / "f.txt"
    with atomic_write(path, "w") as f:
        f.write("one")
    with atomic_write(path, "w") as f:
        f.write("two")
    assert path.read_text() == "two"
    assert [p.name for p in path.parent.iterdir()] == ["f.txt"]


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"good")
    with pytest.raises(RuntimeError):
        with atomic_write(path) as f:
            f.write(b"partial")
            raise RuntimeError("interrupted")
    assert path.read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]
