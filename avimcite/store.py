"""Writing to a catalogue: add or update posts under a lock, atomically, with a backup.

Two imports run at once both land (the second waits for the first's lock and
reads what it wrote); an interrupted one leaves the old file intact (temp file
and rename); the version before each change is kept as `<file>.bak`.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from avimcite import avim, catalogue
from avimcite.errors import CatalogueError, FileAccessError
from avimcite.fsutil import atomic_write_bytes, atomic_write_text, real_path
from avimcite.keybook import book_name, read_key_book, record_keys  # noqa: F401 - used below, and re-exported
from avimcite.model import Post


@dataclass
class Outcome:
    post_id: str
    action: str  # "added", "updated", "unchanged", "skipped"
    detail: str = ""
    warning: str = ""  # e.g. the citation key had to take a suffix


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` (through `<file>.lock`), waited for."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_name(path.name + ".lock"), "a")
    except OSError as exc:
        raise FileAccessError(f"cannot write to {path.parent}: {exc.strerror}.") from None
    with handle:
        try:
            import fcntl
        except ImportError:  # not POSIX: atomic writes still protect the file, without a lock
            yield
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def catalogue_text(posts: list[Post]) -> str:
    """The catalogue file: pretty-printed, UTF-8 letters intact, stable key order."""
    return _records_text([p.to_catalogue_record() for p in posts])


def _records_text(records: list[dict]) -> str:
    return json.dumps({"schema": catalogue.SCHEMA, "posts": records}, ensure_ascii=False, indent=2) + "\n"


def _known(record: dict) -> dict:
    """The fields a record says something about (an empty author list says nothing)."""
    return {k: v for k, v in record.items() if v not in ([], "", None)}


def _merged_record(old: Post, new: Post) -> dict:
    """`old`'s record with what `new` says over it. What `new` does not know is kept (a citation
    line has no outlet, a commentary page often no author), and so are fields avimcite does not
    know inside authors and the source, where `new` names the same people and outlet."""
    record = old.to_catalogue_record()
    for key, value in _known(new.to_catalogue_record()).items():
        before = record.get(key)
        if key == "source" and isinstance(before, dict):
            value = before | value
        elif key == "authors" and isinstance(before, list) and len(before) == len(value):
            value = [a | b if _same_person(a, b) else b for a, b in zip(before, value)]
        record[key] = value
    return record


def _same_person(a: dict, b: dict) -> bool:
    return (a.get("family"), a.get("literal")) == (b.get("family"), b.get("literal"))


def _differences(old: Post, new: Post) -> list[str]:
    """Fields where `new` says something else than `old`."""
    before, after = old.to_catalogue_record(), _merged_record(old, new)
    return sorted(k for k in after if before.get(k) != after[k])


def _merged(old: Post, new: Post) -> Post:
    return catalogue.build_post(_merged_record(old, new))


def _page(post: Post) -> str:
    """What makes two records the same page: the AVİM path of the URL (any host, an archive
    copy's too); a URL off AVİM's hosts matches only itself."""
    return avim.url_key(post.url) or post.url


def add_posts(path: Path, posts: list[Post], *, update: bool = False, dry_run: bool = False,
              others: list[Post] | None = None, book: Path | None = None) -> list[Outcome]:  # fmt: skip
    """Add `posts` to the catalogue at `path` (created if missing); what happened to each.

    Each added post gets its citation key in its record (`key`): the key its id already has
    among `others` (the catalogues read under this one) or in the key `book`, else a new one
    no post in use holds; the key is also recorded in the book (not on a dry run).

    A symlinked catalogue is followed (the file it points to gets the posts, and the lock
    and `.bak` sit beside that file). The catalogue is written once, after every post,
    and only if it still holds the bytes that were read: an edit saved meanwhile by
    another program is never lost (ChangedUnderneath, nothing written)."""
    path = real_path(path)
    # A dry run only reads: no lock to wait for, no write access needed (what it reports may be
    # overtaken by a writer, as any preview can).
    with contextlib.nullcontext() if dry_run else locked(path):
        old = catalogue.read_catalogue_bytes(path) if os.path.lexists(path) else None
        current = catalogue.load_bytes(old, path).posts if old is not None else []
        by_id = {p.id.lower(): i for i, p in enumerate(current)}
        by_url: dict[str, int] = {}
        for i, p in enumerate(current):
            by_url.setdefault(_page(p), i)
        outcomes = []
        for post in posts:
            index = by_id.get(post.id.lower())
            same_page = by_url.get(_page(post))
            if index is None:
                index = same_page
            if index is None:
                current.append(post)
                by_id[post.id.lower()] = len(current) - 1
                by_url.setdefault(_page(post), len(current) - 1)
                outcomes.append(Outcome(post.id, "added"))
                continue
            differs = _differences(current[index], post)
            if not differs:
                outcomes.append(Outcome(post.id, "unchanged"))
            elif same_page is not None and same_page != index:
                other = current[same_page].id
                outcomes.append(Outcome(post.id, "skipped", f"its URL is the page of {other}; fix one of the two by hand"))
            elif update:
                current[index] = _merged(current[index], post)
                outcomes.append(Outcome(post.id, "updated", ", ".join(differs)))
            else:
                what = f"{current[index].id} is already there" if current[index].id != post.id else "already there"
                outcomes.append(Outcome(post.id, "skipped", f"{what} with a different {', '.join(differs)}; --update replaces it"))
        added = [current[by_id[o.post_id.lower()]] for o in outcomes if o.action == "added"]
        if added and book is not None:
            keyed = _give_keys(path, current, added, others or [], book, dry_run)
            for outcome in outcomes:
                if outcome.action == "added":
                    index = by_id[outcome.post_id.lower()]
                    current[index], outcome.warning = keyed[outcome.post_id]
        changed = any(o.action in ("added", "updated") for o in outcomes)
        if changed and not dry_run:
            _write_catalogue(path, old, catalogue_text(current))
        return outcomes


def _give_keys(path: Path, current: list[Post], added: list[Post], others: list[Post], book: Path,
               dry_run: bool) -> dict[str, tuple[Post, str]]:  # fmt: skip
    """id -> (the added post with its key in its record, a warning or "")."""
    from avimcite.keys import KeyClash, base_key, next_free, own_key, pinned_keys

    name = book_name(path)
    new_ids = {p.id.lower() for p in added}
    mine = {p.id.lower() for p in current}
    in_use = [p for p in others if p.id.lower() not in mine] + [p for p in current if p.id.lower() not in new_ids]
    inherited = {p.id.lower(): own_key(p) for p in others if own_key(p)}

    def compute(entries):
        names = {}

        def given(post) -> str:
            origin = names.get(post.origin) or names.setdefault(post.origin, book_name(post.origin or path))
            return entries.get(origin, {}).get(post.id.lower(), "")

        reserved = [k for ids in entries.values() for k in ids.values()]
        try:
            keys, _new = pinned_keys(in_use, given, reserved)
        except KeyClash:
            keys = {}  # `check` reports it; the new posts still get keys no one holds
        holders = {k.lower(): i for i, k in keys.items()}
        taken = set(holders) | {k.lower() for k in reserved}
        result, record = {}, {}
        for post in added:
            key = own_key(post) or inherited.get(post.id.lower()) or entries.get(name, {}).get(post.id.lower(), "")
            warning = ""
            if not key:
                base = base_key(post)
                key = next_free(base, taken)
                if key != base:
                    holder = holders.get(base.lower())
                    warning = f"{post.id} gets the citation key {key}: {base} is {'the key of ' + holder if holder else 'taken'}."
            taken.add(key.lower())
            holders.setdefault(key.lower(), post.id)
            result[post.id] = (catalogue.build_post(post.to_catalogue_record() | {"key": key}), warning)
            record[post.id] = key
        return result, {name: record}

    if dry_run:
        return compute(read_key_book(book))[0]
    return record_keys(book, compute)


def validated(record: dict, where: str) -> Post:
    """A Post from an imported or typed record, or CatalogueError naming `where` and the problem."""
    try:
        return catalogue.build_post(record)
    except catalogue.PostProblem as problem:
        raise CatalogueError(f"{where}: {problem}.") from None


# --- remove and edit ----------------------------------------------------------------------


def _write_catalogue(path: Path, old: bytes | None, text: str) -> None:
    """`text` as the catalogue at `path` (which held `old`), checked, atomically, `.bak` kept
    (the old version goes to .bak only while the file still holds it)."""
    catalogue.parse(json.loads(text), path)  # never write what we could not read back
    if old is not None:
        atomic_write_bytes(path.with_name(path.name + ".bak"), old, guard=(path, old))
    atomic_write_text(path, text, guard=(path, old))


def _records(raw: bytes, path: Path) -> list[dict]:
    """The post records of a catalogue's bytes, as written (unknown fields kept)."""
    data = catalogue.decode_json(raw, path)
    catalogue.parse(data, path)  # a broken file is refused here, as by every command
    return data["posts"]


def remove_posts(path: Path, refs: list[str]) -> list[str]:
    """Remove the posts `refs` name (ids, short ids or URLs) from the catalogue at `path`; their ids.
    All or nothing: UnknownIdError naming every ref that is not in this file, and nothing written."""
    path = real_path(path)
    with locked(path):
        old = catalogue.read_catalogue_bytes(path)
        records = _records(old, path)
        cat = catalogue.load_bytes(old, path)
        found, unknown = cat.get_many(refs)
        if unknown:
            raise cat.unknown_error(list(dict.fromkeys(unknown)))
        gone = {id(p) for p in found}
        kept = [r for r, p in zip(records, cat.posts) if id(p) not in gone]
        _write_catalogue(path, old, _records_text(kept))
        return list(dict.fromkeys(p.id for p in found))


def record_of(path: Path, ref: str) -> tuple[bytes | None, int | None, dict | None]:
    """(the catalogue's bytes or None when there is no file, the position of the post `ref` names
    or None, its record as written or None)."""
    path = real_path(path)
    if not os.path.lexists(path):
        return None, None, None
    old = catalogue.read_catalogue_bytes(path)
    records = _records(old, path)
    post = catalogue.load_bytes(old, path).find(ref)
    if post is None:
        return old, None, None
    index = next(i for i, p in enumerate(catalogue.load_bytes(old, path).posts) if p.id == post.id)
    return old, index, records[index]


def replace_record(path: Path, before: bytes | None, index: int | None, record: dict) -> Post:
    """Put `record` at `index` of the catalogue at `path` (appended when `index` is None), if the
    file still holds `before` (the bytes the record was read from): else ChangedUnderneath and
    nothing written. The record is validated first (CatalogueError naming the problem), and must not
    take the id of another post of the file."""
    post = validated(record, "the edited record")
    path = real_path(path)
    with locked(path):
        from avimcite.fsutil import ChangedUnderneath, read_bytes_if_any

        now = read_bytes_if_any(path)
        if now != before:
            raise ChangedUnderneath(f"{path} was changed by another program during the edit; nothing was written.")
        records = _records(now, path) if now is not None else []
        others = [p for i, p in enumerate(catalogue.load_bytes(now, path).posts if now is not None else []) if i != index]
        if any(p.id.lower() == post.id.lower() for p in others):
            raise CatalogueError(f"the edited record has the id {post.id}, which another post of {path} has; nothing was written.")
        records = list(records)
        if index is None:
            records.append(record)
        else:
            records[index] = record
        _write_catalogue(path, now, _records_text(records))
    return post
