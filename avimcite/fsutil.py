"""Writing files without ever losing one.

A regular file (or a path that does not exist yet) is written to a temp file
beside it and renamed over it: a failure at any point (unwritable folder, full
disk, Ctrl-C, SIGTERM) leaves the old file byte-identical and no temp file
behind. A symlink is followed: the file it points to is replaced, the link
stays. Anything that is not a regular file (a FIFO, a device, /dev/stdout, a
shell's `>(...)`) is written to directly: renaming over it would replace the
device or pipe with a plain file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from collections.abc import Iterable

from avimcite.errors import FileAccessError

class ChangedUnderneath(FileAccessError):
    """The file changed between being read and being replaced (someone else saved it)."""


def real_path(path: Path) -> Path:
    """`path` with every symlink followed (a dangling link gives its target)."""
    return Path(os.path.realpath(path))


# Names of an open file descriptor (the shell's redirection, `>(...)`): written to where they
# point, never resolved and replaced (that would break `-o /dev/stdout >> file`).
_FD_ALIAS = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/")


def _is_fd_alias(path) -> bool:
    text = os.path.normpath(str(path))
    if text in _FD_ALIAS[:2] or text.startswith(_FD_ALIAS[2:]):
        return True
    parts = text.split("/")  # /proc/<pid>/fd/<n>
    return len(parts) == 5 and parts[1] == "proc" and parts[2].isdigit() and parts[3] == "fd"


def write_plan(path: Path) -> tuple[str, Path]:
    """How an output path is written, decided on what it resolves to, whatever folder it is in
    (/dev/shm and /proc included): ("append", path) for a descriptor's name such as
    /dev/stdout, ("direct", path) for a device, FIFO or socket (written to, never replaced),
    ("replace", the resolved path) for a regular file or a new one (temp file beside it,
    then rename: the old file or the complete new one, on any file system)."""
    if str(path) in ("", "."):
        raise FileAccessError(f"cannot write {str(path)!r}: give a file name.")
    if _is_fd_alias(path):
        return "append", path
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "replace", real_path(path)
    if stat.S_ISDIR(mode):
        raise FileAccessError(f"cannot write {path}: it is a folder.")
    if not stat.S_ISREG(mode):
        return "direct", path
    return "replace", real_path(path)


def is_special(path: Path) -> bool:
    """Whether `path` is written to directly (a descriptor's name, a device, a FIFO, a socket)
    rather than replaced."""
    try:
        return write_plan(path)[0] != "replace"
    except FileAccessError:
        return False


def _identity(path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def check_output_target(path: Path, catalogues: list[Path], empty: bool) -> None:
    """Refuse an -o target that would lose data, whatever folder it is in and however it is
    spelled (symlinks, `..`, /dev/fd/N): a catalogue in use (present or not yet), any avimcite
    catalogue, a folder, or a non-empty file about to be replaced by an empty selection."""
    how, target = write_plan(path)
    here = _identity(path)
    for catalogue in catalogues:
        if (here is not None and here == _identity(catalogue)) or (how == "replace" and target == real_path(catalogue)):
            raise FileAccessError(f"{path} is the catalogue being read; write the export to another file.")
    if how != "replace":
        return  # a device or pipe is never read (it could block or never end)
    try:
        with open(target, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return  # a new file; or the write itself will say what is wrong
    if b'"avimcite-catalogue/' in head:
        raise FileAccessError(f"{path} is an avimcite catalogue; write the export to another file.")
    if empty and head.strip():
        from avimcite.errors import UnknownIdError

        raise UnknownIdError(f"no post matched, so {path} was left as it is (it is not empty).")


def open_regular(path, label: str, limit: int):
    """`path` opened for reading in binary, or FileAccessError in one sentence starting with
    `label` ("the catalogue x.json", "page.html"): a missing file, a folder, a device or FIFO
    (which could block or never end) and a file over `limit` bytes are refused before reading."""
    try:
        info = os.stat(path)  # before open: opening a FIFO without a writer would block
    except FileNotFoundError:
        raise FileAccessError(f"{label} does not exist.") from None
    except OSError as exc:
        raise FileAccessError(f"cannot read {label}: {exc.strerror}.") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileAccessError(f"{label} is a folder, not a file.")
    if not stat.S_ISREG(info.st_mode):
        raise FileAccessError(f"{label} is not a regular file (a device or pipe); give a saved file.")
    if info.st_size > limit:
        raise FileAccessError(f"{label} is larger than {limit >> 20} MiB, far more than it could hold.")
    try:
        return open(path, "rb")
    except OSError as exc:
        raise FileAccessError(f"cannot read {label}: {exc.strerror}.") from None


def read_bytes_if_any(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def atomic_write_bytes(path: Path, data: bytes | Iterable[bytes], guard: tuple | None = None) -> None:
    """Write bytes (or chunks of bytes) to `path`, atomically (`guard`: see atomic_write_text)."""
    _write(path, [data] if isinstance(data, bytes) else data, binary=True, guard=guard)


def atomic_write_text(path: Path, text: str | Iterable[str], guard: tuple | None = None) -> None:
    """Write `text` (a string, or chunks of one) to `path` in UTF-8, atomically.

    With `guard` = (a file, the bytes it held when it was read, or None for no file), the
    write is refused with ChangedUnderneath if that file no longer holds them just before
    the rename: a hand edit saved meanwhile is never overwritten."""
    _write(path, [text] if isinstance(text, str) else text, binary=False, guard=guard)


def _write(path: Path, chunks, binary: bool, guard: tuple | None) -> None:
    how, target = write_plan(path)
    if how != "replace":
        _write_direct(target, chunks, binary, append=how == "append")
        return
    path = target
    folder = path.parent
    try:
        fd, tmp_name = _new_temp_file(folder, path.name)
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
        _replace_if_unchanged(tmp_name, path, None if guard is None else (guard[0], guard[1], real_path(guard[0])))
    except BaseException as exc:
        raise _abandoned(tmp_name, path, exc) from None


def _new_temp_file(folder: Path, name: str) -> tuple[int, str]:
    """A new file `.NAME.<random>.tmp` in `folder`, created as tempfile.mkstemp creates one
    (exclusively, owner-only, a symlink never followed, not inherited by children), without
    importing tempfile (with shutil, random, bz2, lzma ...: 17M instructions, 5% of a first citation)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp_name = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp_name, flags, 0o600), tmp_name
        except FileExistsError:
            continue
    raise FileExistsError(f"no unused temporary file name in {folder}")


