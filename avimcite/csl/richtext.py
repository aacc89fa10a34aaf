"""Rich text as citeproc-js renders it: CSL-JSON markup in item fields, quotes and
decorations that flip when nested, punctuation in and at quotes, text-case.

While a style renders, formatting is carried in the text as marker characters (Unicode
private-use code points, never part of the output): every decoration the style applies
(avimcite.csl.markup's wrappers), every quotes="true", and the rich text read from item
fields (<i>, <b>, <sup>, <sub>, <sc>, <span style="font-variant:small-caps;">,
<span class="nocase">, <span class="nodecor">, straight and curly quotes) are one opening
and one closing marker around their text. text-case reads them (nothing is cased inside
nocase, small caps, sub- or superscript, as citeproc-js's formatters), seams see through
them, and `finish` turns a rendered citation or entry into the output format at the end:
an italic inside italics prints upright (<span style="font-style:normal;">), quotes inside
quotes print the locale's inner quotes, and with punctuation-in-quote a period or comma
after a closing quote moves inside it (citeproc-js's CSL.Output.Queue.adjust). install()
is called once, from avimcite.csl._citeproc, after avimcite.csl.fixes.
"""

from __future__ import annotations

import re

from avimcite.csl.context import per_render
from avimcite.csl.lazyre import LazyPattern as _lazy_re  # speed only: compiled on first use

# Patterns of the functions below (compiled on first use, their code kept by avimcite.rx).
_FIRST_LETTER = _lazy_re(r"(\s*)(.)(.*)", re.S)
_GREEK_LETTER = _lazy_re("[\u0370-\u03ff]$")
_PERIOD_NOT_BEFORE_LOWER = _lazy_re(r"\.(?![a-z])")

# --- markers ---------------------------------------------------------------------------

ITALIC = ("\ue000", "\ue001")
BOLD = ("\ue002", "\ue003")
SMALL_CAPS = ("\ue004", "\ue005")
SUP = ("\ue006", "\ue007")
SUB = ("\ue008", "\ue009")
UNDERLINE = ("\ue00a", "\ue00b")
NOCASE = ("\ue00c", "\ue00d")
QUOTE = ("\ue00e", "\ue00f")
NODECOR = ("\ue010", "\ue011")
NORMAL_STYLE = ("\ue012", "\ue013")  # font-style="normal" given in the style
NORMAL_WEIGHT = ("\ue014", "\ue015")
NORMAL_VARIANT = ("\ue016", "\ue017")
BASELINE = ("\ue018", "\ue019")
SINGLE_QUOTE = ("\ue01d", "\ue01e")  # a field's ‘…’: inner quotes where no quotes enclose it
AFFIX_QUOTE = ("\ue020", "\ue021")  # quotes in a cite's prefix or suffix: no punctuation moves in
AFFIX_SINGLE_QUOTE = ("\ue022", "\ue023")
# a field's quotes under quotes="false" on the outermost element with a quotes attribute around
# it: citeproc-js's FlipFlopper flips from that decoration ("false" -> outer), whatever quotes
# the style puts between ("“A “B” C”" from quotes="false" on a macro call around quotes="true")
FIELD_QUOTES_OUTER = ("\ue025", "\ue026")
# citeproc-js's number blobs of a cite under collapse="citation-number" (avimcite.csl.clusters):
# the cite's citation-number and its locator's numbers, kept apart from its text so that the
# cluster's numbers can join into ranges; they print nothing themselves
NUMBER_BLOB = ("\ue027", "\ue028")
LOCATOR_BLOB = ("\ue029", "\ue02a")
NOTE_BLOB = ("\ue02b", "\ue02c")  # first-reference-note-number, in any style that prints it

_ALL = (ITALIC, BOLD, SMALL_CAPS, SUP, SUB, UNDERLINE, NOCASE, QUOTE, NODECOR, NORMAL_STYLE, NORMAL_WEIGHT,
        NORMAL_VARIANT, BASELINE, SINGLE_QUOTE, AFFIX_QUOTE, AFFIX_SINGLE_QUOTE, FIELD_QUOTES_OUTER,
        NUMBER_BLOB, LOCATOR_BLOB, NOTE_BLOB)  # fmt: skip
_QUOTES = (QUOTE, SINGLE_QUOTE, AFFIX_QUOTE, AFFIX_SINGLE_QUOTE)
_MOVING = {QUOTE[1], SINGLE_QUOTE[1]}  # closing quotes punctuation-in-quote moves marks into
# what starts a cite's own suffix: no mark of it moves into a closing quote before it
# (citeproc-js appends the suffix as a text blob of its own, which Queue.adjust never merges)
STAY = "\ue024"
_TERMINAL = ":.;!? "  # citeproc-js's TERMINAL_PUNCTUATION


def stays_outside(text: str) -> bool:
    """Does a printed text's leading mark stay where it is, out of a closing quote before it?
    citeproc-js's Queue.append makes the leading run of ":.;!? " of a text its prefix (which
    may move into the quote) when some text follows the run; a "," or a text that is all
    marks ("; ", ". ") keeps them as its text, which nothing moves."""
    text = strip(text)
    if not text or text[0] not in ".,!?":
        return False
    return text[0] == "," or not text.lstrip(_TERMINAL)
