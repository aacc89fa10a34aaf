"""References in units of text: house-format citations, AVİM URLs, serials near AVİM's name
(with the title, author and year written around them), and citation keys.

Every pattern is matched from a literal anchor ("(AVİM),", "avim.org.tr", "No", "@", "\\cite")
and reads a bounded window around it, so a paragraph of any length is read in linear time.
"""

from __future__ import annotations

import re

from avimcite import avim
from avimcite.avim import url_key
from avimcite.dates import MONTHS
from avimcite.scan.model import Finding
from avimcite.scan.units import Unit, arguments

_URL = re.compile(avim.URL_IN_TEXT, re.IGNORECASE)
_HOST = avim.HOST
_URL_AFTER = re.compile(r"\s*<?(" + _URL.pattern + ")", re.IGNORECASE)
# a link's text between a citation and its URL (LaTeX \href{URL}{online}, HTML <a>): a few words
_URL_NEAR = re.compile(r"[^.;:\n\"“”]{0,60}?\s<?(" + _URL.pattern + ")", re.IGNORECASE)
SERIES = rf"(?P<series>{avim.SERIES_WORDS})"
SERIAL = re.compile(rf"\b{SERIES}\s+No\s*[.:]?\s*(?P<syear>\d{{4}})\s*/\s*(?P<number>\d{{1,6}})\b", re.IGNORECASE)
# the end of a house-format citation: Publisher (AVİM), Series No.Y / N. Day. Accessed ...
_TAIL = re.compile(
    r"(?P<publisher>Center\s+[Ff]or\s+Eurasian\s+Studies|Avrasya\s+İncelemeleri\s+Merkezi)\s*\(AV[İI]M\),\s*"
    rf"{SERIES}\s+No\s*[.:]?\s*(?P<syear>\d{{4}})\s*/\s*(?P<number>\d{{1,6}})\.?"
    r"(?:\s+(?!Accessed|Erişim)(?P<day>[^.]{1,30})\.)?"
    r"(?:\s+(?:Accessed|Erişim\s+tarihi:)\s+(?P<accessed>[^.]{1,40})\.)?",
)
_LABEL = re.compile(r"(?:To\s+cite\s+this\s+article|Bu\s+makaleye\s+atıf\s+için)\s*:\s*$")
_UPPER = re.compile(r"[A-ZÇĞİÖŞÜÂÎÛ]")
AVIM_WORD = avim.NAMED
TRAILING = ".,;:!?)]}>»”’'\""
_YEAR = re.compile(r"(?<![\d/.\-])(?:19|20)\d{2}(?![\d/\-])")
_ACCESS = re.compile(r"accessed|retrieved|access(?:ed)?\s+on|erişim|erişildi|ziyaret|viewed|consulted|abgerufen|consulté",
                     re.IGNORECASE)  # fmt: skip
