"""Writing to a catalogue: add or update posts under a lock, atomically, with a backup.

Two imports run at once both land (the second waits for the first's lock and
reads what it wrote); an interrupted one leaves the old file intact (temp file
and rename); the version before each change is kept as `<file>.bak`.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from avimcite import catalogue
from avimcite.errors import CatalogueError, FileAccessError
from avimcite.fsutil import atomic_write_text
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


def _differences(old: Post, new: Post) -> list[str]:
    """Fields where `new` says something else than `old`; what `new` does not know is no difference
    (a citation line has no outlet, a commentary page often no author)."""
    a, b = old.to_catalogue_record(), _known(new.to_catalogue_record())
    return sorted(k for k in b if a.get(k) != b[k])


def _merged(old: Post, new: Post) -> Post:
    return catalogue.build_post(old.to_catalogue_record() | _known(new.to_catalogue_record()))


def add_posts(path: Path, posts: list[Post], *, update: bool = False, dry_run: bool = False) -> list[Outcome]:
    """Add `posts` to the catalogue at `path` (created if missing); what happened to each."""
    with locked(path):
        if path.exists():
            current = catalogue.load(path).posts
            old_text = path.read_text(encoding="utf-8")
        else:
            current, old_text = [], None
        by_id = {p.id: i for i, p in enumerate(current)}
        by_url = {catalogue.url_key(p.url): i for i, p in enumerate(current)}
        outcomes = []
        for post in posts:
            index = by_id.get(post.id, by_url.get(catalogue.url_key(post.url)))
            if index is None:
                current.append(post)
                by_id[post.id] = by_url[catalogue.url_key(post.url)] = len(current) - 1
                outcomes.append(Outcome(post.id, "added"))
                continue
            differs = _differences(current[index], post)
            if not differs:
                outcomes.append(Outcome(post.id, "unchanged"))
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
            if old_text is not None:
                atomic_write_text(path.with_name(path.name + ".bak"), old_text)
            atomic_write_text(path, text)
        return outcomes


def validated(record: dict, where: str) -> Post:
    """A Post from an imported or typed record, or CatalogueError naming `where` and the problem."""
    try:
        return catalogue.build_post(record)
    except catalogue.PostProblem as problem:
        raise CatalogueError(f"{where}: {problem}.") from None