DELETE = "\ue01a"  # a seam's mark that gives way to the one after it (":" then "!" prints "!")
LESS, GREATER = "\ue01b", "\ue01c"  # "<" and ">" of a number variable in HTML (escaped at the end)
OPENERS = {pair[0]: pair for pair in _ALL}
CLOSERS = {pair[1]: pair for pair in _ALL}
MARKERS = "".join(OPENERS) + "".join(CLOSERS)
_MARKER = _lazy_re("[\ue000-\ue03f]")
_MARKER_SPLIT = _lazy_re("([\ue000-\ue019\ue01d-\ue03f])")

# what a wrapper of avimcite.csl.markup puts around its text
WRAPPERS = {"Italic": ITALIC, "Oblique": ITALIC, "Bold": BOLD, "Underline": UNDERLINE, "Superscript": SUP,
            "Subscript": SUB, "SmallCaps": SMALL_CAPS}  # fmt: skip


def strip(text: str) -> str:
    """The text without markers."""
    return _MARKER.sub("", text) if text and _MARKER.search(text) else text


# --- reading CSL-JSON rich text (citeproc-js's CSL.Util.FlipFlopper) ---------------------

_SC_SPAN = '<span style="font-variant:small-caps;">'
_TAG_TYPES = {
    "<i>": (ITALIC, "</i>"), "<b>": (BOLD, "</b>"), "<sup>": (SUP, "</sup>"), "<sub>": (SUB, "</sub>"),
    "<sc>": (SMALL_CAPS, "</sc>"), _SC_SPAN: (SMALL_CAPS, "</span>"), '<span class="nocase">': (NOCASE, "</span>"),
    '<span class="nodecor">': (NODECOR, "</span>"),
    ' "': (QUOTE, '"'), " '": (QUOTE, "'"), '("': (QUOTE, '"'), "('": (QUOTE, "'"),
    "\u201c": (QUOTE, "\u201d"), "\u2018": (SINGLE_QUOTE, "\u2019"),
}  # fmt: skip
_CLOSING_TAGS = {closer for _, closer in _TAG_TYPES.values()}
_TOKENS = sorted(set(_TAG_TYPES) | _CLOSING_TAGS, key=len, reverse=True)
_TOKEN = _lazy_re("(" + "|".join(re.escape(t) for t in _TOKENS) + ")")
_TAG_TOKEN = _lazy_re("(" + "|".join(re.escape(t) for t in _TOKENS if t.startswith("<")) + ")")
_CURLY = ("\u201c", "\u2018")  # the defaults' curly openers: the locale's quotes replace them
_STRAIGHT = (' "', " '", '"', "'")
_STRAIGHT_OPENERS = (' "', " '", '("', "('")
_field_quotes = per_render("richtext.field_quotes", dict)
_stripping = per_render("richtext.stripping", list)  # macro calls with strip-periods open around
_quotes_open = per_render("richtext.quotes_open", list)  # quotes="…" of the elements open, outermost first  # the style's quote tags, once it is read


def read_locale_quotes(root) -> None:
    """Fields are read with the locale's quote marks as citeproc-js's FlipFlopper reads them:
    the open-quote and close-quote term pair is a quote (outer), the inner pair an inner
    quote, and curly marks that are neither are text ("“x”" under a style whose quotes are
    ‘…’ and “…” prints as inner quotes; under «…» as typed). Straight quotes are always read."""
    def term(name):  # as written (the style's formatter is not set yet)
        found = root.get_term(name)
        if found is None:
            return ""
        single = found.find("cs:single", found.nsmap)
        return (single.text if single is not None else found.text) or ""

    open_quote, close_quote = term("open-quote"), term("close-quote")
    open_inner, close_inner = term("open-inner-quote"), term("close-inner-quote")
    types = {tag: kind for tag, kind in _TAG_TYPES.items() if tag not in _CURLY}
    for opener, closer, pair in ((open_quote, close_quote, QUOTE), (open_inner, close_inner, SINGLE_QUOTE)):
        if opener and closer and opener not in _STRAIGHT:
            types[opener] = (pair, closer)
    tokens = sorted(set(types) | {closer for _, closer in types.values()}, key=len, reverse=True)
    _field_quotes["types"] = types
    _field_quotes["token"] = re.compile("(" + "|".join(re.escape(t) for t in tokens) + ")")


def _tag_table():
    """(the openers and what they open, the pattern that splits a field on its tags)."""
    if "types" in _field_quotes:
        return _field_quotes["types"], _field_quotes["token"]
    return _TAG_TYPES, _TOKEN
