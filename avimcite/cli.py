"""The command line: each command parses its options, calls the core, prints.

Exit codes (documented in the README's Scripting section): 0 ok; 1 internal
error; 2 usage or bad option value; 3 unknown id; 4 broken catalogue; 5 a file
that cannot be read or written; 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from avimcite import __version__, output
from avimcite.errors import AvimciteError, ExitCode, UsageError

app = typer.Typer(
    name="avimcite",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class HouseStyle(str, Enum):
    avim = "avim"
    avim_site = "avim-site"


class TextFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"


class Lang(str, Enum):
    en = "en"
    tr = "tr"


class SortKey(str, Enum):
    date = "date"
    id = "id"


# --- the catalogue and ids -----------------------------------------------------------


class State:
    catalogue_path: Optional[Path] = None
    _catalogue = None

    def catalogue(self):
        if self._catalogue is None:
            from avimcite import catalogue

            self._catalogue = catalogue.load(self.catalogue_path or catalogue.shipped_catalogue_path())
        return self._catalogue


state = State()


def _complete_ids(incomplete: str) -> list[str]:
    try:
        posts = state.catalogue().posts
    except AvimciteError:
        return []
    return [p.id for p in posts if p.id.startswith(incomplete.lower())]


def _ids_or_stdin(ids: Optional[list[str]], hint: str = "") -> list[str]:
    """The ids given, else one per line from a piped stdin (blank lines and # comments skipped)."""
    if ids:
        return ids
    if not output.stdin_is_tty():
        found = [line.strip() for line in sys.stdin]
        found = [line for line in found if line and not line.startswith("#")]
        if found:
            return found
    raise UsageError(f"give at least one post id (e.g. 2023/63){hint}, or pipe ids in, one per line.")


def _posts_for(ids: list[str]):
    """The known posts, and an error to raise once they are printed, if any id is unknown."""
    cat = state.catalogue()
    posts, unknown = cat.get_many(ids)
    return posts, (cat.unknown_error(unknown) if unknown else None)


def _parse_date(text: Optional[str], option: str) -> Optional[date]:
    if text is None:
        return None
    from avimcite.dates import parse_date

    return parse_date(text, option)


IdsArg = Annotated[
    Optional[list[str]],
    typer.Argument(
        metavar="ID...",
        help="Post ids (blog/2023/63, or 2023/63 for a blog) or AVİM URLs; read from stdin when piped.",
        autocompletion=_complete_ids,
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON records (UTF-8, stable key order).")]
YearOpt = Annotated[Optional[int], typer.Option("--year", help="Series year (as in Blog No.2023 / 63).")]
SeriesOpt = Annotated[Optional[str], typer.Option("--series", help="Blog, Commentary, Yorum, Analysis, Analiz, ...")]
LangFilterOpt = Annotated[Optional[Lang], typer.Option("--lang", help="Language of the post.")]
AuthorOpt = Annotated[Optional[str], typer.Option("--author", help="Words in an author's name (case and accents ignored).")]
SearchOpt = Annotated[
    Optional[str], typer.Option("--search", help="Words in the title, authors or source (case and accents ignored).")
]
SinceOpt = Annotated[Optional[str], typer.Option("--since", metavar="DATE", help="Published on or after DATE.")]
UntilOpt = Annotated[Optional[str], typer.Option("--until", metavar="DATE", help="Published on or before DATE.")]
AllOpt = Annotated[bool, typer.Option("--all", help="Every post (with filters: every post that matches).")]
AccessedOpt = Annotated[
    Optional[str],
    typer.Option(metavar="DATE", help="Access date: 2026-06-25, 25 June 2026, 25.06.2026 or 'today'."),
]


def _filters(year, series, lang, author, search, since, until):
    """The list filters, or None when no filter was given."""
    from avimcite.catalogue import Filters

    filters = Filters(
        year=year,
        series=series,
        language=lang.value if lang else None,
        author=author,
        search=search,
        since=_parse_date(since, "--since"),
        until=_parse_date(until, "--until"),
    )
    return filters if filters != Filters() else None


def _chosen_posts(ids, all_, filters):
    """Posts by id (ids given or piped), or by --all / filters; plus a deferred unknown-id error."""
    if ids and (all_ or filters):
        raise UsageError("give either post ids or --all / filters, not both.")
    if all_ or filters:
        from avimcite.catalogue import Filters, select

        return select(state.catalogue().posts, filters or Filters()), None
    return _posts_for(_ids_or_stdin(ids, hint=", --all, or a filter such as --year 2023"))


# --- commands -------------------------------------------------------------------------


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"avimcite {__version__}\n")
        raise typer.Exit()


@app.callback()
def _global(
    catalogue: Annotated[
        Optional[Path],
        typer.Option(
            "--catalogue",
            envvar="AVIMCITE_CATALOGUE",
            metavar="PATH",
            help="Catalogue file to read (default: the one that ships with avimcite).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Cite AVİM posts from a local catalogue, offline.

    Example: avimcite cite 2023/63
    """
    state.catalogue_path = catalogue
    state._catalogue = None


@app.command()
def show(ids: IdsArg = None, json_: JsonOpt = False) -> None:
    """Show the metadata of posts: a panel on a terminal, `field: value` lines when piped.

    Example: avimcite show 2023/63 --json
    """
    posts, missing = _posts_for(_ids_or_stdin(ids))
    if json_:
        output.write_json([p.to_record() for p in posts])
    elif output.stdout_is_tty():
        output.show_rich(posts)
    else:
        output.show_plain(posts)
    if missing:
        raise missing


@app.command("list")
def list_(
    year: YearOpt = None,
    series: SeriesOpt = None,
    lang: LangFilterOpt = None,
    author: AuthorOpt = None,
    search: SearchOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    sort: Annotated[SortKey, typer.Option(help="Order by publication date or by id.")] = SortKey.date,
    reverse: Annotated[bool, typer.Option("--reverse", help="Newest (or last id) first.")] = False,
    limit: Annotated[Optional[int], typer.Option(min=1, help="Print at most N posts.", metavar="N")] = None,
    ids_only: Annotated[bool, typer.Option("--ids", help="Print ids only, one per line.")] = False,
    json_: JsonOpt = False,
) -> None:
    """List posts, filtered: a table on a terminal, one tab-separated line per post when piped.

    Example: avimcite list --year 2023 --search karabakh --ids
    """
    from avimcite.catalogue import Filters, select

    filters = _filters(year, series, lang, author, search, since, until) or Filters()
    posts = select(state.catalogue().posts, filters, sort=sort.value, reverse=reverse, limit=limit)
    if json_:
        output.write_json([p.to_record() for p in posts])
    elif ids_only:
        output.write_lines(p.id for p in posts)
    elif output.stdout_is_tty():
        output.list_rich(posts)
    else:
        output.write_lines(output.list_line(p) for p in posts)


@app.command()
def cite(
    ids: IdsArg = None,
    style: Annotated[
        HouseStyle, typer.Option("--style", "-s", help="avim: AVİM's line with the publication year; avim-site: as the site prints it.")
    ] = HouseStyle.avim,
    accessed: AccessedOpt = None,
    fmt: Annotated[TextFormat, typer.Option("--format", "-f", help="Output markup.")] = TextFormat.text,
    lang: Annotated[Optional[Lang], typer.Option("--lang", help="Language of the line (default: the post's).")] = None,
) -> None:
    """Cite posts in AVİM's house format, one line per id, in the order given.

    Example: avimcite cite 2023/63 --accessed 2026-06-25
    """
    from avimcite.formatters import house

    when = _parse_date(accessed, "--accessed") or date.today()
    posts, missing = _posts_for(_ids_or_stdin(ids))
    output.write_lines(
        house.cite(p, when, style=style.value, lang=lang.value if lang else None, fmt=fmt.value) for p in posts
    )
    if missing:
        raise missing


class ExportFormat(str, Enum):
    bibtex = "bibtex"
    biblatex = "biblatex"
    ris = "ris"
    csl_json = "csl-json"


@app.command()
def export(
    ids: IdsArg = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Bibliography format.")] = ExportFormat.bibtex,
    out: Annotated[
        Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
    ] = None,
    accessed: AccessedOpt = None,
    all_: AllOpt = False,
    year: YearOpt = None,
    series: SeriesOpt = None,
    lang: LangFilterOpt = None,
    author: AuthorOpt = None,
    search: SearchOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> None:
    """Export posts as BibTeX, BibLaTeX, RIS or CSL-JSON (no access date unless --accessed).

    Example: avimcite export --all --format biblatex -o avim.bib
    """
    from avimcite.exporters import export as render

    filters = _filters(year, series, lang, author, search, since, until)
    posts, missing = _chosen_posts(ids, all_, filters)
    when = _parse_date(accessed, "--accessed")
    text = render(posts, state.catalogue().posts, fmt.value, when, track=output.progress(len(posts)))
    # Written as it is made: a failure part-way leaves an existing -o file untouched (atomic).
    if out is None or str(out) == "-":
        output.write_chunks(text)
    else:
        from avimcite.fsutil import atomic_write_text

        atomic_write_text(out, text)
    if missing:
        raise missing


# --- the error boundary ---------------------------------------------------------------


def main(argv: Optional[list[str]] = None) -> int:
    """Run the CLI and return its exit code; every failure is one line on stderr."""
    import gc

    from typer import Abort
    from typer._click.exceptions import UsageError as ClickUsageError

    # A short run that builds up to 100,000 posts and never makes reference cycles:
    # the cyclic collector would only rescan them again and again (a third of an
    # export's time). Reference counting still frees everything.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        result = app(args=argv, prog_name="avimcite", standalone_mode=False)
        if result == ExitCode.INTERRUPTED:  # Typer turns Ctrl-C into a silent Exit(130)
            output.error("interrupted.")
        return result if isinstance(result, int) else ExitCode.OK
    except AvimciteError as exc:
        output.error(exc.message)
        return exc.exit_code
    except ClickUsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "avimcite"
        message = " ".join(exc.format_message().split()).rstrip(".")
        output.error(f"{message} (see '{command} --help').")
        return ExitCode.USAGE
    except (KeyboardInterrupt, Abort):
        output.error("interrupted.")
        return ExitCode.INTERRUPTED
    except SystemExit as exc:  # shell completion, and Rich's help writer on a closed pipe
        return exc.code if isinstance(exc.code, int) else ExitCode.OK
    except BrokenPipeError:
        # The reader stopped reading (`| head -1`): that is its choice, not a failure.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK
    except Exception as exc:  # the last resort: one line, and a traceback only on request
        if os.environ.get("AVIMCITE_DEBUG"):
            raise
        output.error(f"internal error: {exc!r}; set AVIMCITE_DEBUG=1 for a traceback and report it.")
        return ExitCode.INTERNAL
    finally:
        if gc_was_enabled:
            gc.enable()
