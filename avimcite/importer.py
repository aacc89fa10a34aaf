"""Read posts out of saved AVİM pages, "To cite this article:" lines and avimcite's own exports.

Inputs, told apart by their content:

- a page saved as text or Markdown, or as HTML (read by a linear tokenizer of our
  own: no network, no scripts; html.parser is quadratic on long runs of `<a `);
- a file of citation lines pasted from AVİM pages, one post per line;
- avimcite's CSL-JSON, RIS, BibTeX and BibLaTeX exports and another avimcite
  catalogue (avimcite.readback).

A page is read by its structure, not its line breaks: the header's items (the
serial "Blog No: 63" / "Commentary No : 2024 / 38", the date, the reading time,
"Yazar :" / "Author :") are found wherever the layout puts them: one item a line,
several on one line (no-break spaces), inline spans, list items, table cells with
the label and its value apart, in any order. The title comes from the page's own
heading, the line above the header, og:title and <title>, which must agree; a
label line is never a title. Where the page's sources disagree, or a field the
citation needs is missing, the page is refused with the reason (PageError):
a field is stored only when the page states it.

Everything returned is a catalogue record (schema 1), checked by the same
validator as the catalogue.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from avimcite import avim, textfold
from avimcite.dates import MONTHS

_SERIES = rf"(?P<series>{avim.SERIES_WORDS})"
_HEADER_NO = re.compile(rf"^{_SERIES}\s+No\s*:\s*(?:(?P<year>\d{{4}})\s*/\s*)?(?P<number>\d{{1,6}})$", re.IGNORECASE)
_DATE_LINE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_READING = re.compile(r"^(\d{1,4})\s*(min read|dk okuma)$", re.IGNORECASE)
_AUTHOR_LABEL = re.compile(r"^(?:Yazar|Author)\s*:\s*(?P<names>.+)$", re.IGNORECASE)
_CITE_LABEL = re.compile(r"(?:To cite this article|Bu makaleye atıf için)\s*:\s*", re.IGNORECASE)
_CITE = re.compile(
    r"^(?:(?P<authors>.+?)\.\s+)?(?:\d{4}\.\s+)?"  # author(s), then the year AVİM prints (the access year)
    r"\"(?P<title>.+)\"\s+"
    r"(?:\d{4}\.\s+)?"  # a line without author has the year after the title
    r"(?P<publisher>Center [Ff]or Eurasian Studies \(AV[İI]M\)|Avrasya İncelemeleri Merkezi \(AV[İI]M\)),\s+"  # avim.PUBLISHER
    + _SERIES
    + r"\s+No\.\s*(?P<year>\d{4})\s*/\s*(?P<number>\d{1,6})\.\s+"
    r"(?P<day>[^.]+)\.\s+"
    r"(?:Accessed|Erişim tarihi:)\s+[^.]+\.\s+"
    r"<?(?P<url>https?://[^\s>]+)>?\s*$"
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_AVIM_URL = re.compile(r"https?://(?:www\.)?" + avim.HOST_PATTERN + r"/[^\s<>\"')\]]+", re.IGNORECASE)
_OUTLET = re.compile(r"^(?P<name>[^()]+?)\s*[(,]?\s*(?P<date>\d{1,2}\s+\w+\s+\d{4})\)?$")
_CLICK = re.compile(r"(?:please click|lütfen tıklayınız|devamı için)[^:\n]{0,80}:\s*<?(?P<url>https?://[^\s>]+)>?", re.IGNORECASE)
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


MAX_ITEM = 4000  # no header item, title or citation line is longer: longer lines are body text


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
    if len(line) > MAX_ITEM or "No." not in line:
        return None  # no citation line is this long; the pattern's backtracking would grow with it
    line = _CITE_LABEL.split(line, maxsplit=1)[-1].strip()
    match = _CITE.match(line)
    if not match:
        return None
    series = match["series"]
    lang = avim.series_language(series) or ("tr" if match["publisher"].startswith("Avrasya") else "en")
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
        "series": avim.series_word(series),
        "year": int(match["year"]),
        "number": int(match["number"]),
        "language": lang,
        "title": title,
        "authors": authors,
        "published": published.isoformat(),
        "url": match["url"],
    }


# --- pages: from text to items ---------------------------------------------------------


_LEAD = "#>*-" + " \t\n\r\x0b\x0c\xa0\u2007\u202f\u3000"
_TRAIL = "*_" + " \t\n\r\x0b\x0c\xa0\u2007\u202f\u3000"


def _clean(line: str) -> str:
    # Markdown headings, bold, quotes, bullets. String strips, not a regex: `[*_\s]+$` was
    # quadratic on a long run of spaces inside a line (80 KB took 48 s).
    return " ".join(line.strip().lstrip(_LEAD).rstrip(_TRAIL).strip("*_ ").split()) if len(line) <= MAX_ITEM else line.strip()


# The header's items. Every quantifier is bounded or possessive: no path backtracks over a line.
_SERIES_WORD = rf"(?:{avim.SERIES_WORDS})"
_FIELD = re.compile(
    rf"(?P<serial>\b(?P<series>{_SERIES_WORD})\s{{0,3}}No\s{{0,3}}(?:[:.|]|\s)\s{{0,3}}"
    r"(?:\|\s{0,3})?(?:(?P<year>\d{4})\s{0,3}/\s{0,3})?(?P<number>\d{1,6})(?![\d/.]))"
    r"|(?P<date>(?<![\d.])(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<dyear>\d{4})(?![\d.]))"
    r"|(?P<reading>(?<![\d.])(?P<minutes>\d{1,4})\s{0,3}(?P<unit>min(?:ute)?s?\.?(?:\s{1,3}read)?|dk\.?(?:\s{1,3}okuma)?|dakika(?:\s{1,3}okuma)?)(?!\w))"
    r"|(?P<author>\b(?:Yazar(?:lar)?|Authors?|By)\s{0,3}(?:[:|]|\t)\s{0,3})"
    r"|(?P<label>\b(?:Tarih|Date|Yayın\s{1,3}Tarihi|Published|Okuma\s{1,3}Süresi|Reading\s{1,3}time|Süre)\s{0,3}(?:[:|]|\t)\s{0,3})",
    re.IGNORECASE,
)
# A label whose value is in the next item (another table cell, a list item): joined to it.
_BARE_LABEL = re.compile(
    rf"^(?:{_SERIES_WORD}\s{{0,3}}No|Yazar(?:lar)?|Authors?|Tarih|Date|Yayın\s+Tarihi|Published|Okuma\s+Süresi|Reading\s+time)\s{{0,3}}[:|]?$",
    re.IGNORECASE,
)
# Any line that opens with a label is a label line: never a title, never a name.
_LABEL_START = re.compile(
    rf"^(?:{_SERIES_WORD}\s*No\b|(?:Yazar(?:lar)?|Authors?|By|Tarih|Date|Yayın\s+Tarihi|Published|Okuma\s+Süresi|Reading\s+time"
    r"|Dil|Language|Kategori|Category|Etiketler|Tags|Kaynak|Source|Paylaş|Share)\s*[:|])",
    re.IGNORECASE,
)
_SEPARATORS = " \t|•·/,;:–—-*_()[]{}\xa0"
_IGNORABLE = re.compile(r"^(?:Paylaş|Share|PDF\s*İndir|Download\s*PDF|Yazdır|Print|Tweet|E-?posta|E-?mail)\b.{0,40}$", re.IGNORECASE)
_ORG_AUTHORS = frozenset(avim.title_key(name) for name in avim.ORGANISATION_NAMES)
_SITE = r"(?:AV[İI]M|Avrasya İncelemeleri Merkezi(?:\s*\(AV[İI]M\))?|Center [Ff]or Eurasian Studies(?:\s*\(AV[İI]M\))?)"
_SITE_AFFIX = re.compile(rf"^\s*{_SITE}\s*[|:–—-]+\s*|\s*[|:–—-]+\s*{_SITE}\s*$")


# What a browser tab may show instead of a post's title: the site's sections.
_SECTIONS = frozenset(textfold.fold(w) for w in (
    "Yorum", "Yorumlar", "Commentary", "Commentaries", "Analiz", "Analizler", "Analysis", "Analyses", "Blog",
    "Bloglar", "Blogs", "Ana Sayfa", "Home", "Home Page", "Yayınlar", "Publications"))  # fmt: skip


def _is_site_name(text: str) -> bool:
    return avim.title_key(text) in _ORG_AUTHORS


@dataclass
class HeaderLine:
    """What one line of the header says."""

    serials: list[tuple[str, str, str]] = field(default_factory=list)  # (series, year or "", number)
    dates: list[tuple[int, int, int]] = field(default_factory=list)
    readings: list[tuple[int, str]] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)  # values of "Yazar :" / "Author :"
    names: list[str] = field(default_factory=list)  # a name printed without a label
    org: bool = False  # "AVİM" printed where an author would be, without a label


_MAY_HOLD_ITEMS = re.compile(r"[\d:|\t]")


@lru_cache(maxsize=8192)
def scan_line(line: str) -> HeaderLine | None:
    """The header items of `line` when the whole line is header items, else None (cached: do not change it)."""
    if len(line) > 400 or not _MAY_HOLD_ITEMS.search(line):
        return None
    found = HeaderLine()
    pos = 0
    pending_author = False
    any_field = False
    for match in _FIELD.finditer(line):
        gap = line[pos : match.start()]
        if not _take_gap(found, gap, pending_author):
            return None
        pending_author = False
        any_field = True
        if match["serial"]:
            found.serials.append((match["series"], match["year"] or "", match["number"]))
        elif match["date"]:
            found.dates.append((int(match["dyear"]), int(match["month"]), int(match["day"])))
        elif match["reading"]:
            found.readings.append((int(match["minutes"]), "tr" if match["unit"][0] in "dD" else "en"))
        elif match["author"]:
            pending_author = True
        pos = match.end()
    if not any_field or not _take_gap(found, line[pos:], pending_author):
        return None
    return found


def _take_gap(found: HeaderLine, gap: str, after_author_label: bool) -> bool:
    """Text between two header items: separators, an author's name, or (False) anything else."""
    text = gap.strip(_SEPARATORS)
    if after_author_label:
        found.authors.append(text)
        return True
    if not text:
        return True
    if _is_site_name(text):
        found.org = True
        return True
    if _is_name_line(text) and all("literal" not in n for n in split_names(text, "en") or [{"literal": ""}]):
        found.names.append(text)  # a person's name beside the header's items ("Taras KUZIO  Blog No: 63")
        return True
    return False


