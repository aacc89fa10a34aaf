"""Page ranges as citeproc-js prints them: CSL 1.0.2 page-range-format (expanded, minimal,
minimal-two, chicago / chicago-15, chicago-16) on the `page` variable and on page locators;
in every number variable (issue, volume ...) a range of two numbers or roman numerals ("3-4",
"xxv-xxviii") joined with the page-range-delimiter.

As citeproc-js (CSL.Util.PageRangeMangler with processNumber) does it, with a
page-range-format a range "110-5" is first expanded ("110-115": the second number takes the
first's leading digits), then shortened as the style says; every range is joined with the
locale's page-range-delimiter (an en dash), without a format as written ("110–5").
A range whose two numbers carry different prefixes ("N110-5", "110-N6") is left as written
(the hyphen without spaces); an escaped hyphen ("327\\-30") prints as a plain hyphen.
citeproc-py shortened without expanding first, kept "100 - 103" spaced, and knew no
chicago-16.
"""

from __future__ import annotations

import re

from avimcite import rx
from avimcite.csl.lazyre import LazyPattern as _lazy_re  # speed only: compiled on first use (avimcite.rx)

# Patterns of the functions below (compiled on first use, their code kept by avimcite.rx).
_DIGITS = _lazy_re(r"\d+")

_RANGE = rx.compile(r"(?<![\\\w])([0-9]*[a-zA-Z]+0*)?([0-9]+[a-z]*)\s*[-\u2013]\s*([0-9]*[a-zA-Z]+0*)?([0-9]+[a-z]*)(?!\w)")
_NUMERIC_RANGE = rx.compile(r"(?<=[0-9])\s*(?<!\\)-\s*(?=[0-9])")
# two numbers or two roman numerals joined by a hyphen (not an escaped one): citeproc-js's
# manglePageNumbers joins them with the page-range-delimiter in every number variable
_PLAIN_RANGE = rx.compile(r"(?<![\\\w])([0-9]+|[ivxlcmIVXLCM]+)\s*(?<!\\)[-\u2013]\s*([0-9]+|[ivxlcmIVXLCM]+)(?![\w\\])")
_RANGED_VARIABLES = frozenset({"chapter-number", "collection-number", "edition", "issue", "number", "number-of-pages",
                               "number-of-volumes", "volume"})  # fmt: skip


def format_ranges(text: str, delimiter: str = "\u2013") -> str:
    """A number variable's ranges of two plain numbers or roman numerals ("3-4", "i-ix")
    joined by `delimiter`; "3-B" and "Michaelson-Morely" stay as written."""
    return _PLAIN_RANGE.sub(lambda m: f"{m.group(1)}{delimiter}{m.group(2)}", text)


def _minimize(begin: str, end: str, minchars: int = 0) -> str:
    """The end number without the leading digits it shares with the begin number (at least
    `minchars` of them kept)."""
    if len(begin) != len(end):
        return end
    kept = len(end)
    for b, e in zip(begin, end):
        if b == e and kept > minchars:
            kept -= 1
        else:
            break
    return end[len(end) - kept:]


def _shorten(begin: str, end: str, fmt: str | None) -> str:
    first, last = int(_DIGITS.match(begin)[0]), int(_DIGITS.match(end)[0])
    if fmt == "minimal":
        return _minimize(begin, end)
    if fmt == "minimal-two":
        return _minimize(begin, end, 2)
    if fmt in ("chicago", "chicago-15"):
        if first > 100 and first % 100 and first // 100 == last // 100:
            return str(last % 100)
        if first >= 10000:
            return str(last % 1000)
        return end
    if fmt == "chicago-16":
        if first > 100 and first % 100:
            for i in range(2, len(str(last))):
                divisor = 10**i
                if first // divisor == last // divisor:
                    return str(last % divisor)
        return end
    return end  # expanded, or no format given


