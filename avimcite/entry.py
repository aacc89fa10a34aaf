"""The entry point: the error boundary, and a fast path for the light commands.

avimcite runs from scripts and editors hundreds of times; Typer alone takes
20-30 ms to import. Plain invocations of `--version`, `show`, `list` and the
house `cite` are parsed here and run by the same functions the Typer commands
call (avimcite.commands) — the CSL `cite` too (`--style NAME|FILE`, `--locale`, `--mode`,
`--all` and the list filters). Anything else (help, completion, an option or value
this parser does not know, `--opt=value`) goes to Typer, which also gives every
usage error. tests/test_fast_path.py runs a matrix of command lines through both
paths and requires the same exit code, stdout and stderr.
"""

from __future__ import annotations

import os
import sys
TYPE_CHECKING = False  # `typing` costs ~2 ms at every start; only type checkers need it here
if TYPE_CHECKING:
    from typing import Callable, Optional

from avimcite.errors import AvimciteError, ExitCode

_ANY = lambda value: True  # noqa: E731


def _int(minimum: int | None = None):
    def check(value: str) -> bool:
        try:
            number = int(value)
        except ValueError:
            return False
        return minimum is None or number >= minimum

    return check


def _one_of(*choices: str):
    return lambda value: value in choices


# command: (flags, options with a value -> check, aliases)
_GRAMMAR = {
    "show": ({"--json"}, {}, {}),
    "list": (
        {"--ids", "--json", "--reverse"},
        {"--year": _int(), "--series": _ANY, "--lang": _one_of("en", "tr"), "--author": _ANY, "--search": _ANY,
         "--since": _ANY, "--until": _ANY, "--sort": _one_of("date", "id"), "--limit": _int(1)},
        {},
    ),  # fmt: skip
    "cite": (
        {"--all"},
        {"--style": _ANY, "--locale": _ANY, "--mode": _one_of("bibliography", "citation", "both"), "--accessed": _ANY,
         "--format": _one_of("text", "markdown", "html"), "--lang": _one_of("en", "tr"),
         "--year": _int(), "--series": _ANY, "--author": _ANY, "--search": _ANY, "--since": _ANY, "--until": _ANY},
        {"-s": "--style", "-f": "--format", "-l": "--locale"},
    ),  # fmt: skip
}


def fast_plan(argv: list[str]) -> Optional[Callable[[], int]]:
    """What to run for a plain invocation of a light command, or None for Typer."""
    if any(name.endswith("_COMPLETE") for name in os.environ if name.startswith("_AVIMCITE")):
        return None
    args = list(argv)
    catalogue = None
    if args[:1] == ["--catalogue"]:
        if len(args) < 2 or args[1].startswith("-"):
            return None
        catalogue, args = args[1], args[2:]
    elif args[:1] and args[0].startswith("--catalogue="):
        catalogue, args = args[0].partition("=")[2], args[1:]
    if args == ["--version"] and catalogue is None:
        return _version
    if not args or args[0] not in _GRAMMAR:
        return None
    command, rest = args[0], args[1:]
    flags, valued, aliases = _GRAMMAR[command]
    options: dict[str, object] = {}
    positional: list[str] = []
    i = 0
    while i < len(rest):
        arg = aliases.get(rest[i], rest[i])
        if not arg.startswith("-"):
            positional.append(arg)
            i += 1
        elif arg in flags:
            options[arg] = True
            i += 1
        elif arg in valued and arg not in options and i + 1 < len(rest) and not rest[i + 1].startswith("-"):
            if not valued[arg](rest[i + 1]):
                return None
            options[arg] = rest[i + 1]
            i += 2
        else:
            return None  # --help, --opt=value, a repeated or unknown option: Typer's to decide
    if command == "list" and positional:
        return None
    path = catalogue if catalogue is not None else os.environ.get("AVIMCITE_CATALOGUE") or None

    def plan() -> int:
        return _run(command, positional, options, path)

    # the answer cache may serve it: ids read from stdin are not part of the key
    plan.answerable = command == "list" or bool(positional) or "--all" in options
    return plan


def _version() -> int:
    from avimcite import __version__

    sys.stdout.write(f"avimcite {__version__}\n")
    return ExitCode.OK


