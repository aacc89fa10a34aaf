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

from avimcite import rx
from avimcite.csl.context import per_render
from avimcite.csl.lazyre import LazyPattern as _lazy_re  # speed only: compiled on first use (avimcite.rx)

# Patterns of the functions below (compiled on first use, their code kept by avimcite.rx).
_TAG = _lazy_re(r"<[^>]+>")
_CLOSING_MARKS = _lazy_re(r"[\"'\u201d\u2019\u00bb\u202f\u00a0 ]+$")
_CLOSING_BRACKET_OR_DIGIT = _lazy_re(r"[)\],0-9]$")
_SPACE_RUNS = _lazy_re(r"\s+")

FIRST, SUBSEQUENT, IBID, IBID_WITH_LOCATOR = "first", "subsequent", "ibid", "ibid-with-locator"
NO_PRINTED_FORM = "[NO_PRINTED_FORM]"
NO_PRINTED_CITE = "[CSL STYLE ERROR: reference with no printed form.]"

_cite_state = per_render("clusters.cite_state")  # [dict] the cite being rendered: suppress-author / author-only and its first names
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
        if (context if context is not None else self).xpath_search("./ancestor::*[self::cs:bibliography]"):
            return [False for _ in self.get("position").split()]
        rank = _RANK.get(position, 0)
        near = bool(item.get("avim_near_note"))
        results = []
        for test in self.get("position").split():
            if test == "near-note":  # citeproc-js: a later cite within near-note-distance notes
                results.append(rank >= _RANK[SUBSEQUENT] and near)
            elif test == "far-note":
                results.append(rank == _RANK[SUBSEQUENT] and not near)
            elif test == FIRST:
                results.append(rank == 0)
            else:  # subsequent holds for ibid too, ibid for ibid-with-locator
                results.append(test in _RANK and rank >= _RANK[test])
        return results

    original_text_variable = model.Text._variable

    def text_variable(self, item, context):
        # a cite rendered by render_clusters carries avim_position; others keep the fixes' rule
        if self.get("variable") == "first-reference-note-number" and isinstance(item, dict) and "avim_position" in item:
            number = item.get("avim_first_note")
            if not number:
                raise model.VariableError
            return str(number)
        value = original_text_variable(self, item, context)
        if _cite_state and value:
            variable = self.get("variable")
            if variable not in _NOT_COLLAPSING_TEXT:
                _cite_state[-1]["text_var"] = True  # citeproc-js: a cite that prints a text variable is not collapsed
            elif variable == "year-suffix":
                from avimcite.csl.fixes import group_open_without_success

                # citeproc-js: a year-suffix printed while a group around it has no
                # success yet makes year-suffix-delimiter the delimiter before its cite
                # (getSpliceDelimiter keeps it unless a collapse rule says otherwise):
                # palaeontology's "(Kılıç 2023a p. 120, İnan 2024a n. 120; Şir et al. 2024)"
                _cite_state[-1]["suffix_splice"] = _cite_state[-1].get("suffix_splice") or group_open_without_success()
        return value

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

            from avimcite.csl.numbers import locator_is_numeric

            value = item.locator.identifier if isinstance(item, dict) and "locator" in item else None
            numeric = value is not None and bool(_NUMERIC.match(str(value)) or locator_is_numeric(str(value), _and_word(self)))
            for i, name in enumerate(names):
                if name == "locator" and i < len(results):
                    results[i] = numeric
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
            # names as citeproc-js compares them for collapsing: printed by a cs:name, not a
            # cs:substitute's cs:text (a title in the author's place is no author to group by)
            state["names"] = text if _prints_names(self, item) else None
            if state["suppress"]:
                from avimcite.csl.fixes import note_cut

                note_cut()  # printed, then cut (citeproc-js's _collapseAuthor): its groups still hold
                return None
        return text

    original_text_process = model.Text.process

    def text_process(self, item, context=None, **kwargs):
        if _cite_state and _cite_state[-1].get("locator_printed") and self.get("variable") == "locator":
            # citeproc-js prints a cite's locator once (done_vars): a second cs:text of it
            # is an empty variable ("2017, chap.120", not "2017, chap.120, chap. 120")
            raise model.VariableError
        result = original_text_process(self, item, context=context, **kwargs)
        if _cite_state and self.get("variable") == "locator" and result is not None:
            text = result[0] if isinstance(result, tuple) else result
            if text is not None and str(text):
                _cite_state[-1]["locator_printed"] = True  # the cite prints more than its number
        return result

    original_label_process = model.Label.process

    def label_process(self, item, *args, **kwargs):
        result = original_label_process(self, item, *args, **kwargs)
        if _cite_state and result and self.get("variable") == "locator":
            _cite_state[-1]["locator_label"] = True  # words between a year suffix and the locator
        return result

    model.Label.process = label_process
    model.Text.process = text_process
    model.If._position = _position
    model.Text._variable = text_variable
    model.If._variable = if_variable
    model.Names.render = names_render
    for cls in (model.Text, model.Number, model.Date, model.Names):
        cls.render = _author_only_gate(cls, cls.render)
    for cls in (model.Text, model.Label, model.Number, model.Date, model.Names, model.Group):
        cls.render = _blob_marks(cls, cls.render)
    _installed = True


# what makes citeproc-js render a numeric field's output as text, not as number blobs: the
# affixes and decorations of its element (outputNumericField opens a level with them, which
# Output.Queue.string flattens when it has a suffix or a decoration)
_FLATTENING = ("suffix", "font-style", "font-variant", "font-weight", "text-decoration", "vertical-align", "display")


def _blob_marks(cls, original):
    """Under collapse="citation-number" (the cite's state has "blobs"): a cs:text of the
    citation-number, and of a locator citeproc-js renders as numbers (_locator_numbers),
    prints between markers (richtext.NUMBER_BLOB, LOCATOR_BLOB), so that _cite_blobs finds
    the numbers a cite ends with. A group or macro whose only printed element is such a
    number is one number with its affixes and decorations (renderBlobs gives a single blob
    its parent's: "[1]–[3]"): the markers enclose it. Each element that prints something
    (not a group or macro) is counted, to tell these apart and to see a locator printed
    right after the number (no element between)."""
    kind = cls.__name__

    def render(self, item, *args, **kwargs):
        state = _cite_state[-1] if _cite_state else None
        if state is None or not state.get("blobs"):
            return original(self, item, *args, **kwargs)
        container = kind == "Group" or (kind == "Text" and "macro" in self.attrib)
        before = state.get("leaves", 0)
        saved = (state.get("number_leaf"), state.get("locator_leaf"), state.get("note_leaf"))
        try:
            text = original(self, item, *args, **kwargs)
        except BaseException:
            if container:  # a group that prints nothing prints none of its elements
                state["leaves"], (state["number_leaf"], state["locator_leaf"], state["note_leaf"]) = before, saved
            raise
        if text is None or not str(text):
            if container:
                state["leaves"], (state["number_leaf"], state["locator_leaf"], state["note_leaf"]) = before, saved
            return text
        from avimcite.csl._citeproc.string import String
        from avimcite.csl.richtext import LOCATOR_BLOB, NOTE_BLOB, NUMBER_BLOB

        if container:
            leaves = state.get("leaves", 0)
            if leaves == before + 1:
                for pair, leaf in ((NUMBER_BLOB, "number_leaf"), (LOCATOR_BLOB, "locator_leaf"), (NOTE_BLOB, "note_leaf")):
                    marked = str(text)
                    if state.get(leaf) == leaves and pair[0] in marked:
                        return String(pair[0] + marked.replace(pair[0], "").replace(pair[1], "") + pair[1])
            return text
        state["leaves"] = before + 1
        variable = self.get("variable") if kind == "Text" else None
        if variable == "citation-number":
            state["number_leaf"] = state["leaves"]
            return String(NUMBER_BLOB[0]) + text + String(NUMBER_BLOB[1])
        if variable == "first-reference-note-number" and not any(self.get(a) for a in _FLATTENING if a != "suffix"):
            state["note_leaf"] = state["leaves"]
            return String(NOTE_BLOB[0]) + text + String(NOTE_BLOB[1])
        numbers = _locator_numbers(item) if variable == "locator" else None
        # several numbers under the locator's own affixes or decorations are text (Output.Queue.string)
        if numbers and (len(numbers) == 1 or not (any(self.get(a) for a in _FLATTENING) or self.get("quotes", "false") == "true")):
            state["locator_leaf"] = state["leaves"]
            return String(LOCATOR_BLOB[0]) + text + String(LOCATOR_BLOB[1])
        return text

    return render


