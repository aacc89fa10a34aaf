"""Citation clusters written in pandoc's citation syntax, one cluster per line.

    [@blog/2023/63, para. 4; @yorum/2020/5]     two cites, the first with a locator
    [-@analiz/2018/7]                           suppress-author
    [see @commentary/2024/38, sec. 2]           a prefix and a locator
    [@kuzio2023ending, pp. 33-35, 38, and elsewhere]   a locator, then a suffix
    @2023/63                                    a cite alone (a cluster of one)
    [@{odd key;with;semicolons}, 5]             a braced key; a bare number is a page

As pandoc 3 reads them (a port of Text.Pandoc.Citeproc.Locator's pLocatorWords; checked
against pandoc itself in tests/test_csl_pandoc_cites.py): a key starts with a letter, digit
or `_` and may hold internal punctuation (`:.#$%&-+?<>~/`) followed by a letter or digit.
After the key, an optional `,` and space, then a locator: a term of the locale (pandoc's
locator terms: book, chapter, column, figure, folio, issue, line, note, opus, page,
paragraph, part, section, sub-verbo, verse, volume; their long, short and symbol forms,
singular and plural: p., pp., para., ¶, sec., §, chap., fig., vol., n., l., col., no., ...)
followed by words that hold a digit or a roman numeral ("33-35, 38", "xii", "34(1)",
"2.3"), or, without a term, words that hold a digit (a page: "33", "C22"); or `{...}`
holding a term and anything ("{p. iv, and 12}"). What follows is the suffix; when no
locator is found the whole is the suffix, with ", " before it if it starts with a word
("[@a xii]" keeps its space: "A xii"). "ch." is no en-US term, so "[@a, ch. 3]" is a suffix,
as in pandoc. `@key` outside brackets is pandoc's in-text form; a line holding only it is
taken as a cluster of that one cite (CSL has no in-text mode of its own: citeproc-js
renders a cluster).
"""

from __future__ import annotations

import re

# The locator terms pandoc reads (Text.Pandoc.Citeproc.Locator.locatorTerms), an earlier one
# winning a form two share, and their forms in the en-US locale file (long, short, symbol;
# singular and plural): the table when no other locale's terms are read.
LOCATOR_TERMS = ("book", "chapter", "column", "figure", "folio", "issue", "line", "note", "opus", "page",
                 "number-of-pages", "paragraph", "part", "section", "sub-verbo", "verse", "volume")  # fmt: skip
_EN_TERMS = {
    "book": ["book", "books", "bk.", "bks."],
    "chapter": ["chapter", "chapters", "chap.", "chaps.", "c.", "cc."],
    "column": ["column", "columns", "col.", "cols."],
    "figure": ["figure", "figures", "fig.", "figs."],
    "folio": ["folio", "folios", "fol.", "fols."],
    "issue": ["issue", "issues", "no.", "nos."],
    "line": ["line", "lines", "l.", "ll."],
    "note": ["note", "notes", "n.", "nn."],
    "opus": ["opus", "opera", "op.", "opp."],
    "page": ["page", "pages", "p.", "pp."],
    "paragraph": ["paragraph", "paragraphs", "para.", "paras.", "¶", "¶¶"],
    "part": ["part", "parts", "pt.", "pts."],
    "section": ["section", "sections", "sec.", "secs.", "§", "§§"],
    "sub-verbo": ["sub verbo", "sub verbis", "s.v.", "s.vv."],
    "verse": ["verse", "verses", "v.", "vv."],
    "volume": ["volume", "volumes", "vol.", "vols."],
}


class ClusterSyntaxError(ValueError):
    """A line that is not pandoc citation syntax; `key` is the key it was reading, if any."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


def locator_terms(locale_terms: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Case-folded form -> locator label: the locale's forms of pandoc's locator terms (an
    earlier term of LOCATOR_TERMS winning), then en-US's for forms the locale lacks."""
    table: dict[str, str] = {}
    for source in (locale_terms or {}, _EN_TERMS):
        for label in LOCATOR_TERMS:
            for form in source.get(label, ()):
                if form and form.strip():
                    table.setdefault(form.strip().casefold(), label)
    return table


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