def keep_backup(path: Path, held: bytes) -> None:
    """`path`, which holds `held`, kept as `path.bak` before it is replaced: the backup is a
    second name (a hard link) of the file itself, whose bytes were written to disk when it was
    saved, so nothing is copied and nothing waits for the disk (a first citation's key-book
    write waited twice); where links are not possible, a copy written atomically. As
    atomic_write_bytes with `guard=(path, held)`: ChangedUnderneath if `path` no longer holds
    `held`, and an existing backup is replaced whole or not at all."""
    backup = path.with_name(path.name + ".bak")
    link_name = os.path.join(path.parent, f".{backup.name}.{os.urandom(6).hex()}.tmp")
    try:
        os.link(path, link_name, follow_symlinks=False)
    except OSError:  # a file system without hard links, or another failure: copy as before
        atomic_write_bytes(backup, held, guard=(path, held))
        return
    try:
        _replace_if_unchanged(link_name, backup, (path, held, link_name))
    except BaseException as exc:
        raise _abandoned(link_name, backup, exc) from None


def _replace_if_unchanged(tmp_name: str, target: Path, check: tuple | None) -> None:
    """Rename `tmp_name` over `target`, unless `check` = (the file named, the bytes it held, where
    to read it now) finds other bytes there: ChangedUnderneath, a hand edit saved meanwhile is
    never lost."""
    if check is not None and read_bytes_if_any(check[2]) != check[1]:
        raise ChangedUnderneath(
            f"{check[0]} was changed by another program while avimcite worked on it; "
            "nothing was written (run the command again)."
        )
    os.replace(tmp_name, target)


def _abandoned(tmp_name: str, target: Path, exc: BaseException) -> BaseException:
    """After a failed write: the temporary file removed, and the error to raise (an OSError
    as one line naming `target`)."""
    try:
        os.unlink(tmp_name)
    except OSError:
        pass
    if isinstance(exc, OSError):
        return FileAccessError(f"cannot write {target}: {exc.strerror or exc}.")
    return exc


def _write_direct(path: Path, chunks, binary: bool, append: bool = False) -> None:
    mode = "a" if append else "w"  # a descriptor's name is written where it stands (`>>` too)
    try:
        with open(path, mode + "b") if binary else open(path, mode, encoding="utf-8", newline="") as handle:
            handle.writelines(chunks)
    except OSError as exc:
        raise FileAccessError(f"cannot write {path}: {exc.strerror or exc}.") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_input(name: str, limit: int, too_large: str) -> bytes:
    """The bytes of FILE, or of stdin for "-", at most `limit` of them: a larger input is
    FileAccessError "NAME is larger than N MiB; <too_large>" (read limit+1 bytes to tell)."""
    import sys

    from avimcite.errors import FileAccessError

    if name == "-":
        if sys.stdin is None:
            return b""
        buffer = getattr(sys.stdin, "buffer", None)
        data = buffer.read(limit + 1) if buffer is not None else sys.stdin.read(limit + 1).encode("utf-8")
        name = "stdin"
    else:
        with open_regular(name, name, limit) as handle:
            try:
                data = handle.read(limit + 1)
            except OSError as exc:
                raise FileAccessError(f"cannot read {name}: {exc.strerror}.") from None
    if len(data) > limit:
        raise FileAccessError(f"{name} is larger than {limit >> 20} MiB; {too_large}")
    return data


def decode_text(data: bytes, errors: str = "replace") -> str:
    """Text saved by a browser, an editor or Word: UTF-8 (a BOM dropped), else Windows-1254,
    what they save on Turkish Windows. With errors="strict", UnicodeDecodeError when it is
    neither; by default the few bytes cp1254 lacks become U+FFFD."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1254", errors=errors)
