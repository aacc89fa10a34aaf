"""Every command's arguments and options, declared once, as data.

Both parsers read this table: Typer (avimcite/cli.py builds every command's signature from
it, and each command body receives the values by `dest`) and the fast path
(avimcite/fastpath.py, which parses plain invocations of the commands in FAST without
importing Typer). An option added here is an option of both; for the light commands the
core gets the values by `dest` (avimcite.commands.run). Importing this module is light.
"""

from __future__ import annotations


class Opt:
    """One option: `names` ("--style", "-s"), `dest` (the keyword the command body receives),
    `kind` ("flag", "text", "int", "float", "path", "choice" or "many": a text given again and
    again), and what help and validation need. No default and `required`: Typer refuses the
    command line without it."""

    __slots__ = ("names", "dest", "kind", "choices", "minimum", "maximum", "default", "required", "metavar", "help",
                 "envvar", "fast")  # fmt: skip

    def __init__(self, names: tuple[str, ...], dest: str, kind: str = "text", *, choices: tuple[str, ...] = (),
                 minimum: float | None = None, maximum: float | None = None, default: object = None,
                 required: bool = False, metavar: str | None = None, help: str = "", envvar: str | None = None,
                 fast: bool = True) -> None:  # fmt: skip
        self.names, self.dest, self.kind, self.choices = names, dest, kind, choices
        self.minimum, self.maximum, self.required = minimum, maximum, required
        self.default = False if kind == "flag" else default
        self.metavar, self.help, self.envvar = metavar, help, envvar
        self.fast = fast  # False: only Typer handles it (the fast path hands the line over)

    def accepts(self, value: str) -> bool:
        """Whether the fast path may take `value` as it is; else Typer decides (and explains)."""
        if self.kind == "choice":
            return value in self.choices
        if self.kind == "int":
            try:
                number = int(value)
            except ValueError:
                return False
            return self.minimum is None or number >= self.minimum
        if self.kind == "path":  # Typer refuses a path that is there and cannot be read
            import os

            try:
                os.stat(value)
            except OSError:
                return True
            except ValueError:  # a NUL in the name: Typer's to report
                return False
            return os.access(value, os.R_OK)
        return self.kind == "text"

    def convert(self, value):
        if self.kind == "path":
            from pathlib import Path

            return Path(value)  # as Typer gives it
        return int(value) if self.kind == "int" else value


class Arg:
    """The positional arguments of a command: `dest`, `metavar` and `help`; `many` (any number,
    none when not `required`) or exactly one; `complete` names the shell completion
    (avimcite.cli)."""

    __slots__ = ("dest", "metavar", "help", "many", "required", "complete")

    def __init__(self, dest: str, metavar: str, help: str, *, many: bool = True, required: bool = False,
                 complete: str | None = None) -> None:  # fmt: skip
        self.dest, self.metavar, self.help = dest, metavar, help
        self.many, self.required, self.complete = many, required, complete


LANGS = ("en", "tr")
FORMATS = ("text", "markdown", "html")
MODES = ("bibliography", "citation", "both")
SORTS = ("date", "id")
EXPORT_FORMATS = ("bibtex", "biblatex", "ris", "csl-json")

# The options before the command (`avimcite --catalogue X cite ...`).
CATALOGUE = Opt(("--catalogue",), "catalogue", metavar="PATH", envvar="AVIMCITE_CATALOGUE",
                help="Catalogue file to read (default: the one that ships with avimcite).")  # fmt: skip
VERSION = Opt(("--version",), "version", "flag", help="Print the version and exit.")
GLOBAL = (CATALOGUE, VERSION)

IDS = Arg("ids", "ID...", "Post ids (blog/2023/63, or 2023/63 for a blog) or AVİM URLs; read from stdin when piped.",
          complete="ids")  # fmt: skip
