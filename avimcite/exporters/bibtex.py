r"""BibTeX (ASCII with LaTeX accents) and BibLaTeX (UTF-8) from CSL-JSON items.

Written by hand rather than with bibtexparser's writer: the format is a few
lines of string building, and bibtexparser 2.1 needs 6.3 s (0.9 s with in-place
middlewares, plus building its model) for 100,000 entries against a 2 s budget
for the whole export. pylatexenc still decides how every non-ASCII or special
character is written (`{\\.I}`, `{\\c{s}}`, `{\\&}`), once per distinct character.
bibtexparser and pybtex read our output back in the tests.

Rules: URLs and dates are never escaped; titles are wrapped in an extra pair of
braces so no style re-cases AVİM's capitals; organisations are braced so they
are not split into given and family names.

Why BibTeX keeps LaTeX accents ({\.I}, {\c{s}}, {\i}): classic BibTeX sorts by
purify$, which reduces them to I, s, i (UTF-8 bytes sort after Z), and its label
functions count them as one letter; Zotero, citation-js, pandoc, biber, pybtex and
BibTeX itself decode them. Typographic quotes (’ ‘ “ ”) are the exception: pybtex
prints {\textquoteright} as a word and biblatex-csl-converter and astrocite drop it,
while every reader and LaTeX (2018 and later) takes the UTF-8 character, so those
four stay UTF-8. BibLaTeX is UTF-8 throughout (biber's own encoding).

What real clients need (checked with TeX Live by bench/latex_check.py):
- No `\url{}` in a note: `%`, `#` or `&` in a URL inside another field stops biber
  and BibTeX, and classic BibTeX documents need not load the url package; in BibLaTeX
  biblatex-chicago loses the entry's group at a `\url` inside a field and prints its note
  and urldate again in every later entry. A source URL is written as escaped text.
- Types chosen by what Zotero's import translator, pandoc, biber and BibTeX do with them
  (bench/clients.py, bench/latex_check.py): commentaries and analyses are @techreport /
  @report with `type`, `number`, `institution` and the place; blog posts @misc / @online.
- The AVİM serial is printed once: a report's `type` + `number`, a blog post's BibTeX
  `howpublished` or BibLaTeX `note`; nothing repeats it.
- A post without a recorded author is by `{AVİM}`, the issuing body braced as one
  organisation, in both files, as in CSL-JSON and RIS (the mapping's author): classic styles
  warn or (pybtex) refuse a report without an author, natbib prints a `key` label without
  the year, and Zotero and pandoc read the author from either file.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from avimcite.avim import NAME, outlet_note, serial

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
LANGID = {"en": "english", "tr": "turkish"}
# Kept as they are: pylatexenc would turn " into a closing double quote.
_RAW = {'"': '"', "'": "'", "`": "`", "|": "|"}
_UTF8_SPECIALS = {
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
}  # fmt: skip


_encoder = None
# A plain dict, filled one character at a time: str.translate is fast with a plain
# dict, and pylatexenc takes about a millisecond per character, so each is asked once.
_ascii_table: dict[int, str] = {}
_ASCII_PLAIN = re.compile(r"[A-Za-z0-9 \t\n.,:;!?()\[\]/+=*@'\"`|-]*")
_UTF8_SPECIAL = re.compile(r"[&%$#_{}~^\\]")
_UTF8_TABLE = str.maketrans(_UTF8_SPECIALS)


_UTF8_KEPT = "’‘“”"  # read by every client as they are; their LaTeX names are not


def _latex_char(char: str) -> str:
    global _encoder
    if char in _RAW:
        return _RAW[char]
    if char in _UTF8_KEPT:
        return char
    if char.isascii() and (char.isalnum() or char in " \t\n.,:;!?()[]/-+=*@"):
        return char
    if _encoder is None:
        import logging

        from pylatexenc.latexencode import UnicodeToLatexEncoder

        # pylatexenc logs each character it cannot write, even when told to raise.
        logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)
        _encoder = UnicodeToLatexEncoder(
            replacement_latex_protection="braces-all", unknown_char_policy="fail", non_ascii_only=False
        )
    try:
        return _encoder.unicode_to_latex(char)
    except ValueError:
        return char  # no LaTeX form (e.g. CJK): keep the letter; modern LaTeX reads UTF-8


_known_chars: set[str] = set()


def latex_ascii(text: str) -> str:
    if text.isascii() and _ASCII_PLAIN.fullmatch(text):  # most fields: nothing to escape (isascii: a flag)
        return text
    if not _known_chars.issuperset(text):
        for char in set(text).difference(_known_chars):
            _ascii_table[ord(char)] = _latex_char(char)
            _known_chars.add(char)
    return text.translate(_ascii_table)


def latex_utf8(text: str) -> str:
    return text.translate(_UTF8_TABLE) if _UTF8_SPECIAL.search(text) else text


_AND = re.compile(r"(?:^|\s)and(?:\s|$)", re.I)


def balanced(text: str) -> tuple[str, int]:
    """`text` without the braces that have no partner, and how many were left out.

    BibTeX and biber count every brace, escaped or not, to find where a field ends:
    a title with `} } @misc(...)` would close its entry and start another, a lone `{`
    would swallow the fields after it. Matched pairs are kept (written `\\{ \\}`, which
    every reader decodes); an unmatched brace has no spelling that LaTeX, Zotero,
    pandoc and pybtex all read back (`\\textbraceleft` is lost or kept literally), so it
    is left out and the caller warned."""
    if "{" not in text and "}" not in text:
        return text, 0
    opened: list[int] = []
    dropped: list[int] = []
    for i, char in enumerate(text):
        if char == "{":
            opened.append(i)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                dropped.append(i)
    dropped += opened
    if not dropped:
        return text, 0
    gone = set(dropped)
    return "".join(c for i, c in enumerate(text) if i not in gone), len(dropped)


class _Fields:
    """Escapes one entry's texts and counts the braces left out. A short text without braces
    is escaped once per process (by escape function): the publisher, place, series and names
    are the same on most of 100,000 entries."""

    __slots__ = ("escape", "memo", "name_memo", "dropped")

    def __init__(self, escape):
        self.escape, self.dropped = escape, 0
        self.memo, self.name_memo = _MEMO.get(escape) or _MEMO.setdefault(escape, ({}, {}))

    def __call__(self, text: str) -> str:
        done = self.memo.get(text)
        if done is not None:
            return done
        if "{" in text or "}" in text:  # as balanced() tests first: most texts have no brace
            text, dropped = balanced(text)
            self.dropped += dropped
            return self.escape(text)
        done = self.escape(text)
        if len(text) < 48 and len(self.memo) < 4096:
            self.memo[text] = done
        return done

    def name_part(self, text: str) -> str:
        """A family or given name escaped, braced when it holds the word "and" (any case:
        BibTeX and biber split on it) or a comma, so that it stays one name."""
        done = self.name_memo.get(text)
        if done is not None:
            return done
        done = self(text)
        if _AND.search(done) or "," in done:
            done = "{" + done + "}"
        if "{" not in text and "}" not in text and len(self.name_memo) < 4096:
            self.name_memo[text] = done
        return done


_MEMO: dict = {}  # escape function -> ({text: escaped}, {name part: escaped and braced})


def _names(item: dict, esc: _Fields) -> str:
    """BibTeX names: a literal (organisation) braced whole, each person's parts as name_part
    makes them."""
    names = []
    for name in item.get("author", []):
        if "literal" in name:
            names.append("{" + esc(name["literal"]) + "}")
            continue
        family, given = esc.name_part(name["family"]), esc.name_part(name.get("given", ""))
        names.append(f"{family}, {given}" if given else family)
    return " and ".join(names)


_URL_UNSAFE = re.compile(r"[{}\\\s\"]")


def safe_url(url: str) -> str:
    """A URL as a raw field value: braces, backslashes, quotes and white space
    percent-encoded (the same address; a brace would end the field)."""
    if not _URL_UNSAFE.search(url):
        return url
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), url)


def _iso(parts: dict) -> str:
    y, m, d = parts["date-parts"][0]
    return f"{y:04d}-{m:02d}-{d:02d}"


def _source_note(item: dict, escape) -> str:
    """'Originally published in Eurasia Review (2023-10-30): URL', safe inside any field."""
    custom = item.get("custom", {})
    if "source_name" not in custom:
        return ""
    url = custom.get("source_url")
    if url:
        url = safe_url(url)
    # The URL as text, never `\\url{}`: inside a field biblatex-chicago prints, \\url breaks the
    # entry's group and the note, addendum and urldate reappear in every later entry.
    return outlet_note(escape(custom["source_name"]), custom.get("source_date", ""), latex_utf8(url) if url else "")


def _entry(kind: str, key: str, fields: list[tuple[str, str]], raw: set[str]) -> str:
    body = "".join([f"  {name} = {value},\n" if name in raw else f"  {name} = {{{value}}},\n" for name, value in fields if value != ""])
    return f"@{kind}{{{key},\n{body}}}"


def _serial(item: dict) -> str:
    """'Blog No.2023 / 63', from the mapping's custom data."""
    custom = item.get("custom", {})
    return serial(custom.get("avim_series", ""), custom.get("avim_year", ""), custom.get("avim_number", ""))


