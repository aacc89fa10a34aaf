"""avimcite.rx: patterns built from the code an earlier run kept are re.compile's patterns,
and a kept table is used only when it is whole, the user's own and this Python's."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from avimcite import rx
from avimcite.csl import initials, richtext

REPO = Path(__file__).resolve().parent.parent

PATTERNS = [
    (r"(?P<year>\d{4})-(?P<month>\d{2})(?:-(\d{2}))?", 0),
    (r"(?<![\\\w])([0-9]*[a-zA-Z]+0*)?([0-9]+[a-z]*)\s*[-\u2013]\s*([0-9]*[a-zA-Z]+0*)?([0-9]+[a-z]*)(?!\w)", 0),
    (r"<style\b[^>]*?\bdefault-locale=\"([^\"]+)\"", re.S),
    (r"^straße\s+İSTANBUL$", re.I | re.M),
    (b"(\"[^\"]*\")|('[^']*')", 0),
    (initials._NAME_INITIAL.pattern, 0),  # the engine's large Unicode classes
    (richtext._CASE_TAG._args[0], 0),
    (richtext._SKIP._args[0], 0),
]
SAMPLES = ["2023-10-31", "pp. 12-19, 2a–3b", '<style version="1.0" \n default-locale="tr-TR">', "STRASSE  istanbul",
           "Öğütcü, Ş.-İ. and ‘quoted’ “text” about the sea", "ab’cd 'x' of", ""]  # fmt: skip


def _same(a: re.Pattern, b: re.Pattern) -> None:
    assert (a.pattern, a.flags, a.groups, a.groupindex) == (b.pattern, b.flags, b.groups, b.groupindex)
    for text in SAMPLES:
        data = text.encode() if isinstance(a.pattern, bytes) else text
        assert [m.groups() for m in a.finditer(data)] == [m.groups() for m in b.finditer(data)]
        assert [m.span() for m in a.finditer(data)] == [m.span() for m in b.finditer(data)]


def _cache_dir() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "avimcite"


def test_patterns_from_a_kept_table_are_those_re_compiles(monkeypatch):
    table = rx._read_table()
    assert table.entries == {}
    first = [rx.compile_with(table, p, f) for p, f in PATTERNS]
    rx.save_table(table)
    (kept,) = _cache_dir().glob("regex-*.marshal")
    assert os.stat(_cache_dir()).st_mode & 0o777 == 0o700

    def not_compiled(*args):
        raise AssertionError("compiled again although kept")

    monkeypatch.setattr(rx, "_compile_keeping_code", not_compiled)
    again = rx._read_table()
    for (pattern, flags), a, b in zip(PATTERNS, first, [rx.compile_with(again, p, f) for p, f in PATTERNS]):
        _same(a, re.compile(pattern, flags))
        _same(b, re.compile(pattern, flags))


def _kept_table():
    table = rx._read_table()
    for pattern, flags in PATTERNS:
        rx.compile_with(table, pattern, flags)
    rx.save_table(table)
    (kept,) = _cache_dir().glob("regex-*.marshal")
    return kept


def test_a_table_of_another_python_or_regex_compiler_is_never_read(monkeypatch):
    kept = _kept_table()
    monkeypatch.setattr(rx, "_interpreter_key", lambda: "0" * 32)  # another version, MAGIC or re/_compiler.py
    assert rx._read_table().entries == {}
    os.rename(kept, _cache_dir() / f"regex-{'0' * 32}.marshal")  # its file under this one's name
    assert rx._read_table().entries == {}


def test_the_key_follows_the_regex_compilers_own_files(monkeypatch, tmp_path):
    from re import _compiler

    before = rx._interpreter_key()
    copy = tmp_path / "_compiler.py"
    copy.write_bytes(Path(_compiler.__file__).read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(_compiler, "__file__", str(copy))
    assert rx._interpreter_key() not in (before, None)


def test_a_damaged_table_is_ignored_and_patterns_still_compile():
    kept = _kept_table()
    data = bytearray(kept.read_bytes())
    data[-5] ^= 0xFF
    kept.write_bytes(bytes(data))
    table = rx._read_table()
    assert table.entries == {}
    _same(rx.compile_with(table, *PATTERNS[0]), re.compile(*PATTERNS[0]))


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX modes")
def test_a_table_in_a_folder_others_can_write_or_behind_a_symlink_is_not_read(tmp_path):
    kept = _kept_table()
    os.chmod(_cache_dir(), 0o777)
    assert rx._read_table().entries == {}
    os.chmod(_cache_dir(), 0o700)
    assert rx._read_table().entries != {}
    elsewhere = tmp_path / "planted.marshal"
    os.rename(kept, elsewhere)
    os.symlink(elsewhere, kept)
    assert rx._read_table().entries == {}


def test_a_kept_table_changes_no_output(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVIMCITE_")}
    env.update(PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_DATA_HOME=str(tmp_path / "data"))
    argv = [sys.executable, "-m", "avimcite", "cite", "2023/63", "yorum/2020/5", "--style", "chicago-author-date", "--accessed", "2026-06-25"]
    runs = [subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120) for _ in range(2)]
    assert list((tmp_path / "cache" / "avimcite").glob("regex-*.marshal"))
    (kept,) = (tmp_path / "cache" / "avimcite").glob("regex-*.marshal")
    kept.write_bytes(kept.read_bytes()[:-10])  # cut short: compiled again
    runs.append(subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120))
    assert runs[0].returncode == 0 and runs[0].stdout.count("\n") == 2, runs[0].stderr
    assert [(r.returncode, r.stdout, r.stderr) for r in runs[1:]] == [(runs[0].returncode, runs[0].stdout, runs[0].stderr)] * 2


def test_patterns_that_imports_compile_are_kept_and_given_to_re_next_time(monkeypatch):
    tag = f"{os.getpid()}x{id(object())}"  # patterns no earlier test put in re's cache
    in_import = [(rf"imported-{tag}-(\d+)[\u00c0-\u024f]*", 0), (rf"(?P<a>x{tag})|y".encode(), re.I)]
    after = (rf"after-{tag}", 0)
    table = rx._read_table()
    with rx.imports_compiling(table):
        first = [re.compile(p, f) for p, f in in_import]  # as lxml.etree does when it starts
    re.compile(*after)  # a render's own re use, after the imports: not kept
    assert table.seeds == in_import
    rx.save_table(table)

    re.purge()  # a new process: re's cache empty
    again = rx._read_table()
    assert again.seeds == in_import

    def not_compiled(*args):
        raise AssertionError("compiled by re although its code was kept")

    monkeypatch.setattr(re._compiler, "compile", not_compiled)
    with rx.imports_compiling(again):
        seeded = [re.compile(p, f) for p, f in in_import]
    monkeypatch.undo()
    for a, b in zip(first, seeded):
        _same(a, b)
    assert seeded[0].match(f"imported-{tag}-42ğü").group(1) == "42"
    assert seeded[1].match(f"X{tag}".encode()).groupdict() == {"a": f"X{tag}".encode()}


def test_a_failed_import_keeps_nothing():
    tag = f"{os.getpid()}y{id(object())}"
    table = rx._read_table()
    with pytest.raises(ImportError):
        with rx.imports_compiling(table):
            re.compile(rf"half-{tag}")
            raise ImportError("a module that did not import")
    assert table.seeds == [] and table.new == 0


def test_each_avimcite_version_has_a_table_of_its_own(monkeypatch):
    import avimcite

    before = rx._interpreter_key()
    monkeypatch.setattr(avimcite, "__version__", avimcite.__version__ + ".post1")
    assert rx._interpreter_key() not in (before, None)
