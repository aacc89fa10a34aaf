"""Citation clusters: a document's citations, as citeproc-js renders them.

A cluster is a list of cite items ({"id", "locator", "label", "prefix", "suffix",
"suppress-author", "author-only"}); the n-th cluster is in note n (for a note style the
note's number; an in-text style has the same positions). Done here, over the whole
document, before and after the engine renders each cite:

- positions (first, subsequent, ibid, ibid-with-locator, near-note) and
  first-reference-note-number, by citeproc-js's rules (CSL.Registry ... "Case 1"/"Case 2":
  a first cite is ibid when the previous note's first cite is the same item and that note
  holds one citation; a later cite when the cite before it in the cluster is);
- cite sorting within a cluster (cs:citation cs:sort; without one the order given stays);
- suppress-author (the cite's first cs:names output, with its substitute, is left out) and
  author-only (only that output);
- prefixes and suffixes with citeproc-js's spacing (a prefix ending in a letter gets a space);
- collapsing: citation-number ranges, and cite grouping by rendered names (collapse year,
  year-suffix, year-suffix-ranged; cite-group-delimiter, after-collapse-delimiter,
  year-suffix-delimiter).

The cite texts are composed late, after every cite of the cluster is rendered: collapsing
needs each cite's names and number, which only the rendered cites know.
"""

from __future__ import annotations

import re

FIRST, SUBSEQUENT, IBID, IBID_WITH_LOCATOR = "first", "subsequent", "ibid", "ibid-with-locator"
NO_PRINTED_FORM = "[NO_PRINTED_FORM]"
NO_PRINTED_CITE = "[CSL STYLE ERROR: reference with no printed form.]"

_cite_state: list[dict] = []  # the cite being rendered: suppress-author / author-only and its first names
_installed = False


def install(package) -> None:
    """Position tests, first-reference-note-number and the names hook, on the private copy."""
    global _installed
    if _installed:
        return
    model = package.model
    original_position = model.If._position

    def _position(self, item, context):
        position = item.get("avim_position") if isinstance(item, dict) else None
        if position is None:
            return original_position(self, item, context)
        results = []
        for test in self.get("position").split():
            if test == FIRST:
                results.append(position == FIRST)
            elif test == SUBSEQUENT:
                results.append(position != FIRST)
            elif test == IBID:
                results.append(position in (IBID, IBID_WITH_LOCATOR))
            elif test == IBID_WITH_LOCATOR:
                results.append(position == IBID_WITH_LOCATOR)
            elif test == "near-note":
                results.append(bool(item.get("avim_near_note")))
            else:
                results.append(False)
        return results

    original_text_variable = model.Text._variable

    def text_variable(self, item, context):
        # a cite rendered by render_clusters carries avim_position; others keep the fixes' rule
        if self.get("variable") == "first-reference-note-number" and isinstance(item, dict) and "avim_position" in item:
            number = item.get("avim_first_note")
            if not number:
                raise model.VariableError
            return str(number)
        return original_text_variable(self, item, context)

    original_if_variable = model.If._variable

    def if_variable(self, item):
        results = original_if_variable(self, item)
        names = self.get("variable").split()
        if "first-reference-note-number" in names and isinstance(item, dict) and "avim_position" in item:
            results = list(results)
            for i, name in enumerate(names):
                if name == "first-reference-note-number" and i < len(results):
                    results[i] = bool(item.get("avim_first_note")) if isinstance(item, dict) else False
        return results

    original_is_numeric = model.If._is_numeric

    def is_numeric(self, item):
        # is-numeric="locator" tests the cite's locator, which is no variable of the item
        results = list(original_is_numeric(self, item))
        names = self.get("is-numeric").split()
        if "locator" in names:
            from avimcite.csl.fixes import _NUMERIC

            value = item.locator.identifier if isinstance(item, dict) and "locator" in item else None
            for i, name in enumerate(names):
                if name == "locator" and i < len(results):
                    results[i] = value is not None and bool(_NUMERIC.match(str(value)))
        return results

    model.If._is_numeric = is_numeric
    original_names_render = model.Names.render

    def names_render(self, item, *args, **kwargs):
        state = _cite_state[-1] if _cite_state else None
        if state is None or state["names_done"] or state["depth"]:
            return original_names_render(self, item, *args, **kwargs)
        state["depth"] += 1
        try:
            text = original_names_render(self, item, *args, **kwargs)
        finally:
            state["depth"] -= 1
        if text is not None and str(text):
            state["names_done"] = True
            state["names"] = text
            if state["suppress"]:
                return None
        return text

    model.If._position = _position
    model.Text._variable = text_variable
    model.If._variable = if_variable
    model.Names.render = names_render
    _installed = True