_NAME_JOINERS = frozenset(("of", "for", "and", "the", "ve", "&"))


@lru_cache(maxsize=8192)
def _is_name_line(line: str) -> bool:
    if len(line) > 120 or ":" in line or not any(c.islower() for c in line):
        return False  # AVİM prints names as "Given FAMILY"; an all-capitals line is a title
    words = line.split()
    if len(words) > 14 or not all(w[:1].isupper() or w in _NAME_JOINERS for w in words) or _LABEL_START.match(line):
        return False  # every word of a name opens with a capital (cheap: most lines fail here)
    return bool(split_names(line, "tr" if textfold.has_turkish_letters(line) else "en"))


def _singleton(line: str) -> bool:
    """A line that is a whole item of the page, never part of a wrapped one."""
    return bool(_BARE_LABEL.match(line) or _LABEL_START.match(line) or scan_line(line) or _is_name_line(line)
                or _IGNORABLE.match(line))  # fmt: skip


def logical_lines(lines: list[str]) -> list[str]:
    """The items of a saved page, with lines a browser or converter wrapped joined again.

    Saved pages wrap long titles and put a label's value on the next line ("please click:",
    "To cite this article:"), with or without Markdown hard breaks. Within a paragraph (lines
    not separated by a blank line) a line continues the one before, except that the header's
    own items (a line of header items, a label, an author's name) always stand alone, and a
    line a Markdown block marker opens (#, >, -, **, |) starts a new item. A label whose
    value stands in the next item ("Yazar" | "Tutku DİLAVER", "Yorum No :" | "2020 / 5") is
    joined to it.
    """
    out: list[list[str]] = []
    joinable = False
    length = 0  # of the item being joined: an item grows to MAX_ITEM at most
    for raw in lines:
        line = _clean(raw)
        if not line:
            joinable = False
            continue
        single = _singleton(line)
        opens_block = raw.lstrip().startswith(("#", ">", "- ", "* ", "**", "|"))
        if joinable and not single and not opens_block and length + len(line) <= MAX_ITEM and not _CITE_LABEL.match(line):
            out[-1].append(line)
            length += len(line) + 1
        else:
            out.append([line])
            length = len(line)
        joinable = not single and len(line) <= MAX_ITEM
    items = [" ".join(parts) for parts in out]
    merged: list[str] = []
    for item in items:
        if merged and _BARE_LABEL.match(merged[-1]):
            label = merged[-1].rstrip(": |\t")
            merged[-1] = f"{label} : {item.lstrip(':| ')}"
        else:
            merged.append(item)
    return merged


