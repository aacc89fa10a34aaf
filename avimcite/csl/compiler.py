"""Building and verifying a style's compiled form (avimcite.csl.compiled keeps it,
avimcite.csl.quick renders from it): the style as the engine parsed it, as plain lists, with
the terms, localized dates and options its locale gives it; then the probes, which the engine
and the form must print the same. See docs/engine.md."""

from __future__ import annotations

from avimcite.csl.compiled import _version
from avimcite.csl.quick import DECORATIONS as _FONT

_NS = "{http://purl.org/net/xbiblio/csl}"

# What the quick renderer reads, element by element; a style with anything else is not compiled.
_AFFIX = {"prefix", "suffix"}
_NAME_OPTIONS = {"and", "delimiter", "delimiter-precedes-last", "delimiter-precedes-et-al", "et-al-min",
                 "et-al-use-first", "et-al-use-last", "et-al-subsequent-min", "et-al-subsequent-use-first",
                 "initialize", "initialize-with", "name-as-sort-order", "sort-separator", "form"}  # fmt: skip
_KNOWN = {
    "layout": _AFFIX | _FONT | {"delimiter"},
    "text": _AFFIX | _FONT | {"variable", "macro", "term", "value", "form", "plural", "quotes", "text-case", "strip-periods", "display"},
    "group": _AFFIX | _FONT | {"delimiter", "display"},
    "choose": set(),
    "if": {"type", "variable", "is-numeric", "is-uncertain-date", "position", "disambiguate", "locator", "match"},
    "else-if": {"type", "variable", "is-numeric", "is-uncertain-date", "position", "disambiguate", "locator", "match"},
    "else": set(),
    "names": _AFFIX | _FONT | {"variable", "delimiter", "display"},
    "name": _NAME_OPTIONS | _FONT,
    "name-part": _AFFIX | _FONT | {"name", "text-case"},
    "et-al": _FONT | {"term"},
    "label": _AFFIX | _FONT | {"variable", "form", "plural", "text-case", "strip-periods"},
    "substitute": set(),
    "date": _AFFIX | _FONT | {"variable", "form", "date-parts", "delimiter", "text-case", "display"},
    "date-part": _AFFIX | _FONT | {"name", "form", "text-case", "strip-periods", "range-delimiter"},
    "number": _AFFIX | _FONT | {"variable", "form", "text-case", "display"},
}
# style, citation and bibliography attributes that are name options (as cs:name spells them)
_INHERITED = {"and": "and", "delimiter-precedes-last": "delimiter-precedes-last",
              "delimiter-precedes-et-al": "delimiter-precedes-et-al", "et-al-min": "et-al-min",
              "et-al-use-first": "et-al-use-first", "et-al-use-last": "et-al-use-last",
              "et-al-subsequent-min": "et-al-subsequent-min", "et-al-subsequent-use-first": "et-al-subsequent-use-first",
              "initialize": "initialize", "initialize-with": "initialize-with", "name-as-sort-order": "name-as-sort-order",
              "sort-separator": "sort-separator", "name-delimiter": "delimiter", "name-form": "form"}  # fmt: skip
_OPTIONS_OK = {"style": set(_INHERITED) | {"class", "version", "default-locale", "page-range-format", "names-delimiter", "initialize-with-hyphen",
                                           "demote-non-dropping-particle"},
               "citation": set(_INHERITED) | {"disambiguate-add-names", "disambiguate-add-givenname", "names-delimiter",
                                              "givenname-disambiguation-rule", "disambiguate-add-year-suffix", "collapse",
                                              "cite-group-delimiter", "year-suffix-delimiter", "after-collapse-delimiter",
                                              "near-note-distance"},
               "bibliography": set(_INHERITED) | {"hanging-indent", "line-spacing", "entry-spacing", "names-delimiter", "second-field-align",
                                                  "subsequent-author-substitute", "subsequent-author-substitute-rule"}}  # fmt: skip


class _NotCompiled(Exception):
    pass


def _tree(element, macros_used: set) -> list:
    tag = element.tag[len(_NS):] if isinstance(element.tag, str) and element.tag.startswith(_NS) else None
    if tag not in _KNOWN:
        raise _NotCompiled(f"element {element.tag}")
    attrs = {str(k): str(v) for k, v in element.attrib.items()}
    unknown = set(attrs) - _KNOWN[tag]
    if unknown:
        raise _NotCompiled(f"{tag} {sorted(unknown)}")
    if tag == "text" and "macro" in attrs:
        macros_used.add(attrs["macro"])
    children = [_tree(child, macros_used) for child in element if isinstance(child.tag, str)]
    return [tag, attrs, children]


