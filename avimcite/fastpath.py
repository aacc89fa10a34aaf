"""The fast path: plain invocations of `--version`, `show`, `list`, `cite` and `export`, parsed without
importing Typer (20-30 ms at every start), from the same option table (avimcite.spec), and
run by the same call (avimcite.commands.run). Anything else (help, completion, an option or
value the table does not accept as it is, `--opt=value`, a repeated option) goes to Typer,
which also gives every usage error.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # `typing` costs ~2 ms at every start; only type checkers need it here
if TYPE_CHECKING:
    from typing import Callable, Optional

from avimcite import spec
from avimcite.errors import ExitCode


def catalogue_first(argv: list[str]) -> list[str]:
    """`--catalogue PATH` given after the command moved before it, where both parsers read it:
    `avimcite check --catalogue X` is `avimcite --catalogue X check` (not after `--`)."""
    front, rest, i = [], [], 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg == "--catalogue" and i + 1 < len(argv):
            front += argv[i : i + 2]
            i += 2
            continue
        if arg.startswith("--catalogue="):
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest if front and front != argv[: len(front)] else list(argv)


def fast_plan(argv: list[str]) -> Optional[Callable[[], int]]:
    """What to run for a plain invocation of a light command, or None for Typer."""
    if any(name.endswith("_COMPLETE") for name in os.environ if name.startswith("_AVIMCITE")):
        return None
    args = catalogue_first(argv)
    catalogue = None
    if args[:1] == ["--catalogue"]:
        if len(args) < 2 or args[1].startswith("-"):
            return None
        catalogue, args = args[1], args[2:]
    elif args[:1] and args[0].startswith("--catalogue="):
        catalogue, args = args[0].partition("=")[2], args[1:]
    if args == ["--version"] and catalogue is None:
        return _version
    if not args or args[0] not in spec.FAST:
        return None
    command, rest = args[0], args[1:]
    flags, valued, aliases = spec.grammar(command)
    values: dict[str, object] = {}
    given: set[str] = set()
    positional: list[str] = []
    i = 0
    while i < len(rest):
        arg = aliases.get(rest[i], rest[i])
        if not arg.startswith("-"):
            positional.append(arg)
            i += 1
        elif arg in flags:
            values[flags[arg].dest] = True
            i += 1
        elif arg in valued and arg not in given and i + 1 < len(rest) and not rest[i + 1].startswith("-"):
            opt = valued[arg]
            if not opt.accepts(rest[i + 1]):
                return None
            values[opt.dest] = opt.convert(rest[i + 1])
            given.add(arg)
            i += 2
        else:
            return None  # --help, --opt=value, a repeated or unknown option: Typer's to decide
    if positional and not spec.TAKES_IDS[command]:
        return None
    path = catalogue if catalogue is not None else os.environ.get(spec.CATALOGUE.envvar) or None
    return lambda: _run(command, positional, values, path)


def _version() -> int:
    from avimcite import __version__

    sys.stdout.write(f"avimcite {__version__}\n")
    return ExitCode.OK


def _run(command: str, ids: list[str], values: dict, catalogue: Optional[str]) -> int:
    from avimcite import commands

    commands.state.reset(catalogue)
    commands.run(command, ids, values)
    return ExitCode.OK
