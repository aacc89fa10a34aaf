"""Citations in a CSL style: posts in, lines of text out (terminal-free)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from avimcite.errors import AvimciteError, CatalogueError, UsageError

MODES = ("bibliography", "citation", "both")


def cite_csl(posts, keys: dict[str, str], style_name: str, locale: str | None, mode: str, fmt: str, accessed: date) -> list[str]:
    """Lines to print: citations (one per post, in the order given), a blank line when
    both, then the bibliography in the style's order."""
    from avimcite.csl import post_to_csl
    from avimcite.formatters.styles import DEFAULT_LOCALE, resolve_locale, resolve_style

    style = resolve_style(style_name)
    check_style_file(style.path)
    locale = resolve_locale(locale or style.default_locale or DEFAULT_LOCALE)
    items, seen = [], set()
    for post in posts:
        if post.id not in seen:  # a post cited twice is one bibliography entry
            seen.add(post.id)
            items.append(post_to_csl(post, keys[post.id], accessed))
    from avimcite.formatters.citeproc import render

    # Rendered from the style and locale read now, every time: no cache of rendered output
    # (one served another version's output when a style file changed while it was read).
    try:
        rendered = render(items, style, locale, mode, fmt)
    except AvimciteError:
        raise
    except Exception as exc:  # noqa: BLE001 - the engine's own errors, said in one line
        raise CatalogueError(f"the style {style.id} could not render these posts ({type(exc).__name__}: {exc}).") from None
    if mode == "bibliography" and not rendered.bibliography and not rendered.failures:
        raise UsageError(f"the style {style.id} has no bibliography; use --mode citation.")
    lines = rendered.citations + ([""] if mode == "both" else []) + rendered.bibliography
    if rendered.failures:
        key, what = rendered.failures[0]
        more = f" (and {len(rendered.failures) - 1} more)" if len(rendered.failures) > 1 else ""
        return PartialOutput(lines, CatalogueError(f"the style {style.id} could not render the post {key}{more}: {what}; the other entries were printed."))
    return lines


class PartialOutput(list):
    """Lines that were rendered, and the error to raise once they are printed."""

    def __init__(self, lines, error):
        super().__init__(lines)
        self.error = error


def check_style_file(path: Path) -> None:
    """Refuse a DTD (an external entity could read local files) and anything but UTF-8, before
    the engine parses the file once (render() turns a parse error into one line, exit 2)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read()
    except OSError as exc:
        from avimcite.errors import FileAccessError

        raise FileAccessError(f"cannot read the style {path}: {exc.strerror}.") from None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4096]:
        raise UsageError(f"the style {path} is not UTF-8 (CSL styles are UTF-8 XML); convert it and try again.")
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise UsageError(f"the style {path} declares a DTD or entities; a CSL style needs neither, so it is refused.")
