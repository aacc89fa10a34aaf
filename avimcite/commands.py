"""What the light commands do, without Typer: the CLI (cli.py) and the fast path
(fastpath.py) both call `run`, so the two cannot print different things."""

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

            cache = user_cache_dir()
            if self.catalogue_path:
                self._catalogue = catalogue.load(self.catalogue_path, cache)
            else:
                user = user_catalogue_path()
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

    def key_book_path(self) -> Path:
        from avimcite.paths import user_data_dir

        return user_data_dir() / "keys"

    def keys(self, giving=()) -> dict[str, str]:
        """Citation keys of the whole catalogue, pinned once given: a post keeps the key its
        record carries, else the key given to it before (the key book), else gets a new one
        that no other post holds. The keys of `giving` (posts being exported or cited) are
        recorded in the key book, so that no later post can take them; a new key that had to
        take a suffix because an earlier post holds its base is named on stderr."""
        from avimcite import keybook
        from avimcite.catalogue import shipped_catalogue_path

        cat = self.catalogue()
        book_path = self.key_book_path()
        shipped = str(shipped_catalogue_path())
        names: dict[str, str] = {}

        def name(post) -> str:
            found = names.get(post.origin)
            if found is None:
                found = names[post.origin] = keybook.book_name(post.origin)
            return found

        origins = sorted(_origins(cat.posts, name))  # the pages of the catalogues read, no other
        cached = self._recorded_keys(cat, book_path, origins)
        if cached is not None:
            return cached
        book, digest = keybook.read_key_book_with_digest(book_path, origins)

        def missing(book, posts=giving) -> dict[str, dict[str, str]]:
            wanted: dict[str, dict[str, str]] = {}
            pages: dict[str, tuple[str, dict[str, str]]] = {}  # origin -> (its name, its page's ids)
            for post in posts:
                origin = post.origin
                if origin == shipped:
                    continue
                page = pages.get(origin)
                if page is None:
                    page = pages[origin] = (name(post), book.get(name(post), {}))
                if post.id.lower() not in page[1]:
                    wanted.setdefault(page[0], {})[post.id] = ""
            return wanted

        keys, new = self._pinned(cat, book, name, origins)
        if not missing(book):
            if digest and cat.cache_key and len(giving) == len(cat.posts) and not missing(book, cat.posts):
                from avimcite import cache
                from avimcite.paths import user_cache_dir

                cache.save_keys(user_cache_dir(), _all_recorded(cat, digest), keys)  # for _recorded_keys
            return keys

        first = book, keys, new

        def compute(book):  # again under the book's lock: another run may have given keys meanwhile
            keys, new = first[1:] if book == first[0] else self._pinned(cat, book, name, origins)
            wanted = missing(book)
            for ids in wanted.values():
                for post_id in ids:
                    ids[post_id] = keys[post_id]
            return (keys, new, wanted), wanted

        try:
            keys, new, wanted = keybook.record_keys(book_path, compute, origins)
        except AvimciteError as exc:
            output.warning(f"{exc.message.rstrip('.')}; the citation keys of this run are not pinned and may change when posts are added.")
            return keys
        given_now = {post_id for ids in wanted.values() for post_id in ids}
        _warn_suffixed(cat.posts, keys, {i: k for i, k in new.items() if i in given_now})
        return keys

    def _recorded_keys(self, cat, book_path: Path, origins: list[str]) -> Optional[dict[str, str]]:
        """The keys of a catalogue whose every post has its key in the key book (as the first
        `export --all` leaves it), from the keys cache, when the catalogue and the book's pages
        (their bytes, unparsed) are the ones they were worked out from; else None. Nothing to
        record then: the book is read (100,000 entries) only when this misses."""
        if not cat.cache_key:
            return None
        from avimcite import cache, keybook
        from avimcite.paths import user_cache_dir

        digest = keybook.pages_digest(book_path, origins)
        if digest is None:
            return None
        return cache.load_keys(user_cache_dir(), _all_recorded(cat, digest), [p.id for p in cat.posts])

    def _pinned(self, cat, book, name, origins: list[str]):
        """(keys, new) of pinned_keys for the catalogue with `book` (its pages `origins`, sorted),
        from the keys cache when the catalogue and those pages are the ones it was made for."""
        from avimcite.errors import CatalogueError
        from avimcite.keys import KeyClash, pinned_keys

        def given(post) -> str:
            return book.get(name(post), {}).get(post.id.lower(), "")

        def run():
            reserved = [k for o in origins for k in book.get(o, {}).values()]
            try:
                return pinned_keys(cat.posts, given, reserved)
            except KeyClash as clash:
                raise CatalogueError(
                    f"{clash.first} and {clash.second} both have the citation key {clash.key!r}; "
                    f"give one of them another 'key' (avimcite edit {clash.second}) and run avimcite check."
                ) from None

        if not cat.cache_key:
            return run()
        from avimcite import cache
        from avimcite.paths import blake2b, user_cache_dir

        # The pages as they were read (repr of str -> str dicts: one text for one content and
        # order, half the time of json.dumps and a quarter of it with sort_keys; the same
        # entries in another order only miss the cache).
        digest = blake2b(repr([book.get(o) for o in origins]).encode("utf-8", "surrogatepass"), 8).hexdigest()
        cached = cache.load_keys(user_cache_dir(), f"{cat.cache_key}-{digest}", [p.id for p in cat.posts] + ["\0new"])
        if cached is not None:
            new = cached.pop("\0new")
            return cached, dict(new)
        keys, new = run()
        cache.save_keys(user_cache_dir(), f"{cat.cache_key}-{digest}", keys | {"\0new": list(new.items())})
        return keys, new

    def posts_under(self, target: Path) -> list:
        """The posts of the catalogues read below `target` (the shipped ones below the user's)."""
        if self.catalogue_path:
            return []
        from avimcite import catalogue

        return catalogue.load(catalogue.shipped_catalogue_path()).posts

    def writable_path(self) -> Path:
        """Where import and add write: --catalogue / $AVIMCITE_CATALOGUE, else the user catalogue."""
        if self.catalogue_path:
            return self.catalogue_path
        from avimcite.paths import user_catalogue_path

        return user_catalogue_path()


