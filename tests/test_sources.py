"""Where the data comes from: search order, verification, the cache, and downloads from a local server."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pytest

from apparel_lib.data import sources
from apparel_lib.data.sources import DEBIAN_DIR, FILES, MIRRORS, Source, load_arrays
from apparel_lib.errors import DataError
from apparel_lib.paths import cache_dir
from tests.helpers import make_idx, one_line

REAL_HASHES = {
    "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
}


def fake_set(seed: int, n_train: int = 20, n_test: int = 10, n_train_labels: int | None = None) -> dict[str, bytes]:
    """Small, valid IDX content for the four stems: a stand-in for Fashion-MNIST with its own hashes."""
    rng = np.random.default_rng(seed)
    return {
        "train-images-idx3-ubyte": make_idx(rng.integers(0, 256, (n_train, 28, 28))),
        "train-labels-idx1-ubyte": make_idx(rng.integers(0, 10, n_train if n_train_labels is None else n_train_labels)),
        "t10k-images-idx3-ubyte": make_idx(rng.integers(0, 256, (n_test, 28, 28))),
        "t10k-labels-idx1-ubyte": make_idx(rng.integers(0, 10, n_test)),
    }


FAKE = fake_set(1)
OTHER = fake_set(2)  # valid IDX, wrong content


def write_set(folder: Path, content: dict[str, bytes], *, gz: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, raw in content.items():
        (folder / (f"{stem}.gz" if gz else stem)).write_bytes(gzip.compress(raw) if gz else raw)
    return folder


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# --- a real HTTP server on loopback ------------------------------------------------------------


class Server(http.server.ThreadingHTTPServer):
    """Serves ``/<mode>/<stem>.gz``: real (Debian bytes), fake, other (wrong content), drop-<stem>."""

    daemon_threads = True

    def __init__(self, real: dict[str, bytes]) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[str] = []
        self.real = {f"{stem}.gz": gzip.compress(raw, compresslevel=1) for stem, raw in real.items()}
        self.fake = {f"{stem}.gz": gzip.compress(raw) for stem, raw in FAKE.items()}
        self.other = {f"{stem}.gz": gzip.compress(raw) for stem, raw in OTHER.items()}

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{mode}/"


class Handler(http.server.BaseHTTPRequestHandler):
    server: Server

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        mode, _, name = self.path.strip("/").partition("/")
        table = {"fake": self.server.fake, "other": self.server.other}.get(mode, self.server.real)
        body = table.get(name)
        if body is None or mode not in ("real", "fake", "other") and not mode.startswith("drop-"):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode.startswith("drop-") and name.startswith(mode[len("drop-") :]):
            self.wfile.write(body[: len(body) // 2])  # then hang up mid-file
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server(real_files: dict[str, bytes]) -> Iterator[Server]:
    srv = Server(real_files)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, server: Server) -> Path:
    """An empty cache of its own, no Debian package, a clean request log; returns the cache folder."""
    monkeypatch.setenv("APPAREL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(sources, "DEBIAN_DIR", tmp_path / "no-debian")
    server.requests.clear()
    return tmp_path / "cache"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, fresh: Path) -> Path:
    """Like ``fresh``, with FILES swapped for the hashes of the small FAKE set."""
    monkeypatch.setattr(sources, "FILES", MappingProxyType({s: hashlib.sha256(FAKE[s]).hexdigest() for s in FILES}))
    return fresh


def assert_fake(arrays: dict[str, np.ndarray]) -> None:
    assert arrays["train-images-idx3-ubyte"].shape == (20, 28, 28)
    for stem, raw in FAKE.items():
        np.testing.assert_array_equal(arrays[stem].ravel(), np.frombuffer(raw, np.uint8)[-arrays[stem].size :])


# --- constants and configuration ---------------------------------------------------------------


def test_files_and_mirrors():
    assert dict(FILES) == REAL_HASHES
    assert list(FILES) == ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    assert len(MIRRORS) >= 2 and len(set(MIRRORS)) == len(MIRRORS)
    assert all(m.startswith(("http://", "https://")) and m.endswith("/") for m in MIRRORS)
    assert DEBIAN_DIR == Path("/usr/share/datasets/fashion-mnist")


def test_cache_dir_is_read_at_call_time(monkeypatch, tmp_path):
    monkeypatch.setenv("APPAREL_CACHE", str(tmp_path / "a"))
    assert cache_dir() == tmp_path / "a"
    monkeypatch.setenv("APPAREL_CACHE", str(tmp_path / "b"))
    assert cache_dir() == tmp_path / "b"
    monkeypatch.delenv("APPAREL_CACHE")
    assert cache_dir().name == "apparel_lib"


def test_private_cache_is_in_effect(private_cache):
    assert cache_dir() == private_cache


# --- the real data -----------------------------------------------------------------------------


def test_real_data_from_debian(data, debian_dir):
    arrays, source = load_arrays(download=False, progress=False)  # the private cache is empty
    assert source == Source("debian", DEBIAN_DIR, REAL_HASHES)
    np.testing.assert_array_equal(arrays["t10k-labels-idx1-ubyte"], data.test_labels)
    assert data.train_labels[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert data.test_labels[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]


def test_real_download_is_cached_then_reused(fresh, server, data):
    arrays, source = load_arrays(download=True, progress=False, mirrors=(server.url("real"),))
    assert source.origin == "download" and source.folder == fresh and source.hashes == dict(FILES)
    assert source.hashes == REAL_HASHES
    np.testing.assert_array_equal(arrays["train-images-idx3-ubyte"], data.train_images)
    np.testing.assert_array_equal(arrays["t10k-labels-idx1-ubyte"], data.test_labels)
    assert files_under(fresh) == sorted(f"{stem}.gz" for stem in FILES)  # nothing else, no temp folder
    assert len(server.requests) == 4

    arrays, source = load_arrays(download=True, progress=False, mirrors=(server.url("real"),))
    assert source.origin == "cache" and source.folder == fresh
    assert len(server.requests) == 4  # no new download
    np.testing.assert_array_equal(arrays["t10k-images-idx3-ubyte"], data.test_images)


def test_dropped_connection_leaves_no_partial_file(fresh, server):
    # train files arrive; t10k-images is cut off half-way on both mirrors
    mirrors = (server.url("drop-t10k-images"), server.url("drop-t10k-images"))
    with pytest.raises(DataError) as e:
        load_arrays(progress=False, mirrors=mirrors)
    print(one_line(e, "t10k-images-idx3-ubyte.gz", "could not download", "check the network", "dataset-fashion-mnist", "APPAREL_DATA"))
    assert sum(r.endswith("/t10k-images-idx3-ubyte.gz") for r in server.requests) == 2
    assert not any("t10k-labels" in r.rpartition("/")[2] for r in server.requests)  # gave up at the first bad file
    assert files_under(fresh) == []


# --- search order (small fake data set with its own hashes) ----------------------------------


def test_search_order(fake, server, tmp_path, monkeypatch):
    arg = write_set(tmp_path / "arg", FAKE)
    env = write_set(tmp_path / "env", FAKE, gz=False)
    write_set(fake, FAKE)
    debian = write_set(tmp_path / "debian", FAKE)
    monkeypatch.setattr(sources, "DEBIAN_DIR", debian)
    monkeypatch.setenv("APPAREL_DATA", str(env))
    mirrors = (server.url("fake"),)

    def origin(path=None) -> tuple[str, Path]:
        arrays, source = load_arrays(path, progress=False, mirrors=mirrors)
        assert_fake(arrays)
        assert source.hashes == dict(sources.FILES)
        return source.origin, source.folder

    assert origin(arg) == ("argument", arg)
    assert origin(str(arg)) == ("argument", arg)
    assert origin() == ("APPAREL_DATA", env)
    monkeypatch.delenv("APPAREL_DATA")
    assert origin() == ("cache", fake)
    for f in fake.iterdir():
        f.unlink()
    assert origin() == ("debian", debian)
    assert server.requests == []
    for f in debian.iterdir():
        f.unlink()
    assert origin() == ("download", fake)
    assert len(server.requests) == 4
    assert origin() == ("cache", fake)


def test_plain_and_gz_files_mix(fake, tmp_path):
    folder = tmp_path / "mixed"
    write_set(folder, {k: v for k, v in FAKE.items() if "train" in k})
    write_set(folder, {k: v for k, v in FAKE.items() if "t10k" in k}, gz=False)
    arrays, source = load_arrays(folder, progress=False)
    assert_fake(arrays)
    assert source.origin == "argument"


def test_bad_argument_is_an_error_not_a_fallback(fake, tmp_path, monkeypatch, server):
    monkeypatch.setattr(sources, "DEBIAN_DIR", write_set(tmp_path / "debian", FAKE))  # a good fallback exists
    with pytest.raises(DataError) as e:
        load_arrays(tmp_path / "nowhere", progress=False)
    one_line(e, "nowhere", "not a folder")

    folder = write_set(tmp_path / "partial", FAKE)
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError) as e:
        load_arrays(folder, progress=False)
    one_line(e, str(folder), "t10k-labels-idx1-ubyte")

    wrong = write_set(tmp_path / "wrong", {**FAKE, "train-labels-idx1-ubyte": OTHER["train-labels-idx1-ubyte"]})
    with pytest.raises(DataError) as e:
        load_arrays(wrong, progress=False)
    one_line(e, "train-labels-idx1-ubyte.gz", "sha256", str(wrong))

    truncated = write_set(tmp_path / "truncated", FAKE, gz=False)
    raw = FAKE["train-images-idx3-ubyte"]
    (truncated / "train-images-idx3-ubyte").write_bytes(raw[:1000])
    with pytest.raises(DataError) as e:
        load_arrays(truncated, progress=False)
    one_line(e, "train-images-idx3-ubyte", "truncated", f"expected {len(raw)} bytes", "got 1000")
    assert server.requests == []


def test_bad_apparel_data_is_an_error(fake, tmp_path, monkeypatch):
    write_set(fake, FAKE)  # a good cache exists
    bad = write_set(tmp_path / "bad", {**FAKE, "t10k-images-idx3-ubyte": OTHER["t10k-images-idx3-ubyte"]})
    monkeypatch.setenv("APPAREL_DATA", str(bad))
    with pytest.raises(DataError) as e:
        load_arrays(progress=False)
    one_line(e, "APPAREL_DATA", "t10k-images-idx3-ubyte.gz", "sha256")


def test_count_mismatch(monkeypatch, fresh, tmp_path):
    mismatched = fake_set(3, n_train=20, n_train_labels=19)
    monkeypatch.setattr(sources, "FILES", MappingProxyType({s: hashlib.sha256(mismatched[s]).hexdigest() for s in FILES}))
    folder = write_set(tmp_path / "mismatch", mismatched)
    with pytest.raises(DataError) as e:
        load_arrays(folder, progress=False)
    one_line(e, "20 images", "19 labels", "train-labels-idx1-ubyte")


def test_unverified_cache_is_skipped(fake, tmp_path, monkeypatch):
    write_set(fake, {**FAKE, "train-images-idx3-ubyte": OTHER["train-images-idx3-ubyte"]})
    debian = write_set(tmp_path / "debian", FAKE)
    monkeypatch.setattr(sources, "DEBIAN_DIR", debian)
    arrays, source = load_arrays(progress=False, download=False)
    assert (source.origin, source.folder) == ("debian", debian)
    assert_fake(arrays)


def test_corrupt_cache_is_skipped_and_replaced_by_download(fake, server):
    write_set(fake, FAKE)
    packed = (fake / "t10k-images-idx3-ubyte.gz").read_bytes()
    (fake / "t10k-images-idx3-ubyte.gz").write_bytes(packed[: len(packed) // 2])
    arrays, source = load_arrays(progress=False, mirrors=(server.url("fake"),))
    assert source.origin == "download"
    assert_fake(arrays)
    assert gzip.decompress((fake / "t10k-images-idx3-ubyte.gz").read_bytes()) == FAKE["t10k-images-idx3-ubyte"]


def test_unverified_debian_is_skipped(fake, tmp_path, monkeypatch, server):
    debian = write_set(tmp_path / "debian", {**FAKE, "t10k-labels-idx1-ubyte": OTHER["t10k-labels-idx1-ubyte"]})
    monkeypatch.setattr(sources, "DEBIAN_DIR", debian)
    arrays, source = load_arrays(progress=False, mirrors=(server.url("fake"),))
    assert source.origin == "download"
    assert_fake(arrays)


def test_bad_first_mirror_falls_back_to_second(fake, server):
    mirrors = (server.url("other"), server.url("missing"), server.url("fake"))
    arrays, source = load_arrays(progress=False, mirrors=mirrors)
    assert source.origin == "download"
    assert_fake(arrays)
    for stem in FILES:  # each file: wrong content, then 404, then the good copy
        assert [r for r in server.requests if stem in r] == [f"/{m}/{stem}.gz" for m in ("other", "missing", "fake")]
    assert files_under(fake) == sorted(f"{stem}.gz" for stem in FILES)
    for stem, raw in FAKE.items():
        assert gzip.decompress((fake / f"{stem}.gz").read_bytes()) == raw


def test_all_mirrors_bad(fake, server):
    with pytest.raises(DataError) as e:
        load_arrays(progress=False, mirrors=(server.url("other"), server.url("missing")))
    message = one_line(e, "could not download", server.url("other"), server.url("missing"), "sha256", "404")
    assert message.count("train-images") >= 1
    assert files_under(fake) == []


def test_nothing_found_without_download(fake, server):
    with pytest.raises(DataError) as e:
        load_arrays(progress=False, download=False)
    one_line(e, "not found", "dataset-fashion-mnist", "APPAREL_DATA", "network", "turned off")
    assert server.requests == []


def test_a_verified_file_is_not_read_again_until_it_changes(fake, tmp_path, monkeypatch):
    folder = write_set(tmp_path / "set", FAKE)
    load_arrays(folder, progress=False)
    reads: list[str] = []
    read = sources.read_content
    monkeypatch.setattr(sources, "read_content", lambda path: reads.append(path.name) or read(path))
    again, _ = load_arrays(folder, progress=False)
    assert reads == []
    again["train-images-idx3-ubyte"][:] = 7  # each caller gets its own copy
    assert_fake(load_arrays(folder, progress=False)[0])
    write_set(folder, {"t10k-labels-idx1-ubyte": OTHER["t10k-labels-idx1-ubyte"]})
    with pytest.raises(DataError) as e:
        load_arrays(folder, progress=False)
    one_line(e, "t10k-labels-idx1-ubyte.gz", "sha256")
    assert reads == ["t10k-labels-idx1-ubyte.gz"]  # only the changed file is read again
    write_set(folder, FAKE)
    load_arrays(folder, progress=False)
    sources.forget_verified()
    reads.clear()
    load_arrays(folder, progress=False)
    assert len(reads) == 4  # forgotten: every file is read again
    other_hashes = MappingProxyType({s: hashlib.sha256(OTHER[s]).hexdigest() for s in FILES})
    monkeypatch.setattr(sources, "FILES", other_hashes)  # verified against other hashes: read again
    with pytest.raises(DataError) as e:
        load_arrays(folder, progress=False)
    one_line(e, "train-images-idx3-ubyte.gz", "sha256")
