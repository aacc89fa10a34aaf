"""Load, validate and query a catalogue file (schema avimcite-catalogue/1).

Every validation error names the file, the post (its position and, when it can
be told, its id) and the field, so a user can fix a hand-edited file quickly.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

from avimcite import rx
from avimcite import textfold
from avimcite.avim import normalise_ref, post_id, url_key
from avimcite.errors import CatalogueError, FileAccessError, UnknownIdError
from avimcite.model import Author, Post, Source

SCHEMA = "avimcite-catalogue/1"
LANGUAGES = ("en", "tr")
_KNOWN_FIELDS = {
    "id", "series", "year", "number", "language", "title", "authors",
    "published", "url", "source", "summary", "reading_minutes",
}  # fmt: skip
PINNED_FIELDS = ("key", "twin")  # kept in Post.extra, checked here
_KEY = rx.compile(r"^[A-Za-z0-9_][A-Za-z0-9_:.\-]{0,99}$")  # as avimcite.keys.KEY_PATTERN
_ISO_DATE = rx.compile(r"^\d{4}-\d{2}-\d{2}$")


def shipped_catalogue_path() -> Path:
    """The catalogue that ships: inside the installed wheel, or data/ in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_data" / "posts.json"
    if packaged.is_file():
        return packaged
    return here.parent / "data" / "posts.json"


class Catalogue:
    def __init__(self, path: Path, posts: list[Post], label: str = "") -> None:
        self.path, self.posts = path, posts
        self.label = label  # how messages name it, when it is more than one file
        self.cache_key: str | None = None  # set when the catalogue is in the cache (avimcite.cache)
        self._by_id: dict[str, Post] = {}
        self._by_url: dict[str, Post] | None = None  # built on the first lookup by URL
        by_id = self._by_id
        for post in self.posts:
            key = post.id.lower()
            if key in by_id:
                index = next(i for i, p in enumerate(self.posts, 1) if p is post)
                raise CatalogueError(
                    f"{self.path}: post {index} has the id {post.id!r}, "
                    "which an earlier post already has; give one of them an explicit 'id'."
                )
            by_id[key] = post

    def find(self, ref: str) -> Post | None:
        """A post by id, short id (2023/63 = blog/2023/63) or AVİM URL."""
        ukey = url_key(ref) if "." in ref else None
        if ukey is not None:
            if self._by_url is None:
                self._by_url = {}
                for post in self.posts:
                    key = url_key(post.url)
                    if key:
                        self._by_url.setdefault(key, post)
            return self._by_url.get(ukey)
        return self._by_id.get(normalise_ref(ref))

    def suggest(self, ref: str) -> list[str]:
        import difflib

        ids = [p.id for p in self.posts]
        return difflib.get_close_matches(normalise_ref(ref), ids, n=3, cutoff=0.6)

    def get_many(self, refs: Sequence[str]) -> tuple[list[Post], list[str]]:
        """The posts for `refs`, in order, and the refs that matched nothing."""
        found, unknown = [], []
        for ref in refs:
            post = self.find(ref)
            if post is None:
                unknown.append(ref)
            else:
                found.append(post)
        return found, unknown

    def unknown_error(self, unknown: list[str]) -> UnknownIdError:
        first = unknown[0]

        def quoted(ref: str) -> str:  # an id of a million characters is not quoted whole
            return repr(ref if len(ref) <= 60 else ref[:59] + "…")

        if len(unknown) == 1:
            what = f"no post {quoted(first)}"
        else:  # 20,000 unknown ids: the first few, and how many more
            more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            what = f"no posts {', '.join(quoted(u) for u in unknown[:5])}{more}"
        if url_key(first) is not None and len(first) <= 300:  # an AVİM page we do not have: it can be imported
            tip = f"to add it: avimcite import {first}"
        else:
            hint = self.suggest(first) if len(first) <= 100 else []
            tip = f"did you mean {' or '.join(hint)}?" if hint else "try: avimcite list"
        return UnknownIdError(f"{what} in {self.label or f'the catalogue {self.path}'} ({tip})", unknown)

    def get(self, refs: Sequence[str]) -> list[Post]:
        """The posts for `refs`, or UnknownIdError naming every unknown one."""
        found, unknown = self.get_many(refs)
        if unknown:
            raise self.unknown_error(unknown)
        return found


