"""Sort keys as citeproc-js builds them from a macro.

A citation-number printed inside a sort macro is the item's place in the registry, padded
with zeros to 20 digits (citeproc-js's CSL.Util.padding), so that it sorts as a number: 6
before 10 among items whose other keys tie (food-and-agriculture-organization sorts its
anonymous items "1Anonymous2017" + the citation number).

Keys are compared as citeproc-js compares them: an ICU collator for the style's locale with
sensitivity "base", ignorePunctuation and numeric, over the key string whose spaces became
"|" and which ends in "|" (its sort_sep). So white space and punctuation weigh nothing, "|"
(a symbol) weighs less than a digit or a letter ("Dale|" before "Dalebout|", "Beck,|N.0"
before "Beck,|N.,|Katz"), a run of digits weighs its number ("Item 9" before "Item 10"),
and case and accents weigh nothing: keys that differ only there tie, and the next key
decides.
"""

from __future__ import annotations

import re
import unicodedata

from avimcite import textfold
from avimcite.csl.lazyre import LazyPattern as _lazy_re  # speed only: compiled on first use (avimcite.rx)

_NUMBER = _lazy_re(r"\s*(-?[0-9]+)")
_LEADING_MARKS = _lazy_re(r"^[\W_]+")
_PIECES = _lazy_re(r"[0-9]+|\s|.", re.S)
_TURKISH_ORDER = {ch: i for i, ch in enumerate("abcçdefgğhıijklmnoöprsştuüvwxyz")}


def collation_key(text: str, locale: str | None) -> tuple:
    """The primary weights of a sort key, as described above: (0, symbol) < (1, number) <
    (2, letter), white space and punctuation left out; Turkish letters by the Turkish
    alphabet (c < ç < d, ı < i, ö after o)."""
    text = _LEADING_MARKS.sub("", text)  # a substituted title sorts by its words, not its quote mark
    turkish = bool(locale) and locale.startswith("tr")
    lowered = textfold.lower(text, "tr") if turkish else text.casefold()
    weights = []
    for piece in _PIECES.findall(lowered):
        if piece.isdigit() and piece.isascii():
            weights.append((1, int(piece)))
        elif turkish and piece in _TURKISH_ORDER:
            weights.append((2, _TURKISH_ORDER[piece]))
        else:
            base = "".join(ch for ch in unicodedata.normalize("NFKD", piece) if not unicodedata.combining(ch)) or piece
            if base == "ı":
                base = "i"
            if turkish and base in _TURKISH_ORDER:
                weights.append((2, _TURKISH_ORDER[base]))
            elif base.isalnum():
                weights.append((2, 1000 + ord(base[0])) if turkish else (2, ord(base[0])))
            elif unicodedata.category(base[0]).startswith("S"):
                weights.append((0, ord(base[0])))
            # punctuation weighs nothing
    return tuple(weights)


def keystring(text: str) -> str:
    """citeproc-js's key string: each space a "|", and one "|" at the end."""
    return text.replace(" ", "|") + "|" if text else text


def padded(text: str) -> str:
    """citeproc-js's CSL.Util.padding: the first integer, 20 digits; other text as it is."""
    match = _NUMBER.match(text)
    if not match:
        return text
    number = int(match.group(1))
    if number < 0:
        number += 99999999999999999999
    return f"{number:020d}"


def install(package) -> None:
    model, string = package.model, package.string
    render = model.Text.render

    def text_render(self, *args, **kwargs):
        text = render(self, *args, **kwargs)
        if text is not None and kwargs.get("sort_options") is not None and self.get("variable") == "citation-number":
            return string.String(padded(str(text)))
        return text

    model.Text.render = text_render
