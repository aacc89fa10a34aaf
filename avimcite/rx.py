"""avimcite's regular expressions, compiled once per installation of Python.

Python compiles a pattern in Python code (re._parser, re._compiler) in every process: the
75 patterns of a first APA citation cost about 65M instructions, more than rendering the
entry, most of it the engine's large Unicode character classes. `compile()` returns the same
compiled pattern as `re.compile()`, built from the code that `re` itself produced for that
pattern in an earlier run (kept in `regex-<key>.marshal` in the user cache folder) and handed
to `_sre.compile`, as re._compiler.compile does.

Nothing rendered or computed from user data is kept: an entry is (pattern, flags) -> the
compiler's output, and the file's key is a digest of the interpreter (its version string,
the regex engine's MAGIC, CODESIZE and maxunicode) and of the bytes of re/_parser.py,
re/_compiler.py and re/_constants.py, so a code produced by another Python or another
regular-expression compiler is never used. The file is read only from a folder that is the
user's own (avimcite.cache.read_private: owned by them, no group or other write, no
symlink followed) and only whole (a checksum over it, and the key it was written for);
anything else, or any failure, means compiling as re does. New entries are written when the
program ends (avimcite.entry.run), atomically.
"""

from __future__ import annotations

import re

FORMAT = 1
MAX_ENTRIES = 4000  # patterns of older avimcites are dropped once the table grows past this


class _Table:
    """The compiled codes read at the first compile() of this process, and the new ones."""

    def __init__(self, folder, key: str, entries: dict) -> None:
        self.folder, self.key, self.entries, self.new = folder, key, entries, 0


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

        from avimcite.paths import blake2b

        h = blake2b(f"{FORMAT}\0{sys.version}\0{sys.implementation.cache_tag}\0{_sre.MAGIC}\0{_sre.CODESIZE}\0{sys.maxunicode}".encode())
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
    try:
        raw = cache.read_private(_file(folder, key))
        if raw is not None:
            data = memoryview(raw)
            if cache._checksum(data[cache._SUM :]) == data[: cache._SUM]:
                written_for, found = marshal.loads(data[cache._SUM :])
                if written_for == key and isinstance(found, dict):
                    entries = found
    except Exception:  # noqa: BLE001 - a damaged or foreign file: compile as re does
        entries = {}
    return _Table(folder, key, entries)


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
    try:
        blob = marshal.dumps((table.key, entries))
    except ValueError:  # a pattern marshal cannot write: keep no table
        return
    cache._save(table.folder, "regex", table.key, [cache._checksum(blob), blob])
    table.new = 0
