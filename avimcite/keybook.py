"""The key book: the citation keys given to posts whose records carry none (avimcite.keys).

`keys.json` in the user data folder maps each catalogue file (its real path) to {post id: key}.
A key once recorded is never replaced. Written under a lock, atomically, the previous version
kept as `.bak`, as catalogues are. Light: the CSL `cite` reads it on every run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from avimcite import catalogue
from avimcite.errors import CatalogueError, FileAccessError
from avimcite.fsutil import atomic_write_text, keep_backup, real_path

KEY_BOOK_SCHEMA = "avimcite-keys/1"


def book_name(catalogue_path: str | Path) -> str:
    """How the key book names a catalogue: its real, absolute path."""
    return os.path.realpath(os.path.abspath(str(catalogue_path)))


def read_key_book(path: Path) -> dict[str, dict[str, str]]:
    """catalogue file -> {post id (lower case) -> the key given to it}; {} when there is no book.

    A damaged book is an error, not an empty one: reading it as empty would hand out other keys."""
    from avimcite.fsutil import read_bytes_if_any

    try:
        raw = read_bytes_if_any(path)
    except OSError as exc:
        raise FileAccessError(f"cannot read the key book {path}: {exc.strerror}.") from None
    return _parse_key_book(raw, path) if raw is not None else {}


def _parse_key_book(raw: bytes, path: Path) -> dict[str, dict[str, str]]:
    try:
        data = catalogue.json_data(raw)
    except catalogue.PostProblem as problem:
        data = problem
    books = data.get("catalogues") if isinstance(data, dict) and data.get("schema") == KEY_BOOK_SCHEMA else None
    if not isinstance(books, dict) or not all(
        isinstance(ids, dict) and all(isinstance(k, str) for k in ids.values()) for ids in books.values()
    ):
        backup = path.with_name(path.name + ".bak")
        tip = f"; the previous version is {backup}" if backup.exists() else ""
        raise CatalogueError(f"the key book {path} (the citation keys given so far) is damaged{tip}: restore it or delete it.")
    return books


def record_keys(path: Path, compute) -> object:
    """Under the key book's lock: `compute(book)` -> (result, {catalogue: {id: key}} to record);
    the entries not in the book yet are added (a key once recorded is never replaced), and the
    book is written atomically, the previous version kept as `.bak`. Returns the result."""
    path = real_path(path)
    with _Locked(path):
        from avimcite.fsutil import read_bytes_if_any

        old = read_bytes_if_any(path)
        book = _parse_key_book(old, path) if old is not None else {}
        result, entries = compute(book)
        changed = False
        for name, ids in entries.items():
            mine = book.setdefault(name, {})
            for post_id, key in ids.items():
                if post_id.lower() not in mine:
                    mine[post_id.lower()] = key
                    changed = True
        if changed:
            text = json.dumps({"schema": KEY_BOOK_SCHEMA, "catalogues": book}, ensure_ascii=False, indent=1) + "\n"
            if old is not None:
                keep_backup(path, old)
            atomic_write_text(path, text, guard=(path, old))
        return result


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
