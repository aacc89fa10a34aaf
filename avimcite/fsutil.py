"""Atomic file writes: a temp file in the target folder, then os.replace.

A failure at any point (unwritable folder, full disk, Ctrl-C) leaves an
existing file byte-identical and no temp file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

from avimcite.errors import FileAccessError


def atomic_write_bytes(path: Path, data: bytes) -> None:
    atomic_write_text(path, data)


def atomic_write_text(path: Path, text: str | bytes | Iterable[str]) -> None:
    """Write `text` (a string, or chunks of one; or bytes) to `path` in UTF-8, atomically."""
    binary = isinstance(text, bytes)
    chunks = [text] if isinstance(text, (str, bytes)) else text
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise FileAccessError(f"cannot write {path}: {exc.strerror or exc} (is the folder there and writable?).") from None
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as handle:
            handle.writelines(chunks)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(tmp_name, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, path)
    except BaseException as exc:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise FileAccessError(f"cannot write {path}: {exc.strerror or exc}.") from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