# --- pages: HTML ----------------------------------------------------------------------

_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "header", "nav",
           "footer", "td", "th", "blockquote", "ul", "ol", "table", "main", "aside", "dd", "dt", "hr",
           "dl", "figure", "figcaption", "form", "body", "html", "head", "caption", "tbody", "thead", "label"}  # fmt: skip
_SOFT = {"br", "span", "time", "a", "small", "button", "img"}  # may be an item of its own, or part of one
_RAW_TEXT = ("script", "style", "noscript", "template", "textarea", "svg", "iframe", "object")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]{0,40})((?:[^<>\"']++|\"[^\"<]{0,8192}\"|'[^'<]{0,8192}')*+)>")
_ATTR = re.compile(r"([A-Za-z_:][-\w:.]{0,60})(?:\s{0,8}=\s{0,8}(\"[^\"]{0,8192}\"|'[^']{0,8192}'|[^\s\"'=<>`]{1,8192}))?")
_RAW_END = {tag: re.compile(rf"</{tag}\s{{0,20}}>", re.IGNORECASE) for tag in _RAW_TEXT}
_SAVED_FROM = re.compile(r"saved from url=\(\d{1,6}\)(\S{1,4000})")


@dataclass
class Page:
    """A page's text as lines ("" between paragraphs) and what its markup states."""

    lines: list[str]
    url: str = ""  # canonical link, og:url or the browser's "saved from url"
    lang: str = ""  # <html lang>
    title_tag: str = ""
    og_title: str = ""
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, text) in page order


def _attrs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in _ATTR.findall(text):
        out.setdefault(name.lower(), html.unescape(value[1:-1] if value[:1] in "\"'" else value))
    return out


def html_page(text: str) -> Page:
    """The text of an HTML page, one line per block, and its metadata. Linear in the page's length."""
    page = Page([])
    parts: list[str] = []
    heading: list[str] | None = None
    heading_level = 0
    title: list[str] | None = None
    pos, end = 0, len(text)
    while pos < end:
        lt = text.find("<", pos)
        chunk = text[pos : lt if lt >= 0 else end]
        if chunk:
            data = html.unescape(chunk).replace("\n", " ").replace("\r", " ")
            if title is not None:
                title.append(data)
            else:
                parts.append(data)
                if heading is not None:
                    heading.append(data)
        if lt < 0:
            break
        if text.startswith("<!--", lt):
            close = text.find("-->", lt + 4)
            comment = text[lt + 4 : close if close >= 0 else min(end, lt + 5000)]
            if not page.url and (saved := _SAVED_FROM.search(comment)):
                page.url = saved[1]
            pos = close + 3 if close >= 0 else end
            continue
        if text.startswith(("<!", "<?"), lt):
            close = text.find(">", lt)
            pos = close + 1 if close >= 0 else end
            continue
        match = _TAG.match(text, lt)
        if not match:
            parts.append("<")
            pos = lt + 1
            continue
        pos = match.end()
        closing, tag = match[1] == "/", match[2].lower()
        if not closing and tag in _RAW_TEXT:
            found = _RAW_END[tag].search(text, pos)
            pos = found.end() if found else end
            continue
        if tag == "title":
            if closing and title is not None:
                page.title_tag = page.title_tag or " ".join("".join(title).split())
                title = None
            elif not closing:
                title = []
            continue
        if not closing and tag in ("html", "meta", "link"):
            attrs = _attrs(match[3])
            if tag == "html" and attrs.get("lang"):
                page.lang = attrs["lang"].strip().lower()[:2]
            elif tag == "link" and "canonical" in (attrs.get("rel") or "").lower().split() and attrs.get("href"):
                page.url = attrs["href"] if not page.url or "saved from" in page.url else page.url
            elif tag == "meta":
                prop = (attrs.get("property") or attrs.get("name") or "").lower()
                if prop == "og:url" and attrs.get("content") and not page.url:
                    page.url = attrs["content"]
                elif prop == "og:title" and attrs.get("content"):
                    page.og_title = page.og_title or " ".join(attrs["content"].split())
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            if not closing:
                heading, heading_level = [], int(tag[1])
            elif heading is not None:
                words = " ".join("".join(heading).split())
                if words:
                    page.headings.append((heading_level, words))
                heading = None
        if tag in _BLOCKS:
            parts.append("\0")  # a paragraph ends: nothing joins across it
        elif tag in _SOFT:
            parts.append("\n")
            if heading is not None and tag == "br":
                heading.append(" ")
    for paragraph in "".join(parts).split("\0"):
        page.lines.extend(line for line in (" ".join(part.split()) for part in paragraph.split("\n")) if line)
        page.lines.append("")  # the paragraph's end, as a blank line in a text page
    return page


def html_lines(text: str) -> tuple[list[str], str]:
    page = html_page(text)
    return page.lines, avim_address(page.url)


def text_page(text: str) -> Page:
    """A page saved as text or Markdown: its lines, entities decoded, `#` headings noted."""
    lines = text.splitlines()
    page = Page([html.unescape(line) if "&" in line and ";" in line and len(line) <= MAX_ITEM else line for line in lines])
    for line in page.lines:
        stripped = line.lstrip()
        if stripped.startswith("#") and len(stripped) <= MAX_ITEM:
            level = len(stripped) - len(stripped.lstrip("#"))
            words = _clean(stripped)
            if 1 <= level <= 6 and words:
                page.headings.append((level, words))
    return page


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2000].lower()
    return head.startswith(("<!doctype html", "<html", "<!-- saved from")) or "<body" in head or "<head" in head


