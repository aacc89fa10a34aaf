"""The one module that knows about stdout: terminal or pipe, JSON or lines.

Data (citations, ids, JSON, piped lines) is written plainly with sys.stdout.write,
never through Rich, which wraps long lines and reads [brackets] as markup. Rich
draws tables and panels only when stdout is a terminal, and is imported only then.
"""

from __future__ import annotations

import json
import sys

from avimcite.avim import serial
from avimcite.safetext import json_safe, shown

TYPE_CHECKING = False  # `typing` costs ~2 ms at every start; only type checkers need it here
if TYPE_CHECKING:
    from typing import Iterable

    from avimcite.model import Post



def stdout_is_tty() -> bool:
    return sys.stdout.isatty()


def stdin_is_tty() -> bool:
    return sys.stdin is None or sys.stdin.isatty()


def write_lines(lines: Iterable[str]) -> None:
    out = sys.stdout
    for line in lines:
        out.write(shown(line) + "\n")
    out.flush()


def write_chunks(chunks: Iterable[str]) -> None:
    write = sys.stdout.write
    for chunk in chunks:
        write(chunk)
    sys.stdout.flush()


def progress(total: int, threshold: int = 20000):
    """A progress bar on stderr for long jobs on a terminal, else None."""
    if total < threshold or not sys.stderr.isatty():
        return None

    def track(items):
        from rich.console import Console
        from rich.progress import track as rich_track

        return rich_track(items, total=total, description="exporting", console=Console(stderr=True), transient=True)

    return track