state = State()


def _all_recorded(cat, digest: str) -> str:
    """The keys cache's name for a catalogue's keys when the key book pages with `digest`
    (keybook.pages_digest) hold every one of its posts."""
    return f"{cat.cache_key}-{digest}-all"


def _origins(posts, name) -> set[str]:
    seen: dict[str, str] = {}
    for post in posts:
        if post.origin not in seen:
            seen[post.origin] = name(post)
    return set(seen.values())


def _warn_suffixed(posts, keys: dict[str, str], new: dict[str, str]) -> None:
    """Name the posts whose new key took a suffix because an earlier post holds the base."""
    from avimcite.keys import base_key

    if not new:
        return
    holders = {v.lower(): k for k, v in keys.items()}
    lines = []
    for post in posts:
        key = new.get(post.id)
        if key is None:
            continue
        base = base_key(post)
        holder = holders.get(base.lower())
        if key != base and holder is not None and holder not in new:
            lines.append(f"{post.id} gets the citation key {key}: {base} is the key of {holder}.")
    if len(lines) > 3:
        output.warning(f"{len(lines)} posts get a citation key with a suffix, their base key being another post's ({lines[0]})")
    else:
        for line in lines:
            output.warning(line)


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
        found = [line.strip().removeprefix("\ufeff") for line in sys.stdin]  # a byte-order mark is no part of an id
        found = [line for line in found if line and not line.startswith("#")]
        if found:
            return found
    raise UsageError(f"give at least one post id (e.g. 2023/63){hint}, or pipe ids in, one per line.")


def posts_for(ids: list[str]):
    """The known posts, and an error to raise once they are printed, if any id is unknown."""
    cat = state.catalogue()
    posts, unknown = cat.get_many(ids)
    return once(posts), (cat.unknown_error(list(dict.fromkeys(unknown))) if unknown else None)


def once(posts: list) -> list:
    """Each post once, where it first appears: an id given twice, or as its URL, or in its long
    and short forms, is one entry (BibTeX stops at a repeated key)."""
    seen: set[int] = set()
    kept = []
    for post in posts:
        if id(post) not in seen:
            seen.add(id(post))
            kept.append(post)
    return kept


