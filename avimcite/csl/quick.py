"""A compiled style: a first citation rendered without lxml and citeproc-py.

A process that imports lxml and citeproc-py has spent, before it renders anything, about as
long as pandoc takes to print a whole springer citation (docs/speed.md). The engine
therefore keeps, beside each style it renders, a *compiled form* of it: the style's elements
as plain data, with the terms, dates and options its locale gives them as the engine looks
them up, keyed by the bytes of the style and of the locale files and by this code
(avimcite.csl.compiled writes and reads it). This module renders one item alone from that
form, in plain text, in the citation or the bibliography, with none of the engine's imports.

It renders only what it knows it renders as the engine does, and refuses anything else
(`Refuse`): then the engine renders, as it always did. What it knows:

- elements and attributes: every element and attribute of the style must be one this
  module reads, else the whole style is refused when it is compiled;
- values: text that is plain (no quotes, markup, brackets, or punctuation at either end;
  see `_plain`), person names of a family and a given name, literal names, dates of whole
  years, months and days, numbers of digits;
- text-case: only where it changes nothing the engine would change otherwise (an
  all-capitals title in title case, say) or upper/lower case; anything else refuses.

A form is used only once the engine has rendered the compiled form's own probe items the
same way (avimcite.csl.compiler.verify); tests/test_csl_quick.py compares the two over the
shipped and synthetic catalogues in many styles.
"""

from __future__ import annotations

FORM_VERSION = 10

from avimcite.csl.itemdata import _DATE_VARIABLES, _NAME_VARIABLES  # noqa: E402 - CSL's name and date variables
from avimcite.csl.marks import MERGED as _MERGED  # noqa: E402 - citeproc-js's table of marks that meet at a seam


class Refuse(Exception):
    """This item, in this style, is not one the compiled form renders: the engine does."""


_SEAM = ".,;:!?"
DECORATIONS = frozenset({"font-style", "font-variant", "font-weight", "text-decoration", "vertical-align"})
_NOT_PLAIN = set("\"'‘‚‛„‟«»‹›「」『』<>&*_`[]{}\\\n\t\r\u00a0\u202f\u2009\u200b")
_END_MARKS = set(".,;:!?-–—/…")

def _plain(text: str) -> str:
    """`text` if the compiled form prints it as the engine does, else Refuse. Rich text,
    straight quotes, brackets and marks at its start are the engine's; a ’ between letters
    is an apostrophe, “…” inside the text are quotes that flip inside quotes, and a text may
    end with . ? ! (merged as marks meet at seams)."""
    if not text or text != text.strip() or "  " in text or any(c in _NOT_PLAIN for c in text):
        raise Refuse
    if text[0] in _END_MARKS or (text[-1] in _END_MARKS and (text[-1] not in ".?!" or text[-2:-1] in _END_MARKS)):
        raise Refuse  # "…", "?!", "TITLE -" are the engine's
    if "’" in text:
        for i, c in enumerate(text):
            if c == "’" and not (0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()):
                raise Refuse
    if "“" in text or "”" in text:
        depth = 0
        for i, c in enumerate(text):
            if c == "“":
                depth += 1
                if depth > 1 or i == 0 or text[i - 1] != " ":
                    raise Refuse
            elif c == "”":
                depth -= 1
                if depth < 0 or i == len(text) - 1 or not text[i + 1].isspace() and text[i + 1] not in ":,":
                    raise Refuse
        if depth:
            raise Refuse
    return text


# --- the render -----------------------------------------------------------------------------


