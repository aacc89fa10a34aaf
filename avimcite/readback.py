r"""Read avimcite's own exports back: CSL-JSON, RIS, BibTeX, BibLaTeX, and a catalogue.

What each export states is read back and nothing else:

- CSL-JSON: the AVİM serial from `custom` (avim_series, avim_year, avim_number) or
  `note` ("Blog No.2023 / 63"), the date from `issued`, the outlet of a repost
  from `custom`;
- RIS (read with rispy): the serial from N1 ("AVİM Blog No.2023 / 63."), the
  outlet from the rest of N1, the date from DA;
- BibTeX and BibLaTeX (our own small reader of what our exporter writes: entries,
  braced or quoted values, LaTeX escapes decoded with pylatexenc, one escape at a
  time, so `--`, `~` or quotes in a title stay as written): the serial from
  `howpublished` / `note`, the outlet from `note` / `addendum`;
- a catalogue (schema avimcite-catalogue/1): its records as they are.

An entry that matches a post already known (`known`, by default the shipped catalogue)
on every field it states is that post: the known record is returned, so what a
format cannot carry (the reading time, AVİM's printed form of a name, evidence)
survives a round trip. BibTeX holds the year and month of a post but not its
day: an entry that matches no known post is refused rather than given a day.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Callable

from avimcite import avim
from avimcite.importer import PageError

Known = Callable[[str], "dict | None"]

_SERIAL = avim.SERIAL_IN_TEXT
_TYPE_NUMBER = re.compile(rf"(?P<series>{avim.SERIES_WORDS}) (?P<year>\d{{4}})\s*/\s*(?P<number>\d{{1,6}})")
_SOURCE = avim.OUTLET
_LANGID = {"english": "en", "turkish": "tr", "en": "en", "tr": "tr"}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def read_export(text: str, known: Known | None = None) -> tuple[list[dict], str] | None:
    """(records, kind) when `text` is one of avimcite's exports or a catalogue, else None."""
    head = text.lstrip("\ufeff \t\r\n")
    if head[:1] in "[{":
        try:
            data = json.loads(head)
        except ValueError:
            return None  # a page that opens with a bracket
        return _json(data, _lookup(known))
    first = next((line.strip() for line in head[:8192].splitlines()[:50] if line.strip() and not line.lstrip().startswith("%")), "")
    if re.match(r"^TY  - ", first):
        return _ris(head, _lookup(known)), "RIS"
    if re.match(r"^@[A-Za-z]+\s*\{", first):
        return _bibtex(head, _lookup(known))
    return None


# --- the posts already known -------------------------------------------------------------


def _lookup(known: Known | None) -> Known:
    """`known`, or (None) a lookup in the shipped catalogue, loaded on the first call."""
    if known is not None:
        return known
    shipped: dict[str, dict] | None = None

    def find(post_id: str) -> dict | None:
        nonlocal shipped
        if shipped is None:
            from avimcite import catalogue

            try:
                posts = catalogue.load(catalogue.shipped_catalogue_path()).posts
            except Exception:  # noqa: BLE001 - no shipped catalogue: nothing is known
                posts = []
            shipped = {p.id.lower(): p.to_catalogue_record() for p in posts}
        return shipped.get(post_id.lower())

    return find


shipped_lookup = _lookup(None)


def _post_id(record: dict) -> str:
    return avim.post_id(record["series"], record["year"], record["number"])


def _people(authors: list) -> list[tuple]:
    return [(a.get("family", ""), a.get("given", ""), a.get("literal", "")) for a in authors]


def _issuer_read(authors: list[dict], series: str, year, number, find: Known) -> list[dict]:
    """Every export names AVİM, the issuing body, as the author of a post without a recorded one
    (avimcite/csl/mapping.py): read that as no author; the known post settles it either way."""
    if authors != [{"literal": avim.ISSUER}]:
        return authors
    old = find(avim.post_id(series, year, number))
    return old.get("authors", []) if old is not None and _people(old.get("authors", [])) in ([], [("", "", avim.ISSUER)]) else []


def _settled(record: dict, find: Known, where: str, day_missing: bool = False) -> dict:
    """`record`, or the known post it is when it states nothing else."""
    old = find(_post_id(record))
    if old is not None and _agrees(old, record, day_missing):
        return old
    if day_missing:
        raise PageError(
            f"{where}: BibTeX holds the year and month of a post but not its day, and no catalogued post "
            "matches the entry; import the BibLaTeX, RIS or CSL-JSON export instead"
        )
    return record


