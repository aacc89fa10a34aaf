"""The standard streams as avimcite writes them: UTF-8 whatever the locale; a closed stdout
a failure the boundary reports, a closed stderr /dev/null."""

from __future__ import annotations

import os
import sys


def silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


class _Closed:
    """A closed stdout: writing to it is an error the boundary reports (exit 5)."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        import errno

        raise OSError(errno.EBADF, "stdout is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise ValueError("closed")


def utf8_streams() -> None:
    """Data on stdout is UTF-8 whatever the locale (LC_ALL=tr_TR.ISO-8859-9 included). A closed
    stderr becomes /dev/null; a closed stdout a stream whose writes raise EBADF, which the
    boundary reports as exit 5 (data that cannot be delivered is a failure)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, _Closed() if name == "stdout" else open(os.devnull, "w", encoding="utf-8"))
        elif (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            try:
                stream.reconfigure(encoding="utf-8", errors="backslashreplace" if name == "stderr" else "strict")
            except (AttributeError, ValueError):
                pass


