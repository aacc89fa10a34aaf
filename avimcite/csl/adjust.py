"""Punctuation at seams that depends on which element printed what, as citeproc-js decides it.

citeproc-js merges two marks that meet ("?" then "." prints "?") on its tree of output
blobs (CSL.Output.Queue.adjust), and some of its rules look at the element on each side of
the seam, not at the text alone:

- a text element that prints a variable, a term or a value with a decoration of its own
  (font-style, font-weight, font-variant, text-decoration, vertical-align, quotes; "normal"
  counts) merges no mark into its text: its suffix, or the delimiter after it, only drops a
  mark its text already ends with ("<i>Why Now?</i>" then ". " prints "Why Now?. ");
- a delimiter after an element with a suffix of its own is added to that suffix, not merged
  with it (a suffix ";" then the delimiter ". " prints ";. ");
- with no delimiter, a sibling's leading mark after a decorated element, or on a decorated
  sibling, is printed as it is ("Title?" in italics, then ". Pub" prints "Title?. Pub").

A group or macro around such an element makes the seam an ordinary one again (citeproc-js
then moves the mark down into the group and merges it). cs:choose is transparent: what a
branch printed first and last counts for the group around it.

Each rendered piece says what it ends and starts with in an attribute of the string object
itself, so any later operation on it (a new string) forgets it, which is what the rules want.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from avimcite.csl.context import per_render

_PUNCT = ".,;:!?"
_DECORATIONS = ("font-style", "font-weight", "font-variant", "text-decoration", "vertical-align")
_seams = per_render("adjust.seams")  # ["literal" | "drop" | "raw"]: how the seam being joined merges


class _Ends:
    """What a rendered piece starts and ends with, for the next seam."""

    __slots__ = ("head_decorated", "tail_decorated", "tail_field", "tail_suffix", "text_suffix", "suffix_head", "cut",
                 "number", "number_mark", "text_kind", "swallows")  # fmt: skip

    def __init__(self, head_decorated=False, tail_decorated=False, tail_field=False, tail_suffix="", text_suffix="",
                 suffix_head="", cut="", number=False, number_mark="", text_kind="", swallows=""):  # fmt: skip
        self.head_decorated = head_decorated  # starts with a decorated element
        self.tail_decorated = tail_decorated  # ends with a decorated element (quotes aside)
        self.tail_field = tail_field  # ends with a decorated variable, term or value
        self.tail_suffix = tail_suffix  # ends with an element's own suffix: its last character
        # ends with a plain text element's own suffix (all of it) that an enclosing suffix's
        # mark goes in front of, through groups without a suffix of their own (see _migrated)
        self.text_suffix = text_suffix
        self.suffix_head = suffix_head  # the first character of that element's own suffix
        # the last character of a group's suffix that citeproc-js's downward pass took away
        # (a doubled mark) after the sibling after it had lost the same leading character
        self.cut = cut
        # the last thing printed is one of citeproc-js's number blobs (a year suffix, a
        # citation number: blobEndsInNumber, through any suffixes after it), and the mark
        # the suffix of an element around it ends with (none: ""); an enclosing mark is
        # not merged into that suffix (see ending_in_number)
        self.number = number
        self.number_mark = number_mark
        # the element text_suffix belongs to: "" a plain one; "decorated" a field with a
        # decoration of its own (the mark goes inside it, and does not merge with its suffix);
        # "quoted" one with quotes under punctuation-in-quote (any mark goes in: _migrates)
        self.text_kind = text_kind
        # the marks a delimiter after it starts with that citeproc-js's downward pass takes
        # away (see _tree_field)
        self.swallows = swallows


def _ends(text) -> _Ends | None:
    return getattr(text, "_avim_ends", None)


def _mark(string_module, text, ends: _Ends):
    if text is None:
        return text
    if type(text) is str:
        text = string_module.String(text)
    try:
        text._avim_ends = ends
    except AttributeError:  # a type without attributes: the seam stays an ordinary one
        pass
    return text


def _unmarked(string_module, text):
    """`text` as a piece of its own: what its children started and ended with stays inside."""
    if _ends(text) is None:
        return text
    if isinstance(text, string_module.MixedString):
        return string_module.MixedString(list(text))
    return type(text)(str(text))


def _marked_as_group(string_module, element, text):
    """A group's or macro call's output: it starts and ends with its own decoration and the last
    character of its own suffix, or is an ordinary piece when it has neither."""
    decorated = _decorated(element)
    suffix = element.get("suffix", "")[-1:]
    if not (decorated or suffix):
        return text
    return _mark(string_module, text, _Ends(decorated, decorated, False, suffix, "", element.get("suffix", "")[:1]))


def _as_group(string_module, element, text):
    """A group's or macro call's output marked as one piece (_marked_as_group); without a
    suffix or decoration of its own it still ends with what its last element ended with, for
    a mark that moves down to a text element's suffix (_migrated)."""
    inner = _ends(text)
    output = _marked_as_group(string_module, element, _unmarked(string_module, text))
    if inner is not None and inner.text_suffix and _ends(output) is None and not element.get("suffix"):
        output = _mark(string_module, output, _Ends(text_suffix=inner.text_suffix, text_kind=inner.text_kind))
    if inner is not None and inner.cut and _ends(output) is not None:
        _ends(output).cut = inner.cut
    if inner is not None and inner.number:
        output = ending_in_number(string_module, output, inner.number_mark)
    return output


