"""The cache of parsed large catalogues: same posts and keys as parsing, never stale."""

from __future__ import annotations

import json

import pytest

from avimcite import catalogue
from avimcite.keys import assign_keys
from conftest import post_record


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(catalogue, "CACHE_MIN_BYTES", 1)


def records(n=40):
    out = []
    for i in range(1, n + 1):
        extra = {"note": f"n{i}"} if i % 3 == 0 else {}
        source = {"source": {"name": "Daily Sabah", "date": "2024-01-02", "url": f"https://x/{i}"}} if i % 4 == 0 else {}
        out.append(post_record(number=i, title=f"POST {i} KILIÇ", url=f"https://avim.org.tr/Blog/P{i}",
                               authors=[{"given": "Alev", "family": "Kılıç"}] if i % 2 else [{"literal": "AVİM"}],
                               **extra, **source))  # fmt: skip
    return out


def test_a_cached_catalogue_is_the_parsed_one(small_threshold, write_catalogue, tmp_path, monkeypatch):
    path = write_catalogue(records())
    cache_dir = tmp_path / "cache"
    first = catalogue.load(path, cache_dir)
    assert list(cache_dir.glob("posts-*.marshal"))

    def no_parsing(raw, p):
        raise AssertionError("parsed although cached")

    monkeypatch.setattr(catalogue, "load_bytes", no_parsing)
    second = catalogue.load(path, cache_dir)
    assert [p.to_record() | {"o": p.origin} for p in second.posts] == [p.to_record() | {"o": p.origin} for p in first.posts]
    assert assign_keys(second.posts) == assign_keys(first.posts)


def test_an_edit_of_the_same_size_is_never_read_from_the_cache(small_threshold, write_catalogue, tmp_path):
    path = write_catalogue(records())
    cache_dir = tmp_path / "cache"
    catalogue.load(path, cache_dir)
    text = path.read_text(encoding="utf-8").replace("POST 7 KILIÇ", "POST 7 KILIŞ")
    path.write_text(text, encoding="utf-8")
    assert catalogue.load(path, cache_dir).posts[6].title == "POST 7 KILIŞ"


def test_a_damaged_cache_is_ignored(small_threshold, write_catalogue, tmp_path):
    path = write_catalogue(records())
    cache_dir = tmp_path / "cache"
    catalogue.load(path, cache_dir)
    for file in cache_dir.glob("*.marshal"):
        file.write_bytes(b"\x00garbage")
    assert len(catalogue.load(path, cache_dir).posts) == 40


def test_edited_bytes_in_the_cache_are_never_served(small_threshold, write_catalogue, tmp_path):
    path = write_catalogue(records())
    cache_dir = tmp_path / "cache"
    catalogue.load(path, cache_dir)
    (cached,) = cache_dir.glob("posts-*.marshal")
    cached.write_bytes(cached.read_bytes().replace(b"POST 7 KILI", b"POST 9 KILI"))
    assert catalogue.load(path, cache_dir).posts[6].title == "POST 7 KILIÇ"


def test_a_keys_cache_for_other_ids_is_not_used(small_threshold, run, write_catalogue, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = write_catalogue(records())
    first = run("--catalogue", str(path), "export", "--all", "-f", "bibtex").out
    (keys,) = (tmp_path / "xdg").rglob("keys-*.marshal")
    import marshal, hashlib

    other = marshal.dumps({f"blog/1999/{i}": f"x{i}" for i in range(1, 41)})
    keys.write_bytes(hashlib.blake2b(other, digest_size=16).digest() + other)
    assert run("--catalogue", str(path), "export", "--all", "-f", "bibtex").out == first


def test_small_catalogues_are_not_cached(write_catalogue, tmp_path):
    catalogue.load(write_catalogue(records(3)), tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_export_with_cached_keys_matches_without(small_threshold, run, write_catalogue):
    path = write_catalogue(records())
    first = run("--catalogue", str(path), "export", "--all", "-f", "csl-json").out
    second = run("--catalogue", str(path), "export", "--all", "-f", "csl-json").out
    assert first == second and len(json.loads(second)) == 40
