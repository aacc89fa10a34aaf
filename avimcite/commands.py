"""What the light commands do, without Typer: the CLI (cli.py) and the fast path
(entry.py) both call these, so the two cannot print different things."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
TYPE_CHECKING = False  # `typing` costs ~2 ms at every start; only type checkers need it here
if TYPE_CHECKING:
    from typing import Optional

from avimcite import output
from avimcite.errors import AvimciteError, UsageError


class State:
    catalogue_path: Optional[Path] = None
    _catalogue = None

    def reset(self, catalogue_path) -> None:
        """--catalogue / $AVIMCITE_CATALOGUE as given (a str or Path), or None."""
        if catalogue_path is not None and str(catalogue_path).strip() in ("", "/"):
            raise UsageError(f"--catalogue {str(catalogue_path)!r} is not a catalogue file; give the path of a .json file.")
        self.catalogue_path = Path(catalogue_path) if catalogue_path is not None else None
        self._catalogue = None

    def catalogue(self):
        """The catalogue named by --catalogue / $AVIMCITE_CATALOGUE, else the shipped one
        with the user's own (written by import and add) over it."""
        if self._catalogue is None:
            from avimcite import catalogue

            from avimcite.paths import user_cache_dir, user_catalogue_path

            import avimcite

            cache = user_cache_dir()
            if self.catalogue_path:
                avimcite.record_input(self.catalogue_path)
                self._catalogue = catalogue.load(self.catalogue_path, cache)
            else:
                user = user_catalogue_path()
                avimcite.record_input(catalogue.shipped_catalogue_path(), user)  # the user's, present or not
                self._catalogue = catalogue.load(catalogue.shipped_catalogue_path(), cache)
                if user.exists():
                    self._catalogue = catalogue.merge(self._catalogue, catalogue.load(user, cache))
        return self._catalogue

    def read_paths(self) -> list[Path]:
        """The catalogue files the commands read (shipped, user, --catalogue)."""
        if self.catalogue_path:
            return [self.catalogue_path]
        from avimcite import catalogue
        from avimcite.paths import user_catalogue_path

        return [catalogue.shipped_catalogue_path(), user_catalogue_path()]

    def keys(self) -> dict[str, str]:
        """Citation keys of the whole catalogue (from the cache for a large, cached one)."""
        from avimcite.keys import assign_keys

        cat = self.catalogue()
        if not cat.cache_key:
            return assign_keys(cat.posts)
        from avimcite import cache
        from avimcite.paths import user_cache_dir

        keys = cache.load_keys(user_cache_dir(), cat.cache_key, [p.id for p in cat.posts])
        if keys is None:
            keys = assign_keys(cat.posts)
            cache.save_keys(user_cache_dir(), cat.cache_key, keys)
        return keys

    def writable_path(self) -> Path:
        """Where import and add write: --catalogue / $AVIMCITE_CATALOGUE, else the user catalogue."""
        if self.catalogue_path:
            return self.catalogue_path
        from avimcite.paths import user_catalogue_path

        return user_catalogue_path()


state = State()


def complete_ids(incomplete: str) -> list[str]:
    try:
        posts = state.catalogue().posts
    except AvimciteError:
        return []
    return [p.id for p in posts if p.id.lower().startswith(incomplete.lower())]


def ids_or_stdin(ids: Optional[list[str]], hint: str = "") -> list[str]:
    """The ids given, else one per line from a piped stdin (blank lines and # comments skipped)."""
    if ids:
        return ids
    if not output.stdin_is_tty():
        found = [line.strip() for line in sys.stdin]
        found = [line for line in found if line and not line.startswith("#")]
        if found:
            return found
    raise UsageError(f"give at least one post id (e.g. 2023/63){hint}, or pipe ids in, one per line.")


def posts_for(ids: list[str]):
    """The known posts, and an error to raise once they are printed, if any id is unknown."""
    cat = state.catalogue()
    posts, unknown = cat.get_many(ids)
    return posts, (cat.unknown_error(unknown) if unknown else None)


def parse_date(text: Optional[str], option: str) -> Optional[date]:
    if text is None:
        return None
    from avimcite.dates import parse_date as parse

    return parse(text, option)


