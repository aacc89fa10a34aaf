"""Regular expressions compiled on first use.

Speed only, the same matches: Python compiles a pattern in Python code (the larger character
classes of the engine take half a millisecond each), and a first citation uses few of the
engine's patterns (avimcite.rx keeps their compiled code between runs). A LazyPattern
behaves as the compiled pattern for the methods called on it.
"""

from __future__ import annotations

from avimcite import rx

_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")


class LazyPattern:
    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = rx.compile(*self._args)
        for method in _METHODS:  # later calls go straight to the compiled pattern
            self.__dict__[method] = getattr(compiled, method)
        self.__dict__["pattern"], self.__dict__["flags"], self.__dict__["groups"] = compiled.pattern, compiled.flags, compiled.groups
        self.__dict__["compiled"] = compiled
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._args[0]!r})"
