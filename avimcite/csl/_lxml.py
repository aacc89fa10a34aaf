"""lxml.etree imported without the two standard modules it loads at its start for features
the engine never uses.

lxml.etree's module start runs `from inspect import getfullargspec` (parsertarget.pxi: read
the signature of a Python parser target's start()) and `from gzip import GzipFile` /
`import gzip` (serializer.pxi: compressed output). inspect brings ast, dis, tokenize and
linecache: about 40M instructions, a ninth of a first citation; gzip about 4M. While
lxml.etree starts, those two names are filed as placeholders whose every name is the real
one, loaded on first use: lxml's getfullargspec and GzipFile call the real function and
class, and anything else asked of them (by lxml or any module) loads the real module at
once. The placeholders leave sys.modules as soon as lxml.etree has started, so every later
`import inspect` or `import gzip` gets the real module. (typing, which lxml needs for
`ElementTree(Generic[T])`, is imported as before.)
"""

from __future__ import annotations

import sys
import types

# Names lxml.etree takes from these modules at its start and only calls later.
_CALLED_LATER = {"inspect": ("getfullargspec",), "gzip": ("GzipFile",)}


class _Placeholder(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        if name in _CALLED_LATER.get(self.__name__, ()) and sys.modules.get(self.__name__) is self:
            return _forwarder(self.__name__, name)
        return getattr(_real(self), name)


def _real(placeholder: _Placeholder) -> types.ModuleType:
    if sys.modules.get(placeholder.__name__) is placeholder:
        del sys.modules[placeholder.__name__]
    return __import__(placeholder.__name__)


def _forwarder(module: str, name: str):
    def forward(*args, **kwargs):
        return getattr(__import__(module), name)(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.__module__ = module
    return forward


def etree() -> types.ModuleType:
    """lxml.etree (imported once; the placeholders only while it starts)."""
    found = sys.modules.get("lxml.etree")
    if found is not None:
        return found
    placeholders = {}
    for module in _CALLED_LATER:
        if module not in sys.modules:
            placeholders[module] = sys.modules[module] = _Placeholder(module)
    try:
        from lxml import etree as module
    finally:
        for name, placeholder in placeholders.items():
            if sys.modules.get(name) is placeholder:
                del sys.modules[name]
    return module