def format_pages(text: str, fmt: str | None, delimiter: str = "\u2013") -> str:
    """`text` (a page variable or page locator) with its ranges printed as `fmt` says."""

    def one(match: re.Match) -> str:
        p1, n1, p2, n2 = match.group(1) or "", match.group(2), match.group(3), match.group(4)
        if (p2 or "") != p1:
            return f"{p1}{n1}-{p2 or ''}{n2}"
        if not fmt:  # no page-range-format: the numbers as written, joined by the delimiter
            return f"{p1}{n1}{delimiter}{p2 or ''}{n2}"
        if len(n2) < len(n1):
            n2 = n1[: len(n1) - len(n2)] + n2
        if not (n1.isdigit() and n2.isdigit()) or int(n1) >= int(n2):
            return f"{p1}{n1}{delimiter}{p2 or ''}{match.group(4)}"
        if fmt == "expanded":
            return f"{p1}{n1}{delimiter}{p1}{n2}"
        return f"{p1}{n1}{delimiter}{_shorten(n1, n2, fmt)}"

    return format_ranges(_RANGE.sub(one, text), delimiter).replace("\\-", "-")


def install(package) -> None:
    """FormatNumber._process for `page`, and the locator text for page locators."""
    model = package.model
    if getattr(model.FormatNumber, "_avim_pages", False):
        return
    original_process = model.FormatNumber._process
    String = package.string.String

    def _process(self, value, variable):
        if variable != "page":
            return original_process(self, value, variable)
        # escaped for the output format, as citeproc-py's own joins of page numbers were
        return String(self.preformat(format_pages(str(value), self.get_root().get("page-range-format"), _delimiter(self))))

    original_variable = model.Text._variable

    def text_variable(self, item, context):
        if self.get("variable") == "locator" and isinstance(item, dict) and "locator" in item:
            value = str(item.locator.identifier)
            if len(value) > 1 and value[0] == value[-1] == '"':
                # a locator in double quotes prints in the locale's quotes (citeproc-js: the
                # quotes become the locator's quotes decoration, punctuation-in-quote applies)
                from avimcite.csl.richtext import QUOTE

                return String(QUOTE[0] + self.preformat(value[1:-1]) + QUOTE[1])
            # escaped for the output format, as the item's own text is ("a &amp; b" in HTML)
            if (item.locator.label or "page") == "page":
                return String(_ampersands(self, format_pages(value, self.get_root().get("page-range-format"), _delimiter(self))))
            # numbers and roman numerals ranged alike ("chaps. xii–xv", "IV–VI", "iii–5")
            ranged = format_ranges(_NUMERIC_RANGE.sub(_delimiter(self), value), _delimiter(self))
            return String(_ampersands(self, ranged.replace("\\-", "-")))
        text = original_variable(self, item, context)
        if self.get("variable") in _RANGED_VARIABLES and isinstance(text, str) and "-" in text:
            ranged = format_ranges(text, _delimiter(self))
            if ranged != text:
                return String(ranged)
        return text

    model.FormatNumber._process = _process
    model.FormatNumber._avim_pages = True
    model.Text._variable = text_variable


_AMPERSAND = _lazy_re(r"\s*&\s*")


def _ampersands(element, value: str) -> str:
    """A locator escaped for the output, its "&" joining numbers written as the locale's
    "and" symbol term ("213 & 235"; a style's own symbol form), as citeproc-js's
    processNumber writes it; "&" between two letters keeps no spaces."""
    if "&" not in value:
        return element.preformat(value)
    try:
        word, symbol = element.get_single_term(name="and"), element.get_single_term(name="and", form="symbol")
    except Exception:  # noqa: BLE001 - a locale without the terms
        word = symbol = None
    # a term is already written for the output format (escaped)
    symbol = str(symbol) if symbol and str(symbol) != str(word or "") else element.preformat("&")
    pieces = _AMPERSAND.split(value)
    out = element.preformat(pieces[0])
    for before, after in zip(pieces, pieces[1:]):
        joint = symbol if before[-1:].isalpha() and after[:1].isalpha() else f" {symbol} "
        out += joint + element.preformat(after)
    return out


def _delimiter(element) -> str:
    try:
        term = element.get_single_term(name="page-range-delimiter")
    except Exception:  # noqa: BLE001 - a locale without the term
        term = None
    return str(term) if term else "\u2013"