class _Render:
    """One item rendered once: the form, the item, what has been substituted."""

    __slots__ = ("form", "item", "mode", "suppressed", "terms", "lang", "label_after", "entry", "pending_suffix")

    def __init__(self, form: dict, item: dict, mode: str, entry: "Entry | None" = None) -> None:
        self.form, self.item, self.mode = form, item, mode
        self.suppressed: set[str] = set()
        self.terms = form["terms"]
        self.lang = str(item.get("language") or "")
        self.entry = entry or _ALONE
        # a style that prints no year-suffix variable: the first year printed takes it (as the engine's fixes)
        self.pending_suffix = self.entry.year_suffix if not form.get("explicit_year_suffix") else ""

    # values ------------------------------------------------------------------------------

    def text_value(self, name: str, form: str | None) -> str:
        if name in self.suppressed:
            return ""
        item = self.item
        if form == "short":  # any variable's short form when the item has one (citeproc-py's Text._variable)
            short = item.get(f"{name}-short")
            if short:
                return _plain(str(short))
        value = item.get(name)
        if value is None or value == "":
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise Refuse
        if name == "URL" or name == "DOI":
            if any(c in _NOT_PLAIN or c == " " for c in value):
                raise Refuse
            return value
        return _plain(value)

    def term(self, name: str, form: str | None = None, plural: bool = False) -> str:
        found = self.terms.get(f"{name}|{form or 'long'}")
        if found is None:
            return ""
        return found[1] if plural else found[0]

    # elements ----------------------------------------------------------------------------

    def children(self, node, delimiter: str | None):
        """(pieces, attempted, succeeded, reset) of a group-like parent (citeproc-js's group
        context, as avimcite.csl.fixes._render_as_group keeps it)."""
        out, attempted, succeeded, reset = [], False, False, False
        for child in node[2]:
            tag = child[0]
            if tag == "choose":
                piece, tried, ok, was_reset = self.choose(child, delimiter)
                if was_reset:
                    attempted, reset = tried, True
                else:
                    attempted = attempted or tried
                if piece is not None:
                    out.extend(piece)
                    succeeded = succeeded or ok
                continue
            piece, calls, ok, tried_if_empty = self.element(child)
            if piece is None and tried_if_empty is not None:
                attempted, reset = tried_if_empty, True
                continue
            attempted = attempted or calls
            if piece is not None:
                out.append(piece)
                succeeded = succeeded or ok
        return out, attempted, succeeded, reset

    def choose(self, node, delimiter):
        for branch in node[2]:
            if branch[0] == "else" or self.test(branch):
                out, attempted, succeeded, reset = self.children(branch, delimiter)
                return (out or None), attempted, succeeded, reset
        return None, False, False, False

    def element(self, node):
        """(piece or None, calls a variable, succeeded, what it tried when suppressed or None)."""
        tag, attrs = node[0], node[1]
        if tag == "text":
            if "macro" in attrs:
                macro = self.form["macros"][attrs["macro"]]
                out, attempted, succeeded, _ = self.children(macro, None)
                if out and (succeeded or not attempted):
                    return self.wrap(attrs, ("", out)), True, True, None
                return None, attempted, False, attempted
            if "variable" in attrs:
                name = attrs["variable"]
                if name == "citation-number":
                    return self.wrap(attrs, str(self.entry.number)), True, True, None
                if name in ("citation-label", "citation-key"):
                    raise Refuse
                if name == "year-suffix":
                    if not self.entry.year_suffix:  # a year suffix that is empty is no variable tried (citeproc-js)
                        return None, False, False, None
                    return self.wrap(attrs, self.entry.year_suffix), True, True, None  # one that prints succeeds
                if name in ("first-reference-note-number", "locator"):  # empty for one item alone
                    return None, True, False, None
                value = self.text_value(name, attrs.get("form"))
                if not value:
                    return None, True, False, None
                return self.wrap(attrs, value, cased=True), True, True, None
            if "term" in attrs:
                text = self.term(attrs["term"], attrs.get("form"), attrs.get("plural") == "true")
                return (self.wrap(attrs, text, cased=True, term=True) if text else None), False, False, None
            if "value" in attrs:
                if attrs.get("strip-periods") == "true":
                    raise Refuse  # a value's periods go as a variable's do, not as a term's
                return self.wrap(attrs, attrs["value"], cased=True, term=True), False, False, None
            raise Refuse
        if tag == "group":
            out, attempted, succeeded, _ = self.children(node, attrs.get("delimiter", ""))
            if out and (succeeded or not attempted):
                return self.wrap(attrs, (attrs.get("delimiter", ""), out)), False, True, None
            return None, attempted, False, attempted
        if tag == "names":
            return self.names(node)
        if tag == "date":
            piece = self.date(node)
            return piece, True, piece is not None, None
        if tag == "number":
            name = attrs["variable"]
            value = self.text_value(name, None) if name != "locator" else ""
            if not value:
                return None, True, False, None
            if not (value.isdigit() and value.isascii()) or value != str(int(value)):
                raise Refuse
            form = attrs.get("form", "numeric")
            if form != "numeric":
                raise Refuse
            return self.wrap(attrs, str(int(value)), cased=True), True, True, None
        if tag == "label":
            return self.label(attrs), attrs.get("variable") == "locator", False, None
        raise Refuse

    # conditions --------------------------------------------------------------------------

    def test(self, branch) -> bool:
        attrs = branch[1]
        match = attrs.get("match", "all")
        results = []
        item = self.item
        for key, value in attrs.items():
            if key == "match":
                continue
            if key == "type":  # citeproc-js: the values of `type` are one "any" test, whatever `match` says
                results.append(item.get("type") in value.split())
                continue
            if key == "disambiguate":  # a test only when "true"; one item alone is never ambiguous
                if value == "true":
                    if self.entry.ambiguous:
                        raise Refuse  # the engine counts the tests that hold (avimcite.csl.disambiguation)
                    results.append(False)
                continue
            for name in value.split():
                if key == "variable":
                    results.append(self.has(name))
                elif key == "is-numeric":
                    value_ = item.get(name)
                    if value_ in (None, ""):
                        results.append(False)
                    elif isinstance(value_, int) or (isinstance(value_, str) and _singular_number(value_)):
                        results.append(True)  # "12", "2023/63": numeric for the engine
                    else:
                        raise Refuse
                elif key == "is-uncertain-date":
                    date = item.get(name)
                    if isinstance(date, dict) and date.get("circa"):
                        raise Refuse
                    results.append(False)
                elif key == "position":
                    if self.mode != "citation":
                        results.append(False)  # in the bibliography, no position holds
                    else:
                        results.append(name == "first")
                elif key == "locator":
                    results.append(False)
                else:
                    raise Refuse
        if match == "any":
            return any(results)
        if match == "none":
            return not any(results)
        return all(results)

    def has(self, name: str) -> bool:
        if name in self.suppressed:
            return False
        if name in ("citation-label", "citation-key", "citation-number"):
            raise Refuse  # the engine's (citation-number is no variable of the item for its condition)
        if name == "year-suffix":
            return bool(self.entry.year_suffix)
        if name in ("locator", "first-reference-note-number"):
            return False
        value = self.item.get(name)
        if name in _DATE_VARIABLES:
            return isinstance(value, dict) and bool(value.get("date-parts") or value.get("literal") or value.get("raw"))
        if name in _NAME_VARIABLES:
            return bool(value)
        return value not in (None, "", [])

    # affixes, text-case ------------------------------------------------------------------

    def wrap(self, attrs, content, cased: bool = False, term: bool = False, language: str | None = "item"):
        """A piece: (prefix, content, suffix, quotes, decorated); content a string or
        (delimiter, pieces)."""
        if isinstance(content, str):
            if attrs.get("strip-periods") == "true":
                if not term and language == "item":
                    raise Refuse  # a variable's periods: the engine keeps those before a lowercase letter
                content = content.replace(".", "")
            if cased:
                content = self.case(content, attrs.get("text-case"), term, language)
            if not content:
                return None
        elif attrs.get("text-case") or attrs.get("strip-periods") == "true":
            raise Refuse  # text-case over several pieces
        if attrs.get("display") or attrs.get("quotes") == "false":
            raise Refuse  # display; an explicit quotes="false" turns a field's own quotes inner in the engine
        decorated = not DECORATIONS.isdisjoint(attrs)
        return (attrs.get("prefix", ""), content, attrs.get("suffix", ""), attrs.get("quotes") == "true", decorated)

    def case(self, text: str, case: str | None, term: bool, language: str | None = "item") -> str:
        """text-case as the engine applies it (avimcite.csl.richtext): title case only for an
        English item's text, a term's or value's always; a label's or date part's without
        the item's language."""
        if not case:
            return text
        if language == "item":
            language = self.lang[:2] if self.lang else self.form["default_language"]
        if case == "title" and language != "en" and not term:
            return text
        if "“" in text or "”" in text:
            raise Refuse  # the engine cases text whose quotes are already its markers
        from avimcite.csl.richtext import apply_case

        return apply_case(text, case, turkish=language == "tr")

    def label(self, attrs, count: int | None = None):
        """A cs:label: the term of its variable (the label of an empty variable prints too,
        as in citeproc-js; the group rule decides), or in a cs:names the role's term."""
        name = attrs.get("variable")
        plural = count is not None and count > 1
        if count is None:
            if name == "locator":
                name = "page"  # no locator: the engine prints the page term, singular
            else:
                value = self.item.get(name)
                if value not in (None, "") and (name.startswith("number-of") or not _singular_number(str(value))):
                    raise Refuse  # a plural, or a number the engine counts otherwise
        option = attrs.get("plural", "contextual")
        plural = option == "always" or (option == "contextual" and plural)
        text = self.term(name, attrs.get("form", "long"), plural)
        if not text:
            return None
        return self.wrap(attrs, text, cased=True, term=False, language=None)

    # names -------------------------------------------------------------------------------

    def names(self, node):
        attrs = node[1]
        name_el = et_al_el = label_el = substitute = None
        self.label_after = True
        for child in node[2]:
            if child[0] == "name":
                name_el = child
                self.label_after = label_el is None
            elif child[0] == "et-al":
                et_al_el = child
            elif child[0] == "label":
                label_el = child
            elif child[0] == "substitute":
                substitute = child
        return self._names(attrs, name_el, et_al_el, label_el, substitute)

    def _names(self, attrs, name_el, et_al_el, label_el, substitute):
        variables = [v for v in attrs.get("variable", "").split() if v not in self.suppressed]
        lists = []
        for variable in variables:
            value = self.item.get(variable)
            if value:
                if not isinstance(value, list):
                    raise Refuse
                lists.append((variable, value))
        if len(lists) > 1:
            raise Refuse  # editor and translator together: the engine's
        if lists:
            variable, people = lists[0]
            text = self.name_list(people, name_el, et_al_el)
            pieces = [(("", text, "", False, False))]
            if label_el is not None:
                label = self.label(label_el[1], count=len(people))
                if label is not None:
                    after = name_el is None or self.label_after
                    pieces = pieces + [label] if after else [label] + pieces
            piece = self.wrap(attrs, ("", pieces))
            return piece, True, True, None
        if substitute is not None:
            for child in substitute[2]:
                if child[0] == "names" and not any(c[0] == "name" for c in child[2]):
                    # a cs:names in the substitute takes the parent's cs:name, cs:et-al, cs:label
                    if child[2]:
                        raise Refuse
                    piece, _, ok, _ = self._names(child[1], name_el, et_al_el, label_el, None)
                    if piece is not None:
                        self.suppress_from(child)
                        return self.wrap(attrs, ("", [piece])), True, True, None
                    continue
                if child[0] == "choose" or (child[0] == "text" and ("term" in child[1] or "value" in child[1])):
                    raise Refuse  # a substitute that prints a term: the engine's names print "only a term"
                piece, calls, ok, _ = self.element(child)
                if piece is not None:
                    self.suppress_from(child)
                    return self.wrap(attrs, ("", [piece])), True, True, None
        return None, True, False, None

    def suppress_from(self, node) -> None:
        """Variables a substitute printed are not printed again (CSL 1.0.2 cs:substitute)."""
        tag, attrs = node[0], node[1]
        if tag == "text" and "variable" in attrs:
            self.suppressed.add(attrs["variable"])
        elif tag == "names":
            self.suppressed.update(attrs.get("variable", "").split())
        elif tag == "date" or tag == "number":
            self.suppressed.add(attrs["variable"])
        elif tag == "text" and "macro" in attrs:
            raise Refuse
        elif tag == "group":
            raise Refuse

    def name_option(self, name_el, key: str, default=None):
        if name_el is not None and key in name_el[1]:
            return name_el[1][key]
        return self.form["name_options"][self.mode].get(key, default)

    def name_list(self, people: list, name_el, et_al_el) -> str:
        opt = lambda key, default=None: self.name_option(name_el, key, default)  # noqa: E731
        form = opt("form", "long")
        if form == "count":
            raise Refuse
        parts = {}
        if name_el is not None:
            for child in name_el[2]:
                parts[child[1].get("name")] = child[1]
        if any(a.get("text-case") or a.get("prefix") or a.get("suffix") for a in parts.values()):
            raise Refuse
        et_al_min = int(opt("et-al-min", 0) or 0)
        use_first = int(opt("et-al-use-first", 1) or 1)
        count = len(people)
        cut = et_al_min and count >= et_al_min and use_first < count
        if cut and use_first < 1:
            raise Refuse  # et-al-use-first="0": the engine's
        if cut and opt("et-al-use-last", "false") == "true":
            raise Refuse
        if cut and self.entry.names_requested > use_first:
            raise Refuse  # the disambiguation showed more names in the citation: the engine's entry keeps them
        shown = people[:use_first] if cut else people
        sort_order = opt("name-as-sort-order")
        sort_sep = opt("sort-separator", ", ")
        delimiter = opt("delimiter", ", ")
        texts, inverted = [], []
        for index, person in enumerate(shown):
            if not isinstance(person, dict):
                raise Refuse
            keys = set(person) - {"family", "given", "literal"}
            if keys:
                raise Refuse
            if "literal" in person:
                if len(person) != 1:
                    raise Refuse
                texts.append(_plain(str(person["literal"])))
                inverted.append(False)
                continue
            family, given = person.get("family"), person.get("given")
            if not _name_part(family):
                raise Refuse
            if given is not None and not _name_part(given):
                raise Refuse
            if form == "short" or not given:
                texts.append(family)
                inverted.append(False)
                continue
            initialize_with = opt("initialize-with")
            if initialize_with is not None:
                from avimcite.csl.initials import initialize_given

                if not self.form["initialize_with_hyphen"]:
                    given = given.replace("-", " ")  # as the engine's Name.initialize
                given = initialize_given(given, initialize_with, normalize_only=opt("initialize", "true") == "false")
            invert = sort_order == "all" or (sort_order == "first" and index == 0)
            if invert:
                texts.append(family + sort_sep + given)
            else:
                texts.append(given + " " + family)
            inverted.append(invert)
        and_ = opt("and")
        and_word = None
        if and_ == "text":
            and_word = self.term("and")
        elif and_ == "symbol":
            and_word = "&"
        elif and_ is not None:
            raise Refuse
        out = texts[0]
        last = len(texts) - 1
        for i in range(1, len(texts)):
            if i == last and and_word and not cut:
                precedes = opt("delimiter-precedes-last", "contextual")
                use_delim = (precedes == "always" or (precedes == "contextual" and len(texts) > 2)
                             or (precedes == "after-inverted-name" and inverted[i - 1]))  # fmt: skip
                out = _join(out, (delimiter if use_delim else " ") + and_word + " ")
                out = _join(out, texts[i])
            else:
                out = _join(_join(out, delimiter), texts[i])
        if cut:
            et_term, et_attrs = "et-al", {}
            if et_al_el is not None:
                et_attrs = et_al_el[1]
                et_term = et_attrs.get("term", "et-al")
                if set(et_attrs) - {"term"}:
                    raise Refuse  # a decorated et-al: the engine's
            word = self.term(et_term)
            if word:
                precedes = opt("delimiter-precedes-et-al", "contextual")
                use_delim = (precedes == "always" or (precedes == "contextual" and len(texts) > 1)
                             or (precedes == "after-inverted-name" and inverted[-1]))  # fmt: skip
                out = _join(out, (delimiter if use_delim else " ") + word)
        return out

    # dates -------------------------------------------------------------------------------

    def date(self, node):
        attrs = node[1]
        name = attrs["variable"]
        if name in self.suppressed:
            return None
        value = self.item.get(name)
        if not value:
            return None
        if not isinstance(value, dict) or set(value) - {"date-parts"}:
            raise Refuse
        dp = value.get("date-parts")
        if not isinstance(dp, list) or len(dp) != 1 or not isinstance(dp[0], list) or not dp[0]:
            raise Refuse
        values = dp[0]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values) or len(values) > 3:
            raise Refuse
        year = values[0]
        if year < 1000 or year > 9999:
            raise Refuse
        month = values[1] if len(values) > 1 else None
        day = values[2] if len(values) > 2 else None
        if month is not None and not 1 <= month <= 12:
            raise Refuse
        if day is not None and (month is None or not 1 <= day <= 31):
            raise Refuse
        form = attrs.get("form")
        shown = attrs.get("date-parts", "year-month-day").split("-")
        if form:
            locale_date = self.form["dates"].get(form)
            if locale_date is None:
                raise Refuse
            overrides = {c[1].get("name"): c[1] for c in node[2] if c[0] == "date-part"}
            parts = []
            for part in locale_date["parts"]:
                part_name = part.get("name")
                if part_name not in shown:
                    continue
                merged = dict(part)
                for k, v in overrides.get(part_name, {}).items():
                    if k not in ("prefix", "suffix", "name"):
                        merged[k] = v
                parts.append(merged)
            delimiter = locale_date.get("delimiter", "")
        else:
            parts = [c[1] for c in node[2] if c[0] == "date-part"]
            delimiter = attrs.get("delimiter", "")
        pieces = []
        for part in parts:
            part_name = part.get("name")
            if part_name == "year":
                text = str(year) if part.get("form", "long") == "long" else str(year)[-2:]
                if self.pending_suffix:
                    # after the mark a date's delimiter starts with ("23.07.2020.a"); the year
                    # part's own affixes and formatting around the suffix are the engine's
                    if part.get("prefix") or part.get("suffix") or part.get("text-case") or not DECORATIONS.isdisjoint(part) \
                            or (form and attrs.get("delimiter")):
                        raise Refuse
                    mark = delimiter[:1] if delimiter[:1] in _SEAM else ""
                    text, self.pending_suffix = text + mark + self.pending_suffix, ""
            elif part_name == "month":
                if month is None:
                    continue
                text = self.month(month, part)
            elif part_name == "day":
                if day is None:
                    continue
                day_form = part.get("form", "numeric")
                if day_form == "numeric":
                    text = str(day)
                elif day_form == "numeric-leading-zeros":
                    text = f"{day:02d}"
                else:
                    raise Refuse
            else:
                raise Refuse
            if set(part) - {"name", "form", "prefix", "suffix", "text-case", "strip-periods"} - DECORATIONS:
                raise Refuse
            text = self.case(text, part.get("text-case"), False, None)
            if part.get("strip-periods") == "true":
                text = text.replace(".", "")
            decorated = not DECORATIONS.isdisjoint(part)
            pieces.append((part.get("prefix", ""), text, part.get("suffix", ""), False, decorated))
        if not pieces:
            return None
        return self.wrap(attrs, (delimiter, pieces))

    def month(self, month: int, part: dict) -> str:
        form = part.get("form", "long")
        if form == "numeric":
            return str(month)
        if form == "numeric-leading-zeros":
            return f"{month:02d}"
        if form not in ("long", "short"):
            raise Refuse
        text = self.term(f"month-{month:02d}", form)
        if not text:
            raise Refuse
        return text


