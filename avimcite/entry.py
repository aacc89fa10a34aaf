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
    utf8_streams()
    argv = sys.argv[1:] if argv is None else list(argv)
    plan = fast_plan(argv) if fast else None
    if plan is None:

        def plan() -> int:
            from avimcite.cli import typer_main

            return typer_main(argv)

    return boundary(plan)