# --- loading and validation ---------------------------------------------------------


def load(path: Path, cache_dir: Path | None = None) -> Catalogue:
    """The catalogue at `path`. With a `cache_dir`, a large catalogue is read from (or saved
    to) the cache of parsed catalogues, keyed by the hash of the very bytes parsed (avimcite.cache).
    A broken file's error names the backup beside it (`<file>.bak`, kept by every write), if any."""
    try:
        return _load(path, cache_dir)
    except CatalogueError as exc:
        backup = path.with_name(path.name + ".bak")
        if not os.path.isfile(backup):
            raise
        raise CatalogueError(
            f"{exc.message.rstrip('.')}; the version before its last change is {backup} "
            f"(cp '{backup}' '{path}' puts it back)."
        ) from None


def _load(path: Path, cache_dir: Path | None = None) -> Catalogue:
    if cache_dir is not None and _size(path) >= CACHE_MIN_BYTES:
        from avimcite import cache

        raw = read_catalogue_bytes(path)
        key = cache.digest(raw)
        posts = cache.load_posts(cache_dir, key)
        if posts is not None:
            catalogue = _with_origin(Catalogue(path, posts), path)
        else:
            catalogue = load_bytes(raw, path)
            cache.save_posts(cache_dir, key, catalogue.posts)
        catalogue.cache_key = key
        return catalogue
    return load_bytes(None, path)


CACHE_MIN_BYTES = 4 << 20  # smaller catalogues parse in a few milliseconds: no cache
MAX_BYTES = 2 << 30  # no real catalogue comes near this; /dev/zero would never end


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _with_origin(catalogue: Catalogue, path: Path) -> Catalogue:
    origin = str(path)
    for post in catalogue.posts:
        post.origin = origin
    return catalogue


def _open_catalogue(path: Path):
    """The catalogue file opened for reading, or FileAccessError in one sentence."""
    from avimcite.fsutil import open_regular

    if str(path) in ("", "."):
        raise FileAccessError("the catalogue path is empty; give a file name.")
    return open_regular(path, f"the catalogue {path}", MAX_BYTES)


def read_catalogue_bytes(path: Path) -> bytes:
    """The bytes of the catalogue file (FileAccessError if it cannot be read)."""
    handle = _open_catalogue(path)
    try:
        with handle:
            return handle.read()
    except OSError as exc:
        raise FileAccessError(f"cannot read the catalogue {path}: {exc.strerror}.") from None


def load_bytes(raw: bytes | None, path: Path) -> Catalogue:
    """The catalogue from `raw` (the bytes of `path`), or read from `path` when `raw` is None."""
    import io

    try:
        handle = io.BytesIO(raw) if raw is not None else _open_catalogue(path)
        with handle:
            catalogue = _stream(_ChunkReader(handle), path)
    except UnicodeDecodeError:
        raise CatalogueError(f"{path} is not UTF-8 text; save it as UTF-8.") from None
    except OSError as exc:
        raise FileAccessError(f"cannot read the catalogue {path}: {exc.strerror}.") from None
    except (json.JSONDecodeError, RecursionError, ValueError):
        catalogue = None  # the whole-document path below reports line and column
    if catalogue is None:  # not the usual shape, or not valid JSON: read it whole for the exact message
        if raw is None:
            raw = read_catalogue_bytes(path)
        catalogue = parse(decode_json(raw, path), path)
    return _with_origin(catalogue, path)


def decode_json(raw: bytes, path: Path) -> object:
    """JSON data from a catalogue's bytes, or CatalogueError in one short sentence."""
    try:
        return json_data(raw)
    except _PostProblem as problem:
        raise CatalogueError(f"{path} is {problem}.") from None