def _locator_key(cite: dict) -> str | None:
    locator = cite.get("locator")
    if locator in (None, ""):
        return None
    return f"{locator}{cite.get('label') or ''}"


def assign_positions(clusters: list[list[dict]], near_note_distance: int) -> None:
    """Set avim_position, avim_near_note and avim_first_note on every (sorted) cite, in place,
    as citeproc-js does for clusters in notes 1, 2, ... (one cluster per note)."""
    first_ref: dict[str, int] = {}
    last_ref: dict[str, int] = {}
    previous: list[dict] | None = None
    for index, cluster in enumerate(clusters):
        note = index + 1
        for k, cite in enumerate(cluster):
            key = cite["id"]
            cite["avim_near_note"] = False
            cite.pop("avim_first_note", None)
            if key not in last_ref:
                first_ref[key] = last_ref[key] = note
                cite["avim_position"] = FIRST
                continue
            before = None
            if k == 0 and previous:
                if len(previous) == 1 and previous[0]["id"] == key:  # a previous note of this one cite only
                    before = previous[0]
            elif k > 0 and cluster[k - 1]["id"] == key:
                before = cluster[k - 1]
            position = SUBSEQUENT
            if before is not None:
                prev_loc, cur_loc = _locator_key(before), _locator_key(cite)
                if prev_loc and not cur_loc:
                    position = SUBSEQUENT
                elif not prev_loc:
                    position = IBID_WITH_LOCATOR if cur_loc else IBID
                else:
                    position = IBID if cur_loc == prev_loc else IBID_WITH_LOCATOR
            cite["avim_position"] = position
            if first_ref[key] != note:
                cite["avim_first_note"] = first_ref[key]
            if note - last_ref[key] <= near_note_distance:
                cite["avim_near_note"] = True
            last_ref[key] = note
        if cluster:
            previous = cluster


_ROMANESQUE_END = re.compile(r"[\w\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]$")
_ROMANESQUE_START = re.compile(r"^[\w\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")


def prefix_text(prefix: str) -> str:
    """citeproc-js's checkPrefixSpaceAppend: "see" -> "see ", "cf.," -> "cf., "."""
    if not prefix:
        return ""
    test = re.sub(r"<[^>]+>", "", prefix)
    test = re.sub(r"[\"'\u201d\u2019\u00bb\u202f\u00a0 ]+$", "", test)
    space = ""
    if _ROMANESQUE_END.search(test) or (test[-1:] and test[-1] in ":.;!?") or re.search(r"[)\],0-9]$", test):
        space = " "
    return re.sub(r"\s+", " ", prefix + space)


def suffix_text(suffix: str) -> str:
    """citeproc-js's checkSuffixSpacePrepend: "and elsewhere" -> " and elsewhere"."""
    if not suffix:
        return ""
    if _ROMANESQUE_START.search(suffix) or suffix[:1] in ("[", "("):
        return " " + suffix
    return suffix


