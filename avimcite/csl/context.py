"""The render context: what one render carries, and nothing kept between renders.

citeproc-py calls our element hooks with its own arguments, so what a hook needs to know of
the render in progress (the output format, the cite being rendered, the stacks of the
elements open around it, what failed) cannot come as an argument. It lives in one
`RenderContext` per render, held in a context variable: `engine.render` opens a fresh one
and closes it, a thread or an asyncio task renders in its own, and a render that failed half
way leaves nothing to the next.

Hook modules name the values they use once, at module level, as views of the current
context (`_tracking = per_render("tracking", list)`): the view holds no data; every use
reads the context of the render in progress. Outside any render a context is opened for the
calling thread on first use.
"""

from __future__ import annotations

from contextvars import ContextVar


class RenderContext:
    """One render: its output format (sort keys are compared as plain text in every
    format), its disambiguation session, and the per-render values named by per_render()."""

    __slots__ = ("format", "disambiguation", "values")

    def __init__(self, fmt: str = "text") -> None:
        self.format = fmt
        self.disambiguation = None  # avimcite.csl.disambiguation.Session of the render
        self.values: dict[str, object] = {}


_CURRENT: ContextVar[RenderContext | None] = ContextVar("avimcite_render_context", default=None)


def current() -> RenderContext:
    """The context of the render in progress (one is opened if none is)."""
    context = _CURRENT.get()
    if context is None:
        context = RenderContext()
        _CURRENT.set(context)
    return context


def begin(fmt: str = "text"):
    """Open a fresh context for a render; returns the token end() takes."""
    return _CURRENT.set(RenderContext(fmt))


def end(token) -> None:
    """Close the render's context: the one before it (or none) is current again."""
    _CURRENT.reset(token)


class _PerRender:
    """A named value of the current render (a list, set or dict made by `factory` on first
    use in each render), used like the value itself."""

    __slots__ = ("_name", "_factory")

    def __init__(self, name: str, factory) -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_factory", factory)

    def _value(self):
        # current() inlined (speed only: these views are read ~5,000 times in one citation)
        values = (_CURRENT.get() or current()).values
        try:
            return values[self._name]
        except KeyError:
            value = values[self._name] = self._factory()
            return value

    # Each use below reads the current values without a call to _value() (speed only: the
    # views are read ~1.6 million times in a 1,000-post bibliography).

    def __getattr__(self, attribute):
        values = (_CURRENT.get() or current()).values
        name = self._name
        value = values[name] if name in values else self._value()
        return getattr(value, attribute)

    def __len__(self) -> int:
        return len(self._value())

    def __bool__(self) -> bool:
        values = (_CURRENT.get() or current()).values
        name = self._name
        return bool(values[name]) if name in values else bool(self._value())

    def __iter__(self):
        return iter(self._value())

    def __contains__(self, item) -> bool:
        values = (_CURRENT.get() or current()).values
        name = self._name
        return item in (values[name] if name in values else self._value())

    def __getitem__(self, key):
        values = (_CURRENT.get() or current()).values
        try:
            value = values[self._name]
        except KeyError:
            value = values[self._name] = self._factory()
        return value[key]

    def __setitem__(self, key, value) -> None:
        values = (_CURRENT.get() or current()).values
        name = self._name
        (values[name] if name in values else self._value())[key] = value

    def __delitem__(self, key) -> None:
        del self._value()[key]

    def __repr__(self) -> str:
        return f"<per-render {self._name}: {self._value()!r}>"


def per_render(name: str, factory=list) -> _PerRender:
    """A module-level name for a value each render has its own of."""
    return _PerRender(name, factory)


class _Current:
    """The current RenderContext's attributes, read and set through one module-level name."""

    __slots__ = ()

    def __getattr__(self, attribute):
        return getattr(current(), attribute)

    def __setattr__(self, attribute, value) -> None:
        setattr(current(), attribute, value)


render_context = _Current()
