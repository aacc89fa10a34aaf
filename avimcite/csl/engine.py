"""CSL rendering with avimcite's own copy of citeproc-py, made to agree with citeproc-js.

Items are CSL-JSON (avimcite.csl.mapping for posts, any CSL-JSON item otherwise). Without
clusters, as Zotero and the reference harness do, every item is cited once, alone, in the
order given (note n for the n-th), and the bibliography is sorted as the style says. With
clusters, the clusters are a document's citations in order (note n for the n-th): positions,
note numbers, disambiguation, year suffixes and collapsing are worked out over the whole
document (avimcite.csl.clusters). Engine fixes live in avimcite.csl.fixes (applied to the
private copy avimcite.csl._citeproc only); what is done here is what CSL defines over a
whole document (disambiguation) or over the output (punctuation-in-quote).
"""

from __future__ import annotations

import warnings

from avimcite.csl.styles import Style, style_locale
from avimcite.csl.lazyre import LazyPattern as _lazy_re  # speed only: compiled on first use


class Rendered:
    """One render's output. (A plain class: `dataclasses` and its generated code cost at every start.)"""

    __slots__ = ("citations", "bibliography", "failures", "errors", "states", "keys", "quick_entries")

    def __init__(self) -> None:
        self.citations: list[str] = []
        self.bibliography: list[str] = []
        self.failures: list[tuple[str, str]] = []  # (item id, what went wrong)
        self.errors: list = []  # the RenderError of each failure, in order
        self.states: list = []  # per cluster, what each cite was given (clusters.render_clusters)
        self.keys: list[str] = []  # the registered items' ids in the bibliography's order (its entries' ids)
        self.quick_entries = 0  # entries printed from the style's compiled form (`form`; the others by the engine)


_CSL_ONLY = ("custom", "citation-key")


_NOT_TEXT = ("id", "type", "language", "issued", "accessed")
_SPACES = _lazy_re(" {2,}")  # runs of spaces (see _finish)


def _escaped(value, escape):
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, list):
        return [_escaped(v, escape) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v, escape) for k, v in value.items()}
    return value


def _names():
    from avimcite.csl._citeproc import NAMES

    return NAMES


def _engine_items(items: list[dict], escape=None, html: bool = False) -> list[dict]:
    """Items as citeproc-py should see them; `escape` (HTML, Markdown) is applied to every
    piece of item text, which citeproc-py otherwise passed to the output raw. CSL-JSON's
    rich-text tags (<i>, <b>, <sup>, <sub>, <sc>, small-caps spans) are kept as markup in
    HTML and taken out (kept as plain text) in text and Markdown; <span class="nocase"> is
    kept in every format for citeproc-py, which reads it as text-case protection."""
    from avimcite.csl import itemdata

    out = []
    for item in map(itemdata.prepare, items):
        # citeproc-py rejects variables it does not know (`custom` is ours); other lists and dicts
        # are escaped here, text fields and names where the engine reads their rich text.
        clean = {}
        for key, value in item.items():
            if key in _CSL_ONLY:
                continue
            if key == "id":
                value = str(value)
            if isinstance(value, str):
                # text is read as CSL-JSON rich text, and escaped, by the engine (avimcite.csl.richtext)
                clean[key] = value
                continue
            if key.replace("-", "_") in _names():
                clean[key] = value  # escaped where they are rendered, after their rich text is read (avimcite.csl.names)
                continue
            clean[key] = value if escape is None or key in _NOT_TEXT else _escaped(value, escape)
        out.append(clean)
    return out


def render(items: list[dict], style: Style, locale: str | None = None, mode: str = "bibliography", fmt: str = "text",
           *, clusters: list[list[dict]] | None = None, notes: list | None = None, document: bool = True,
           register: list[str] | None = None, one_line: bool = True, registered_first: bool = True,
           form: dict | None = None) -> Rendered:  # fmt: skip
    """Citations (one per cluster; without clusters one per item, each cited alone) and the
    bibliography. An entry or citation the engine cannot render is left out and recorded in
    `failures`/`errors` (a RenderError naming the item and the CSL element); the others print.

    notes: each cluster's note number (None: in the text; default the n-th cluster in note n);
    document false: the clusters are separate citations whose cites keep the `position` they
    give (clusters.assign_positions); register: the keys registered, in order (numbers,
    disambiguation, the bibliography), default the keys the clusters cite; one_line false:
    line breaks the style prints (display="block", a delimiter "&#x0A;") are kept (the CSL
    test suite's runner), else every citation and entry is one line; registered_first: the
    items are registered before the first cluster, as the reference harness runs citeproc-js
    (updateItems, then processCitationCluster note by note), false: each at its first cite
    (citeproc-js's test runner for CITATIONS), which the disambiguation sees
    (clusters.registry_first_notes). form: the style's compiled form verified for many
    entries (avimcite.csl.compiler): the bibliography's entries it renders are printed from it,
    once the engine has sorted and disambiguated (plain text, one line an entry, no
    subsequent-author-substitute); the engine prints the others (_entries_from_form)."""
    from avimcite.csl import context

    locale = style_locale(style, locale)

    token = context.begin(fmt)  # this render's own state, closed whatever happens
    try:
        return _render(items, style, locale, mode, fmt, clusters, notes, document, register, one_line, registered_first, form)
    finally:
        context.end(token)