def json_data(raw: bytes) -> object:
    """JSON data from a catalogue's bytes, or _PostProblem with what is wrong ("not valid
    JSON: ... at line 2, column 13"); `check` reports the same phrase."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _PostProblem(f"not UTF-8 text (a bad byte at offset {exc.start}); save it as UTF-8") from None
    try:
        return json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise _PostProblem(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise _PostProblem("not a catalogue: its JSON nests too deeply") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise _PostProblem(f"not a catalogue: {str(exc)[:80]}") from None


def merge(base: Catalogue, overlay: Catalogue) -> Catalogue:
    """`overlay`'s posts over `base`'s: a post with the same id in both comes from `overlay`."""
    mine = {p.id.lower(): p for p in overlay.posts}
    posts = []
    for post in base.posts:
        over = mine.get(post.id.lower())
        if over is None:
            posts.append(post)
            continue
        # a post's citation key and its twin stay with it when your catalogue holds it too
        inherited = {k: post.extra[k] for k in PINNED_FIELDS if k in post.extra and k not in over.extra}
        if inherited:
            over.extra = over.extra | inherited
    posts += overlay.posts
    return Catalogue(overlay.path, posts, label=f"the catalogues {base.path} and {overlay.path}")


_DECODE = json.JSONDecoder().raw_decode
_SPACE = rx.compile(r"[ \t\n\r]*")


class _ChunkReader:
    """JSON values from a file read 1 MiB at a time, through json's C scanner.

    Only a small window of the text is ever held, so a catalogue of 100,000
    posts never exists as one string or as 100,000 dicts at once.
    """

    CHUNK = 1 << 20

    def __init__(self, handle) -> None:
        import codecs

        self._handle = handle
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._buf, self._pos, self._eof = "", 0, False
        self._fill()
        self._buf = self._buf.removeprefix("\ufeff")  # a byte-order mark left by some editors

    def _fill(self, size: int = CHUNK) -> None:
        chunk = self._handle.read(size)
        self._eof = not chunk
        self._buf = self._buf[self._pos :] + self._decoder.decode(chunk, final=self._eof)
        self._pos = 0

    def _skip_space(self) -> None:
        while True:
            self._pos = _SPACE.match(self._buf, self._pos).end()
            if self._pos < len(self._buf) or self._eof:
                return
            self._fill()

    def at(self, char: str) -> bool:
        """Skip white space; is the next character `char`? (Consumed if so.)"""
        self._skip_space()
        if self._buf.startswith(char, self._pos):
            self._pos += 1
            return True
        return False

    def at_end(self) -> bool:
        self._skip_space()
        return self._eof and self._pos >= len(self._buf)

    def separator(self) -> str:
        """The ',' or ']' after an array element, with the white space around it consumed.
        (White space is skipped as it is read, never rescanned: 40 MB of it between two posts
        is read in linear time.)"""
        self._skip_space()
        char = self._buf[self._pos : self._pos + 1]
        if char not in (",", "]"):
            return ""
        self._pos += 1
        self._skip_space()
        return char

    def value(self, skip: bool = True):
        if skip:
            self._skip_space()
        size = self.CHUNK
        while True:
            try:
                value, end = _DECODE(self._buf, self._pos)
                if end < len(self._buf) or self._eof:  # a number at the very end may go on in the next chunk
                    self._pos = end
                    return value
            except json.JSONDecodeError:
                if self._eof:
                    raise
            self._fill(size)
            size *= 2  # a value longer than a chunk is decoded again: read ever more, not 1 MiB at a time


def _stream(reader: _ChunkReader, path: Path) -> Catalogue | None:
    """Parse `{"schema": ..., "posts": [...]}` one post at a time; None for any other shape."""
    if not reader.at("{"):
        return None
    schema, posts = None, None
    while True:
        key = reader.value()
        if not isinstance(key, str) or not reader.at(":"):
            return None
        if key == "posts" and reader.at("["):
            if schema != SCHEMA:
                return None  # the whole-document path checks the schema first
            posts = []
            if not reader.at("]"):
                separator = ","
                while separator == ",":
                    posts.append(_parse_post(reader.value(skip=False), len(posts) + 1, path))
                    separator = reader.separator()
                if separator != "]":
                    return None
        else:
            value = reader.value()
            if key == "schema":
                schema = value
        if reader.at("}"):
            done = posts is not None and schema == SCHEMA and reader.at_end()
            return Catalogue(path, posts) if done else None
        if not reader.at(","):
            return None


def parse(data: object, path: Path) -> Catalogue:
    if not isinstance(data, dict) or "posts" not in data:
        raise CatalogueError(
            f'{path} is not an avimcite catalogue: expected an object {{"schema": "{SCHEMA}", "posts": [...]}}.'
        )
    schema = data.get("schema")
    if schema != SCHEMA:
        raise CatalogueError(f"{path} has schema {schema!r}; this avimcite reads {SCHEMA!r}.")
    posts = data["posts"]
    if not isinstance(posts, list):
        raise CatalogueError(f"{path}: 'posts' must be a list of post objects.")
    return Catalogue(path, [_parse_post(record, index, path) for index, record in enumerate(posts, 1)])


class _PostProblem(Exception):
    pass


PostProblem = _PostProblem  # for the importer and `check`


def _fast_post(record: dict) -> Post | None:
    """The usual, valid record, built without the per-field checks of `_build_post`.

    Accepts only what `build_post` accepts; anything else returns None and goes
    through `build_post`, which builds it or says exactly what is wrong.
    """
    get = record.get
    series, year, number = get("series"), get("year"), get("number")
    language, title, published, url = get("language"), get("title"), get("published"), get("url")
    if not (
        type(series) is str and series.strip()
        and type(year) is int and year >= 1000
        and type(number) is int and number >= 1
        and type(language) is str and language in LANGUAGES
        and type(title) is str and title.strip()
        and type(published) is str and len(published) == 10 and published[4] == "-" and published[7] == "-"
        and type(url) is str and VALID_URL.match(url)
    ):  # fmt: skip
        return None
    if get("id") is not None or get("summary") is not None or get("reading_minutes") is not None or get("twin") is not None:
        return None  # rarer fields: leave them to the full validator
    key = get("key")
    if key is not None and not (type(key) is str and _KEY.match(key)):
        return None
    authors_raw = get("authors", [])
    if type(authors_raw) is not list:
        return None
    source = get("source")
    try:
        day = date.fromisoformat(published)
        authors = tuple([_build_author(a, i) for i, a in enumerate(authors_raw, 1)])
        if source is not None:
            source = _build_source(source)
    except (ValueError, TypeError, _PostProblem):
        return None
    known = 7 + ("authors" in record) + ("source" in record)
    extra = {k: v for k, v in record.items() if k not in _KNOWN_FIELDS} if len(record) > known else {}
    return Post(series, year, number, language, title, day, url, authors, source, "", None, "", extra)


def _parse_post(record: object, index: int, path: Path) -> Post:
    if type(record) is dict:
        post = _fast_post(record)
        if post is not None:
            return post
    where = f"{path}: post {index}"
    if not isinstance(record, dict):
        raise CatalogueError(f"{where} is not a JSON object.")
    if isinstance(record.get("id"), str):
        where += f" ({record['id']})"
    elif all(isinstance(record.get(k), (str, int)) for k in ("series", "year", "number")):
        where += f" ({post_id(record['series'], record['year'], record['number'])})"
    try:
        return build_post(record)
    except _PostProblem as problem:
        raise CatalogueError(f"{where}: {problem}") from None


def _text(record: dict, key: str, required: bool = True) -> str:
    value = record.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _PostProblem(f"field {key!r} must be a non-empty string" + (
            "" if key in record else " and is missing"
        ))
    return value


def _int(record: dict, key: str, minimum: int) -> int:
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _PostProblem(f"field {key!r} must be a whole number of at least {minimum}, not {value!r}")
    return value


def parse_iso_date(value: object, field_name: str) -> date:
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _PostProblem(f"field {field_name!r} must be an ISO date (YYYY-MM-DD), not {value!r}")


def record_problems(record: dict) -> list[str]:
    """Every problem of one post record, each as a phrase ("field 'year' must be ...")."""
    problems = []

    def check(fn):
        try:
            fn()
        except _PostProblem as problem:
            problems.append(str(problem))

    check(lambda: _text(record, "series"))
    check(lambda: _int(record, "year", 1000))
    check(lambda: _int(record, "number", 1))
    check(lambda: _language(record))
    check(lambda: _text(record, "title"))
    check(lambda: parse_iso_date(record.get("published"), "published"))
    check(lambda: _url(record))
    check(lambda: _authors(record))
    if record.get("source") is not None:
        check(lambda: _build_source(record["source"]))
    if record.get("reading_minutes") is not None:
        check(lambda: _int(record, "reading_minutes", 1))
    check(lambda: _text(record, "summary", required=False))
    check(lambda: _explicit_id(record))
    if record.get("key") is not None:
        check(lambda: _citation_key(record))
    if record.get("twin") is not None:
        check(lambda: _twin(record))
    return problems


def _citation_key(record: dict) -> str:
    value = record.get("key")
    if not isinstance(value, str) or not _KEY.match(value):
        raise _PostProblem(
            f"field 'key' must be a citation key of letters, digits and _ : . - (at most 100), not {value!r}"
        )
    return value


def _twin(record: dict) -> str:
    """The id of the post's other-language version (as the pages show it)."""
    value = record.get("twin")
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value):
        raise _PostProblem(f"field 'twin' must be the id of the post's version in the other language, not {value!r}")
    return value