def ending_in_number(string_module, output, mark: str):
    """`output` marked as ending in a number blob, after an element suffix ending in `mark`.

    citeproc-js's downward pass merges an enclosing mark (a delimiter's, a group's suffix)
    into the suffix of the last element inside only when that element does not end in a
    number blob (`!blobEndsInNumber(child)`): a year suffix last in a group with suffix ":",
    called by a macro in a group with delimiter ". ", prints "2016a:. Title" where a year
    alone prints "2016: Title"."""
    if output is None:
        return output
    ends = _ends(output)
    if ends is None:
        return _mark(string_module, output, _Ends(number=True, number_mark=mark))
    ends.number, ends.number_mark = True, mark
    return output


def _merged(left: str, right: str) -> str | None:
    """What two marks that meet print (citeproc-js's LtoR_MAP, avimcite.csl.fixes._MERGED)."""
    from avimcite.csl.marks import MERGED as _MERGED

    return _MERGED.get(left, {}).get(right)


def _doubled_at_end(element, text, mark: str) -> bool:
    """Does `text` end with `mark` as the last element's own suffix left it (formatting aside),
    and not after quotes that punctuation-in-quote moves the mark into (citeproc-js moves it
    there first, and the group's suffix is then an ordinary one)?"""
    from avimcite.csl.richtext import MARKERS, QUOTE, SINGLE_QUOTE

    whole = str(text)
    visible = whole.rstrip(MARKERS)
    if visible[-1:] != mark:
        return False
    if any(q in whole[-4:] for q in (QUOTE[1], SINGLE_QUOTE[1])):
        try:
            return str(element.get_root().get_locale_option("punctuation-in-quote")).lower() != "true"
        except Exception:  # noqa: BLE001 - a locale without style options
            return True
    return True


def _migrates(mark: str, suffix: str, kind: str = "") -> bool:
    """citeproc-js moves an enclosing suffix's `mark` down to a text element whose own suffix
    ends with a mark the two merge into one (blobHasDescendantMergingPunctuation), or, with
    punctuation-in-quote, to one with quotes whatever its suffix (blobHasDescendantQuotes)."""
    return kind == "quoted" or len(_merged(suffix[-1:], mark) or "..") == 1


def _migrated(string_module, text, mark: str, own: str | None = None, kind: str | None = None):
    """`text` (ending with a text element's own suffix) with `mark` merged into the element's
    text before that suffix, as citeproc-js's downward pass merges it into the field (a blob
    whose content is a string): "(AVİM)" with suffix ";" in a layout with suffix "." prints
    "(AVİM).;". In a decorated field the mark goes inside the decoration and meets its suffix
    as it is (downward's last step skips a decorated blob): a quoted title with suffix "," in
    a layout with suffix "." prints "“Title.,”" under punctuation-in-quote, "“Why Now?,”"."""
    if own is None:
        own = _ends(text).text_suffix
    if kind is None:
        kind = _ends(text).text_kind
    whole = str(text)
    if not whole.endswith(own):
        return None
    field = whole[: -len(own)]
    closers = ""
    if kind:
        from avimcite.csl.richtext import CLOSERS

        stripped = field.rstrip("".join(CLOSERS))
        field, closers = stripped, field[len(stripped):]
    last = field[-1:]
    if not last or last == mark:
        merged = field
    elif _merged(last, mark):
        merged = field[:-1] + _merged(last, mark)
    else:
        merged = field + mark
    if kind:
        # a decorated field: its suffix drops only a mark the field now ends with (the
        # terminal's duplicate check); quotes then take what punctuation-in-quote moves in
        if own[:1] in _PUNCT and own[:1] == merged[-1:]:
            own = own[1:]
        return string_module.String(merged + closers + own)
    # then the field's last mark meets its own suffix's first (the downward pass's last step,
    # LtoR_MAP): "x" with suffix "!" under ":" prints "x!", under "." "x.!"
    if merged[-1:] in _PUNCT and own[:1] in _PUNCT and _merged(merged[-1], own[0]):
        merged, own = merged[:-1] + _merged(merged[-1], own[0]), own[1:]
    return string_module.String(merged + own)