def _render(items, style, locale, mode, fmt, clusters, notes, document, register, one_line, registered_first=True,
            form=None) -> Rendered:  # fmt: skip
    from avimcite.csl import braces, budget, clusters as clustering, fixes as citeproc_fixes, markup, richtext, stylefacts
    from avimcite.csl._citeproc import CitationStylesBibliography, CitationStylesStyle
    from avimcite.csl._citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings(), citeproc_fixes.collating(locale):
        warnings.simplefilter("ignore")
        output = markup.formatter(fmt)
        csl, facts = _parse_style(CitationStylesStyle, style, locale)
        richtext.read_locale_quotes(csl.root)  # fields are read with the style's quotes
        source = CiteProcJSON(_engine_items(items, None if fmt == "text" else output.preformat, html=fmt == "html"))
        if facts is None:  # not known from an earlier run: walk the parsed style
            budget.check(csl.root, style.id)
            facts = {"budget": True, "references": citeproc_fixes.holds_references(csl.root)}
            if csl.facts_key is not None:
                stylefacts.remember(csl.facts_key, facts)
        citeproc_fixes.decode_character_references(csl.root, facts["references"])
        if fmt != "text":
            citeproc_fixes.escape_style_literals(csl.root, output.preformat)
        keys = [str(item["id"]) for item in items]
        if clusters is None:
            clusters = [[{"id": key}] for key in keys]
        clusters = [[dict(cite, id=str(cite["id"])) for cite in cluster] for cluster in clusters]
        # citeproc-py files every item under its id in lower case
        cited = list(dict.fromkeys(cite["id"] for cluster in clusters for cite in cluster if cite["id"].lower() in source))
        if register is not None:
            cited = [str(key) for key in register if str(key).lower() in source]
        bib = CitationStylesBibliography(csl, source, output)
        first_notes = clustering.registry_first_notes(clusters, notes, registered_first) if document else {}
        settle(csl, bib, source, cited, first_notes)
        again: set[int] = set()
        if register is None and document and csl.root.citation.sort is not None and any(len(c) > 1 for c in clusters[:-1]):
            # the order of citeproc-js's registry after the document (clusters.registry_order);
            # without a cluster of several cites sorted before the last, the first-cite order
            from avimcite.csl import disambiguation

            groups = list(getattr(disambiguation.session(), "ambigcites", {}).values())
            earlier = [item.key for item in bib.items]
            suffixes = {key: str(source[key]["year_suffix"]) for key in earlier if key in source and "year_suffix" in source[key]}
            order, suffix_order, again = clustering.registry_order(csl, bib, clusters, groups, set(suffixes))
            if order != earlier or _suffix_order_differs(suffixes, suffix_order, groups):
                named = {key.lower(): key for key in reversed(cited)}
                cited = [named.get(key, key) for key in order]
                # afresh: the first pass left its year suffixes on the items
                source = CiteProcJSON(_engine_items(items, None if fmt == "text" else output.preformat, html=fmt == "html"))
                bib = CitationStylesBibliography(csl, source, output)
                settle(csl, bib, source, cited, first_notes, suffix_order)
        result = Rendered()
        given = {str(item["id"]).lower(): str(item["id"]) for item in reversed(items)}
        result.keys = [given.get(key, key) for key in bib.keys]
        if mode in ("citation", "both"):
            for text in clustering.render_clusters(csl, bib, clusters, _cite_failed, notes=notes, document=document,
                                                   states=result.states, again=again):  # fmt: skip
                result.citations.append(_finish(_entry(text, one_line), csl, one_line) if text is not None else None)
            result.citations = [t for t in result.citations if t is not None]
        if mode in ("bibliography", "both") and csl.has_bibliography():
            with braces.bibliography():  # nested parentheses count on from the last citation
                if form is not None and fmt == "text" and one_line and not braces.counting_now() \
                        and csl.root.bibliography.get("subsequent-author-substitute") is None:
                    result.bibliography = _entries_from_form(form, csl, bib, source, items, result)
                else:
                    result.bibliography = [_finish(_entry(e, one_line), csl, one_line) for e in bib.bibliography()]
        seen = set()
        for key, exc in citeproc_fixes.entry_failures:
            if key not in seen:
                seen.add(key)
                result.failures.append((key, f"{type(exc).__name__}: {str(exc)[:120]}"))
                result.errors.append(render_error(style, key, exc))
    return result