def _publisher_line(item: dict, esc: _Fields) -> str:
    """'Center for Eurasian Studies (AVİM), Blog No.2023 / 63' (a blog's howpublished), escaped.
    Escaping is letter by letter, so the two parts are escaped apart (the publisher once per
    process), unless a brace could pair across them."""
    publisher, line = item.get("publisher", ""), _serial(item)
    if not publisher:
        return esc(line)
    if "{" in publisher or "}" in publisher or "{" in line or "}" in line:
        return esc(f"{publisher}, {line}")
    return f"{esc(publisher)}, {esc(line)}"


def _warned(item: dict, esc: _Fields, warn) -> None:
    if esc.dropped and warn:
        warn(item.get("custom", {}).get("avim_id", item["id"]), f"{esc.dropped} unmatched brace{'s' * (esc.dropped > 1)} left out")


def _report_fields(item: dict, esc: _Fields) -> list[tuple[str, str]]:
    """A report's series word, serial and issuing body (BibTeX @techreport, biblatex @report)."""
    return [
        ("type", esc(item.get("genre", ""))),
        ("number", esc(item.get("number", ""))),
        ("institution", esc(item.get("publisher", ""))),
    ]


def bibtex_entry(item: dict, warn=None) -> str:
    """Commentaries and analyses are @techreport (Zotero and pandoc read a report with its
    type, number, institution and place; every classic style prints "Commentary 2016/73,
    Center for Eurasian Studies (AVİM), Ankara"); blogs are @misc with the serial in
    `howpublished`. `date` gives Zotero and pandoc the day (classic styles ignore it)."""
    esc = _Fields(latex_ascii)
    y, m, _ = item["issued"]["date-parts"][0]
    report = item["type"] == "report"
    # A post without a recorded author is by AVİM (the mapping's organisational author): natbib's
    # author-year styles label it "AVİM (2016)"; with only `key` they print the key alone, without
    # the year, and plain, unsrt, IEEEtran and pybtex warn or refuse a report without an author.
    fields = [("author", _names(item, esc))]
    fields.append(("title", "{" + esc(item["title"]) + "}"))
    if report:
        fields += _report_fields(item, esc)
    else:
        fields.append(("howpublished", _publisher_line(item, esc)))
    fields += [
        ("address", esc(item.get("publisher-place", ""))),
        ("year", str(y)),
        ("month", MONTHS[m - 1]),
        ("date", _iso(item["issued"])),
        ("url", safe_url(item.get("URL", ""))),
    ]
    if "accessed" in item:
        fields.append(("urldate", _iso(item["accessed"])))
    language = item.get("language", "")
    fields += [
        ("language", LANGID[language] if language in LANGID else esc(language)),
        ("note", _source_note(item, esc)),
    ]
    _warned(item, esc, warn)
    return _entry("techreport" if report else "misc", item["id"], fields, raw={"month"})


