"""avimcite's own copy of citeproc-py, with the engine's fixes applied to it alone.

The installed `citeproc` package (pinned, 0.11.1) is loaded a second time from its own
files under this module's name: every import inside citeproc-py is relative, so its
submodules become avimcite.csl._citeproc.model, .string, .source ... and their classes
are distinct from those of `import citeproc`. avimcite.csl.fixes then changes these
classes only; a program that imports both avimcite and citeproc keeps an untouched
citeproc-py (tests/test_csl_isolation.py). No third-party source is copied: the files
read are the installed package's. See docs/engine.md.
"""

from __future__ import annotations

import importlib.util
import sys


def _load():
    upstream = importlib.util.find_spec("citeproc")
    if upstream is None or upstream.origin is None or not upstream.submodule_search_locations:
        raise ImportError("citeproc-py is not installed (pip install citeproc-py==0.11.1)")
    spec = importlib.util.spec_from_file_location(
        __name__, upstream.origin, submodule_search_locations=list(upstream.submodule_search_locations)
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[__name__] = module  # the import system returns what is filed here
    try:
        spec.loader.exec_module(module)
        from avimcite.csl import clusters, dates, disambiguation, display, fixes, pages

        fixes.install(module)
        clusters.install(module)
        pages.install(module)
        disambiguation.install(module.model)
        __import__("avimcite.csl.richtext", fromlist=["install"]).install(module)
        display.install(module.model)
        dates.install(module.model, importlib.import_module(__name__ + ".source.json"))
        importlib.import_module("avimcite.csl.conformance").install(module)  # issue 24 agreement rules
    except BaseException:
        sys.modules.pop(__name__, None)
        raise
    return module


_load()
