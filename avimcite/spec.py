"""The options of the light commands (show, list, cite), declared once, as data.

Both parsers read this table: Typer (avimcite/cli.py builds the commands' signatures
from it) and the fast path (avimcite/fastpath.py, which parses plain invocations
without importing Typer). An option added here is an option of both; the core gets
the values by `dest` (avimcite.commands.run). Importing this module is light.
"""

from __future__ import annotations


class Opt:
    """One option: `names` ("--style", "-s"), `dest` (the keyword the core receives), `kind`
    ("flag", "text", "int" or "choice"), and what help and validation need."""

    __slots__ = ("names", "dest", "kind", "choices", "minimum", "default", "metavar", "help", "fast")

    def __init__(self, names: tuple[str, ...], dest: str, kind: str = "text", *, choices: tuple[str, ...] = (),
                 minimum: int | None = None, default: object = None, metavar: str | None = None, help: str = "",
                 fast: bool = True) -> None:  # fmt: skip
        self.names, self.dest, self.kind, self.choices, self.minimum = names, dest, kind, choices, minimum
        self.default = False if kind == "flag" else default
        self.metavar, self.help = metavar, help
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
        return True

    def convert(self, value):
        return int(value) if self.kind == "int" else value


LANGS = ("en", "tr")
FORMATS = ("text", "markdown", "html")
MODES = ("bibliography", "citation", "both")
SORTS = ("date", "id")

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

COMMANDS: dict[str, tuple[Opt, ...]] = {
    "show": (JSON,),
    "list": (
        *FILTERS,
        Opt(("--sort",), "sort", "choice", choices=SORTS, default="date", help="Order by publication date or by id."),
        Opt(("--reverse",), "reverse", "flag", help="Newest (or last id) first."),
        Opt(("--limit",), "limit", "int", minimum=1, metavar="N", help="Print at most N posts."),
        Opt(("--ids",), "ids_only", "flag", help="Print ids only, one per line."),
        JSON,
    ),
    "cite": (
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
        ALL,
        *(o for o in FILTERS if o is not LANG),
    ),
}  # fmt: skip
# Commands whose positional arguments are post ids (list takes none).
TAKES_IDS = {"show": True, "list": False, "cite": True}


def grammar(command: str) -> tuple[dict[str, Opt], dict[str, Opt], dict[str, str]]:
    """The fast path's view of a command: (flags, options with a value, short -> long name)."""
    flags, valued, aliases = {}, {}, {}
    for opt in COMMANDS[command]:
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
    return {opt.dest: opt.default for opt in COMMANDS[command]}