def render_clusters(csl, bib, clusters: list[list[dict]], failed) -> list:
    """One engine string (or None) per cluster, as finally rendered."""
    from avimcite.csl._citeproc import Citation, CitationItem, Locator
    from avimcite.csl._citeproc.string import String, join

    citation_element = csl.root.citation
    layout = citation_element.layout
    sort = citation_element.sort
    try:
        distance = int(citation_element.get("near-note-distance", "5"))
    except ValueError:
        distance = 5
    documents = []
    for cluster in clusters:
        items = []
        for cite in cluster:
            extra = {}
            if cite.get("locator") not in (None, ""):
                extra["locator"] = Locator(cite.get("label") or "page", str(cite["locator"]))
            item = CitationItem(cite["id"], **extra)
            item["avim_cite"] = cite
            items.append(item)
        citation = Citation(items)
        citation.bibliography = bib
        known = [item for item in items if item.key in bib.source]
        if sort is not None and len(known) > 1:
            # cites the style's keys do not tell apart stay in the bibliography's order (citeproc-js)
            order = {key: i for i, key in enumerate(bib.keys)}
            known.sort(key=lambda item: order.get(item.key, len(order)))
            try:
                known = sort.sort(known, layout)
            except Exception as exc:  # noqa: BLE001 - reported with the cluster's first item
                failed(known[0].key, exc)
        documents.append(known)
    plain = [[{"id": item.key, "locator": item["avim_cite"].get("locator"), "label": item["avim_cite"].get("label") or
               ("page" if item["avim_cite"].get("locator") not in (None, "") else None)} for item in cluster]
             for cluster in documents]  # fmt: skip
    assign_positions(plain, distance)
    for cluster, positions in zip(documents, plain):
        for item, info in zip(cluster, positions):
            for name in ("avim_position", "avim_near_note", "avim_first_note"):
                if name in info:
                    item[name] = info[name]
    collapse = citation_element.get("collapse")
    group_delimiter = citation_element.get("cite-group-delimiter")
    grouping = collapse in ("year", "year-suffix", "year-suffix-ranged") or group_delimiter is not None
    out = []
    for cluster in documents:
        cites = []  # (item, text, names, info)
        from avimcite.csl import fixes

        for k, item in enumerate(cluster):
            cite = item["avim_cite"]
            fixes.later_cite.append(k > 0)
            try:
                rendered = _render_cite(layout, item, suppress=bool(cite.get("suppress-author")))
            except Exception as exc:  # noqa: BLE001 - one bad cite must not take the document down
                failed(item.key, exc)
                continue
            finally:
                fixes.later_cite.pop()
            if rendered is None:
                continue
            text, names = rendered
            if not str(text):
                continue
            if cite.get("author-only"):
                if names is None:
                    continue
                cites.append((item, names, names, {"author_only": True}))
                continue
            cites.append((item, text, names, {}))
        if not cites:
            if cluster and not cluster[0]["avim_cite"].get("suppress-author") and not cluster[0]["avim_cite"].get("author-only"):
                # citeproc-js: a cite that prints nothing is named inside the layout's affixes
                out.append(String(layout.get("prefix", "") + NO_PRINTED_CITE + layout.get("suffix", "")))
                continue
            out.append(String(NO_PRINTED_FORM))  # citeproc-js's line for a cluster that prints nothing
            continue
        if all(info.get("author_only") for *_, info in cites):
            out.append(join([c[1] for c in cites], layout.get("delimiter", "")))
            continue
        pieces = _collapse(layout, cites, collapse, grouping, group_delimiter, citation_element)
        body = pieces[0][0]
        for i in range(1, len(pieces)):
            body = join([body, pieces[i][0]], pieces[i][1])
        out.append(layout.format(layout.wrap(body)))
    return out


def _render_cite(layout, item, suppress: bool):
    """(cite text with its prefix and suffix, its first names output) or None."""
    from avimcite.csl._citeproc.model import VariableError
    from avimcite.csl._citeproc.string import String

    cite = item["avim_cite"]
    state = {"suppress": suppress, "names_done": False, "names": None, "depth": 0}
    _cite_state.append(state)
    try:
        layout.repressed = {}
        try:
            output = layout.render_children(item)
        except VariableError:
            output = None
    finally:
        _cite_state.pop()
    if output is None:
        return None
    prefix, suffix = prefix_text(cite.get("prefix") or ""), suffix_text(cite.get("suffix") or "")
    text = output
    if prefix:
        text = String(layout.get_formatter().preformat(prefix)) + text
    if suffix:
        text = text + String(layout.get_formatter().preformat(suffix))
    return text, state["names"]


def _plain_cite(item) -> bool:
    cite = item["avim_cite"]
    return not (cite.get("locator") or cite.get("prefix") or cite.get("suffix") or cite.get("suppress-author"))


