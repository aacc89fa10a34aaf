"""`display` and `second-field-align` in HTML, as citeproc-js's HTML output writes them.

citeproc-js wraps a top-level element of the layout (a child of cs:layout, or of a cs:choose
branch there) that has `display` in a div of its class: csl-block, csl-left-margin,
csl-right-inline, csl-indent; a `display` deeper in the layout is ignored. With
`second-field-align` on cs:bibliography the first field of the entry is the left margin and
all the rest one right-inline div, and the style's own `display` at the top is not used.
The layout's suffix goes inside the last div ("… 2005.</div>"), its prefix stays outside.
The divs are written as citeproc-js writes them (its formats.js, "@display/…"), line breaks
included; the text output keeps avimcite.csl.fixes._display_attribute's one-line form.
"""

from __future__ import annotations

_CLASSES = ("block", "left-margin", "right-inline", "indent")
_HTML = {
    "block": ('\n\n    <div class="csl-block">', "</div>\n"),
    "left-margin": ('\n    <div class="csl-left-margin">', "</div>"),
    "right-inline": ('<div class="csl-right-inline">', "</div>\n  "),
    "indent": ('<div class="csl-indent">', "</div>\n  "),
}


def html_output() -> bool:
    from avimcite.csl import fixes

    return fixes.render_context.format == "html"


def div(display: str, text):
    from avimcite.csl._citeproc.string import String

    before, after = _HTML[display]
    return String(before) + text + String(after)


def _top_level(model, element):
    """The cs:layout `element` is a top-level element of (through cs:choose branches), or None."""
    parent = element.getparent()
    through_choose = False
    while isinstance(parent, (model.Choose, model.If, model.Else)):
        through_choose = True
        parent = parent.getparent()
    return (parent, through_choose) if isinstance(parent, model.Layout) else (None, False)


def wrap(model, element, display: str, text):
    """An element's rendered `text` with its `display`, in HTML (called from the text
    output's wrap). The layout wraps its own children (render_children below); a top-level
    element inside a cs:choose branch is wrapped here; anything deeper is left as it is."""
    layout, through_choose = _top_level(model, element)
    if layout is None or not through_choose or _aligned(model, layout):
        return text
    return div(display, text)


def _aligned(model, layout) -> bool:
    parent = layout.getparent()
    return isinstance(parent, model.Bibliography) and bool(parent.get("second-field-align"))


def _uses_display(model, layout) -> bool:
    return any(child.get("display") in _CLASSES for child in layout.iterchildren())


def install(model) -> None:
    from avimcite.csl.fixes import _rendering_children

    previous = model.Layout.render_children

    def render_children(self, item, delimiter="", **kwargs):
        if not html_output() or not isinstance(self.getparent(), model.Bibliography):
            return previous(self, item, delimiter=delimiter, **kwargs)
        aligned = _aligned(model, self)
        if not aligned and not _uses_display(model, self):
            return previous(self, item, delimiter=delimiter, **kwargs)
        from avimcite.csl._citeproc.string import String, join

        rendering = list(_rendering_children(model, self, item, delimiter, **kwargs))
        if not rendering:
            return None
        suffix = String(self.get("suffix", ""))
        self.suffix_dropped = True  # the entry takes the prefix only; the suffix is placed here
        if aligned:
            first = div("left-margin", rendering[0][1])
            if len(rendering) == 1:
                return first  # citeproc-js: the suffix was for the right-inline part, which is empty
            rest = str(join([text for _child, text in rendering[1:]], delimiter) + suffix)
            # the entry's trailing spaces (a last suffix ". ") end up after the div, as
            # citeproc-js's output queue moves them up and out of the blobs that printed them
            content = rest.rstrip(" ")
            return String(str(first + div("right-inline", String(content))) + rest[len(content):])
        texts = []
        opening = True
        for i, (child, text) in enumerate(rendering):
            display = child.get("display")
            last = i == len(rendering) - 1
            if opening and str(text):
                # the entry's first printed text starts it: its leading spaces are dropped
                # (an empty block before a left-margin " N.d.", as citeproc-js)
                opening = False
                if str(text)[:1] == " ":
                    text = String(str(text).lstrip(" "))
            if last:
                text = text + suffix
            texts.append(div(display, text) if display in _CLASSES else text)
        return join(texts, delimiter)

    model.Layout.render_children = render_children
    _layout_suffix_replaces_the_last_blobs(model)