def build(csl) -> dict | None:
    """The compiled form of a parsed style (an engine CitationStylesStyle), or None when it
    holds what the quick renderer does not read."""
    from avimcite.csl.richtext import punctuation_in_quote

    root = csl.root
    try:
        for name, element in (("style", root), ("citation", root.find(_NS + "citation")),
                              ("bibliography", root.find(_NS + "bibliography"))):  # fmt: skip
            if element is not None and set(element.attrib) - _OPTIONS_OK[name]:
                return None
        layouts, used = {}, set()
        name_options = {}
        for mode in ("citation", "bibliography"):
            section = root.find(_NS + mode)
            if section is None:
                continue
            layout = section.find(_NS + "layout")
            layouts[mode] = _tree(layout, used)
            options = {}
            for holder in (root, section):
                for key, value in holder.attrib.items():
                    if key in _INHERITED:
                        options[_INHERITED[key]] = str(value)
            name_options[mode] = options
        macros, done = {}, set()
        while used - done:
            name = sorted(used - done)[0]
            done.add(name)
            found = [m for m in root.findall(_NS + "macro") if m.get("name") == name]
            if not found:
                return None
            macros[name] = [
                "macro", {}, [_tree(child, used) for child in found[0] if isinstance(child.tag, str)]]  # fmt: skip
    except _NotCompiled:
        return None
    terms = _terms(root)
    dates = {}
    for form in ("text", "numeric"):
        element = root.get_date(form)
        if element is None:
            continue
        parts = [{str(k): str(v) for k, v in part.attrib.items()} for part in element if isinstance(part.tag, str)]
        dates[form] = {"delimiter": str(element.get("delimiter", "")), "parts": parts}
        if set(element.attrib) - {"form", "delimiter"}:
            return None
    quote = {name: (terms.get(f"{name}|long") or [""])[0] for name in ("open-quote", "close-quote", "open-inner-quote", "close-inner-quote")}
    opening, closing = quote["open-quote"] or "\u201c", quote["close-quote"] or "\u201d"
    inner_open, inner_close = quote["open-inner-quote"] or opening, quote["close-inner-quote"] or closing
    default_language = str(root.get("default-locale", "en"))[:2]
    bibliography = root.find(_NS + "bibliography")
    second_field_align = bibliography is not None and bool(bibliography.get("second-field-align"))
    hyphen = str(root.get("initialize-with-hyphen", "true")).lower() != "false"
    # the engine gives a year suffix to the first year printed unless the style prints one (avimcite.csl.fixes)
    explicit_year_suffix = any(text.get("variable") in ("year-suffix", "citation-label") for text in root.iter(_NS + "text"))
    return {"version": _version(), "default_language": default_language, "second_field_align": second_field_align,
            "explicit_year_suffix": explicit_year_suffix, "bulk": None,
            "initialize_with_hyphen": hyphen, "layouts": layouts, "macros": macros, "name_options": name_options, "terms": terms,
            "dates": dates, "quotes": [str(opening), str(closing), str(inner_open), str(inner_close)], "punctuation_in_quote": bool(punctuation_in_quote(root))}  # fmt: skip


def _terms(root) -> dict:
    """Every term of the locales the engine reads for this style (its own cs:locale elements
    and the locale files, in the engine's order), in each form, singular and plural, as the
    engine looks it up (its form fallbacks included): a term no locale holds prints nothing."""
    names = {str(term.get("name")) for locale in getattr(root, "locales", None) or [] for term in locale.iter(_NS + "term")}
    terms = {}
    for name in sorted(names):
        for form in ("long", "short", "verb", "verb-short", "symbol"):
            term = root.get_term(name, None if form == "long" else form)
            if term is not None:
                terms[f"{name}|{form}"] = [_term_text(term, "single"), _term_text(term, "multiple")]
    return terms


def _term_text(term, number: str) -> str:
    """A term's singular or plural text as the engine reads it (citeproc-py's Term.single
    and Term.multiple, before the output format's preformat, which is none in text)."""
    found = term.find(_NS + number)
    text = found.text if found is not None else term.text
    return str(text or "")


# --- probes -------------------------------------------------------------------------------

_PROBE_AUTHORS = [
    [], [{"literal": "AVİM"}], [{"family": "Kuzio", "given": "Taras"}], [{"family": "Dilaver", "given": "Tutku"}],
    [{"family": "Işık", "given": "Ömer Engin"}, {"family": "Şahin", "given": "Alev"}],
    [{"family": "Lütem", "given": "Teoman Ertuğrul"}, {"family": "Öğütcü", "given": "Özge Nur"}, {"family": "İnan", "given": "Işıl"}],
    [{"family": "Torikian", "given": "Jean-Paul"}, {"family": "Kılıç", "given": "Ayşe"}],
    [{"family": "Gauin", "given": "Maxime"}, {"family": "Kılıç", "given": "Çağla"}, {"family": "Ulusoy", "given": "Uğur"},
     {"family": "Zeybek", "given": "Hazel"}, {"family": "Torikian", "given": "Iver"}, {"family": "Tulun", "given": "Deniz"},
     {"family": "Cem", "given": "Khazar"}, {"family": "Ünver", "given": "Şükrü"}],
]  # fmt: skip