def _singular_number(value: str) -> bool:
    """A number the engine's label calls singular: digits, or digits/digits ("2023/63")."""
    head, _, tail = value.partition("/")
    return head.isdigit() and head.isascii() and (not tail or (tail.isdigit() and tail.isascii()))


def _name_part(text) -> bool:
    """A name part the compiled form initializes as the engine does: capitalised words of
    letters, one space or hyphen between them (other names are the engine's)."""
    if not isinstance(text, str) or not text or text != text.strip() or "  " in text or "--" in text:
        return False
    for word in text.replace("-", " ").split(" "):
        if not word or not word.isalpha() or not word[0].isupper() or (len(word) > 1 and not word[1:].islower()):
            return False
    return True


# --- joining pieces -------------------------------------------------------------------------


def _join(left: str, right: str) -> str:
    """left + right as the engine joins them at a seam: a double space or a doubled mark
    becomes one, two marks merge as citeproc-js merges them."""
    if not left or not right:
        return left + right
    last, first = left[-1], right[0]
    if last == " " and first == " ":
        return left + right[1:]
    if last == first and first in _SEAM:
        return left + right[1:]
    merged = _MERGED.get(last, {}).get(first)
    if merged == last:
        return left + right[1:]
    return left + right


def _inner_quotes(text: str, quotes) -> str:
    """The locale's quotes inside `text` as its inner quotes; a ’ between letters stays an
    apostrophe (en-GB's closing quote is the same mark)."""
    if quotes[0] not in text and quotes[1] not in text:
        return text
    out = []
    for i, c in enumerate(text):
        if c in (quotes[0], quotes[1]) and not (0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()):
            c = quotes[2] if c == quotes[0] else quotes[3]
        out.append(c)
    return "".join(out)