def _layout_suffix_replaces_the_last_blobs(model) -> None:
    """citeproc-js (node_layout.js, setSuffix): when the first element of the bibliography's
    layout has `display` (using_display), the layout's suffix is not put after the entry but
    set as the suffix of the layout's last output blob, in place of that element's own suffix,
    an empty layout suffix too: a last group with suffix "." under a layout without a suffix
    prints no final period (latin-american-perspectives: "… (accessed June 25, 2026)"). The
    last blob is the last top-level element that printed; a macro call leaves a blob even when
    it prints nothing (suffix_lost); an element with display of its own is wrapped in a blob
    whose suffix is set (its own stays). With second-field-align, or a cs:choose where the last
    blob is, the entry keeps the layout's suffix after it."""
    from avimcite.csl import fixes

    inner = model.Layout.render_children

    def render_children(self, item, delimiter="", **kwargs):
        target = _last_blob(model, self, item) if isinstance(self.getparent(), model.Bibliography) else None
        if target is None or target.get("display") in _CLASSES:
            # an element with display is wrapped in a blob of its own (the "bib_first" tag),
            # whose suffix the layout's is: its own suffix stays, the layout's follows it
            return inner(self, item, delimiter=delimiter, **kwargs)
        own, layout_suffix = target.get("suffix"), self.get("suffix", "")
        target.set("suffix", layout_suffix)
        self.set("suffix", "")
        try:
            text = inner(self, item, delimiter=delimiter, **kwargs)
        finally:
            self.set("suffix", layout_suffix)
            if own is None:
                del target.attrib["suffix"]
            else:
                target.set("suffix", own)
        self.suffix_dropped = True  # the entry takes the prefix only: the suffix is placed
        return text

    model.Layout.render_children = render_children

    def _last_blob(model, layout, item):
        children = [child for child in layout.iterchildren() if isinstance(child, model.CitationStylesElement)]
        if not children or children[0].get("display") not in _CLASSES or _aligned(model, layout):
            return None
        for child in reversed(children):
            if isinstance(child, model.Text) and "macro" in child.attrib:
                return child
            if not isinstance(child, (model.Text, model.Group, model.Names, model.Date, model.Number, model.Label)):
                return None  # a cs:choose: its branch's last element, not followed here
            if _prints(model, layout, child, item):
                return child
        return None

    def _prints(model, layout, child, item) -> bool:
        """Does `child` print something for the entry? (rendered on its own; what it
        suppressed and the entry's names state are put back)"""
        state = fixes._entry_names[-1] if fixes._entry_names else None
        names = dict(state) if state is not None else None
        try:
            text = _render_alone(model, layout, child, item)
        finally:
            if state is not None:
                state.clear()
                state.update(names)
        return text is not None and bool(str(text))


def suffix_lost(model, layout, item) -> bool:
    """Does the bibliography layout's suffix print nowhere for this entry?

    citeproc-js (node_layout.js, setSuffix): when the first element of the bibliography's
    layout has `display` (its `using_display`), the layout's suffix is not put after the entry
    but set as the suffix of the layout's last output blob. A macro call leaves a blob even
    when it prints nothing, so a layout that ends with a `cs:text macro=` that prints nothing
    for the entry prints no suffix at all (currents-in-biblical-research: "…(AVİM)), February
    28", no final ". ")."""
    if not layout.get("suffix") or _aligned(model, layout):
        return False
    children = [child for child in layout.iterchildren() if isinstance(child, model.CitationStylesElement)]
    if not children or children[0].get("display") not in _CLASSES:
        return False
    last = children[-1]
    if not isinstance(last, model.Text) or "macro" not in last.attrib:
        return False
    text = _render_alone(model, layout, last, item)  # rendered again, after the entry
    return text is None or not str(text)


def _render_alone(model, layout, child, item):
    """`child` rendered for the entry on its own (None: it raised VariableError), with the
    variables the layout had suppressed put back as they were."""
    saved = dict(layout.repressed)
    try:
        return child.render(item)
    except model.VariableError:
        return None
    finally:
        layout.repressed = saved
