"""Find AVİM references in a manuscript and check them against the catalogue (`avimcite scan`).

Reads Markdown, plain text, LaTeX (and .bib), HTML and Word .docx (paragraphs, footnotes
and endnotes, read with the standard library's zipfile: a .docx is a zip of XML files, and
python-docx reads neither footnotes nor endnotes). Finds AVİM URLs, "To cite this article:"
lines and house-format citations without their label, and AVİM serials ("Blog No.2023 / 63")
near the word AVİM; a citation split over lines (as in footnotes) is one reference.

Terminal-free: findings are data; the CLI prints them.
"""

from __future__ import annotations

import re

from avimcite import textfold
from avimcite.catalogue import url_key
from avimcite.errors import FileAccessError

MAX_BYTES = 256 << 20
_URL = re.compile(
    r"(?:https?://)?(?:www\.)?(?:avim\.org\.tr|avimbulten\.org)(?:/[^\s<>\"'`(){}\[\]|\\^]*)?",
    re.IGNORECASE,
)
_URL_AFTER = re.compile(r"\s*<?(" + _URL.pattern + ")", re.IGNORECASE)
_SERIES = r"(?P<series>Blog|Commentary|Yorum|Analysis|Analiz)"
_SERIAL = re.compile(rf"\b{_SERIES}\s+No\s*[.:]?\s*(?P<syear>\d{{4}})\s*/\s*(?P<number>\d{{1,6}})\b", re.IGNORECASE)
# A house-format citation, label or not: Author. Year. "TITLE." Publisher (AVİM), Series No.Y / N. Day. Accessed ...
_CITATION = re.compile(
    r"(?:(?:To\s+cite\s+this\s+article|Bu\s+makaleye\s+atıf\s+için)\s*:\s*)?"
    r"(?:(?P<authors>[A-ZÇĞİÖŞÜÂÎÛ][^\"\n.:]{1,200}?)\.\s+)?(?P<year>\d{4})\.\s+[\"“](?P<title>[^\"”]{1,500}?)\.?[\"”]\s+"
    r"(?:(?P<year2>\d{4})\.\s+)?"
    r"(?P<publisher>Center\s+[Ff]or\s+Eurasian\s+Studies|Avrasya\s+İncelemeleri\s+Merkezi)\s*\(AV[İI]M\),\s*"
    rf"{_SERIES}\s+No\s*[.:]?\s*(?P<syear>\d{{4}})\s*/\s*(?P<number>\d{{1,6}})\.?"
    r"(?:\s+(?P<day>[^.]{1,30})\.)?"
    r"(?:\s+(?:Accessed|Erişim\s+tarihi:)\s+(?P<accessed>[^.]{1,40})\.)?",
)
_UNTITLED_CITATION = re.compile(  # no author: "TITLE." Year. Publisher ...
    r"[\"“](?P<title>[^\"”]{1,500}?)\.?[\"”]\s+(?P<year>\d{4})\.\s+"
    r"(?P<publisher>Center\s+[Ff]or\s+Eurasian\s+Studies|Avrasya\s+İncelemeleri\s+Merkezi)\s*\(AV[İI]M\),\s*"
    rf"{_SERIES}\s+No\s*[.:]?\s*(?P<syear>\d{{4}})\s*/\s*(?P<number>\d{{1,6}})\.?"
    r"(?:\s+(?P<day>[^.]{1,30})\.)?"
    r"(?:\s+(?:Accessed|Erişim\s+tarihi:)\s+(?P<accessed>[^.]{1,40})\.)?",
)
_AVIM_WORD = re.compile(r"AV[İI]M|Avrasya|Eurasian Studies|avim\.org\.tr|avimbulten", re.IGNORECASE)
_TRAILING = ".,;:!?)]}>»”’'\""


class Finding:
    __slots__ = ("file", "line", "column", "kind", "text", "id", "problems", "url", "data")

    def __init__(self, file: str, line: str, column: int, kind: str, text: str, url: str = "", data: dict | None = None) -> None:
        self.file, self.line, self.column, self.kind, self.text, self.url = file, line, column, kind, text, url
        self.data = data or {}  # what the reference says: series, syear, number, year, title, authors, day, accessed
        self.id: str | None = None
        self.problems: list[str] = []

    def as_json(self) -> dict:
        line = int(self.line) if self.line.isdigit() else self.line  # Word notes: "footnote 3"
        return {"file": self.file, "line": line, "column": self.column, "kind": self.kind, "text": self.text,
                "id": self.id, "problems": self.problems}  # fmt: skip


# --- reading ----------------------------------------------------------------------------