def _entries_from_form(form: dict, csl, bib, source, items: list[dict], result: Rendered) -> list[str]:
    """The bibliography's entries, each printed from the compiled form where it renders the
    entry (avimcite.csl.quick, given the citation-number, year suffix and disambiguation the
    engine settled), the others by the engine, in one pass over them; every entry is
    independent once sorted and disambiguated, without subsequent-author-substitute."""
    from avimcite.csl import disambiguation, fixes as citeproc_fixes, quick

    given = {str(item["id"]).lower(): item for item in reversed(items)}
    session = disambiguation.session()
    registry = getattr(session, "registry", None) or {}
    ambiguous = citeproc_fixes.ambiguous_keys

    def from_form(positions, _start):  # plain strings or None: a forked child renders half of a long list
        out = []
        for position in positions:
            key = bib.items[position].key
            reference = source[key]
            config = registry.get(key)
            # the citation-number: an item's place in bib.keys (CitationItem.number), which holds
            # bib.items' keys, each once (register), in their order (sort)
            entry = quick.Entry(position + 1, str(reference["year_suffix"]) if "year_suffix" in reference else "",
                                key in ambiguous, max(config.names, default=0) if config is not None else 0)  # fmt: skip
            try:
                out.append(quick.render(form, given[key], "bibliography", entry))
            except Exception:  # noqa: BLE001 - Refuse, or anything the form does not read: the engine's entry
                out.append(None)
        return out

    texts: list[str | None] = citeproc_fixes.forked_map(from_form, list(range(len(bib.items))))
    result.quick_entries = sum(text is not None for text in texts)
    left = [i for i, text in enumerate(texts) if text is None]
    if left:
        everything = bib.items
        try:
            bib.items = [everything[i] for i in left]
            engine_texts = bib.bibliography()
            if len(engine_texts) == len(left):
                for i, text in zip(left, engine_texts):
                    texts[i] = _finish(_entry(text), csl, True)
            else:  # an entry failed or printed nothing: one at a time, to know which
                for i in left:
                    bib.items = [everything[i]]
                    one = bib.bibliography()
                    texts[i] = _finish(_entry(one[0]), csl, True) if one else None
        finally:
            bib.items = everything
    return [text for text in texts if text is not None]


def render_error(style: Style, key: str, exc: BaseException):
    """A RenderError naming the item and the innermost CSL element that was rendering."""
    from avimcite.errors import RenderError

    if isinstance(exc, RenderError):
        return exc
    element = _failing_element(exc)
    where = f" at {element}" if element else ""
    return RenderError(f"the style {style.id} could not render the item {key}{where} ({type(exc).__name__}: {str(exc)[:120]}).",
                       item=key, element=element)  # fmt: skip


def _failing_element(exc: BaseException) -> str | None:
    """'<text macro="author"> (line 12)': the CSL element of the innermost frame of the
    traceback whose `self` is a style element."""
    tb, found = exc.__traceback__, None
    while tb is not None:
        owner = tb.tb_frame.f_locals.get("self")
        tag = getattr(owner, "tag", None)
        if isinstance(tag, str) and tag.startswith("{http://purl.org/net/xbiblio/csl}"):
            found = owner
        tb = tb.tb_next
    if found is None:
        return None
    name = found.tag.rpartition("}")[2]
    attributes = "".join(f' {k}="{v}"' for k, v in list(found.attrib.items())[:2])
    line = getattr(found, "sourceline", None)
    return f"<{name}{attributes}>" + (f" (line {line})" if line else "")