_LOCATOR_NUMBERS = _lazy_re(r"[1-9][0-9]*(?:\s*(?:-|\u2013|,)\s*[1-9][0-9]*)*")
_DIGITS = _lazy_re(r"[0-9]+")


def _locator_numbers(item) -> list[int] | None:
    """The numbers citeproc-js renders a cite's locator as (CSL.Util.outputNumericField: a
    NumericBlob for each collapsible value): "4" [4], "33-35" [33, 35], "7, 9" [7, 9]; None
    for one that is text ("iii", "12a", "3.4", "7 & 9")."""
    cite = item.get("avim_cite") if isinstance(item, dict) else None
    value = str((cite or {}).get("locator") or "").strip()
    if not value or not _LOCATOR_NUMBERS.fullmatch(value):
        return None
    return [int(n) for n in _DIGITS.findall(value)]


# text variables whose output counts as "something rendered" (citeproc-js's MULTI_FIELDS,
# rendered through its transform), as names and dates do
_SOMETHING = frozenset(("event", "publisher", "publisher-place", "event-place", "title", "container-title",
                        "collection-title", "authority", "genre", "title-short", "medium", "country",
                        "jurisdiction", "archive", "archive-place"))  # fmt: skip


def _and_word(element) -> str | None:
    """The locale's "and" (a number's parts may be joined by it)."""
    try:
        return str(element.get_single_term("and") or "").strip() or None
    except Exception:  # noqa: BLE001 - no term
        return None


def _author_only_gate(cls, original):
    """author-only as citeproc-js prints it (its element_trace "suppress-me"): the cite's
    text, number, date and names elements print until one of them has printed names, a
    date or a title-like variable; every element after it prints nothing, and no text or
    number prints outside a cs:substitute unless citeproc-js's can_block_substitute is true:
    a flag of the engine, not of the cite, which every cs:names sets false and its
    cs:substitute true when the names printed nothing, so false when the cite begins (the
    cites before it printed their names: an author-only subsequent note prints no "同1").
    The locator's text prints nothing (a done variable), its label does; the layout's
    affixes are left out (render_clusters)."""
    kind = cls.__name__

    def render(self, item, *args, **kwargs):
        state = _cite_state[-1] if _cite_state else None
        if state is None or not state.get("author_only") or (kind == "Text" and "macro" in self.attrib):
            return original(self, item, *args, **kwargs)
        if kind == "Text" and self.get("variable") == "citation-number":
            return None  # citeproc-js: an author-only cite never prints its number
        if kind in ("Text", "Number") and self.get("variable") == "locator":
            return None  # citeproc-js: the locator is a done variable, its label still prints
        if state["something"]:
            return _suppressed(self, kind, original, item, *args, **kwargs)
        if kind in ("Text", "Number") and state["after_names"] and not state["in_names"]:
            # citeproc-js's can_block_substitute, false after a cs:names; a title-like
            # variable it drops still counts as printed (its flag is set after the append)
            text = _suppressed(self, kind, original, item, *args, **kwargs)
            if self.get("variable") in _SOMETHING:
                state["something"] = state["something"] or text is not None
            return text
        if kind == "Names":
            state["in_names"] += 1
        text = None
        try:
            text = original(self, item, *args, **kwargs)
        finally:
            if kind == "Names":
                state["in_names"] -= 1
                if not state["in_names"]:
                    # can_block_substitute: false after a cs:names, true again when it
                    # printed nothing and went to its cs:substitute
                    fell = (text is None or not str(text)) and self.find("{http://purl.org/net/xbiblio/csl}substitute") is not None
                    state["after_names"] = not fell
        if text is not None and str(text) and (kind in ("Date", "Names") or self.get("variable") in _SOMETHING):
            state["something"] = True
        return text

    return render


def _suppressed(element, kind, original, item, *args, **kwargs):
    """An element an author-only cite does not print (citeproc-js's "suppress-me"): nothing,
    but a text or number of a variable that has a value leaves an empty piece, so the group
    around it still counts its variable as printed (citeproc-js sets variable_success before
    the suppressed append): "AVİM, no." from a group of a label and its number."""
    if kind not in ("Text", "Number") or not element.get("variable"):
        return None
    from avimcite.csl._citeproc.model import VariableError
    from avimcite.csl._citeproc.string import String

    try:
        text = original(element, item, *args, **kwargs)
    except VariableError:
        return None
    if text is None or not str(text):
        return None
    empty = String("")
    empty._avim_suppressed = True  # left out of any join (adjust's join): no delimiter either
    return empty


def year_collapsed() -> bool:
    """Is the cite being rendered one whose year the cite before printed (collapse
    year-suffix: it prints its year suffix alone)?"""
    return bool(_cite_state) and bool(_cite_state[-1].get("drop_year"))


def _prints_names(names, item) -> bool:
    """Whether a cs:names element prints persons for the item: one of its variables, or of the
    cs:names of its cs:substitute, is set."""
    ns = "{http://purl.org/net/xbiblio/csl}"
    variables = names.get("variable", "").split()
    for child in names.iter(ns + "names"):
        variables += child.get("variable", "").split()
    try:
        reference = item.reference
    except Exception:  # noqa: BLE001
        return True
    return any(v.replace("-", "_") in reference for v in variables)


_NOT_COLLAPSING_TEXT = ("locator", "year-suffix", "citation-number", "citation-label", "first-reference-note-number")


def _locator_key(cite: dict) -> str | None:
    locator = cite.get("locator")
    if locator in (None, ""):
        return None
    return f"{locator}{cite.get('label') or ''}"


_RANK = {FIRST: 0, "container-subsequent": 1, SUBSEQUENT: 2, IBID: 3, IBID_WITH_LOCATOR: 4}
_GIVEN = {0: FIRST, 1: SUBSEQUENT, 2: IBID, 3: IBID_WITH_LOCATOR}


def registry_first_notes(clusters: list[list[dict]], notes: list | None = None, registered_first: bool = True) -> dict[str, int]:
    """The note of each item's first cite in a note (`notes` as assign_positions reads them,
    default the n-th cluster in note n), for the items whose citeproc-js registry entry holds
    it when the document's last disambiguation runs: an item cited in a later note than its
    first (the position pass sets it, and its second citation runs its group again), and an
    item registered at its first cite (CSL.Registry.doinserts 4f(a)). With `registered_first`
    (the reference harness: every cited item registered, then one processCitationCluster per
    note) that is an item first cited after the first cluster only: the first cluster's
    implicit updateItems drops every item it does not cite, which comes back at its first
    cite; an item of the first cluster cited in its note only is registered without it.
    Without (citeproc-js's test runner for CITATIONS), every item. Keys in lower case."""
    if notes is None:
        notes = list(range(1, len(clusters) + 1))
    first: dict[str, int] = {}
    later: set[str] = set()
    opening = {str(cite["id"]).lower() for cite in clusters[0]} if clusters and registered_first else set()
    for cluster, note in zip(clusters, notes):
        note = int(note or 0)
        for cite in cluster:
            key = str(cite["id"]).lower()
            if first.setdefault(key, note) != note:
                later.add(key)
    return {key: n for key, n in first.items() if n and (key not in opening or key in later)}