def read_units(name: str, data: bytes) -> list[tuple[str, str]]:
    """(location, text) units of a file: text lines ("12"), or Word paragraphs ("12",
    "footnote 3", "endnote 1"). One clear FileAccessError for what cannot be read."""
    lower = name.lower()
    if data[:4] == b"PK\x03\x04" or lower.endswith(".docx"):
        return _docx_units(name, data)
    if b"\x00" in data[:8192]:
        raise FileAccessError(f"{name}: a binary file, not a text, Markdown, LaTeX, HTML or .docx draft; not scanned.")
    text = None
    for encoding in ("utf-8-sig", "cp1254"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    assert text is not None  # cp1254 decodes everything but five bytes
    lines = text.splitlines()
    if lower.endswith((".html", ".htm", ".xhtml")) or text.lstrip()[:200].lower().startswith(("<!doctype html", "<html")):
        lines = [_html_line(line) for line in lines]
    return [(str(n), line) for n, line in enumerate(lines, 1)]


def _html_line(line: str) -> str:
    import html

    hrefs = " ".join(re.findall(r"""href\s*=\s*["']([^"']+)["']""", line, re.IGNORECASE))
    text = re.sub(r"<[^>]*>", " ", line)
    return html.unescape(f"{text} {hrefs}" if hrefs else text)


def _docx_units(name: str, data: bytes) -> list[tuple[str, str]]:
    import io
    import zipfile
    from xml.etree import ElementTree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = [("", "word/document.xml"), ("footnote ", "word/footnotes.xml"), ("endnote ", "word/endnotes.xml")]
        units: list[tuple[str, str]] = []
        for label, part in parts:
            if part not in archive.namelist():
                if not label:
                    raise FileAccessError(f"{name}: not a Word document (no word/document.xml); not scanned.")
                continue
            info = archive.getinfo(part)
            if info.file_size > MAX_BYTES:
                raise FileAccessError(f"{name}: {part} is larger than {MAX_BYTES >> 20} MiB; not scanned.")
            root = ElementTree.fromstring(archive.read(part))
            if label:  # footnotes and endnotes: each note's paragraphs are one unit
                for note in root:
                    note_id = note.get(f"{w}id", "")
                    if note_id.startswith("-") or note_id in ("0",):
                        continue  # separators
                    text = " ".join(_paragraph_text(p, w) for p in note.iter(f"{w}p"))
                    units.append((f"{label}{note_id}", text))
            else:
                for n, paragraph in enumerate(root.iter(f"{w}p"), 1):
                    units.append((str(n), _paragraph_text(paragraph, w)))
        return units
    except FileAccessError:
        raise
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, ValueError, EOFError) as exc:
        raise FileAccessError(f"{name}: a broken .docx ({exc}); not scanned.") from None


def _paragraph_text(paragraph, w: str) -> str:
    out = []
    for node in paragraph.iter():
        if node.tag == f"{w}t" and node.text:
            out.append(node.text)
        elif node.tag in (f"{w}tab", f"{w}br", f"{w}cr"):
            out.append(" ")
    return "".join(out)


# --- finding ----------------------------------------------------------------------------


def _blocks(units: list[tuple[str, str]]):
    """Paragraphs: consecutive non-blank units (a citation split over lines is found whole)."""
    block: list[tuple[str, str]] = []
    for location, text in units:
        if not text.strip():
            if block:
                yield block
            block = []
            continue
        block.append((location, text))
    if block:
        yield block


def find_references(file: str, units: list[tuple[str, str]]) -> list[Finding]:
    findings: list[Finding] = []
    for block in _blocks(units):
        joined, offsets = "", []  # offsets: (start in joined, location, text)
        for location, text in block:
            if joined:
                joined += " "
            offsets.append((len(joined), location, text))
            joined += text

        starts = [entry[0] for entry in offsets]

        def where(index: int) -> tuple[str, int]:
            import bisect

            chosen = offsets[bisect.bisect_right(starts, index) - 1]
            return chosen[1], index - chosen[0] + 1

        taken: list[tuple[int, int]] = []
        flat = joined
        # the citation patterns only where AVİM's name is: they would crawl through a thesis
        for pattern in (_CITATION, _UNTITLED_CITATION) if "(AV" in flat else ():
            for match in pattern.finditer(flat):
                if any(a <= match.start() < b for a, b in taken):
                    continue
                end = match.end()
                url_match = _URL_AFTER.match(flat, end)
                url = _clean_url(url_match.group(1)) if url_match else ""
                if url_match:
                    end = url_match.end()
                taken.append((match.start(), end))
                location, column = where(match.start())
                findings.append(Finding(file, location, column, "citation", " ".join(flat[match.start():end].split()), url,
                                        match.groupdict()))  # fmt: skip
        for match in _URL.finditer(flat):
            if any(a <= match.start() < b for a, b in taken):
                continue
            written = match.group(0).rstrip(_TRAILING)
            url = _clean_url(written)
            if url_key(url) is None:
                continue
            location, column = where(match.start())
            findings.append(Finding(file, location, column, "url", written, url))
            taken.append((match.start(), match.end()))
        for match in _SERIAL.finditer(flat) if "No" in flat or "no" in flat else ():
            if any(a <= match.start() < b for a, b in taken):
                continue
            window = flat[max(0, match.start() - 300) : match.end() + 300]
            if not _AVIM_WORD.search(window):
                continue
            location, column = where(match.start())
            findings.append(Finding(file, location, column, "serial", match.group(0), data=match.groupdict()))
    findings.sort(key=lambda f: (_order(f.line), f.column))
    return findings