def _explicit_id(record: dict) -> str:
    """An explicit id as written (lookups ignore case); white space around it is refused,
    since an id is typed on command lines."""
    value = _text(record, "id", required=False)
    if value != value.strip() or any(c.isspace() for c in value):
        raise _PostProblem(f"field 'id' must not contain spaces, not {value!r}")
    return value


def _language(record: dict) -> str:
    language = _text(record, "language")
    if language not in LANGUAGES:
        raise _PostProblem(f"field 'language' must be one of {', '.join(LANGUAGES)}, not {language!r}")
    return language


# An http(s) URL with a host and none of the characters that break out of markup, a BibTeX
# field or a shell word (spaces, controls, quotes, angle brackets, braces, backslash, |, ^, `).
VALID_URL = rx.compile(r"^https?://[^\s\x00-\x1f\x7f\"'<>{}|\\^`/]+(?:/[^\s\x00-\x1f\x7f\"'<>{}|\\^`]*)?$", re.IGNORECASE)


def check_url(url: str, field_name: str) -> str:
    if not VALID_URL.match(url):
        shown = url if len(url) <= 80 else url[:77] + "..."
        raise _PostProblem(
            f"field {field_name!r} must be an http(s) URL with no spaces, quotes, braces or angle brackets, not {shown!r}"
        )
    return url


