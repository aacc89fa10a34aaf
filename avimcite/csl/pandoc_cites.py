"""Citation clusters written in pandoc's citation syntax, one cluster per line.

    [@blog/2023/63, para. 4; @yorum/2020/5]     two cites, the first with a locator
    [-@analiz/2018/7]                           suppress-author
    [see @commentary/2024/38, sec. 2]           a prefix and a locator
    [@kuzio2023ending, pp. 33-35, 38, and elsewhere]   a locator, then a suffix
    @2023/63                                    a cite alone (a cluster of one)
    [@{odd key;with;semicolons}, 5]             a braced key; a bare number is a page

As pandoc reads them (Text.Pandoc.Citeproc.Locator, pandoc's manual "Citation syntax"): a
key starts with a letter, digit or `_` and may hold internal punctuation (`:.#$%&-+?<>~/`)
followed by a letter or digit; after the key, `, ` and a locator term (the locale's terms,
long or short, singular or plural: p., pp., para., sec., §, ch., chap., fig., vol., n., l.,
col., ...) begins a locator, whose value is numbers, roman numerals, ranges and lists
("33-35, 38"), or anything in braces; a value that starts with a digit without a term is a
page. What follows is the suffix. `@key` outside brackets is pandoc's in-text form; a
line holding only it is taken as a cluster of that one cite (CSL has no in-text mode of its
own: citeproc-js renders a cluster).
"""

from __future__ import annotations

import re

# label -> the forms pandoc accepts in English (en-US locale terms, plus pandoc's own extras)
_EN_TERMS = {
    "act": ["act", "acts"],
    "appendix": ["appendix", "appendices", "app.", "apps."],
    "article": ["article", "articles", "art.", "arts."],
    "book": ["book", "books", "bk.", "bks."],
    "canon": ["canon", "canons"],
    "chapter": ["chapter", "chapters", "chap.", "chaps.", "ch.", "chs."],
    "clause": ["clause", "clauses", "cl.", "cls."],
    "column": ["column", "columns", "col.", "cols."],
    "equation": ["equation", "equations", "eq.", "eqs."],
    "figure": ["figure", "figures", "fig.", "figs."],
    "folio": ["folio", "folios", "fol.", "fols.", "fo.", "fos."],
    "line": ["line", "lines", "l.", "ll."],
    "note": ["note", "notes", "n.", "nn."],
    "number": ["number", "numbers", "no.", "nos.", "#"],
    "opus": ["opus", "opera", "op.", "opp."],
    "page": ["page", "pages", "p.", "pp.", "pg.", "pgs."],
    "paragraph": ["paragraph", "paragraphs", "para.", "paras.", "¶", "¶¶", "par.", "pars."],
    "part": ["part", "parts", "pt.", "pts."],
    "rule": ["rule", "rules", "r.", "rr."],
    "section": ["section", "sections", "sec.", "secs.", "§", "§§"],
    "sub verbo": ["sub verbo", "sub verbis", "s.v.", "s.vv."],
    "table": ["table", "tables", "tbl.", "tbls."],
    "title": ["title", "titles", "tit.", "tits."],
    "verse": ["verse", "verses", "v.", "vv."],
    "volume": ["volume", "volumes", "vol.", "vols."],
}


