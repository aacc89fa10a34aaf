"""Exit codes and the errors that carry them.

Every failure a user can cause is an `AvimciteError` whose message is one
sentence saying what is wrong and what to do; the boundary (avimcite.boundary)
prints it on stderr as `avimcite: error: <message>` and exits with the error's code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1
    USAGE = 2
    UNKNOWN_ID = 3
    CATALOGUE = 4
    FILE = 5
    NOT_A_POST = 6
    NETWORK = 7
    SCAN_PROBLEMS = 8
    RENDER = 9
    INTERRUPTED = 130
    TERMINATED = 143


# What each exit code means: `avimcite --help` prints this list; the README's Scripting
# section shows it as a table (tests/test_cli_errors.py keeps the two the same).
MEANINGS = {
    ExitCode.OK: "success (also an empty `list`, `check` with warnings only, `scan --exit-zero`, "
                 "a reader that stops reading: `| head -1`)",
    ExitCode.INTERNAL: "internal error (a bug: please report it; `AVIMCITE_DEBUG=1` shows the traceback)",
    ExitCode.USAGE: "usage: no command, an unknown option or command, a bad option value, a malformed date, no ids given, "
                    "`--lang` on a post with no twin recorded, an unknown style or locale, a style file that is missing "
                    "or not a CSL style, a malformed clusters file, an editor that cannot run or fails (`edit`)",
    ExitCode.UNKNOWN_ID: "an id, URL or citation key that is not in the catalogue (`remove`: not in your catalogue)",
    ExitCode.CATALOGUE: "broken catalogue or key book (invalid JSON, schema, a bad field, duplicate ids, a key two posts "
                        "hold); `check` found errors; an invalid `edit`",
    ExitCode.FILE: "a file that cannot be read or written (also the output on a full disk, a catalogue changed by "
                   "another program meanwhile); `scan`: a file that cannot be scanned",
    ExitCode.NOT_A_POST: "`import`: a file or URL holds no citable AVİM post (nothing was written)",
    ExitCode.NETWORK: "`import URL`: the page could not be fetched (unreachable, timeout, HTTP error, not a page, "
                      "over 5 MiB)",
    ExitCode.SCAN_PROBLEMS: "`scan`: an AVİM reference disagrees with the catalogue or is in none",
    ExitCode.RENDER: "a CSL style cannot render an entry (the message names the post or the CSL element)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
    ExitCode.TERMINATED: "terminated (SIGTERM); files left as they were",
}  # fmt: skip


class AvimciteError(Exception):
    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(AvimciteError):
    exit_code = ExitCode.USAGE


class UnknownIdError(AvimciteError):
    exit_code = ExitCode.UNKNOWN_ID

    def __init__(self, message: str, unknown: list[str] | None = None) -> None:
        super().__init__(message)
        self.unknown = unknown or []


class CatalogueError(AvimciteError):
    exit_code = ExitCode.CATALOGUE


class FileAccessError(AvimciteError):
    exit_code = ExitCode.FILE


class ImportRefused(AvimciteError):
    exit_code = ExitCode.NOT_A_POST


class FetchError(AvimciteError):
    exit_code = ExitCode.NETWORK


class ScanProblems(AvimciteError):
    exit_code = ExitCode.SCAN_PROBLEMS


class RenderError(AvimciteError):
    """A CSL style that cannot render an item: `item` is its id, `element` the CSL element
    that failed ('<text macro="author"> (line 12)') when known. Also avimcite.csl.RenderError."""

    exit_code = ExitCode.RENDER

    def __init__(self, message: str, item: str | None = None, element: str | None = None) -> None:
        super().__init__(message)
        self.item = item
        self.element = element
