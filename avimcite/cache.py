"""A cache of parsed large catalogues and their citation keys, keyed by content.

Measured on a 100,000-post catalogue (37 MB, 2-core machine): parsing and validating
takes 1.8-2.4 s and the keys 0.5-0.8 s; from this cache 0.8-1.0 s (the hash of the bytes
included) and 0.06-0.14 s. The key is a BLAKE2 hash of the very bytes parsed, with the
cache format, avimcite's version and a digest of the code that parses and keys (two
installations never share an entry unless their code is the same), so an edited catalogue
can never be read from a stale cache (a time stamp could be). Each file also names the key
it was written for. Only catalogues over catalogue.CACHE_MIN_BYTES are cached, in the user
cache folder, and only if that folder is the user's own (owned by them, writable by no one
else): a shared folder (mode 1777) is not read or written. A cache file must be a regular
file owned by the user (a symlink is not followed). Any problem reading it means the file
is parsed as if there were no cache.
"""

from __future__ import annotations

from avimcite.paths import blake2b

import marshal
import os
import sys
from datetime import date
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from avimcite.model import Post

FORMAT = 3  # bump when the cached records change
KEEP = 6  # cache files kept


def digest(data: bytes) -> str:
    """Content hash of a catalogue's bytes (with the cache format, avimcite's version and
    a digest of its code: another avimcite may validate or key differently).

    The caller hashes exactly the bytes it parses: hashing the file and then reading it
    again could file one version's posts under another version's hash."""
    from avimcite import __version__

    return f"{blake2b(data + _code_digest(), digest_size=16).hexdigest()}-{FORMAT}-{__version__}"


_code: list[bytes] = []


def _code_digest() -> bytes:
    """A digest of avimcite's own modules (names and bytes), once per process."""
    if not _code:
        here = os.path.dirname(os.path.abspath(__file__))
        h = blake2b(digest_size=16)
        for name in sorted(n for n in os.listdir(here) if n.endswith(".py")):
            with open(os.path.join(here, name), "rb") as handle:
                h.update(name.encode() + b"\0" + handle.read() + b"\0")
        _code.append(h.digest())
    return _code[0]


def _file(cache_dir: Path, kind: str, key: str) -> Path:
    return cache_dir / f"{kind}-{key}.marshal"


def private_dir(folder: Path) -> bool:
    """Whether `folder` is a directory only this user can write to (owned by them, no group or
    other write bit), inside a parent that no one else can rename it out of: else a cache
    there could be planted by someone else, and is neither read nor written."""
    import stat

    if not hasattr(os, "getuid"):
        return True  # not POSIX: no modes to check
    try:
        info = os.stat(folder)
        parent = os.stat(os.path.dirname(os.path.abspath(folder)) or "/")
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        return False
    return not (parent.st_mode & 0o002 and not parent.st_mode & stat.S_ISVTX)


def make_private_dir(folder: Path) -> bool:
    """Create `folder` (mode 0700) if missing; whether it is private (see private_dir)."""
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return False
    return private_dir(folder)


def read_private(path: Path) -> bytes | None:
    """The bytes of a cache file in a private folder: a regular file owned by this user, not
    reached through a symlink; None otherwise."""
    import stat

    if not private_dir(path.parent):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
            return None
        return handle.read()


CHUNK = 2000  # posts per marshal record: writing the cache never holds a second copy of the catalogue