def _flatten(piece, quotes: tuple[str, str]) -> str:
    prefix, content, suffix, quoted, decorated = piece
    if isinstance(content, str):
        text = content
    else:
        delimiter, pieces = content
        text = ""
        for sub in pieces:
            part = _flatten(sub, quotes)
            if not part:
                continue
            text = _join(_join(text, delimiter), part) if text else part
    if not text:
        return ""
    if decorated and (text[-1] in _SEAM or text[0] in _SEAM):
        raise Refuse
    if quoted:
        if quotes[2] in text or quotes[3] in text:
            raise Refuse
        # the locale's own quotes inside quotes become its inner quotes (the engine reads a
        # field's quotes as the locale's: “ ” in a title under « » stay as they are)
        text = quotes[0] + _inner_quotes(text, quotes) + quotes[1]
    if prefix:
        text = _join(prefix, text)
    if suffix:
        text = _join(text, suffix)
    return text


class Entry:
    """What a bibliography of many items gives one entry, from the engine's sort and
    disambiguation (avimcite.csl.engine): its citation-number, its year suffix, whether its
    cites were ambiguous (a disambiguate="true" test), and the most names the disambiguation
    asked its citation to show."""

    __slots__ = ("number", "year_suffix", "ambiguous", "names_requested")

    def __init__(self, number: int = 1, year_suffix: str = "", ambiguous: bool = False, names_requested: int = 0) -> None:
        self.number, self.year_suffix, self.ambiguous, self.names_requested = number, year_suffix, ambiguous, names_requested