def assign_positions(clusters: list[list[dict]], near_note_distance: int, notes: list | None = None,
                     document: bool = True) -> None:  # fmt: skip
    """Set avim_position, avim_near_note and avim_first_note on every (sorted) cite, in place,
    as citeproc-js's processCitationCluster does for a document's citations in order.

    `notes` is each cluster's note number (None or 0: a citation in the text); by default the
    n-th cluster is in note n. Citations in the text and in notes are two separate sequences,
    and a note number lower than the one before starts the note sequence again. A cite is
    ibid when it follows a cite of the same item in its cluster, or opens a cluster whose
    previous cluster, in the same or the previous note, cites only this item (or, in the same
    note, ends with it); ibid-with-locator when the locator differs or only this cite has one,
    subsequent when only the previous one has one. near-note: within near_note_distance notes
    of the item's last cite (always, in the text). With `document` false the clusters are
    separate citations (citeproc-js's makeCitationCluster): a cite keeps the `position` it
    gives (0 first .. 3 ibid-with-locator, or a name) and `near-note`, else it is a first cite.
    """
    if notes is None:
        notes = list(range(1, len(clusters) + 1))
    tracks: dict[bool, dict] = {}
    for cluster, note in zip(clusters, notes):
        note = int(note or 0)
        if not document:
            for cite in cluster:
                given = cite.get("position", FIRST)
                cite["avim_position"] = _GIVEN.get(given, FIRST) if isinstance(given, int) else str(given)
                cite["avim_near_note"] = bool(cite.get("near-note"))
                cite.pop("avim_first_note", None)
            continue
        track = tracks.get(bool(note))
        if track is None or (note and track["previous"] is not None and track["previous"]["note"] > note):
            track = tracks[bool(note)] = {"first": {}, "last": {}, "previous": None, "in_note": {}}
        previous = track["previous"]
        track["in_note"][note] = track["in_note"].get(note, 0) + len(cluster)
        for k, cite in enumerate(cluster):
            key = cite["id"]
            near, first_note = False, None
            if key not in track["last"]:
                track["first"][key] = track["last"][key] = note
                position = FIRST
            else:
                before = None
                if previous is not None and k == 0 and previous["note"] != note:
                    if (previous["keys"][:1] == [key] and previous["note"] >= note - 1
                            and (track["in_note"].get(previous["note"]) == 1 or previous["note"] == 0)):  # fmt: skip
                        before = previous["cites"][0]
                elif k > 0 and cluster[k - 1]["id"] == key:
                    before = cluster[k - 1]
                elif k == 0 and previous is not None and previous["note"] == note and previous["keys"][-1:] == [key]:
                    before = previous["cites"][-1]
                position = SUBSEQUENT
                if before is not None:
                    mine, theirs = _locator_key(cite), _locator_key(before)
                    if theirs and not mine:
                        position = SUBSEQUENT
                    elif theirs == mine:
                        position = IBID
                    else:
                        position = IBID_WITH_LOCATOR
                if track["first"][key] != note:
                    first_note = track["first"][key]
            if note:
                if position != FIRST and note - track["last"][key] <= near_note_distance:
                    near = True
                track["last"][key] = note
            elif position != FIRST:
                near = True
            cite["avim_position"], cite["avim_near_note"] = position, near
            cite.pop("avim_first_note", None)
            if first_note:
                cite["avim_first_note"] = first_note
        if cluster:
            track["previous"] = {"note": note, "keys": [c["id"] for c in cluster], "cites": list(cluster)}


# citeproc-js's ROMANESQUE letters (CSL.STARTSWITH_ROMANESQUE_REGEXP, ENDSWITH_...: initials._ROMANESQUE),
# with "&" (and ".;:" at the end); no digits
from avimcite.csl.initials import _ROMANESQUE  # noqa: E402

_ROMANESQUE_END = rx.compile(f"[.;:&{_ROMANESQUE}]$")
_ROMANESQUE_START = rx.compile(f"^[&{_ROMANESQUE}]")


def prefix_text(prefix: str) -> str:
    """citeproc-js's checkPrefixSpaceAppend: "see" -> "see ", "cf.," -> "cf., "."""
    if not prefix:
        return ""
    test = _TAG.sub("", prefix)
    test = _CLOSING_MARKS.sub("", test)
    space = ""
    if _ROMANESQUE_END.search(test) or (test[-1:] and test[-1] in ":.;!?") or _CLOSING_BRACKET_OR_DIGIT.search(test):
        space = " "
    return _SPACE_RUNS.sub(" ", prefix + space)


def suffix_text(suffix: str) -> str:
    """citeproc-js's checkSuffixSpacePrepend: "and elsewhere" -> " and elsewhere"."""
    if not suffix:
        return ""
    if _ROMANESQUE_START.search(suffix) or suffix[:1] in ("[", "("):
        return " " + suffix
    return suffix


def render_clusters(csl, bib, clusters: list[list[dict]], failed, *, notes: list | None = None, document: bool = True,
                    states: list | None = None, again=frozenset()) -> list:  # fmt: skip
    """One engine string (or None) per cluster, as finally rendered. `notes` and `document`:
    see assign_positions. `states`, if given, receives one list per cluster of what each
    rendered cite was given: (id, position, near-note, first-reference-note-number,
    citation number, year suffix, its disambiguation settings) — what citeproc-js
    re-renders a citation for. `again`: the clusters citeproc-js sorted again (registry_order)."""
    from avimcite.csl._citeproc.string import String, join

    citation_element = csl.root.citation
    layout = citation_element.layout
    try:
        distance = int(citation_element.get("near-note-distance", "5"))
    except ValueError:
        distance = 5
    documents = [_sorted_cluster(csl, bib, cluster, failed, again=k in again) for k, cluster in enumerate(clusters)]
    plain = [[{"id": item.key, "locator": item["avim_cite"].get("locator"), "label": item["avim_cite"].get("label") or
               ("page" if item["avim_cite"].get("locator") not in (None, "") else None),
               **{k: item["avim_cite"][k] for k in ("position", "near-note") if k in item["avim_cite"]}} for item in cluster]
             for cluster in documents]  # fmt: skip
    assign_positions(plain, distance, notes, document)
    for cluster, positions in zip(documents, plain):
        for item, info in zip(cluster, positions):
            for name in ("avim_position", "avim_near_note", "avim_first_note"):
                if name in info:
                    item[name] = info[name]
    if states is not None:
        from avimcite.csl.disambiguation import session

        registry = getattr(session(), "registry", {})
        settings = {key: config.signature() for key, config in registry.items()}
        for cluster in documents:
            states.append([(item.key, item.get("avim_position"), item.get("avim_near_note"), item.get("avim_first_note"),
                            _number(bib, item.key), str(bib.source[item.key].get("year_suffix", "")), settings.get(item.key, ()))
                           for item in cluster])  # fmt: skip
    collapse = citation_element.get("collapse")
    # an empty cite-group-delimiter is none at all (citeproc-js sets the option only when the
    # attribute has a value): urban-geography's cite-group-delimiter="" joins "2017a, 2017b"
    group_delimiter = citation_element.get("cite-group-delimiter") or None
    grouping = collapse in ("year", "year-suffix", "year-suffix-ranged") or group_delimiter is not None
    out = []
    from avimcite.csl import braces, fixes

    for cluster in documents:
        cites = []  # (item, text, names, info)
        braces.begin_citation(csl.root)
        with braces.counting():
            layout_prefix = braces.update(layout.get("prefix", ""))
        positions = 0
        for k, item in enumerate(cluster):
            cite = item["avim_cite"]
            fixes.text_before_cite.append(_text_before(k, cite.get("prefix") or ""))
            try:
                with braces.counting():
                    rendered = _render_cite(layout, item, suppress=bool(cite.get("suppress-author")))
            except Exception as exc:  # noqa: BLE001 - one bad cite must not take the document down
                failed(item.key, exc)
                continue
            finally:
                fixes.text_before_cite.pop()
            if rendered is None or not str(rendered[0]):
                if cite.get("author-only"):
                    break
                # citeproc-js's positions of the cluster: a suppress-author cite that printed
                # nothing holds none (it leaves no blob), any other cite one
                empty = _empty_cite(layout, cite, len(cluster), first=positions == 0)
                positions += not cite.get("suppress-author")
                if empty is not None:
                    cites.append((item, empty, None, {}))
                continue
            positions += 1
            text, names = rendered
            if cite.get("author-only"):
                # citeproc-js renders no cite of the cluster after an author-only one
                cites.append((item, text, names, {"author_only": True}))
                break
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
        if not _uses_blobs(layout, collapse, grouping, citation_element) and len(pieces) == len(cites):  # _collapse_numbers sees to them
            pieces = [pieces[0]] + [(text, _affix_delimiter(joiner, cites[i - 1][0]["avim_cite"], cites[i][0]["avim_cite"]))
                                    for i, (text, joiner) in enumerate(pieces[1:], 1)]  # fmt: skip
        body = pieces[0][0]
        for i in range(1, len(pieces)):
            body = join([body, pieces[i][0]], pieces[i][1])
        with braces.counting():
            layout_suffix = braces.update(layout.get("suffix", ""))
        with braces.affixes(layout, layout_prefix, layout_suffix):
            out.append(layout.format(layout.wrap(body)))
    return out


