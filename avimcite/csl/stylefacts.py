"""What a style's bytes alone decide, kept between runs: that its macros pass the render
budget (avimcite.csl.budget) and whether any of its texts or attributes holds a character
reference to decode (fixes.decode_character_references).

Both are walks over the whole parsed style in every process: for apa about 9M instructions
of a first citation (3%), for chicago-author-date more. A style passes or fails the budget
by its bytes only, so the verdict is a fact about those bytes: it is kept in the user cache
folder as `stylefacts-<key>.marshal`, where the key digests the style's bytes (the very bytes
the engine parses), this format and the code that decides (budget.py, fixes.py, this file).
A style that fails the budget is never kept (it is checked, and fails, every time). Nothing
rendered is kept. The file is read only from a folder that is the user's own, as a regular
file not reached through a symlink, and only whole (a checksum, and the key it was written
for); anything else means checking as if it had never been kept (avimcite.cache).
"""

from __future__ import annotations

import os

FORMAT = 1
_code: list[bytes] = []


def _code_digest() -> bytes:
    if not _code:
        from avimcite.paths import blake2b

        here = os.path.dirname(os.path.abspath(__file__))
        h = blake2b(f"{FORMAT}".encode(), digest_size=16)
        for name in ("budget.py", "fixes.py", "stylefacts.py"):
            with open(os.path.join(here, name), "rb") as handle:
                h.update(b"\0" + name.encode() + b"\0" + handle.read())
        _code.append(h.digest())
    return _code[0]


def key(style_bytes: bytes) -> str:
    from avimcite.paths import blake2b

    return blake2b(_code_digest() + style_bytes, digest_size=16).hexdigest()


def _path(key_: str):
    from avimcite.paths import user_cache_dir

    return user_cache_dir() / f"stylefacts-{key_}.marshal"


def load(key_: str) -> dict | None:
    """The facts kept for this key, or None."""
    from avimcite import cache

    facts = cache.read_marshal(_path(key_), key_)
    if not isinstance(facts, dict) or facts.get("budget") is not True or not isinstance(facts.get("references"), bool):
        return None
    return facts


def remember(key_: str, facts: dict, pending={}) -> None:  # noqa: B006 - this process's new facts (as rx's table)
    """Facts to write when the program ends (save_pending, from avimcite.entry.run): a
    library caller's render writes nothing."""
    pending[key_] = facts


def save_pending() -> None:
    pending = remember.__defaults__[0]
    while pending:
        key_, facts = pending.popitem()
        save(key_, facts)


def save(key_: str, facts: dict) -> None:
    from avimcite import cache
    from avimcite.paths import user_cache_dir

    cache.save_marshal(user_cache_dir(), "stylefacts", key_, facts)
