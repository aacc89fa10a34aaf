"""Citation keys: `{family}{year}{first significant title word}`, ASCII only.

`kuzio2023ending`, `kilic2019ermeni`; an organisation gives the first word of
its name (`european2018...`), a post without a recorded author `avim`. Turkish
letters are transliterated by hand first, because Unicode folding alone drops
the dotless ı (Kılıç would become `klc`).

Keys are computed over the whole catalogue, so a post has the same key whether
it is exported alone or with everything: posts whose base key collides are
ordered by publication date and id, the first keeps the base and the others get
`a`, `b`, ... (a post added later, being newer, never renames an older key).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from avimcite.model import Post

_TRANSLIT = str.maketrans({"ı": "i", "İ": "I", "ş": "s", "Ş": "S", "ğ": "g", "Ğ": "G", "ç": "c", "Ç": "C",
                           "ö": "o", "Ö": "O", "ü": "u", "Ü": "U", "ß": "ss", "æ": "ae", "ø": "o", "đ": "d",
                           "ł": "l", "’": "", "'": ""})  # fmt: skip
STOP_WORDS = frozenset(
    "a an the and or of on in at to for from by with as is are was its it this that "
    "ve ile bir bu şu o için da de mi mı mu mü ya veya gibi olarak üzerine ne ki".split()
)
_STOP_FOLDED = frozenset(w.translate(_TRANSLIT) for w in STOP_WORDS)  # ascii_word of each


def _ascii_reference(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


# Latin letters transliterated once, at import; other scripts take the NFKD path.
_KEY_TABLE = {cp: _ascii_reference(chr(cp)) for cp in range(0x80, 0x250)}
_KEY_TABLE.update({ord(k): _ascii_reference(k) for k in "’‘"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_WORDS = re.compile(r"[^\s\-–—/:;,.!?()\"“”‘]+")


def _ascii_lower(text: str) -> str:
    if not text.isascii():
        text = text.translate(_KEY_TABLE)
        if not text.isascii():
            text = _ascii_reference(text)
    return text.lower()


def ascii_word(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'Kılıç' -> 'kilic'."""
    return _NOT_ALNUM.sub("", _ascii_lower(text))


def base_key(post: Post) -> str:
    if post.authors:
        first = post.authors[0]
        who = ascii_word(first.literal.split()[0] if first.literal else first.family) or "avim"
    else:
        who = "avim"
    word = ""
    # Separators are split on before transliteration: ’ is dropped inside a word ("ANKARA’NIN").
    for match in _WORDS.finditer(post.title):  # lazily: usually the first word or two decide
        candidate = ascii_word(match.group())
        if candidate.isalpha() and candidate not in _STOP_FOLDED:
            word = candidate
            break
    return f"{who}{post.published.year}{word}"


def _suffix(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa, ..."""
    letters = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def assign_keys(posts: Iterable[Post]) -> dict[str, str]:
    """Post id -> unique key, for every post of the catalogue."""
    groups: dict[str, list[Post]] = {}
    for post in posts:
        groups.setdefault(base_key(post), []).append(post)
    keys: dict[str, str] = {}
    taken = set(groups)
    for base, members in groups.items():
        members.sort(key=lambda p: (p.published, p.id))
        keys[members[0].id] = base
        n = 0
        for post in members[1:]:
            n += 1
            key = base + _suffix(n)
            while key in taken:  # e.g. another base that happens to end in these letters
                n += 1
                key = base + _suffix(n)
            taken.add(key)
            keys[post.id] = key
    return keys
