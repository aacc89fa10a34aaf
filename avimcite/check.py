"""`avimcite check`: every problem of a catalogue in one run, errors and warnings.

Errors make the catalogue unusable (avimcite refuses to load it: exit 4);
warnings are things a careful editor would fix but that still cite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from avimcite import avim, catalogue

_PROPER = re.compile(r"^[A-ZÇĞİÖŞÜÂÎÛ][a-zçğıöşüâîûéèäë'’]*(?:[-' ][A-ZÇĞİÖŞÜÂÎÛa-zçğıöşü][a-zçğıöşüâîûéèäë'’]*)*$")


@dataclass
class Problem:
    level: str  # "error" or "warning"
    where: str  # "post 3 (blog/2024/1)" or "" for the whole file
    message: str

    def line(self, path: Path) -> str:
        place = f"{path}: {self.where}" if self.where else str(path)
        return f"{place}: {self.level}: {self.message}"


def _odd_casing(word: str) -> bool:
    """'HAzar', 'kuzio', 'KUZIO' in a proper-case field: not a name as it would be written."""
    return bool(word) and not _PROPER.match(word)


def check_file(path: Path) -> list[Problem]:
    raw = catalogue.read_catalogue_bytes(path)
    try:
        data = catalogue.json_data(raw)
    except catalogue.PostProblem as problem:
        return [Problem("error", "", str(problem))]
    if not isinstance(data, dict) or not isinstance(data.get("posts"), list):
        return [Problem("error", "", 'not an avimcite catalogue: expected {"schema": ..., "posts": [...]}')]
    problems = []
    if data.get("schema") != catalogue.SCHEMA:
        problems.append(Problem("error", "", f"schema is {data.get('schema')!r}, expected {catalogue.SCHEMA!r}"))
    seen_ids: dict[str, str] = {}
    seen_urls: dict[str, str] = {}
    for index, record in enumerate(data["posts"], 1):
        if not isinstance(record, dict):
            problems.append(Problem("error", f"post {index}", "is not a JSON object"))
            continue
        post_id = record.get("id") if isinstance(record.get("id"), str) else None
        if post_id is None and all(isinstance(record.get(k), (str, int)) for k in ("series", "year", "number")):
            post_id = avim.post_id(record["series"], record["year"], record["number"])
        where = f"post {index}" + (f" ({post_id})" if post_id else "")
        errors = catalogue.record_problems(record)
        problems += [Problem("error", where, message) for message in errors]
        if post_id:
            key = post_id.lower()
            if key in seen_ids:
                problems.append(Problem("error", where, f"duplicate id: {seen_ids[key]} has the same id"))
            seen_ids.setdefault(key, where)
        url = record.get("url")
        if isinstance(url, str):
            url_key = avim.url_key(url)
            if url_key is None:
                problems.append(Problem("warning", where, f"url {url!r} is not on AVİM's hosts ({', '.join(avim.HOSTS)})"))
            elif url_key in seen_urls:
                problems.append(Problem("warning", where, f"duplicate url: {seen_urls[url_key]} has the same page (a lookup by URL finds that one)"))
            else:
                seen_urls[url_key] = where
        problems += [Problem("warning", where, w) for w in _warnings(record, errors)]
        problems += [Problem("warning", where, w) for w in _hidden(record)]
    return problems


def _strings(value, name: str):
    """(field name, text) for every string in a record, nested ones as 'authors[1].family'."""
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{name}.{key}" if name else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value, 1):
            yield from _strings(item, f"{name}[{i}]")


def _hidden(record: dict) -> list[str]:
    """Terminal escape sequences, control and invisible characters (bidi overrides, zero-width
    characters): a hand edit or a paste can bring them; avimcite never prints them raw."""
    from avimcite.safetext import findings

    warnings = []
    for name, text in _strings(record, ""):
        found = findings(text)
        if found:
            more = f" and {len(found) - 6} more" if len(found) > 6 else ""
            warnings.append(f"field {name!r} holds {', '.join(found[:6])}{more}, which avimcite never prints raw; remove it")
    return warnings[:20]


def _warnings(record: dict, errors: list[str]) -> list[str]:
    warnings = []
    series = record.get("series")
    if isinstance(series, str) and series not in avim.SEEN_SERIES:
        warnings.append(f"series {series!r} is not one AVİM was seen to use ({', '.join(avim.SEEN_SERIES)}); it is printed as it is")
    published, year = record.get("published"), record.get("year")
    if not any("published" in e for e in errors) and isinstance(year, int) and isinstance(published, str):
        if date.fromisoformat(published).year != year:
            warnings.append(f"series year {year} differs from the year of 'published' ({published}); AVİM numbers posts per year")
    language = record.get("language")
    expected = avim.series_language(str(series))
    if expected and language in ("en", "tr") and language != expected:
        warnings.append(f"series {series!r} is AVİM's {'English' if expected == 'en' else 'Turkish'} word, but 'language' is {language!r}")
    authors = record.get("authors", [])
    if isinstance(authors, list):
        for i, author in enumerate(authors, 1):
            if not isinstance(author, dict):
                continue
            for key in ("given", "family"):
                value = author.get(key)
                if isinstance(value, str) and any(_odd_casing(w) for w in value.split()):
                    warnings.append(f"author {i}: {key} name {value!r} has odd casing (write it as in 'Kılıç', 'Kuzio'; AVİM's capitals go in 'display')")
            display = author.get("display")
            if isinstance(display, str) and display.split() and _odd_casing(display.split()[-1]) and not display.split()[-1].isupper():
                warnings.append(f"author {i}: display {display!r} has odd casing")
        if not authors and str(series).lower() == "blog":
            warnings.append("no author: AVİM's blog posts name one; the house line will start with the title")
    return warnings


def check_catalogues(paths: list[Path], book: dict[str, dict[str, str]]) -> list[tuple[Path, list[Problem]]]:
    """Every problem of the catalogues the commands read (`paths`, lowest first: a later file's
    post wins over an earlier one's with the same id), each file's own, then those between posts:
    citation keys two posts hold, keys changed by hand since they were given (the key `book`,
    avimcite.store.read_key_book), twins that are missing or not in the other language."""
    from avimcite.keys import own_key
    from avimcite.keybook import book_name

    results = [(path, check_file(path)) for path in paths]
    in_use: dict[str, tuple[int, int, object]] = {}  # id -> (file index, position, post)
    shipped_keys: dict[str, tuple[str, Path]] = {}
    for file_index, (path, problems) in enumerate(results):
        if any(p.level == "error" for p in problems):
            continue  # the file's own errors come first; a file that cannot be read has no posts in use
        posts = catalogue.load(path).posts
        name = book_name(path)
        for position, post in enumerate(posts, 1):
            where = f"post {position} ({post.id})"
            key, given = own_key(post), book.get(name, {}).get(post.id.lower())
            if key and given and key != given:
                problems.append(Problem("warning", where, f"citation key {key!r} was changed by hand: {given!r} was given to it first, and papers that cite {given!r} no longer find it"))
            before = shipped_keys.get(post.id.lower())
            if key and before and before[0] != key:
                problems.append(Problem("warning", where, f"citation key {key!r} differs from {before[0]!r}, the key of the same post in {before[1]}"))
            if key:
                shipped_keys.setdefault(post.id.lower(), (key, path))
            in_use[post.id.lower()] = (file_index, position, post)
    holders: dict[str, str] = {}
    for file_index, position, post in sorted(in_use.values(), key=lambda t: (t[0], t[1])):
        path, problems = results[file_index]
        where = f"post {position} ({post.id})"
        key = own_key(post) or book.get(book_name(path), {}).get(post.id.lower()) or (
            shipped_keys.get(post.id.lower(), ("",))[0]
        )
        if key:
            other = holders.setdefault(key.lower(), post.id)
            if other != post.id:
                problems.append(Problem("error", where, f"citation key {key!r} is also the key of {other}; give one of the two another 'key' (export refuses them until then)"))
        twin = post.extra.get("twin") if post.extra else None
        if isinstance(twin, str):
            found = in_use.get(avim.normalise_ref(twin))
            if found is None:
                problems.append(Problem("warning", where, f"twin {twin!r} is in no catalogue in use; cite --lang will refuse this post"))
            elif found[2].language == post.language:
                problems.append(Problem("error", where, f"twin {twin!r} is in the same language ({post.language}); a twin is the post's version in the other language"))
            elif (found[2].extra or {}).get("twin", "").lower() != post.id.lower():
                problems.append(Problem("warning", where, f"twin {twin!r} does not name {post.id} as its twin"))
    return results