# --- pages: from items to a record ----------------------------------------------------


_norm = avim.title_key


def _same_text(a: str, b: str) -> bool:
    return _norm(a) == _norm(b)


def _names_key(names: list[dict]) -> list[str]:
    return [textfold.fold(n.get("family") or n.get("literal") or "") for n in names]


def _title_like(line: str) -> bool:
    """A line AVİM could print as a title: letters, mostly capitals, no label, no URL, no name."""
    if not 3 <= len(line) <= 600 or _LABEL_START.match(line) or _BARE_LABEL.match(line) or _CITE_LABEL.search(line):
        return False
    if "://" in line or scan_line(line) or _is_name_line(line) or _IGNORABLE.match(line) or _is_site_name(line):
        return False
    if textfold.fold(line.strip(" .:|")) in _SECTIONS:
        return False  # "YORUMLAR", "ANA SAYFA": a section's name above the post
    cased = [c for c in line if c.isalpha() and (c.isupper() or c.islower())]
    return len(cased) >= 3 and sum(c.isupper() for c in cased) >= 0.8 * len(cased)


def _heading_candidates(page: Page) -> list[str]:
    """The page's own headings that may be its title (no site name, no label line)."""
    usable = [(lvl, t) for lvl, t in page.headings if not _is_site_name(t) and len(t) <= 600]
    if not usable:
        return []
    top = min(lvl for lvl, _ in usable)
    for lvl, text in usable:
        if lvl == top and (_LABEL_START.match(text) or _BARE_LABEL.match(text) or scan_line(text)):
            raise PageError(f"the page's heading {text!r} is a label, not a title")
    top = min(lvl for lvl, _ in usable)
    return [t for lvl, t in usable if lvl == top]