# --- the locator: a port of pandoc's Text.Pandoc.Citeproc.Locator (pLocatorWords) ----------
#
# The suffix is split as pandoc's reader and splitInp split it: white space runs are one space
# token, each punctuation character but ':' a token of its own, the rest words.

_SPACE, _NBSP = " ", "\u00a0"
_ROMAN_NUMERAL = re.compile(r"M*(?:CM)?D?(?:CD)?C*(?:XC)?L?(?:XL)?X*(?:IX)?V?(?:IV)?I*")
_BRACES = {"(": ")", "[": "]", "{": "}"}


def _is_punct(ch: str) -> bool:
    import unicodedata

    return unicodedata.category(ch).startswith("P")


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    word = ""
    for ch in text:
        if ch.isspace() and ch != _NBSP:
            if word:
                out.append(word)
                word = ""
            if not out or out[-1] != _SPACE:
                out.append(_SPACE)
        elif ch == _NBSP or (_is_punct(ch) and ch != ":"):
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
    if word:
        out.append(word)
    return out


class _Fail(Exception):
    pass


class _LocatorParser:
    """pandoc's parser over the tokens; each method returns (value, next index) or raises _Fail."""

    def __init__(self, tokens: list[str], terms: dict[str, str]) -> None:
        self.toks, self.terms = tokens, terms

    def tok(self, i: int) -> str:
        if i >= len(self.toks):
            raise _Fail
        return self.toks[i]

    def char(self, i: int, test) -> int:
        t = self.tok(i)
        if len(t) == 1 and t != _SPACE and test(t):
            return i + 1
        raise _Fail

    def space(self, i: int) -> int:
        if self.tok(i) in (_SPACE, _NBSP):
            return i + 1
        raise _Fail

    def words(self, i: int):
        """pLocatorWords: (label, locator) or None, and the index where the suffix starts."""
        try:
            i = self.char(i, lambda c: c == ",")
        except _Fail:
            pass
        try:
            i = self.space(i)
        except _Fail:
            pass
        try:
            (label, loc), j = self.delimited(i)
        except _Fail:
            (label, loc), j = self.integrated(i)
        return (None if not label and not loc else (label, loc)), j

    # {p. iv, and 12}
    def delimited(self, i: int):
        i = self.char(i, lambda c: c == "{")
        while self.toks[i:i + 1] in ([_SPACE], [_NBSP]):
            i += 1
        label, i = self.label_delimited(i)
        parts = []
        while True:
            try:
                (_, text), i = self.balanced(i, "{[", lambda k: ((True, self.tok(k)), k + 1))
            except _Fail:
                break
            parts.append(text)
        i = self.char(i, lambda c: c == "}")
        return (label, "".join(parts)), i

    def label_delimited(self, i: int):
        try:
            return self.label(i, self.tok)  # a term followed by any token
        except _Fail:
            pass
        try:
            self.char(i, str.isdigit)
            return "page", i
        except _Fail:
            return "", i

    # p. 33-35, 38
    def integrated(self, i: int):
        try:
            label, i = self.label(i, lambda k: self.word(k, True, self.roman_or_digits))
            implicit = False
        except _Fail:
            self.word(i, True, self.digits)  # lookahead: a word with digits is a page
            label, implicit = "page", True
        check = self.digits if implicit else self.roman_or_digits
        text, i = self.word(i, not implicit, check)
        parts = [text]
        while True:
            try:
                text, i = self.word(i, False, check)
                parts.append(text)
            except _Fail:
                break
        return (label, "".join(parts)), i

    def label(self, i: int, lookahead):
        """pLocatorLabel': the longest run of tokens, each step up to where `lookahead`
        matches, that is a locator term (case-folded, white space stripped): (its label,
        the index after it)."""
        best = None
        acc, k = "", i
        while True:
            if k >= len(self.toks):
                break
            acc += self.toks[k]
            k += 1
            while True:  # manyTill anyToken (lookAhead lim)
                try:
                    lookahead(k)
                    break
                except _Fail:
                    if k >= len(self.toks):
                        k = None
                        break
                    acc += self.toks[k]
                    k += 1
            if k is None:
                break
            name = self.terms.get(acc.strip().casefold())
            if name is not None:
                best = (name, k)
        if best is None:
            raise _Fail
        return best

    def digits(self, digit_like: bool, text: str) -> bool:
        return any(ch.isdigit() for ch in text)

    def roman_or_digits(self, digit_like: bool, text: str) -> bool:
        return digit_like

    def word(self, i: int, first: bool, check):
        """pLocatorWordIntegrated, then the check: (text, next index)."""
        punct = ""
        if not first:
            try:
                i2 = self.char(i, lambda c: c in ",;")
                punct, i = self.toks[i], i2
            except _Fail:
                pass
        sp = ""
        try:
            i = self.space(i)
            sp = " "
        except _Fail:
            pass
        (digit_like, text), i = self.balanced_seq(i)
        if not check(digit_like, text):
            raise _Fail
        return punct + sp + text, i

    def balanced_seq(self, i: int):
        """pBalancedBraces [(), [], {}] pPageSeq."""
        return self.balanced(i, "([{", self.page_seq)

    def balanced(self, i: int, opens: str, inner):
        """pBalancedBraces: one or more units, each `inner` bare or inside one pair of the
        brackets `opens` (not nested further): ((any digit-like, text), next index)."""
        units = []
        while True:
            try:
                unit, i = self.surround(i, opens, inner)
            except _Fail:
                break
            units.append(unit)
        if not units:
            raise _Fail
        return (any(d for d, _ in units), "".join(t for _, t in units)), i

    def surround(self, i: int, opens: str, inner):
        t = self.tok(i)
        if t in opens:
            close = _BRACES[t]
            try:
                (digit_like, middle), j = self.excepted(i + 1, opens, inner)
            except _Fail:
                (digit_like, middle), j = (False, ""), i + 1
            if self.toks[j:j + 1] == [close]:
                return (digit_like, t + middle + close), j + 1
            raise _Fail
        return self.excepted(i, opens, inner)

    def excepted(self, i: int, opens: str, inner):
        t = self.tok(i)
        if len(t) == 1 and (t in opens or t in "".join(_BRACES[o] for o in opens)):
            raise _Fail
        return inner(i)

    def page_seq(self, i: int):
        """pPageSeq: a page unit and more after periods (1, 1.2, 1.2.3), or .2."""
        try:
            (digit_like, text), i = self.page_unit(i)
        except _Fail:
            (digit_like, text), i = self.with_period(i)
            return (digit_like, text), i
        while True:
            try:
                (d, t), i = self.with_period(i)
                digit_like, text = digit_like or d, text + t
            except _Fail:
                break
        return (digit_like, text), i

    def with_period(self, i: int):
        i = self.char(i, lambda c: c == ".")
        (d, t), i = self.page_unit(i)
        return (d, "." + t), i

    def page_unit(self, i: int):
        t = self.tok(i)
        if t not in (_SPACE, _NBSP) and _ROMAN_NUMERAL.fullmatch(t.upper()) and t:
            return (True, t), i + 1
        start = i
        while i < len(self.toks):
            t = self.toks[i]
            if t in (_SPACE, _NBSP) or (len(t) == 1 and _is_punct(t) and t not in "-–:"):
                break
            i += 1
        if i == start:
            raise _Fail
        text = "".join(self.toks[start:i])
        return (any(ch.isdigit() for ch in text), text), i


def _read_locator(rest: str, terms: dict[str, str]) -> tuple[str | None, str | None, str]:
    """(label, locator, suffix) from what follows a key, as pandoc reads it; without a
    locator the suffix gets pandoc's ", " before a word (maybeAddComma)."""
    tokens = _tokens(rest)
    parser = _LocatorParser(tokens, terms)
    try:
        found, end = parser.words(0)
    except _Fail:
        found, end = None, 0
    if found is None:
        tail = tokens[end:] if end else tokens
        text = "".join(tail)
        if text and not tail[0] == _SPACE and not _is_punct(text[0]):
            text = ", " + text
        return None, None, text
    label, loc = found
    return label or "page", loc, "".join(tokens[end:])


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