def _url(record: dict) -> str:
    return check_url(_text(record, "url"), "url")


def _authors(record: dict) -> tuple[Author, ...]:
    authors_raw = record.get("authors", [])
    if not isinstance(authors_raw, list):
        raise _PostProblem("field 'authors' must be a list")
    return tuple(_build_author(a, i) for i, a in enumerate(authors_raw, 1))


def build_post(record: dict) -> Post:
    """A Post from a valid record; _PostProblem (the first problem) otherwise."""
    problems = record_problems(record)
    if problems:
        raise _PostProblem(problems[0])
    reading = record.get("reading_minutes")
    return Post(
        series=record["series"],
        year=record["year"],
        number=record["number"],
        language=record["language"],
        title=record["title"],
        published=date.fromisoformat(record["published"]),
        url=record["url"],
        authors=_authors(record),
        source=_build_source(record["source"]) if record.get("source") is not None else None,
        summary=_text(record, "summary", required=False),
        reading_minutes=reading,
        explicit_id=_explicit_id(record),
        extra={k: v for k, v in record.items() if k not in _KNOWN_FIELDS},
    )


def _build_author(raw: object, index: int) -> Author:
    if not isinstance(raw, dict):
        raise _PostProblem(f"author {index} must be an object like {{'given': ..., 'family': ...}}")
    get = raw.get
    given, family, literal, display, lang = get("given", ""), get("family", ""), get("literal", ""), get(
        "display", ""
    ), get("lang", "")
    if not (type(given) is str and type(family) is str and type(literal) is str and type(display) is str
            and type(lang) is str):  # fmt: skip
        bad = next(k for k in ("given", "family", "literal", "display", "lang") if not isinstance(get(k, ""), str))
        raise _PostProblem(f"author {index}: field {bad!r} must be a string")
    literal, family = literal.strip(), family.strip()
    if not literal and not family:
        raise _PostProblem(f"author {index} needs a 'family' name or a 'literal' name")
    lang = lang.strip()
    if lang and lang not in LANGUAGES:
        raise _PostProblem(f"author {index}: field 'lang' must be one of {', '.join(LANGUAGES)}")
    extra = {k: v for k, v in raw.items() if k not in _AUTHOR_FIELDS} if len(raw) > 2 else None
    return Author(given.strip(), family, literal, display.strip(), lang, extra)