# a full date written in a reference: "31 December 2024", "December 31, 2024", "31 Aralık 2024",
# "Dec. 31, 2024", "31.12.2024", "2024-12-31", APA's "2024, December 31" (English and Turkish month names, any case)
_MONTH_WORDS = {name.casefold(): i for names in MONTHS.values() for i, name in enumerate(names, 1)}
_MONTH_WORDS.update({name[:3]: i for name, i in list(_MONTH_WORDS.items()) if name.isascii()})
_MONTH_WORDS["sept"] = 9
_MONTH = r"(?P<{}>[A-Za-zÇĞİÖŞÜçğıöşü]{{3,9}})\.?"
_FULL_DATE = re.compile(
    r"(?<![\w.])(?:"
    rf"(?P<d1>[0-3]?\d)\.?\s+{_MONTH.format('m1')}\s+(?P<y1>(?:19|20)\d\d)"
    rf"|{_MONTH.format('m2')}\s+(?P<d2>[0-3]?\d),?\s+(?P<y2>(?:19|20)\d\d)"
    r"|(?P<d3>[0-3]?\d)\.(?P<m3>[01]?\d)\.(?P<y3>(?:19|20)\d\d)"
    r"|(?P<y4>(?:19|20)\d\d)-(?P<m4>[01]\d)-(?P<d4>[0-3]\d)"
    rf"|(?P<y5>(?:19|20)\d\d),\s+{_MONTH.format('m5')}\s+(?P<d5>[0-3]?\d)"  # APA: (2024, December 31)
    rf"|(?P<y6>(?:19|20)\d\d),\s+(?P<d6>[0-3]?\d)\.?\s+{_MONTH.format('m6')}"  # (2024, 31 Aralık)
    r")(?![\w/\-]|\.\d)"
)
_QUOTED = re.compile(r"[\"“«]([^\"“”«»\n]{2,500}?)[\"”»]")
_APA = re.compile(r"\s*(?P<authors>[^()“\"]{1,200}?)\s*\((?P<year>\d{4})[a-z]?(?:,\s+[^()]{1,30}?)?\)[.,]")
_LEAD = re.compile(r"^\s*(?:\[\^[^\]]*\]:|[-*+]|\d{1,3}[.)])?\s*(?:(?:see(?:\s+also)?|cf\.|e\.g\.,?|bkz\.|bakınız)\s+)?",
                   re.IGNORECASE)  # fmt: skip
_INITIAL = re.compile(r"(?:^|[\s.,])[A-ZÇĞİÖŞÜ]\.$")
_WINDOW = 600  # how far before a serial a reference may begin (title and author included)

# citation keys: pandoc's @key and [@key; ...]; LaTeX's \cite family (natbib, biblatex)
_MD_KEY = re.compile(r"(?<![\w.@\\])@(?:\{([^{}\s]{1,200})\}|([A-Za-z0-9_][\w:.#$%&+?<>~/-]{0,200}))")
_TEX_CITE = re.compile(r"\\(?:[A-Za-z]*[Cc]ite[A-Za-z]*|nocite)\*?")
_TEX_AUTHOR_ONLY = re.compile(r"\\[Cc]iteauthor\*?")  # prints the author alone: a year written after it is the writer's
_YEAR_AFTER_AUTHOR = re.compile(r"(?:\s|~|'s)*\((\d{4})[a-z]?[),;]")
_TEX_ARG = re.compile(r"\s*(?:\[[^\[\]]{0,300}\]|\([^()]{0,300}\))")
_TEX_KEYS = re.compile(r"\s*\{([^{}]{0,2000})\}")


def blocks(units: list[Unit]):
    """Paragraphs: consecutive non-blank units (a citation split over lines is found whole);
    a list item, a note or a \\bibitem starts a new one."""
    block: list[Unit] = []
    for unit in units:
        if not unit.text.strip():
            if block:
                yield block
            block = []
            continue
        if unit.item and block:
            yield block
            block = []
        block.append(unit)
    if block:
        yield block


def find_references(file: str, units: list[Unit], syntax: str = "text", progress=None) -> list[Finding]:
    findings: list[Finding] = []
    for block in blocks(units):
        findings.extend(_in_block(file, block))
        if progress is not None:
            progress(sum(len(u.raw) + 1 for u in block))
    for unit in units:
        findings.extend(_keys(file, unit, syntax))
    findings.sort(key=lambda f: (order(f.line), f.column))
    return findings


