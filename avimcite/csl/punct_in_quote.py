"""`punctuation-in-quote` (a locale's style option, true in en-US): a period or comma that
follows a quoted text (`quotes="true"`) goes inside its closing quote: “Title.” and “Title,”
where the style puts the suffix or delimiter after the quote. As in citeproc-js, the mark
merges with the quoted text's own last mark at that seam ("etc." + "." is “… etc.”, "?" + "."
is “…?”, "?" + "," is “…?,”).

The rule is applied where the two meet, when the pieces are joined (citeproc-py's
MixedString addition), not on the output: the closing quote a cs:text, cs:number … writes is
marked (a String subclass), so an apostrophe or a quote inside the item's own text is never
moved. avimcite.csl.engine's `_finish` keeps its output pass for what this does not reach
(a quote inside italics, whose markup flattens the pieces).
"""

from __future__ import annotations


def install(model, string) -> None:
    String, MixedString = string.String, string.MixedString

    class QuoteClose(String):
        """The closing quote of a quoted text, in a locale with punctuation-in-quote."""

    original_quote = model.Quoted.quote

    def quote(self, text):
        quoted = original_quote(self, text)
        if self.get("quotes", "false").lower() != "true" or not isinstance(quoted, MixedString) or not len(quoted):
            return quoted
        segments = list(quoted)
        close = self.get_single_term(name="close-quote")
        if not close or str(segments[-1]) != str(close) or not _in_quote(self):
            return quoted
        return MixedString(segments[:-1] + [QuoteClose(str(close))])

    original_add = MixedString.__add__

    def add(self, other):
        segments = list.__iter__(self)
        segments = list(segments)
        if segments and isinstance(segments[-1], QuoteClose):
            other_text = str(other) if other is not None else ""
            if other_text[:1] in (".", ","):
                inner = MixedString(segments[:-1])
                moved = original_add(inner, String(other_text[0])) if len(inner) else MixedString([String(other_text[0])])
                rest = string._strip_first_char(other)
                result = original_add(moved, segments[-1])
                return original_add(result, rest) if str(rest) else result
        return original_add(self, other)

    MixedString.__add__ = add
    MixedString.__iadd__ = add
    model.Quoted.quote = quote


def _in_quote(element) -> bool:
    try:
        return str(element.get_locale_option("punctuation-in-quote")).lower() == "true"
    except Exception:  # noqa: BLE001 - a locale without style options
        return False