_BYLINE = re.compile(r"^(?P<name>[^/,]{3,80}?)\s{0,3}(?:[/,]\s{0,3}(?P<role>.{1,160}))?$")
_ROLE = re.compile(r"AV[İI]M|Uzman|Expert|Anali[sz]t|Analyst|Araştırmacı|Researcher|Başkan|President|Director|Direktör|"
                   r"Büyükelçi|Ambassador|Stajyer|Intern|Danışman|Advisor|Adviser", re.IGNORECASE)  # fmt: skip
_EN_WORDS = frozenset("the and of to in is for that with on as by was are it this from has have be".split())
_TR_WORDS = frozenset("ve bir bu için ile olarak da de olan ki gibi daha çok ise veya kadar sonra ancak ya ne".split())


def _text_language(title: str, body: list[str]) -> str | None:
    words = [textfold.lower(w.strip(".,;:!?\"'()“”’‘"), "tr") for w in " ".join([title, *body]).split()[:3000]]
    en = sum(w in _EN_WORDS for w in words)
    tr = sum(w in _TR_WORDS for w in words) + 2 * textfold.has_turkish_letters(title)
    if tr >= 2 and tr > 2 * en:
        return "tr"
    if en >= 2 and en > 2 * tr:
        return "en"
    return None


_URL_SERIES = avim.URL_SECTION
_URL_WORD = avim.URL_SECTION_SERIES
_SEEN = frozenset(w.lower() for w in avim.SEEN_SERIES)


def _byline(lines: list[str], series: str, lang: str) -> list[dict]:
    """Authors named in a byline at the top of the body: 'Hande APAKAN / Uzman, AVİM', 'Dr. Taras KUZIO'."""
    for line in lines[:6]:
        if len(line) > 200 or _CITE_LABEL.search(line):
            break
        match = _BYLINE.match(line)
        if not match:
            continue
        if match["role"] and _ROLE.search(match["role"]):
            name = parse_name(match["name"], "tr" if textfold.has_turkish_letters(match["name"]) else lang)
            if name and "literal" not in name:
                return [name]
        elif series == "blog" and not match["role"] and _is_name_line(line):
            names = split_names(line, "tr" if textfold.has_turkish_letters(line) else lang)
            if names and all("literal" not in n for n in names):
                return names
    return []


def _author_names(value: str, lang: str) -> list[dict]:
    """The authors an 'Author :' / 'Yazar :' label states; an organisation is a literal name."""
    value = value.strip(_SEPARATORS)
    if not value or value == "-":
        return []
    if _is_site_name(value):
        return [{"literal": value}]
    names = split_names(value, "tr" if textfold.has_turkish_letters(value) else lang)
    if not names:
        raise PageError(f"the author line {value!r} is not a name AVİM would print ('Given FAMILY')")
    return names