def _order(location: str) -> tuple[int, int]:
    kind, _, number = location.rpartition(" ")
    rank = {"": 0, "footnote": 1, "endnote": 2}.get(kind, 3)
    return rank, int(number) if number.isdigit() else 0


def _clean_url(url: str) -> str:
    """The URL as a reader would follow it: trailing punctuation dropped, https:// when the
    draft wrote none ("avim.org.tr/...")."""
    while url and url[-1] in _TRAILING:
        url = url[:-1]
    return url if not url or "://" in url else "https://" + url


# --- checking ---------------------------------------------------------------------------


def _series_id(series: str) -> str:
    return series.lower()


def check(findings: list[Finding], catalogue) -> None:
    """Match each finding to a post and list its disagreements with the catalogue."""
    from avimcite.dates import month_name

    by_title = None
    for finding in findings:
        data = finding.data
        post = None
        if finding.url:
            post = catalogue.find(finding.url)
            if post is None and finding.kind == "url":
                finding.problems.append(f"an AVİM page that is in no catalogue; add it with: avimcite import {finding.url}")
                continue
        if post is None and data.get("series"):
            post = catalogue.find(f"{_series_id(data['series'])}/{data['syear']}/{data['number']}")
        if post is None and data.get("title"):
            if by_title is None:
                by_title = {}
                for candidate in catalogue.posts:
                    by_title.setdefault(textfold.fold(" ".join(candidate.title.split())).strip(" ."), candidate)
            post = by_title.get(textfold.fold(" ".join(data["title"].split())).strip(" ."))
        if post is None:
            what = f"{data.get('series', '')} No.{data.get('syear', '')} / {data.get('number', '')}".strip()
            finding.problems.append(f"no post {what} in the catalogue (with its URL: avimcite import URL)")
            continue
        finding.id = post.id
        if finding.kind != "citation":
            continue
        if finding.url and url_key(finding.url) != url_key(post.url):
            finding.problems.append(f"the URL is not this post's ({post.url})")
        year = int(data["year"]) if data.get("year") else None
        if year is not None and year != post.published.year:
            accessed_year = re.search(r"\d{4}", data.get("accessed") or "")
            if accessed_year and int(accessed_year.group(0)) == year:
                finding.problems.append(f"year {year} is the access year (the site's citation-line quirk); published {post.published.year}")
            else:
                finding.problems.append(f"year {year}, published {post.published.year}")
        if (int(data["syear"]), int(data["number"])) != (post.year, post.number) or _series_id(data["series"]) != post.id.split("/")[0]:
            finding.problems.append(f"number {data['series']} No.{data['syear']} / {data['number']}, the catalogue has {post.series} No.{post.year} / {post.number}")
        if data.get("title") and textfold.fold(" ".join(data["title"].split())).strip(" .") != textfold.fold(" ".join(post.title.split())).strip(" ."):
            finding.problems.append(f"title {data['title']!r}, the catalogue has {post.title!r}")
        if data.get("authors") is not None or post.authors:
            written = textfold.fold(data.get("authors") or "")
            families = [textfold.fold(a.family or a.literal or "") for a in post.authors]
            if any(f and f not in written for f in families) or (written.strip() and not families):
                finding.problems.append(f"author {data.get('authors') or '(none)'!s}, the catalogue has {', '.join(a.family or a.literal or '' for a in post.authors) or '(none)'}")
        day = (data.get("day") or "").strip()
        if day:
            names = {month_name(post.published.month, lang).lower() for lang in ("en", "tr")}
            words = day.lower().replace(",", " ").split()
            if str(post.published.day) not in words or not names & set(words):
                finding.problems.append(f"date {day}, published {post.published.isoformat()}")


def read_file(name: str) -> bytes:
    """The bytes of FILE or stdin (-), within MAX_BYTES."""
    from avimcite.fsutil import read_input

    return read_input(name, MAX_BYTES, "not scanned.")


def scan(names: list[str], catalogue) -> tuple[list[Finding], list[str]]:
    """Findings over every file, and one line per file that could not be read."""
    findings, errors = [], []
    for name in names:
        label = "stdin" if name == "-" else name
        try:
            units = read_units(label, read_file(name))
        except FileAccessError as exc:
            errors.append(exc.message)
            continue
        findings.extend(find_references(label, units))
    check(findings, catalogue)
    return findings, errors