@contextmanager
def raw_seams():
    """Pieces joined inside meet as they are: no mark merges, none is dropped."""
    _seams.append("raw")
    try:
        yield
    finally:
        _seams.pop()


def ending_as(piece, output):
    """`output`, which ends with `piece`, as ending with what `piece` ends with (a text
    element's suffix that an enclosing suffix's mark goes in front of)."""
    ends = _ends(piece)
    if ends is None or not ends.text_suffix or _ends(output) is not None:
        return output
    from avimcite.csl._citeproc import string

    return _mark(string, output, _Ends(text_suffix=ends.text_suffix, text_kind=ends.text_kind))


def _decorated(element, quotes: bool = False) -> bool:
    attrib = element.attrib
    if any(name in attrib for name in _DECORATIONS):
        return True
    return quotes and attrib.get("quotes", "false").lower() == "true"


# what citeproc-js's FlipFlopper reads as a tag in a field (besides the markup our markers
# stand for): straight quotes and apostrophes, and the quotes of en-US and tr-TR (’ between
# letters is read as an apostrophe); a field with any of them is a tree of blobs, not a string
_TAG_CHARACTERS = "'\"\u2018\u2019\u201c\u201d"


def _one_string(text: str) -> bool:
    """Is a field's text one string for citeproc-js's Queue.adjust (processTags found no tag)?"""
    from avimcite.csl.richtext import MARKERS

    return not any(c in MARKERS or c in _TAG_CHARACTERS for c in text)


def _tree_field_downward(last: str, suffix: str) -> str | None:
    """What citeproc-js's downward pass prints after a decorated field that is a tree of
    blobs whose last piece (a string) ends with `last`, when the field's suffix is `suffix`
    (its own, and the mark of a delimiter after it added): None when it moves no mark down.

    The suffix's first mark goes into the last piece when the two merge into one mark
    (blobHasDescendantMergingPunctuation); a "." left first in the suffix goes to that
    piece's own suffix; the duplicate check that follows cuts the last character of the
    field's suffix, not its first (`slice(0, -1)`), then matchLastChar squashes a doubled
    first mark, and the piece's text swallows its suffix's mark as any field: "Mİ?" with
    suffix "..." prints "Mİ?", and with the ", " of a delimiter after it "Mİ?" too."""
    merged = _merged(last, suffix[:1])
    if not merged or len(merged) != 1 or merged != last:
        return None
    rest, own = suffix[1:], ""
    if rest[:1] == ".":
        own, rest = ".", rest[1:]
    if own and own[-1] == rest[:1]:
        rest = rest[:-1]
    if own and rest[:1] == own[-1]:
        rest = rest[1:]
    if own and (_merged(last, own) or "..") == last:
        own = ""
    return own + rest


def _tree_field(text: str, suffix: str) -> tuple[str | None, str]:
    """For a decorated field that is a tree of blobs (markup of its own: _one_string is false)
    with `suffix`: the suffix citeproc-js leaves after it (None: its own), and the marks a
    delimiter after it starts with that its downward pass takes away with it
    (_tree_field_downward): "“… Mİ?”" with suffix "..." then ", " prints "“… Mİ?” cited"."""
    from avimcite.csl.richtext import MARKERS

    last = text[-1:]
    if not last or last in MARKERS or last in _TAG_CHARACTERS or suffix[:1] not in _PUNCT:
        return None, ""
    alone = _tree_field_downward(last, suffix)
    swallows = "".join(mark for mark in _PUNCT
                       if _tree_field_downward(last, suffix if suffix.endswith(mark) else suffix + mark) == "")  # fmt: skip
    return alone, swallows