def _agrees(old: dict, new: dict, day_missing: bool) -> bool:
    for key, value in new.items():
        if key == "published" and day_missing:
            if not str(old.get("published", "")).startswith(value):
                return False
        elif key == "authors":
            if _people(old.get("authors", [])) != _people(value):
                return False
        elif key == "source":
            before = old.get("source") or {}
            if {k: before.get(k) for k in value} != value or set(before) - set(value) - {"extra"}:
                return False
        elif old.get(key) != value:
            return False
    return True


def _base(series: str, year: int, number: int, title: str, authors: list[dict], published: str, url: str, lang: str) -> dict:
    return {"series": series, "year": year, "number": number, "language": lang, "title": title,
            "authors": authors, "published": published, "url": url}  # fmt: skip


def _source_from_note(text: str) -> dict | None:
    match = _SOURCE.search(text.strip())
    if not match:
        return None
    source = {"name": match["name"]}
    if match["date"]:
        source["date"] = match["date"]
    if match["url"]:
        source["url"] = match["url"]
    return source


# --- JSON: a catalogue or CSL-JSON -------------------------------------------------------------


def _json(data: object, find: Known) -> tuple[list[dict], str]:
    if isinstance(data, dict) and "posts" in data and str(data.get("schema", "")).startswith("avimcite-catalogue/"):
        from pathlib import Path

        from avimcite import catalogue
        from avimcite.errors import CatalogueError

        try:
            posts = catalogue.parse(data, Path("the imported catalogue")).posts
        except CatalogueError as exc:
            raise PageError(str(exc).rstrip(".")) from None
        return [p.to_catalogue_record() for p in posts], "catalogue"
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(i, dict) and "type" in i and "title" in i for i in items):
        raise PageError("a JSON file that is neither an avimcite catalogue nor CSL-JSON items with a type and a title")
    return [_csl_item(item, index, find) for index, item in enumerate(items, 1)], "CSL-JSON"


def _csl_item(item: dict, index: int, find: Known) -> dict:
    where = f"CSL-JSON item {index} ({item.get('id', 'no id')})"
    custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
    series, year, number = custom.get("avim_series"), custom.get("avim_year"), custom.get("avim_number")
    if not (isinstance(series, str) and isinstance(year, int) and isinstance(number, int)):
        match = _SERIAL.search(" " + str(item.get("note", "")))
        if not match:
            raise PageError(f"{where}: no AVİM serial (custom avim_series/avim_year/avim_number, or a note 'Blog No.2023 / 63')")
        series, year, number = match["series"], int(match["year"]), int(match["number"])
    parts = (item.get("issued") or {}).get("date-parts") if isinstance(item.get("issued"), dict) else None
    if not (isinstance(parts, list) and parts and isinstance(parts[0], list) and len(parts[0]) == 3):
        raise PageError(f"{where}: no full date of publication in 'issued'")
    try:
        published = date(*(int(p) for p in parts[0])).isoformat()
    except (TypeError, ValueError):
        raise PageError(f"{where}: 'issued' is not a real date") from None
    authors = []
    for author in item.get("author", []) or []:
        if not isinstance(author, dict):
            raise PageError(f"{where}: an author is not a name")
        if "literal" in author:
            authors.append({"literal": author["literal"]})
        else:
            authors.append({k: author[k] for k in ("given", "family") if k in author})
    authors = _issuer_read(authors, series, year, number, find)
    record = _base(series, year, number, item.get("title"), authors, published, item.get("URL", ""), item.get("language", ""))
    if "source_name" in custom:
        source = {"name": custom["source_name"]}
        if "source_date" in custom:
            source["date"] = custom["source_date"]
        if "source_url" in custom:
            source["url"] = custom["source_url"]
        record["source"] = source
    return _settled(record, find, where)


# --- RIS ---------------------------------------------------------------------------------


def _ris(text: str, find: Known) -> list[dict]:
    import rispy

    try:
        entries = rispy.loads(text.replace("\r\n", "\n"))
    except Exception as exc:  # noqa: BLE001 - rispy raises bare exceptions on malformed files
        raise PageError(f"not a RIS file avimcite can read ({exc})") from None
    if not entries:
        raise PageError("a RIS file without a complete record (TY ... ER)")
    return [_ris_entry(entry, index, find) for index, entry in enumerate(entries, 1)]


