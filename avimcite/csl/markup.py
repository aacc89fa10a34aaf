"""Output formats for citeproc-py: plain text, HTML (every text escaped) and Markdown.

citeproc-py's own HTML formatter escapes only what passes through `preformat`;
item text reached the page raw (a title with `<script>` stayed a tag). Here every
piece of text is escaped as it enters, and markup is added only by the wrappers.
"""

from __future__ import annotations

import html as _html
import re
import types

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#])")


def _module(name: str, preformat, wrap) -> types.SimpleNamespace:
    space = types.SimpleNamespace(preformat=preformat)
    for style, (before, after) in wrap.items():
        setattr(space, style, _wrapper(style, before, after))
    space.__name__ = name
    return space


def _wrapper(style: str, before: str, after: str):
    if not before and not after:
        return str

    class Wrapped(str):
        def __new__(cls, text):
            return super().__new__(cls, f"{before}{text}{after}")

    Wrapped.__name__ = style
    return Wrapped


_STYLES = ("Italic", "Oblique", "Bold", "Light", "Underline", "Superscript", "Subscript", "SmallCaps")

TEXT = _module("text", lambda text: text, {s: ("", "") for s in _STYLES})
HTML = _module(
    "html",
    lambda text: _html.escape(str(text), quote=False),
    {"Italic": ("<i>", "</i>"), "Oblique": ("<i>", "</i>"), "Bold": ("<b>", "</b>"), "Light": ("", ""),
     "Underline": ("<u>", "</u>"), "Superscript": ("<sup>", "</sup>"), "Subscript": ("<sub>", "</sub>"),
     "SmallCaps": ('<span style="font-variant:small-caps;">', "</span>")},
)  # fmt: skip
MARKDOWN = _module(
    "markdown",
    lambda text: _MD_SPECIAL.sub(r"\\\1", str(text)),
    {"Italic": ("*", "*"), "Oblique": ("*", "*"), "Bold": ("**", "**"), "Light": ("", ""), "Underline": ("", ""),
     "Superscript": ("^", "^"), "Subscript": ("~", "~"), "SmallCaps": ("", "")},
)  # fmt: skip


def formatter(fmt: str):
    return {"text": TEXT, "html": HTML, "markdown": MARKDOWN}[fmt]


_TAG = re.compile(r"<[^>]*>")
_MD_MARKUP = re.compile(r"\\(.)|[*^~]")


def plain(text: str, fmt: str) -> str:
    """The text a reader sees, without the format's markup: what sort keys compare (CSL sorts
    on plain text; citeproc-js prints the same order in every format)."""
    if fmt == "html":
        return _html.unescape(_TAG.sub("", text)) if ("<" in text or "&" in text) else text
    if fmt == "markdown":
        return _MD_MARKUP.sub(lambda m: m.group(1) or "", text)
    return text