def _punctuation_in_quote(element) -> bool:
    from avimcite.csl.richtext import punctuation_in_quote

    return punctuation_in_quote(element)


def install(package) -> None:
    model, string = package.model, package.string
    _elements_say_what_they_print(model, string)
    _seams_read_the_elements(model, string)


def _elements_say_what_they_print(model, string) -> None:
    text_render = model.Text.render
    text_markup = model.Text.markup

    def markup(self, text, language):
        if "macro" in self.attrib or not text:
            return text_markup(self, text, language)
        from avimcite.csl.richtext import STAY, stays_outside

        if stays_outside(str(text)):
            # a value ", " after a quoted title is no suffix of the title: it stays out of
            # its quotes ("“Title”, AVİM Blog"), as in citeproc-js
            text = string.String(STAY) + text
        decorated = _decorated(self)
        # a field with markup of its own (a quote, italics in the title, an apostrophe) is a
        # tree of pieces in citeproc-js, whose last piece merges as any other
        field = _decorated(self, quotes=True) and _one_string(str(text))
        suffix = self.get("suffix", "")[-1:]
        tree_suffix, swallows = None, ""
        if _decorated(self, quotes=True) and not _one_string(str(text)):
            tree_suffix, swallows = _tree_field(str(text), self.get("suffix", ""))
        if field and suffix:
            _seams.append("literal")  # its own suffix only drops a mark the text ends with
        try:
            if tree_suffix is not None:
                with _suffix_as(self, tree_suffix):  # see _tree_field
                    output = text_markup(self, text, language)
            else:
                output = text_markup(self, text, language)
        finally:
            if field and suffix:
                _seams.pop()
        number = self.get("variable") in _NUMBER_BLOBS
        if output is None or not (decorated or field or suffix or number):
            return output
        own, kind = "", ""
        if self.get("variable") not in _NUMBERS:
            if suffix in _MIGRATING and not _decorated(self, quotes=True):
                own = self.get("suffix", "")
            elif field and suffix and not suffix.isspace():
                # a decorated field whose text is one string (no markup of its own): an
                # enclosing mark goes inside it too, before its suffix (citeproc-js's downward
                # pass merges into any blob whose content is a string, decorated or not)
                quoted = self.get("quotes", "false").lower() == "true" and _punctuation_in_quote(self)
                if quoted or suffix in _MIGRATING:
                    own, kind = self.get("suffix", ""), "quoted" if quoted else "decorated"
            if own and (str(text)[-1:] == own[:1] or re.search(r"&#?\w+;$", own)):  # "&gt;" (HTML) is no mark
                own, kind = "", ""  # the suffix's mark merged with the text's own: an ordinary seam
        return _mark(string, output, _Ends(decorated, decorated, field, suffix, own, self.get("suffix", "")[:1],
                                           number=number and bool(str(output)),
                                           number_mark=suffix if number and suffix in _PUNCT else "",
                                           text_kind=kind, swallows=swallows))  # fmt: skip

    def render(self, *args, **kwargs):
        text = text_render(self, *args, **kwargs)
        if text is None or "macro" not in self.attrib:
            return text
        return _as_group(string, self, text)  # a macro call is a group

    model.Text.markup = markup
    model.Text.render = render

    group_render = model.Group.render

    def render_group(self, *args, **kwargs):
        text = group_render(self, *args, **kwargs)
        if text is None:
            return None
        return _as_group(string, self, text)

    model.Group.render = render_group

    wrap = model.Affixed.wrap

    def wrap_migrating(self, text):
        ends = _ends(text) if text is not None else None
        if ends is None or isinstance(self, (model.Text, model.Date_Part)) and "macro" not in self.attrib:
            return wrap(self, text)
        suffix = self.get("suffix", "")
        if ends.number:
            output = wrap_number(self, text, ends, suffix)
            mark = suffix[-1] if suffix and suffix[-1] in _PUNCT else ("" if suffix else ends.number_mark)
            return ending_in_number(string, output, mark)
        return wrap_other(self, text, ends, suffix)

    def wrap_number(self, text, ends, suffix):
        """A piece that ends in a number blob: the suffix's leading mark is not merged with
        the mark of a suffix inside (ending_in_number), only a doubled one is dropped."""
        if ends.number_mark and suffix[:1] in _PUNCT and not doubled(self, text, ends, suffix):
            _seams.append("literal")
            try:
                return wrap(self, text)
            finally:
                _seams.pop()
        return wrap_other(self, text, ends, suffix)

    def doubled(self, text, ends, suffix):
        return (len(suffix) > 1 and ends.tail_suffix == suffix[0] and ends.suffix_head in _PUNCT + " "
                and isinstance(self, model.Group) and _doubled_at_end(self, text, suffix[0]))  # fmt: skip

    def wrap_other(self, text, ends, suffix):
        if doubled(self, text, ends, suffix):
            # citeproc-js's downward pass, a last child whose own suffix ends with the mark the
            # group's suffix starts with: the group's suffix loses its last character, then the
            # doubled mark ("…AVİM." in a group with suffix ". " prints "…AVİM.Ankara"). Not
            # for a macro call: its last child there is the macro's own group, without a suffix.
            with _suffix_as(self, suffix[1:-1]):
                output = wrap(self, text)
            if output is not None and suffix[-1] in _PUNCT + " " and not _decorated(self):
                # the sibling after the group lost a leading character equal to the last one of
                # the suffix before the suffix was cut (the sibling rule runs first, top-first):
                # "Ankara." + " Accessed" prints "Ankara.Accessed", as in citeproc-js
                output = _mark(string, output, _Ends(cut=suffix[-1]))
            return output
        if not ends.text_suffix:
            return wrap(self, text)
        if suffix and suffix[0] in _PUNCT and _migrates(suffix[0], ends.text_suffix, ends.text_kind):
            moved = _migrated(string, text, suffix[0])
            if moved is not None:
                with _suffix_as(self, suffix[1:]):
                    return wrap(self, moved)
        output = wrap(self, text)
        if not suffix and output is not None and _ends(output) is None:
            output = _mark(string, output, _Ends(text_suffix=ends.text_suffix, text_kind=ends.text_kind))  # a prefix: the end is the same
        return output

    model.Affixed.wrap = wrap_migrating

    names_render = model.Names.render

    def render_names(self, *args, **kwargs):  # what a cs:substitute printed stays inside
        text = names_render(self, *args, **kwargs)
        return None if text is None else _unmarked(string, text)

    model.Names.render = render_names