JSON = Opt(("--json",), "json_", "flag", help="Print JSON records (UTF-8, stable key order).")
YEAR = Opt(("--year",), "year", "int", help="Series year (as in Blog No.2023 / 63).")
SERIES = Opt(("--series",), "series", help="Blog, Commentary, Yorum, Analysis, Analiz, ...")
LANG = Opt(("--lang",), "lang", "choice", choices=LANGS, help="Language of the post.")
AUTHOR = Opt(("--author",), "author", help="Words in an author's name (case and accents ignored).")
SEARCH = Opt(("--search",), "search", help="Words in the title, authors or source (case and accents ignored).")
SINCE = Opt(("--since",), "since", metavar="DATE", help="Published on or after DATE.")
UNTIL = Opt(("--until",), "until", metavar="DATE", help="Published on or before DATE.")
ALL = Opt(("--all",), "all_", "flag", help="Every post (with filters: every post that matches).")
ACCESSED = Opt(("--accessed",), "accessed", metavar="DATE",
               help="Access date: 2026-06-25, 25 June 2026, 25.06.2026 or 'today'.")  # fmt: skip
# The list filters; `cite` takes them without --lang (its --lang is the house line's language).
FILTERS = (YEAR, SERIES, LANG, AUTHOR, SEARCH, SINCE, UNTIL)
FILTER_DESTS = tuple(o.dest for o in FILTERS)
# Writing to a catalogue (import, add).
DRY_RUN = Opt(("--dry-run",), "dry_run", "flag", help="Show what would be written, write nothing.")
UPDATE = Opt(("--update",), "update", "flag", help="Replace a post already there when it differs.")

