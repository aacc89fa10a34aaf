"""The key book: the citation keys given to posts whose records carry none (avimcite.keys).

The book is a folder, `keys/` in the user data folder, with one page per catalogue file:
`keys/<hash of the catalogue's real path>.json` = {"schema", "catalogue": that path, "keys":
{post id (lower case): key}}. A run reads the pages of the catalogues it reads and no other:
a `cite` does not pay for the 100,000 keys an `export --all` of another catalogue recorded
(one `keys.json` of every catalogue did: 4.7 MB parsed on every first citation). A key once
recorded is never replaced. Pages are written under one lock, atomically, the previous
version of a page kept as `<page>.bak`, as catalogues are.

The book of earlier versions, one file `keys.json` beside the folder, is split into pages
by the first run that finds it (under the lock; nothing is replaced: a page's own entries
win), then kept as `keys.json.old`. Where that cannot be written, it is read as it is.
Light: the CSL `cite` reads it on every run.
"""

from __future__ import annotations

import json
import os
from itertools import repeat
from pathlib import Path

from avimcite import catalogue
from avimcite.errors import AvimciteError, CatalogueError, FileAccessError
from avimcite.fsutil import atomic_write_text, keep_backup, real_path

KEY_BOOK_SCHEMA = "avimcite-keys/1"  # the one-file book of earlier versions
PAGE_SCHEMA = "avimcite-keys-page/1"

Book = dict  # catalogue file -> {post id (lower case) -> the key given to it}


def book_name(catalogue_path: str | Path) -> str:
    """How the key book names a catalogue: its real, absolute path."""
    return os.path.realpath(os.path.abspath(str(catalogue_path)))


def legacy_path(folder: Path) -> Path:
    """The one-file book earlier versions kept beside the folder (`keys.json`)."""
    return folder.with_name(folder.name + ".json")


def page_path(folder: Path, name: str) -> Path:
    """The page of the catalogue called `name` (book_name)."""
    from avimcite.paths import blake2b

    return folder / f"{blake2b(name.encode('utf-8', 'surrogatepass'), 12).hexdigest()}.json"


def read_key_book(folder: Path, names=None) -> dict[str, dict[str, str]]:
    """catalogue file -> {post id (lower case) -> the key given to it}, for the catalogues
    `names` (book_name; None: every catalogue in the book); {} when there is no book.

    A damaged page is an error, not an empty one: reading it as empty would hand out other keys."""
    return _read_book(folder, names, False)[0]


def read_key_book_with_digest(folder: Path, names: list[str]) -> tuple[dict[str, dict[str, str]], str | None]:
    """read_key_book of `names`, and the digest of the very bytes of the pages read (as
    pages_digest gives it), None when the one-file book of earlier versions was read too."""
    return _read_book(folder, names, True)


def pages_digest(folder: Path, names: list[str]) -> str | None:
    """A digest of the pages of `names` as they are on disk, without parsing them: what was
    worked out from pages with this digest (read_key_book_with_digest) holds for these.
    None while the one-file book of earlier versions is there, or a page cannot be read."""
    if _exists(legacy_path(folder)):
        return None
    from avimcite.fsutil import read_bytes_if_any

    raws = {}
    for name in names:
        try:
            raw = read_bytes_if_any(page_path(folder, name))
        except OSError:
            return None
        if raw is not None:
            raws[name] = raw
    return _digest(names, raws)


def _digest(names: list[str], raws: dict[str, bytes]) -> str:
    """BLAKE2 of each name of `names` (sorted) and its page's bytes (`raws`; absent: no page)."""
    from avimcite.paths import blake2b

    h = blake2b(digest_size=16)
    for name in sorted(names):
        encoded, raw = name.encode("utf-8", "surrogatepass"), raws.get(name)
        h.update(len(encoded).to_bytes(8, "little") + encoded)
        h.update(b"\xff" * 8 if raw is None else len(raw).to_bytes(8, "little"))
        h.update(raw or b"")
    return h.hexdigest()


def _read_book(folder: Path, names, digest: bool) -> tuple[dict[str, dict[str, str]], str | None]:
    if _exists(legacy_path(folder)):
        try:
            with _Locked(legacy_path(folder)):
                _migrate(folder)
        except AvimciteError:  # a folder we cannot write to: the old book is read as it is
            book = _read_legacy(legacy_path(folder))
            if names is not None:
                book = {n: book[n] for n in names if n in book}
            for name, (ids, _raw) in _read_pages(folder, names).items():
                book[name] = book.get(name, {}) | ids
            return book, None
    pages = _read_pages(folder, names)
    book = {name: ids for name, (ids, _raw) in pages.items()}
    return book, (_digest(names, {name: raw for name, (_ids, raw) in pages.items()}) if digest else None)