def _in_block(file: str, block: list[Unit]) -> list[Finding]:
    import bisect

    if len(block) == 1:
        flat, starts = block[0].text, [0]
    else:
        starts, length = [], 0
        for unit in block:
            starts.append(length)
            length += len(unit.text) + 1
        flat = " ".join(unit.text for unit in block)

    def where(index: int) -> tuple[str, int]:
        i = bisect.bisect_right(starts, index) - 1
        unit = block[i]
        return unit.location, unit.column(index - starts[i])

    found: list[tuple[int, int, Finding]] = []  # (start, end, finding)
    taken: list[tuple[int, int]] = []

    def free(start: int) -> bool:
        return not any(a <= start < b for a, b in taken)

    if "(AV" in flat:
        floor = 0
        for match in _TAIL.finditer(flat):
            head = _head(flat, match.start(), max(floor, match.start() - 1200))
            if head is None:
                continue
            start, data = head
            data.update({k: v for k, v in match.groupdict().items() if v is not None})
            data["stated"] = True
            end = match.end()
            url_match = _URL_AFTER.match(flat, end) or _URL_NEAR.match(flat, end)
            url = clean_url(url_match.group(1)) if url_match else ""
            if url_match:
                end = url_match.end()
            taken.append((start, end))
            floor = end
            location, column = where(start)
            found.append((start, end, Finding(file, location, column, "citation", " ".join(flat[start:end].split()), url, data)))
    urls = []
    if _HOST.search(flat):
        for match in _URL.finditer(flat):
            if not free(match.start()):
                continue
            written = match.group(0).rstrip(TRAILING)
            url = clean_url(written)
            if url_key(url) is None:
                continue
            urls.append((match.start(), match.start() + len(written), written, url))
    serials = []
    if "No" in flat or "no" in flat or "NO" in flat:
        for match in SERIAL.finditer(flat):
            if not free(match.start()):
                continue
            window = flat[max(0, match.start() - 300) : match.end() + 300]
            if AVIM_WORD.search(window):
                serials.append(match)
    # a serial and the URL after it (or before it) in the same reference are one reference
    edges = sorted([s for s, _, _ in found] + [m.start() for m in serials])
    absorbed = set()
    for match in serials:
        s, e = match.start(), match.end()
        a, b = _span(flat, s, e, edges, taken)
        data = match.groupdict()
        url = ""
        for i, (us, ue, _, candidate) in enumerate(urls):
            if a <= us < b and i not in absorbed:
                absorbed.add(i)
                url = url or candidate
        data.update(_around(flat, a, b, s, e, [(us, ue) for us, ue, _, _ in urls if a <= us < b]))
        location, column = where(s)
        found.append((s, e, Finding(file, location, column, "serial", match.group(0), url, data)))
    for i, (us, ue, written, url) in enumerate(urls):
        if i in absorbed:
            continue
        a, b = _span(flat, us, ue, edges, taken)
        data = _around(flat, a, b, us, ue, [(us, ue)], require_form=True)
        location, column = where(us)
        found.append((us, ue, Finding(file, location, column, "url", written, url, data)))
    return [f for _, _, f in found]


def _span(flat: str, s: int, e: int, edges: list[int], taken: list[tuple[int, int]]) -> tuple[int, int]:
    """The reference around [s, e): back to a ';', another reference or _WINDOW characters,
    forward to a ';', the next reference or 300 characters."""
    import bisect

    a = max(0, s - _WINDOW)
    semi = flat.rfind(";", a, s)
    if semi >= 0:
        a = semi + 1
    for ts, te in taken:
        if te <= s and te > a:
            a = te
    i = bisect.bisect_left(edges, s)
    if i > 0 and edges[i - 1] < s:
        a = max(a, min(edges[i - 1] + 1, s))
    b = min(len(flat), e + 300)
    semi = flat.find(";", e, b)
    if semi >= 0:
        b = semi
    j = bisect.bisect_right(edges, s)
    if j < len(edges) and edges[j] > s:
        b = min(b, edges[j])
    for ts, te in taken:
        if ts >= e and ts < b:
            b = ts
    return a, b