def write_json(data: object) -> None:
    sys.stdout.write(json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")
    sys.stdout.flush()


def post_fields(post: Post) -> list[tuple[str, str]]:
    """The fields `show` prints, in order, each with a non-empty value."""
    fields = [
        ("id", post.id),
        ("title", post.title),
        ("authors", "; ".join(a.name for a in post.authors)),
        ("series", post.series),
        ("number", serial(post.series, post.year, post.number)),
        ("published", post.published.isoformat()),
        ("language", post.language),
        ("url", post.url),
    ]
    if post.source:
        fields += [
            ("source", post.source.name),
            ("source_date", post.source.date.isoformat() if post.source.date else ""),
            ("source_url", post.source.url),
        ]
    if post.reading_minutes:
        fields.append(("reading_minutes", str(post.reading_minutes)))
    if post.summary:
        fields.append(("summary", post.summary))
    fields.append(("catalogue", post.origin))
    return [(key, value) for key, value in fields if value]


def _plain(text: str) -> str:
    # A value spanning lines would break the one-field-per-line contract.
    return " ".join(shown(text).split())


def show_plain(posts: list[Post]) -> None:
    blocks = ["\n".join(f"{k}: {_plain(v)}" for k, v in post_fields(p)) for p in posts]
    write_lines(["\n\n".join(blocks)] if blocks else [])


def list_line(post: Post) -> str:
    authors = "; ".join(a.name for a in post.authors)
    return "\t".join(_plain(v) for v in (post.id, post.published.isoformat(), post.language, authors, post.title))


def _console():
    from rich.console import Console

    return Console(highlight=False)


_MIN_WIDTH = 60  # below this a table or panel cannot show a title: plain lines instead


def show_rich(posts: list[Post]) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = _console()
    if console.width < _MIN_WIDTH:  # COLUMNS=0 or a very narrow terminal
        show_plain(posts)
        return
    for post in posts:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold cyan", no_wrap=True)
        grid.add_column()
        links = []
        for key, value in post_fields(post)[1:]:
            value = _plain(value)
            if value.startswith(("http://", "https://")):
                links.append((key.replace("_", " "), value))
                continue
            grid.add_row(key.replace("_", " "), Text(value, overflow="fold"))
        console.print(Panel(grid, title=Text(_plain(post.id), style="bold"), title_align="left", expand=False))
        for key, url in links:  # whole, never folded inside a box: a copied URL works
            console.print(Text(f"  {key}: ", style="bold cyan") + Text(url, style=f"link {url}"), soft_wrap=True)


def list_rich(posts: list[Post]) -> None:
    from rich.table import Table
    from rich.text import Text

    console = _console()
    if console.width < _MIN_WIDTH:  # COLUMNS=0 or a very narrow terminal: the table would lose the titles
        write_lines(list_line(p) for p in posts)
        return
    table = Table(show_edge=False, header_style="bold")
    for name in ("id", "date", "lang", "authors", "title"):
        table.add_column(name, no_wrap=name in ("id", "date"))
    for post in posts:
        authors = "; ".join(a.name for a in post.authors)
        table.add_row(
            Text(_plain(post.id), style="cyan"), post.published.isoformat(), post.language, Text(_plain(authors)),
            Text(_plain(post.title)),
        )
    console.print(table)
    console.print(Text(f"{len(posts)} post{'s' if len(posts) != 1 else ''}", style="dim"))


def note(message: str) -> None:
    """A remark for the person at the terminal (not data): stderr."""
    sys.stderr.write(f"avimcite: {shown(message)}\n")
    sys.stderr.flush()


def warning(message: str) -> None:
    """Something the user should know that did not stop the command: stderr, one line."""
    sys.stderr.write(f"avimcite: warning: {message}\n")
    sys.stderr.flush()


def error(message: str) -> None:
    sys.stderr.write(f"avimcite: error: {shown(message).replace(chr(10), ' ')}\n")
    sys.stderr.flush()


def scan_line(finding) -> str:
    """FILE:LINE:COLUMN: id (kind: text): problems, or "ok"."""
    where = f"{finding.file}:{finding.line}:{finding.column}"
    what = finding.id or "not in the catalogue"
    tail = "; ".join(finding.problems) if finding.problems else "ok"
    text = finding.text if len(finding.text) <= 80 or "://" in finding.text[:12] else finding.text[:79] + "…"
    return _plain(f"{where}: {what} ({finding.kind}: {text}): {tail}")


_SCAN_MIN_WIDTH = 100  # below this the four columns cannot show a location and a problem whole
_SCAN_MAX_ROWS = 500  # more findings than a person reads in a table: plain lines, at once


def scan_rich(findings) -> None:
    """A table on a wide terminal; plain FILE:LINE:COL lines on a narrow one or for a long
    report. Locations, ids, URLs and commands are never broken inside a cell: a problem that
    holds a URL or a command is printed whole after the table."""
    if not findings:
        return
    console = _console()
    where_width = max(len(f"{f.file}:{f.line}:{f.column}") for f in findings)
    post_width = max(len(f.id or "not in the catalogue") for f in findings)
    # the location and the id are never broken: the rest needs room for a found text and a problem
    if console.width < max(_SCAN_MIN_WIDTH, where_width + post_width + 60) or len(findings) > _SCAN_MAX_ROWS:
        write_lines(scan_line(f) for f in findings)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False, expand=False)
    table.add_column("where", no_wrap=True)
    table.add_column("post", no_wrap=True)
    table.add_column("found", no_wrap=True, overflow="ellipsis", max_width=44)
    table.add_column("check", overflow="fold")
    after = []
    for f in findings:
        cells = []
        for problem in f.problems:
            if "://" in problem or "avimcite " in problem:
                after.append(_plain(f"{f.file}:{f.line}:{f.column}: {problem}"))
                problem = problem.split("(", 1)[0].split(": avimcite", 1)[0].split("; add it with", 1)[0].rstrip(" ;:")
                problem += " (below)"
            cells.append(_plain(problem))
        check = Text("\n".join(cells)) if cells else Text("ok", style="green")
        post = Text(_plain(f.id), style="cyan") if f.id else Text("not in the catalogue", style="red")
        table.add_row(_plain(f"{f.file}:{f.line}:{f.column}"), post, Text(f"{f.kind}: {_plain(f.text)}"), check)
    console.print(table)
    for line in after:  # whole, never folded inside a box: a copied command or URL works
        console.print(Text(line), soft_wrap=True)


class _Progress:
    def __init__(self, total: int, description: str) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn(description), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                            console=Console(stderr=True), transient=True)  # fmt: skip
        self.task = self.bar.add_task(description, total=total)

    def __enter__(self):
        self.bar.start()
        return lambda n: self.bar.advance(self.task, n)

    def __exit__(self, *exc) -> None:
        self.bar.stop()


def byte_progress(total: int, description: str, threshold: int = 4 << 20):
    """A progress bar on stderr (a context manager giving `advance(bytes)`) for a long job
    on a terminal, else None."""
    if total < threshold or not sys.stderr.isatty():
        return None
    return _Progress(total, description)

