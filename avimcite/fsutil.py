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


def atomic_write_bytes(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write bytes (or chunks of bytes) to `path`, atomically."""
    _atomic_write(path, [data] if isinstance(data, bytes) else data, binary=True)


def atomic_write_text(path: Path, text: str | Iterable[str]) -> None:
    """Write `text` (a string, or chunks of one) to `path` in UTF-8, atomically."""
    _atomic_write(path, [text] if isinstance(text, str) else text, binary=False)


def _atomic_write(path: Path, chunks, binary: bool) -> None:
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
