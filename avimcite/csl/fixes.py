"""Fixes to citeproc-py 0.11.1 that make it render as citeproc-js (Zotero's engine) does.

Each fix is one small function, named after what it corrects, installed once by
`install()`. They change the engine, not its output strings, except where the
CSL behaviour is defined on the output itself (punctuation-in-quote). The
agreement tests (tests/test_csl_agreement.py) compare the result with
citeproc-js output line by line; tests/data/csl/known_differences.txt lists
what is still different and why.

citeproc-py is pinned (pyproject.toml): these patches reach into its classes.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import cmp_to_key

from avimcite.csl import context as _context
from avimcite.csl.context import per_render as _per_render
from avimcite.csl.lazyre import LazyPattern as _lazy_re  # speed only: compiled on first use

_installed = False
TEXT_TAG = "{http://purl.org/net/xbiblio/csl}text"

# What the render in progress knows (avimcite.csl.context: each render has its own; these
# names hold no data).
render_context = _context.render_context
_tracking = _per_render("fixes.tracking")  # [set]: variables rendered inside a cs:substitute child
_turkish_case = _per_render("fixes.turkish_case")  # [bool]: text-case applied to a Turkish item
ambiguous_keys = _per_render("fixes.ambiguous_keys", set)  # items whose first citations are identical
entry_failures = _per_render("fixes.entry_failures")  # [(item id, error)] of entries that could not be rendered
collation_locale = _per_render("fixes.collation_locale", lambda: ["en-US"])


def install(package) -> None:
    """Apply every fix to `package`: avimcite's private copy of citeproc-py
    (avimcite.csl._citeproc), never the `citeproc` that other programs import."""
    global _installed
    if _installed:
        return
    model, string = package.model, package.string

    _substituted_variables_are_suppressed(model)
    _initialize_false_keeps_given_names(model)
    _numbers_with_slashes_are_numeric(model)
    _disambiguate_condition(model)
    _localized_date_delimiter(model)
    _turkish_text_case(model, string)
    _locale_aware_sorting(model)
    _quotes_inside_quotes_flip(model)
    _subsequent_author_substitute(model)
    _substitute_choose_renders_first_match(model)
    _name_parts_cased_as_strings(model)
    _empty_groups_and_macro_calls_are_suppressed(model)
    _punctuation_merges_at_seams(model, string)
    _display_attribute(model)
    _second_field_align(model)
    _static_style_queries_are_cached(model)
    _implicit_year_suffix(model)
    _term_opening_an_entry_is_capitalised(model)
    _dates_in_sort_macros_sort_by_date(model)
    _name_affixes_apply_to_each_person(model)
    _long_form_terms_match_form_long(model)
    _substituted_text_keeps_its_own_affixes(model)
    _initials_as_citeproc_js(model)
    _installed = True


def _substituted_variables_are_suppressed(model) -> None:
    """CSL: "Substituted variables are suppressed in the rest of the output."

    citeproc-py suppresses only a substituted `cs:text variable` or `cs:names`;
    a substituted macro (APA, Chicago, MLA substitute the title through one)
    printed the title twice for a post without an author.
    """
    original_variable = model.Text._variable

    def _variable(self, item, context):
        text = original_variable(self, item, context)
        if text and _tracking:
            _tracking[-1].add(self.get("variable"))
        return text

    def render(self, item, context=None, **kwargs):
        for child in self.getchildren():
            _tracking.append(set())
            try:
                if isinstance(child, model.Names) and child.name is None:
                    names = self.xpath_search("./parent::cs:names[1]")[0]
                    text = child.render(item, names_context=names, context=context, **kwargs)
                else:
                    text = child.render(item, context=context, **kwargs)
            except model.VariableError:
                continue
            finally:
                used = _tracking.pop()
            if text:
                if _text_substitute and not isinstance(child, model.Names):
                    _text_substitute[-1]["text"] = True
                    if isinstance(child, model.Text) and ("term" in child.attrib or "value" in child.attrib):
                        # a bare term printed for the names: no variable succeeded, so a group
                        # or macro around the names prints nothing (433 styles name
                        # `anonymous` this way: citeproc-js prints no "Anonymous" there)
                        _text_substitute[-1]["term_only"] = True
                if _entry_names and not used and not isinstance(child, model.Names):
                    _entry_names[-1]["term"] = True  # "Anon": a term is no author to substitute
                self.add_to_repressed_list(child, context)
                repressed = context.get_layout().repressed
                repressed.setdefault(TEXT_TAG, []).extend(used)
                if _tracking:  # a substitute inside a substitute
                    _tracking[-1].update(used)
                return text
        return None

    model.Text._variable = _variable
    model.Substitute.render = render


def _rendering_children(model, parent, item, delimiter="", **kwargs):
    """(child, output) for each child of `parent` that renders something."""
    for child in parent.iterchildren():
        try:
            if isinstance(child, model.Choose):
                text = child.render(item, delimiter=delimiter, **kwargs)
            else:
                text = child.render(item, **kwargs)
        except model.VariableError:
            continue
        if text is not None:
            yield child, text


def _substitute_choose_renders_first_match(model) -> None:
    """Inside cs:substitute, a cs:choose branch renders only its first non-empty element, as
    citeproc-js does (sylwan: "Publisher 2010", not publisher and title glued together)."""
    for cls in (model.If, model.Else):
        original = cls.render_children

        def render_children(self, item, delimiter="", _original=original, **kwargs):
            if not isinstance(self.getparent().getparent(), model.Substitute):
                return _original(self, item, delimiter=delimiter, **kwargs)
            return next((t for _child, t in _rendering_children(model, self, item, delimiter, **kwargs) if t), None)

        cls.render_children = render_children


def _name_parts_cased_as_strings(model) -> None:
    """text-case on a name part crashed citeproc-py (abnt styles, politix): an absent part
    (no given name) is left alone, and the cased parts go back as plain strings, which
    Name.process joins with str.join. (Plain text and numbers reaching text-case are made
    engine strings in _turkish_text_case, those reaching strip-periods in richtext's
    strip_periods.)"""
    def format_part(self, given, family):
        which = self.get("name")
        if (which == "given" and not given) or (which == "family" and not family):
            return given, family
        language = _item_language[-1] if _item_language else None
        if which == "given":
            given = self.wrap(self.format(self.case(given, language)))
        elif which == "family":
            family = self.wrap(self.format(self.case(family, language)))
        return (str(given) if given is not None else None), (str(family) if family is not None else None)

    model.Name_Part.format_part = format_part


def _empty_groups_and_macro_calls_are_suppressed(model) -> None:
    """CSL: "cs:group implicitly acts as a conditional: cs:group and its child elements are
    suppressed if a) at least one rendering element in cs:group calls a variable (either
    directly or via a macro), and b) all variables that are called are empty." citeproc-py
    counted any nested group as a called, rendered variable ("(No.)", "p. ."). citeproc-js
    also applies the rule to a macro call ("translated by ." for an empty translator)."""

    def group_calls_variable(self):
        return any(child.calls_variable() for child in self.getchildren())

    def group_process(self, item, context=None, **kwargs):
        # As citeproc-js: a child that rendered a variable succeeds, and so does a nested
        # group or macro call that printed only terms ("[Online]" from an `online` macro
        # keeps its group although the edition beside it is empty).
        started = _started[-1] if _started else None
        cuts = _children_cache._value().cut
        output, attempted, succeeded = _render_as_group(model, self, item, self.get("delimiter", ""), context=context, **kwargs)
        if output and (succeeded or not attempted):
            return self.join(output)
        _restore_started(started, cuts)
        _choice["group"] = attempted  # what the suppressed group tried, for the group around it
        raise model.VariableError

    def macro_render(self, item, context=None, sort_options=None):
        # citeproc-js treats a macro call as a group: "translated by " with no translator
        # prints nothing.
        started = _started[-1] if _started else None
        cuts = _children_cache._value().cut
        output, attempted, succeeded = _render_as_group(model, self, item, None, context=context, sort_options=sort_options)
        _choice["macro"] = attempted  # what the call tried, for the group around it
        if output and (succeeded or not attempted):
            from avimcite.csl._citeproc.string import join

            return join(output, "")
        _restore_started(started, cuts)
        return None

    for cls in (model.If, model.Else):
        previous = cls.render_children

        def branch_render_children(self, item, delimiter="", _previous=previous, **kwargs):
            if isinstance(self.getparent().getparent(), model.Substitute):
                return _previous(self, item, delimiter=delimiter, **kwargs)
            output, attempted, succeeded, reset = _render_as_group(model, self, item, delimiter, with_reset=True, **kwargs)
            # cs:choose is transparent: what its branch tried and printed counts for the
            # group or macro around it (read there right after the cs:choose renders)
            _choice["attempted"], _choice["succeeded"], _choice["reset"] = attempted, succeeded, reset
            if not output:
                return None
            from avimcite.csl._citeproc.string import join

            return join(output, delimiter)

        cls.render_children = branch_render_children

    choose_render = model.Choose.render

    def choose_render_tracked(self, item, *args, **kwargs):
        _choice["attempted"] = _choice["succeeded"] = _choice["reset"] = False  # no branch taken: nothing tried
        return choose_render(self, item, *args, **kwargs)

    model.Choose.render = choose_render_tracked
    model.Group.calls_variable = group_calls_variable
    model.Group.process = group_process
    model.Macro.render = macro_render


_choice = _per_render("fixes.choice", lambda: {"attempted": False, "succeeded": False, "reset": False, "macro": None,
                                               "group": None})  # the cs:choose branch just rendered


def _render_as_group(model, parent, item, delimiter, with_reset=False, **kwargs):
    """(outputs, attempted, succeeded) of `parent`'s children, for the group rule: attempted
    when a child calls a variable (for a cs:choose, the branch it took), succeeded when one
    printed as _child_succeeded says, or printed what the cite's collapsing then cut.
    `delimiter` goes to a cs:choose child (None: macro). A group or macro is open
    (_GroupCache.frames) while its children render.

    A nested group or macro call that is suppressed leaves what it tried as what the
    parent has tried so far, in place of what the children before it tried (citeproc-js's
    group end sets the parent's variable_attempt to its own): an empty cs:names, then a
    macro that tried nothing, in a group beside a term, lets the term print ("In ." in
    journal-fur-medienlinguistik). With `with_reset` (a cs:choose branch, transparent),
    also whether that happened, so that the group around the cs:choose does the same."""
    output, attempted, succeeded, reset = [], False, False, False
    cache = _children_cache._value()
    try:
        children = cache[parent]
    except KeyError:  # the style tree does not change while it renders: once per element
        children = cache[parent] = [
            (child, isinstance(child, model.Choose),
             _MACRO_CALL if isinstance(child, model.Text) and "macro" in child.attrib else child.calls_variable())
            for child in parent.iterchildren()]  # fmt: skip
    frames = cache.frames
    opens = delimiter is None or isinstance(parent, model.Group)  # a cs:choose branch is transparent
    if opens:
        frames.append(False)
    try:
        for child, is_choose, calls in children:
            if calls is _MACRO_CALL:
                # a macro call tried what its cs:choose branches took, not every variable it
                # names (citeproc-js: "In" before a container-contributors macro that names
                # editors only for chapters prints for a report)
                _choice["macro"] = None
            elif not is_choose:
                _choice["group"] = None  # set by a cs:group child that is suppressed
            cut = cache.cut
            try:
                if is_choose and delimiter is not None:
                    text = child.render(item, delimiter=delimiter, **kwargs)
                else:
                    text = child.render(item, **kwargs)
            except model.VariableError:
                text = None
            if text is None and cache.cut > cut:
                # citeproc-js cuts a collapsed cite's names and year from its output after
                # they rendered: the groups around them keep their variable_success ("b p. 7"
                # in "(İnan 2024a n. 12, b p. 7)", the year suffix in a group beside the
                # group of names and year)
                succeeded = True
                if frames:
                    frames[-1] = True
            if calls is _MACRO_CALL:
                tried = _choice["macro"]
                calls = child.calls_variable() if tried is None else tried
                if text is None:
                    attempted, reset = calls, True
                    continue
            elif text is None and _choice["group"] is not None and isinstance(child, model.Group):
                attempted, reset = _choice["group"], True
                continue
            if is_choose and _choice["reset"]:
                attempted, reset = _choice["attempted"], True
            else:
                attempted = attempted or (_choice["attempted"] if is_choose else calls)
            if text is not None:
                output.append(text)
                succeeded = succeeded or _child_succeeded(model, child)
            if succeeded and frames:
                frames[-1] = True
    finally:
        if opens:
            frames.pop()
    if with_reset:
        return output, attempted, succeeded, reset
    return output, attempted, succeeded


class _GroupCache(dict):
    """Per render: each style element's children as _render_as_group reads them; `cut`, how
    many names or years a collapsed cite printed and then cut (note_cut); `frames`, whether
    each open group or macro has had a child succeed (citeproc-js's group_context stack)."""

    __slots__ = ("cut", "frames")

    def __init__(self) -> None:
        super().__init__()
        self.cut = 0
        self.frames: list[bool] = []


def note_cut() -> None:
    """The element being rendered printed, and the cite's collapsing cuts it."""
    _children_cache._value().cut += 1


def group_open_without_success() -> bool:
    """Is a group or macro open around the element being rendered whose children have not
    yet succeeded (citeproc-js's test before a year-suffix sets the year-suffix-delimiter)?"""
    return not all(_children_cache._value().frames)


_children_cache = _per_render("fixes.children", _GroupCache)
_MACRO_CALL = object()  # in _children_cache: the child is a macro call (what it tried is read as it renders)


def _child_succeeded(model, child) -> bool:
    """For the group rule, as citeproc-js decides it: a child that printed something
    succeeds if it printed a variable, or is a nested group or macro call (those print only
    when they succeed themselves), or is a cs:choose whose branch succeeded. Terms, values
    and labels alone do not: a macro with an empty variable and "[online]" prints nothing."""
    if isinstance(child, model.Choose):
        return _choice["succeeded"]
    if isinstance(child, model.Names):
        return not _last_names["term_only"]
    if isinstance(child, model.Group) or (isinstance(child, model.Text) and "macro" in child.attrib):
        return True
    if isinstance(child, model.Label) or (isinstance(child, model.Text) and ("term" in child.attrib or "value" in child.attrib)):
        return False
    if isinstance(child, model.Text) and child.get("variable") == "year-suffix":
        # a year suffix that printed succeeds (citeproc-js prints "(Kılıç, 2023, a)" for a
        # group of an empty locator and the year suffix); citeproc-py calls it no variable
        return True
    return child.calls_variable()


from avimcite.csl.marks import MERGED as _MERGED  # noqa: E402 - citeproc-js's table of marks that meet at a seam


_ENTITY_END = _lazy_re(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);$")
_RICH_END = _lazy_re(r"(?:</(?:i|b|u|sup|sub|span)>|(?<!\\)\*+)+$")


def _punctuation_merges_at_seams(model, string) -> None:
    """Punctuation that meets at a seam (an affix, a delimiter) merges as in citeproc-js:
    "TITLE?" then ":" prints "TITLE?", "TITLE?" then "." prints "TITLE?" ("Mİ?: AVİM" was ours).
    citeproc-py only dropped a doubled mark."""
    original = string.normalize_seam

    def normalize_seam(left, other):
        left_text = str(left)
        if left_text.endswith(";") and _ENTITY_END.search(left_text[-12:]):
            return other  # "&gt;" (HTML output) ends in ";" but is no punctuation mark
        other = original(left, other)
        other_text = str(other)
        if left_text and other_text:
            # the mark the reader sees last: "ANLATIYOR?</i>" ends in "?" (HTML, Markdown)
            visible = _RICH_END.sub("", left_text[-40:]) if left_text[-1] in ">*" and render_context.format != "text" else left_text
            if visible:
                merged = _MERGED.get(visible[-1], {}).get(other_text[0])
                if merged == visible[-1]:
                    return string._strip_first_char(other)
                if visible is not left_text and visible[-1] == other_text[0] and other_text[0] in ".,;:":
                    return string._strip_first_char(other)  # "ÇIKMIŞTIR.</i>" + "." (the plain text had one)
        return other

    string.normalize_seam = normalize_seam
    model.normalize_seam = normalize_seam


_DISPLAY = {"block": ("\n", ""), "left-margin": ("", " "), "right-inline": ("", ""), "indent": ("\n    ", "")}


def _display_attribute(model) -> None:
    """`display` (block, left-margin, right-inline, indent) as citeproc-js's text output writes
    it: a block or indent starts a new line, a left margin is followed by a space. citeproc-py
    ignored it ("…AVIMAVİM Yorum No…"); line breaks become spaces in a one-line entry."""
    original = model.Affixed.wrap

    transparent = (model.Choose, model.If, model.Else)

    def top_level(element) -> bool:
        # citeproc-js applies display to an element of the layout itself only (its
        # render_nesting_level 0; cs:choose does not nest): inside a group or a macro it
        # prints nothing ("AVİM (2010). EMEKLİ", not "AVİM (2010) . EMEKLİ")
        parent = element.getparent()
        while isinstance(parent, transparent):
            parent = parent.getparent()
        return isinstance(parent, model.Layout)

    def wrap(self, text):
        text = original(self, text)
        display = self.get("display") if text is not None else None
        if display in _DISPLAY and str(text) and top_level(self):
            if render_context.format == "html":  # citeproc-js's divs (avimcite.csl.display)
                from avimcite.csl import display as html_display

                return html_display.wrap(model, self, display, text)
            from avimcite.csl._citeproc.string import String

            before, after = _DISPLAY[display]
            if display == "left-margin" and isinstance(self.getparent(), model.Layout):
                after = ""  # the layout sets a left margin apart (see _second_field_align)
            lead = str(text)[:1]
            if before.startswith("\n") and lead and lead in ".,;:!?":
                # citeproc-js moves a first mark up out of the block (Queue.adjust's upward),
                # where it meets the entry before it ("Blog." then ". URL": "Blog. URL")
                from avimcite.csl._citeproc import string as string_module

                return String(lead) + String(before) + string_module._strip_first_char(text) + String(after)
            text = String(before) + text + String(after)
        return text

    model.Affixed.wrap = wrap


def _second_field_align(model) -> None:
    """`second-field-align`: the entry's first field (the first child of the layout that prints
    something, "[1]", "1.") is set apart from the rest, as citeproc-js's left margin is
    ("1 Kılıç", not "1Kılıç")."""

    def render_children(self, item, delimiter="", **kwargs):
        parent = self.getparent()
        if isinstance(parent, model.Bibliography) and not parent.get("second-field-align") and any(
            child.get("display") == "left-margin" for child in self.iterchildren()
        ):
            # A left margin is set apart from what follows it; at the end of the entry there
            # is nothing to set apart ("…TEST-4.", not "…TEST-4 .").
            from avimcite.csl._citeproc.string import String, join

            rendering = list(_rendering_children(model, self, item, delimiter, **kwargs))
            texts = [text + String(" ") if child.get("display") == "left-margin" and i < len(rendering) - 1 else text
                     for i, (child, text) in enumerate(rendering)]  # fmt: skip
            return join(texts, delimiter) if texts else None
        if not isinstance(parent, model.Bibliography) or not parent.get("second-field-align"):
            return model.Parent.render_children(self, item, delimiter=delimiter, **kwargs)
        rendering = list(_rendering_children(model, self, item, delimiter, **kwargs))
        texts = [text for _child, text in rendering]
        if len(rendering) == 1 and isinstance(rendering[0][0], model.Group):
            # citeproc-js splits the first field out of the one group that holds the whole
            # entry, and the layout's suffix is lost with the split (journal-of-australian-
            # strength-and-conditioning: "1. TITLE. 2023", no final period).
            self.suffix_dropped = True
        if len(texts) < 2:
            return texts[0] if texts else None
        first, *rest = texts
        from avimcite.csl._citeproc.string import join
        from avimcite.csl.adjust import ending_as

        rest = join(rest, delimiter)
        return ending_as(rest, first + " " + rest)

    model.Layout.render_children = render_children


def _initialize_false_keeps_given_names(model) -> None:
    """`initialize="false"` (Chicago, MLA, Turabian): given names stay whole ("Taras", not "T.")."""
    model.CitationStylesElement._default_options.setdefault("initialize", "true")
    original = model.Name.initialize

    def initialize(self, given, mark, context):
        if str(self.get_option("initialize", context)).lower() == "false":
            return given
        # citeproc-js: initialize="false" on cs:citation or cs:bibliography wins even over a
        # cs:name's own initialize="true" (effective-altruism-wiki prints "Kuzio, Taras").
        found = (context if context is not None else self).xpath_search("./ancestor::*[self::cs:citation or self::cs:bibliography][1]")
        if found and str(found[0].get("initialize", "")).lower() == "false":
            return given
        return original(self, given, mark, context)

    model.Name.initialize = initialize


# Numbers joined by "/", ",", "&" or a hyphen ("2023/63", "2-4") are numeric
# for citeproc-js, and so are lower-case roman numerals of i, v and x ("iii", "xii", "ii-iv";
# not "IV", "l", "cxi": processNumber's /^(?:[0-9]+|[ixv]+)/); only ",", "&" and ranges (of
# roman numerals too: "pages i–ix", "vols. vi, ix", "vols. 12–iii") make a label plural.
_NUMBER = r"(?:[A-Z]*\d+[A-Z]*|(?-i:[ixv]+))"
_NUMERIC = _lazy_re(rf"^\s*{_NUMBER}(?:\s*(?:[,&/\-–]|and|,\s*(?:and|&))\s*{_NUMBER})*\s*$", re.IGNORECASE)
_MULTIPLE = _lazy_re(r"\d+[A-Z]*\s*(?:[,&\-–]|and)\s*(?:(?:and|&)\s*)?[A-Z]*\d+|(?<![\w\\])[ivxlcm]+\s*[-–]\s*[ivxlcm]+(?!\w)"
                     r"|(?<![\w\\])(?:\d+|(?-i:[ixv]+))\s*(?:[,&\-–]|and)\s*(?:(?:and|&)\s*)?(?:\d+|(?-i:[ixv]+))(?!\w)", re.IGNORECASE)


def _numbers_with_slashes_are_numeric(model) -> None:
    """is-numeric and label plurals as citeproc-js decides them ("No. 2023/63", not "2023/63")."""

    def _is_numeric(self, item):
        results = []
        for var in self.get("is-numeric").split():
            key = var.replace("-", "_")
            results.append(key in item.reference and bool(_NUMERIC.match(str(item.reference[key]))))
        return results

    def _is_plural(self, item):
        variable = self.get("variable")
        if variable == "locator":
            if not item.has_locator:
                # a cite without a locator, or a bibliography entry: citeproc-js prints the
                # label's term ("page") in the singular (util_label.js evaluateLabel)
                return False
            value = item.locator.identifier
        else:
            try:
                value = item.reference[variable.replace("-", "_")]
            except model.VariableError:
                return False
        if variable.startswith("number-of"):
            try:
                return int(str(value)) > 1
            except ValueError:
                return False
        # "213 et 235": the locale's own word for "and" joins numbers too
        word = str(self.get_single_term("and") or "").strip()
        if variable == "locator":  # as citeproc-js parses a cite's locator ("chaps. 5, iii", "sec. IV-VI")
            from avimcite.csl.numbers import locator_is_plural

            return locator_is_plural(str(value), word)
        if _MULTIPLE.search(str(value)):
            return True
        return bool(word) and re.search(rf"\d+[A-Z]*\s*,?\s*{re.escape(word)}\s+[A-Z]*\d+", str(value), re.IGNORECASE) is not None

    original_label = model.Label.process

    def label_process(self, item, variable=None, plural=None, context=None, **kwargs):
        # citeproc-js prints a number variable's label whatever its content ("vol. XII",
        # "no. Special issue": CSL.evaluateLabel), and the label of an empty variable (the
        # group rule then decides: "no. 2010/7" for an issue label beside a number; nothing
        # for a label beside its own empty variable).
        name = variable or self.get("variable")
        if name == "locator" and variable is None and not item.has_locator:
            variable = "page"  # the locator's default label
        return original_label(self, item, variable=variable, plural=plural, context=context, **kwargs)

    model.If._is_numeric = _is_numeric
    model.Label._is_plural = _is_plural
    model.Label.process = label_process


def _disambiguate_condition(model) -> None:
    """`disambiguate="true"` is a test like the others: it holds only for items whose citations
    would otherwise be identical, and `match` (all, any, none) combines it with the rest
    (citeproc-py ignored it: MLA printed the title in every in-text citation, and a
    `match="none"` short note printed a date in every one)."""

    def render(self, item, context=None, delimiter="", **kwargs):
        try:
            tests, match = _children_cache[("if", self)]
        except KeyError:  # which tests the element has: read once a render (lxml attributes are slow)
            attrib = self.attrib
            tests = tuple(name for name in ("type", "variable", "is-numeric", "is-uncertain-date", "locator", "position")
                          if name in attrib) + (("disambiguate",) if attrib.get("disambiguate") == "true" else ())  # fmt: skip
            match = attrib.get("match")
            _children_cache[("if", self)] = tests, match
        results = []
        for test in tests:
            if test == "type":
                # citeproc-js: the values of `type` are always one "any" test, whatever `match`
                # says (type="webpage post-weblog post" matches a blog post).
                results.append(any(self._type(item)))
            elif test == "variable":
                results += self._variable(item)
            elif test == "is-numeric":
                results += self._is_numeric(item)
            elif test == "is-uncertain-date":
                results += self._is_uncertain_date(item)
            elif test == "locator":
                results += self._locator(item)
            elif test == "position":
                results += self._position(item, context)
            else:
                from avimcite.csl import disambiguation

                results.append(disambiguation.condition(item, context))
        if match == "any":
            result = any(results)
        elif match == "none":
            result = not any(results)
        else:
            result = all(results)
        if not result:
            raise model.ConditionFailed
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)

    model.If.render = render


def _localized_date_delimiter(model) -> None:
    """A localized date uses the locale's own delimiter ("2023 Oct 31" in Vancouver, not "2023Oct31")."""

    def render_single_date(self, date, show_parts=None, context=None):
        parts = self.parts(date, show_parts, context) if context != self else self.parts(date, show_parts)
        if not parts:
            return None
        if self.is_locale_date() and self.get("delimiter") is not None:
            return self.join(parts)
        style_context = context if self.is_locale_date() else self
        return style_context.join(parts)

    model.Date.render_single_date = render_single_date


_TR_UPPER = str.maketrans({"i": "İ", "ı": "I"})
_TR_LOWER = str.maketrans({"İ": "i", "I": "ı"})


def _turkish_text_case(model, string) -> None:
    """text-case on a Turkish item follows Turkish rules (i -> İ: "[İnternet]"), as citeproc-js does."""
    original_case = model.TextCased.case

    def case(self, text, language=None):
        if isinstance(text, string.MixedString):
            if not all(isinstance(part, (string.String, string.MixedString)) for part in text):
                # plain text joined into marked-up text (a nocase span kept): make its parts engine strings
                text = text.__class__(p if isinstance(p, (string.String, string.MixedString)) else string.String(str(p)) for p in text)
        elif text is not None and not isinstance(text, string.String):
            text = string.String(str(text))  # a name part (str) or a day (int): crashed on text-case
        turkish = language == "tr"
        _turkish_case.append(turkish)
        try:
            return original_case(self, text, language)
        finally:
            _turkish_case.pop()

    def upper(self):
        value = str(self).translate(_TR_UPPER) if _turkish_case and _turkish_case[-1] else str(self)
        return self.__class__(value.upper())

    def lower(self):
        value = str(self).translate(_TR_LOWER) if _turkish_case and _turkish_case[-1] else str(self)
        return self.__class__(value.lower())

    def capitalize_first(self):
        if not str(self):
            return self
        return self.__class__(self.__class__(self[0]).upper() + str(self)[1:])

    model.TextCased.case = case
    string.String.upper = upper
    string.String.lower = lower
    string.String.capitalize_first = capitalize_first
    string.NoCase.capitalize_first = lambda self: self


def _quotes_inside_quotes_flip(model) -> None:
    """A quoted title that holds quotes uses the locale's inner quotes for them:
    “ANKARA’NIN ‘ÇEKMECELERİNDEN’ …” (citeproc-py left two levels of “ ”)."""

    def quote(self, string):
        if self.get("quotes", "false").lower() != "true":
            return string
        open_quote = self.get_single_term(name="open-quote")
        close_quote = self.get_single_term(name="close-quote")
        inner_open = self.get_single_term(name="open-inner-quote") or open_quote
        inner_close = self.get_single_term(name="close-inner-quote") or close_quote
        if open_quote and open_quote != inner_open and open_quote in str(string):
            string = string.replace(open_quote, inner_open).replace(close_quote, inner_close)
        return open_quote + string + close_quote

    model.Quoted.quote = quote


_entry_names = _per_render("fixes.entry_names")  # [dict] per bibliography entry: the first cs:names output, a replacement


def _subsequent_author_substitute(model) -> None:
    """`subsequent-author-substitute` ("———" in MLA, Chicago, Turabian), rule complete-all:
    an entry whose first cs:names output equals the previous entry's prints the substitute
    instead. citeproc-py ignored the attribute."""
    from avimcite.csl._citeproc.string import String

    original_process = model.Names.process

    def process(self, item, names_context=None, context=None, **kwargs):
        state = _entry_names[-1] if _entry_names else None
        if state is not None and state["names"] is None and _started and _started[-1] \
                and not _in_substitute(model, self):
            # something printed before the entry's names (a title, a term): citeproc-js turns
            # the substitution off for the entry (NameOutput.init, term_predecessor) and the
            # entry after it compares with the names before ("Title, AVİM, 2015" keeps AVİM)
            state["blocked"] = True
        text = original_process(self, item, names_context=names_context, context=context, **kwargs)
        if text and _tracking:
            _tracking[-1].add("<names>")  # a substitute that rendered names, not a term
        if state is not None and text and state["names"] is None and not state.get("term") and not state.get("blocked"):
            # the entry's first cs:names output, without the label that avimcite.csl.names
            # recorded: citeproc-js compares and replaces the names, the label stays
            names, label = str(text), state.pop("label", "")
            before = label if label and names.startswith(label) else ""
            after = label if label and not before and names.endswith(label) else ""
            state["names"] = names[len(before):len(names) - len(after)]
            if state["names"] == state["previous"]:
                return String(before + state["substitute"] + after)
        return text

    def render_bibliography(self, citation_items):
        # One entry at a time: an entry the engine cannot render is recorded in
        # `entry_failures` and skipped; the others still print.
        substitute = self.getparent().get("subsequent-author-substitute")
        def entries(chunk, start):
            previous = None
            if start and substitute is not None:  # what the entry before this half printed
                mark = len(entry_failures)
                previous = _previous_names(self, citation_items, start, substitute)
                del entry_failures[mark:]  # reported where those entries are rendered
            return [str(text) for text in render_entries(self, chunk, substitute, previous)]

        return forked_map(entries, list(citation_items))

    def render_entries(self, citation_items, substitute, previous=None):
        from avimcite.csl import display

        output, chain = [], {"reset": False}
        self.entry_chain = chain
        for item in citation_items:
            state = {"names": None, "previous": previous, "substitute": substitute}
            if substitute is not None:
                _entry_names.append(state)
            try:
                self.repressed = {}
                self.suffix_dropped = False
                text = self.render_children(item)
                if not self.suffix_dropped and text is not None and display.suffix_lost(model, self, item):
                    self.suffix_dropped = True  # the layout's suffix went to a macro that printed nothing
                if self.suffix_dropped and text is not None:
                    from avimcite.csl._citeproc.string import String

                    text = self.format(String(self.get("prefix", "")) + text)
                else:
                    text = self.format(self.wrap(text))
            except Exception as exc:  # noqa: BLE001 - reported by the caller, per entry
                entry_failures.append((item.key, exc))
                continue
            finally:
                if substitute is not None:
                    _entry_names.pop()
            if not state.get("blocked") and (state["names"] is not None or not state.get("term")):
                previous = state["names"]  # citeproc-js: a term in the names' place keeps the last name
                chain["reset"] = True
            if text is None or not str(text):
                from avimcite.csl.bibliography import empty_entry

                text = empty_entry(self, item) or text
            if text is not None:
                output.append(text)
        chain["previous"] = previous
        return output

    model.Names.process = process
    model.Layout.render_bibliography = render_bibliography
    model.Layout.render_entries = render_entries


# Per render: XPath results and calls_variable() of the style tree, which do not change
# while it renders (the one insertion citeproc-py makes, a cs:name, only adds new keys).
# Holding the elements also keeps lxml's proxies alive, so their identity is stable.
_xpath_cache = _per_render("fixes.xpath", dict)
_calls_cache = _per_render("fixes.calls", dict)


def _compiled_xpath_factory(namespaces):
    """etree.XPath objects for citeproc-py's namespaces, one per expression string for the
    whole process (as `re` keeps compiled patterns): `element.xpath(...)` compiles its
    expression anew on every call, three quarters of the cost of a query, and a render asks
    the same few dozen expressions again and again. An XPath object gives the same result
    as element.xpath with the same namespaces (lxml evaluates both the same way) and is safe
    to share between threads (lxml locks it while it evaluates)."""
    from functools import lru_cache

    from lxml import etree

    namespaces = dict(namespaces)

    @lru_cache(maxsize=512)  # expressions come from styles (term and date-part names): bounded
    def compiled(expression):
        return etree.XPath(expression, namespaces=namespaces)

    return compiled


def _static_style_queries_are_cached(model) -> None:
    """Speed only, same output: citeproc-py ran an XPath query for every macro, option
    and layout lookup of every item (a 1,000-post APA bibliography: 12 s, most of it here)."""
    original_xpath = model.SomewhatObjectifiedElement.xpath_search if hasattr(
        model.SomewhatObjectifiedElement, "xpath_search") else model.CitationStylesElement.xpath_search  # fmt: skip
    namespaces = model.SomewhatObjectifiedElement.nsmap
    compiled_xpath = _compiled_xpath_factory(namespaces)

    def xpath_search(self, expression):
        key = (self, expression)
        try:
            return _xpath_cache[key]
        except KeyError:
            if self.nsmap is namespaces:  # citeproc-py's own: self.xpath(expression, namespaces=self.nsmap)
                result = _xpath_cache[key] = compiled_xpath(expression)(self)
            else:
                result = _xpath_cache[key] = original_xpath(self, expression)
            return result

    model.CitationStylesElement.xpath_search = xpath_search
    original_get_macro = model.CitationStylesElement.get_macro

    def get_macro(self, name):
        # "cs:macro[@name='NAME'][1]" from one walk over the root's children, not one XPath
        # query per macro name (a tenth of a first citation); same element, same IndexError.
        if "'" in name:
            return original_get_macro(self, name)
        root = self.get_root()
        key = ("macros", root)
        try:
            macros = _xpath_cache[key]
        except KeyError:
            macros = _xpath_cache[key] = {}
            for child in root.iterchildren("{http://purl.org/net/xbiblio/csl}macro"):
                macros.setdefault(child.get("name"), child)
        return macros[name] if name in macros else [][0]

    model.CitationStylesElement.get_macro = get_macro
    find_child = model.SomewhatObjectifiedElement.__getattr__

    def child(self, name):
        # citeproc-py's `element.NAME` is its first cs:NAME child (an lxml find() with the
        # namespace map each time); the style's elements do not change while a render runs
        key = ("child", self, name)
        try:
            return _xpath_cache[key]
        except KeyError:
            result = _xpath_cache[key] = find_child(self, name)
            return result

    model.SomewhatObjectifiedElement.__getattr__ = child

    def per_render(name, original):
        def cached(self):  # the root, and the one formatter of a render, are fixed while it runs
            key = (name, self)
            try:
                return _xpath_cache[key]
            except KeyError:
                result = _xpath_cache[key] = original(self)
                return result

        return cached

    def condition_types(self):
        key = ("types", self)
        try:
            types = _xpath_cache[key]
        except KeyError:
            types = _xpath_cache[key] = [t.lower() for t in self.get("type").split()]
        return types

    def _type(self, item):  # per element and item type, computed once a render
        item_type = item.reference.type
        key = ("type-result", self, item_type)
        try:
            return _xpath_cache[key]
        except KeyError:
            result = _xpath_cache[key] = [t == item_type for t in condition_types(self)]
            return result

    def _variable(self, item):
        key = ("variables", self)
        try:
            variables = _xpath_cache[key]
        except KeyError:
            variables = _xpath_cache[key] = [v.replace("-", "_") for v in self.get("variable").split()]
        reference = item.reference
        return [("locator" in item) if v == "locator" else (v in reference) for v in variables]

    model.If._type = _type
    model.If._variable = _variable
    model.CitationStylesElement.get_root = per_render("root", model.CitationStylesElement.get_root)
    model.CitationStylesElement.get_formatter = per_render("formatter", model.CitationStylesElement.get_formatter)

    from avimcite.csl._citeproc import source

    def reference(self):
        # A property that went through three layers of exception-driven lookups on every use.
        cached = self.__dict__.get("_avimcite_reference")
        if cached is None:
            cached = self.__dict__["_avimcite_reference"] = self.citation.bibliography.source[self.key]
        return cached

    source.CitationItem.reference = property(reference)

    for cls in (model.Parent, model.Text, model.Names, model.Date, model.Number, model.Label, model.Group):
        if "calls_variable" not in cls.__dict__:
            continue
        original = cls.__dict__["calls_variable"]

        def calls_variable(self, _original=original):
            try:
                return _calls_cache[self]
            except KeyError:
                result = _calls_cache[self] = _original(self)
                return result

        cls.calls_variable = calls_variable


_suffix_state = _per_render("fixes.suffix_state")  # [dict] per item being laid out: {"pending": suffix or None, "in_issued": bool}


_SUFFIX_MARKS = frozenset(".,:;!?")


def _implicit_year_suffix(model) -> None:
    """CSL 1.0.2, Disambiguation: "By default, the year-suffix is appended to the first year
    rendered through cs:date in the cite and in the bibliographic entry", unless the style
    renders the `year-suffix` variable itself (cs:text). citeproc-py only filled an explicit one."""
    original_children = model.Layout.render_children

    def explicit(layout) -> bool:
        key = ("explicit-year-suffix", layout.get_root())
        try:
            return _xpath_cache[key]
        except KeyError:
            found = bool(layout.get_root().xpath_search(".//cs:text[@variable='year-suffix' or @variable='citation-label']"))
            _xpath_cache[key] = found
            return found

    def render_children(self, item, **kwargs):
        suffix = None
        reference = getattr(item, "reference", None)
        if reference is not None and "year_suffix" in reference and not explicit(self):
            suffix = str(reference["year_suffix"])
        _suffix_state.append({"pending": suffix, "in_issued": False})
        try:
            return original_children(self, item, **kwargs)
        finally:
            _suffix_state.pop()

    original_date = model.Date.process

    def date_process(self, item, variable=None, show_parts=None, context=None, **kwargs):
        state = _suffix_state[-1] if _suffix_state else None
        name = variable if variable is not None else self.get("variable")
        # as citeproc-js: the first date printed with a year takes it, whichever variable
        # ("Accessed June 25, 2026a" in a style that prints no issued date)
        if state is None or not state["pending"] or not name or state["in_issued"]:
            return original_date(self, item, variable=variable, show_parts=show_parts, context=context, **kwargs)
        state["in_issued"] = True
        try:
            return original_date(self, item, variable=variable, show_parts=show_parts, context=context, **kwargs)
        finally:
            state["in_issued"] = False

    original_part = model.Date_Part.render

    def part_render(self, *args, **kwargs):
        from avimcite.csl.clusters import year_collapsed

        state = _suffix_state[-1] if _suffix_state else None
        if self.get("name") == "year" and year_collapsed():
            # citeproc-js, collapse="year-suffix": the year of the cite before is not printed
            # again, its year suffix is ("Kılıç 2023a, b")
            from avimcite.csl._citeproc.string import String

            if state and state["in_issued"] and state["pending"]:
                suffix, state["pending"] = self.wrap(self.format(String(state["pending"]))), None
                return _ends_in_number(suffix)
            note_cut()  # printed, then cut: the groups around it still hold
            cut = String("")
            cut._avim_suppressed = True  # and it prints no delimiter (adjust's join leaves it out)
            return cut
        text = original_part(self, *args, **kwargs)
        if state and state["in_issued"] and state["pending"] and self.get("name") == "year" and text:
            from avimcite.csl._citeproc.string import String

            # as citeproc-js: the suffix follows the year with the year part's own affixes and
            # formatting ("2016b"; "(2016)(b)" for a year printed in parentheses), after the
            # mark a cs:date delimiter starts with ("23.07.2020.a", "1, 2020,b"; not "-" or "/")
            suffix, state["pending"] = self.wrap(self.format(String(state["pending"]))), None
            parent = self.getparent()
            mark = (parent.get("delimiter") or "")[:1] if parent is not None else ""
            text = _ends_in_number(text + (mark if mark in _SUFFIX_MARKS else "") + suffix)
        return text

    def _ends_in_number(text):
        # the suffix is a number blob in citeproc-js, last in the date when the year is
        from avimcite.csl._citeproc import string
        from avimcite.csl.adjust import ending_in_number

        return ending_in_number(string, text, "")

    model.Layout.render_children = render_children
    model.Date.process = date_process
    model.Date_Part.render = part_render


# --- sorting --------------------------------------------------------------------------

from avimcite.csl.sortkeys import collation_key, keystring  # noqa: E402 - the engine's sorting module


def sort_value(value, locale):
    """A sort key as compared: numbers as numbers, text by the locale's collation, None for none."""
    if value is None:
        return None
    text = str(value)
    try:
        return (0, int(text), collation_key(text, locale))
    except ValueError:
        return (1, collation_key(text, locale))


class _Unread(tuple):
    """A sort key not rendered: the item is told apart from every other by a key before it
    (Sort.keyed). Reading it is a bug, so it raises."""

    def __iter__(self):
        raise AssertionError("a sort key that was not rendered was compared")


_UNREAD = _Unread()


def compare_sort_keys(left, right, descending) -> int:
    """citeproc-js's compareKeys over rows of (text, comparable) keys: an empty key sorts last
    in either direction, ties stay in the order given."""
    for (_, a), (_, b), desc in zip(left, right, descending):
        if a is None and b is None:
            continue
        if a is None:
            return 1
        if b is None:
            return -1
        if a[0] != b[0]:  # a number beside a text ("2024", "2023b"): compared as text, as citeproc-js's strings
            a, b = a[-1], b[-1]
        else:
            a, b = a[:2], b[:2]
        result = (a > b) - (a < b)
        if result:
            return -result if desc else result
    return 0


def _locale_aware_sorting(model) -> None:
    """Sort keys compared as a collator for the style's locale would (citeproc-py compared code
    points, which put Ç, Ö, Ş, İ after Z)."""

    def keyed(self, items, context):
        """(descending flag per key, per item its keys as (text or None, comparable or None))."""
        locale = collation_locale[-1]
        fmt = render_context.format
        from avimcite.csl.markup import plain

        key_elements = self.findall("cs:key", self.nsmap)
        descending = [key.get("sort", "ascending").lower() == "descending" for key in key_elements]

        def column(key):
            def values(chunk, _start):
                # the sort key of each item of `chunk`, as plain values (a forked child sends them back)
                try:
                    out = key.sort_keys(chunk, context)
                except Exception:  # noqa: BLE001 - one entry the engine fails on: sort the others
                    out = []
                    for one in chunk:
                        try:
                            out.append(key.sort_keys([one], context)[0])
                        except Exception as exc:  # noqa: BLE001
                            entry_failures.append((one.key, exc))
                            out.append(None)
                # as citeproc-js: a key is compared as plain text whatever the output format
                # (an italic title sorted under "i" in HTML)
                return [v if v is None or isinstance(v, int) else keystring(plain(str(v), fmt)) for v in out]

            return values

        # A key is rendered only for the items that tie on every key before it (compare_sort_keys
        # never reads further for the others): the first key for all, the next ones for the
        # items still tied. Ties are grouped by what compare_sort_keys compares (a number's
        # value, a text's collation); a key holding numbers and texts both compares a number
        # with a text by collation, so it splits no group.
        rows = [[_UNREAD] * len(key_elements) for _ in items]
        tied = [list(range(len(items)))]
        for k, key in enumerate(key_elements):
            needed = [i for group in tied for i in group]
            if not needed:
                break
            for i, value in zip(needed, forked_map(column(key), [items[i] for i in needed])):
                rows[i][k] = (value, sort_value(value, locale))
            kinds = {rows[i][k][1][0] for i in needed if rows[i][k][1] is not None}
            if len(kinds) > 1:
                continue
            split = []
            for group in tied:
                by_value: dict = {}
                for i in group:
                    comparable = rows[i][k][1]
                    by_value.setdefault(None if comparable is None else comparable[:2], []).append(i)
                split.extend(members for members in by_value.values() if len(members) > 1)
            tied = split
        return descending, rows

    def sort(self, items, context):
        if len(items) < 2:  # citeproc-py rendered the sort macros even for a one-item citation
            return list(items)
        descending, rows = self.keyed(items, context)
        pairs = sorted(zip(items, rows), key=cmp_to_key(lambda a, b: compare_sort_keys(a[1], b[1], descending)))
        return [item for item, _ in pairs]

    model.Sort.keyed = keyed
    model.Sort.sort = sort


@contextmanager
def collating(locale: str):
    collation_locale.append(locale)
    try:
        yield
    finally:
        collation_locale.pop()


__all__ = ["install", "ambiguous_keys", "collating", "collation_key"]


_item_language = _per_render("fixes.item_language")  # [str | None] per entry or cite: its item's language ("tr" cases by Turkish rules)
_started = _per_render("fixes.started")  # [bool] per entry or cite being rendered: has anything been printed yet
text_before_cite = _per_render("fixes.text_before_cite")  # [bool] set by avimcite.csl.clusters: the cite rendering follows printed text (a cite, a prefix)


def _in_substitute(model, element) -> bool:
    """Is `element` part of a cs:substitute (its child, or in a cs:choose branch there)?"""
    parent = element.getparent()
    while isinstance(parent, (model.Choose, model.If, model.Else)):
        parent = parent.getparent()
    return isinstance(parent, model.Substitute)


def _restore_started(value: bool | None, cuts: int | None = None) -> None:
    """A suppressed group or macro printed nothing, as far as a later term is concerned,
    unless what it printed was cut by the cite's collapsing after it printed (note_cut;
    `cuts`: the count before it): citeproc-js cuts a suppressed author after the cite is
    rendered, so a term after it does not open the note ("cited", not "Cited")."""
    if cuts is not None and _children_cache._value().cut != cuts:
        return
    if _started and value is not None:
        _started[-1] = value


def _term_opening_an_entry_is_capitalised(model) -> None:
    """citeproc-js capitalises the first letter of a term printed before anything else in a
    bibliography entry or a note style's cite ("[Interaktyvus]", "Anon."), by the item's
    language ("[İnteraktyvus]" for a Turkish post). In-text citations are left alone."""
    layout_render_children = model.Layout.render_children

    def render_children(self, item, *args, **kwargs):
        active = isinstance(self.getparent(), model.Bibliography) or self.get_root().get("class") == "note"
        # a later cite of a note's cluster, or one after a prefix, does not open the note
        # ("…; ibid., p. 2.", "See ibid.")
        _started.append(not active or bool(text_before_cite and text_before_cite[-1]))
        try:
            language = str(item.reference.language)[:2].lower()
        except model.VariableError:  # no language of its own: the locale's, as citeproc-js
            language = collation_locale[-1][:2].lower() if collation_locale else None
        _item_language.append(language)
        try:
            return layout_render_children(self, item, *args, **kwargs)
        finally:
            _started.pop()
            _item_language.pop()

    original_term = model.Text._term

    def _term(self, item):
        text = original_term(self, item)
        if text and _started and not _started[-1]:
            value = str(text)
            try:
                turkish = str(item.reference.language)[:2].lower() == "tr"
            except model.VariableError:
                turkish = False
            first = value[0].translate(_TR_UPPER) if turkish else value[0]
            text = text.__class__(first.upper() + value[1:])
        return text

    def leaf(cls):
        original = cls.render
        is_names = cls is model.Names

        def render(self, *args, **kwargs):
            if not _started or _started[-1]:  # something printed already: nothing to track
                return original(self, *args, **kwargs)
            try:
                text = original(self, *args, **kwargs)
            except model.VariableError:
                # a cs:names inside a substitute is part of the cs:names around it: its empty
                # editor does not keep the substituted "Anon." from being capitalised
                if is_names and _started and not _in_substitute(model, self):
                    _started[-1] = True
                raise
            # as citeproc-js: the citation number does not count, and a cs:names counts even
            # when it printed nothing ("anon." after an empty author, "Anon." without one)
            if _started and (text or is_names) and self.get("variable") != "citation-number":
                _started[-1] = True
            return text

        cls.render = render

    for cls in (model.Text, model.Names, model.Date, model.Number, model.Label):
        leaf(cls)
    model.Layout.render_children = render_children
    model.Text._term = _term


_sort_macro = _per_render("fixes.sort_macro")  # [bool] set while a sort key's macro renders
_sort_date_only = _per_render("fixes.sort_date_only", lambda: [False])  # citeproc-js's doing-macro-with-date
_sort_options = _per_render("fixes.sort_options")  # [dict] the name options of the sort key rendering


_macros_with_dates = _per_render("fixes.macros_with_dates", dict)  # macro name -> has a cs:date


def _has_date(macro) -> bool:
    """Has the macro a cs:date element of its own (citeproc-js's flagDateMacros; a macro it
    calls does not count)?"""
    if macro is None:
        return False
    name = macro.get("name")
    found = _macros_with_dates.get(name)
    if found is None:
        found = _macros_with_dates[name] = next(macro.iter("{http://purl.org/net/xbiblio/csl}date"), None) is not None
    return found


def _dates_in_sort_macros_sort_by_date(model) -> None:
    """A cs:date inside a macro used as a sort key contributes its date as a sortable number
    (citeproc-js's dateAsSortKey: "1" + year, month and day zero-padded, for the parts the
    element shows), not its printed form: "March 2017" before "December 2017", not after."""
    from avimcite.csl._citeproc.string import String

    original_sort_keys = model.Key.sort_keys

    def sort_keys(self, items, context):
        if "macro" not in self.attrib:
            return original_sort_keys(self, items, context)
        _sort_macro.append(True)
        _sort_date_only[0] = False
        try:
            keys = original_sort_keys(self, items, context)
            return [key if key is None or str(key) else None for key in keys]
        finally:
            _sort_macro.pop()
            _sort_date_only[0] = False

    # citeproc-js's "macro-has-date": in a sort key, a macro with a cs:date in it (in any
    # branch) prints its dates alone, the rest of its output dropped (uppsala-universitet-
    # historia's title macro keys a report by nothing, so such entries keep their order).
    # The flag is set on entering such a macro and cleared on leaving one, not restored: after
    # a nested date macro the rest of the macro around it prints again, as in citeproc-js.
    original_macro_render = model.Macro.render

    def macro_render(self, item, *args, **kwargs):
        if not _sort_macro:
            return original_macro_render(self, item, *args, **kwargs)
        # a macro the key's macro calls renders its names in sort order too (citeproc-js
        # sorts "Alev Kılıç" under K); citeproc-py's cs:text passes no sort options on
        options = kwargs.get("sort_options")
        if options is None and _sort_options:
            kwargs["sort_options"] = _sort_options[-1]
        _sort_options.append(kwargs.get("sort_options"))
        flagged = _has_date(self)
        if flagged:
            _sort_date_only[0] = True
        try:
            return original_macro_render(self, item, *args, **kwargs)
        finally:
            _sort_options.pop()
            if flagged:
                _sort_date_only[0] = False

    def dropped_in_date_macro(cls):
        original = cls.render

        def render(self, *args, **kwargs):
            if _sort_macro and _sort_date_only[0] and not (cls is model.Text and "macro" in self.attrib):
                return None
            return original(self, *args, **kwargs)

        cls.render = render

    for cls in (model.Text, model.Names, model.Number, model.Label):
        dropped_in_date_macro(cls)
    model.Macro.render = macro_render

    original_render = model.Date.render

    def render(self, item, *args, **kwargs):
        if not _sort_macro or self.is_locale_date():
            return original_render(self, item, *args, **kwargs)
        try:
            value = item.reference[self.get("variable").replace("-", "_")]
        except (model.VariableError, AttributeError):
            return None
        from avimcite.csl._citeproc.source import DateRange

        begin = value.begin if isinstance(value, DateRange) else value
        year = begin.get("year") if isinstance(begin, dict) else None
        if not year:
            return None
        if self.get("form") is not None:
            shown = (self.get("date-parts") or "year-month-day").split("-")
        else:
            shown = [part.get("name") for part in self.findall("cs:date-part", self.nsmap)] or ["year", "month", "day"]
        year = int(year)
        key = f"1{year:04d}" if year > 0 else f"0{9999 - abs(year):04d}"  # BC before AD, as citeproc-js
        for part in ("month", "day"):
            number = begin.get(part) if part in shown else None
            key += f"{int(number):02d}" if isinstance(number, int) and number else "00"
        key += "100000"  # an open end: year 0, month and day 00
        return String(key)

    original_text_variable = model.Text._variable

    def text_variable(self, item, context):
        # citeproc-js renders a sort key with disambig_override: no year suffix in it (the
        # key of "İnan 2024a" is the key of "Şir 2024")
        if _sort_macro and self.get("variable") == "year-suffix":
            raise model.VariableError
        return original_text_variable(self, item, context)

    model.Key.sort_keys = sort_keys
    model.Date.render = render
    model.Text._variable = text_variable


def _name_affixes_apply_to_each_person(model) -> None:
    """citeproc-js puts a cs:name's prefix and suffix around each personal name, not around
    the list, and not around an institution's literal name ("Çelik G., Özdemir U." for
    suffix="."; "Kuzio T. et al."). citeproc-py wrapped the whole list once. This is
    Name.process of citeproc-py 0.6 with that one change (per-name affixes); 236 of the
    2,851 independent styles set affixes on cs:name."""

    from avimcite.csl._citeproc.string import String

    def process(self, item, variable, context=None, sort_options=None, **kwargs):
        def get_option(name):
            return self.get_option(name, context, sort_options)

        prefix, suffix_affix = self.get("prefix", ""), self.get("suffix", "")
        if not prefix and not suffix_affix:
            return original_process(self, item, variable, context=context, sort_options=sort_options, **kwargs)
        and_ = get_option("and")
        delimiter = get_option("delimiter")
        delimiter_precedes_et_al = get_option("delimiter-precedes-et-al")
        delimiter_precedes_last = get_option("delimiter-precedes-last")
        et_al_min = get_option("et-al-min")
        et_al_use_first = get_option("et-al-use-first")
        et_al_use_last = get_option("et-al-use-last")
        initialize_with = get_option("initialize-with")
        name_as_sort_order = get_option("name-as-sort-order")
        sort_separator = get_option("sort-separator")
        form = get_option("form")
        demote_ndp = get_option("demote-non-dropping-particle")

        def format_name_parts(given, family):
            for part in self.findall("cs:name-part", self.nsmap):
                given, family = part.format_part(given, family)
            return given, family

        names = item.reference.get(variable, [])
        and_term = None
        if and_ == "text":
            and_term = self.get_single_term(name="and")
        elif and_ == "symbol":
            and_term = self.preformat("&")
        et_al = self.et_al()
        if form == "count":
            return min(len(names), et_al_use_first)
        et_al_truncate = len(names) > 1 and et_al_min and len(names) >= et_al_min
        et_al_last = et_al_use_last and et_al_use_first <= et_al_min - 2
        if et_al_truncate:
            names = names[:et_al_use_first] + [names[-1]] if et_al_last else names[:et_al_use_first]
        output = []
        for i, name in enumerate(names):
            given, family, dp, ndp, suffix = name.parts()
            if given is not None and initialize_with is not None:
                given = self.initialize(given, initialize_with, context)
            if form == "long":
                if name_as_sort_order == "all" or (name_as_sort_order == "first" and i == 0):
                    if demote_ndp in ("never", "sort-only"):
                        family = " ".join([n for n in (ndp, family) if n])
                        given = " ".join([n for n in (given, dp) if n])
                    else:
                        given = " ".join([n for n in (given, dp, ndp) if n])
                    given, family = format_name_parts(given, family)
                    text = sort_separator.join([n for n in (family, given, suffix) if n])
                else:
                    family = " ".join([n for n in (dp, ndp, family) if n])
                    given, family = format_name_parts(given, family)
                    text = " ".join([n for n in (given, family, suffix) if n])
            else:
                family = " ".join([n for n in (ndp, family) if n])
                given, family = format_name_parts(given, family)
                text = family
            if "literal" not in name:
                text = self.wrap(String(text))
            output.append(text)
        if et_al_truncate and et_al:
            # ... and around the names with their "et al." as well: "[[Taras Kuzio] et al.]"
            if et_al_last:
                output[-1] = self.unicode_character("horizontal ellipsis") + " " + output[-1]
                return self.wrap(self.join(output, delimiter))
            if delimiter_precedes_et_al == "always" or (delimiter_precedes_et_al == "contextual" and len(output) >= 2):
                output.append(et_al)
                return self.wrap(self.join(output, delimiter))
            return self.wrap(self.join(output, delimiter) + " " + et_al)
        if and_ is not None and len(output) > 1:
            text = self.join(output[:-1], ", ")
            if delimiter_precedes_last == "always" or (delimiter_precedes_last == "contextual" and len(output) > 2):
                text = self.join([text, ""], ", ")
            else:
                text += " "
            return text + f"{and_term} " + output[-1]
        return self.join(output, delimiter)

    def markup(self, text):
        if not text:
            return None
        if self.get("prefix") or self.get("suffix"):
            return self.format(text)  # the affixes are already around each name
        return self.wrap(self.format(text))

    original_process = model.Name.process
    model.Name.process = process
    model.Name.markup = markup


def _terms_named(terms) -> dict:
    """{name: [cs:term, ...]} of a cs:terms element, in document order (for this render)."""
    key = ("terms", terms)
    try:
        return _xpath_cache[key]
    except KeyError:
        index: dict = {}
        for term in terms.iterchildren("{http://purl.org/net/xbiblio/csl}term"):
            index.setdefault(term.get("name"), []).append(term)
        _xpath_cache[key] = index
        return index


def _long_form_terms_match_form_long(model) -> None:
    """A term defined with form="long" is the long form (the default); citeproc-py looked
    only for terms without a form attribute, so a style's own `<term name="available at"
    form="long">available from</term>` lost to the locale file's "available at"."""

    def get_term(self, name, form=None, zero_padded=False):
        # The first cs:term child of the locale's cs:terms with that name and form (and,
        # zero-padded, no whole-number or last-two-digits match), in document order: what
        # the XPath query "./cs:term[@name='NAME' and (not(@form) or @form='long')]" selects,
        # from an index of the terms by name built once per render (a locale has ~400 terms
        # and every query walked them all: a tenth of the XPath time of a first citation).
        terms = self.terms
        if terms is None:
            raise IndexError
        long_form = form is None or form == "long"
        for term in _terms_named(terms).get(name, ()):
            term_form = term.get("form")
            if (term_form is None or term_form == "long") if long_form else term_form == form:
                if zero_padded and term.get("match") in ("whole-number", "last-two-digits"):
                    continue
                return term
        raise IndexError

    model.Locale.get_term = get_term

    # CSL's form fallback: verb-short -> verb -> long, symbol -> short -> long, short -> long
    # ("Retrieved from": a style asks for retrieved form="verb", the locale has only long).
    fallbacks = {"verb-short": ("verb-short", "verb", None), "verb": ("verb", None),
                 "symbol": ("symbol", "short", None), "short": ("short", None)}  # fmt: skip
    original_term = model.CitationStylesElement.get_term

    def get_term_with_fallback(self, name, form=None, *args, **kwargs):
        chain = fallbacks.get(form, (form,))
        for candidate in chain:
            term = original_term(self, name, candidate, *args, **kwargs)
            if term is not None:
                return term
        return None

    model.CitationStylesElement.get_term = get_term_with_fallback


_REFERENCE = _lazy_re(r"&(?:#(\d{1,6})|#x([0-9a-fA-F]{1,6})|(amp|quot|lt|gt));")
_NAMED = {"amp": "&", "quot": '"', "lt": "<", "gt": ">"}


def _decode_reference(match: re.Match) -> str:
    if match.group(1) or match.group(2):
        number = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
        return chr(number) if 0 < number < 0x110000 else match.group(0)
    return _NAMED[match.group(3)]


def holds_references(root) -> bool:
    """Whether any text or attribute of the parsed style holds an "&" (serialised, each is
    "&amp;"): a fact of the style's bytes, kept by avimcite.csl.stylefacts."""
    from lxml import etree

    return b"&amp;" in etree.tostring(root)


def decode_character_references(root, holds: bool | None = None) -> None:
    """citeproc-js reads a style with its own XML parser, which decodes character
    references once more after XML has: a style that writes `prefix="&amp;#9;"` gets a
    tab, not the text "&#9;" (journal-of-juridical-sciences). Do the same to the parsed
    style's attributes and texts."""
    if not (holds_references(root) if holds is None else holds):
        return  # speed only: no "&" in any text or attribute, nothing to decode
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment or processing instruction
        for name, value in element.attrib.items():
            if "&" in value:
                element.set(name, _REFERENCE.sub(_decode_reference, value))
        if isinstance(element.text, str) and "&" in element.text:
            element.text = _REFERENCE.sub(_decode_reference, element.text)


_text_substitute = _per_render("fixes.text_substitute")  # [dict] per cs:names being processed: what cs:substitute printed
_last_names = _per_render("fixes.last_names", lambda: {"text": False, "term_only": False})  # ... for the cs:names processed last


def _substituted_text_keeps_its_own_affixes(model) -> None:
    """citeproc-js applies a cs:names element's prefix, suffix and formatting to names that
    substitute for it (an editor), not to a title or macro that does ("TITLE Ankara", not
    "TITLE. Ankara", for names with suffix=". ")."""
    original_process = model.Names.process
    original_markup = model.Names.markup

    def process(self, *args, **kwargs):
        _text_substitute.append({"text": False, "term_only": False})
        try:
            text = original_process(self, *args, **kwargs)
        finally:
            _last_names.update(_text_substitute.pop())
        return text

    def markup(self, text):
        if _last_names["text"]:
            return text or None
        return original_markup(self, text)

    model.Names.process = process
    model.Names.markup = markup


_LITERAL_ATTRIBUTES = ("prefix", "suffix", "delimiter", "after-collapse-delimiter", "cite-group-delimiter",
                       "year-suffix-delimiter", "sort-separator", "initialize-with", "names-delimiter", "name-delimiter")


def escape_style_literals(root, preformat) -> None:
    """Affixes and delimiters are text the style adds; in HTML and Markdown they are escaped
    like the item's own text ("Prieiga per internetą: &lt;https://…&gt;", not a tag)."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in _LITERAL_ATTRIBUTES:
            value = element.get(name)
            if value:
                element.set(name, str(preformat(value)))


# --- a long bibliography on two cores -------------------------------------------------
# Entries are independent once the bibliography is sorted and the year suffixes are given;
# only subsequent-author-substitute looks at the entry before, and the child works out what
# that entry printed (_previous_names) before rendering its half.
# A forked child renders the second half while this process renders the first; the style tree
# and every cache are shared copy-on-write, and the child sends back plain text.

PARALLEL_MIN_ENTRIES = 300


def _workers() -> int:
    import os

    if not hasattr(os, "fork"):
        return 1
    import threading

    if threading.active_count() > 1:  # forking a threaded process can deadlock the child
        return 1
    setting = os.environ.get("AVIMCITE_WORKERS", "").strip()
    if setting.isdigit():
        return max(1, int(setting))
    return min(2, os.cpu_count() or 1)


def _previous_names(layout, citation_items, index, substitute):
    """subsequent-author-substitute: the names entry `index` compares with. Render the entries
    just before it until one of them sets the comparison by itself (one entry, unless several
    in a row put a term in the names' place)."""
    if substitute is None:
        return None
    start = index - 1
    while start >= 0:
        layout.render_entries(citation_items[start:index], substitute)
        if layout.entry_chain["reset"]:
            return layout.entry_chain["previous"]
        start -= 1
    return None


def _detach_child(parent: int, keep: int) -> None:
    """In a forked worker: die with the parent (Linux PR_SET_PDEATHSIG), and hold none of the
    caller's files — stdin, stdout and stderr become /dev/null and every other inherited
    descriptor but the result pipe is closed, so a program reading our stdout sees its end
    as soon as we exit, even if the worker is still running."""
    import os
    import sys

    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(ctypes.c_int(1), ctypes.c_ulong(int(signal.SIGKILL)), ctypes.c_ulong(0), ctypes.c_ulong(0),
                       ctypes.c_ulong(0))  # PR_SET_PDEATHSIG = 1  # fmt: skip
        except Exception:  # noqa: BLE001 - no prctl here: the parent still waits for the worker
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    try:
        limit = os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        limit = 1024
    os.closerange(3, keep)
    os.closerange(keep + 1, max(keep + 2, min(limit, 65536)))


def forked_map(func, values: list, weights: list[int] | None = None) -> list:
    """func(values, 0), computed as func(first half, 0) here and func(second half, start) in a
    forked child, concatenated: the child returns plain picklable results, and the entries it
    could not render travel back into `entry_failures`. One process below
    PARALLEL_MIN_ENTRIES or when forking is not possible. `weights`: the cost of each value
    (default 1 each); the halves are cut where half the total weight is reached."""
    total = len(values) if weights is None else sum(weights)
    if total < PARALLEL_MIN_ENTRIES or len(values) < 2 or _workers() < 2:
        return func(values, 0)
    import os
    import pickle

    if weights is None:
        half = len(values) // 2
    else:
        half, running = 0, 0
        while half < len(values) - 1 and running + weights[half] <= total / 2:
            running += weights[half]
            half += 1
        half = max(half, 1)
    parent = os.getpid()
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return func(values, 0)
    if pid == 0:  # the child: compute the second half, send it, leave without any cleanup
        status = 1
        try:
            os.close(read_end)
            _detach_child(parent, write_end)
            entry_failures.clear()
            result = func(values[half:], half)
            failures = [(key, type(exc).__name__, str(exc)) for key, exc in entry_failures]
            view = memoryview(pickle.dumps((result, failures)))
            while view:
                view = view[os.write(write_end, view):]
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    first = func(values[:half], 0)
    chunks = []
    with os.fdopen(read_end, "rb") as pipe:
        while chunk := pipe.read(1 << 20):
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if status != 0 or not chunks:  # the child failed: compute its half here
        return first + func(values[half:], half)
    result, failures = pickle.loads(b"".join(chunks))
    for key, name, message in failures:
        entry_failures.append((key, type(name, (Exception,), {})(message)))
    return first + result


from avimcite.csl.initials import initialize_given  # noqa: E402 - citeproc-js's initials (Name.initialize below)


def _initials_as_citeproc_js(model) -> None:
    """initialize-with as citeproc-js applies it: a given name already written as an
    abbreviation keeps it ("Ph.", "Me." stay "Ph", "Me"), initials are normalised to the
    style's mark ("M.E" -> "M. E."), and with initialize="false" only those existing initials
    are normalised, full given names kept. citeproc-py took the first letter of every part."""

    def initialize(self, given, mark, context):
        on = str(self.get_option("initialize", context)).lower() != "false"
        found = (context if context is not None else self).xpath_search("./ancestor::*[self::cs:citation or self::cs:bibliography][1]")
        if found and str(found[0].get("initialize", "")).lower() == "false":
            on = False
        if str(self.get_option("initialize-with-hyphen", context)).lower() == "false":
            given = given.replace("-", " ")
        return initialize_given(str(given), str(mark), normalize_only=not on)

    model.Name.initialize = initialize