def parse_page_lines(lines: list[str], url_hint: str = "", page: Page | None = None, items: list[str] | None = None) -> dict:
    """A record from the lines of one AVİM post page; PageError says what is missing or disagrees."""
    page = page or Page(lines)
    cleaned = items if items is not None else logical_lines(lines)
    cite_lines = [i for i, l in enumerate(cleaned) if _CITE_LABEL.search(l)]
    cites = [r for r in (parse_cite_line(cleaned[i]) for i in cite_lines) if r]
    if len({(c["series"].lower(), c["year"], c["number"], _norm(c["title"])) for c in cites}) > 1:
        raise PageError("the page holds two citation lines that name different posts")
    cite = cites[0] if cites else None
    scans = [scan_line(l) for l in cleaned]
    serial_at = [i for i, s in enumerate(scans) if s and s.serials]
    if not serial_at:
        if cite:
            return cite
        raise PageError("no AVİM post header ('Blog No: 63', 'Commentary No : 2024 / 38') and no citation line")
    serials = {(s[0].lower(), s[1], int(s[2])) for i in serial_at for s in scans[i].serials}
    by_number = {(s, n) for s, _, n in serials}
    years = {y for _, y, _ in serials if y}
    if len(by_number) > 1 or len(years) > 1:
        shown = ", ".join(sorted(f"{s} No {y + ' / ' if y else ''}{n}" for s, y, n in serials))
        raise PageError(f"the page has two post headers that disagree ({shown})")

    # The header block: the serial's line and the header lines, names and share buttons around it.
    first = serial_at[0]
    lo = hi = first
    unlabelled: list[str] = []
    j = first - 1
    while j >= 0 and first - j <= 6:
        line = cleaned[j]
        if scans[j]:
            lo = j
        elif _IGNORABLE.match(line) or not line.strip(_SEPARATORS) or (j == lo - 1 and _is_site_name(line)):
            pass
        elif j == lo - 1 and _is_name_line(line):
            unlabelled.append(line)
            lo = j
        else:
            break
        j -= 1
    j = first + 1
    while j < len(cleaned) and j - first <= 8:
        line = cleaned[j]
        if scans[j]:
            hi = j
        elif _IGNORABLE.match(line) or not line.strip(_SEPARATORS) or (j == hi + 1 and _is_site_name(line)):
            pass
        elif j == hi + 1 and _is_name_line(line) and j + 1 < len(cleaned) and scans[j + 1]:
            unlabelled.append(line)  # a name between header items
            hi = j
        else:
            break
        j += 1
    block = [scans[i] for i in range(lo, hi + 1) if scans[i]]
    series_word = next(iter(serials))[0]
    series = avim.series_word(series_word)
    number = next(iter(by_number))[1]
    header_year = next(iter(years)) if years else ""

    dates = {d for s in block for d in s.dates}
    elsewhere = {d for i in serial_at if not lo <= i <= hi for d in scans[i].dates}
    if dates and elsewhere - dates:
        raise PageError("the page prints its post header twice, with different dates")
    if len(dates) > 1:
        raise PageError(f"the post header gives two dates ({', '.join(f'{d:02d}.{m:02d}.{y}' for y, m, d in sorted(dates))})")
    published = None
    if dates:
        y, m, d = next(iter(dates))
        try:
            published = date(y, m, d)
        except ValueError:
            raise PageError(f"the header's date {d:02d}.{m:02d}.{y} is not a real date") from None
    readings = {r for s in block for r in s.readings}
    if len({r[0] for r in readings}) > 1:
        raise PageError("the post header gives two reading times")
    labelled = [a for s in block for a in s.authors]
    unlabelled += [n for s in block for n in s.names]
    if len({_norm(a) for a in labelled}) > 1 or len({_norm(a) for a in unlabelled}) > 1:
        raise PageError("the post header names two different authors")

    # The title: the page's heading, the line above the header (or below it, header first),
    # og:title and <title>; all that are there must agree. A label line is never a title.
    above = next((cleaned[i] for i in range(lo - 1, max(-1, lo - 4), -1)
                  if not _IGNORABLE.match(cleaned[i]) and cleaned[i].strip(_SEPARATORS)), "")  # fmt: skip
    position = above if _title_like(above) else ""
    body_from = hi + 1
    if not position and not (above and _norm(above) in {_norm(h) for h in _heading_candidates(page)}):
        below = next((i for i in range(hi + 1, min(len(cleaned), hi + 3)) if not _IGNORABLE.match(cleaned[i])), None)
        if below is not None and _title_like(cleaned[below]) and not _OUTLET.match(cleaned[below]):
            position, body_from = cleaned[below], below + 1
    if above and not position and (_LABEL_START.match(above) or _BARE_LABEL.match(above)):
        pass  # a label where the title would be: the title must come from elsewhere
    headings = _heading_candidates(page)
    if position and any(_same_text(h, position) for _, h in page.headings):
        headings = [position]  # a heading of any level confirms the line at the header (a section's h1 aside)
    if len({_norm(h) for h in headings}) > 1:
        top = [h for h in headings if position and _same_text(h, position)]
        if not top:
            raise PageError(f"the page has two headings that could be its title ({headings[0]!r}, {headings[1]!r})")
        headings = top
    named = [("heading", headings[0])] if headings else []
    if position:
        named.append(("line above the post header" if position == above else "line below the post header", position))
    title_tag = _SITE_AFFIX.sub("", page.title_tag) if page.title_tag else ""
    for what, text in (("og:title", page.og_title), ("<title>", title_tag)):
        text = _SITE_AFFIX.sub("", text) if text else ""
        if text and not _is_site_name(text) and _norm(text) not in _SECTIONS:
            named.append((what, text))
    if cite and not named:
        named.append(("citation line", cite["title"]))
    distinct = {_norm(t) for _, t in named}
    if len(distinct) > 1:
        if cite and named and any(_same_text(t, cite["title"]) for _, t in named):
            named = [(w, t) for w, t in named if _same_text(t, cite["title"])] + [(w, t) for w, t in named if not _same_text(t, cite["title"])]
        (w1, t1), (w2, t2) = named[0], next((w, t) for w, t in named if not _same_text(t, named[0][1]))
        if not (cite and _cite_completes(t1, cite["title"], cleaned) and _cite_completes(t2, cite["title"], cleaned)):
            raise PageError(f"the page's titles disagree: {w1} {t1!r}, {w2} {t2!r}")
    title = named[0][1] if named else ""
    if named and named[0][0] in ("og:title", "<title>") and not _title_like(title):
        title = ""  # a browser tab's text alone is no title unless it reads as one

    if cite and (cite["series"].lower(), cite["number"]) != (series_word, number):
        raise PageError(
            f"the page's header ({series} No: {number}) and its citation line "
            f"({avim.serial(cite['series'], cite['year'], cite['number'])}) name different posts"
        )
    if cite and header_year and int(header_year) != cite["year"]:
        raise PageError(f"the page's header ({series} No : {header_year} / {number}) and its citation line disagree on the year")
    if cite:
        if not title or _same_text(title, cite["title"]) or _cite_completes(title, cite["title"], cleaned):
            title = cite["title"]
        else:
            raise PageError(f"the page's title {title!r} and its citation line's {cite['title']!r} disagree")
    if not title:
        raise PageError("no title: no heading, no title line at the post header, and no citation line")
    if published is None:
        if cite:
            published = date.fromisoformat(cite["published"])
        else:
            raise PageError("no date (DD.MM.YYYY) in the post header")
    elif cite and cite["published"] != published.isoformat():
        raise PageError(f"the header's date {published:%d.%m.%Y} and the citation line's {cite['published']} disagree")
    year = int(header_year) if header_year else published.year

    url = cite["url"] if cite else ""
    if not url:
        avim_urls = [u for u in _AVIM_URL.findall("\n".join(l for l in cleaned if len(l) <= MAX_ITEM)) if _URL_SERIES.search(u)]
        url = url_hint or (avim_urls[0] if avim_urls else "")
    if not url:
        raise PageError("no AVİM URL on the page (no citation line, canonical link or saved-from address); give it with --url")
    url_series = _URL_SERIES.search(url)
    if url_series and series_word in _SEEN and series_word not in _URL_WORD[url_series[1].lower()]:
        raise PageError(f"the page's header says {series} No but its URL is a {url_series[1]} page")

    series_lang = avim.series_language(series_word)
    path_lang = re.search(r"/(en|tr)/", url)
    url_lang = path_lang[1] if path_lang else None
    if url_lang and series_lang and url_lang != series_lang:
        raise PageError(f"the page's header says {series} No (language {series_lang}) but its URL is the {url_lang} site")
    reading_lang = next(iter(readings))[1] if readings else None
    page_lang = page.lang if page.lang in ("en", "tr") else None
    body = [l for l in cleaned[body_from : body_from + 60] if len(l) <= MAX_ITEM and not _CITE_LABEL.search(l)]
    cite_lang = cite["language"] if cite else None
    lang = url_lang or series_lang or cite_lang or reading_lang or page_lang or _text_language(title, body)
    if lang is None:
        raise PageError("cannot tell the post's language: no /en/ or /tr/ in the URL, no language on the page")

    authors: list[dict] = []
    stated: list[tuple[str, list[dict]]] = []
    if labelled:
        stated.append((f"author line {labelled[0]!r}", _author_names(labelled[0], lang)))
    if unlabelled:
        names = split_names(unlabelled[0], lang) or []
        stated.append((f"author line {unlabelled[0]!r}", names))
    byline = _byline(cleaned[body_from:], series_word, lang) if not cite else []
    if byline:
        stated.append(("byline", byline))
    stated = [(w, n) for w, n in stated if n]
    if stated:
        authors = stated[0][1]
        for what, names in stated[1:]:
            if _names_key(names) != _names_key(authors):
                raise PageError(f"the page's {stated[0][0]} and its {what} name different authors")
    if cite and _names_key(authors) != _names_key(cite["authors"]):
        # The citation line names the authors AVİM recorded. A name guessed from a line's place
        # (above the number) gives way to it; a labelled one ("Yazar : …") that disagrees is reported.
        if labelled and authors:
            raise PageError(f"the page's author {labelled[0]!r} and its citation line's authors disagree")
        authors = cite["authors"]

    record: dict = {
        "series": series,
        "year": year,
        "number": number,
        "language": lang,
        "title": title,
        "authors": authors,
        "published": published.isoformat(),
        "url": url,
    }
    source = _source(cleaned[hi + 1 :])
    if source:
        record["source"] = source
    if readings:
        record["reading_minutes"] = next(iter(readings))[0]
    return record