def _ris_entry(entry: dict, index: int, find: Known) -> dict:
    where = f"RIS record {index} ({entry.get('id', 'no ID')})"
    notes = " ".join(entry.get("notes", []) or [])
    match = re.match(r"^AVİM (?P<series>\w+) No\.(?P<year>\d{4}) / (?P<number>\d{1,6})\.(?: (?P<rest>.*))?$", notes.strip())
    if not match:
        raise PageError(f"{where}: no AVİM serial in N1 ('AVİM Blog No.2023 / 63.')")
    day = re.match(r"^(\d{4})/(\d{2})/(\d{2})/?$", str(entry.get("date", "")).strip())
    if not day:
        raise PageError(f"{where}: no full date of publication in DA (YYYY/MM/DD/)")
    try:
        published = date(int(day[1]), int(day[2]), int(day[3])).isoformat()
    except ValueError:
        raise PageError(f"{where}: DA is not a real date") from None
    authors = []
    for name in entry.get("authors", []) or []:
        family, comma, given = name.partition(", ")
        authors.append({"given": given, "family": family} if comma else {"literal": name})
    urls = entry.get("urls") or [""]
    authors = _issuer_read(authors, match["series"], int(match["year"]), int(match["number"]), find)
    record = _base(match["series"], int(match["year"]), int(match["number"]), entry.get("title") or entry.get("primary_title", ""),
                   authors, published, urls[0], entry.get("language", ""))  # fmt: skip
    if match["rest"]:
        source = _source_from_note(match["rest"])
        if source is None:
            raise PageError(f"{where}: N1 holds a note avimcite did not write ({match['rest'][:60]!r})")
        record["source"] = source
    return _settled(record, find, where)


# --- BibTeX and BibLaTeX ------------------------------------------------------------------


def _bibtex(text: str, find: Known) -> tuple[list[dict], str]:
    entries = parse_bib(text)
    if not entries:
        raise PageError("a .bib file without a complete entry")
    kinds = {kind for kind, _, _ in entries}
    label = "BibLaTeX" if kinds <= {"online"} else "BibTeX"
    return [_bib_entry(kind, key, fields, find) for kind, key, fields in entries], label


_ENTRY_START = re.compile(r"@(?P<kind>[A-Za-z]{1,30})\s{0,20}\{\s{0,20}(?P<key>[^,\s{}]{1,200})\s{0,20},")
_FIELD_NAME = re.compile(r"\s*,?\s*(?P<name>[A-Za-z][\w-]{0,40})\s*=\s*")
_BARE = re.compile(r"[A-Za-z0-9_.:/+-]{1,200}")