def biblatex_entry(item: dict, warn=None) -> str:
    """Commentaries and analyses are @report (`type`, `number`, `institution`, `location`:
    biblatex-apa prints "(Commentary No. 2016/73)" as the CSL styles do; Zotero and pandoc
    read a report); blogs are @online with the serial and the original outlet in `note`
    (printed once; Zotero keeps a note, it drops `addendum`). `language` holds biblatex's language name (it
    prints "Turkish", never "tr"), `langid` sets the hyphenation."""
    esc = _Fields(latex_utf8)
    report = item["type"] == "report"
    fields = [("author", _names(item, esc)), ("title", "{" + esc(item["title"]) + "}")]
    if report:
        fields += [*_report_fields(item, esc), ("location", esc(item.get("publisher-place", "")))]
    else:
        # The outlet joins the serial in `note`: biblatex prints it, Zotero keeps it (as a
        # child note); it drops `addendum`.
        serial_note, outlet = esc(f"{NAME} {_serial(item)}"), _source_note(item, esc)
        note = f"{serial_note}. {outlet}" if serial_note and outlet else serial_note or outlet
        fields += [("note", note), ("organization", esc(item.get("publisher", "")))]
        fields.append(("location", esc(item.get("publisher-place", ""))))
    fields += [("date", _iso(item["issued"])), ("url", safe_url(item.get("URL", "")))]
    if "accessed" in item:
        fields.append(("urldate", _iso(item["accessed"])))
    language = LANGID.get(item.get("language", ""), "")
    fields += [("language", language), ("langid", language)]
    if report:  # a report's `note` is free: Zotero keeps it (as a child note), it drops `addendum`
        fields.append(("note", _source_note(item, esc)))
    _warned(item, esc, warn)
    return _entry("report" if report else "online", item["id"], fields, raw=set())


def dumps_bibtex(items: Iterable[dict], warn=None) -> Iterator[str]:
    for item in items:
        yield bibtex_entry(item, warn) + "\n\n"


def dumps_biblatex(items: Iterable[dict], warn=None) -> Iterator[str]:
    for item in items:
        yield biblatex_entry(item, warn) + "\n\n"
