"""cs:substitute as CSL 1.0.2 defines it: "Substituted variables are suppressed in the rest of
the output to prevent duplication."

citeproc-py records what a cs:substitute printed (Layout.repressed) but only cs:text looked
at the record; here a later cs:names of the substituted name variables prints nothing too.
install(package) applies the rule to avimcite's private copy of citeproc-py
(avimcite.csl._citeproc), after avimcite.csl.fixes.
"""

from __future__ import annotations


from avimcite.csl.context import per_render

_open = per_render("substitute.open")  # the cs:substitute elements being rendered, innermost last


def install(package) -> None:
    _substituted_names_are_suppressed(package.model)
    _substituted_dates_are_suppressed(package.model)
    _nested_names_inherit_the_parent_names(package.model)


def _nested_names_inherit_the_parent_names(model) -> None:
    """A cs:names without a cs:name of its own anywhere inside a cs:substitute (in a cs:choose
    branch too, not only as its direct child) takes the cs:name, cs:et-al and cs:label of the
    cs:names the substitute belongs to, as citeproc-js's names nodes do at any substitute
    level: "Çelik, G., U. Özdemir" under name-as-sort-order="first", not "G. Çelik, U. Özdemir"
    (instrumenta-patristica-et-mediaevalia, whose substitute picks the author in a cs:choose).
    citeproc-py passed the parent only to a direct child."""
    substitute_render = model.Substitute.render

    def render(self, *args, **kwargs):
        _open.append(self)
        try:
            return substitute_render(self, *args, **kwargs)
        finally:
            _open.pop()

    model.Substitute.render = render
    process = model.Names.process

    def names_process(self, item, names_context=None, context=None, **kwargs):
        if names_context is None and _open and self.name is None:
            parent = self.getparent()
            while isinstance(parent, (model.Choose, model.If, model.Else)):
                parent = parent.getparent()
            if parent is _open[-1] and parent is not None:
                owner = parent.getparent()
                if isinstance(owner, model.Names):
                    names_context = owner
        return process(self, item, names_context=names_context, context=context, **kwargs)

    model.Names.process = names_process


def _substituted_names_are_suppressed(model) -> None:
    original = model.Names.process

    def process(self, item, names_context=None, context=None, **kwargs):
        try:
            repressed = (context if context is not None else self).get_layout().repressed.get(self.tag, ())
        except (AttributeError, IndexError):  # outside a layout (a sort key's macro)
            repressed = ()
        if repressed:
            used = {role for entry in repressed if entry for role in entry.split()}
            roles = (self.get("variable") or "").split()
            if roles and all(role in used for role in roles):
                raise model.VariableError(self.get("variable"))
        return original(self, item, names_context=names_context, context=context, **kwargs)

    model.Names.process = process


def _substituted_dates_are_suppressed(model) -> None:
    """A date a cs:substitute printed (through a macro: a title macro that prints the year)
    is not printed again by a later cs:date of the variable."""
    from avimcite.csl import fixes

    original = model.Date.render

    def render(self, item, *args, **kwargs):
        variable = self.get("variable")
        context = kwargs.get("context")
        try:
            repressed = (context if context is not None else self).get_layout().repressed.get(fixes.TEXT_TAG, ())
        except (AttributeError, IndexError):
            repressed = ()
        if variable and variable in repressed:
            return None
        text = original(self, item, *args, **kwargs)
        if text and variable and fixes._tracking:
            fixes._tracking[-1].add(variable)  # noqa: SLF001 - the substitute's record of what it printed
        return text

    model.Date.render = render
