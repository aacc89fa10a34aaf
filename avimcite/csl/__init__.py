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
# citeproc-js's makeCitationCluster fields: a position given (0 first, 1 subsequent, 2 ibid, 3
# ibid-with-locator, or the name) and near-note; clusters with them are separate citations
FORCED_FIELDS = ("position", "near-note")


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

    items: CSL-JSON; an item without a "type" has none (as citeproc-js takes it), one
        without an "id" is rendered only when no clusters are given.
    locale: "en-US", "tr-TR", ...; default the style's own default-locale, else en-US.
    clusters: a document's citations in order (the n-th in note n), each a list of cite
        items {"id", "locator", "label", "prefix", "suffix", "suppress-author",
        "author-only"}, or a citeproc-js citation {"citationItems": [...], "properties":
        {"noteIndex": n}} (n 0: in the text, not in a note); positions (ibid, subsequent,
        near-note), note numbers, year suffixes and collapsing are resolved over the whole
        list. Cites that give "position" (0-3 or first, subsequent, ibid, ibid-with-locator)
        or "near-note" are rendered as citeproc-js's makeCitationCluster renders them: each
        cluster a citation of its own, with the position given. Without clusters every
        item is cited once, alone, in order.
    mode: "bibliography", "citation" or "both". format: "text", "html" or "markdown".
    Each citation and entry is the string the style makes, as citeproc-js returns it: line
    breaks of display="block" or a "&#x0A;" delimiter kept, white space at its ends too
    (the command line prints each on one line).

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
    items = _checked_items(items, clusters is None)
    known = {item["id"] for item in items}
    notes, forced = None, False
    if clusters is not None:
        checked = [_checked_cluster(cluster, known, n) for n, cluster in enumerate(clusters, start=1)]
        clusters = [cites for cites, _ in checked]
        if any(note is not _NO_NOTE for _, note in checked):
            notes = [n if note is _NO_NOTE else note for n, (_, note) in enumerate(checked, start=1)]
        forced = any(field in cite for cites in clusters for cite in cites for field in FORCED_FIELDS)
    from avimcite.csl.engine import render as engine_render

    if clusters is not None:
        # a document's items are the ones it cites (as citeproc-js registers them), rendered in
        # one pass: the bibliography goes on from the last citation (note styles' bracket count)
        cited = {cite["id"] for cluster in clusters for cite in cluster}
        items = [item for item in items if item["id"] in cited]
    rendered = engine_render(items, style, locale, mode, format, clusters=clusters, notes=notes, document=not forced,
                             one_line=False)  # fmt: skip
    if rendered.errors:
        raise rendered.errors[0]
    return Result(rendered.citations, rendered.bibliography)


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


_NO_NOTE = object()  # a cluster given as a list of cite items: in note n, the n-th cluster


def _checked_items(items, ids_optional: bool) -> list[dict]:
    """Copies of the items, each with a str id and a type ("" when none is given)."""
    from avimcite.errors import UsageError

    if not isinstance(items, (list, tuple)):
        raise UsageError("items must be a list of CSL-JSON objects.")
    out, seen = [], set()
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise UsageError(f"item {number} is not a CSL-JSON object.")
        item = dict(item)
        if item.get("id") is None:
            if not ids_optional:
                raise UsageError(f"item {number} has no id, and clusters cite items by id.")
            item["id"] = f"\x00item-{number}"  # not a key anyone can write or cite
        item["id"] = str(item["id"])
        if item["id"] in seen:
            raise UsageError(f"every item needs an id of its own ({item['id']!r} is given twice).")
        seen.add(item["id"])
        item.setdefault("type", "")
        out.append(item)
    return out


def _checked_cluster(cluster, known: set[str], number: int) -> tuple[list[dict], object]:
    """(the cite items, the note number given or _NO_NOTE)."""
    from avimcite.errors import UsageError

    note = _NO_NOTE
    if isinstance(cluster, dict) and "citationItems" in cluster:
        properties = cluster.get("properties") or {}
        index = properties.get("noteIndex") if isinstance(properties, dict) else None
        if index is not None and (isinstance(index, bool) or not isinstance(index, int) or index < 0):
            raise UsageError(f"cluster {number}: noteIndex must be a whole number (0: not in a note).")
        note = _NO_NOTE if index is None else (index or None)
        cluster = cluster["citationItems"]
    if not isinstance(cluster, (list, tuple)) or not cluster:
        raise UsageError(f"cluster {number} is not a non-empty list of cite items.")
    fields = CITE_FIELDS + FORCED_FIELDS
    out = []
    for cite in cluster:
        if not isinstance(cite, dict) or "id" not in cite:
            raise UsageError(f"cluster {number}: a cite item needs an id.")
        unknown = set(cite) - set(fields)
        if unknown:
            raise UsageError(f"cluster {number}: unknown cite field {sorted(unknown)[0]!r} (fields: {', '.join(fields)}).")
        if str(cite["id"]) not in known:
            raise UsageError(f"cluster {number} cites {cite['id']!r}, which is not among the items.")
        position = cite.get("position", 0)
        if isinstance(position, bool) or position not in _POSITIONS:
            raise UsageError(f"cluster {number}: position {position!r} is not one of 0-3, {', '.join(map(str, _POSITIONS[4:]))}.")
        if not isinstance(cite.get("near-note", False), bool):
            raise UsageError(f"cluster {number}: near-note must be true or false.")
        out.append(dict(cite, id=str(cite["id"])))
    return out, note


_POSITIONS = (0, 1, 2, 3, "first", "subsequent", "ibid", "ibid-with-locator")


__all__ = ["render", "RenderError", "Result", "MODES", "FORMATS"]
