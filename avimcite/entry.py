"""The entry point (`avimcite` and `python -m avimcite`): the streams made UTF-8, a plain
invocation of a light command run by the fast path (avimcite.fastpath), anything else by
Typer (avimcite.cli), all inside the error boundary (avimcite.boundary)."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

from avimcite.boundary import boundary
from avimcite.fastpath import fast_plan
from avimcite.streams import utf8_streams


def main(argv: Optional[list[str]] = None, fast: bool = True) -> int:
    return _main(argv, fast)[0]


def _main(argv: Optional[list[str]], fast: bool) -> tuple[int, bool]:
    """(exit code, whether the fast path ran the command)."""
    utf8_streams()
    argv = sys.argv[1:] if argv is None else list(argv)
    plan = fast_plan(argv) if fast else None
    if plan is None:

        def typer_plan() -> int:
            from avimcite.cli import typer_main

            return typer_main(argv)

        return boundary(typer_plan), False
    return boundary(plan), True


def run() -> None:
    """The program (the `avimcite` script, `python -m avimcite`): main(), then exit.

    After a fast-path command, whose every file is closed and which leaves no thread running
    (export's progress bar stops its own), the process ends with os._exit once stdout and
    stderr are flushed: tearing down the modules one by one (lxml and citeproc-py after a CSL
    cite) is up to a tenth of a first citation, freeing the 100,000 posts of an `export --all`
    a tenth of the export, and changes nothing a user sees. Should a flush fail, or a thread
    still run, the interpreter's own exit does as it always has."""
    import gc

    # One command's objects, most of them short-lived: the collector's young generation is
    # scanned every 50,000 allocations instead of 700 (a first citation spent 4% of its
    # instructions in collections that found little, a 1,000-post bibliography 6% of its
    # CPU; peak memory the same). The program's own process only: a library caller's is left
    # as it is.
    gc.set_threshold(50_000, 20, 100)
    code, fast = _main(None, True)
    from avimcite import rx

    rx.save()
    if "avimcite.csl.stylefacts" in sys.modules:
        sys.modules["avimcite.csl.stylefacts"].save_pending()
    threading = sys.modules.get("threading")
    if fast and (threading is None or threading.active_count() == 1):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):
            sys.exit(code)
        import os

        os._exit(int(code))
    sys.exit(code)