_MIGRATING = ":;!?"  # a text element's suffix mark that an enclosing mark can go in front of
_NUMBERS = {"number", "page", "locator", "volume", "issue", "edition", "number-of-pages", "number-of-volumes",
            "chapter-number", "collection-number", "citation-number", "year-suffix"}  # citeproc-js's numbers: no migration
_NUMBER_BLOBS = {"year-suffix", "citation-number"}  # always a CSL.NumericBlob in citeproc-js


@contextmanager
def _suffix_as(element, suffix: str):
    saved = element.get("suffix")
    element.set("suffix", suffix)
    try:
        yield
    finally:
        element.set("suffix", saved)


def _seams_read_the_elements(model, string) -> None:
    normalize_seam = string.normalize_seam

    def seam(left, other):
        mode = _seams[-1] if _seams else None
        if mode is None:
            return normalize_seam(left, other)
        if mode == "raw":
            return other
        if mode == "drop":  # the suffix before it already ends with the delimiter's mark
            return string._strip_first_char(other) if str(other)[:1] in _PUNCT else other
        # literal: only a mark the left side already ends with is dropped
        from avimcite.csl.richtext import MARKERS

        left_text, other_text = str(left), str(other)
        if left_text.endswith(";") and "&" in left_text[-12:]:
            return other  # "&gt;" (HTML output) ends in ";" but is no punctuation mark
        visible = left_text.rstrip(MARKERS)
        if visible and other_text and other_text[0] == visible[-1] and other_text[0] in _PUNCT:
            return string._strip_first_char(other)
        if left_text.endswith(" ") and other_text.startswith(" "):
            return string._strip_first_char(other)
        return other

    string.normalize_seam = seam
    model.normalize_seam = seam

    def join(items, delimiter=""):
        # an element an author-only cite suppressed prints nothing, no delimiter either
        # (clusters._suppressed: its empty piece only tells the group a variable printed)
        given = list(items)
        items = [item for item in given if not getattr(item, "_avim_suppressed", False)]
        if not items:
            empty = string.String("")
            if given:
                empty._avim_suppressed = True  # only suppressed pieces: so is the whole
            return empty
        output = items[0]
        for previous, item in zip(items, items[1:]):
            mode = _mode(previous, item, delimiter)
            if mode:
                _seams.append(mode)
            try:
                if delimiter:
                    use = delimiter
                    ends = _ends(previous)
                    if ends is not None and delimiter[0] in ends.swallows:
                        use = delimiter[1:]  # see _tree_field
                    if (delimiter[0] in _PUNCT and ends is not None and ends.text_suffix and not ends.tail_suffix
                            and _migrates(delimiter[0], ends.text_suffix, ends.text_kind)):  # fmt: skip
                        # the delimiter's mark goes to the suffix of the group or macro call
                        # before it (citeproc-js's downward pass), and from there in front of
                        # its last text element's own suffix: "(AVİM)" with suffix ";" in a
                        # macro, then the delimiter ". ", prints "(AVİM).; 2010"
                        moved = _migrated(string, output, delimiter[0], ends.text_suffix, ends.text_kind)
                        if moved is not None:
                            output, use = moved, delimiter[1:]
                    output = output + seam(output, use) if use else output
                    if mode:
                        _seams.pop()
                        mode = None
                    # the piece after a delimiter only loses a leading mark or space the
                    # delimiter ends with (citeproc-js's upward pass); it merges with nothing
                    # else ("Mİ?" + "." + ": <URL>" prints "Mİ?: <URL>", as the delimiter's
                    # mark went into the piece before it)
                    last = delimiter[-1]
                    piece = string._strip_first_char(item) if str(item)[:1] == last and last in _PUNCT + " " else item
                    _seams.append("raw")
                    try:
                        output = output + piece
                    finally:
                        _seams.pop()
                    continue
                cut = getattr(_ends(previous), "cut", "")
                if cut and str(item)[:1] == cut:  # see _Ends.cut
                    item = string._strip_first_char(item)
                piece = seam(output, item)
                if mode == "raw" and str(piece)[:1] in _PUNCT:
                    # citeproc-js moves a sibling's leading mark onto the element before it
                    # only when neither is decorated (Queue.adjust's leftward), so here it
                    # stays out of a closing quote as well ("“Title”, 2023")
                    from avimcite.csl.richtext import STAY

                    piece = string.String(STAY) + piece
                output = output + piece
            finally:
                if mode:
                    _seams.pop()
        if len(items) > 1:
            first, last = _ends(items[0]), _ends(items[-1])
            printed = next((piece for piece in reversed(items) if str(piece)), None)
            # a text element's suffix ends the output whatever printed nothing after it
            text_suffix = "" if printed is None or (delimiter and printed is not items[-1]) else \
                getattr(_ends(printed), "text_suffix", "")
            ended = _ends(printed) if printed is not None else None
            number = bool(ended and ended.number)
            if (first and first.head_decorated) or last or text_suffix or number:
                # cs:choose is transparent: its branch's pieces are the group's
                output = _mark(string, output, _Ends(bool(first and first.head_decorated),
                                                     bool(last and last.tail_decorated),
                                                     bool(last and last.tail_field),
                                                     last.tail_suffix if last else "",
                                                     text_suffix, last.suffix_head if last else "",
                                                     last.cut if last else "",
                                                     number, ended.number_mark if number else "",
                                                     ended.text_kind if text_suffix else ""))  # fmt: skip
        return output

    string.join = join
    model.join = join


def _mode(previous, item, delimiter: str) -> str | None:
    before, after = _ends(previous), _ends(item)
    if delimiter:
        if delimiter[0] in _PUNCT and before and (before.tail_suffix or before.number_mark):
            # citeproc-js adds the delimiter's mark to the suffix unless it ends with it (and
            # merges it with none inside that ends in a number: ending_in_number)
            return "drop" if (before.tail_suffix or before.number_mark) == delimiter[0] else "literal"
        if delimiter[0] in _PUNCT and before and before.tail_field:
            return "literal"
        return None
    text = str(item)
    if text and text[0] in _PUNCT and ((before and before.tail_decorated) or (after and after.head_decorated)):
        return "raw"
    return None
