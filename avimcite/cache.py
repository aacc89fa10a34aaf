"""A cache of parsed large catalogues and their citation keys, keyed by content.

Parsing and validating 100,000 posts takes ~0.7 s and their keys ~0.35 s; reading
them back from this cache ~0.2 s. The key is a BLAKE2 hash of the file's bytes, so
an edited catalogue can never be read from a stale cache (a time stamp could be).
Only catalogues over catalogue.CACHE_MIN_BYTES are cached; the cache is ours (marshal), kept
in the user cache folder, pruned to the newest few, and any problem reading it
means the file is parsed as if there were no cache.
"""

from __future__ import annotations

from avimcite.paths import blake2b

import marshal
import os
import sys
from datetime import date
from pathlib import Path

from avimcite.model import Author, Post, Source

FORMAT = 3  # bump when the cached records change
KEEP = 6  # cache files kept


def digest(data: bytes) -> str:
    """Content hash of a catalogue's bytes (with the cache format and avimcite's version).

    The caller hashes exactly the bytes it parses: hashing the file and then reading it
    again could file one version's posts under another version's hash."""
    from avimcite import __version__

    return f"{blake2b(data, digest_size=16).hexdigest()}-{FORMAT}-{__version__}"  # a new avimcite may validate or key differently


def _file(cache_dir: Path, kind: str, key: str) -> Path:
    return cache_dir / f"{kind}-{key}.marshal"


CHUNK = 2000  # posts per marshal record: writing the cache never holds a second copy of the catalogue


def load_posts(cache_dir: Path, key: str) -> list[Post] | None:
    try:
        posts: list[Post] = []
        day = date.fromordinal
        data = memoryview(_file(cache_dir, "posts", key).read_bytes())
        records, offset = [], 0
        while offset < len(data):  # each record: 8-byte length, 16-byte checksum, then a marshalled list of rows
            size = int.from_bytes(data[offset : offset + 8], "little")
            start = offset + 8 + _SUM
            if start + size > len(data) or _checksum(data[start : start + size]) != data[offset + 8 : start]:
                return None  # damaged or cut short: parse the catalogue instead
            records.append((start, start + size))
            offset = start + size
        count = marshal.loads(data[records[0][0] : records[0][1]])
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
        yield _record(len(posts))
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


def _record(value) -> bytes:
    blob = marshal.dumps(value)
    return len(blob).to_bytes(8, "little") + _checksum(blob) + blob


def load_keys(cache_dir: Path, key: str, ids: list[str]) -> dict[str, str] | None:
    """The cached citation keys of the posts `ids`, or None unless the cache is intact
    and holds exactly those ids."""
    try:
        data = memoryview(_file(cache_dir, "keys", key).read_bytes())
        if _checksum(data[_SUM:]) != data[:_SUM]:
            return None
        keys = marshal.loads(data[_SUM:])
        if not isinstance(keys, dict) or len(keys) != len(ids) or not all(i in keys for i in ids):
            return None
        return keys
    except Exception:  # noqa: BLE001
        return None


def save_keys(cache_dir: Path, key: str, keys: dict[str, str]) -> None:
    blob = marshal.dumps(keys)
    _save(cache_dir, "keys", key, [_checksum(blob), blob])


def _save(cache_dir: Path, kind: str, key: str, chunks) -> None:
    try:
        from avimcite.fsutil import atomic_write_bytes

        cache_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(_file(cache_dir, kind, key), chunks)
        old = sorted(cache_dir.glob(f"{kind}-*.marshal"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[KEEP:]:
            os.unlink(stale)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
        pass
