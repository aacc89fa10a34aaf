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


def fold(text: str) -> str:
    """A search key: no case, no accents, i/ı/I/İ all alike, quotes unified."""
    text = text.translate(_FOLD_PRE).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