def _around(flat: str, a: int, b: int, s: int, e: int, skip: list[tuple[int, int]], require_form: bool = False) -> dict:
    """What a reference states around its serial or URL at [s, e), within [a, b): a quoted
    title (and the author before it), an APA "Author (Year)." opening, and the years that
    stand as an element of the reference (", 2018." or "(2018)"), access dates apart."""
    data: dict = {}
    before = flat[a:s]
    title = None
    for match in _QUOTED.finditer(before):
        title = match
    form = False
    author_text = None
    if title is not None:
        lead = before[: title.start()].rstrip()
        gap = before[title.end():]
        if (not lead or lead[-1] in ",.:") and len(gap) <= 120 and '"' not in gap:
            form = True
            data["title"] = title.group(1).strip().rstrip(",.")
            author_text = _author_element(lead)
            skip = skip + [(a + title.start(), a + title.end())]
    apa = _APA.match(flat, a, s) if not form else None
    dates_skip = skip  # without APA's year, which opens its date: "(2024, December 31)"
    if apa is not None:
        form = True
        author_text = _author_element(apa.group("authors"))
        data["year"] = apa.group("year")
        skip = skip + [(apa.start("year"), apa.end("year"))]
    if author_text and len(author_text) <= 150:
        data["authors"] = author_text
    if require_form and not form:
        return data
    years, accessed = [], []
    for match in _YEAR.finditer(flat, a if form else e, b):
        ys, ye = match.span()
        if not _an_element(flat, a, b, s, e, skip, ys, ye):
            continue
        element_start = max(flat.rfind(".", a, ys), flat.rfind("(", a, ys), flat.rfind(";", a, ys), a)
        (accessed if _ACCESS.search(flat, element_start, ys) else years).append(match.group())
    if years and "year" not in data:
        data["years"] = years
    if accessed:
        data["accessed"] = accessed[0]
    dates = _full_dates(flat, a if form else e, b, s, e, dates_skip)
    if dates:
        data["dates"] = dates
    return data


def _an_element(flat: str, a: int, b: int, s: int, e: int, skip: list[tuple[int, int]], start: int, end: int,
                space: str = " \t", any_period: bool = False) -> bool:
    """Whether [start, end) stands as an element of the reference in [a, b): outside the
    serial or URL [s, e) and the spans skipped, after "(", "," or a "." (for a year, one that
    ends no number: "3.2024" is no year) or the reference's start, before ")", ".", ",", ";"
    (or its end)."""
    if s <= start < e or any(x <= start < y for x, y in skip):
        return False
    k = start
    while k > a and flat[k - 1] in space:
        k -= 1
    if k > a and not (flat[k - 1] in "(," or (flat[k - 1] == "." and (any_period or not flat[k - 2 : k - 1].isdigit()))):
        return False
    k = end
    while k < b and flat[k] in " \t":
        k += 1
    return k >= b or flat[k] in ").,;"


