"""avimcite's CSL engine: `render()` turns CSL-JSON items into citations and a bibliography.

    >>> from avimcite.csl import render
    >>> out = render(items, "apa", clusters=[[{"id": "kuzio2023", "locator": "4", "label": "paragraph"}]],
    ...              mode="both")
    >>> out.citations      # one string per cluster, as finally rendered
    ['(Kuzio, 2023, para. 4)']
    >>> out.bibliography   # the entries of the items cited, in the style's order

Layout (docs/engine.md): styles (names, locales), mapping (post -> CSL-JSON), engine (one
render), clusters (positions, cite sorting and collapsing), fixes (citeproc-py made to
agree with citeproc-js), budget (styles that would never finish), markup (output formats),
_citeproc (the private copy of citeproc-py the fixes apply to). Importing this package is
light: the engine and citeproc-py load on the first render.
"""

from __future__ import annotations

from avimcite.errors import RenderError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from avimcite.csl.styles import Style

MODES = ("bibliography", "citation", "both")
FORMATS = ("text", "html", "markdown")
CITE_FIELDS = ("id", "locator", "label", "prefix", "suffix", "suppress-author", "author-only")


class Result:
    """`citations`: one string per cluster (one per item when no clusters were given);
    `bibliography`: the entries of the cited items (every item without clusters)."""

    __slots__ = ("citations", "bibliography")

    def __init__(self, citations: list[str], bibliography: list[str]) -> None:
        self.citations, self.bibliography = citations, bibliography

    def __repr__(self) -> str:
        return f"Result(citations={self.citations!r}, bibliography={self.bibliography!r})"


def render(items: list[dict], style: "str | Path | Style", *, locale: str | None = None,
           clusters: list[list[dict]] | None = None, mode: str = "bibliography", format: str = "text") -> Result:  # noqa: A002  # fmt: skip
    """Render CSL-JSON `items` (any CSL type) in a CSL `style`: a style id or short name
    ("apa", "chicago"), a path (a str ending in .csl, or any pathlib.Path), the style's CSL
    XML text itself, or a Style from avimcite.csl.styles.resolve_style.

    locale: "en-US", "tr-TR", ...; default the style's own default-locale, else en-US.
    clusters: a document's citations in order (the n-th in note n), each a list of cite
        items {"id", "locator", "label", "prefix", "suffix", "suppress-author",
        "author-only"}; positions (ibid, subsequent, near-note), note numbers, year
        suffixes and collapsing are resolved over the whole list. Without clusters every
        item is cited once, alone, in order.
    mode: "bibliography", "citation" or "both". format: "text", "html" or "markdown".

    Raises RenderError (naming the item and the CSL element) when the style cannot render
    an item, and avimcite.errors.UsageError for an unknown style, locale, mode or format, or
    a cite of an id that is not among the items.
    """
    from pathlib import Path

    from avimcite.csl.styles import Style, resolve_style
    from avimcite.errors import UsageError

    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r} (one of {', '.join(MODES)}).")
    if format not in FORMATS:
        raise UsageError(f"unknown format {format!r} (one of {', '.join(FORMATS)}).")
    if isinstance(style, str) and style.lstrip().startswith("<"):
        return _render_text_style(items, style, locale=locale, clusters=clusters, mode=mode, format=format)
    if isinstance(style, Path):
        from avimcite.csl.styles import check_style_path

        check_style_path(style, str(style))
        style = Style(style.stem, style)
    elif not isinstance(style, Style):
        style = resolve_style(style)
    known = {str(item.get("id")) for item in items}
    if len(known) != len(items) or "None" in known and any("id" not in item for item in items):
        raise UsageError("every item needs an id of its own.")
    if clusters is not None:
        clusters = [_checked_cluster(cluster, known, n) for n, cluster in enumerate(clusters, start=1)]
    from avimcite.csl.engine import render as engine_render

    rendered = engine_render(items, style, locale, mode, format, clusters=clusters)
    if rendered.errors:
        raise rendered.errors[0]
    cited = None
    if clusters is not None:
        cited = {str(cite["id"]) for cluster in clusters for cite in cluster}
    bibliography = rendered.bibliography
    if cited is not None and len(cited) < len(known):
        bibliography = _cited_entries(items, style, locale, format, cited, clusters) if mode != "citation" else []
    return Result(rendered.citations, bibliography)


def _render_text_style(items, text: str, **options) -> Result:
    """A style given as CSL XML text: rendered from a private temporary file."""
    import os
    import tempfile
    from pathlib import Path

    from avimcite.csl.styles import Style

    handle, name = tempfile.mkstemp(suffix=".csl", prefix="avimcite-style-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        return render(items, Style("style", Path(name)), **options)
    finally:
        os.unlink(name)


def _cited_entries(items, style, locale, fmt, cited, clusters):
    from avimcite.csl.engine import render as engine_render

    subset = [item for item in items if str(item.get("id")) in cited]
    rendered = engine_render(subset, style, locale, "bibliography", fmt, clusters=clusters)
    if rendered.errors:
        raise rendered.errors[0]
    return rendered.bibliography


def _checked_cluster(cluster, known: set[str], number: int) -> list[dict]:
    from avimcite.errors import UsageError

    if not isinstance(cluster, (list, tuple)) or not cluster:
        raise UsageError(f"cluster {number} is not a non-empty list of cite items.")
    out = []
    for cite in cluster:
        if not isinstance(cite, dict) or "id" not in cite:
            raise UsageError(f"cluster {number}: a cite item needs an id.")
        unknown = set(cite) - set(CITE_FIELDS)
        if unknown:
            raise UsageError(f"cluster {number}: unknown cite field {sorted(unknown)[0]!r} (fields: {', '.join(CITE_FIELDS)}).")
        if str(cite["id"]) not in known:
            raise UsageError(f"cluster {number} cites {cite['id']!r}, which is not among the items.")
        out.append(dict(cite, id=str(cite["id"])))
    return out


__all__ = ["render", "RenderError", "Result", "MODES", "FORMATS"]