COMMANDS: dict[str, tuple[Opt | Arg, ...]] = {
    "show": (IDS, JSON),
    "list": (
        *FILTERS,
        Opt(("--sort",), "sort", "choice", choices=SORTS, default="date", help="Order by publication date or by id."),
        Opt(("--reverse",), "reverse", "flag", help="Newest (or last id) first."),
        Opt(("--limit",), "limit", "int", minimum=1, metavar="N", help="Print at most N posts."),
        Opt(("--ids",), "ids_only", "flag", help="Print ids only, one per line."),
        JSON,
    ),
    "cite": (
        IDS,
        Opt(("--style", "-s"), "style", default="avim", metavar="NAME|FILE.csl",
            help="avim (AVİM's line, publication year), avim-site (as the site prints it), or any CSL style: "
                 "apa, chicago, chicago-notes, mla, harvard, ieee, vancouver, turabian, a style id, or a .csl file."),
        Opt(("--locale", "-l"), "locale", help="CSL locale (en-US, tr-TR, ...); default en-US or the style's own."),
        Opt(("--mode",), "mode", "choice", choices=MODES,
            help="CSL styles: the bibliography, in-text citations (notes for note styles), or both "
                 "[default: bibliography; citation with --clusters]."),
        Opt(("--clusters",), "clusters", metavar="FILE|-", fast=False,
            help="Citation clusters, one per line in pandoc's syntax ([@2023/63, para. 4; @yorum/2020/5], [-@key], "
                 "[see @key, sec. 2]); one line out per cluster."),
        ACCESSED,
        Opt(("--format", "-f"), "fmt", "choice", choices=FORMATS, default="text", help="Output markup."),
        Opt(("--lang",), "lang", "choice", choices=LANGS, help="House styles: language of the line (default: the post's)."),
        Opt(("--json",), "json_", "flag",
            help="Print one JSON object: style, mode, format, citations (each with the ids it cites) and bibliography."),
        ALL,
        *(o for o in FILTERS if o is not LANG),
    ),
    "styles": (
        Arg("query", "[QUERY]...", "Words in a style's id or title (case and accents ignored)."),
        Opt(("--path",), "path", "flag",
            help="Print the file of the style named (avim: our own avim.csl), for Zotero's \"Add Style…\" or pandoc --csl."),
    ),
    "export": (
        IDS,
        Opt(("--format", "-f"), "fmt", "choice", choices=EXPORT_FORMATS,
            help="Bibliography format (default: from the -o file's extension, .bib .ris .json; else bibtex)."),
        Opt(("--output", "-o"), "out", "path", metavar="FILE", help="Write to FILE (atomically) instead of stdout."),
        ACCESSED,
        ALL,
        *FILTERS,
    ),
    "scan": (
        Arg("files", "FILE...", "Drafts: Markdown, text, LaTeX, .bib, HTML or Word .docx; - for stdin.", required=True),
        Opt(("--json",), "json_", "flag", help="A JSON list of findings (file, line, column, kind, text, id, problems)."),
        Opt(("--ids",), "ids", "flag", help="Only the ids of the posts found, each once, in order of first appearance."),
        Opt(("--exit-zero",), "exit_zero", "flag",
            help="Exit 0 even when a reference needs attention (for pipelines); a file that cannot be read still exits 5."),
    ),
    "import": (
        Arg("files", "FILE|URL...", "Saved AVİM pages (text, Markdown, HTML), files of citation lines, or http(s) URLs "
            "of AVİM pages; - for stdin.", required=True),
        Opt(("--url",), "url", help="The AVİM URL of the page, when the saved file does not hold it."),
        DRY_RUN,
        UPDATE,
        Opt(("--timeout",), "timeout", "float", minimum=0.1, maximum=600, default=20.0,
            help="Give up on a URL after this many seconds."),
        Opt(("--refresh",), "refresh", "flag", help="Download URLs again instead of using the copies cached by an earlier import."),
    ),
    "add": (
        Opt(("--series",), "series", required=True, help="The word AVİM prints: Blog, Commentary, Yorum, Analysis, Analiz."),
        Opt(("--year",), "year", "int", required=True, help="Series year (Blog No.2023 / 63 -> 2023)."),
        Opt(("--number",), "number", "int", required=True, help="Running number in the series year."),
        Opt(("--title",), "title", required=True, help="The title exactly as AVİM prints it."),
        Opt(("--date",), "date_", required=True, metavar="DATE", help="Publication date (31.10.2023, 2023-10-31, ...)."),
        Opt(("--url",), "url", required=True, help="The post's AVİM page URL."),
        Opt(("--lang",), "lang", "choice", choices=LANGS, required=True, help="Language of the post."),
        Opt(("--author",), "author", "many", help="'Taras KUZIO', 'Kuzio, Taras' or 'Taras Kuzio'; repeatable."),
        Opt(("--org",), "org", "many", help="An organisation as author; repeatable."),
        Opt(("--source-name",), "source_name", help="Outlet a repost first appeared in."),
        Opt(("--source-date",), "source_date", metavar="DATE", help="Its date."),
        Opt(("--source-url",), "source_url", help="Its URL."),
        DRY_RUN,
        UPDATE,
    ),
    "check": (JSON,),
    "info": (Opt(("--json",), "json_", "flag", help="Print one JSON object."),),
    "remove": (IDS,),
    "edit": (Arg("post_id", "ID", "The post to edit (id, short id or AVİM URL).", many=False, required=True, complete="ids"),),
}  # fmt: skip
# The commands the fast path runs when their command line is plain (the rest are Typer's).
FAST = ("show", "list", "cite", "export")
# Whether a command takes positional arguments (for show and cite: post ids).
TAKES_IDS = {name: any(isinstance(p, Arg) for p in params) for name, params in COMMANDS.items()}


def options(command: str) -> tuple[Opt, ...]:
    return tuple(p for p in COMMANDS[command] if isinstance(p, Opt))


def grammar(command: str) -> tuple[dict[str, Opt], dict[str, Opt], dict[str, str]]:
    """The fast path's view of a command: (flags, options with a value, short -> long name)."""
    flags, valued, aliases = {}, {}, {}
    for opt in options(command):
        if not opt.fast:
            continue
        long = opt.names[0]
        for short in opt.names[1:]:
            aliases[short] = long
        if opt.kind == "flag":
            flags[long] = opt
        else:
            valued[long] = opt
    return flags, valued, aliases


def defaults(command: str) -> dict[str, object]:
    return {opt.dest: opt.default for opt in options(command)}
