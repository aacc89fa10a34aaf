"""avimcite's regular expressions, compiled once per installation of Python.

Python compiles a pattern in Python code (re._parser, re._compiler) in every process: the
75 patterns of a first APA citation cost about 65M instructions, more than rendering the
entry, most of it the engine's large Unicode character classes. `compile()` returns the same
compiled pattern as `re.compile()`, built from the code that `re` itself produced for that
pattern in an earlier run (kept in `regex-<key>.marshal` in the user cache folder) and handed
to `_sre.compile`, as re._compiler.compile does.

Nothing rendered or computed from user data is kept: an entry is (pattern, flags) -> the
compiler's output, and the file's key is a digest of the interpreter (its version string,
the regex engine's MAGIC, CODESIZE and maxunicode, avimcite's version) and of the bytes of re/_parser.py,
re/_compiler.py and re/_constants.py, so a code produced by another Python or another
regular-expression compiler is never used. The file is read only from a folder that is the
user's own (avimcite.cache.read_private: owned by them, no group or other write, no
symlink followed) and only whole (a checksum over it, and the key it was written for);
anything else, or any failure, means compiling as re does. New entries are written when the
program ends (avimcite.entry.run), atomically.

The patterns that third-party modules compile with re.compile when a render imports them
(lxml.etree, citeproc-py) are kept the same way and handed to re's own cache before those
imports run (imports_compiling); only what imports compile is kept, never a render's data.
"""

from __future__ import annotations

import re

FORMAT = 2  # 2: the table holds the patterns third-party imports compile (imports_compiling)
MAX_ENTRIES = 4000  # patterns of older avimcites are dropped once the table grows past this
MAX_SEEDS = 200  # re's own cache holds 512; the imports of a render compile about 15


class _Table:
    """The compiled codes read at the first compile() of this process, and the new ones."""

    def __init__(self, folder, key: str, entries: dict, seeds: list | None = None) -> None:
        self.folder, self.key, self.entries, self.new = folder, key, entries, 0
        self.seeds = list(seeds or [])  # (pattern, flags) that imports_compiling saw re compile


def _tables(memo={}):  # noqa: B006 - the one table of this process, read once (as re's own cache)
    if "table" not in memo:
        memo["table"] = _read_table()
    return memo["table"]


def compile(pattern, flags: int = 0) -> re.Pattern:  # noqa: A001 - the name re uses
    """re.compile(pattern, flags), from the code kept by an earlier run when there is one."""
    return compile_with(_tables(), pattern, flags)


def compile_with(table: _Table | None, pattern, flags: int = 0) -> re.Pattern:
    flags = int(flags)
    if table is None:
        return re.compile(pattern, flags)
    entry = table.entries.get((pattern, flags))
    if entry is not None:
        try:
            import _sre

            return _sre.compile(pattern, *entry)
        except Exception:  # noqa: BLE001 - an entry that does not fit this interpreter: compile
            pass
    try:
        compiled, entry = _compile_keeping_code(pattern, flags)
    except re.error:
        raise
    except Exception:  # noqa: BLE001 - re's internals differ: compile as re does
        return re.compile(pattern, flags)
    table.entries[(pattern, flags)] = entry
    table.new += 1
    return compiled