_ALONE = Entry()  # one item cited alone


def render(form: dict, item: dict, mode: str, entry: Entry | None = None) -> str:
    """One item, cited alone (mode "citation") or its bibliography entry, as plain text; or
    Refuse. `entry`: the entry's place in a bibliography of many items (mode
    "bibliography"; a form verified for it, form["bulk"])."""
    layout = form["layouts"].get(mode)
    if layout is None:
        raise Refuse
    if entry is not None and (mode != "bibliography" or not form.get("bulk")):
        raise Refuse
    from avimcite.csl.itemdata import prepare

    state = _Render(form, prepare(item), mode, entry)
    attrs = layout[1]
    if mode == "bibliography" and form.get("second_field_align"):
        # the first field that prints is set apart from the rest by a space (as the engine's
        # fixes._second_field_align); a cs:choose is one field, as there
        fields = []
        for child in layout[2]:
            if child[0] == "choose":
                pieces = state.choose(child, "")[0]
                piece = ("", ("", pieces), "", False, False) if pieces else None
            else:
                piece = state.element(child)[0]
            if piece is not None:
                fields.append(piece)
        if len(fields) < 2:
            raise Refuse  # one field (a group holding the entry): the engine splits it
        first = _flatten(fields[0], form["quotes"])
        rest = _flatten(("", ("", fields[1:]), "", False, False), form["quotes"])
        if not first or not rest:
            raise Refuse
        text = _join(_join(first, " "), rest)
        piece = (attrs.get("prefix", ""), text, attrs.get("suffix", ""), False, False)
    else:
        out, _, _, _ = state.children(layout, None)
        piece = (attrs.get("prefix", ""), ("", out), attrs.get("suffix", ""), False, False)
    text = _flatten(piece, form["quotes"])
    if not text.strip():
        raise Refuse  # an entry that prints nothing: the engine's (avimcite.csl.bibliography.empty_entry)
    if "'" in text or _nests_parentheses(text) or (text[:1].isalpha() and text[:1].islower()):
        # a straight apostrophe of the style or locale ("l'adresse"), parentheses inside
        # parentheses (avimcite.csl.braces), a term opening an entry (capitalised): the engine's
        raise Refuse
    if form["quotes"][1] in text:
        text = _marks_at_closing_quotes(text, form["quotes"][1], form["punctuation_in_quote"])
    return " ".join(text.split())


