"""A render budget for styles: macros that call each other in a loop or fan out without end.

citeproc-py renders a macro each time it is called; a style whose macros call each other
in a loop recursed until Python's stack ran out, and one whose macros each call the next
twice, 26 levels deep, would render 2^26 macros for every item (hours). Before anything is
rendered, the macro call graph is walked once: a loop, a chain deeper than MAX_DEPTH or more
than MAX_EXPANSIONS macro renders for one layout (counting every branch of every cs:choose,
an upper bound) is a RenderError naming the macro. The largest of the ~2,850 shipped
independent styles, chicago-author-date, counts about 150,000 (every branch counted).
"""

from __future__ import annotations

CSL_NS = "{http://purl.org/net/xbiblio/csl}"
MAX_DEPTH = 40
MAX_EXPANSIONS = 5_000_000


def _calls(element) -> list[str]:
    return [node.get("macro") for node in element.iter(CSL_NS + "text", CSL_NS + "key") if node.get("macro")]


def check(root, style_id: str) -> None:
    from avimcite.errors import RenderError

    macros = {m.get("name"): m for m in root.iterchildren(CSL_NS + "macro")}
    calls = {name: _calls(m) for name, m in macros.items()}
    cost: dict[str, int] = {}

    def fail(why: str, name: str):
        line = getattr(macros.get(name), "sourceline", None)
        element = f'<macro name="{name}">' + (f" (line {line})" if line else "")
        raise RenderError(f"the style {style_id} cannot be rendered: {why} at {element}.", element=element)

    def expand(name: str, path: list[str]) -> int:
        if name in cost:
            return cost[name]
        if name in path:
            fail(f"the macro {name} calls itself (through {' -> '.join(path[path.index(name):] + [name])})", name)
        if len(path) >= MAX_DEPTH:
            fail(f"macros call each other more than {MAX_DEPTH} levels deep", name)
        total = 1
        for callee in calls.get(name, ()):
            if callee in macros:
                total += expand(callee, path + [name])
                if total > MAX_EXPANSIONS:
                    fail(f"its macros fan out to more than {MAX_EXPANSIONS:,} renders per item", name)
        cost[name] = total
        return total

    for area in ("citation", "bibliography"):
        for holder in root.iterchildren(CSL_NS + area):
            total = 0
            for callee in _calls(holder):
                if callee in macros:
                    total += expand(callee, [])
                    if total > MAX_EXPANSIONS:
                        fail(f"its macros fan out to more than {MAX_EXPANSIONS:,} renders per item", callee)
