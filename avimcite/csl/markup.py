"""Output formats for citeproc-py: plain text, HTML (every text escaped) and Markdown.

citeproc-py's own HTML formatter escapes only what passes through `preformat`;
item text reached the page raw (a title with `<script>` stayed a tag). Here every
piece of text is escaped as it enters, and markup is added only by the wrappers.
"""

from __future__ import annotations

import functools
import types

from avimcite import rx

_MD_SPECIAL = rx.compile(r"([\\`*_\[\]<>#])")


def _escape(text: str) -> str:
    """html.escape(text, quote=False), without importing `html` for it (its table of 2,000
    named entities: 8M instructions of every render, HTML or not)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _module(name: str, preformat) -> types.SimpleNamespace:
    space = types.SimpleNamespace(preformat=preformat)
    for style in _STYLES:
        setattr(space, style, _wrapper(style))
    space.__name__ = name
    return space


def _wrapper(style: str):
    # While a style renders, a decoration is a pair of markers (avimcite.csl.richtext) that
    # richtext.finish turns into the format's markup at the end, flipped where nested.
    from avimcite.csl.richtext import WRAPPERS

    pair = WRAPPERS.get(style)
    if pair is None:  # Light: no markup in any format
        return str
    before, after = pair

    class Wrapped(str):
        def __new__(cls, text):
            return super().__new__(cls, f"{before}{text}{after}")

    Wrapped.__name__ = style
    return Wrapped


_STYLES = ("Italic", "Oblique", "Bold", "Light", "Underline", "Superscript", "Subscript", "SmallCaps")

TEXT = _module("text", lambda text: text)
HTML = _module("html", lambda text: _escape(str(text)))
MARKDOWN = _module("markdown", lambda text: _MD_SPECIAL.sub(r"\\\1", str(text)))

# What each format prints for a decoration: (opening, closing); "-normal" is the same
# decoration inside itself (an italic title in an italic container prints upright).
_NONE = ("", "")
_TAGS = {
    "html": {"italic": ("<i>", "</i>"), "italic-normal": ('<span style="font-style:normal;">', "</span>"),
             "bold": ("<b>", "</b>"), "bold-normal": ('<span style="font-weight:normal;">', "</span>"),
             "small-caps": ('<span style="font-variant:small-caps;">', "</span>"),
             "small-caps-normal": ('<span style="font-variant:normal;">', "</span>"),
             "sup": ("<sup>", "</sup>"), "sub": ("<sub>", "</sub>"), "baseline": ('<span style="baseline">', "</span>"),
             "underline": ("<u>", "</u>")},
    "markdown": {"italic": ("*", "*"), "italic-normal": _NONE, "bold": ("**", "**"), "bold-normal": _NONE,
                 "small-caps": _NONE, "small-caps-normal": _NONE, "sup": ("^", "^"), "sub": ("~", "~"),
                 "baseline": _NONE, "underline": _NONE},
}  # fmt: skip
_TAGS["text"] = {key: _NONE for key in _TAGS["html"]}


def tags(fmt: str) -> dict:
    return _TAGS.get(fmt, _TAGS["html"])


def formatter(fmt: str):
    return {"text": TEXT, "html": HTML, "markdown": MARKDOWN}[fmt]


_TAG = rx.compile(r"<[^>]*>")
_MD_MARKUP = rx.compile(r"\\(.)|[*^~]")


def plain(text: str, fmt: str) -> str:
    """The text a reader sees, without the format's markup: what sort keys compare (CSL sorts
    on plain text; citeproc-js prints the same order in every format)."""
    from avimcite.csl.richtext import strip

    text = strip(text)
    if fmt == "html":
        if "<" not in text and "&" not in text:
            return text
        import html

        return html.unescape(_TAG.sub("", text))
    if fmt == "markdown":
        return _MD_MARKUP.sub(lambda m: m.group(1) or "", text)
    return text


# Unicode's superscript characters in the blocks citeproc-js's HTML output knows (Latin-1,
# spacing modifier letters, phonetic extensions, superscripts, letterlike, kanbun), and
# four modifier letters Unicode gives no <super> decomposition: in HTML each one prints as
# <sup> around its base character ("1ʳᵉ" from a French ordinal term prints 1<sup>r</sup><sup>e</sup>).
_SUPERSCRIPT_BLOCKS = ((0x00AA, 0x00BA), (0x02B0, 0x02E4), (0x1D2C, 0x1D61), (0x2070, 0x207F), (0x2120, 0x2122),
                       (0x3192, 0x319F))  # fmt: skip
_SUPERSCRIPT_EXTRA = {"\u02c0": "\u0294", "\u02c1": "\u0295", "\u06e5": "\u0648", "\u06e6": "\u064a"}


@functools.lru_cache(maxsize=1)  # a table of Unicode data, the same in every render
def _superscript_table() -> dict[str, str]:
    import unicodedata

    table = dict(_SUPERSCRIPT_EXTRA)
    for first, last in _SUPERSCRIPT_BLOCKS:
        for code in range(first, last + 1):
            decomposition = unicodedata.decomposition(chr(code))
            if decomposition.startswith("<super>"):
                table[chr(code)] = "".join(chr(int(part, 16)) for part in decomposition.split()[1:])
    return table


def superscripts(text: str, fmt: str) -> str:
    """HTML output: every superscript character as <sup>base</sup> (citeproc-js's text escape)."""
    if fmt != "html" or not text or text.isascii():
        return text
    table = _superscript_table()
    if not any(ch in table for ch in text):
        return text
    return "".join(f"<sup>{table[ch]}</sup>" if ch in table else ch for ch in text)
