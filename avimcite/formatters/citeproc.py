"""CSL rendering with citeproc-py, made to agree with citeproc-js.

Items are CSL-JSON (avimcite.csl). As Zotero and the reference harness do, every
item is cited once, alone, in the order given, and the bibliography is sorted
as the style says. Engine fixes live in citeproc_fixes; what is done here is
what CSL defines over a whole bibliography (disambiguation) or over the output
(second-field-align, punctuation-in-quote).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

from avimcite.formatters.styles import Style


@dataclass
class Rendered:
    citations: list[str] = field(default_factory=list)
    bibliography: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (item id, what went wrong)


_CSL_ONLY = ("custom", "citation-key")
_STRAIGHT_QUOTES = re.compile(r'"([^"]*)"')
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")  # İstanbul'daki -> İstanbul’daki, as citeproc-js prints it
_SINGLE_QUOTES = re.compile(r"(?<!\w)'([^']*)'(?!\w)")
_RICH_TEXT = re.compile(r"</?(?:i|b|sup|sub|sc)>|<span class=\"nocase\">|<span style=\"font-variant:\s*small-caps;?\">|</span>")


_NOT_TEXT = ("id", "type", "language", "issued", "accessed")


def _escaped(value, escape):
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, list):
        return [_escaped(v, escape) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v, escape) for k, v in value.items()}
    return value


def _engine_items(items: list[dict], escape=None) -> list[dict]:
    """Items as citeproc-py should see them; `escape` (HTML, Markdown) is applied to every
    piece of item text, which citeproc-py otherwise passed to the output raw."""
    out = []
    for item in items:
        # citeproc-py rejects variables it does not know (`custom` is ours), and prints
        # CSL-JSON's rich-text tags literally: they are taken out (kept as plain text).
        clean = {}
        for key, value in item.items():
            if key in _CSL_ONLY:
                continue
            if isinstance(value, str):
                # citeproc-js reads straight double quotes in CSL-JSON text as quotation marks.
                value = _STRAIGHT_QUOTES.sub("“\\1”", _RICH_TEXT.sub("", value))
                value = _SINGLE_QUOTES.sub("‘\\1’", _APOSTROPHE.sub("’", value))
            clean[key] = value if escape is None or key in _NOT_TEXT else _escaped(value, escape)
        out.append(clean)
    return out


def _punctuation_in_quote(text: str) -> str:
    """en-US and others: a period or comma after a closing quote goes inside it (“Title.”)."""
    return re.sub(r"([”’])([.,])", r"\2\1", text)


def render(items: list[dict], style: Style, locale: str, mode: str = "bibliography", fmt: str = "text") -> Rendered:
    from citeproc import CitationStylesBibliography, CitationStylesStyle
    from citeproc.source.json import CiteProcJSON

    from avimcite.formatters import citeproc_fixes, markup

    citeproc_fixes.install()
    citeproc_fixes.clear_caches()
    with warnings.catch_warnings(), citeproc_fixes.collating(locale):
        warnings.simplefilter("ignore")
        output = markup.formatter(fmt)
        source = CiteProcJSON(_engine_items(items, None if fmt == "text" else output.preformat))
        csl = _parse_style(CitationStylesStyle, style, locale)
        citeproc_fixes.decode_character_references(csl.root)
        if fmt != "text":
            citeproc_fixes.escape_style_literals(csl.root, output.preformat)
        keys = [str(item["id"]) for item in items]
        in_quote = _locale_option(csl, "punctuation-in-quote")
        bib = CitationStylesBibliography(csl, source, output)
        cites = settle(csl, bib, source, keys)
        result = Rendered()
        if mode in ("citation", "both"):
            for citation in cites:
                text = _cite_or_none(bib, citation)
                if text is not None:
                    result.citations.append(_finish(_entry(text), in_quote))
        if mode in ("bibliography", "both") and csl.has_bibliography():
            result.bibliography = [_finish(_entry(e), in_quote) for e in bib.bibliography()]
        seen = set()
        for key, exc in citeproc_fixes.entry_failures:
            if key not in seen:
                seen.add(key)
                result.failures.append((key, f"{type(exc).__name__}: {str(exc)[:120]}"))
        citeproc_fixes.entry_failures.clear()
        citeproc_fixes.ambiguous_keys.clear()
    return result


def _parse_style(CitationStylesStyle, style: Style, locale: str):
    """The style, parsed once; what is not CSL XML is one line (exit 2)."""
    from lxml import etree

    from avimcite.errors import UsageError

    try:
        csl = CitationStylesStyle(str(style.path), locale=locale, validate=False)
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
    return csl


def settle(csl, bib, source, keys: list[str]) -> list:
    """Cite every key once, alone, in order (registering it), sort the bibliography as the
    style says, then disambiguate; the citations, to render."""
    from citeproc import Citation, CitationItem

    from avimcite.formatters import citeproc_fixes

    citeproc_fixes.ambiguous_keys.clear()
    keys = [k.lower() for k in keys]  # citeproc-py files every item under its id in lower case
    cites = [Citation([CitationItem(k)]) for k in keys]
    for citation in cites:
        bib.register(citation)
    if csl.has_bibliography():
        bib.sort()
    citeproc_fixes.entry_failures.clear()  # a sort key that failed is reported with its entry
    disambiguate(csl, bib, source, cites, keys)
    return cites


def disambiguate(csl, bib, source, cites: list, keys: list[str]) -> None:
    """CSL 1.0.2 "Disambiguation": items whose citations are identical get the `disambiguate`
    condition, then year suffixes if the style asks (in the bibliography's order)."""
    from avimcite.formatters import citeproc_fixes

    # one registered citation per key; a long list on two cores (each item cited once: no
    # citation depends on another)
    first = citeproc_fixes.forked_map(lambda chunk, _start: [_cite_or_none(bib, c) for c in chunk], list(cites))
    groups: dict[str, list[str]] = {}
    for key, text in zip(keys, first):
        groups.setdefault(text, []).append(key)
    ambiguous = {k for group in groups.values() if len(group) > 1 for k in group}
    if ambiguous:
        citeproc_fixes.ambiguous_keys.update(ambiguous)
        if csl.root.citation.get("disambiguate-add-year-suffix") == "true":
            order = {k: i for i, k in enumerate(bib.keys)}
            for group in groups.values():
                if len(group) > 1:
                    for n, key in enumerate(sorted(group, key=lambda k: order.get(k, 0))):
                        source[key]["year_suffix"] = chr(ord("a") + n) if n < 26 else f"a{chr(ord('a') + n - 26)}"
            citeproc_fixes.ambiguous_keys.clear()  # the suffix resolves it
    # Forget the pass above, or every note would be a "subsequent" one. The order stays:
    # suffixes follow the bibliography's order, they do not change it.
    bib._cites.clear()


def _cite_or_none(bib, citation):
    """The citation's text, or None (recorded in entry_failures) if the engine fails on it."""
    from avimcite.formatters import citeproc_fixes

    try:
        return str(bib.cite(citation, _missing))
    except Exception as exc:  # noqa: BLE001 - one bad entry must not take the others down
        citeproc_fixes.entry_failures.append((citation.cites[0].key, exc))
        return None


def _missing(item) -> str:
    return f"{item.key}?"


def _entry(entry) -> str:
    # One line per entry: line breaks (display="block") and runs of spaces become one space.
    return " ".join(str(entry).split())


def _finish(text: str, in_quote: bool) -> str:
    # A period after a title's own "?" or "!" is dropped, as citeproc-js does at such seams.
    text = re.sub(r"([?!][”’]?)\.(?=\s|$)", r"\1", text)
    return _punctuation_in_quote(text) if in_quote else text


def _locale_option(csl, name: str) -> bool:
    try:
        return str(csl.root.get_locale_option(name)).lower() == "true"
    except Exception:  # noqa: BLE001 - a locale without style options
        return False