class ClusterSyntaxError(ValueError):
    """A line that is not pandoc citation syntax; `key` is the key it was reading, if any."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


def locator_terms(locale_terms: dict[str, list[str]] | None = None) -> list[tuple[str, str]]:
    """(form, label), longest form first, so "pp." is tried before "p."."""
    table: dict[str, str] = {}
    for source in (_EN_TERMS, locale_terms or {}):
        for label, forms in source.items():
            for form in forms:
                if form and form.strip():
                    table.setdefault(form.strip().lower(), label)
    return sorted(table.items(), key=lambda pair: -len(pair[0]))


_KEY_START = re.compile(r"[\w]", re.UNICODE)
_INTERNAL = set(":.#$%&-+?<>~/")


def _read_key(text: str, i: int) -> tuple[str, int]:
    """The key starting at text[i] (just after '@'), and the index after it."""
    if i < len(text) and text[i] == "{":
        end = text.find("}", i + 1)
        if end < 0:
            raise ClusterSyntaxError("a braced key is not closed (no '}')", text[i + 1 :].strip() or None)
        key = text[i + 1 : end].strip()
        if not key:
            raise ClusterSyntaxError("an empty key '@{}'")
        return key, end + 1
    if i >= len(text) or not _KEY_START.match(text[i]):
        raise ClusterSyntaxError("'@' is not followed by a key")
    j = i + 1
    while j < len(text):
        ch = text[j]
        if ch.isalnum() or ch == "_":
            j += 1
        elif ch in _INTERNAL and j + 1 < len(text) and (text[j + 1].isalnum() or text[j + 1] == "_"):
            j += 1
        else:
            break
    return text[i:j], j


_ROMAN = r"[ivxlcdmIVXLCDM]+"
_NUMBERISH = re.compile(rf"(?:\d+[A-Za-z]?|{_ROMAN})(?=$|[\s,;:\-–—]|\)|\])")
_VALUE = re.compile(rf"(?:\d+[A-Za-z]?|{_ROMAN})(?:\s*[-–—]\s*(?:\d+[A-Za-z]?|{_ROMAN}))?")


def _read_locator(rest: str, terms) -> tuple[str | None, str | None, str]:
    """(label, locator, suffix) from what follows a key ("" when nothing does)."""
    match = re.match(r"\s*,\s*", rest)
    if not match:
        return None, None, rest
    after = rest[match.end() :]
    label = None
    lowered = after.lower()
    for form, name in terms:
        if lowered.startswith(form):
            tail = after[len(form) :]
            # a word form must end at a word boundary ("page 3", not "pages" read as "page")
            if form[-1].isalnum() and tail[:1].isalnum():
                continue
            label, after = name, tail.lstrip()
            break
    if after.startswith("{"):
        end = after.find("}")
        if end < 0:
            raise ClusterSyntaxError("a braced locator is not closed (no '}')")
        return label or "page", after[1:end], after[end + 1 :]
    value = _VALUE.match(after)
    if value is None or not _NUMBERISH.match(after):
        if label is not None and after.strip():
            # "sec. A" — a term with a word after it: pandoc takes the word as the locator
            word = re.match(r"[^\s,;]+", after)
            if word:
                return label, word.group(0), after[word.end() :]
        return None, None, rest  # no locator: all of it is the suffix
    end = value.end()
    # "33-35, 38": a list goes on while a comma is followed by another number
    while True:
        more = re.match(r"\s*,\s*", after[end:])
        if not more:
            break
        nxt = _VALUE.match(after, end + more.end())
        if nxt is None or not _NUMBERISH.match(after, end + more.end()):
            break
        end = nxt.end()
    return label or "page", after[:end].strip(), after[end:]


def parse_cite(text: str, terms) -> dict:
    text = text.strip()
    at = text.find("@")
    if at < 0:
        raise ClusterSyntaxError(f"no '@key' in {text!r}" if text else "an empty cite")
    prefix = text[:at]
    suppress = prefix.endswith("-")
    if suppress:
        prefix = prefix[:-1]
    key, end = _read_key(text, at + 1)
    label, locator, suffix = _read_locator(text[end:], terms)
    if "@" in suffix and re.search(r"(?:^|[\s\[;-])@\S", suffix):
        raise ClusterSyntaxError("two keys in one cite (separate cites with ';')", key)
    cite: dict = {"id": key}
    if locator is not None:
        cite["locator"] = locator
        cite["label"] = label
    if prefix.strip():
        cite["prefix"] = prefix.strip()
    if suffix.strip():
        cite["suffix"] = suffix.rstrip() if suffix.startswith((",", ";", ":", ".")) else suffix.strip()
    if suppress:
        cite["suppress-author"] = True
    return cite


def _split_cites(body: str) -> list[str]:
    """Split at ';' outside braces."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    return parts


def parse_line(line: str, terms) -> list[dict]:
    """One cluster from one line: `[...]` with cites separated by ';', or `@key` alone
    (optionally `@key [locator]`, pandoc's in-text form with a locator)."""
    text = line.strip()
    if not text:
        raise ClusterSyntaxError("an empty line")
    if text.startswith("["):
        if not text.endswith("]"):
            raise ClusterSyntaxError("a '[' that is not closed by ']' at the end of the line")
        body = text[1:-1]
        if not body.strip():
            raise ClusterSyntaxError("an empty citation '[]'")
        return [parse_cite(part, terms) for part in _split_cites(body)]
    if text.startswith(("@", "-@")):
        suppress = text.startswith("-")
        key, end = _read_key(text, text.index("@") + 1)
        rest = text[end:].strip()
        cite: dict = {"id": key}
        if rest:
            if not (rest.startswith("[") and rest.endswith("]")):
                raise ClusterSyntaxError(f"text after the key @{key} (write the cluster in brackets: [@{key}, ...])", key)
            inner = parse_cite("@k, " + rest[1:-1].strip() if not rest[1:-1].lstrip().startswith(",") else "@k" + rest[1:-1], terms)
            cite.update({k: v for k, v in inner.items() if k != "id"})
        if suppress:
            cite["suppress-author"] = True
        return [cite]
    raise ClusterSyntaxError("a cluster starts with '[' or '@'")