def _cite_completes(title: str, cite_title: str, cleaned: list[str]) -> bool:
    """The citation line's title is the page's: equal, the header's lost its first lines, or the
    page prints the citation line's title elsewhere."""
    wanted = _norm(cite_title)
    have = _norm(title)
    if have == wanted or (have and wanted.endswith(have)):
        return True
    return any(_norm(line) == wanted for line in cleaned if len(line) <= MAX_ITEM and not _CITE_LABEL.search(line))


def _source(lines: list[str]) -> dict | None:
    """The outlet of a reposted op-ed: 'Eurasia Review (30 October 2023)' and 'please click: URL'."""
    for line in lines[:8]:
        match = _OUTLET.match(line) if len(line) < 200 else None  # an outlet line is short
        if match and (when := long_date(match["date"])) and len(match["name"]) < 80:
            source: dict = {"name": match["name"].strip(" ,"), "date": when.isoformat()}
            for later in lines:
                if len(later) <= MAX_ITEM and (click := _CLICK.search(later)):
                    source["url"] = click["url"]
                    break
            return source
    return None


# Terminal control sequences (ESC ] 0 ; ... BEL, ESC [ 2 J), other control characters, and the
# invisible ones (bidi embeddings, overrides and isolates, zero-width characters, the BOM, soft
# hyphens): a saved page may hold them; stored, they would reach the terminal through cite,
# show and list, or make a title print other than it reads.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")  # holds no ESC: always the innermost
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")  # a title or link sequence, terminated
_OSC_OPEN = re.compile(r"\x1b\][^\x07\x1b\n]*")  # one never terminated: a terminal swallows the rest
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """`text` without invisible characters, terminal control sequences or control characters
    (tabs and line breaks kept). Invisible ones go first, so that one inside an escape sequence
    cannot leave the rest of the sequence behind as text."""
    text = _INVISIBLE.sub("", text)
    for _ in range(8):  # a sequence inside another: each pass removes the innermost (nothing real nests deeper)
        if "\x1b" not in text:
            break
        before = text
        text = _OSC.sub("", _CSI.sub("", text))
        if text == before:
            break
    return _CONTROL.sub("", _OSC_OPEN.sub("", text))