def _sorted_cluster(csl, bib, cluster: list[dict], failed, again: bool = False) -> list:
    """The cluster's cites as CitationItems of the registered items, sorted as the style's
    cs:citation cs:sort says (in the order given without one). `again`: sorted as citeproc-js
    sorts a citation it renders again (processCitationCluster's tainted citations): on the
    style's keys alone, under a grouped sort in the directions it extended for the author
    key (the first key's direction, then each key's), each key in the direction of the one
    before it: elsevier-harvard's descending issued key compares ascending there."""
    from avimcite.csl._citeproc import Citation, CitationItem, Locator

    citation_element = csl.root.citation
    layout, sort = citation_element.layout, citation_element.sort
    items = []
    for cite in cluster:
        extra = {}
        if cite.get("locator") is not None and str(cite["locator"]).strip():
            # the locator's surrounding spaces are not part of it (citeproc-js trims them)
            # "sub verbo", CSL 1.0's name of the locator type, is the term "sub-verbo"
            label = {"sub verbo": "sub-verbo"}.get(cite.get("label") or "page", cite.get("label") or "page")
            extra["locator"] = Locator(label, str(cite["locator"]).strip())
        item = CitationItem(cite["id"], **extra)
        item["avim_cite"] = cite
        items.append(item)
    citation = Citation(items)
    citation.bibliography = bib
    known = [item for item in items if item.key in bib.source]
    if sort is not None and len(known) > 1:
        # cites the style's keys do not tell apart stay in the order given (citeproc-js's
        # compareKeys ends on the cite items' seq, which they have not: a stable sort)
        # citeproc-js renders a cite's sort keys from the item alone (getSortKeys): no
        # locator in them ("2016a, p. iii" keys as "2016a")
        locators = {id(item): item.pop("locator") for item in known if "locator" in item}
        try:
            if not _groups_in_sort(csl, citation_element):
                known = sort.sort(known, layout)
            elif again:
                known = _sorted_again(sort, known, layout)
            else:
                known = _grouped_sort(sort, known, layout)
        except Exception as exc:  # noqa: BLE001 - reported with the cluster's first item
            failed(known[0].key, exc)
        finally:
            for item in known:
                if id(item) in locators:
                    item["locator"] = locators[id(item)]
    return known


def registry_order(csl, bib, clusters: list[list[dict]], groups, suffixed_keys=frozenset()) -> tuple[list[str], dict[str, int], set[int]]:
    """(the bibliography's order of a document's items, each item's place among the items of
    its group of cites that render alike for year suffixes) as citeproc-js's registry holds
    them once the document's last cluster is processed; keys in lower case, `groups` lists
    of keys (disambiguation's ambigcites), `bib` the items registered in first-cite order.

    The shared harness registers every cited item first (updateItems, first-cite order),
    then processes the clusters in turn. For each, processCitationCluster registers the items
    cited so far in document order, each earlier citation's cites as it sorted them, the one
    being processed as given (updateItems: their seq, the tie-breaker of its comparisons): an
    item not cited yet leaves the registry at the first cluster (dodeletes), one cited for the
    first time enters it (doinserts), and either touches its group, whose year suffixes are
    given again by the bibliography's keys, then seq (disYears over the touched groups; a
    group not touched keeps them). A new item, and one whose suffix changed, is placed in the
    bibliography by a binary search on the keys, then seq (sorttokens, _locationOf); no other
    moves. biologia: "(AVİM, 2017a, 2017b, 2024)" for cites of the 2017b and 2017a given in
    that order, in a group completed by a later cluster.

    The third value: the clusters citeproc-js renders again, and sorts again, after a later
    cluster changed the year suffix of one of their items (its tainted citations; only the
    items of `suffixed_keys`, those that print a suffix in the end, are followed): those it
    sorts on the style's keys alone (_sorted_cluster's `again`)."""
    from functools import cmp_to_key

    from avimcite.csl.fixes import compare_sort_keys

    given = [list(dict.fromkeys(str(c["id"]).lower() for c in cluster if str(c["id"]).lower() in bib.source)) for cluster in clusters]
    if not given:
        return [], {}, set()
    ordered = []
    for k, cluster in enumerate(clusters):
        if k == len(clusters) - 1 or len(given[k]) < 2 or csl.root.citation.sort is None:
            ordered.append(given[k])
        else:
            ordered.append([item.key for item in _sorted_cluster(csl, bib, cluster, lambda key, exc: None)])
    rows, descending = None, []
    bibliography = csl.root.bibliography if csl.has_bibliography() else None
    sort = bibliography.find("cs:sort", bibliography.nsmap) if bibliography is not None else None
    if sort is not None:
        by_key = {item.key: item for item in bib.items}
        keyed = [by_key[key] for key in dict.fromkeys(k for cluster in given for k in cluster) if key in by_key]
        descending, found = sort.keyed(keyed, csl.root.bibliography.layout)
        rows = {item.key: row for item, row in zip(keyed, found)}
    seq: dict[str, int] = {}

    def compare(a: str, b: str) -> int:
        if rows is not None:
            result = compare_sort_keys(rows.get(a, []), rows.get(b, []), descending)
            if result:
                return 1 if result > 0 else -1
        return (seq[a] > seq[b]) - (seq[a] < seq[b])

    def locate(key: str, array: list, start: int = 0, end: int | None = None) -> int:
        if not array:
            return -1
        end = end or len(array)
        pivot = (start + end) >> 1
        c = compare(key, array[pivot])
        if end - start <= 1:
            return pivot - 1 if c == -1 else pivot
        if c == -1:
            return locate(key, array, start, pivot)
        if c == 0:
            return pivot
        return locate(key, array, pivot, end)

    group_of = {}
    for members in groups:
        if len(members) > 1 and any(key in suffixed_keys for key in members):
            for key in members:
                group_of[key] = tuple(members)
    ranks: dict[str, int] = {}

    suffixed: dict[str, int | None] = {}  # the suffix each item prints at the time: none alone in its group

    def assign(group, registered) -> set:
        changed = set()
        members = sorted((k for k in group if k in registered), key=cmp_to_key(compare))
        for rank, key in enumerate(members):
            now = rank if len(members) > 1 else None
            if key in suffixed and suffixed[key] != now:
                changed.add(key)
            ranks[key], suffixed[key] = rank, now
        return changed

    again: set[int] = set()
    mylist = list(dict.fromkeys(k for cluster in given for k in cluster))
    seq.update({key: i for i, key in enumerate(mylist)})
    reflist = sorted(mylist, key=cmp_to_key(compare))
    registered = set(mylist)
    for group in set(group_of.values()):
        assign(group, registered)
    for k in range(len(clusters)):
        mylist = list(dict.fromkeys([key for cluster in ordered[:k] for key in cluster] + given[k]))
        seq.clear()
        seq.update({key: i for i, key in enumerate(mylist)})
        gone = registered - set(mylist)
        new = [key for key in mylist if key not in registered]
        touched = {group_of[key] for key in list(gone) + new if key in group_of}
        registered = (registered - gone) | set(new)
        reflist = [key for key in reflist if key not in gone]
        tainted = set()
        for group in touched:
            tainted |= assign(group, registered)
        for j in range(k):
            if j not in again and tainted & set(given[j]) and len(given[j]) > 1 and csl.root.citation.sort is not None:
                again.add(j)
                ordered[j] = [item.key for item in _sorted_cluster(csl, bib, clusters[j], lambda key, exc: None, again=True)]
        moved = [key for key in reflist if key in tainted]
        reflist = [key for key in reflist if key not in tainted]
        for key in new + moved:
            if rows is None:
                continue
            reflist.insert(locate(key, reflist) + 1, key)
        if rows is None:
            reflist = list(mylist)  # no cs:sort: the bibliography is the registry's order
    return reflist, {key: ranks[key] for key in group_of if key in ranks}, again