def filters_of(year, series, language, author, search, since, until):
    """The list filters, or None when no filter was given."""
    from avimcite.catalogue import Filters

    filters = Filters(
        year=year,
        series=series,
        language=language,
        author=author,
        search=search,
        since=parse_date(since, "--since"),
        until=parse_date(until, "--until"),
    )
    return filters if filters != Filters() else None


def chosen_posts(ids, all_, filters):
    """Posts by id (ids given or piped), or by --all / filters; plus a deferred unknown-id error."""
    if ids and (all_ or filters):
        raise UsageError("give either post ids or --all / filters, not both.")
    if all_ or filters:
        from avimcite.catalogue import Filters, select

        return select(state.catalogue().posts, filters or Filters()), None
    return posts_for(ids_or_stdin(ids, hint=", --all, or a filter such as --year 2023"))


def show(ids: Optional[list[str]], json_: bool) -> None:
    posts, missing = posts_for(ids_or_stdin(ids))
    if json_:
        output.write_json([p.to_record() | {"catalogue": p.origin} for p in posts])
    elif output.stdout_is_tty():
        output.show_rich(posts)
    else:
        output.show_plain(posts)
    if missing:
        raise missing


def list_posts(filters, sort: str, reverse: bool, limit: Optional[int], ids_only: bool, json_: bool) -> None:
    from avimcite.catalogue import Filters, select

    posts = select(state.catalogue().posts, filters or Filters(), sort=sort, reverse=reverse, limit=limit)
    if json_:
        output.write_json([p.to_record() for p in posts])
    elif ids_only:
        output.write_lines(p.id for p in posts)
    elif output.stdout_is_tty():
        output.list_rich(posts)
    else:
        output.write_lines(output.list_line(p) for p in posts)


def cite(ids, style: str, locale: Optional[str], mode: Optional[str], accessed: Optional[str], fmt: str,
         lang: Optional[str], all_: bool = False, filters=None, clusters: Optional[str] = None) -> None:  # fmt: skip
    from avimcite.formatters import house as house_format

    when = parse_date(accessed, "--accessed") or date.today()
    house = style in house_format.STYLES
    if clusters is not None:
        return cite_clusters(clusters, ids, style, locale, mode or "citation", when, fmt, lang, all_ or bool(filters))
    mode = mode or "bibliography"
    if house and (locale or mode != "bibliography"):
        raise UsageError("--locale and --mode are for CSL styles; the house styles take --lang en|tr.")
    if not house and lang:
        raise UsageError("--lang is for the house styles; a CSL style takes --locale (e.g. --locale tr-TR).")
    posts, missing = chosen_posts(ids, all_, filters)
    if house:
        lines = [house_format.cite(p, when, style=style, lang=lang, fmt=fmt) for p in posts]
    else:
        from avimcite.citing import cite_csl

        lines = cite_csl(posts, state.keys(), style, locale, mode, fmt, when)
    output.write_lines(lines)
    if missing:
        raise missing
    if getattr(lines, "error", None):
        raise lines.error


def cite_clusters(source: str, ids, style: str, locale: Optional[str], mode: str, when: date, fmt: str,
                  lang: Optional[str], selected: bool) -> None:  # fmt: skip
    """`cite --clusters FILE|-`: one citation cluster a line in pandoc's syntax, one line out
    per cluster (and the bibliography of the posts cited with --mode both). A malformed line
    or an unknown key prints nothing."""
    from avimcite.formatters import house as house_format

    if ids or selected:
        raise UsageError("--clusters cites the keys in its file; give no post ids, --all or filters with it.")
    if style in house_format.STYLES or lang:
        raise UsageError("--clusters needs a CSL style (e.g. --style apa); the house styles cite one post a line.")
    if source == "-":
        text = sys.stdin.read()
    else:
        from avimcite.errors import FileAccessError

        try:
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise FileAccessError(f"cannot read the clusters file {source}: {why}.") from None
    from avimcite.citing import cite_csl, read_clusters

    keys = state.keys()
    posts, clusters = read_clusters(text, state.catalogue(), keys, locale)
    lines = cite_csl(posts, keys, style, locale, mode, fmt, when, clusters=clusters)
    output.write_lines(lines)
    if getattr(lines, "error", None):
        raise lines.error