_SC_NORMAL = _lazy_re(r'(<span)\s+(style="font-variant:)\s*(small-caps);?"[^>]*(>)')
_CLASS_NORMAL = _lazy_re(r'(<span)\s+(class="no(?:case|decor)")[^>]*(>)')
_ROMANESQUE = "a-zA-Z\u0080-\u024f\u0370-\u03ff\u0400-\u052f\u1e00-\u1fff"
_INNER_APOSTROPHE = _lazy_re(f"([{_ROMANESQUE}])\u2019([{_ROMANESQUE}])")
_APOSTROPHE_BEFORE = _lazy_re(r"^[^,.?:; ]")


_AFFIX = {QUOTE: AFFIX_QUOTE, SINGLE_QUOTE: AFFIX_SINGLE_QUOTE}


_SPACE_BEFORE_MARK = _lazy_re(" ([:;?!\u00bb])")


def french_spacing(text: str) -> str:
    """A space before ":", ";", "?", "!", "»" and after "«" is a narrow no-break space, as
    citeproc-js prints every string it renders ("His «\u202fAnonymous\u202f» Life")."""
    return _SPACE_BEFORE_MARK.sub("\u202f\\1", text).replace("\u00ab ", "\u00ab\u202f")


def parse(text: str, escape=None, quotes: bool | str = True) -> str:
    """A field's CSL-JSON rich text as marker text, each piece of text escaped with `escape`:
    matched tags and quotes become markers, a stray tag stays as text, an apostrophe is ’.
    quotes="affix" (a cite's prefix or suffix): quotes that punctuation-in-quote leaves alone,
    as citeproc-js; quotes=False: quotation marks stay as typed."""
    escape = escape or (lambda s: s)
    if not text:
        return text
    if " " in text:
        text = french_spacing(text)
    text = _CLASS_NORMAL.sub(r"\1 \2\3", _SC_NORMAL.sub(r'\1 \2\3;"\4', text))
    source = " " + (_INNER_APOSTROPHE.sub(r"\1'\2", text) if quotes else _NAME_APOSTROPHE.sub("\u2019", text))
    tag_types, token = _tag_table()
    parts = (token if quotes else _TAG_TOKEN).split(source)
    strings, tags = parts[0::2], parts[1::2]
    if not tags:
        return escape(text)
    forced = [False] * len(tags)
    for i in range(len(tags) - 1):
        if tags[i] in tag_types and strings[i + 1] == "" and tags[i + 1] in ('"', "'"):
            tags[i + 1] = " " + tags[i + 1]
            forced[i + 1] = True
    stack: list[tuple[str, int]] = []  # (closing tag, position)

    def literal(pos: int) -> None:
        tag = tags[pos]
        if forced[pos]:
            tag = tag[1:]
        strings[pos + 1] = tag + strings[pos + 1]
        tags[pos] = ""

    for i, tag in enumerate(tags):
        following = strings[i + 1]
        if tag == "'" and following and _APOSTROPHE_BEFORE.match(following):
            strings[i + 1], tags[i] = "\u2019" + following, ""
            continue
        if tag == " '" and following[:1] == " ":
            strings[i + 1], tags[i] = " \u2019" + following, ""
            continue
        if tag in tag_types:
            stack.append((tag_types[tag][1], i))
            continue
        while True:  # a closing tag
            if stack and stack[-1][0] == tag:
                stack.pop()
                break
            if tag == "'":
                strings[i + 1], tags[i] = "\u2019" + strings[i + 1], ""
                break
            if stack:
                literal(stack.pop()[1])
                continue
            literal(i)
            break
    for closer, pos in reversed(stack):  # openers never closed are text
        if tags[pos] in (" '", "'"):
            strings[pos + 1] = " \u2019" + strings[pos + 1]
            tags[pos] = ""
        else:
            literal(pos)
    # the straight quote form seen first is the outer one, the other the inner one
    # (citeproc-js's _setOuterQuoteForm): "A \"B\" C 'D'" prints ‘D’ as "B" prints “B”
    first = next((tag[-1] for tag in tags if tag in _STRAIGHT_OPENERS), None)
    out, open_stack = [escape(strings[0])], []
    for i, tag in enumerate(tags):
        if tag:
            if tag in tag_types:
                pair = tag_types[tag][0]
                if tag in _STRAIGHT_OPENERS and tag[-1] != first:
                    pair = SINGLE_QUOTE
                if quotes == "affix":
                    pair = _AFFIX.get(pair, pair)
                if pair in _QUOTES and tag[0] in " (" and not forced[i]:
                    out.append(escape(tag[0]))
                out.append(pair[0])
                open_stack.append(pair)
            else:
                out.append(open_stack.pop()[1])
        out.append(escape(strings[i + 1]))
    result = "".join(out)
    return result[1:] if result.startswith(" ") else result


# --- text-case (citeproc-js's CSL.Output.Formatters) -------------------------------------