_AUTHOR_FIELDS = {"given", "family", "literal", "display", "lang"}
_SOURCE_FIELDS = {"name", "date", "url"}


def _build_source(raw: object) -> Source:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise _PostProblem("field 'source' must be an object with a non-empty 'name'")
    when = parse_iso_date(raw["date"], "source.date") if "date" in raw else None
    url = raw.get("url", "")
    if not isinstance(url, str):
        raise _PostProblem("field 'source.url' must be a string")
    if url:
        check_url(url, "source.url")
    extra = {k: v for k, v in raw.items() if k not in _SOURCE_FIELDS} or None
    return Source(name=raw["name"], date=when, url=url, extra=extra)


# --- selection ----------------------------------------------------------------------


class Filters:
    __slots__ = ("year", "series", "language", "author", "search", "since", "until")

    def __init__(self, year: int | None = None, series: str | None = None, language: str | None = None,
                 author: str | None = None, search: str | None = None, since: date | None = None,
                 until: date | None = None) -> None:  # fmt: skip
        self.year, self.series, self.language, self.author = year, series, language, author
        self.search, self.since, self.until = search, since, until

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Filters) and all(getattr(self, k) == getattr(other, k) for k in self.__slots__)


def _author_text(post: Post) -> str:
    return " ".join(f"{a.name} {a.display}" for a in post.authors)


def _matches_all_words(query: str, haystack: str) -> bool:
    hay = textfold.fold(haystack)
    return all(word in hay for word in textfold.fold(query).split())


def select(
    posts: Iterable[Post],
    filters: Filters,
    sort: str = "date",
    reverse: bool = False,
    limit: int | None = None,
) -> list[Post]:
    """Posts matching every filter. Text filters ignore case and accents by
    Turkish rules, and every word of the query must occur."""
    f = filters
    series = f.series.lower() if f.series else None
    chosen = []
    for post in posts:
        if f.year is not None and post.year != f.year:
            continue
        if series and post.series.lower() != series:
            continue
        if f.language and post.language != f.language:
            continue
        if f.since and post.published < f.since:
            continue
        if f.until and post.published > f.until:
            continue
        if f.author and not _matches_all_words(f.author, _author_text(post)):
            continue
        if f.search:
            source = post.source.name if post.source else ""
            if not _matches_all_words(f.search, f"{post.title} {_author_text(post)} {source}"):
                continue
        chosen.append(post)
    if sort == "id":
        chosen.sort(key=lambda p: (p.series.lower(), p.year, p.number, p.id), reverse=reverse)
    else:
        chosen.sort(key=lambda p: (p.published, p.id), reverse=reverse)
    return chosen[:limit] if limit else chosen
