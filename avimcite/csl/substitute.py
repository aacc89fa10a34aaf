"""cs:substitute as CSL 1.0.2 defines it: "Substituted variables are suppressed in the rest of
the output to prevent duplication."

citeproc-py records what a cs:substitute printed (Layout.repressed) but only cs:text looked
at the record; here a later cs:names of the substituted name variables prints nothing too.
install(package) applies the rule to avimcite's private copy of citeproc-py
(avimcite.csl._citeproc), after avimcite.csl.fixes.
"""

from __future__ import annotations


def install(package) -> None:
    _substituted_names_are_suppressed(package.model)


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