def _nests_parentheses(text: str) -> bool:
    """Parentheses inside parentheses, or unbalanced ones."""
    depth = 0
    for c in text:
        if c == "(":
            depth += 1
            if depth > 1:
                return True
        elif c == ")":
            depth -= 1
            if depth < 0:
                return True
    return depth != 0


def _marks_at_closing_quotes(text: str, close: str, punctuation_in_quote: bool) -> str:
    """A mark after a closing quote, as the engine prints it: with punctuation-in-quote a "."
    or "," goes in (“TITLE.”) unless it merges with the mark already there (“TITLE?”); without,
    it stays out unless it merges (« TITLE ? » then "." prints « TITLE ? »)."""
    out, i = [], 0
    while True:
        j = text.find(close, i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        end = j + len(close)
        after = text[end : end + 1]
        k = j - 1
        while k > i and text[k] in " \u00a0\u202f":  # « TITLE ? »: the mark before the spaces
            k -= 1
        before = text[k : k + 1] if k >= i else ""
        merged = _MERGED.get(before, {}).get(after) if before in _SEAM and after in _SEAM else None
        drops = after in _SEAM and before in _SEAM and (before == after or merged == before)
        if after in (".", ",") and punctuation_in_quote:
            out.append(text[i:j] + ("" if drops else after) + close)
            i = end + 1
        elif drops:
            out.append(text[i:end])
            i = end + 1
        else:
            out.append(text[i:end])
            i = end
