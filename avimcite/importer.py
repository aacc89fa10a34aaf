"""Read posts out of saved AVİM pages and "To cite this article:" lines.

Three inputs, told apart by their content:

- a page saved as text or Markdown: the header AVİM prints (title, author,
  "Blog No: 63" or "Commentary No : 2024 / 38", "31.10.2023", "4 min read" /
  "5 dk okuma", "Yazar : ..."), the outlet line of a repost ("Eurasia Review
  (30 October 2023)"), "please click: URL", and the citation line if any;
- a page saved as HTML: turned into lines of text by the standard library's
  HTML parser (no network, no scripts), with the page's own URL taken from its
  canonical link, og:url or the browser's "saved from url" comment;
- a file of citation lines pasted from AVİM pages, one post per line.

Everything returned is a catalogue record (schema 1), checked by the same
validator as the catalogue; nothing is guessed: a field that is not on the page
stays out, and a page without the metadata a citation needs is refused with
the reason.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

from avimcite import textfold
from avimcite.dates import MONTHS

SERIES_LANG = {"blog": None, "commentary": "en", "analysis": "en", "yorum": "tr", "analiz": "tr"}
_SERIES = r"(?P<series>Blog|Commentary|Yorum|Analysis|Analiz|Bülten|Bulletin)"
_HEADER_NO = re.compile(rf"^{_SERIES}\s+No\s*:\s*(?:(?P<year>\d{{4}})\s*/\s*)?(?P<number>\d{{1,6}})$", re.IGNORECASE)
_DATE_LINE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_READING = re.compile(r"^(\d{1,4})\s*(min read|dk okuma)$", re.IGNORECASE)
_AUTHOR_LABEL = re.compile(r"^(?:Yazar|Author)\s*:\s*(?P<names>.+)$", re.IGNORECASE)
_CITE_LABEL = re.compile(r"(?:To cite this article|Bu makaleye atıf için)\s*:\s*", re.IGNORECASE)
_CITE = re.compile(
    r"^(?:(?P<authors>.+?)\.\s+)?(?:\d{4}\.\s+)?"  # author(s), then the year AVİM prints (the access year)
    r"\"(?P<title>.+)\"\s+"
    r"(?:\d{4}\.\s+)?"  # a line without author has the year after the title
    r"(?P<publisher>Center [Ff]or Eurasian Studies \(AV[İI]M\)|Avrasya İncelemeleri Merkezi \(AV[İI]M\)),\s+"
    + _SERIES
    + r"\s+No\.\s*(?P<year>\d{4})\s*/\s*(?P<number>\d{1,6})\.\s+"
    r"(?P<day>[^.]+)\.\s+"
    r"(?:Accessed|Erişim tarihi:)\s+[^.]+\.\s+"
    r"<?(?P<url>https?://[^\s>]+)>?\s*$"
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_AVIM_URL = re.compile(r"https?://(?:www\.)?(?:avim\.org\.tr|avimbulten\.org)/[^\s<>\"')\]]+", re.IGNORECASE)
_OUTLET = re.compile(r"^(?P<name>[^()]+?)\s*[(,]?\s*(?P<date>\d{1,2}\s+\w+\s+\d{4})\)?$")
_CLICK = re.compile(r"(?:please click|lütfen tıklayınız|devamı için)[^:]*:\s*<?(?P<url>https?://[^\s>]+)>?", re.IGNORECASE)
_HONORIFICS = re.compile(
    r"^(?:(?:Prof\.|Dr\.|Doç\.|Assoc\.|Asst\.|Yrd\.|Amb\.|Ret\.|Emekli|Büyükelçi|Ambassador|Mr\.|Ms\.|Mrs\.)\s*)+",
    re.IGNORECASE,
)
class _CapsWord:
    """A family name as AVİM prints it: capitals (any script's, MARTÍNEZ, O'BRIEN, ÖZ-KAYA)."""

    @staticmethod
    def match(word: str) -> bool:
        letters = word.replace("'", "").replace("’", "").replace("-", "")
        return bool(letters) and letters.isalpha() and letters.isupper()


class _NameWord:
    """A given name as written: a capital, then small letters (José, Ayşe, Jean-Luc, M.)."""

    @staticmethod
    def match(word: str) -> bool:
        letters = word.rstrip(".").replace("'", "").replace("’", "").replace("-", "")
        return bool(letters) and letters.isalpha() and letters[0].isupper() and (len(letters) == 1 or letters[1:].islower() or "-" in word)


_CAPS_WORD = _CapsWord()
_NAME_WORD = _NameWord()


class PageError(ValueError):
    """The input holds no AVİM post that can be cited; the message says what is missing."""


@dataclass
class Found:
    records: list[dict] = field(default_factory=list)
    kind: str = ""  # "page", "html page", "citation lines"


# --- names ----------------------------------------------------------------------------


def parse_name(printed: str, post_lang: str) -> dict | None:
    """'Taras KUZIO' -> {'given': 'Taras', 'family': 'Kuzio'}; honorifics and '*' dropped.

    AVİM prints family names in capitals; they are stored in proper case (Turkish
    rules for Turkish names), with `display` keeping AVİM's form when the usual
    derivation would not give it back. Returns None for text that is not a name.
    """
    text = _HONORIFICS.sub("", printed.strip().rstrip("*").strip())
    words = text.split()
    if not words or len(words) > 6:
        return None
    split = len(words)
    while split > 0 and _CAPS_WORD.match(words[split - 1]) and len(words[split - 1]) > 1:
        split -= 1
    family_words, given_words = words[split:], words[:split]
    if family_words and given_words and all(_NAME_WORD.match(w) for w in given_words):
        lang = "tr" if textfold.has_turkish_letters(text) else post_lang
        family = " ".join(textfold.title_word(w, lang) for w in family_words)
        name = {"given": " ".join(given_words), "family": family}
        derived = f"{name['given']} {textfold.upper(family, lang)}"
        if derived != text:
            name["display"] = text
        return name
    if all(_NAME_WORD.match(w) or w.lower() in ("of", "for", "and", "the", "ve") for w in words) and len(words) >= 2:
        return {"literal": text}  # "European Jewish Congress": proper case throughout, an organisation
    return None


def split_names(text: str, post_lang: str) -> list[dict] | None:
    parts = [p for p in re.split(r",\s*(?:(?:and|ve|&)\s+)?|\s+(?:and|ve|&)\s+", text.strip()) if p.strip()]
    names = [parse_name(p, post_lang) for p in parts]
    return names if names and all(names) else None


# --- dates ----------------------------------------------------------------------------

_MONTH_NUMBER = {textfold.fold(m): i for names in MONTHS.values() for i, m in enumerate(names, 1)}


def _month(word: str) -> int | None:
    key = textfold.fold(word.strip(".,"))
    if key in _MONTH_NUMBER:
        return _MONTH_NUMBER[key]
    for name, number in _MONTH_NUMBER.items():
        if len(key) >= 3 and name.startswith(key):
            return number
    return None


def day_month_date(text: str, year: int) -> date | None:
    """'October 31' or '31 Ekim' in `year`."""
    words = text.replace(",", " ").split()
    if len(words) != 2:
        return None
    first, second = words
    month, day = (_month(first), second) if not first.isdigit() else (_month(second), first)
    try:
        return date(year, month, int(day)) if month and day.isdigit() else None
    except ValueError:
        return None


def long_date(text: str) -> date | None:
    """'30 October 2023' or '4 Nisan 2018'."""
    words = text.split()
    if len(words) != 3 or not words[0].isdigit() or not words[2].isdigit():
        return None
    month = _month(words[1])
    try:
        return date(int(words[2]), month, int(words[0])) if month else None
    except ValueError:
        return None


# --- citation lines -------------------------------------------------------------------


def parse_cite_line(line: str) -> dict | None:
    """A record from one "To cite this article:" line, or None if it is not one."""
    line = _CITE_LABEL.split(line, maxsplit=1)[-1].strip()
    match = _CITE.match(line)
    if not match:
        return None
    series = match["series"]
    lang = SERIES_LANG.get(series.lower()) or ("tr" if match["publisher"].startswith("Avrasya") else "en")
    published = day_month_date(match["day"], int(match["year"]))
    if published is None:
        return None
    authors = []
    if match["authors"]:
        authors = split_names(match["authors"], lang)
        if authors is None:
            return None
    title = match["title"]
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]  # AVİM puts the sentence's period inside the quotes
    return {
        "series": series[0].upper() + series[1:].lower(),
        "year": int(match["year"]),
        "number": int(match["number"]),
        "language": lang,
        "title": title,
        "authors": authors,
        "published": published.isoformat(),
        "url": match["url"],
    }


# --- pages ----------------------------------------------------------------------------


_LEAD = "#>*-" + " \t\n\r\x0b\x0c\xa0\u2007\u202f\u3000"
_TRAIL = "*_" + " \t\n\r\x0b\x0c\xa0\u2007\u202f\u3000"


def _clean(line: str) -> str:
    # Markdown headings, bold, quotes, bullets. String strips, not a regex: `[*_\s]+$` was
    # quadratic on a long run of spaces inside a line (80 KB took 48 s).
    return line.strip().lstrip(_LEAD).rstrip(_TRAIL).strip("*_ ").strip()


def _singleton(line: str) -> bool:
    """A line that is a whole item of the page header, never part of a wrapped one."""
    return bool(_HEADER_NO.match(line) or _DATE_LINE.match(line) or _READING.match(line) or _is_name_line(line))


def _is_name_line(line: str) -> bool:
    if len(line) > 120 or not any(c.islower() for c in line):
        return False  # AVİM prints names as "Given FAMILY"; an all-capitals line is a title
    return bool(split_names(line, "tr" if textfold.has_turkish_letters(line) else "en"))


def logical_lines(lines: list[str]) -> list[str]:
    """The items of a saved page, with lines a browser or converter wrapped joined again.

    Saved pages wrap long titles and put a label's value on the next line ("please click:",
    "To cite this article:"), with or without Markdown hard breaks. Within a paragraph (lines
    not separated by a blank line) a line continues the one before, except that the header's
    own items (the "Blog No:" line, the date, the reading time, an author's name) always
    stand alone, and a line a Markdown block marker opens (#, >, -, **) starts a new item.
    """
    out: list[str] = []
    joinable = False
    for raw in lines:
        line = _clean(raw)
        if not line:
            joinable = False
            continue
        single = _singleton(line)
        opens_block = raw.lstrip().startswith(("#", ">", "- ", "* ", "**", "|"))
        if joinable and not single and not opens_block and not _CITE_LABEL.match(line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        joinable = not single
    return out


def _names_key(names: list[dict]) -> list[str]:
    return [textfold.fold(n.get("family") or n.get("literal") or "") for n in names]


def _same_text(a: str, b: str) -> bool:
    return textfold.fold(" ".join(a.split())).strip(" .") == textfold.fold(" ".join(b.split())).strip(" .")


def parse_page_lines(lines: list[str], url_hint: str = "") -> dict:
    """A record from the lines of one AVİM post page; PageError says what is missing."""
    cleaned = logical_lines(lines)
    cite = next((r for r in (parse_cite_line(l) for l in cleaned if _CITE_LABEL.search(l)) if r), None)
    header_at = next((i for i, l in enumerate(cleaned) if _HEADER_NO.match(l)), None)
    if header_at is None:
        if cite:
            return cite
        raise PageError("no AVİM post header ('Blog No: 63', 'Commentary No : 2024 / 38') and no citation line")
    header = _HEADER_NO.match(cleaned[header_at])
    series = header["series"][0].upper() + header["series"][1:].lower()

    after = cleaned[header_at + 1 : header_at + 6]
    published = None
    author_line = None
    labelled = False  # the author came from a "Yazar :" / "Author:" label, not from a line's position
    reading = None
    for line in after:
        if published is None and (m := _DATE_LINE.match(line)):
            try:
                published = date(int(m[3]), int(m[2]), int(m[1]))
            except ValueError:
                raise PageError(f"the date line {line!r} is not a real date") from None
        elif (m := _AUTHOR_LABEL.match(line)) and author_line is None:
            author_line = m["names"]
            labelled = True
        elif m := _READING.match(line):
            reading = int(m[1])
    before = cleaned[max(0, header_at - 3) : header_at]
    title = None
    if before:
        # Blogs print the author between the title and the number; others the title just above it.
        probe_lang = "tr" if textfold.has_turkish_letters(" ".join(before)) else "en"
        if author_line is None and len(before) >= 2 and split_names(before[-1], probe_lang):
            author_line, title = before[-1], before[-2]
        else:
            title = before[-1]
    if cite and (cite["series"].lower(), cite["number"]) != (series.lower(), int(header["number"])):
        raise PageError(
            f"the page's header ({series} No: {header['number']}) and its citation line "
            f"({cite['series']} No.{cite['year']} / {cite['number']}) name different posts"
        )
    if cite:
        # The citation line carries the whole title on one line: it confirms or completes the header's.
        wanted = textfold.fold(" ".join(cite["title"].split())).strip(" .")
        if not title or _same_text(title, cite["title"]):
            title = cite["title"]
        elif wanted.endswith(textfold.fold(" ".join(title.split())).strip(" .")):
            title = cite["title"]  # the header's title lost its first lines
        elif any(textfold.fold(" ".join(line.split())).strip(" .") == wanted for line in cleaned if not _CITE_LABEL.search(line)):
            title = cite["title"]  # the page prints it, elsewhere than just above the number
        else:
            raise PageError(f"the page's title {title!r} and its citation line's {cite['title']!r} disagree")
    if not title:
        raise PageError("no title line above the post header")
    if published is None:
        if cite:
            published = date.fromisoformat(cite["published"])
        else:
            raise PageError("no date line (DD.MM.YYYY) after the post header")
    year = int(header["year"]) if header["year"] else published.year

    url = cite["url"] if cite else ""
    if not url:
        avim_urls = [u for u in (_AVIM_URL.findall("\n".join(cleaned))) if "/Blog/" in u or "/Yorum/" in u or "/Analiz/" in u]
        url = url_hint or (avim_urls[0] if avim_urls else "")
    if not url:
        raise PageError("no AVİM URL on the page (no citation line, canonical link or saved-from address); give it with --url")

    lang = SERIES_LANG.get(series.lower())
    if reading is not None:
        lang = lang or ("tr" if any("dk okuma" in l.lower() for l in after) else "en")
    path_lang = re.search(r"/(en|tr)/", url)
    lang = (path_lang[1] if path_lang else None) or lang
    if lang is None:
        lang = "tr" if textfold.has_turkish_letters(title) else "en"

    authors: list[dict] = []
    if author_line and author_line.strip() not in ("-", "AVİM", "AVIM"):
        authors = split_names(author_line, lang) or []
        if not authors:
            raise PageError(f"the author line {author_line!r} is not a name AVİM would print ('Given FAMILY')")
    if cite and _names_key(authors) != _names_key(cite["authors"]):
        # The citation line names the authors AVİM recorded. A name guessed from a line's place
        # (above the number) gives way to it; a labelled one ("Yazar : …") that disagrees is reported.
        if labelled and authors:
            raise PageError(f"the page's author {author_line!r} and its citation line's authors disagree")
        authors = cite["authors"]

    record: dict = {
        "series": series,
        "year": year,
        "number": int(header["number"]),
        "language": lang,
        "title": title,
        "authors": authors,
        "published": published.isoformat(),
        "url": url,
    }
    source = _source(cleaned[header_at + 1 :])
    if source:
        record["source"] = source
    if reading is not None:
        record["reading_minutes"] = reading
    return record


def _source(lines: list[str]) -> dict | None:
    """The outlet of a reposted op-ed: 'Eurasia Review (30 October 2023)' and 'please click: URL'."""
    for line in lines[:8]:
        match = _OUTLET.match(line) if len(line) < 200 else None  # an outlet line is short
        if match and (when := long_date(match["date"])) and len(match["name"]) < 80:
            source: dict = {"name": match["name"].strip(" ,"), "date": when.isoformat()}
            for later in lines:
                if click := _CLICK.search(later):
                    source["url"] = click["url"]
                    break
            return source
    return None


# --- HTML -----------------------------------------------------------------------------

_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "header", "nav",
           "footer", "title", "td", "th", "blockquote", "ul", "ol", "table", "main", "aside", "dd", "dt", "hr"}  # fmt: skip
_SOFT = {"br", "span", "time", "a"}  # may be an item of its own, or part of one


class _TextLines(HTMLParser):
    """Text of a saved page, one line per block, plus its own URL if the page names it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.url = ""
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag == "link" and (attrs.get("rel") or "").lower() == "canonical" and attrs.get("href"):
            self.url = self.url or attrs["href"]
        elif tag == "meta" and (attrs.get("property") or attrs.get("name")) == "og:url" and attrs.get("content"):
            self.url = self.url or attrs["content"]
        self._break(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template") and self._skip:
            self._skip -= 1
        self._break(tag)

    def _break(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\0")  # a paragraph ends: nothing joins across it
        elif tag in _SOFT:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data.replace("\n", " "))

    def handle_comment(self, data):
        saved = re.search(r"saved from url=\(\d+\)(\S+)", data)
        if saved and not self.url:
            self.url = saved[1]


def html_lines(text: str) -> tuple[list[str], str]:
    parser = _TextLines()
    parser.feed(text)
    parser.close()
    lines = []
    for paragraph in "".join(parser.parts).split("\0"):
        lines.extend(line for line in (" ".join(part.split()) for part in paragraph.split("\n")) if line)
        lines.append("")  # the paragraph's end, as a blank line in a text page
    return lines, avim_address(html.unescape(parser.url or ""))


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2000].lower()
    return head.startswith(("<!doctype html", "<html", "<!-- saved from")) or "<body" in head or "<head" in head


# Terminal control sequences (ESC ] 0 ; ... BEL, ESC [ 2 J) and other control characters:
# a saved page may hold them; stored, they would reach the terminal through cite, show and list.
_CONTROL = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """`text` without terminal control sequences or control characters (tabs and line breaks kept)."""
    return _CONTROL.sub("", text)


def is_url(name: str) -> bool:
    """An argument of `import` to fetch rather than a file to read."""
    return name.lower().startswith(("http://", "https://"))


def avim_address(url: str) -> str:
    """`url` if it is an AVİM page's address (an archive copy's unwrapped), else ""."""
    from avimcite.catalogue import unwrap_archive

    url = unwrap_archive(url.strip())
    return url if _AVIM_URL.match(url) else ""


def parse_input(text: str, url: str = "", address: str = "") -> Found:
    """Every post `text` holds: one page (text, Markdown or HTML) or citation lines.

    `url` is the page's AVİM URL as the user gave it (--url); `address` where the page was
    fetched from. The stored URL is the citation line's, else `url`, else the page's
    canonical link, else `address` when it is on an AVİM host (a mirror's never is)."""
    text = strip_controls(text)
    address = avim_address(address)
    if looks_like_html(text):
        lines, page_url = html_lines(text)
        return Found([parse_page_lines(lines, url or page_url or address)], "html page")
    lines = text.splitlines()
    if any(_HEADER_NO.match(_clean(line)) for line in lines):
        return Found([parse_page_lines(lines, url or address)], "page")
    records, bad = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        record = parse_cite_line(line)
        if record is None:
            bad.append(number)
        else:
            records.append(record)
    if records and not bad:
        return Found(records, "citation lines")
    if records:
        raise PageError(f"line {bad[0]} is not an AVİM citation line (Author. Year. \"TITLE.\" Center For ...)")
    raise PageError("no AVİM post header ('Blog No: 63', 'Commentary No : 2024 / 38') and no citation line")
