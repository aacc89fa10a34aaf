"""Exporters: CSL-JSON items in (avimcite.csl), text out. One module per format."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

FORMATS = ("bibtex", "biblatex", "ris", "csl-json")


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


def export(posts, keys: dict[str, str], fmt: str, accessed=None, track=None) -> Iterator[str]:
    """`posts` in `fmt`, as chunks of text made one entry at a time (no copy of
    the whole file is held). Keys are assigned over the whole catalogue, so a
    post's key does not depend on what else is exported with it (`keys`: assign_keys of the
    whole catalogue). `track` may wrap
    the post iterator (a progress bar); the core never draws one itself."""
    from avimcite.csl.mapping import post_to_csl

    chosen = track(posts) if track else posts
    return exporter(fmt)(post_to_csl(post, keys[post.id], accessed) for post in chosen)
