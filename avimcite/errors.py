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
    USAGE = 2  # bad option value, malformed date, unknown style or locale
    UNKNOWN_ID = 3  # an id or URL that is not in the catalogue
    CATALOGUE = 4  # the catalogue is broken (invalid JSON, schema, duplicates)
    FILE = 5  # a file that cannot be read or written
    NOT_A_POST = 6  # `import`: a page or line that holds no citable AVİM post
    NETWORK = 7  # `import URL`: unreachable, timed out, HTTP error, not a page, too large
    SCAN_PROBLEMS = 8  # `scan`: an AVİM reference disagrees with the catalogue or is in none
    RENDER = 9  # a CSL style that cannot render an item (names the item and the CSL element)
    INTERRUPTED = 130
    TERMINATED = 143  # SIGTERM (128 + 15): temp files removed, files left as they were


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
