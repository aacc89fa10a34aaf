"""avimcite's own copy of citeproc-py, with the engine's fixes applied to it alone.

The installed `citeproc` package (pinned, 0.11.1) is loaded a second time from its own
files under this module's name: every import inside citeproc-py is relative, so its
submodules become avimcite.csl._citeproc.model, .string, .source ... and their classes
are distinct from those of `import citeproc`. avimcite.csl.fixes then changes these
classes only; a program that imports both avimcite and citeproc keeps an untouched
citeproc-py (tests/test_csl_engine.py). No third-party source is copied: the files
read are the installed package's. See docs/engine.md.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from importlib.machinery import ModuleSpec, PathFinder, SourceFileLoader


class _OnFirstUse(types.ModuleType):
    """A module citeproc-py imports at its own start that avimcite never renders with: its
    BibTeX reader (source.bibtex, with its LaTeX macros: a few ms of imports and regexes) and
    its HTML formatter (formatter.html, whose `from html import escape` loads the table of
    2,000 named entities: 8M instructions; avimcite renders through avimcite.csl.markup).
    Filed under its name, and read from citeproc-py's files on the first use of any of its
    names, as a plain import would have been."""

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__") and name not in ("__path__", "__file__", "__all__"):
            raise AttributeError(name)
        spec = self.__dict__.pop("_avimcite_spec", None)
        if spec is None:  # loading (or failed): a name it does not have
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        self.__spec__, self.__loader__, self.__file__ = spec, spec.loader, spec.origin
        if spec.submodule_search_locations is not None:  # a package
            self.__path__, self.__package__ = list(spec.submodule_search_locations), self.__name__
        else:
            self.__package__ = spec.parent
        spec.loader.exec_module(self)
        return getattr(self, name)


def _defer(package_dir: str, dotted: str) -> None:
    """File a placeholder for the submodule `dotted` of the copy (a package or a module)."""
    name = f"{__name__}.{dotted}"
    path = os.path.join(package_dir, *dotted.split("."))
    if name in sys.modules:
        return
    if os.path.isfile(os.path.join(path, "__init__.py")):
        spec = _package_spec(name, os.path.join(path, "__init__.py"), [path])
    elif os.path.isfile(path + ".py"):
        spec = ModuleSpec(name, SourceFileLoader(name, path + ".py"), origin=path + ".py")
        spec.has_location = True
    else:
        return
    placeholder = _OnFirstUse(name)
    placeholder._avimcite_spec = spec
    sys.modules[name] = placeholder


_DEFERRED = ("source.bibtex", "formatter.html")


def _package_spec(name: str, init: str, folders: list) -> ModuleSpec:
    """importlib.util.spec_from_file_location(name, init, submodule_search_locations=folders),
    built from importlib.machinery (importlib.util and what it imports: ~4.5M instructions)."""
    spec = ModuleSpec(name, SourceFileLoader(name, init), origin=init, is_package=True)
    spec.submodule_search_locations = list(folders)
    spec.has_location = True  # __file__ and __cached__ from origin, as spec_from_file_location sets them
    return spec


def _module_from_spec(spec: ModuleSpec) -> types.ModuleType:
    """importlib.util.module_from_spec for a spec of _package_spec: a plain module with the
    attributes the import system gives a package loaded from its __init__.py."""
    module = types.ModuleType(spec.name)
    module.__spec__, module.__loader__, module.__package__ = spec, spec.loader, spec.name
    module.__path__, module.__file__, module.__cached__ = spec.submodule_search_locations, spec.origin, spec.cached
    return module


def _load():
    upstream = PathFinder.find_spec("citeproc")  # where `import citeproc` finds it (site-packages)
    if upstream is None or upstream.origin is None or not upstream.submodule_search_locations:
        raise ImportError("citeproc-py is not installed (pip install citeproc-py==0.11.1)")
    spec = _package_spec(__name__, upstream.origin, list(upstream.submodule_search_locations))
    module = _module_from_spec(spec)
    sys.modules[__name__] = module  # the import system returns what is filed here
    try:
        from avimcite import rx
        from avimcite.csl._lxml import etree

        with rx.imports_compiling():  # lxml's, citeproc-py's and glob's patterns, from the table
            etree()  # before citeproc-py's own `from lxml import etree`: without inspect and gzip
            for deferred in _DEFERRED:
                _defer(spec.submodule_search_locations[0], deferred)
            spec.loader.exec_module(module)
        from avimcite.csl import clusters, dates, disambiguation, display, fixes, pages

        fixes.install(module)
        clusters.install(module)
        pages.install(module)
        importlib.import_module("avimcite.csl.names").install(module)  # before disambiguation, which wraps it
        disambiguation.install(module.model)
        __import__("avimcite.csl.richtext", fromlist=["install"]).install(module)
        display.install(module.model)
        dates.install(module.model, importlib.import_module(__name__ + ".source.json"))
        importlib.import_module("avimcite.csl.conformance").install(module)  # issue 24 agreement rules
        importlib.import_module("avimcite.csl.numbers").install(module)
        importlib.import_module("avimcite.csl.locales").install(module)
        importlib.import_module("avimcite.csl.substitute").install(module)
        importlib.import_module("avimcite.csl.sortkeys").install(module)
        importlib.import_module("avimcite.csl.adjust").install(module)  # seams that read the elements
        importlib.import_module("avimcite.csl.braces").install(module)  # nested parentheses in note styles
    except BaseException:
        sys.modules.pop(__name__, None)
        for deferred in _DEFERRED:
            sys.modules.pop(f"{__name__}.{deferred}", None)
        raise
    return module


_load()