def load_posts(cache_dir: Path, key: str) -> list[Post] | None:
    # the model here, not at the top: avimcite.rx reads its table through this module while
    # avimcite.model (which compiles patterns) is being imported
    from avimcite.model import Author, Post, Source

    try:
        posts: list[Post] = []
        day = date.fromordinal
        raw = read_private(_file(cache_dir, "posts", key))
        if raw is None:
            return None
        data = memoryview(raw)
        records, offset = [], 0
        while offset < len(data):  # each record: 8-byte length, 16-byte checksum, then a marshalled list of rows
            size = int.from_bytes(data[offset : offset + 8], "little")
            start = offset + 8 + _SUM
            if start + size > len(data) or _checksum(data[start : start + size]) != data[offset + 8 : start]:
                return None  # damaged or cut short: parse the catalogue instead
            records.append((start, start + size))
            offset = start + size
        written_for, count = marshal.loads(data[records[0][0] : records[0][1]])
        if written_for != key:
            return None  # another catalogue's entry, renamed or linked here
        for start, end in records[1:]:
            for (series, year, number, language, title, published, url, authors, source, summary, reading,
                 explicit_id, extra) in marshal.loads(data[start:end]):  # fmt: skip
                posts.append(Post(series, year, number, language, title, day(published), url,
                                  tuple([Author(*a) for a in authors]),
                                  Source(source[0], day(source[1]) if source[1] else None, source[2], source[3]) if source else None,
                                  summary, reading, explicit_id, extra))  # fmt: skip
        return posts if len(posts) == count else None
    except Exception:  # noqa: BLE001 - a missing, old or damaged cache is only slower
        return None


def save_posts(cache_dir: Path, key: str, posts: list[Post]) -> None:
    # Strings that repeat across posts (series, names, outlets) are interned, so marshal stores
    # each once per record and the loaded posts share them: ~30 MB less for 100,000 posts.
    i = sys.intern

    def records():
        yield _record((key, len(posts)))
        for start in range(0, len(posts), CHUNK):
            yield _record([
                (i(p.series), p.year, p.number, i(p.language), p.title, p.published.toordinal(), p.url,
                 tuple((i(a.given), i(a.family), i(a.literal), i(a.display), i(a.lang), a.extra) for a in p.authors),
                 (i(p.source.name), p.source.date.toordinal() if p.source.date else None, p.source.url, p.source.extra) if p.source else None,
                 p.summary, p.reading_minutes, p.explicit_id, p.extra or None)  # fmt: skip
                for p in posts[start : start + CHUNK]
            ])

    _save(cache_dir, "posts", key, records())


_SUM = 16  # bytes of BLAKE2 checksum before each record


def _checksum(blob) -> bytes:
    return blake2b(blob, digest_size=_SUM).digest()


def read_marshal(path: Path, key: str):
    """The value kept whole at `path` for `key` (a checksum over it, and the key it was
    written for: see `save_marshal`), from a file that is the user's own; None otherwise."""
    try:
        raw = read_private(path)
        if raw is None:
            return None
        data = memoryview(raw)
        if _checksum(data[_SUM:]) != data[:_SUM]:
            return None
        written_for, value = marshal.loads(data[_SUM:])
        return value if written_for == key else None
    except Exception:  # noqa: BLE001 - a missing, old or damaged file: as if none were kept
        return None


def save_marshal(cache_dir: Path, kind: str, key: str, value) -> None:
    """Keep `value` (marshal's types) for `key` as `<kind>-<key>.marshal`, atomically."""
    blob = marshal.dumps((key, value))
    _save(cache_dir, kind, key, [_checksum(blob), blob])


def _record(value) -> bytes:
    blob = marshal.dumps(value)
    return len(blob).to_bytes(8, "little") + _checksum(blob) + blob


def load_keys(cache_dir: Path, key: str, ids: list[str]) -> dict[str, str] | None:
    """The cached citation keys of the posts `ids`, or None unless the cache is intact
    and holds exactly those ids."""
    keys = read_marshal(_file(cache_dir, "keys", key), key)
    if not isinstance(keys, dict) or len(keys) != len(ids) or not all(map(keys.__contains__, ids)):
        return None
    return keys


def save_keys(cache_dir: Path, key: str, keys: dict[str, str]) -> None:
    save_marshal(cache_dir, "keys", key, keys)


def _save(cache_dir: Path, kind: str, key: str, chunks) -> None:
    try:
        from avimcite.fsutil import atomic_write_bytes

        if not make_private_dir(cache_dir):
            return  # a folder others can write to: no cache
        atomic_write_bytes(_file(cache_dir, kind, key), chunks)
        old = sorted(cache_dir.glob(f"{kind}-*.marshal"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[KEEP:]:
            os.unlink(stale)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
        pass