def _groups_in_sort(csl, citation_element) -> bool:
    """citeproc-js's opt.grouped_sort: an in-text style that collapses, or one with a
    cite-group-delimiter whose cites do not depend on their position or number."""
    if citation_element.get("collapse") and csl.root.get("class") == "in-text":
        return True
    if not citation_element.get("cite-group-delimiter"):
        return False
    ns = "{http://purl.org/net/xbiblio/csl}"
    root = csl.root
    for element in root.iter(ns + "if", ns + "else-if"):
        if element.get("position"):
            return False
    for element in root.iter(ns + "text"):
        if element.get("variable") == "citation-number":
            return False
    for element in root.iter(ns + "citation", ns + "names", ns + "name"):
        for what in ("min", "use-first"):
            later = element.get(f"et-al-subsequent-{what}")
            if later is not None and later != element.get(f"et-al-{what}"):
                return False
    return True


def _sorted_again(sort, items, layout):
    """A grouped sort's citation sorted again by citeproc-js: the style's keys in the
    directions extended for the author key ([first] + directions, so each key takes the
    direction before its own), a stable sort of the citation's sortedItems as its grouped sort
    left them (ties keep that order: "(İnan, 2024a; Şir et al., 2024)" by author strings under
    a key of the year alone)."""
    from functools import cmp_to_key

    from avimcite.csl.fixes import compare_sort_keys

    items = _grouped_sort(sort, items, layout)
    descending, rows = sort.keyed(items, layout)
    directions = descending[:1] + descending
    pairs = sorted(zip(items, rows), key=cmp_to_key(lambda a, b: compare_sort_keys(a[1], b[1], directions)))
    return [item for item, _ in pairs]


def _grouped_sort(sort, items, layout):
    """citeproc-js's grouped sort: the cites sorted on their author string (the first names
    the cite prints, none for a title in the author's place) before the style's keys; then
    each run of one author string takes its first cite's first key and its place as the
    first key ("" + key + i), and the cites are sorted again: an author's cites stay
    together, in the place of the author's first cite."""
    from functools import cmp_to_key

    from avimcite.csl.fixes import collation_key, collation_locale, compare_sort_keys, sort_value

    descending, rows = sort.keyed(items, layout)
    locale = collation_locale[-1] if collation_locale else None
    authors = []
    from avimcite.csl import fixes

    for item in items:
        fixes.text_before_cite.append(False)
        try:
            rendered = _render_cite(layout, item, suppress=False)
        finally:
            fixes.text_before_cite.pop()
        names = rendered[1] if rendered else None
        authors.append(None if names is None or not str(names) else str(names))
    first = [d for d in descending[:1]] + descending
    keyed = [(item, [(author, sort_value(author, locale))] + row) for item, author, row in zip(items, authors, rows)]
    keyed.sort(key=cmp_to_key(lambda a, b: compare_sort_keys(a[1], b[1], first)))
    last_author, this_key = object(), None
    for i, (_, row) in enumerate(keyed):
        if row[0][0] != last_author:
            last_author, this_key = row[0][0], row[1][0] if len(row) > 1 else None
        text = ("undefined" if this_key is None else str(this_key)) + str(i)
        row[0] = (text, (1, collation_key(text, locale)))  # a string in citeproc-js, "20240" too
    keyed.sort(key=cmp_to_key(lambda a, b: compare_sort_keys(a[1], b[1], first)))
    return [item for item, _ in keyed]


def _text_before(position: int, prefix: str) -> bool:
    """Does the cite follow printed text, for a term that opens it (citeproc-js's
    term_predecessor)? A later cite of the cluster does; a prefix does, unless it ends a
    sentence of more than one word ("This has been said. " + "Ibid.", but "See ibid." and
    "Nocapsafter. ibid.")."""
    if not prefix:
        return position > 0
    test = _CLOSING_MARKS.sub("", _TAG.sub("", prefix))
    return not (test[-1:] in (":", ".", ";", "!", "?") and test != "" and " " in prefix.strip())


def _affix_delimiter(delimiter: str, previous: dict, cite: dict) -> str:
    """The delimiter before `cite` where the affixes punctuate the seam (citeproc-js's
    getCitationCluster): after a suffix ending in ";", "." or "," only the delimiter's
    spaces remain; before a prefix that starts with one of them (the cite before has no
    suffix) none at all ("Book A, cited in Book B")."""
    suffix, prefix = previous.get("suffix") or "", cite.get("prefix") or ""
    starts = not suffix and prefix[:1] in (";", ".", ",") and prefix != ""
    if starts:
        return ""
    if suffix[-1:] in (";", ".", ",") and suffix:
        space = str(delimiter).find(" ")
        return str(delimiter)[space:] if space > -1 else ""
    return delimiter


def _number(bib, key):
    try:
        return bib.keys.index(key)
    except ValueError:
        return None


