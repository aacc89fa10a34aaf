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

from avimcite.csl.context import per_render

_PUNCT = ".,;:!?"
_DECORATIONS = ("font-style", "font-weight", "font-variant", "text-decoration", "vertical-align")
_seams = per_render("adjust.seams")  # ["literal" | "drop" | "raw"]: how the seam being joined merges


class _Ends:
    """What a rendered piece starts and ends with, for the next seam."""

    __slots__ = ("head_decorated", "tail_decorated", "tail_field", "tail_suffix")

    def __init__(self, head_decorated=False, tail_decorated=False, tail_field=False, tail_suffix=""):
        self.head_decorated = head_decorated  # starts with a decorated element
        self.tail_decorated = tail_decorated  # ends with a decorated element (quotes aside)
        self.tail_field = tail_field  # ends with a decorated variable, term or value
        self.tail_suffix = tail_suffix  # ends with an element's own suffix: its last character


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
    return _mark(string_module, text, _Ends(decorated, decorated, False, suffix))


def _decorated(element, quotes: bool = False) -> bool:
    attrib = element.attrib
    if any(name in attrib for name in _DECORATIONS):
        return True
    return quotes and attrib.get("quotes", "false").lower() == "true"


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
        from avimcite.csl.richtext import MARKERS

        decorated = _decorated(self)
        # a field with markup of its own (a quote, italics in the title) is a tree of pieces
        # in citeproc-js, whose last piece merges as any other
        field = _decorated(self, quotes=True) and not any(c in MARKERS for c in str(text))
        suffix = self.get("suffix", "")[-1:]
        if field and suffix:
            _seams.append("literal")  # its own suffix only drops a mark the text ends with
        try:
            output = text_markup(self, text, language)
        finally:
            if field and suffix:
                _seams.pop()
        if output is None or not (decorated or field or suffix):
            return output
        return _mark(string, output, _Ends(decorated, decorated, field, suffix))

    def render(self, *args, **kwargs):
        text = text_render(self, *args, **kwargs)
        if text is None or "macro" not in self.attrib:
            return text
        return _marked_as_group(string, self, _unmarked(string, text))  # a macro call is a group

    model.Text.markup = markup
    model.Text.render = render

    group_render = model.Group.render

    def render_group(self, *args, **kwargs):
        text = group_render(self, *args, **kwargs)
        if text is None:
            return None
        return _marked_as_group(string, self, _unmarked(string, text))

    model.Group.render = render_group

    names_render = model.Names.render

    def render_names(self, *args, **kwargs):  # what a cs:substitute printed stays inside
        text = names_render(self, *args, **kwargs)
        return None if text is None else _unmarked(string, text)

    model.Names.render = render_names


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
        items = list(items)
        if not items:
            return string.String("")
        output = items[0]
        for previous, item in zip(items, items[1:]):
            mode = _mode(previous, item, delimiter)
            if mode:
                _seams.append(mode)
            try:
                if delimiter:
                    output = output + seam(output, delimiter)
                    if mode:  # the delimiter is in: the piece after it meets it as usual
                        _seams.pop()
                        mode = None
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
            if (first and first.head_decorated) or last:
                # cs:choose is transparent: its branch's pieces are the group's
                output = _mark(string, output, _Ends(bool(first and first.head_decorated),
                                                     bool(last and last.tail_decorated),
                                                     bool(last and last.tail_field),
                                                     last.tail_suffix if last else ""))  # fmt: skip
        return output

    string.join = join
    model.join = join


def _mode(previous, item, delimiter: str) -> str | None:
    before, after = _ends(previous), _ends(item)
    if delimiter:
        if delimiter[0] in _PUNCT and before and before.tail_suffix:
            # citeproc-js adds the delimiter's mark to the suffix unless it ends with it
            return "drop" if before.tail_suffix == delimiter[0] else "literal"
        if delimiter[0] in _PUNCT and before and before.tail_field:
            return "literal"
        return None
    text = str(item)
    if text and text[0] in _PUNCT and ((before and before.tail_decorated) or (after and after.head_decorated)):
        return "raw"
    return None
