"""Bibliography entries as citeproc-js prints them where CSL leaves the output open.

- In a numeric style (its citations print the citation-number) an entry that prints nothing
  keeps its place and number: "2. [CSL STYLE ERROR: reference with no printed form.]"
  (citeproc-js's makeBibliography), so the numbers of the entries after it still match the
  citations.
"""

from __future__ import annotations

NO_PRINTED_FORM = "[CSL STYLE ERROR: reference with no printed form.]"
_CSL = "{http://purl.org/net/xbiblio/csl}"


def numeric_citations(root) -> bool:
    """Do the style's citations print the citation-number (cs:text, also through macros)?"""
    citation = root.find(_CSL + "citation")
    if citation is None:
        return False
    macros = {m.get("name"): m for m in root.findall(_CSL + "macro")}
    seen: set[str] = set()
    todo = [citation]
    while todo:
        element = todo.pop()
        for text in element.iter(_CSL + "text"):
            if text.get("variable") == "citation-number":
                return True
            name = text.get("macro")
            if name in macros and name not in seen:
                seen.add(name)
                todo.append(macros[name])
    return False


def empty_entry(layout, item):
    """What an entry that printed nothing prints instead, or None (left out)."""
    from avimcite.csl._citeproc.string import String

    root = layout.get_root()
    if not numeric_citations(root):
        return None
    try:
        number = item.number
    except Exception:  # noqa: BLE001 - an item outside the registry
        return None
    return String(f"{number}. {NO_PRINTED_FORM}")