def _empty_cite(layout, cite: dict, cites: int, first: bool = True):
    """What a cite that prints nothing stands as in its cluster (citeproc-js): its prefix
    and suffix ("cf. ."), or, with neither, in a cluster of several, the error marker when it
    is the cluster's first cite and does not suppress the author ("[CSL STYLE ERROR: reference
    with no printed form.]; AVİM."; api_cite.js getCitation: pos === 0 only); None: nothing."""
    from avimcite.csl._citeproc.string import String
    from avimcite.csl.richtext import parse

    prefix, suffix = prefix_text(cite.get("prefix") or ""), suffix_text(cite.get("suffix") or "")
    if prefix or suffix:
        preformat = layout.get_formatter().preformat
        return String(parse(prefix, preformat, quotes="affix") + parse(suffix, preformat, quotes="affix"))
    return String(NO_PRINTED_CITE) if cites > 1 and first and not cite.get("suppress-author") else None


def _render_cite(layout, item, suppress: bool, drop_year: bool = False):
    """(cite text with its prefix and suffix, its first names output) or None."""
    from avimcite.csl._citeproc.model import VariableError
    from avimcite.csl._citeproc.string import String

    cite = item["avim_cite"]
    state = {"suppress": suppress, "drop_year": drop_year, "names_done": False, "names": None, "depth": 0,
             "author_only": bool(cite.get("author-only")), "something": False, "after_names": True, "in_names": 0,
             "blobs": _collapses_numbers(layout)}
    _cite_state.append(state)
    from avimcite.csl import braces

    prefix = braces.update(prefix_text(cite.get("prefix") or ""))  # counted before the cite's elements
    try:
        layout.repressed = {}
        try:
            output = layout.render_children(item)
        except VariableError:
            output = None
    finally:
        _cite_state.pop()
    suffix = braces.update(suffix_text(cite.get("suffix") or ""))
    if output is None or (state["author_only"] and not str(output)):
        if not state["author_only"] or not (cite.get("prefix") or cite.get("suffix")):
            return None
        output = String("")  # citeproc-js: an author-only cite that prints nothing keeps its affixes
    text = output
    from avimcite.csl.richtext import STAY, parse, stays_outside

    if prefix:
        text = String(parse(prefix, layout.get_formatter().preformat, quotes="affix")) + text
    if suffix:
        # citeproc-js appends the suffix as a text of its own: "“The Title.” And", but
        # "“Title”, n. 2" with punctuation-in-quote too
        stay = STAY if stays_outside(suffix) else ""
        text = text + String(stay + parse(suffix, layout.get_formatter().preformat, quotes="affix"))
    item["avim_leaves"] = (state.get("number_leaf"), state.get("locator_leaf"), state.get("note_leaf"))
    item["avim_text_var"] = bool(state.get("text_var"))
    item["avim_suffix_splice"] = bool(state.get("suffix_splice"))
    item["avim_locator_printed"] = bool(state.get("locator_printed"))
    item["avim_locator_label"] = bool(state.get("locator_label"))
    return text, state["names"]


_BLOB_STYLES: dict = {}


def _collapses_numbers(layout) -> bool:
    """Are a cite's numbers kept apart as citeproc-js's number blobs (_collapse_numbers)?
    Under collapse="citation-number", and in a style that prints first-reference-note-number
    ("同13同13": two cites of a note number join without the delimiter)."""
    try:
        citation = layout.getparent()
        if citation.get("collapse") == "citation-number":
            return True
        root = layout.get_root()
    except AttributeError:
        return False
    key = id(root)
    if key not in _BLOB_STYLES or _BLOB_STYLES[key][0] is not root:
        _BLOB_STYLES[key] = (root, bool(root.xpath_search(".//cs:text[@variable='first-reference-note-number']")))
    return _BLOB_STYLES[key][1]


def _uses_blobs(layout, collapse, grouping, citation_element) -> bool:
    """Does _collapse join the cluster's cites as number blobs (and their delimiters as the
    affixes punctuate them)?"""
    if collapse == "citation-number":
        return True
    return not grouping and citation_element.get("year-suffix-delimiter") is None and _collapses_numbers(layout)


def _plain_cite(item) -> bool:
    cite = item["avim_cite"]
    return not (cite.get("locator") or cite.get("prefix") or cite.get("suffix") or cite.get("suppress-author"))


def _collapse(layout, cites, collapse, grouping, group_delimiter, citation_element):
    """[(text, delimiter before it)]: the cluster's cites, collapsed as the style says."""
    delimiter = layout.get("delimiter", "")
    after_collapse = citation_element.get("after-collapse-delimiter")
    if collapse == "citation-number":
        return _collapse_numbers(layout, _names_cut(layout, cites), citation_element)
    if _uses_blobs(layout, collapse, grouping, citation_element):
        return _collapse_numbers(layout, cites, citation_element)
    year_delimiter = citation_element.get("year-suffix-delimiter")
    if not grouping:
        # CSL.getSpliceDelimiter runs for every cite, collapsing or not: with an
        # after-collapse-delimiter and nothing collapsed, it joins every cite (after a cite
        # with a locator only, under collapse="year-suffix")
        pieces = []
        for n, (item, text, _names, _info) in enumerate(cites):
            joiner = delimiter
            if year_delimiter is not None and item.get("avim_suffix_splice"):
                joiner = year_delimiter
            elif after_collapse is not None and n and (collapse != "year-suffix" or cites[n - 1][0]["avim_cite"].get("locator") not in (None, "")):
                joiner = after_collapse
            pieces.append((text, joiner))
        return pieces
    return _collapse_by_names(layout, cites, collapse, group_delimiter, citation_element)


def _collapse_by_names(layout, cites, collapse, group_delimiter, citation_element):
    """citeproc-js's collapsing of an author's cites (collapse year, year-suffix,
    year-suffix-ranged; cite-group-delimiter): a cite whose first names print as the cite
    before's has them cut; with year-suffix, one of the same year too prints its suffix
    alone ("2000a, b"), ranged "2000a–c" for three or more; the delimiter before each cite
    is CSL.getSpliceDelimiter's (after-collapse-delimiter after a collapsed run or a cite
    with a locator, cite-group-delimiter within a group, ", " within a group in an in-text
    style). An author's cites were put together by the grouped sort (_grouped_sort)."""
    from avimcite.csl._citeproc.string import String

    delimiter = layout.get("delimiter", "")
    after_collapse = citation_element.get("after-collapse-delimiter")
    year_delimiter = citation_element.get("year-suffix-delimiter")
    collapsing = collapse in ("year", "year-suffix", "year-suffix-ranged")
    suffixes = collapse in ("year-suffix", "year-suffix-ranged") and citation_element.get("disambiguate-add-year-suffix") == "true"
    # citeproc-js joins an author's collapsed cites with ", " in an in-text style that is not
    # numeric (its update_mode NUMERIC: the citation prints citation-number)
    in_text = layout.get_root().get("class") == "in-text" and not citation_element.xpath_search(
        ".//cs:text[@variable='citation-number']")
    pieces = []  # [text, delimiter before it, year-suffix letter, prints only its suffix]
    last_names, last_collapsed, previous = None, False, None
    for item, text, names, _info in cites:
        key = None if names is None else str(names)
        same = key is not None and key == last_names
        have = collapsing
        if key is not None and not same:
            last_names, have = key, False
        if item.get("avim_text_var"):
            have = False
        shown, only_suffix, dropped_year = text, False, False
        if same and collapsing:
            # a cite that prints nothing without its names is left out ("Smith 325 AD, 2000"
            # for a third cite of Smith without a date)
            short = _without_author(layout, item)
            shown = String("") if short is None else short
        letter = _letter(item)
        if suffixes and have and previous is not None and letter and _same_year(previous[0], item):
            # citeproc-js prints the cite without its names and year: "2000a, b, p. 4"; the
            # year-suffix delimiter joins a suffix printed alone after a cite without a suffix
            rendered = _render_cite(layout, item, suppress=True, drop_year=True)
            shown = rendered[0] if rendered else String(letter)
            dropped_year = True
            cite = item["avim_cite"]
            only_suffix = not (cite.get("prefix") or cite.get("suffix") or item.get("avim_locator_printed")
                               or previous[0]["avim_cite"].get("suffix"))  # fmt: skip
        elif suffixes and have and previous is not None and _same_year(previous[0], item):
            # without a year suffix the year goes too (citeproc-js's years_used): the item
            # cited again prints its locator alone, or nothing ("AVİM, 2023", not "2023, 2023")
            rendered = _render_cite(layout, item, suppress=True, drop_year=True)
            shown = rendered[0] if rendered else String("")
        last_locator = previous is not None and previous[0]["avim_cite"].get("locator") not in (None, "")
        if after_collapse is not None:
            if last_locator or (last_collapsed and not have) or (not last_collapsed and not have and collapse != "year-suffix"):
                joiner = after_collapse
            else:
                joiner = delimiter
        elif group_delimiter is not None and same:
            joiner = group_delimiter
        elif have and in_text:
            joiner = ", "
        elif year_delimiter is not None and item.get("avim_suffix_splice"):
            joiner = year_delimiter  # the cite printed a year-suffix inside an unfinished group
        else:
            joiner = delimiter
        last_collapsed, previous = have, (item,)
        if not str(shown):
            continue  # the names were all it printed
        pieces.append([shown, joiner, letter, only_suffix, _trailing_number(item, letter, only_suffix, dropped_year)])
    _join_suffix_runs(pieces, group_delimiter if group_delimiter is not None else year_delimiter
                      if year_delimiter is not None else delimiter)  # fmt: skip
    if collapse == "year-suffix-ranged":
        pieces = _ranged(pieces, layout)
    return [(text, joiner) for text, joiner, *_ in pieces]


