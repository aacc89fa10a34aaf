"""Exporters: CSL-JSON items in (avimcite.csl), text out. One module per format."""

from __future__ import annotations

import re
from typing import Callable, Iterable, Iterator

FORMATS = ("bibtex", "biblatex", "ris", "csl-json")

# Never written to a file: C0/C1 controls (a tab or line break becomes a space), bidi
# embeddings, overrides and isolates, zero-width spaces and joiners, the byte-order mark,
# soft hyphen, line and paragraph separators. They stop pdflatex ("Unicode character
# U+202E not set up"), break RIS lines and make a title read differently from what it is.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
_SPACE_LIKE = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]")


def visible(text: str) -> str:
    """`text` without invisible and control characters (line breaks and tabs become spaces)."""
    if not _INVISIBLE.search(text):
        return text
    return _INVISIBLE.sub("", _SPACE_LIKE.sub(" ", text))


def clean_item(item: dict) -> dict:
    """The CSL item with every text that came from the catalogue made visible (in place)."""
    for field in ("title", "URL", "container-title"):
        if field in item:
            item[field] = visible(item[field])
    for name in item.get("author", ()):
        for part in ("family", "given", "literal"):
            if part in name:
                name[part] = visible(name[part])
    custom = item.get("custom")
    if custom:
        for field in ("source_name", "source_url"):
            if field in custom:
                custom[field] = visible(custom[field])
    return item


def zotero_variables(item: dict) -> list[str]:
    """The "variable: value" lines Zotero keeps in Extra, and citeproc-js reads, for what the
    item's Zotero type has no field for: a blog post's publisher and place (Zotero's blogPost
    drops them). CSL-JSON puts them in `note`, RIS in M2."""
    lines = []
    if item["type"] == "post-weblog":
        publisher, place = item.get("publisher"), item.get("publisher-place")
        if publisher:
            lines.append(f"publisher: {publisher}")
        if place:
            lines.append(f"publisher-place: {place}")
    return lines


def exporter(fmt: str) -> Callable[[Iterable[dict]], Iterator[str]]:
    """The `dumps(items)` of a format: it yields the text entry by entry (imported only when asked for)."""
    if fmt == "bibtex":
        from avimcite.exporters.bibtex import dumps_bibtex as dumps
    elif fmt == "biblatex":
        from avimcite.exporters.bibtex import dumps_biblatex as dumps
    elif fmt == "ris":
        from avimcite.exporters.ris import dumps
    elif fmt == "csl-json":
        from avimcite.exporters.csljson import dumps
    else:
        raise ValueError(fmt)
    return dumps


def export(posts, keys: dict[str, str], fmt: str, accessed=None, track=None, warn=None) -> Iterator[str]:
    """`posts` in `fmt`, as chunks of text made one entry at a time (no copy of
    the whole file is held). Keys are assigned over the whole catalogue, so a
    post's key does not depend on what else is exported with it (`keys`: assign_keys of the
    whole catalogue). `track` may wrap
    the post iterator (a progress bar); the core never draws one itself. `warn(post id, message)`
    is told what a format had to leave out (an unmatched brace in BibTeX)."""
    from avimcite.csl.mapping import post_to_csl

    chosen = track(posts) if track else posts
    items = (clean_item(post_to_csl(post, keys[post.id], accessed)) for post in chosen)
    if fmt in ("bibtex", "biblatex"):
        return exporter(fmt)(items, warn=warn)
    return exporter(fmt)(items)