def _collapse(layout, cites, collapse, grouping, group_delimiter, citation_element):
    """[(text, delimiter before it)]: the cluster's cites, collapsed as the style says."""
    delimiter = layout.get("delimiter", "")
    after_collapse = citation_element.get("after-collapse-delimiter")
    after_collapse = delimiter if after_collapse is None else after_collapse
    if collapse == "citation-number":
        return _collapse_numbers(cites, delimiter, after_collapse)
    if not grouping:
        return [(text, delimiter) for _item, text, _names, _info in cites]
    group_delimiter = ", " if group_delimiter is None else group_delimiter
    groups: dict[str, list] = {}
    order = []
    last_key = None
    for entry in cites:
        if entry[2] is not None:
            key = str(entry[2])
        else:  # citeproc-js: a cite that printed no names joins the cites before it
            key = last_key if last_key is not None else f"\x00{id(entry)}"
        last_key = key
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(entry)
    pieces = []
    previous_collapsed = False
    for key in order:
        members = groups[key]
        joiner = after_collapse if previous_collapsed else delimiter
        if len(members) == 1 or key.startswith("\x00"):
            for entry in members:
                pieces.append((entry[1], joiner))
                joiner = delimiter
            previous_collapsed = False
            continue
        first, *rest = members
        pieces.append((first[1], joiner))
        year_delimiter = citation_element.get("year-suffix-delimiter")
        year_delimiter = delimiter if year_delimiter is None else year_delimiter
        last = first
        run = []
        for entry in rest:
            item = entry[0]
            short = _without_author(layout, item)
            if short is None:
                short = entry[1]
            suffix = _suffix_only(last[0], item) if collapse in ("year-suffix", "year-suffix-ranged") else None
            if suffix is not None:
                run.append(suffix)
                pieces.append((suffix, year_delimiter))
            else:
                run = []
                pieces.append((short, group_delimiter))
            last = entry
        if collapse == "year-suffix-ranged":
            pieces = _range_suffixes(pieces)
        previous_collapsed = True
    return pieces


def _without_author(layout, item):
    rendered = _render_cite(layout, item, suppress=True)
    return rendered[0] if rendered else None


def _suffix_only(previous_item, item):
    """The year suffix alone ("b") when `item` follows a cite of the same year with a suffix."""
    from avimcite.csl._citeproc.string import String

    if not _plain_cite(item):  # citeproc-js: "İnan 2024a, p. 4, b" (the cite before may have a locator)
        return None
    try:
        here, there = item.reference, previous_item.reference
    except Exception:  # noqa: BLE001
        return None
    if "year_suffix" not in here or "year_suffix" not in there:
        return None
    if _year(here) is None or _year(here) != _year(there):
        return None
    return String(str(here["year_suffix"]))


def _year(reference):
    try:
        issued = reference["issued"]
    except Exception:  # noqa: BLE001
        return None
    try:
        begin = issued["begin"] if "begin" in issued else issued
        return begin.get("year")
    except Exception:  # noqa: BLE001 - a literal date
        return None


def _range_suffixes(pieces):
    return pieces  # year-suffix-ranged: runs of three or more suffixes are rare; left as a list


def _collapse_numbers(cites, delimiter, after_collapse):
    """citation-number ranges: three or more consecutive numbers print as "first–last"."""
    runs: list[list] = []
    for entry in cites:
        item = entry[0]
        number = None
        if _plain_cite(item):
            try:
                number = item.number
            except Exception:  # noqa: BLE001
                number = None
        if runs and number is not None and runs[-1][-1][0] is not None and number == runs[-1][-1][0] + 1:
            runs[-1].append((number, entry))
        else:
            runs.append([(number, entry)])
    pieces = []
    previous_collapsed = False
    for run in runs:
        joiner = after_collapse if previous_collapsed else delimiter
        if len(run) >= 3:
            text = run[0][1][1] + "\u2013" + run[-1][1][1]
            pieces.append((text, joiner))
            previous_collapsed = True
        else:
            for _number, entry in run:
                pieces.append((entry[1], joiner))
                joiner = delimiter
            previous_collapsed = False
    return pieces