def _trailing_number(item, letter, only_suffix: bool, year_dropped: bool) -> str | None:
    """What number ends the cite's output, as citeproc-js keeps it apart for joining with
    the next cite (CSL.Output.Queue.string: the number blobs after a cite's last string):
    "suffix" (its year suffix), "number" (a locator ending in a digit: "12", "33–35",
    "7, 9"; not "iii"), or None (text, its own suffix). A cut cite that prints its suffix
    and then its locator with no word between ("b: 12"; its year left out) is all numbers,
    which citeproc-js renders as one string: None; one that prints its year keeps its
    numbers apart ("2017a 120,c")."""
    cite = item["avim_cite"]
    if only_suffix:
        return "suffix"
    if cite.get("suffix"):
        return None
    if item.get("avim_locator_printed"):
        if year_dropped and letter and not item.get("avim_locator_label"):
            return None
        return "number" if str(cite.get("locator") or "").strip()[-1:].isdigit() else None
    return "suffix" if letter else None


def _join_suffix_runs(pieces, successor: str) -> None:
    """The delimiters before year suffixes printed alone, as citeproc-js joins number blobs
    (NumericBlob.checkNext and checkLast over the cluster's blobs): a suffix after the cite
    before's suffix in sequence ("a", "b") is a successor and takes the successor delimiter
    (cite-group-delimiter, year-suffix-delimiter or the layout's); after any other number
    (a suffix out of sequence, a numeric locator) it is seen, and after text a start; in
    each run of numbers the last seen one takes the successor delimiter too ("2017b, f,c",
    "2017b,d,e", "2020a: 12,b"); the others keep the cites' delimiter ("2020a: iii, b",
    "2016a, b: 12, c")."""
    def follows(before, letter) -> bool:
        return bool(before and letter and len(before) == len(letter) == 1 and ord(letter) == ord(before) + 1)

    start, seen, following = 0, 1, 2
    status = {}
    for k in range(1, len(pieces)):
        if not pieces[k][3]:
            continue
        before = pieces[k - 1][4]
        if before == "suffix":
            status[k] = following if follows(pieces[k - 1][2], pieces[k][2]) else seen
        else:
            status[k] = seen if before == "number" else start
    k = len(pieces) - 1
    while k > 0:
        # one run of number blobs, walked from its end: its last seen one becomes a successor
        changed = False
        while k > 0 and k in status:
            if not changed and status[k] == seen:
                status[k], changed = following, True
            if status[k] == start:
                k -= 1
                break
            k -= 1
        else:
            k -= 1
    for k, value in status.items():
        if value == following:
            pieces[k][1] = successor


def _letter(item) -> str | None:
    try:
        return str(item.reference["year_suffix"]) if "year_suffix" in item.reference else None
    except Exception:  # noqa: BLE001
        return None


def _same_year(previous_item, item) -> bool:
    try:
        year = _year(item.reference)
        return year is not None and year == _year(previous_item.reference)
    except Exception:  # noqa: BLE001
        return False


def _ranged(pieces, layout):
    """year-suffix-ranged: three or more consecutive suffixes print as a range ("a–c")."""
    try:
        dash = str(layout.get_term("citation-range-delimiter").single or "\u2013")
    except Exception:  # noqa: BLE001 - a locale without the term
        dash = "\u2013"
    out, i = [], 0
    while i < len(pieces):
        j = i
        while (j + 1 < len(pieces) and pieces[j + 1][3] and pieces[j][2] and pieces[j + 1][2]
               and len(pieces[j][2]) == len(pieces[j + 1][2]) == 1 and ord(pieces[j + 1][2]) == ord(pieces[j][2]) + 1):  # fmt: skip
            j += 1
        out.append(pieces[i])
        if j - i >= 2:
            out.append([pieces[j][0], dash, pieces[j][2], True])
            i = j + 1
        else:
            i += 1
    return out


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


def _names_cut(layout, cites):
    """citeproc-js's _collapseAuthor under any collapse (citation-number too, in a note or
    in-text style that prints names): a cite whose first names print as the cite before's
    prints without them ("AVİM 2017e ; 2020"); one that printed nothing else is left out."""
    from avimcite.csl._citeproc.string import String

    out, last = [], None
    for item, text, names, info in cites:
        key = None if names is None else str(names)
        if key is not None and key == last:
            short = _without_author(layout, item)
            text = String("") if short is None else short
            if not str(text):
                continue
        elif key is not None:
            last = key
            info = {**info, "new_names": True}  # citeproc-js: names not printed before end have_collapsed
        out.append((item, text, names, info))
    return out


