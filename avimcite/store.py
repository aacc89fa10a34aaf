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

from avimcite import catalogue
from avimcite.errors import CatalogueError, FileAccessError
from avimcite.fsutil import atomic_write_bytes, atomic_write_text, real_path
from avimcite.model import Post


@dataclass
class Outcome:
    post_id: str
    action: str  # "added", "updated", "unchanged", "skipped"
    detail: str = ""


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
    data = {"schema": catalogue.SCHEMA, "posts": [p.to_catalogue_record() for p in posts]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


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
    return catalogue.url_key(post.url) or post.url


def add_posts(path: Path, posts: list[Post], *, update: bool = False, dry_run: bool = False) -> list[Outcome]:
    """Add `posts` to the catalogue at `path` (created if missing); what happened to each.

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
        changed = any(o.action in ("added", "updated") for o in outcomes)
        if changed and not dry_run:
            text = catalogue_text(current)
            catalogue.parse(json.loads(text), path)  # never write what we could not read back
            if old is not None:
                # the old version goes to .bak only while the file still holds it
                atomic_write_bytes(path.with_name(path.name + ".bak"), old, guard=(path, old))
            atomic_write_text(path, text, guard=(path, old))
        return outcomes


def validated(record: dict, where: str) -> Post:
    """A Post from an imported or typed record, or CatalogueError naming `where` and the problem."""
    try:
        return catalogue.build_post(record)
    except catalogue.PostProblem as problem:
        raise CatalogueError(f"{where}: {problem}.") from None