def record_keys(folder: Path, compute, names=None) -> object:
    """Under the key book's lock: `compute(book)` -> (result, {catalogue: {id: key}} to record),
    `book` holding the pages of `names` (None: every page); the entries not in the book yet are
    added (a key once recorded is never replaced), each page changed written atomically, its
    previous version kept as `.bak`. Returns the result."""
    folder = real_path(folder)
    with _Locked(legacy_path(folder)):  # the lock earlier versions take too
        _migrate(folder)
        pages = _read_pages(folder, names)
        book = {name: dict(ids) for name, (ids, _raw) in pages.items()}
        result, entries = compute(book)
        for name, ids in entries.items():
            old_ids, old = pages.get(name, ({}, None))
            mine = dict(old_ids)
            for post_id, key in ids.items():
                mine.setdefault(post_id.lower(), key)
            if mine != old_ids:
                _write_page(folder, name, mine, old)
        return result


def _exists(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError:
        return False
    return True


def _read_pages(folder: Path, names) -> dict[str, tuple[dict[str, str], bytes]]:
    """name -> (its keys, the page's bytes) for the pages of `names` (None: all) there are."""
    from avimcite.fsutil import read_bytes_if_any

    if names is None:
        try:
            files = sorted(p for p in folder.iterdir() if p.name.endswith(".json"))
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise FileAccessError(f"cannot read the key book {folder}: {exc.strerror}.") from None
        wanted = None
    else:
        wanted = {page_path(folder, name): name for name in names}
        files = list(wanted)
    pages = {}
    for file in files:
        try:
            raw = read_bytes_if_any(file)
        except OSError as exc:
            raise FileAccessError(f"cannot read the key book page {file}: {exc.strerror}.") from None
        if raw is None:
            continue
        name, ids = _parse_page(raw, file)
        if wanted is not None and name != wanted[file]:
            _damaged(file, "it is the page of another catalogue")
        pages[name] = (ids, raw)
    return pages


def _parse_page(raw: bytes, path: Path) -> tuple[str, dict[str, str]]:
    try:
        data = catalogue.json_data(raw)
    except catalogue.PostProblem as problem:
        data = problem
    ok = isinstance(data, dict) and data.get("schema") == PAGE_SCHEMA and isinstance(data.get("catalogue"), str)
    ids = data.get("keys") if ok else None
    if not isinstance(ids, dict) or not _all_text(ids.values()):
        _damaged(path)
    return data["catalogue"], ids


def _all_text(values) -> bool:
    """Whether every one of `values` is a str (tested in C: a page holds 100,000 keys)."""
    return all(map(isinstance, values, repeat(str)))


def _damaged(path: Path, why: str = "") -> None:
    backup = path.with_name(path.name + ".bak")
    tip = f"; the previous version is {backup}" if backup.exists() else ""
    why = f" ({why})" if why else ""
    raise CatalogueError(f"the key book {path} (the citation keys given so far) is damaged{why}{tip}: restore it or delete it.")


def _read_legacy(path: Path) -> dict[str, dict[str, str]]:
    from avimcite.fsutil import read_bytes_if_any

    try:
        raw = read_bytes_if_any(path)
    except OSError as exc:
        raise FileAccessError(f"cannot read the key book {path}: {exc.strerror}.") from None
    if raw is None:
        return {}
    try:
        data = catalogue.json_data(raw)
    except catalogue.PostProblem as problem:
        data = problem
    books = data.get("catalogues") if isinstance(data, dict) and data.get("schema") == KEY_BOOK_SCHEMA else None
    if not isinstance(books, dict) or not all(
        isinstance(ids, dict) and _all_text(ids.values()) for ids in books.values()
    ):
        _damaged(path)
    return books


def _migrate(folder: Path) -> None:
    """Under the lock: the one-file book of earlier versions split into pages, then kept as
    `keys.json.old`. Nothing recorded is replaced: a page's own entries win."""
    legacy = legacy_path(folder)
    if not _exists(legacy):
        return
    books = _read_legacy(legacy)
    pages = _read_pages(folder, list(books))
    for name, ids in books.items():
        old_ids, old = pages.get(name, ({}, None))
        merged = {post_id.lower(): key for post_id, key in ids.items()} | old_ids
        if merged != old_ids:
            _write_page(folder, name, merged, old)
    try:
        os.replace(legacy, legacy.with_name(legacy.name + ".old"))
    except OSError as exc:
        raise FileAccessError(f"cannot move the old key book {legacy}: {exc.strerror}.") from None


def _write_page(folder: Path, name: str, ids: dict[str, str], old: bytes | None) -> None:
    path = page_path(folder, name)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileAccessError(f"cannot write to {folder}: {exc.strerror}.") from None
    text = json.dumps({"schema": PAGE_SCHEMA, "catalogue": name, "keys": ids}, ensure_ascii=False, indent=1) + "\n"
    if old is not None:
        keep_backup(path, old)
    atomic_write_text(path, text, guard=(path, old))


class _Locked:
    """An exclusive lock on `path` through `<file>.lock`, as avimcite.store.locked (without
    contextlib, which the CSL cite does not otherwise load)."""

    def __init__(self, path: Path) -> None:
        self.path, self.handle = path, None

    def __enter__(self):
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = open(self.path.with_name(self.path.name + ".lock"), "a")
        except OSError as exc:
            raise FileAccessError(f"cannot write to {self.path.parent}: {exc.strerror}.") from None
        try:
            import fcntl
        except ImportError:  # not POSIX: atomic writes still protect the file
            return self
        fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()  # closing the file releases the lock
