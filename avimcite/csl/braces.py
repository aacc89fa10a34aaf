"""Parentheses in affixes that flip to brackets when nested, in note styles (citeproc-js's
CSL.checkNestedBrace).

For a style of class "note", citeproc-js counts the parentheses of the affixes it opens and
closes on its output queue while it renders a citation: a "(" opened at an odd depth prints
"[", a ")" that closes at an even depth prints "]". The counter sees the affixes of cs:group,
of a cs:text that calls a macro (both are groups there), of a cs:date whose variable has a
value, the citation layout's and each cite's prefix and suffix; it does not see the affixes
of a cs:text that prints a variable, a term or a value, nor the text printed. So a date
suffix ")" after a text prefix " (" closes at depth 0 and prints "]" ("(accessed
25.6.2026]"), and the depth goes below zero, where JavaScript's remainder keeps its sign (a
"(" at depth -1 stays "(", a ")" at -1 stays ")").

Each citation starts at depth 0. The bibliography, rendered after the citations, continues
with the counter of the last citation (citeproc-js keeps it on its output queue); a
bibliography rendered without citations counts nothing. Elements that print nothing still
count: citeproc-js opens and closes their level before it knows.
"""

from __future__ import annotations

from contextlib import contextmanager

from avimcite.csl.context import per_render

_state = per_render("braces.state", dict)  # depth, counting, note, cited
_open = per_render("braces.open")  # [element, its prefix as printed, its suffix as printed or None]


def _flip(text: str) -> str:
    if not text or ("(" not in text and ")" not in text):
        return text
    depth = _state.get("depth", 0)
    out = []
    for char in text:
        if char == "(":
            if depth > 0 and depth % 2 == 1:
                char = "["
            depth += 1
        elif char == ")":
            if depth % 2 == 0:
                char = "]"
            depth -= 1
        out.append(char)
    _state["depth"] = depth
    return "".join(out)


def update(text: str) -> str:
    """An affix as printed, the counter moved past it (the affix itself when not counting)."""
    return _flip(text) if _state.get("counting") else text


def begin_citation(root) -> None:
    """A citation starts at depth 0 (only a note style counts)."""
    _state["note"] = root.get("class") == "note"
    _state["depth"] = 0
    _state["cited"] = _state["note"]


@contextmanager
def counting(on: bool = True):
    """Affixes rendered inside are counted (a citation's final render, the bibliography)."""
    before = _state.get("counting", False)
    _state["counting"] = bool(on and _state.get("note"))
    try:
        yield
    finally:
        _state["counting"] = before


def bibliography():
    """The bibliography counts on from the last citation, if citations were rendered."""
    return counting(bool(_state.get("cited")))


def counting_now() -> bool:
    """Are affixes being counted (each entry's parentheses depend on those before it)?"""
    return bool(_state.get("counting"))


@contextmanager
def affixes(element, prefix: str, suffix: str):
    """`element` prints `prefix` and `suffix` while inside (its attributes, restored after)."""
    saved = {name: element.get(name) for name in ("prefix", "suffix")}
    changed = {name: value for name, value in (("prefix", prefix), ("suffix", suffix)) if value != (saved[name] or "")}
    for name, value in changed.items():
        element.set(name, value)
    try:
        yield
    finally:
        for name in changed:
            if saved[name] is None:
                del element.attrib[name]
            else:
                element.set(name, saved[name])


def install(package) -> None:
    model = package.model
    wrap = model.Affixed.wrap

    def wrap_counted(self, text):
        if _open and _open[-1][0] is self and _open[-1][2] is None:
            entry = _open[-1]
            entry[2] = _flip(self.get("suffix", ""))  # the level closes after its children
            with affixes(self, entry[1], entry[2]):
                return wrap(self, text)
        return wrap(self, text)

    model.Affixed.wrap = wrap_counted

    def counted(original, opens):
        def render(self, item, *args, **kwargs):
            if not _state.get("counting") or not opens(self, item):
                return original(self, item, *args, **kwargs)
            entry = [self, _flip(self.get("prefix", "")), None]
            _open.append(entry)
            try:
                return original(self, item, *args, **kwargs)
            finally:
                _open.pop()
                if entry[2] is None:  # printed nothing: its level closed all the same
                    _flip(self.get("suffix", ""))

        return render

    def date_has_value(element, item) -> bool:
        variable = element.get("variable")
        try:
            return bool(variable) and bool(item.reference[variable.replace("-", "_")])
        except (model.VariableError, KeyError, AttributeError):
            return False

    model.Group.render = counted(model.Group.render, lambda element, item: True)
    model.Text.render = counted(model.Text.render, lambda element, item: "macro" in element.attrib)
    model.Date.render = counted(model.Date.render, date_has_value)
