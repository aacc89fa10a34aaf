"""The error boundary: every failure becomes one line on stderr (`avimcite: error: ...`) and
a documented exit code (avimcite.errors.ExitCode), never a traceback (unless AVIMCITE_DEBUG)."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

from avimcite.errors import AvimciteError, ExitCode
from avimcite.streams import silence_stdout


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that half-written temp files are removed."""


def _signal_module():
    """The signal functions, from the C module itself when there is one: `signal.py` builds
    its enums of every signal and handler at import (about 1 ms of each start)."""
    try:
        import _signal as signal
    except ImportError:
        import signal
    return signal


def _terminate_cleanly() -> None:
    signal = _signal_module()

    def raise_terminated(signum, frame):
        raise Terminated

    try:
        return signal.signal(signal.SIGTERM, raise_terminated)
    except (ValueError, OSError):  # not the main thread
        return None


def boundary(run: Callable[[], int]) -> int:
    """Run, and turn every failure into one line on stderr and a documented exit code."""
    import gc

    # A short run that may build 100,000 posts and makes no reference cycles: the cyclic
    # collector would only rescan them again and again (a third of an export's time).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    previous = _terminate_cleanly()
    try:
        return run()
    except AvimciteError as exc:
        _error(exc.message)
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted.")
        return ExitCode.INTERRUPTED
    except Terminated:
        _error("terminated.")
        return ExitCode.TERMINATED
    except BrokenPipeError:
        # The reader stopped reading (`| head -1`): that is its choice, not a failure.
        silence_stdout()
        return ExitCode.OK
    except OSError as exc:  # stdout on a full disk, or closed
        silence_stdout()
        _error(f"cannot write the output: {exc.strerror or exc}.")
        return ExitCode.FILE
    except Exception as exc:  # the last resort: one line, and a traceback only on request
        if os.environ.get("AVIMCITE_DEBUG"):
            raise
        _error(f"internal error: {exc!r}; set AVIMCITE_DEBUG=1 for a traceback and report it.")
        return ExitCode.INTERNAL
    finally:
        if gc_was_enabled:
            gc.enable()
        if previous is not None:
            signal = _signal_module()
            signal.signal(signal.SIGTERM, previous)


def _error(message: str) -> None:
    from avimcite import output  # only on failure: `--version` and the light commands stay light

    output.error(message)


