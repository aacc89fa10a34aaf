"""BibTeX and BibLaTeX files read entry by entry, field by field.

One pass over the file: an entry's start is found by a pattern, its fields by a brace
counter that meets each brace once. An unclosed brace ends its entry at the next line
that starts a new entry (as biber recovers), so a damaged file is still read in linear
time and the entries after the damage are still checked.
"""

from __future__ import annotations

import re

from avimcite.scan.find import AVIM_WORD, SERIAL, clean_url
from avimcite.scan.model import Finding
from avimcite.scan.units import detex

_ENTRY = re.compile(r"@[ \t]*([A-Za-z]+)[ \t]*([{(])")
_KEY = re.compile(r"\s*([^,\s{}()=\"#]*)\s*,")
_FIELD = re.compile(r"[\s,]*([A-Za-z][\w\-:.+]*)\s*=\s*")
_CLOSE = re.compile(r"[\s,]*([})])")
_NEXT_ENTRY = r"\n[ \t]*@(?=[A-Za-z]+[ \t]*[{(])"
_BRACES = re.compile(r"[{}]|" + _NEXT_ENTRY)
_QUOTED = re.compile(r'[{}"]|' + _NEXT_ENTRY)
_BARE = re.compile(r"[^\s,#{}()\"=]+")
_CONCAT = re.compile(r"\s*#\s*")
_TEXT_FIELDS = ("title", "author", "editor", "howpublished", "note", "organization", "publisher", "institution",
                "series", "number", "type", "year", "date", "urldate", "url", "addendum", "journal", "journaltitle",
                "eprint", "doi")  # fmt: skip
_SERIES_WORD = re.compile(r"\b(Blog|Commentary|Yorum|Analysis|Analiz)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\s*(\d{4})\s*/\s*(\d{1,6})\s*$")
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


class _Broken(Exception):
    def __init__(self, pos: int) -> None:
        self.pos = pos


def _group(text: str, pos: int, pattern) -> tuple[str, int]:
    """The content of the {...} or "..." starting at `pos`, and the position after it."""
    quote = text[pos] == '"'
    depth = 0 if quote else 1
    i = pos + 1
    while True:
        match = pattern.search(text, i)
        if match is None:
            raise _Broken(len(text))
        char = match.group()
        i = match.end()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0 and not quote:
                return text[pos + 1 : i - 1], i
            if depth < 0:
                raise _Broken(i)
        elif char == '"':
            if depth == 0:
                return text[pos + 1 : i - 1], i
        else:  # a line that starts the next entry: this one is broken
            raise _Broken(match.start() + 1)


def _value(text: str, pos: int) -> tuple[str, int]:
    parts = []
    while True:
        if pos >= len(text):
            raise _Broken(pos)
        char = text[pos]
        if char == "{":
            part, pos = _group(text, pos, _BRACES)
        elif char == '"':
            part, pos = _group(text, pos, _QUOTED)
        else:
            bare = _BARE.match(text, pos)
            if not bare:
                raise _Broken(pos)
            part, pos = bare.group(), bare.end()
            if not part.isdigit():
                part = part.lower()  # a month macro (oct) or a @string name
        parts.append(part)
        concat = _CONCAT.match(text, pos)
        if not concat or concat.end() >= len(text) or text[concat.end()] in ",})":
            return "".join(parts), pos
        pos = concat.end()


def entries(text: str, progress=None):
    """(line, type, key, {field: raw value}) of each entry; @comment, @preamble and
    @string are passed over."""
    pos, line, counted = 0, 1, 0
    reported = 0
    while True:
        match = _ENTRY.search(text, pos)
        if match is None:
            break
        start = match.start()
        line += text.count("\n", counted, start)
        counted = start
        kind = match.group(1).lower()
        pos = match.end()
        if progress is not None and pos - reported > 1 << 20:
            progress(pos - reported)
            reported = pos
        if kind in ("comment", "preamble", "string"):
            try:
                _, pos = _group(text, match.end() - 1, _BRACES) if match.group(2) == "{" else (None, text.find(")", pos) + 1 or len(text))
            except _Broken as exc:
                pos = exc.pos
            continue
        key_match = _KEY.match(text, pos)
        key = key_match.group(1) if key_match else ""
        if key_match:
            pos = key_match.end()
        fields: dict[str, str] = {}
        try:
            while True:
                close = _CLOSE.match(text, pos)
                if close:
                    pos = close.end()
                    break
                field = _FIELD.match(text, pos)
                if field is None:
                    raise _Broken(pos)
                value, pos = _value(text, field.end())
                fields.setdefault(field.group(1).lower(), value)
        except _Broken as exc:
            pos = max(exc.pos, pos)
        yield line, kind, key, fields
    if progress is not None and len(text) > reported:
        progress(len(text) - reported)


def find_entries(file: str, text: str, progress=None) -> list[Finding]:
    findings = []
    for line, kind, key, raw in entries(text, progress):
        fields = {name: raw[name] for name in _TEXT_FIELDS if name in raw}
        findings.append(_finding(file, line, kind, key, fields))
    return findings


def _finding(file: str, line: int, kind: str, key: str, fields: dict[str, str]) -> Finding:
    value = {name: " ".join(detex(v).split()) if name != "url" else _url(v) for name, v in fields.items()}
    data: dict = {"key": key} if key else {}
    url = value.get("url", "")
    if url:
        url = clean_url(url)
    signal = " ".join(value.get(n, "") for n in ("howpublished", "note", "organization", "publisher", "institution",
                                                 "series", "author", "addendum", "journal", "journaltitle", "type"))  # fmt: skip
    data["avim"] = bool(AVIM_WORD.search(signal) or AVIM_WORD.search(url))
    serial_text = " ".join(value.get(n, "") for n in ("howpublished", "note", "series", "number", "type", "addendum"))
    serial = SERIAL.search(serial_text)
    if serial:
        data.update(serial.groupdict())
    else:
        number = _NUMBER.match(value.get("number", ""))
        series = _SERIES_WORD.search(" ".join(value.get(n, "") for n in ("series", "type", "howpublished", "note")))
        if number and series:
            data.update({"series": series.group(1), "syear": number.group(1), "number": number.group(2)})
    if "title" in value:
        data["title"] = value["title"]
    data["authors"] = value.get("author", "")
    data["authors_required"] = True
    date = value.get("date", "")
    year = value.get("year", "") or date[:4]
    if re.fullmatch(r"\d{4}", year or ""):
        data["year"] = year
    elif year:
        data["year_text"] = year
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        data["date"] = date
    accessed = value.get("urldate", "")
    if accessed:
        data["accessed"] = accessed
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