def parse_bib(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """(entry type, key, raw field values) of each entry, braces balanced, values undecoded. Linear."""
    entries = []
    pos = 0
    while (start := text.find("@", pos)) >= 0:
        match = _ENTRY_START.match(text, start)
        if not match:
            pos = start + 1
            continue
        pos = match.end()
        fields: dict[str, str] = {}
        while True:
            name = _FIELD_NAME.match(text, pos)
            if not name:
                break
            pos = name.end()
            value, pos = _bib_value(text, pos)
            if value is None:
                raise PageError(f"entry {match['key']}: the value of {name['name']} never ends")
            fields[name["name"].lower()] = value
        close = re.compile(r"\s*,?\s*\}").match(text, pos)
        if not close:
            raise PageError(f"entry {match['key']}: it does not end with '}}' after its last field")
        pos = close.end()
        entries.append((match["kind"].lower(), match["key"], fields))
    return entries


def _bib_value(text: str, pos: int) -> tuple[str | None, int]:
    if pos < len(text) and text[pos] in "{\"":
        closer = "}" if text[pos] == "{" else '"'
        depth, i = 0, pos + 1
        while i < len(text):
            char = text[i]
            if char == "\\":
                i += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0 and closer == "}":
                    return text[pos + 1 : i], i + 1
                depth -= 1
            elif char == '"' and closer == '"' and depth == 0:
                return text[pos + 1 : i], i + 1
            i += 1
        return None, len(text)
    bare = _BARE.match(text, pos)
    return (bare.group(), bare.end()) if bare else (None, pos)


_LATEX_TOKEN = re.compile(
    r"\\url\{(?P<url>[^{}]*)\}"
    r"|(?P<group>\{\\(?:[^{}]|\{[^{}]*\})*\})"
    r"|(?P<macro>\\(?:[A-Za-z]+(?:\{\})?|.))"
    r"|(?P<brace>[{}])"
)
_decoded: dict[str, str] = {}


def latex_text(value: str) -> str:
    """Text of a BibTeX value as our exporter writes it: each escape decoded by pylatexenc, grouping braces dropped."""

    def token(match: re.Match) -> str:
        if match["url"] is not None:
            return match["url"]
        if match["brace"]:
            return ""
        latex = match["group"] or match["macro"]
        if latex not in _decoded:
            from pylatexenc.latex2text import LatexNodes2Text

            _decoded[latex] = LatexNodes2Text(math_mode="verbatim").latex_to_text(latex)
        return _decoded[latex]

    return " ".join(_LATEX_TOKEN.sub(token, value).split())


def _split_top(value: str, separator: re.Pattern) -> list[str]:
    """`value` split at `separator` outside braces."""
    parts, depth, last = [], 0, 0
    for i, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and (m := separator.match(value, i)):
            if i >= last:
                parts.append(value[last:i])
                last = m.end()
    parts.append(value[last:])
    return [p for p in parts if p.strip()]


def _bib_names(value: str) -> list[dict]:
    authors = []
    for raw in _split_top(value, re.compile(r"\s+and\s+")):
        raw = raw.strip()
        if raw.startswith("{") and raw.endswith("}") and _split_top(raw[1:-1], re.compile(",")) == [raw[1:-1]] and "," not in raw:
            authors.append({"literal": latex_text(raw[1:-1])})
            continue
        family_given = _split_top(raw, re.compile(r",\s*"))
        if len(family_given) == 2:
            authors.append({"given": latex_text(family_given[1]), "family": latex_text(family_given[0])})
        elif len(family_given) == 1:
            authors.append({"family": latex_text(family_given[0])})
        else:
            raise PageError(f"the author {raw!r} is not 'Family, Given'")
    return authors


def _bib_entry(kind: str, key: str, fields: dict[str, str], find: Known) -> dict:
    where = f"entry {key}"
    serial_text = latex_text(fields.get("howpublished") or fields.get("note") or "")
    match = _SERIAL.search(" " + serial_text)
    if not match:  # a report: the series in `type`, "2020/5" in `number`
        match = _TYPE_NUMBER.fullmatch(f"{latex_text(fields.get('type', ''))} {latex_text(fields.get('number', ''))}")
    if not match:
        raise PageError(f"{where}: no AVİM serial ('Blog No.2023 / 63' in howpublished or note, or type and number)")
    title = latex_text(fields.get("title", ""))
    authors = _bib_names(fields["author"]) if fields.get("author") else []
    authors = _issuer_read(authors, latex_text(match["series"]), match["year"], match["number"], find)
    day_missing = False
    if "date" in fields:
        published = latex_text(fields["date"])
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
            raise PageError(f"{where}: date {published!r} is not a full date (YYYY-MM-DD)")
    else:
        year, month = latex_text(fields.get("year", "")), fields.get("month", "").strip("{} ").lower()[:3]
        if not year.isdigit() or month not in _MONTHS:
            raise PageError(f"{where}: no date of publication (year and month)")
        published, day_missing = f"{int(year):04d}-{_MONTHS.index(month) + 1:02d}", True
    lang = _LANGID.get(latex_text(fields.get("langid") or fields.get("language") or "").lower(), "")
    record = _base(match["series"], int(match["year"]), int(match["number"]), title, authors, published,
                   latex_text(fields.get("url", "")).replace(" ", ""), lang)  # fmt: skip
    note = fields.get("addendum") if kind == "online" else fields.get("note")
    if kind == "online" and not note and fields.get("note"):
        # BibLaTeX: the serial, then the outlet, in one note ("AVİM Blog No.2023 / 63. Originally ...")
        rest = latex_text(fields["note"])
        at = rest.find(avim.OUTLET_LEAD)
        note = rest[at:] if at >= 0 else None
    if note:
        source = _source_from_note(latex_text(note))
        if source is None:
            raise PageError(f"{where}: a note avimcite did not write ({latex_text(note)[:60]!r})")
        record["source"] = source
    return _settled(record, find, where, day_missing)
