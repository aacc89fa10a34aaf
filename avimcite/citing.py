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

    def render(*args):  # the engine is imported only when the cache misses
        from avimcite.formatters.citeproc import render as engine

        return engine(*args)

    style = resolve_style(style_name)
    check_style_file(style.path)
    locale = resolve_locale(locale or style.default_locale or DEFAULT_LOCALE)
    items, seen = [], set()
    for post in posts:
        if post.id not in seen:  # a post cited twice is one bibliography entry
            seen.add(post.id)
            items.append(post_to_csl(post, keys[post.id], accessed))
    key = _render_key(items, style, locale, mode, fmt)
    rendered = cached_render(key)
    if rendered is None:
        try:
            rendered = render(items, style, locale, mode, fmt)
        except AvimciteError:
            raise
        except Exception as exc:  # noqa: BLE001 - the engine's own errors, said in one line
            raise CatalogueError(f"the style {style.id} could not render these posts ({type(exc).__name__}: {exc}).") from None
        if not rendered.failures:
            store_render(key, rendered)
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


# --- a content-addressed cache of rendered output ----------------------------------------
# Key: every input of the rendering — the style file's bytes, the locale file's bytes, the
# CSL-JSON items (post content, citation keys, access date), mode, format — and the engine's
# own code (our fix files and citeproc-py's, by size and modification time). A hit skips
# importing lxml and citeproc-py; anything that changes gives another key, so a hit is
# never stale. Entries are small JSON files in the user cache folder (render/).

_ENGINE_FILES = ("formatters/citeproc.py", "formatters/citeproc_fixes.py", "formatters/markup.py", "csl.py")


def _render_key(items: list[dict], style, locale: str, mode: str, fmt: str) -> str | None:
    import json

    import avimcite
    from avimcite.paths import blake2b, package_dir

    citeproc_dir = package_dir("citeproc")
    if citeproc_dir is None:
        return None
    here = Path(__file__).resolve().parent
    locale_file = citeproc_dir / "data" / "locales" / f"locales-{locale}.xml"
    theirs = [citeproc_dir / "model.py", citeproc_dir / "frontend.py", citeproc_dir / "string.py"]
    avimcite.record_input(style.path, locale_file, *theirs)  # before reading (entry stamps our own files)
    digest = blake2b(digest_size=20)
    try:
        digest.update(Path(style.path).read_bytes())
        for path in [here / f for f in _ENGINE_FILES] + theirs:
            digest.update(avimcite.stamp(str(path)).encode("utf-8", "surrogateescape") + b";")
        digest.update(locale_file.read_bytes() if locale_file.is_file() else b"-")
    except OSError:
        return None
    digest.update(json.dumps([locale, mode, fmt, style.id, items], sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def _cache_file(key: str) -> Path:
    from avimcite.paths import user_cache_dir

    return user_cache_dir() / "render" / f"{key}.json"


def cached_render(key: str | None):
    """The rendered output filed under `key`, or None."""
    import json
    from types import SimpleNamespace

    if key is None:
        return None
    try:
        data = json.loads(_cache_file(key).read_text(encoding="utf-8"))
        citations, bibliography = data["citations"], data["bibliography"]
        if not (isinstance(citations, list) and isinstance(bibliography, list)
                and all(isinstance(x, str) for x in citations + bibliography)):  # fmt: skip
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return SimpleNamespace(citations=citations, bibliography=bibliography, failures=[])


def store_render(key: str | None, rendered) -> None:
    import json

    if key is None:
        return
    try:
        from avimcite.fsutil import atomic_write_text

        target = _cache_file(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, json.dumps({"citations": rendered.citations, "bibliography": rendered.bibliography},
                                             ensure_ascii=False))  # fmt: skip
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs the next run time
        pass