def parse_date(text: Optional[str], option: str) -> Optional[date]:
    if text is None:
        return None
    from avimcite.dates import parse_date as parse

    return parse(text, option, bound={"--since": "start", "--until": "end"}.get(option))


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


_LANGUAGE_NAMES = {"en": "English", "tr": "Turkish"}


def in_language(posts, lang: str):
    """Each post as cited in `lang`: itself when it is in `lang` or its series has one word and
    one numbering in both languages (Blog); else its twin, the version in `lang` with its own
    number, URL and title. UsageError when a post has none recorded: its number is its own
    language's (Yorum No.2016 / 81 is not Commentary No.2016 / 81)."""
    from avimcite.avim import series_in

    cat = state.catalogue()
    chosen, lacking = [], []
    for post in posts:
        word = series_in(post.series, lang)
        if post.language == lang or word == post.series:
            chosen.append(post)
            continue
        twin_id = post.extra.get("twin") if post.extra else None
        twin = cat.find(twin_id) if isinstance(twin_id, str) else None
        if twin is None or twin.language != lang:
            lacking.append(post.id)
        else:
            chosen.append(twin)
    chosen = once(chosen)  # a post and its twin asked for together are one line
    if lacking:
        which = lacking[0] if len(lacking) == 1 else ", ".join(lacking)
        raise UsageError(
            f"no {_LANGUAGE_NAMES[lang]} version of {which} is recorded, and its number belongs to its own "
            f"language's series; cite it without --lang, or record its twin's id as \"twin\" (avimcite edit {lacking[0]})."
        )
    return chosen


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
         lang: Optional[str], all_: bool = False, filters=None, clusters: Optional[str] = None,
         json_: bool = False) -> None:  # fmt: skip
    from avimcite.formatters import house as house_format

    when = parse_date(accessed, "--accessed") or date.today()
    house = style in house_format.STYLES
    if clusters is not None:
        return cite_clusters(clusters, ids, style, locale, mode or "citation", when, fmt, lang, all_ or bool(filters), json_)
    mode = mode or "bibliography"
    if house and (locale or mode != "bibliography"):
        raise UsageError("--locale and --mode are for CSL styles; the house styles take --lang en|tr.")
    if not house and lang:
        raise UsageError("--lang is for the house styles; a CSL style takes --locale (e.g. --locale tr-TR).")
    posts, missing = chosen_posts(ids, all_, filters)
    if not posts:  # every id unknown, or filters that match nothing: as the house styles and export
        if missing:
            raise missing
        return
    if house:
        if lang:
            posts = in_language(posts, lang)
        lines = [house_format.cite(p, when, style=style, lang=lang, fmt=fmt) for p in posts]
    else:
        from avimcite import citing

        keys = state.keys(giving=posts)
        # one post in plain text: from the style's compiled form when it renders it
        quick = fmt == "text" and not json_ and len({p.id for p in posts}) == 1
        lines, build = citing.cite_quick(posts[0], keys[posts[0].id], style, locale, mode, when) if quick else (None, None)
        if lines is None:
            lines = citing.cite_csl(posts, keys, style, locale, mode, fmt, when)
            if build is not None and not getattr(lines, "error", None):
                build()
    if json_:
        cited = [[post_id] for post_id in dict.fromkeys(p.id for p in posts)]  # one citation per post (cite_csl)
        _write_cite_json(style, mode, fmt, cited, [] if house else lines.citations, lines if house else lines.bibliography)
    elif fmt == "markdown":  # one paragraph per entry: pandoc and Word join lines that touch
        output.write_lines(["\n\n".join(line for line in lines if line)] if any(lines) else [])
    else:
        output.write_lines(lines)
    if missing:
        raise missing
    if getattr(lines, "error", None):
        raise lines.error


def cite_clusters(source: str, ids, style: str, locale: Optional[str], mode: str, when: date, fmt: str,
                  lang: Optional[str], selected: bool, json_: bool = False) -> None:  # fmt: skip
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

    text = text.removeprefix("\ufeff")  # a byte-order mark (Windows editors) is no part of line 1
    keys = state.keys()
    posts, clusters = read_clusters(text, state.catalogue(), keys, locale)
    lines = cite_csl(posts, keys, style, locale, mode, fmt, when, clusters=clusters)
    if json_:
        ids = [list(dict.fromkeys(cite["id"] for cite in cluster)) for cluster in clusters]
        _write_cite_json(style, mode, fmt, ids, lines.citations, lines.bibliography)
    else:
        output.write_lines(lines)
    if getattr(lines, "error", None):
        raise lines.error


