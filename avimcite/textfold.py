"""Turkish-aware casing and search folding.

Python's str.upper() maps i to I and str.lower() maps I to i, which is wrong in
Turkish (i/İ and ı/I are two different letters). These helpers apply Turkish
rules when asked, and `fold` makes a search key that ignores case, accents and
the dotted/dotless distinction, so "kilic" finds "Kılıç" and "ISIK" finds "Işık".
"""

from __future__ import annotations

import unicodedata

_TR_UPPER = str.maketrans({"i": "İ", "ı": "I"})
_TR_LOWER = str.maketrans({"İ": "i", "I": "ı"})
# Letters only Turkish (among the languages AVİM publishes in) uses.
TURKISH_LETTERS = frozenset("çÇğĞıİöÖşŞüÜ")
# Folding: every i-like letter becomes plain i; typographic quotes become ASCII.
_FOLD_PRE = str.maketrans(
    {"İ": "i", "I": "i", "ı": "i", "’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}
)


def upper(text: str, lang: str = "en") -> str:
    """Upper-case `text` by the rules of `lang` ("tr" or anything else)."""
    if lang == "tr":
        return text.translate(_TR_UPPER).upper()
    return text.upper()


def lower(text: str, lang: str = "en") -> str:
    """Lower-case `text` by the rules of `lang` ("tr" or anything else)."""
    if lang == "tr":
        return text.translate(_TR_LOWER).lower()
    return text.lower()


def title_word(word: str, lang: str = "en") -> str:
    """'KILIÇ' -> 'Kılıç' (tr), 'KUZIO' -> 'Kuzio' (en); hyphenated parts each."""
    return "-".join(
        upper(part[:1], lang) + lower(part[1:], lang) if part else part for part in word.split("-")
    )


def has_turkish_letters(text: str) -> bool:
    return any(ch in TURKISH_LETTERS for ch in text)


def fold_reference(text: str) -> str:
    """A search key: no case, no accents, i/ı/I/İ all alike, quotes unified."""
    for _ in range(3):  # compatibility decomposition can reveal capitals ("🄐" -> "(A)"): repeat until stable
        previous = text
        decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_PRE).casefold())
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        if text == previous:
            break
    return text


# Latin letters (Turkish included) and typographic punctuation, folded once, on the first
# search (building it at import cost every command 2 ms).
_FOLD_TABLE: dict[int, str] = {}


def _fold_table() -> dict[int, str]:
    if not _FOLD_TABLE:
        _FOLD_TABLE.update({cp: fold_reference(chr(cp)) for cp in range(0x80, 0x250)})
        _FOLD_TABLE.update({ord(k): fold_reference(k) for k in "İ’‘“”–—"})
    return _FOLD_TABLE


def fold(text: str) -> str:
    """`fold_reference`, fast: one table pass, and the full Unicode path only for
    text that still holds other letters (a test checks the two always agree)."""
    if text.isascii():
        return text.lower()
    folded = text.translate(_FOLD_TABLE or _fold_table()).lower()
    return folded if folded.isascii() else fold_reference(folded)