def probes() -> list[dict]:
    """Invented plain items of the shapes posts have (avimcite.csl.mapping), for verify()."""
    items = []
    for n, authors in enumerate(_PROBE_AUTHORS):
        for lang, kind in (("en", "post-weblog"), ("tr", "report"), ("en", "report"), ("tr", "post-weblog")):
            item = {"id": f"probe{n}{lang}{kind}", "type": kind, "language": lang,
                    "title": "PROBE TITLE ON THE SOUTH CAUCASUS" if lang == "en" else "GÜNEY KAFKASYA'DA İNCELEME BAŞLIĞI",
                    "issued": {"date-parts": [[2023, 10 - n, 31 - 3 * n]]}, "accessed": {"date-parts": [[2026, 6, 25]]},
                    "URL": f"https://www.avimbulten.org/Probe/{n}", "publisher": "Center for Eurasian Studies (AVİM)",
                    "publisher-place": "Ankara"}  # fmt: skip
            if lang == "tr":
                item["title"] = "GÜNEY KAFKASYA İNCELEME BAŞLIĞI"
            if authors:
                item["author"] = authors
            if kind == "report":
                item.update({"genre": "Yorum" if lang == "tr" else "Commentary", "number": f"2023/{n + 5}"})
                if n % 2:
                    item["issued"] = {"date-parts": [[2019 + n % 3, n + 1]]}
            else:
                item["container-title"] = "AVİM Blog"
            items.append(item)
    titles = ["WHAT DOES THE KOZAN CASE TELL US?", "THE LAST ISSUE IS OUT.", "ARMENIA’S “FROZEN” PROTOCOLS: A REVIEW",
              "ERMENİSTAN’IN “TOZLU” RAFLARI NEDEN?", "A Review of “Frozen” Protocols", "What Does the Kozan Case Tell Us?"]  # fmt: skip
    for n, title in enumerate(titles):
        for item in (dict(items[4 * (n + 1)]), dict(items[4 * (n + 1) + 1])):
            item["id"] = f"{item['id']}t{n}"
            item["title"] = title
            items.append(item)
    items.append({"id": "probeyear", "type": "report", "title": "ONLY A YEAR", "issued": {"date-parts": [[2010]]},
                  "number": "7", "language": "en"})  # fmt: skip
    return items


def bulk_probes() -> list[dict]:
    """The probes, with items that make a bibliography's disambiguation work: for every other
    one, one by the same authors in the same year under another title (year suffixes a, b, c),
    and for the others of several authors one whose second author differs (names added, given
    names expanded in the citations)."""
    items = probes()
    more = []
    for n, item in enumerate(items):
        if n % 2 == 0:  # the others may stay apart (no year suffix)
            more.append(dict(item, id=item["id"] + "twin", title="ANOTHER " + item["title"]))
        authors = item.get("author") or []
        if len(authors) > 1 and n % 2:
            others = [dict(authors[0]), {"family": "Ertan", "given": "Esra"}] + [dict(a) for a in authors[2:]]
            more.append(dict(item, id=item["id"] + "other", author=others))
    return items + more


def verify(form: dict, render_engine) -> bool:
    """Does every probe the quick renderer accepts print as the engine prints it (and does
    it accept one)? `render_engine(item, mode)` is the engine's text."""
    from avimcite.csl import quick

    accepted = 0
    for mode in form["layouts"]:
        for item in probes():
            try:
                mine = quick.render(form, item, mode)
            except quick.Refuse:
                continue
            if mine != render_engine(item, mode):
                return False
            accepted += 1
    return accepted > 0


def compile_and_verify(style, locale: str, bulk: bool = False) -> dict | None:
    """The verified compiled form of a style (avimcite.csl.styles.Style) in a locale, or None.
    bulk: also verified for a bibliography of many entries (form["bulk"] true or false; else
    None, unknown: a first long bibliography verifies it, avimcite.citing)."""
    import warnings

    from avimcite.csl import context, engine, fixes
    from avimcite.csl._citeproc import CitationStylesStyle

    token = context.begin("text")
    try:
        with warnings.catch_warnings(), fixes.collating(locale):
            warnings.simplefilter("ignore")
            csl, _ = engine._parse_style(CitationStylesStyle, style, locale)
            form = build(csl)
    except Exception:  # noqa: BLE001 - a style the engine cannot parse has no compiled form
        return None
    finally:
        context.end(token)
    if form is None:
        return None

    def render_engine(item, mode):
        rendered = engine.render([item], style, locale, mode, "text")
        if rendered.failures:
            return None
        out = rendered.citations if mode == "citation" else rendered.bibliography
        return out[0] if len(out) == 1 else None

    try:
        if not verify(form, render_engine):
            return None
    except Exception:  # noqa: BLE001 - verification failed to run: no form
        return None
    if bulk:
        form["bulk"] = verify_bulk(form, style, locale)
    return form


def verify_bulk(form: dict, style, locale: str) -> bool:
    """Does a bibliography of the bulk probes print the same when the compiled form prints
    the entries it renders (given the engine's citation-numbers, year suffixes and
    disambiguation) as when the engine prints them all, and does the form print some?"""
    from avimcite.csl import engine

    items = bulk_probes()
    plain = engine.render(items, style, locale, "bibliography", "text")
    if plain.failures or not plain.bibliography:
        return False
    mine = engine.render(items, style, locale, "bibliography", "text", form=dict(form, bulk=True))
    return mine.bibliography == plain.bibliography and mine.quick_entries > 0