def _full_dates(flat: str, a: int, b: int, s: int, e: int, skip: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """The full dates (day, month and year) a reference states in [a, b) as an element of its
    own (after "(", ",", "." or its start, before ").,;" or its end), titles, the serial and
    access dates apart: (as written, ISO)."""
    import datetime

    found = []
    for match in _FULL_DATE.finditer(flat, a, b):
        ds, de = match.span()
        if not _an_element(flat, a, b, s, e, skip, ds, de, " \t~", any_period=True):
            continue
        element_start = max(flat.rfind(".", a, ds - 1), flat.rfind("(", a, ds), flat.rfind(";", a, ds), flat.rfind(",", a, ds - 1), a)
        if _ACCESS.search(flat, element_start, ds):
            continue
        parts = match.groupdict()
        for n in "123456":
            if parts[f"y{n}"]:
                day, month, year = parts[f"d{n}"], parts[f"m{n}"], parts[f"y{n}"]
                break
        number = int(month) if month.isdigit() else _MONTH_WORDS.get(month.casefold())
        if number is None:
            continue  # a word, not a month ("Issue 3 2024")
        try:
            written = datetime.date(int(year), number, int(day))
        except ValueError:
            continue
        found.append((" ".join(match.group(0).split()), written.isoformat()))
    return found


def _author_element(text: str) -> str:
    """The author part of a reference: list markers, "See" and separators taken off (the
    period of an initial kept: "Smith, J.")."""
    text = _LEAD.sub("", text, count=1).strip(" ,:;")
    if text.endswith(".") and not _INITIAL.search(text):
        text = text[:-1].rstrip()
    return text


def _head(flat: str, s: int, lo: int) -> tuple[int, dict] | None:
    """The start of a house-format citation whose publisher starts at `s`, read backwards:
    [label] [Authors.] Year. "TITLE." [Year.]  (a bounded look, never before `lo`)."""
    t = s
    while t > lo and flat[t - 1].isspace():
        t -= 1
    data: dict = {}
    year_after = None
    if t - 5 >= lo and flat[t - 1] == "." and flat[t - 5 : t - 1].isdigit() and (t - 6 < lo or flat[t - 6].isspace()):
        year_after = flat[t - 5 : t - 1]
        t -= 5
        while t > lo and flat[t - 1].isspace():
            t -= 1
    if t <= lo or flat[t - 1] not in "\"”":
        return None
    close = t - 1
    floor = max(lo, close - 501)
    open_ = max(flat.rfind('"', floor, close), flat.rfind("“", floor, close))
    if open_ < 0 or open_ + 1 >= close:
        return None
    data["title"] = flat[open_ + 1 : close].rstrip(".")
    start = open_
    t = open_
    while t > lo and flat[t - 1].isspace():
        t -= 1
    if t - 5 >= lo and flat[t - 1] == "." and flat[t - 5 : t - 1].isdigit() and (t - 6 < lo or not flat[t - 6].isalnum()):
        data["year"] = flat[t - 5 : t - 1]
        start = t - 5
        t -= 5
        while t > lo and flat[t - 1].isspace():
            t -= 1
        if t > lo and flat[t - 1] == ".":
            end = t - 1
            k = end
            limit = max(lo, end - 201)
            while k > limit and flat[k - 1] not in '".:\n':
                k -= 1
            upper = _UPPER.search(flat, k, end)
            if upper and end - upper.start() >= 2:
                data["authors"] = flat[upper.start() : end]
                start = upper.start()
    elif year_after is None:
        return None
    if year_after is not None and "year" not in data:
        data["year"] = year_after
    label = _LABEL.search(flat, max(lo, start - 60), start)
    if label and label.end() >= start - 1:
        start = label.start()
    data["authors_required"] = True
    return start, data


def _keys(file: str, unit: Unit, syntax: str) -> list[Finding]:
    raw = unit.raw
    out = []
    if syntax == "latex":
        if "ite" not in raw:
            return out
        for match in _TEX_CITE.finditer(raw):
            groups = arguments(raw, match.end(), match.group(), _TEX_ARG, _TEX_KEYS)[0]
            for keys in groups:
                offset = keys.start(1)
                for part in keys.group(1).split(","):
                    key = part.strip()
                    if key and key != "*":
                        column = offset + part.index(key[0]) + 1
                        out.append(Finding(file, unit.location, column, "key", key, data={"key": key}))
                    offset += len(part) + 1
            if _TEX_AUTHOR_ONLY.fullmatch(match.group()) and len(groups) == 1 and out and out[-1].data["key"] == groups[0].group(1).strip():
                written = _YEAR_AFTER_AUTHOR.match(raw, groups[0].end())
                if written:  # "\citeauthor{key} (2022)": the year is the writer's, not the cite's
                    out[-1].data["year"] = written.group(1)
        return out
    if "@" not in unit.text:
        return out
    for match in _MD_KEY.finditer(unit.text):
        key = match.group(1) or match.group(2).rstrip(".:;,?!/-~#$%&+<>")
        if key:
            out.append(Finding(file, unit.location, unit.column(match.start()), "key", "@" + key, data={"key": key}))
    return out


def order(location: str) -> tuple[int, int]:
    kind, _, number = location.rpartition(" ")
    rank = {"": 0, "footnote": 1, "endnote": 2}.get(kind, 3)
    return rank, int(number) if number.isdigit() else 0


def clean_url(url: str) -> str:
    """The URL as a reader would follow it: trailing punctuation dropped, https:// when the
    draft wrote none ("avim.org.tr/...")."""
    while url and url[-1] in TRAILING:
        url = url[:-1]
    return url if not url or "://" in url else "https://" + url