def is_url(name: str) -> bool:
    """An argument of `import` to fetch rather than a file to read."""
    return name.lower().startswith(("http://", "https://"))


def avim_address(url: str) -> str:
    """`url` if it is an AVİM page's address (an archive copy's unwrapped), else ""."""
    url = avim.unwrap_archive(url.strip())
    return url if _AVIM_URL.match(url) else ""


def _has_header(items: list[str]) -> bool:
    """Whether the items hold a post header (a serial among header items)."""
    return any((s := scan_line(item)) is not None and s.serials for item in items)


_ANY_SERIAL = re.compile(r"(?:blog|commentary|yorum|analysis|analiz|bülten|bulletin)\s{0,3}no\b")  # over lower-cased text: 7x faster


def parse_input(text: str, url: str = "", address: str = "", known=None) -> Found:
    """Every post `text` holds: one page (text, Markdown or HTML), citation lines, or one of
    avimcite's own exports (CSL-JSON, RIS, BibTeX, BibLaTeX, a catalogue).

    `url` is the page's AVİM URL as the user gave it (--url); `address` where the page was
    fetched from. The stored URL is the citation line's, else `url`, else the page's
    canonical link, else `address` when it is on an AVİM host (a mirror's never is).
    `known(post_id)` may return the record of a post already catalogued (readback)."""
    text = strip_controls(text)
    from avimcite import readback

    exported = readback.read_export(text, known)
    if exported is not None:
        return Found(exported[0], exported[1])
    if not _ANY_SERIAL.search(text.lower()):  # no page and no citation line without one: no need to read further
        raise PageError("no AVİM post header ('Blog No: 63', 'Commentary No : 2024 / 38') and no citation line")
    address = avim_address(address)
    if looks_like_html(text):
        page = html_page(text)
        return Found([parse_page_lines(page.lines, url or avim_address(page.url) or address, page)], "html page")
    page = text_page(text)
    items = logical_lines(page.lines)
    if _has_header(items):
        return Found([parse_page_lines(page.lines, url or address, page, items)], "page")
    records, bad = [], []
    for number, line in enumerate(page.lines, 1):
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
