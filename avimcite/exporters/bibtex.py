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
  and BibTeX, and classic BibTeX documents need not load the url package. A source
  URL is written as escaped text; BibLaTeX (which always loads url) gets `\url{}`
  when the URL holds none of % # \ { }.
- The AVİM serial is printed once: BibTeX @misc `howpublished`, BibLaTeX @online
  `note`; nothing repeats it.
- A post without an author gets `key = {AVİM}` in BibTeX, so natbib and apalike
  label it "AVİM (2020)" rather than with the first letters of its cite key; no
  author is invented. BibLaTeX styles cite it by title, as APA does.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

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
_repeated: dict[str, str] = {}  # publisher, place, blog name...: the same on most entries


def latex_ascii(text: str) -> str:
    if _ASCII_PLAIN.fullmatch(text):  # most fields: nothing to escape
        return text
    done = _repeated.get(text)
    if done is not None:
        return done
    if not _known_chars.issuperset(text):
        for char in set(text).difference(_known_chars):
            _ascii_table[ord(char)] = _latex_char(char)
            _known_chars.add(char)
    done = text.translate(_ascii_table)
    if len(text) < 48 and len(_repeated) < 4096:
        _repeated[text] = done
    return done


def latex_utf8(text: str) -> str:
    return text.translate(_UTF8_TABLE) if _UTF8_SPECIAL.search(text) else text


def _names(item: dict, escape) -> str:
    names = []
    for name in item.get("author", []):
        if "literal" in name:
            names.append("{" + escape(name["literal"]) + "}")
            continue
        family, given = escape(name["family"]), escape(name.get("given", ""))
        if re.search(r"\s(and|AND)\s|,", family):
            family = "{" + family + "}"
        names.append(f"{family}, {given}" if given else family)
    return " and ".join(names)


def _iso(parts: dict) -> str:
    y, m, d = parts["date-parts"][0]
    return f"{y:04d}-{m:02d}-{d:02d}"


_URL_UNSAFE_IN_ARGUMENT = re.compile(r"[%#\\{}]")


def _source_note(item: dict, escape, url_macro: bool) -> str:
    """'Originally published in Eurasia Review (2023-10-30): URL', safe inside any field."""
    custom = item.get("custom", {})
    if "source_name" not in custom:
        return ""
    text = "Originally published in " + escape(custom["source_name"])
    if "source_date" in custom:
        text += " (" + custom["source_date"] + ")"
    url = custom.get("source_url")
    if not url:
        return text + "."
    if url_macro and not _URL_UNSAFE_IN_ARGUMENT.search(url):
        return text + ": \\url{" + url + "}"
    return text + ": " + latex_utf8(url)  # as text: every special character escaped


def _entry(kind: str, key: str, fields: list[tuple[str, str]], raw: set[str]) -> str:
    lines = [f"@{kind}{{{key},"]
    for name, value in fields:
        if value == "":
            continue
        lines.append(f"  {name} = {value}," if name in raw else f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines)


def _serial(item: dict) -> str:
    """'AVİM Blog No.2023 / 63', from the mapping's custom data."""
    custom = item.get("custom", {})
    return f"AVİM {custom.get('avim_series', '')} No.{custom.get('avim_year', '')} / {custom.get('avim_number', '')}"


def bibtex_entry(item: dict) -> str:
    """@misc for every post: the one type whose classic and pybtex styles need no author,
    institution or number, and print `howpublished` where the serial belongs."""
    esc = latex_ascii
    y, m, _ = item["issued"]["date-parts"][0]
    fields = [("author", _names(item, esc))]
    if not item.get("author"):
        fields.append(("key", esc("AVİM")))  # natbib/apalike label and sort key; not an author
    fields += [
        ("title", "{" + esc(item["title"]) + "}"),
        ("howpublished", esc(", ".join(p for p in (item.get("publisher", ""), _serial(item).removeprefix("AVİM ")) if p))),
        ("address", esc(item.get("publisher-place", ""))),
        ("year", str(y)),
        ("month", MONTHS[m - 1]),
        ("url", item.get("URL", "")),
    ]
    if "accessed" in item:
        fields.append(("urldate", _iso(item["accessed"])))
    fields += [("language", item.get("language", "")), ("note", _source_note(item, esc, url_macro=False))]
    return _entry("misc", item["id"], fields, raw={"month"})


def biblatex_entry(item: dict) -> str:
    """@online for every post: what AVİM publishes, with the serial in `note` (printed
    once) and the original outlet in `addendum`."""
    esc = latex_utf8
    fields = [
        ("author", _names(item, esc)),
        ("title", "{" + esc(item["title"]) + "}"),
        ("note", esc(_serial(item))),
        ("organization", esc(item.get("publisher", ""))),
        ("location", esc(item.get("publisher-place", ""))),
        ("date", _iso(item["issued"])),
        ("url", item.get("URL", "")),
    ]
    if "accessed" in item:
        fields.append(("urldate", _iso(item["accessed"])))
    fields += [
        ("langid", LANGID.get(item.get("language", ""), "")),
        ("addendum", _source_note(item, esc, url_macro=True)),
    ]
    return _entry("online", item["id"], fields, raw=set())


def dumps_bibtex(items: Iterable[dict]) -> Iterator[str]:
    for item in items:
        yield bibtex_entry(item) + "\n\n"


def dumps_biblatex(items: Iterable[dict]) -> Iterator[str]:
    for item in items:
        yield biblatex_entry(item) + "\n\n"
