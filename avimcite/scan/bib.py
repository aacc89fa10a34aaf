"""BibTeX and BibLaTeX files read entry by entry, field by field.

One pass over the file: an entry's start is found by a pattern, its fields by a brace
counter that meets each brace once. An unclosed brace ends its entry at the next line
that starts a new entry (as biber recovers), so a damaged file is still read in linear
time and the entries after the damage are still checked.
"""

from __future__ import annotations

import re

from avimcite.avim import SERIES_WORDS
from avimcite.scan.find import SERIAL, clean_url
from avimcite.scan.model import Finding
from avimcite.scan.units import detex

_ENTRY = re.compile(r"@[ \t]*([A-Za-z]+)[ \t]*([{(])")


def _braced(depth: int) -> str:
    inner = r"[^{}]*+"
    for _ in range(depth):
        inner = r"(?:[^{}]++|\{" + inner + r"\})*+"
    return r"\{" + inner + r"\}"


_GROUPED = _braced(5)  # five levels of braces inside a value: {{T{\"U}RK{\.I}YE}} needs three
_VALUE = rf'(?:{_GROUPED}|"(?:[^"{{}}]++|{_braced(4)})*+"|[\w\-:.+/]++)'
# one pass over the file: an entry's head, or one of its fields (name = value # value ...)
_TOKEN = re.compile(
    r"@[ \t]*(?P<type>[A-Za-z]+)[ \t]*[{(][ \t\r\n]*(?P<key>[^,\s{}()=\"#]*)"
    rf"|,\s*(?P<name>[A-Za-z][\w\-:.+]*)\s*=\s*(?P<value>{_VALUE}(?:\s*#\s*{_VALUE})*+)"
)
_PART = re.compile(_VALUE)
_SKIP = frozenset(("comment", "preamble", "string"))


def entries(text: str, progress=None):
    """(line, type, key, {field: raw value}) of each entry (@comment, @preamble and @string
    passed over). A value with an unclosed brace is left out; the fields and entries after it
    are still read."""
    line, counted, reported = 1, 0, 0
    current = None
    fields: dict = {}
    for match in _TOKEN.finditer(text):
        kind, key, name, value = match.groups()
        if kind is not None:
            if current is not None:
                yield current
            start = match.start()
            line += text.count("\n", counted, start)
            counted = start
            kind = kind.lower()
            fields = {}
            current = None if kind in _SKIP else (line, kind, key, fields)
            if progress is not None and start - reported > 1 << 20:
                progress(start - reported)
                reported = start
        elif current is not None:
            name = name.lower()
            if name not in fields:
                fields[name] = value
    if current is not None:
        yield current
    if progress is not None and len(text) > reported:
        progress(len(text) - reported)


def _join(value: str) -> str:
    """A raw value as written: {...} and "..." unwrapped, # concatenations joined."""
    first = value[:1]
    if first == "{" and value[-1] == "}" and "#" not in value:
        return value[1:-1]
    parts = []
    for part in _PART.finditer(value):
        piece = part.group()
        if piece[0] in '{"':
            parts.append(piece[1:-1])
        else:
            parts.append(piece if piece.isdigit() else piece.lower())  # a month (oct) or @string name
    return "".join(parts)


_SIGNAL_FIELDS = ("howpublished", "note", "organization", "publisher", "institution", "series", "author", "addendum")
_SERIAL_FIELDS = ("howpublished", "note", "series", "number", "type", "addendum")
# AVİM as a .bib file writes it: AVİM, AV{\.I}M, {AV\.{I}M}, Avrasya İncelemeleri Merkezi, ...
_AVIM_RAW = re.compile(r"AV(?:İ|I|\{?\\\.\s*\{?I\}?\}?)M\b|Avrasya|Eurasian\s+Studies|avim\.org\.tr|avimbulten", re.IGNORECASE)
_SERIES_WORD = re.compile(rf"\b({SERIES_WORDS})\b", re.IGNORECASE)
_NUMBER = re.compile(r"\s*(\d{4})\s*/\s*(\d{1,6})\s*$")
_YEAR4 = re.compile(r"\d{4}")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_ONLINE_TYPES = frozenset(("online", "misc", "electronic", "www", "webpage", "report", "unpublished", "techreport"))


def find_entries(file: str, text: str, progress=None) -> list[Finding]:
    """One finding per entry that may be an AVİM post: an AVİM URL, a serial, AVİM named as
    its publisher; every entry with a key is kept for the check (which drops keys not ours)."""
    findings = []
    for line, kind, key, raw in entries(text, progress):
        finding = _finding(file, line, kind, key, raw)
        if finding is not None:
            findings.append(finding)
    return findings


_TEXISH = re.compile(r"[\\~%`]|--|''")


def _text(raw: dict, name: str) -> str:
    """A field as text: LaTeX read (accents, escapes, quotes), spaces collapsed."""
    value = raw.get(name)
    if value is None:
        return ""
    value = _join(value)
    if _TEXISH.search(value) is None:
        value = value.replace("{", "").replace("}", "")
    else:
        value = detex(value)
    return " ".join(value.split())


def _finding(file: str, line: int, kind: str, key: str, raw: dict[str, str]) -> Finding | None:
    url = _url(_join(raw["url"])) if "url" in raw else ""
    if url:
        url = clean_url(url)
    signal = any(_AVIM_RAW.search(raw[n]) for n in _SIGNAL_FIELDS if n in raw) or (url and _AVIM_RAW.search(url))
    data: dict = {"key": key} if key else {}
    serial_text = " ".join(_join(raw[n]).replace("{", "").replace("}", "") for n in _SERIAL_FIELDS if n in raw)
    serial = SERIAL.search(serial_text) if serial_text else None
    if serial:
        data.update(serial.groupdict())
    elif signal and "number" in raw:
        number = _NUMBER.match(_text(raw, "number"))
        series = _SERIES_WORD.search(serial_text)
        if number and series:
            data.update({"series": series.group(1), "syear": number.group(1), "number": number.group(2)})
    # an AVİM book or journal article is not a post: without a URL, serial or key of ours it is left alone
    data["avim"] = bool(url and signal) or "series" in data or bool(
        signal and kind in _ONLINE_TYPES and "journal" not in raw and "journaltitle" not in raw and "booktitle" not in raw)
    if not data["avim"] and not key:
        return None
    if "title" in raw:
        data["title"] = _text(raw, "title")
    data["authors"] = _text(raw, "author")
    data["authors_required"] = True
    date = _text(raw, "date")
    year = _text(raw, "year") or date[:4]
    if _YEAR4.fullmatch(year):
        data["year"] = year
    elif year:
        data["year_text"] = year
    if _ISO.fullmatch(date):
        data["date"] = date
    if "urldate" in raw:
        data["accessed"] = _text(raw, "urldate")
    return Finding(file, str(line), 1, "bib", f"@{kind}{{{key}}}", url, data)


def _url(value: str) -> str:
    value = value.strip()
    if value.startswith("\\url{") and value.endswith("}"):
        value = value[5:-1]
    return value.replace("\\%", "%").replace("\\_", "_").replace("\\#", "#").replace("\\&", "&").replace("{", "").replace("}", "")


def looks_like_bib(text: str) -> bool:
    """A file whose first line that is not blank or a comment starts an entry."""
    for line in text[:20000].splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("%"):
            continue
        return _ENTRY.match(stripped) is not None
    return False
