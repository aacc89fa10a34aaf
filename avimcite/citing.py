"""Citations in a CSL style: posts in, lines of text out (terminal-free)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from avimcite.errors import AvimciteError, UsageError

MODES = ("bibliography", "citation", "both")
BULK_ENTRIES = 200  # from this many posts a bibliography's entries print from the style's compiled form


def cite_csl(posts, keys: dict[str, str], style_name: str, locale: str | None, mode: str, fmt: str, accessed: date,
             clusters: list[list[dict]] | None = None) -> list[str]:  # fmt: skip
    """Lines to print: citations (one per post in the order given, or one per cluster), a
    blank line when both, then the bibliography (of the posts cited) in the style's order.
    `clusters` cite posts by id (Post.id)."""
    from avimcite.csl.engine import render
    from avimcite.csl.mapping import post_to_csl
    from avimcite.csl.styles import resolve_style

    style = resolve_style(style_name)
    data = check_style_file(style.path)
    items, seen = [], set()
    for post in posts:
        if post.id not in seen:  # a post cited twice is one bibliography entry
            seen.add(post.id)
            items.append(post_to_csl(post, keys[post.id], accessed))
    if clusters is not None:
        clusters = [[dict(cite, id=keys[cite["id"]]) for cite in cluster] for cluster in clusters]
    form = None
    if mode in ("bibliography", "both") and fmt == "text" and clusters is None and len(items) >= BULK_ENTRIES:
        form = _bulk_form(style, data, locale)
    try:
        rendered = render(items, style, locale, mode, fmt, clusters=clusters, form=form)
    except AvimciteError:
        raise
    except Exception as exc:  # noqa: BLE001 - the engine's own errors, said in one line
        from avimcite.csl.engine import render_error

        raise render_error(style, "(all)", exc) from None
    if mode == "bibliography" and not rendered.bibliography and not rendered.failures:
        raise UsageError(f"the style {style.id} has no bibliography; use --mode citation.")
    lines = CiteLines(rendered.citations + ([""] if mode == "both" else []) + rendered.bibliography)
    lines.citations, lines.bibliography = rendered.citations, rendered.bibliography
    if rendered.failures:
        from avimcite.errors import RenderError

        key, what = rendered.failures[0]
        first = rendered.errors[0]
        where = f" at {first.element}" if first.element else ""
        more = f" (and {len(rendered.failures) - 1} more)" if len(rendered.failures) > 1 else ""
        lines.error = RenderError(f"the style {style.id} could not render the post {key}{more}{where}: {what}; "
                                                "the other entries were printed.", item=key, element=first.element)  # fmt: skip
    return lines


def cite_quick(post, key: str, style_name: str, locale: str | None, mode: str, accessed: date):
    """(lines, build) for a single post in plain text. lines: its citation, entry or both from
    the style's compiled form (avimcite.csl.quick: no lxml, no citeproc-py), or None when no
    verified form is kept for these bytes or the form does not render this post (the engine
    does). build: None, or, when no form is kept for these bytes at all, what builds, verifies
    and keeps one: called after the engine has rendered, so a later first citation renders
    from the form."""
    from avimcite.csl import quick
    from avimcite.csl.mapping import post_to_csl
    from avimcite.csl.styles import resolve_style

    style = resolve_style(style_name)
    locale, form_key, form = _kept_form(style, check_style_file(style.path), locale)
    if form_key is None:
        return None, None
    if form is None:
        return None, lambda: _build_form(style, locale, form_key)
    if form is False:  # kept as failed: the engine renders this style
        return None, None
    item = post_to_csl(post, key, accessed)
    try:
        citations = [quick.render(form, item, "citation")] if mode in ("citation", "both") else []
        bibliography = [quick.render(form, item, "bibliography")] if mode in ("bibliography", "both") else []
    except Exception:  # noqa: BLE001 - Refuse, or a form this code cannot read: the engine renders
        return None, None
    lines = CiteLines(citations + ([""] if mode == "both" else []) + bibliography)
    lines.citations, lines.bibliography = citations, bibliography
    return lines, None


def _kept_form(style, data: bytes, locale: str | None):
    """(the locale the style renders in, its compiled form's key for these bytes or None when
    a locale file cannot be read, the form kept under that key: a dict, False when kept as
    failed, None when none is kept)."""
    from avimcite.csl import compiled
    from avimcite.csl.styles import style_locale

    locale = style_locale(style, locale)
    form_key = compiled.key(data, locale, compiled.locale_files(locale))
    return locale, form_key, compiled.load(form_key) if form_key is not None else None


def _bulk_form(style, data: bytes, locale: str | None) -> dict | None:
    """The style's compiled form, verified for a bibliography of many entries: built now if
    none is kept for these bytes, verified now for many entries if a first citation kept it
    (where it can be kept); or None: the engine prints every entry."""
    locale, form_key, form = _kept_form(style, data, locale)
    if form_key is None:
        return None
    if form is None or (isinstance(form, dict) and form.get("bulk") is None):
        form = _build_form(style, locale, form_key, bulk=True, form=form)
    return form if isinstance(form, dict) and form.get("bulk") else None


def _build_form(style, locale: str, form_key: str, bulk: bool = False, form: dict | None = None):
    """Build and verify the compiled form for `form_key` (also for many entries when `bulk`),
    or verify a kept `form` for many entries, and keep it, where it can be kept (a cache
    folder others can write to keeps nothing: it would be built again at every cite); the
    form kept, else None."""
    from avimcite.cache import make_private_dir
    from avimcite.csl import compiled
    from avimcite.csl.compiler import compile_and_verify, verify_bulk
    from avimcite.paths import user_cache_dir

    if not make_private_dir(user_cache_dir()):
        return None
    if form is None:
        form = compile_and_verify(style, locale, bulk) or False
    else:
        form["bulk"] = verify_bulk(form, style, locale)
    compiled.save(form_key, form)
    return form


def read_clusters(text: str, catalogue, keys: dict[str, str], locale: str | None) -> tuple[list, list[list[dict]]]:
    """(posts cited, clusters citing them by post id) from pandoc citation syntax, one cluster
    a line (blank lines and lines starting with '#' are skipped), or from a JSON list of
    clusters of cite items. A malformed line is a UsageError, an unknown key an
    UnknownIdError, each naming the line (or cluster) and the key."""
    from avimcite.errors import UnknownIdError

    by_key = {key.lower(): post_id for post_id, key in keys.items()}
    posts, seen, clusters = [], set(), []
    for number, cluster in _clusters_of(text, locale):
        for cite in cluster:
            ref = cite["id"]
            post = catalogue.find(ref)
            if post is None and ref.lower() in by_key:
                post = catalogue.find(by_key[ref.lower()])
            if post is None:
                raise UnknownIdError(f"{number}: unknown key @{ref} (not a post id, short id or citation key in the catalogue).",
                                     [ref])  # fmt: skip
            cite["id"] = post.id
            if post.id not in seen:
                seen.add(post.id)
                posts.append(post)
        clusters.append(cluster)
    if not clusters:
        raise UsageError("the clusters file holds no citation cluster (one per line, e.g. [@2023/63, para. 4]).")
    return posts, clusters


def _clusters_of(text: str, locale: str | None):
    """(where, cluster) for each cluster of the file: pandoc syntax one cluster a line, or a
    JSON list of clusters, each a list of cite items (the shape `avimcite.csl.render` and
    citeproc-js's processCitationCluster take: id, locator, label, prefix, suffix,
    suppress-author, author-only)."""
    from avimcite.csl.pandoc_cites import ClusterSyntaxError, locator_terms, parse_line

    import re

    if re.match(r"\s*\[\s*\[", text):  # pandoc syntax never opens with two brackets
        import json

        try:
            data = json.loads(text)
        except ValueError as exc:
            raise UsageError(f"the clusters file is not valid JSON: {exc}.") from None
        from avimcite.csl import CITE_FIELDS

        for n, cluster in enumerate(data, start=1):
            if not isinstance(cluster, list) or not cluster or not all(isinstance(c, dict) and "id" in c for c in cluster):
                raise UsageError(f"cluster {n}: not a non-empty list of cite items with an id.")
            for cite in cluster:
                unknown = set(cite) - set(CITE_FIELDS)
                if unknown:
                    raise UsageError(f"cluster {n}: unknown cite field {sorted(unknown)[0]!r} (fields: {', '.join(CITE_FIELDS)}).")
            yield f"cluster {n}", [dict(c, id=str(c["id"])) for c in cluster]
        return
    terms = locator_terms(_locale_terms(locale))
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            cluster = parse_line(line, terms)
        except ClusterSyntaxError as exc:
            key = f" (key @{exc.key})" if exc.key else ""
            raise UsageError(f"line {number}: not a citation cluster{key}: {exc}.") from None
        yield f"line {number}", cluster


def _locale_terms(locale: str | None) -> dict[str, list[str]]:
    """The locator terms of a locale file (long, short, symbol; singular and plural), so a
    Turkish draft can write "s. 5"; English's are always read as well."""
    if not locale:
        return {}
    try:
        from lxml import etree

        from avimcite.csl.styles import resolve_locale
        from avimcite.paths import package_dir

        code = resolve_locale(locale)
        path = package_dir("citeproc") / "data" / "locales" / f"locales-{code}.xml"
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except Exception:  # noqa: BLE001 - English terms only
        return {}
    from avimcite.csl.pandoc_cites import LOCATOR_TERMS

    ns = "{http://purl.org/net/xbiblio/csl}"
    found: dict[str, list[str]] = {}
    for term in root.iter(ns + "term"):
        name = term.get("name")
        if name not in LOCATOR_TERMS:
            continue
        forms = [term.text or ""] + [child.text or "" for child in term]
        found.setdefault(name, []).extend(f for f in forms if f.strip())
    return found


class CiteLines(list):
    """The lines to print; `citations` and `bibliography` as the engine gave them, and
    `error`: when some entries could not be rendered, the error to raise once the rendered
    ones are printed."""

    citations: list = []
    bibliography: list = []
    error = None


def check_style_file(path: Path) -> bytes:
    """Refuse a DTD (an external entity could read local files) and anything but UTF-8, before
    the engine parses the file once (render() turns a parse error into one line, exit 2); the
    file's bytes."""
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
    return head
