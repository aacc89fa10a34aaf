"""Where the user's own files live (imported on every run: keep it light)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def user_data_dir() -> Path:
    """platformdirs' user data folder for avimcite ($XDG_DATA_HOME or ~/.local/share on Linux/BSD)."""
    return _user_dir("XDG_DATA_HOME", "~/.local/share", "user_data_path")


def user_catalogue_path() -> Path:
    """The catalogue `import` and `add` write to by default."""
    return user_data_dir() / "posts.json"


def user_cache_dir() -> Path:
    """platformdirs' user cache folder for avimcite ($XDG_CACHE_HOME or ~/.cache on Linux/BSD)."""
    return _user_dir("XDG_CACHE_HOME", "~/.cache", "user_cache_path")


def _user_dir(variable: str, fallback: str, platformdirs_function: str) -> Path:
    """platformdirs' folder for avimcite. On Linux and the BSDs its rule ($variable, else
    `fallback`) is computed here to spare every run the import (tests/test_import_files.py
    checks it against platformdirs); elsewhere (macOS, Windows) platformdirs answers."""
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        base = os.environ.get(variable, "").strip() or os.path.expanduser(fallback)
        return Path(base) / "avimcite"
    import platformdirs

    return getattr(platformdirs, platformdirs_function)("avimcite", appauthor=False)


def package_dir(name: str) -> Path | None:
    """The folder of an installed top-level package, found without importing it (or
    importlib.util, which costs a few milliseconds at every start)."""
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def blake2b(data: bytes = b"", digest_size: int = 32):
    """BLAKE2b from the built-in module: hashlib would load OpenSSL first (about 4 ms)."""
    try:
        from _blake2 import blake2b as _blake2b
    except ImportError:  # an interpreter built without it
        from hashlib import blake2b as _blake2b
    return _blake2b(data, digest_size=digest_size)