class imports_compiling:
    """`with rx.imports_compiling():` around imports of modules that are not avimcite's and
    compile their patterns with re.compile when they start (lxml.etree: 10, citeproc-py: 2,
    glob: 2; about 4M instructions). Before they run, re's own cache (re._cache, which
    re.compile reads first) is given the patterns the same imports compiled in an earlier
    run, each built by _sre.compile from the code re produced for it then, as compile() does
    for avimcite's own; afterwards, what they compiled that the table lacks is added to it.
    Only patterns that imports compile are kept (module code, never a render's data). On any
    other Python (no dict re._cache) or without a table this does nothing."""

    def __init__(self, table: _Table | None = None) -> None:
        self.given = table  # the process's table (None) or another (tests)

    def __enter__(self):
        table = self.given if self.given is not None else _tables()
        self.table, self.cache, self.before = table, getattr(re, "_cache", None), None
        if self.table is None or not isinstance(self.cache, dict):
            return self
        import _sre

        for pattern, flags in self.table.seeds:
            key = (type(pattern), pattern, flags)
            entry = self.table.entries.get((pattern, flags))
            if entry is None or key in self.cache:
                continue
            try:
                self.cache[key] = _sre.compile(pattern, *entry)
            except Exception:  # noqa: BLE001 - an entry that does not fit: re compiles it
                pass
        self.before = set(self.cache)
        return self

    def __exit__(self, *exc_info) -> bool:
        if self.before is None or exc_info[0] is not None:
            return False
        known = set(self.table.seeds)
        for key in list(self.cache):
            if key in self.before or not isinstance(key, tuple) or len(key) != 3:
                continue
            _, pattern, flags = key
            if not isinstance(pattern, (str, bytes)) or type(flags) is not int or flags & re.DEBUG or (pattern, flags) in known:
                continue
            if len(self.table.seeds) >= MAX_SEEDS:
                break
            if (pattern, flags) not in self.table.entries:
                try:
                    self.table.entries[(pattern, flags)] = _compile_keeping_code(pattern, flags)[1]
                except Exception:  # noqa: BLE001 - re's internals differ: not kept
                    continue
            self.table.seeds.append((pattern, flags))
            known.add((pattern, flags))
            self.table.new += 1
        return False


def _compile_keeping_code(pattern, flags: int):
    """re._compiler.compile, step by step, keeping what it hands to _sre.compile."""
    import _sre
    from re import _compiler, _parser

    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    # the opcodes are int subclasses (re._constants._NamedIntConstant): plain ints, as marshal writes them
    entry = (int(flags | parsed.state.flags), [int(c) for c in code], int(parsed.state.groups - 1), groupindex, tuple(indexgroup))
    return _sre.compile(pattern, *entry), entry


def _interpreter_key() -> str | None:
    """A digest of what the compiled codes depend on, or None when it cannot be known."""
    import sys

    try:
        import _sre
        from re import _compiler, _constants, _parser

        from avimcite import __version__
        from avimcite.paths import blake2b

        # avimcite's version too: each release starts a table of its own patterns, instead of
        # one that keeps every pattern of every earlier release (and is read whole by every run)
        h = blake2b(f"{FORMAT}\0{__version__}\0{sys.version}\0{sys.implementation.cache_tag}\0{_sre.MAGIC}\0{_sre.CODESIZE}\0{sys.maxunicode}".encode())
        for module in (_parser, _compiler, _constants):
            with open(module.__file__, "rb") as handle:
                h.update(b"\0" + handle.read())
        return h.hexdigest()[:32]
    except Exception:  # noqa: BLE001 - an interpreter without these: no table
        return None


def _file(folder, key: str):
    return folder / f"regex-{key}.marshal"


def _read_table() -> _Table | None:
    import marshal

    from avimcite import cache
    from avimcite.paths import user_cache_dir

    key = _interpreter_key()
    if key is None:
        return None
    folder = user_cache_dir()
    entries: dict = {}
    seeds: list = []
    try:
        raw = cache.read_private(_file(folder, key))
        if raw is not None:
            data = memoryview(raw)
            if cache._checksum(data[cache._SUM :]) == data[: cache._SUM]:
                written_for, found, seen = marshal.loads(data[cache._SUM :])
                if written_for == key and isinstance(found, dict) and isinstance(seen, list):
                    entries, seeds = found, [tuple(s) for s in seen if isinstance(s, (tuple, list)) and len(s) == 2]
    except Exception:  # noqa: BLE001 - a damaged or foreign file: compile as re does
        entries, seeds = {}, []
    return _Table(folder, key, entries, seeds)


def save() -> None:
    """Write the table if this process compiled patterns it did not hold (at the program's end)."""
    save_table(_tables())


def save_table(table: _Table | None) -> None:
    if table is None or not table.new:
        return
    import marshal

    from avimcite import cache

    entries = table.entries
    if len(entries) > MAX_ENTRIES:
        entries = dict(list(entries.items())[-table.new :])
    seeds = [seed for seed in table.seeds if seed in entries]
    try:
        blob = marshal.dumps((table.key, entries, seeds))
    except ValueError:  # a pattern marshal cannot write: keep no table
        return
    cache._save(table.folder, "regex", table.key, [cache._checksum(blob), blob])
    table.new = 0