def _write_cite_json(style: str, mode: str, fmt: str, ids: list[list[str]], citations: list[str], bibliography: list[str]) -> None:
    """`cite --json`: one object, the strings as the style makes them (line breaks of
    display="block" kept), each citation with the post ids it cites, in the order printed."""
    output.write_json({"style": style, "mode": mode, "format": fmt,
                       "citations": [{"ids": cited, "text": text} for cited, text in zip(ids, citations)],
                       "bibliography": list(bibliography)})  # fmt: skip


def export(ids, fmt: Optional[str], out: Optional[Path], accessed: Optional[str], all_: bool, filter_values: tuple) -> None:
    """`export`: the posts chosen (ids, --all, the filters' values by spec.FILTER_DESTS) as
    BibTeX, BibLaTeX, RIS or CSL-JSON, to stdout or -o FILE."""
    from avimcite.exporters import export as render

    fmt = _export_format(fmt, out)
    posts, missing = chosen_posts(ids, all_, filters_of(*filter_values))
    if missing:  # a typo must not leave a half-written bibliography behind
        raise missing
    when = parse_date(accessed, "--accessed")
    left_out: list[str] = []  # what a format could not carry (an unmatched brace in BibTeX)

    def warn(post_id: str, message: str) -> None:
        left_out.append(f"{post_id} ({message})")

    if out is None or str(out) == "-":
        output.write_chunks(render(posts, state.keys(giving=posts), fmt, when, track=output.progress(len(posts)), warn=warn))
    else:
        from avimcite.fsutil import atomic_write_text, check_output_target

        check_output_target(out, state.read_paths(), empty=not posts)
        text = render(posts, state.keys(giving=posts), fmt, when, track=output.progress(len(posts)), warn=warn)
        # Written as it is made: a failure part-way leaves an existing -o file untouched (atomic).
        atomic_write_text(out, text)
    if left_out:  # one line, however many posts
        more = f" and {len(left_out) - 3} more" if len(left_out) > 3 else ""
        output.note(f"warning: {', '.join(left_out[:3])}{more}: BibTeX cannot hold an unmatched brace")


_EXTENSION_FORMATS = {".bib": ("bibtex", "biblatex"), ".ris": ("ris",), ".json": ("csl-json",)}


def _export_format(given: Optional[str], out: Optional[Path]) -> str:
    """--format, else the format the -o file's extension names, else bibtex; a clash is refused."""
    suffix = out.suffix.lower() if out is not None and str(out) != "-" else ""
    formats = _EXTENSION_FORMATS.get(suffix)
    if given is None:
        return formats[0] if formats else "bibtex"
    if formats and given not in formats:
        raise UsageError(
            f"--format {given} does not match the extension of -o {out} (a {suffix} file is {' or '.join(formats)}); "
            "change one of the two."
        )
    return given


def run(command: str, ids: Optional[list[str]], values: dict) -> None:
    """Run a light command (show, list, cite, export) with its option values by `dest` (avimcite.spec):
    the one call both parsers make."""
    from avimcite import spec

    v = spec.defaults(command) | values
    if command == "show":
        return show(ids or None, bool(v["json_"]))
    # cite's --lang is the house line's language, not a filter
    filter_values = tuple(v.get(dest) if dest != "lang" or command != "cite" else None for dest in spec.FILTER_DESTS)
    if command == "export":
        return export(ids or None, v["fmt"], v["out"], v["accessed"], bool(v["all_"]), filter_values)
    filters = filters_of(*filter_values)
    if command == "list":
        return list_posts(filters, v["sort"], bool(v["reverse"]), v["limit"], bool(v["ids_only"]), bool(v["json_"]))
    return cite(ids or None, v["style"], v["locale"], v["mode"], v["accessed"], v["fmt"], v["lang"], bool(v["all_"]),
                filters, clusters=v["clusters"], json_=bool(v["json_"]))  # fmt: skip
