"""Citation keys: `{family}{year}{first significant title word}`, ASCII only.

`kuzio2023ending`, `kilic2019ermeni`; an organisation gives the first word of
its name (`european2018...`), a post without a recorded author `avim`. Turkish
letters are transliterated by hand first, because Unicode folding alone drops
the dotless ı (Kılıç would become `klc`).

A key never changes once it is given (Better BibTeX pins keys the same way). A post
keeps the key its record carries (`"key"`: every shipped post has one, and `import`
and `add` write one), else the key given to it before (the key book, `keys/` in the
user data folder, which `export` and the CSL `cite` fill for posts that carry none),
else it gets a new one: its base key, or the base with the first free suffix `a`, `b`,
... A new post never takes a key another post already holds, so adding or importing
posts in any order never renames a key given earlier.

Among posts that all get new keys, those whose base collides are ordered by
publication date and id: the first keeps the base, the others get suffixes. So a
post has the same key whether it is exported alone or with everything.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

from avimcite import rx
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
_NOT_ALNUM = rx.compile(r"[^a-z0-9]")
_WORDS = rx.compile(r"[^\s\-–—/:;,.!?()\"“”‘]+")


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


# Safe as a BibTeX/BibLaTeX key, an RIS ID, a CSL-JSON id and a pandoc @key.
KEY_PATTERN = rx.compile(r"^[A-Za-z0-9_][A-Za-z0-9_:.\-]{0,99}$")


def own_key(post: Post) -> str:
    """The key the post's record carries ("" when none)."""
    key = post.extra.get("key") if post.extra else None
    return key if isinstance(key, str) else ""


class KeyClash(Exception):
    """Two posts in use carry the same key (or one the key given to the other)."""

    def __init__(self, key: str, first: str, second: str) -> None:
        super().__init__(key)
        self.key, self.first, self.second = key, first, second


def next_free(base: str, taken: set[str]) -> str:
    """`base`, or `base` with the first suffix (a, b, ..., z, aa, ...) not in `taken` (lower case)."""
    key, n = base, 0
    while key.lower() in taken:
        n += 1
        key = base + _suffix(n)
    return key


def pinned_keys(posts: Iterable[Post], given: Callable[[Post], str] | None = None,
                reserved: Iterable[str] = ()) -> tuple[dict[str, str], dict[str, str]]:  # fmt: skip
    """(post id -> key for every post, the ids among them whose key is new -> that key).

    A post keeps its own key, else the key `given` returns for it (the key book), else gets a
    new key that no other post and nothing in `reserved` (keys given before, lower case or
    not) holds. KeyClash when two posts hold the same key."""
    keys: dict[str, str] = {}
    holder: dict[str, str] = {}  # lower-case key -> id
    fresh: list[Post] = []
    for post in posts:
        key = own_key(post) or (given(post) if given else "")
        if not key:
            fresh.append(post)
            continue
        other = holder.setdefault(key.lower(), post.id)
        if other != post.id:
            raise KeyClash(key, other, post.id)
        keys[post.id] = key
    taken = set(holder) | {k.lower() for k in reserved}
    groups: dict[str, list[Post]] = {}
    for post in fresh:
        groups.setdefault(base_key(post), []).append(post)
    new: dict[str, str] = {}
    rest: list[tuple[str, Post]] = []
    for base, members in groups.items():
        members.sort(key=lambda p: (p.published, p.id))
        if base.lower() in taken:
            rest += [(base, p) for p in members]
        else:  # the earliest post of a base keeps it: reserved before any suffix is handed out
            taken.add(base.lower())
            new[members[0].id] = base
            rest += [(base, p) for p in members[1:]]
    for base, post in rest:
        key = next_free(base, taken)
        taken.add(key.lower())
        new[post.id] = key
    keys.update(new)
    return keys, new


def assign_keys(posts: Iterable[Post]) -> dict[str, str]:
    """Post id -> unique key, for every post of the catalogue (without a key book)."""
    return pinned_keys(posts)[0]