def _parse_style(CitationStylesStyle, style: Style, locale: str):
    """The style, parsed once, and what its bytes are known to decide (stylefacts, or None);
    what is not CSL XML is one line (exit 2)."""
    import io

    from lxml import etree

    from avimcite.csl import stylefacts
    from avimcite.errors import UsageError

    try:
        data = style.path.read_bytes()  # the very bytes parsed are the ones the facts are kept for
    except OSError:
        data = None
    try:
        source = io.BytesIO(data) if data is not None else str(style.path)
        csl = CitationStylesStyle(source, locale=locale, validate=False)
    except etree.XMLSyntaxError as exc:
        raise UsageError(f"the style {style.path} is not valid XML ({exc.msg}).") from None
    except Exception:
        # citeproc-py fails on a root that is not cs:style; say so (only this path parses twice)
        root = etree.parse(str(style.path), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)).getroot()
        if root.tag != "{http://purl.org/net/xbiblio/csl}style":
            raise UsageError(f"{style.path} is not a CSL style (its root element is not <style> in the CSL namespace).") from None
        raise
    if csl.root.tag != "{http://purl.org/net/xbiblio/csl}style":
        raise UsageError(f"{style.path} is not a CSL style (its root element is not <style> in the CSL namespace).")
    csl.facts_key = stylefacts.key(data) if data is not None else None
    return csl, stylefacts.load(csl.facts_key) if csl.facts_key is not None else None


def _suffix_order_differs(suffixes: dict[str, str], order: dict[str, int], groups) -> bool:
    """Do the year suffixes given (key -> letters) order a group's keys otherwise than `order`?"""
    for members in groups:
        keys = [key for key in members if key in suffixes and key in order]
        if sorted(keys, key=lambda k: (len(suffixes[k]), suffixes[k])) != sorted(keys, key=lambda k: order[k]):
            return True
    return False


def settle(csl, bib, source, keys: list[str], first_notes: dict[str, int] | None = None,
           suffix_order: dict[str, int] | None = None) -> list:
    """Cite every key once, alone, in order (registering it), sort the bibliography as the
    style says, then disambiguate; the citations, to render."""
    from avimcite.csl import fixes as citeproc_fixes
    from avimcite.csl._citeproc import Citation, CitationItem

    citeproc_fixes.ambiguous_keys.clear()
    keys = [k.lower() for k in keys]  # citeproc-py files every item under its id in lower case
    cites = [Citation([CitationItem(k)]) for k in keys]
    for citation in cites:
        bib.register(citation)
    if csl.has_bibliography():
        bib.sort()
    citeproc_fixes.entry_failures.clear()  # a sort key that failed is reported with its entry
    disambiguate(csl, bib, source, cites, keys, first_notes, suffix_order)
    return cites


def disambiguate(csl, bib, source, cites: list, keys: list[str], first_notes: dict[str, int] | None = None,
                 suffix_order: dict[str, int] | None = None) -> None:
    """CSL 1.0.2 "Disambiguation" (avimcite.csl.disambiguation, as citeproc-js does it): names
    added, given names expanded, year suffixes given in the bibliography's order, then the
    `disambiguate` condition, for items whose cites would otherwise be identical."""
    from avimcite.csl import disambiguation

    disambiguation.run(csl, bib, source, keys, first_notes, suffix_order)
    # Forget the cites rendered above, or every note would be a "subsequent" one. The order
    # stays: suffixes follow the bibliography's order, they do not change it.
    bib._cites.clear()


def _cite_or_none(bib, citation):
    """The citation's text, or None (recorded in entry_failures) if the engine fails on it."""
    from avimcite.csl import fixes as citeproc_fixes

    try:
        return str(bib.cite(citation, _missing))
    except Exception as exc:  # noqa: BLE001 - one bad entry must not take the others down
        citeproc_fixes.entry_failures.append((citation.cites[0].key, exc))
        return None


def _cite_failed(key: str, exc: BaseException) -> None:
    from avimcite.csl import fixes as citeproc_fixes

    citeproc_fixes.entry_failures.append((key, exc))


def _missing(item) -> str:
    return f"{item.key}?"


def _entry(entry, one_line: bool = True) -> str:
    # One line per entry: line breaks (display="block") and runs of spaces become one space.
    return " ".join(str(entry).split()) if one_line else str(entry)


def _finish(text: str, csl, one_line: bool = False) -> str:
    # The engine's marker text in the output format: decorations, quotes and punctuation in
    # quotes (avimcite.csl.richtext). Marks that meet at seams were merged as they met
    # (avimcite.csl.adjust: citeproc-js keeps "?." after a decorated title).
    from avimcite.csl.richtext import finish

    text = finish(text, csl.root)
    if one_line and "  " in text:
        # spaces that only a marker kept apart meet once the markers are gone (a delimiter
        # ", " then a prefix " consulté le" in a font-style="normal" group); a one-line entry
        # has runs of spaces as one, as before
        text = _SPACES.sub(" ", text)
    return text
