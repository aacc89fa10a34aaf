"""Compiled styles (avimcite.csl.quick renders from them): kept and read. They are built and
verified by avimcite.csl.compiler, which a first citation from a kept form never imports.

A compiled form is built from the style as the engine parsed it (its elements as plain
lists, the terms, localized dates and options its locale gives it as the engine looks them
up), then *verified*: the engine and avimcite.csl.quick render a fixed set of probe items
(plain, invented, in English and Turkish, of the types AVİM publishes) in the citation and
the bibliography, and the form is kept usable only if every probe the quick renderer accepts
prints as the engine prints it and at least one does. A form that fails is kept as failed,
so the engine is not asked again for the same bytes.

The form is kept in the user cache folder as `compiled-<key>.marshal`, the key digesting the
style's bytes, the locale and the bytes of the locale files the engine reads for it, and the
engine's code (Python's version, every module of avimcite.csl and of citeproc-py, by size
and modification time): a changed style, locale file, avimcite or citeproc-py builds a new
form. Nothing rendered from user data is kept.
The file is read only from a folder that is the user's own and only whole (avimcite.cache).
"""

from __future__ import annotations

import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def _version() -> int:
    from avimcite.csl.quick import FORM_VERSION

    return FORM_VERSION


# --- keeping --------------------------------------------------------------------------------


def _code_digest(h) -> None:
    """The code a form was built and verified with: Python's version, and every module of
    avimcite.csl and of the installed citeproc-py (the engine's base) by name, size and
    modification time."""
    import sys

    from avimcite.paths import package_dir

    h.update(sys.version.encode() + b"\0")
    for folder in (_HERE, str(package_dir("citeproc") or "")):
        if not folder:
            continue
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    h.update(f"{entry.name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())


def key(style_bytes: bytes, locale: str, locale_files: list[str]) -> str | None:
    """The form's key, or None if a locale file cannot be read."""
    from avimcite.paths import blake2b

    h = blake2b(b"avimcite-compiled\0" + str(_version()).encode(), digest_size=16)
    _code_digest(h)
    h.update(b"\0" + locale.encode() + b"\0")
    for path in locale_files:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        h.update(len(data).to_bytes(8, "little") + data)
    h.update(style_bytes)
    return h.hexdigest()


def locale_files(locale: str) -> list[str]:
    """The locale files the engine may read for `locale`: those of its language and en-US
    (citeproc-py's Style.set_locale_list reads the locale's, its language's primary dialect's
    and en-US's)."""
    from avimcite.paths import package_dir

    folder = os.path.join(str(package_dir("citeproc")), "data", "locales")
    language = locale.split("-")[0]
    names = sorted(n for n in os.listdir(folder) if n.startswith(f"locales-{language}-") or n == f"locales-{language}.xml")
    if "locales-en-US.xml" not in names:
        names.append("locales-en-US.xml")
    return [os.path.join(folder, n) for n in names]


def _path(key_: str):
    from avimcite.paths import user_cache_dir

    return user_cache_dir() / f"compiled-{key_}.marshal"


def load(key_: str):
    """The form kept for this key: a dict, False (kept as failed), or None (none kept)."""
    from avimcite import cache

    form = cache.read_marshal(_path(key_), key_)
    if form is False or (isinstance(form, dict) and form.get("version") == _version()):
        return form
    return None


def save(key_: str, form) -> None:
    from avimcite import cache
    from avimcite.paths import user_cache_dir

    cache.save_marshal(user_cache_dir(), "compiled", key_, form)
