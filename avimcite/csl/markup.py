"""Output formats for citeproc-py: plain text, HTML (every text escaped) and Markdown.

citeproc-py's own HTML formatter escapes only what passes through `preformat`;
item text reached the page raw (a title with `<script>` stayed a tag). Here every
piece of text is escaped as it enters, and markup is added only by the wrappers.
"""

from __future__ import annotations

import html as _html
import types

from avimcite import rx

_MD_SPECIAL = rx.compile(r"([\\`*_\[\]<>#])")


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
HTML = _module("html", lambda text: _html.escape(str(text), quote=False))
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
        return _html.unescape(_TAG.sub("", text)) if ("<" in text or "&" in text) else text
    if fmt == "markdown":
        return _MD_MARKUP.sub(lambda m: m.group(1) or "", text)
    return text
