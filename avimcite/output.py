"""The one module that knows about stdout: terminal or pipe, JSON or lines.

Data (citations, ids, JSON, piped lines) is written plainly with sys.stdout.write,
never through Rich, which wraps long lines and reads [brackets] as markup. Rich
draws tables and panels only when stdout is a terminal, and is imported only then.
"""

from __future__ import annotations

import json
import sys
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
        out.write(line + "\n")
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
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def post_fields(post: Post) -> list[tuple[str, str]]:
    """The fields `show` prints, in order, each with a non-empty value."""
    fields = [
        ("id", post.id),
        ("title", post.title),
        ("authors", "; ".join(a.name for a in post.authors)),
        ("series", post.series),
        ("number", f"{post.series} No.{post.year} / {post.number}"),
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
    return " ".join(text.split())


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
            if value.startswith(("http://", "https://")):
                links.append((key.replace("_", " "), value))
                continue
            grid.add_row(key.replace("_", " "), Text(value, overflow="fold"))
        console.print(Panel(grid, title=Text(post.id, style="bold"), title_align="left", expand=False))
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
            Text(post.id, style="cyan"), post.published.isoformat(), post.language, Text(authors), Text(post.title)
        )
    console.print(table)
    console.print(Text(f"{len(posts)} post{'s' if len(posts) != 1 else ''}", style="dim"))


def note(message: str) -> None:
    """A remark for the person at the terminal (not data): stderr."""
    sys.stderr.write(f"avimcite: {message}\n")
    sys.stderr.flush()


def warning(message: str) -> None:
    """Something the user should know that did not stop the command: stderr, one line."""
    sys.stderr.write(f"avimcite: warning: {message}\n")
    sys.stderr.flush()


def error(message: str) -> None:
    sys.stderr.write(f"avimcite: error: {message}\n")
    sys.stderr.flush()


def scan_line(finding) -> str:
    """FILE:LINE:COLUMN: id (kind): problems, or "ok"."""
    where = f"{finding.file}:{finding.line}:{finding.column}"
    what = finding.id or "not in the catalogue"
    tail = "; ".join(finding.problems) if finding.problems else "ok"
    return _plain(f"{where}: {what} ({finding.kind}: {finding.text[:80]}): {tail}")


def scan_rich(findings) -> None:
    if not findings:
        sys.stdout.write("No AVİM reference found.\n")
        return
    from rich.table import Table

    table = Table(show_lines=False, expand=False)
    for column in ("where", "post", "found", "check"):
        table.add_column(column, overflow="fold")
    for f in findings:
        check = "\n".join(_escape(p) for p in f.problems) if f.problems else "[green]ok[/green]"
        table.add_row(f"{f.file}:{f.line}:{f.column}", f.id or "[red]not in the catalogue[/red]", _escape(f.text[:120]), check)
    _console().print(table)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