def _collapse_numbers(layout, cites, citation_element):
    """citation-number collapsing as citeproc-js does it (getCitationCluster, then
    Output.Queue.renderBlobs over the cluster's blobs). Each cite is text, or text followed
    by the numbers it ends with (_cite_blobs): its citation-number when nothing prints after
    it (a prefix, its names or other text may print before it), or the numbers of its
    locator ("p. 4", "pp. 33–35", "pp. 7, 9"; not "p. iii"); a cite with a suffix is text.
    The delimiter before each cite is getSpliceDelimiter's (after-collapse-delimiter after a
    cite with a locator, or where the cite prints a text variable or new names), as the
    affixes punctuate it (_affix_delimiter). NumericBlob.checkNext then marks each number
    that follows the number before it in sequence as a successor, and the third of such
    numbers on as within a range (printed "first–last": "1, p. 2–5" for a locator 2 and the
    cites 3 to 5), any other number after a number as seen; checkLast makes the last seen
    number of each run of numbers a successor. A successor is joined with the layout's
    delimiter, a seen number or one after text with the cite's delimiter."""
    delimiter = layout.get("delimiter", "")
    after_collapse = citation_element.get("after-collapse-delimiter")
    try:
        dash = str(layout.get_term("citation-range-delimiter").single or "\u2013")
    except Exception:  # noqa: BLE001 - a locale without the term
        dash = "\u2013"
    if citation_element.get("collapse") != "citation-number":
        dash = ""  # no ranges: a number in sequence is a successor only
    objects: list = []  # [text, delimiter before it] or _Blob
    last_collapsed = True
    for pos, (item, text, _names, info) in enumerate(cites):
        cite = item["avim_cite"]
        have_collapsed = not item.get("avim_text_var") and not info.get("new_names")
        splice = ""
        if pos > 0:
            previous = cites[pos - 1][0]["avim_cite"]
            splice = delimiter
            if after_collapse is not None and (previous.get("locator") not in (None, "") or not have_collapsed):
                splice = after_collapse  # getSpliceDelimiter (collapse is not "year-suffix")
            splice = _affix_delimiter(splice, previous, cite)
        last_collapsed = have_collapsed
        head, blobs = _cite_blobs(item, text, delimiter, dash)
        if not blobs:
            objects.append([head, splice])
        elif head is not None:
            objects.append([head, splice])
            for blob in blobs:
                blob.suppress = True  # citeproc-js's in_cite_predecessor: text printed before it
            objects.extend(blobs)
        else:
            blobs[0].splice = splice
            objects.extend(blobs)
    del last_collapsed
    start = True
    for k, blob in enumerate(objects):
        following = objects[k + 1] if k + 1 < len(objects) else None
        if isinstance(blob, _Blob):
            blob.check_next(following, start)
            start = False
        else:
            start = not (isinstance(following, _Blob) and following.splice)
    last_fixed = False
    for k in range(len(objects) - 1, 0, -1):
        blob = objects[k]
        if isinstance(blob, _Blob):
            if not last_fixed and blob.check_last(objects[k - 1]):
                last_fixed = True
        else:
            last_fixed = False
    pieces = []
    for k, blob in enumerate(objects):
        if not isinstance(blob, _Blob):
            pieces.append((blob[0], blob[1]))
            continue
        if blob.status == _SUPPRESS:
            continue
        if blob.status == _END:
            joiner = blob.range_prefix
        elif blob.status == _SUCCESSOR:
            joiner = blob.successor
        elif blob.status == _START:
            joiner = blob.splice if k > 0 and not blob.suppress else ""
        else:
            joiner = blob.splice
        if str(blob.text) or joiner:
            pieces.append((blob.text, joiner))
    return pieces


_START, _SUCCESSOR, _SUCCESSOR_OF_SUCCESSOR, _END, _SEEN, _SUPPRESS = range(6)


class _Blob:
    """A number of a cite as citeproc-js's CSL.NumericBlob: its value, printed text, status
    and the delimiters it may print before it (splice_prefix, successor_prefix, range_prefix)."""

    __slots__ = ("num", "text", "status", "splice", "successor", "range_prefix", "suppress")

    def __init__(self, num, text, splice: str, successor: str, range_prefix: str):
        self.num, self.text, self.status = num, text, _START
        self.splice, self.successor, self.range_prefix, self.suppress = splice, successor, range_prefix, False

    def check_next(self, following, start: bool) -> None:
        after = following if isinstance(following, _Blob) else None
        if start:
            self.status = _START
            if after is not None:
                after.status = _SUCCESSOR if _follows(self, after) else _SEEN
        elif after is None or not _follows(self, after):
            if self.status == _SUCCESSOR_OF_SUCCESSOR:
                self.status = _END
            if after is not None:
                after.status = _SEEN
        elif self.status in (_START, _SEEN):
            after.status = _SUCCESSOR
        elif self.status in (_SUCCESSOR, _SUCCESSOR_OF_SUCCESSOR):
            if self.range_prefix:
                after.status, self.status = _SUCCESSOR_OF_SUCCESSOR, _SUPPRESS
            else:
                after.status = _SUCCESSOR

    def check_last(self, before) -> bool:
        in_sequence = isinstance(before, _Blob) and _follows(before, self)
        if self.status == _SEEN or (not in_sequence and self.status == _SUCCESSOR):
            self.status = _SUCCESSOR
            return True
        return False


def _follows(before: _Blob, after: _Blob) -> bool:
    return isinstance(before.num, int) and isinstance(after.num, int) and after.num != 0 and after.num == before.num + 1


def _cite_blobs(item, text, delimiter: str, dash: str):
    """(the cite's text before its number blobs or None, its number blobs) as citeproc-js's
    Output.Queue.string leaves them: the numbers after the cite's last text (marked by
    _blob_marks); (text, []) for a cite that ends in text. A locator printed right after
    the number (no element between) makes the number a blob of it too; with nothing before
    them, citeproc-js renders the two as text."""
    from avimcite.csl._citeproc.string import String
    from avimcite.csl.richtext import LOCATOR_BLOB, NOTE_BLOB, NUMBER_BLOB

    marked = str(text)
    if NUMBER_BLOB[0] not in marked and LOCATOR_BLOB[0] not in marked and NOTE_BLOB[0] not in marked:
        return text, []

    def clean(part: str):
        for mark in NUMBER_BLOB + LOCATOR_BLOB + NOTE_BLOB:
            part = part.replace(mark, "")
        return String(part) if part else None

    blobs = []
    if marked.endswith(NOTE_BLOB[1]):
        # a note number: no delimiter of its own before it (its text element sets none)
        at = marked.rfind(NOTE_BLOB[0])
        head = marked[:at]
        try:
            number = int(item.get("avim_first_note"))
        except (TypeError, ValueError):
            number = None
        blobs = [_Blob(number, clean(marked[at + 1 : -1]) or String(""), "", "", "")]
    elif marked.endswith(NUMBER_BLOB[1]):
        at = marked.rfind(NUMBER_BLOB[0])
        head = marked[:at]
        try:
            number = int(item.number)
        except Exception:  # noqa: BLE001
            number = None
        blobs = [_Blob(number, clean(marked[at + 1 : -1]) or String(""), delimiter, delimiter, dash)]
    elif marked.endswith(LOCATOR_BLOB[1]):
        at = marked.rfind(LOCATOR_BLOB[0])
        head = marked[:at]
        numbers = _locator_numbers(item) or [None]
        body = clean(marked[at + 1 : -1]) or String("")
        blobs = [_Blob(n, body if k == 0 else String(""), "", "", "") for k, n in enumerate(numbers)]
        number_leaf, locator_leaf, note_leaf = item.get("avim_leaves") or (None, None, None)
        try:
            number = int(item.number)
        except Exception:  # noqa: BLE001
            number = None
        try:
            note = int(item.get("avim_first_note"))
        except (TypeError, ValueError):
            note = None
        for pair, leaf, value, prefixes in ((NUMBER_BLOB, number_leaf, number, (delimiter, delimiter, dash)),
                                            (NOTE_BLOB, note_leaf, note, ("", "", ""))):  # fmt: skip
            close, opened = head.rfind(pair[1]), head.rfind(pair[0])
            if leaf is None or locator_leaf != leaf + 1 or not -1 < opened < close:
                continue
            if any(m in head[close:] for m in NUMBER_BLOB + LOCATOR_BLOB + NOTE_BLOB if m != pair[1]):
                continue
            # no element between the number and the locator: the number is a blob too, with
            # the group's delimiter as its suffix; with nothing before them, citeproc-js
            # renders the cite's numbers as text
            blobs.insert(0, _Blob(value, clean(head[opened + 1 :]) or String(""), *prefixes))
            head = head[:opened]
            if not clean(head):
                return clean(marked), []
            break
    else:
        return clean(marked), []
    return clean(head), blobs