def _run(command: str, ids: list[str], options: dict, catalogue: Optional[str]) -> int:
    from avimcite import commands

    commands.state.reset(catalogue)
    get = options.get
    if command == "show":
        commands.show(ids or None, bool(get("--json")))
    elif command == "list":
        year, limit = get("--year"), get("--limit")
        filters = commands.filters_of(
            int(year) if year is not None else None, get("--series"), get("--lang"), get("--author"),
            get("--search"), get("--since"), get("--until"),
        )  # fmt: skip
        commands.list_posts(filters, get("--sort", "date"), bool(get("--reverse")),
                            int(limit) if limit is not None else None, bool(get("--ids")), bool(get("--json")))  # fmt: skip
    else:
        year = get("--year")
        filters = commands.filters_of(
            int(year) if year is not None else None, get("--series"), None, get("--author"),
            get("--search"), get("--since"), get("--until"),
        )  # fmt: skip
        commands.cite(ids or None, get("--style", "avim"), get("--locale"), get("--mode", "bibliography"),
                      get("--accessed"), get("--format", "text"), get("--lang"), bool(get("--all")), filters)  # fmt: skip
    return ExitCode.OK


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that half-written temp files are removed."""


def _terminate_cleanly() -> None:
    import signal

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
        _silence_stdout()
        return ExitCode.OK
    except OSError as exc:  # stdout on a full disk, or closed
        _silence_stdout()
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
            import signal

            signal.signal(signal.SIGTERM, previous)


def _error(message: str) -> None:
    from avimcite import output  # only on failure: `--version` and the light commands stay light

    output.error(message)


def _silence_stdout() -> None:
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


def _utf8_streams() -> None:
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


# --- the answer cache ----------------------------------------------------------------
# A light command run again with the same arguments, in the same folder, on the same day, with
# every file it read unchanged (size and modification time in nanoseconds: the catalogues, the
# style and locale files, avimcite's own code, citeproc-py's) prints the output it printed last
# time, before importing anything. Only successful runs that wrote nothing on stderr are kept,
# only for output to a pipe or file (a terminal gets Rich), never when ids come from stdin.

_ANSWER_FORMAT = "avimcite-answer 1"


def _answer_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
    return os.path.join(base, "avimcite", "answers")


def _answer_key(argv: list[str]) -> str | None:
    if not sys.platform.startswith("linux") or os.environ.get("AVIMCITE_NO_ANSWER_CACHE"):
        return None
    import time

    try:
        parts = [*argv, "\0", os.getcwd(), time.strftime("%Y-%m-%d"), sys.version]
    except OSError:
        return None
    for name in ("AVIMCITE_CATALOGUE", "XDG_DATA_HOME", "XDG_CACHE_HOME", "HOME", "COLUMNS"):
        parts.append(f"{name}={os.environ.get(name, '')}")
    try:
        from _blake2 import blake2b
    except ImportError:
        return None
    return blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def _own_files() -> list[str]:
    here = os.path.dirname(os.path.abspath(__file__))
    files = []
    for folder in (here, os.path.join(here, "formatters"), os.path.join(here, "csl"), os.path.join(here, "exporters"), os.path.join(here, "styles")):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        files.extend(os.path.join(folder, n) for n in names if n.endswith((".py", ".csl")))
    return sorted(files)


def _answer_lookup(key: str) -> bytes | None:
    try:
        with open(os.path.join(_answer_dir(), key), "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    head, sep, body = data.partition(b"\n\x00\n")
    if not sep:
        return None
    lines = head.decode("utf-8", "surrogateescape").split("\n")
    if not lines or lines[0] != _ANSWER_FORMAT:
        return None
    from avimcite import stamp

    for line in lines[1:]:
        if stamp(line.split("\t", 1)[0]) != line:
            return None  # a file changed: run the command
    return body


def _answer_store(key: str, output: str, stamps: list[str]) -> None:
    """File `output` under `key` with the stamps, taken before reading, of every file read."""
    if any("\n" in line or line.count("\t") not in (1, 4) for line in stamps):
        return  # a path with a tab or line break would not read back
    head = "\n".join([_ANSWER_FORMAT] + sorted(set(stamps)))
    folder = _answer_dir()
    try:
        os.makedirs(folder, exist_ok=True)
        tmp = os.path.join(folder, f".{key}.{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            handle.write(head.encode("utf-8", "surrogateescape") + b"\n\x00\n" + output.encode("utf-8"))
        os.replace(tmp, os.path.join(folder, key))
    except OSError:
        pass  # a cache that cannot be written only costs the next run its time


class _Tee:
    """stdout for a cacheable run: writes go through and are kept."""

    def __init__(self, stream) -> None:
        self.stream, self.parts = stream, []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.stream.write(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


class _Watch:
    """stderr for a cacheable run: anything written there makes the run not cacheable."""

    def __init__(self, stream) -> None:
        self.stream, self.used = stream, False

    def write(self, text: str) -> int:
        self.used = True
        return self.stream.write(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _cacheable(plan) -> bool:
    """A fast-path run whose output may come from, and go to, the answer cache: ids on the
    command line (or none needed), output to a pipe or file (a terminal gets Rich)."""
    if not getattr(plan, "answerable", False):
        return False
    try:
        return not os.isatty(sys.stdout.fileno())
    except (AttributeError, ValueError, OSError):
        return False


def main(argv: Optional[list[str]] = None, fast: bool = True) -> int:
    _utf8_streams()
    argv = sys.argv[1:] if argv is None else list(argv)
    plan = fast_plan(argv) if fast else None
    if plan is None:

        def plan() -> int:
            from avimcite.cli import typer_main

            return typer_main(argv)

        return boundary(plan)
    key = _answer_key(argv) if _cacheable(plan) else None
    if key is None:
        return boundary(plan)
    answer = _answer_lookup(key)
    if answer is not None:
        out = getattr(sys.stdout, "buffer", None)
        try:
            if out is not None:
                sys.stdout.flush()
                out.write(answer)
                out.flush()
            else:
                sys.stdout.write(answer.decode("utf-8"))
            return ExitCode.OK
        except BrokenPipeError:
            _silence_stdout()
            return ExitCode.OK
        except OSError as exc:
            _silence_stdout()
            _error(f"cannot write the output: {exc.strerror or exc}.")
            return ExitCode.FILE
    import avimcite

    avimcite.inputs.clear()
    avimcite.record_input(*_own_files())  # our code, stamped before it runs
    own = len(avimcite.inputs)
    tee, watch = _Tee(sys.stdout), _Watch(sys.stderr)
    sys.stdout, sys.stderr = tee, watch
    try:
        code = boundary(plan)
    finally:
        sys.stdout, sys.stderr = tee.stream, watch.stream
    if code == ExitCode.OK and not watch.used and len(avimcite.inputs) > own:
        _answer_store(key, "".join(tee.parts), avimcite.inputs)
    return code