_CASE_TAG = _lazy_re("([\ue000-\ue03f]|[-\u2013\u2014/.,;?!:\\[\\]()\u201c\u201d\"]|(?<!\\w)['\u2018\u2019]|['\u2018\u2019](?!\\w))")
_ENTITY = _lazy_re(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_NO_CASE = {NOCASE[0], SMALL_CAPS[0], SUP[0], SUB[0], NODECOR[0]}
_WORD_SPLIT = _lazy_re("([\u00a0 \u2000-\u200b\u205f\u3000]+)")
_SKIP_WORDS = ["about", "above", "across", "afore", "after", "against", "al", "along", "alongside", "amid", "amidst", "among",
               "amongst", "anenst", "apropos", "apud", "around", "as", "aside", "astride", "at", "athwart", "atop", "barring",
               "before", "behind", "below", "beneath", "beside", "besides", "between", "beyond", "but", "by", "circa", "despite",
               "down", "during", "et", "except", "for", "forenenst", "from", "given", "in", "inside", "into", "lest", "like",
               "modulo", "near", "next", "notwithstanding", "of", "off", "on", "onto", "out", "over", "per", "plus", "pro",
               "qua", "sans", "since", "than", "through", " thru", "throughout", "thruout", "till", "to", "toward", "towards",
               "under", "underneath", "until", "unto", "up", "upon", "versus", "vs.", "v.", "vs", "v", "via", "vis-à-vis",
               "with", "within", "without", "according to", "ahead of", "apart from", "as for", "as of", "as per",
               "as regards", "aside from", "back to", "because of", "close to", "due to", "except for", "far from",
               "inside of", "instead of", "near to", "next to", "on to", "out from", "out of", "outside of", "prior to",
               "pursuant to", "rather than", "regardless of", "such as", "that of", "up to", "where as", "or", "yet", "so",
               "for", "and", "nor", "a", "an", "the", "de", "d'", "von", "van", "c", "ca"]  # fmt: skip
# citeproc-js's skip-words-regexp (build.js), searched in a lower-cased word
_SKIP = _lazy_re("(?:(?:[?!:]*\\s+|-|^)(?:" + "|".join(re.escape(w) for w in _SKIP_WORDS) + ")(?=[!?:]*\\s+|-|$))")
_TR_UPPER = str.maketrans({"i": "İ", "ı": "I"})
_TR_LOWER = str.maketrans({"İ": "i", "I": "ı"})


def _upper(text: str, turkish: bool) -> str:
    return (text.translate(_TR_UPPER) if turkish else text).upper()


def _lower(text: str, turkish: bool) -> str:
    return (text.translate(_TR_LOWER) if turkish else text).lower()


def _capitalise(word: str, turkish: bool) -> str:
    m = _FIRST_LETTER.match(word)
    if m and not (_GREEK_LETTER.match(m.group(2)) and not m.group(3)):
        return m.group(1) + _upper(m.group(2), turkish) + m.group(3)
    return word


def apply_case(text: str, case: str, turkish: bool = False) -> str:
    """`text` (marker text) in the text-case `case`, as citeproc-js's formatters: words are
    what lies between spaces, punctuation and markup; nothing changes inside nocase, small
    caps, sub- or superscript."""
    if not text or case not in ("lowercase", "uppercase", "sentence", "title", "capitalize-first", "capitalize-all"):
        return text
    entities: list[str] = []
    if "&" in text:  # an escaped character (HTML) is one mark, not letters and a ";"

        def hold(m):
            entities.append(m.group(0))
            return chr(0xF0000 + len(entities) - 1)

        text = _ENTITY.sub(hold, text)
    parts = _CASE_TAG.split(text)
    strings, tags = parts[0::2], parts[1::2]
    state = {"first": True, "after_punct": False, "last": None}
    if case == "title":
        state["after_punct"] = False

    def words(index: int, following: str | None) -> None:
        chunk = strings[index]
        pieces = _WORD_SPLIT.split(chunk)
        for j in range(0, len(pieces), 2):
            word = pieces[j]
            if not word:
                continue
            lower = _lower(word, turkish)
            if case == "lowercase":
                pieces[j] = lower
            elif case == "uppercase":
                pieces[j] = _upper(word, turkish)
            elif case == "sentence":
                pieces[j] = _capitalise(word, turkish) if state["first"] else lower
                state["first"] = False
            elif case == "capitalize-first":
                if state["first"]:
                    if word == lower:
                        pieces[j] = _capitalise(word, turkish)
                    state["first"] = False
            elif case == "capitalize-all":
                if word == lower:
                    pieces[j] = _capitalise(word, turkish)
            else:  # title
                capitalise = (len(word) > 1 and not _SKIP.search(lower)) or state["first"] or state["after_punct"]
                if not capitalise and j == len(pieces) - 1 and following == "-":
                    capitalise = True
                if capitalise and word == lower:
                    pieces[j] = _capitalise(word, turkish)
                state["first"] = state["after_punct"] = False
                state["last"] = (index, j)
        strings[index] = "".join(pieces)

    if strings[0].strip():
        words(0, tags[0] if tags else None)
    skip: list[str] = []
    for i, tag in enumerate(tags):
        chunk = strings[i + 1]
        if tag in _NO_CASE:
            skip.append(OPENERS[tag][1])
        elif skip and tag == skip[-1]:
            skip.pop()
        if case == "title" and tag in "!?:":
            state["after_punct"] = True
        if not skip:
            words(i + 1, None)  # citeproc-js passes the following tag for the first string only
        elif chunk.strip():
            state["last"] = None
        if chunk.strip():
            state["first"] = False
            state["after_punct"] = False
    if case == "title" and state["last"] is not None:
        index, j = state["last"]
        pieces = _WORD_SPLIT.split(strings[index])
        word = pieces[j]
        if len(word) > 1 and _SKIP.search(_lower(word, turkish)):
            pieces[j] = _capitalise(word, turkish)
            strings[index] = "".join(pieces)
    out = [strings[0]]
    for tag, chunk in zip(tags, strings[1:]):
        out += [tag, chunk]
    result = "".join(out)
    if entities:
        result = re.sub("[\U000f0000-\U000fffff]", lambda m: entities[ord(m.group(0)) - 0xF0000], result)
    return result


# --- the output (citeproc-js's flip-flop of decorations and CSL.Output.Queue.adjust) ----

from avimcite.csl.marks import MERGED as _MERGED  # noqa: E402 - citeproc-js's table of marks that meet at a seam
_SWAP_IN = ".,!?"
_SWAP_OUT = ",;:"


def _merge(left: str, right: str) -> str:
    if left == right:
        return left
    return _MERGED.get(left, {}).get(right, left + right)


def _closing_run(tokens: list[str], i: int) -> int:
    """The index after the run of closing markers that starts at i."""
    while i < len(tokens) and len(tokens[i]) == 1 and tokens[i] in CLOSERS:
        i += 1
    return i


def _quote_punctuation(text: str, inside: bool) -> str:
    """Punctuation at a closing quote: with punctuation-in-quote, a period, comma, "!" or "?"
    after it moves inside (merged with the mark already there); without, a comma, colon or
    semicolon that ends the quoted text moves out (citeproc-js's swapToTheLeft/Right)."""
    if not any(q in text for q in _MOVING):
        return text
    tokens = [t for t in _MARKER_SPLIT.split(text) if t != ""]
    i = 0
    while i < len(tokens):
        if tokens[i] not in _MOVING or (i > 0 and tokens[i - 1] in CLOSERS and _has_quote_before(tokens, i)):
            i += 1
            continue
        end = _closing_run(tokens, i)
        if not _MOVING.intersection(tokens[i:end]):
            i += 1
            continue
        before = i - 1  # the text the quote's content ends with
        while before >= 0 and len(tokens[before]) == 1 and tokens[before] in MARKERS:
            before -= 1
        if inside:
            after = tokens[end] if end < len(tokens) else ""
            moved = ""
            while after and after[0] in _SWAP_IN:
                moved, after = moved + after[0], after[1:]
            if moved and before >= 0:
                content = tokens[before]
                for mark in moved:
                    if content and content[-1] in _MERGED:
                        content = content[:-1] + _merge(content[-1], mark)
                    else:
                        content += mark
                tokens[before] = content
                tokens[end] = after
        elif before >= 0 and tokens[before] and tokens[before][-1] in _SWAP_OUT:
            content = tokens[before]
            moved = ""
            while content and content[-1] in _SWAP_OUT:
                moved, content = content[-1] + moved, content[:-1]
            tokens[before] = content
            after = tokens[end] if end < len(tokens) else ""
            if end >= len(tokens):
                tokens.append("")
            for mark in reversed(moved):
                after = (_merge(mark, after[0]) + after[1:]) if after[:1] in _MERGED else mark + after
            tokens[end] = after
        i = end
    return "".join(tokens)


def _deleted(text: str) -> str:
    """Each DELETE marker takes the visible character before it away."""
    out: list[str] = []
    for ch in text:
        if ch != DELETE:
            out.append(ch)
            continue
        for k in range(len(out) - 1, -1, -1):
            if out[k] not in MARKERS:
                del out[k]
                break
    return "".join(out)


def _has_quote_before(tokens: list[str], i: int) -> bool:
    """Is tokens[i] a closing quote inside a run of closers that holds an earlier closing quote?"""
    j = i - 1
    while j >= 0 and len(tokens[j]) == 1 and tokens[j] in CLOSERS:
        if tokens[j] in _MOVING:
            return True
        j -= 1
    return False


def serialise(text: str, fmt: str, quotes: tuple[str, str, str, str], in_quote: bool = False) -> str:
    """Marker text as the output format: decorations flip when nested, quotes alternate
    between the locale's outer and inner quotes."""
    if not _MARKER.search(text):
        return text
    from avimcite.csl.markup import tags

    if DELETE in text:
        text = _deleted(text)
    if LESS in text or GREATER in text:
        lt, gt = ("&lt;", "&gt;") if fmt == "html" else ("<", ">")
        text = text.replace(LESS, lt).replace(GREATER, gt)
    text = _quote_punctuation(text, in_quote)
    table = tags(fmt)
    out: list[str] = []
    state = {"italic": False, "bold": False, "small-caps": False, "vertical": False, "quote": None}
    stack: list[tuple[str, dict]] = []  # (what closes it, the state before it)
    for token in _MARKER_SPLIT.split(text):
        if not token:
            continue
        if token in OPENERS:
            pair = OPENERS[token]
            saved = dict(state)
            close = ""
            if pair is FIELD_QUOTES_OUTER:
                state["quote"] = "reset"
            elif pair in _QUOTES:
                # citeproc-js's flip-flop: inside outer quotes inner ones, inside inner outer;
                # a field's ‘…’ not inside quotes keeps its inner quotes
                enclosing = state.get("quote")
                if enclosing == "reset":
                    outer = True
                else:
                    outer = enclosing == "inner" if enclosing else pair not in (SINGLE_QUOTE, AFFIX_SINGLE_QUOTE)
                out.append(quotes[0] if outer else quotes[2])
                close = quotes[1] if outer else quotes[3]
                state["quote"] = "true" if outer else "inner"
            else:
                opened, close = _open(pair, state, table)
                out.append(opened)
            stack.append((close, saved))
        elif token in CLOSERS:
            if not stack:
                continue
            close, saved = stack.pop()
            out.append(close)
            state = saved
        elif token == STAY:
            continue
        else:
            out.append(token)
    while stack:
        close, saved = stack.pop()
        out.append(close)
    return "".join(out)


_KEYS = {ITALIC: "italic", NORMAL_STYLE: "italic", BOLD: "bold", NORMAL_WEIGHT: "bold", SMALL_CAPS: "small-caps",
         NORMAL_VARIANT: "small-caps"}  # fmt: skip


def _open(pair, state: dict, table: dict) -> tuple[str, str]:
    """(what opens, what closes) the decoration `pair`, given the decorations in force (updated)."""
    if pair in (ITALIC, BOLD, SMALL_CAPS):
        key = _KEYS[pair]
        if state[key]:
            state[key] = False
            return table[key + "-normal"]
        state[key] = True
        return table[key]
    if pair in (NORMAL_STYLE, NORMAL_WEIGHT, NORMAL_VARIANT):
        key = _KEYS[pair]
        if state[key]:
            state[key] = False
            return table[key + "-normal"]
        return "", ""
    if pair is NODECOR:
        opened, closed = "", ""
        for key in ("italic", "small-caps", "bold"):
            if state[key]:
                state[key] = False
                o, c = table[key + "-normal"]
                opened, closed = opened + o, c + closed
        return opened, closed
    if pair in (SUP, SUB):
        state["vertical"] = True
        return table["sup" if pair is SUP else "sub"]
    if pair is BASELINE:
        if state["vertical"]:
            state["vertical"] = False
            return table["baseline"]
        return "", ""
    if pair is UNDERLINE:
        return table["underline"]
    return "", ""  # nocase


def quote_terms(root) -> tuple[str, str, str, str]:
    """The locale's (open, close, open-inner, close-inner) quotes."""
    def term(name, default):
        try:
            value = root.get_single_term(name=name)
        except Exception:  # noqa: BLE001 - a locale without the term
            value = None
        return str(value) if value else default

    open_quote, close_quote = term("open-quote", "\u201c"), term("close-quote", "\u201d")
    return open_quote, close_quote, term("open-inner-quote", open_quote), term("close-inner-quote", close_quote)


def finish(text, root, fmt: str | None = None) -> str:
    """A rendered citation or bibliography entry (marker text) in the output format."""
    from avimcite.csl.markup import superscripts

    if fmt is None:
        fmt = getattr(getattr(root, "formatter", None), "__name__", "html")
    text = superscripts(str(text), fmt)
    if not _MARKER.search(text):
        return text
    return serialise(text, fmt, quote_terms(root), punctuation_in_quote(root))


def punctuation_in_quote(root) -> bool:
    """The first locale in the search order whose style-options set punctuation-in-quote:
    citeproc-js merges a style's own locale over the locale file attribute by attribute, so
    an empty <style-options/> in the style leaves en-US's "true" in force."""
    locales = getattr(root.get_root(), "locales", None)
    if locales is None:
        try:
            return str(root.get_locale_option("punctuation-in-quote")).lower() == "true"
        except Exception:  # noqa: BLE001 - a locale without style options
            return False
    for locale in locales:
        options = locale.find("cs:style-options", locale.nsmap)
        value = None if options is None else options.get("punctuation-in-quote")
        if value is not None:
            return value.lower() == "true"
    return False


# --- installing ---------------------------------------------------------------------------

# CSL's number variables: their text is not read as rich text (citeproc-js prints "1<sup>er</sup>" as it is)
_NUMBER_VARIABLES = {"chapter-number", "collection-number", "edition", "issue", "number", "number-of-pages",
                     "number-of-volumes", "volume", "page", "page-first", "citation-number", "part-number",
                     "supplement-number", "printing-number"}  # fmt: skip
_NOT_TEXT = {"id", "type", "language", "key"}


def install(package) -> None:
    """Rich text, quotes, text-case and the output's last pass, on avimcite's copy of citeproc-py."""
    model, string = package.model, package.string
    _fields_are_read_as_rich_text(package, string)
    _decorations_are_markers(model)
    _style_text_is_rich_text(package, model)
    _text_case_as_citeproc_js(model, string)
    _seams_see_through_markup(model, string)
    _output_is_finished(package)


def _fields_are_read_as_rich_text(package, string) -> None:
    import importlib

    from avimcite.csl import fixes, markup
    from avimcite.csl._citeproc import NAMES, DATES

    CiteProcJSON = importlib.import_module(package.__name__ + ".source.json").CiteProcJSON
    original_init = CiteProcJSON.__init__

    def __init__(self, json_data):
        escape = markup.formatter(fixes.render_context.format).preformat
        prepared = []
        for ref in json_data:
            ref = dict(ref)
            for key, value in ref.items():
                name = key.replace("-", "_")
                if name in NAMES and isinstance(value, list):
                    ref[key] = [_name_apostrophes(person) for person in value]
                    continue
                if key in _NOT_TEXT or name in NAMES or name in DATES or value is None or isinstance(value, (dict, list)):
                    continue
                text = str(value)
                if key in _NUMBER_VARIABLES:
                    # not rich text; "1 & 2" is split on its "&" by the engine (which escapes its delimiter)
                    ref[key] = escape(text) if fixes.render_context.format != "html" else text.replace("<", LESS).replace(">", GREATER)
                else:
                    ref[key] = parse(text, escape)
            prepared.append(ref)
        original_init(self, prepared)

    CiteProcJSON.__init__ = __init__
    CiteProcJSON.parse_string = lambda self, value: string.String(str(value))


_NAME_APOSTROPHE = _lazy_re(r"(?<=\w)'(?=\w)")


def _name_apostrophes(person):
    """A name's "Shafi'i" prints "Shafi’i", as citeproc-js prints it."""
    if not isinstance(person, dict):
        return person
    return {k: _NAME_APOSTROPHE.sub("\u2019", v) if isinstance(v, str) and "'" in v else v for k, v in person.items()}


def _style_text_is_rich_text(package, model) -> None:
    """A cs:text value and a cite's prefix and suffix are read as rich text too (citeproc-js):
    <text value="'friend'"/> prints quotes, a prefix "<sc>See</sc>" small caps."""
    from avimcite.csl import fixes, markup

    original_process = model.Text.process

    def process(self, item, context=None, **kwargs):
        if "value" in self.attrib and not any(k in self.attrib for k in ("variable", "macro", "term")):
            try:
                language = item.reference.language[:2]
            except Exception:  # noqa: BLE001 - VariableError: no language
                language = self.get_root().get("default-locale", "en")[:2]
            return package.string.String(parse(self.get("value"), self.preformat)), language
        return original_process(self, item, context=context, **kwargs)

    model.Text.process = process
    CitationItem = package.CitationItem
    original_init = CitationItem.__init__

    def __init__(self, key, bibliography=None, **args):
        escape = markup.formatter(fixes.render_context.format).preformat
        for name in ("prefix", "suffix"):
            if isinstance(args.get(name), str) and args[name]:
                args[name] = parse(args[name], escape, quotes="affix")
        original_init(self, key, bibliography, **args)

    CitationItem.__init__ = __init__


def _decorations_are_markers(model) -> None:
    """quotes="true" and an explicit "normal" decoration are markers; `finish` prints them."""

    def quote(self, text):
        if text is None:
            return text
        if (_quotes_open and _quotes_open[0] == "false" and "macro" not in self.attrib
                and (QUOTE[0] in text or SINGLE_QUOTE[0] in text)):  # fmt: skip
            text = FIELD_QUOTES_OUTER[0] + text + FIELD_QUOTES_OUTER[1]
        if self.get("quotes", "false").lower() != "true":
            return text
        return QUOTE[0] + text + QUOTE[1]

    model.Quoted.quote = quote

    for cls in (model.Text, model.Group):

        def render(self, *args, _original=cls.render, **kwargs):
            value = self.get("quotes")
            if value is None:
                return _original(self, *args, **kwargs)
            _quotes_open.append(value.lower())  # the elements with a quotes attribute being rendered
            try:
                return _original(self, *args, **kwargs)
            finally:
                _quotes_open.pop()

        cls.render = render

    def explicit(attribute, pair, normal, original):
        def method(self, text):
            if self.get(attribute) == normal:
                return pair[0] + text + pair[1]
            return original(self, text)

        return method

    model.Formatted.font_style = explicit("font-style", NORMAL_STYLE, "normal", model.Formatted.font_style)
    model.Formatted.font_weight = explicit("font-weight", NORMAL_WEIGHT, "normal", model.Formatted.font_weight)
    model.Formatted.font_variant = explicit("font-variant", NORMAL_VARIANT, "normal", model.Formatted.font_variant)
    model.Formatted.vertical_align = explicit("vertical-align", BASELINE, "baseline", model.Formatted.vertical_align)


def _text_case_as_citeproc_js(model, string) -> None:
    """text-case as citeproc-js (words between punctuation and markup, its stop words, the
    last word, nocase); title case only for English items, as before, except on a term or a
    value: citeproc-js keeps an item's language from title case in its transform of the
    text variables (util_transform.js), which a term never goes through ("Available At",
    "Erişim Adresi" for a Turkish post)."""

    def case(self, text, language=None):
        text_case = self.get("text-case")
        if text_case is None or text is None:
            return text
        if text_case == "title" and language != "en" and not (
            isinstance(self, model.Text) and ("term" in self.attrib or "value" in self.attrib)
        ):
            return text if isinstance(text, (string.String, string.MixedString)) else string.String(str(text))
        return string.String(apply_case(str(text), text_case, turkish=language == "tr"))

    model.TextCased.case = case
    original_capitalize = string.String.capitalize_first

    def capitalize_first(self):
        value = str(self)
        if not value or value[0] not in MARKERS:
            return original_capitalize(self)
        depth = []
        for i, ch in enumerate(value):
            if ch in OPENERS:
                depth.append(ch)
            elif ch in CLOSERS:
                if depth:
                    depth.pop()
            else:
                if any(OPENERS[d] in (NOCASE, NODECOR, SMALL_CAPS, SUP, SUB) for d in depth):
                    return self
                return self.__class__(value[:i] + original_capitalize(self.__class__(value[i:])))
        return self

    string.String.capitalize_first = capitalize_first

    term_like = (model.Label, model.Date_Part)

    def strip_periods(self, text):
        # citeproc-js: a term (cs:text term, a label, a date part's month name) loses every
        # period ("a.g.e." -> "age"); other text only those not before a lowercase letter
        # (queue.js: /\.([^a-z]|$)/g; "a.b.c." -> "a.b.c"). A macro call with
        # strip-periods strips the content of every element inside it, not their affixes or
        # delimiters (state.tmp.strip_periods, counted up by substituteStart): its own output
        # is left as it is. URL and DOI are never stripped (appended with noStripPeriods).
        if isinstance(text, int):
            text = string.String(str(text))
        if text is None or "macro" in self.attrib or not (_stripping or _strips(self)):
            return text
        if self.get("variable") in ("URL", "DOI"):
            return text
        if isinstance(self, term_like) or "term" in self.attrib:
            return string.String(str(text).replace(".", ""))
        return string.String(_PERIOD_NOT_BEFORE_LOWER.sub("", str(text)))

    model.StrippedPeriods.strip_periods = strip_periods

    text_render = model.Text.render

    def render_stripping(self, *args, **kwargs):
        # (a cs:group with strip-periods, which no independent style has, is left alone:
        # citeproc-js never counts its strip_periods down again, and strips the rest of the entry)
        if "macro" not in self.attrib or not _strips(self):
            return text_render(self, *args, **kwargs)
        _stripping.append(self)
        try:
            return text_render(self, *args, **kwargs)
        finally:
            _stripping.pop()

    model.Text.render = render_stripping


def _strips(element) -> bool:
    return element.get("strip-periods", "false").lower() == "true"


def stripping_periods() -> bool:
    """Is a macro call with strip-periods="true" being rendered (names inside it
    lose their periods: citeproc-js's NameOutput._stripPeriods)?"""
    return bool(_stripping)


def strip_field_periods(text: str) -> str:
    """A string blob inside a stripping element, as citeproc-js's Queue.append strips it."""
    return _PERIOD_NOT_BEFORE_LOWER.sub("", text)


def _seams_see_through_markup(model, string) -> None:
    """Two marks meeting at a seam merge also when markup ends between them ("Title?" in
    quotes or italics, then ".")."""
    original = string.normalize_seam

    def normalize_seam(left, other):
        left_text = str(left)
        visible = left_text.rstrip(MARKERS) if left_text and left_text[-1] in MARKERS else left_text
        if not visible:
            return other
        other = original(visible if visible is not left_text else left, other)
        other_text = str(other)
        if other_text and _MERGED.get(visible[-1], {}).get(other_text[0]) == other_text[0] != visible[-1]:
            # ":" then "!": the left mark gives way (citeproc-js's LtoR_MAP)
            if isinstance(other, string.MixedString):
                return string.MixedString([string.String(DELETE)] + list(other))
            return other.__class__(DELETE + other_text) if isinstance(other, str) else other
        return other

    string.normalize_seam = normalize_seam
    model.normalize_seam = normalize_seam


def _output_is_finished(package) -> None:
    """Each citation and bibliography entry leaves the engine in the output format."""
    Bibliography = package.CitationStylesBibliography
    cite, bibliography = Bibliography.cite, Bibliography.bibliography

    def finished_cite(self, citation, callback):
        return finish(cite(self, citation, callback), self.style.root)

    def finished_bibliography(self):
        return [finish(entry, self.style.root) for entry in bibliography(self)]

    Bibliography.cite = finished_cite
    Bibliography.bibliography = finished_bibliography
