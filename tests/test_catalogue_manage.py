"""Managing a catalogue over time, through the real main(argv): info, check, remove, edit with a
scripted editor, exports whose format follows the file's extension, repeated ids, --catalogue
after the command, year and month bounds. Exports are read back by bibtexparser, rispy and pandoc."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import bibtexparser
import pytest
import rispy

from avimcite.catalogue import shipped_catalogue_path
from conftest import post_record

SHIPPED = len(json.loads(shipped_catalogue_path().read_text(encoding="utf-8"))["posts"])
SEED_URL = "https://www.avimbulten.org/Blog/ENDING-THE-KARABAKH-CONFLICT-OPENS-THE-WAY-FOR-PEACE-IN-THE-SOUTH-CAUCASUS-EURASIA-REVIEW-30-10-2023"


def user_catalogue() -> str:
    return os.path.join(os.environ["XDG_DATA_HOME"], "avimcite", "posts.json")


def add(run, number: int, title: str, date: str = "2024-02-01", series: str = "Blog", lang: str = "en"):
    result = run("add", "--series", series, "--year", date[:4], "--number", str(number), "--title", title,
                 "--author", "Taras KUZIO", "--date", date, "--url", f"https://www.avimbulten.org/Blog/T-{number}", "--lang", lang)  # fmt: skip
    assert result.code == 0, result.err
    return result


# --- info -----------------------------------------------------------------------------------


def test_info_names_the_catalogues_in_order_and_which_wins(run):
    before = run("info")
    assert before.code == 0
    assert before.lines[0] == f"catalogue: {shipped_catalogue_path()} (shipped, {SHIPPED} posts)"
    assert before.lines[1] == f"catalogue: {user_catalogue()} (yours, not there yet: import and add create it)"
    assert f"posts in use: {SHIPPED}" in before.lines
    add(run, 1, "A FIRST POST")
    data = json.loads(run("info", "--json").out)
    assert [c["path"] for c in data["catalogues"]] == [str(shipped_catalogue_path()), user_catalogue()]
    assert [c["posts"] for c in data["catalogues"]] == [SHIPPED, 1]
    assert data["wins"] == data["writes"] == user_catalogue()
    assert data["posts_in_use"] == SHIPPED + 1
    assert data["cache_folder"] == os.path.join(os.environ["XDG_CACHE_HOME"], "avimcite")
    assert data["user_data_folder"] == os.path.join(os.environ["XDG_DATA_HOME"], "avimcite")


@pytest.fixture(autouse=True)
def _no_editor(monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "false")  # a test that forgets to script one fails, never hangs


def test_info_with_catalogue_after_the_command(run, write_catalogue):
    path = write_catalogue([post_record()])
    result = run("info", "--catalogue", str(path))
    assert result.code == 0
    assert result.lines[0] == f"catalogue: {path} (--catalogue / AVIMCITE_CATALOGUE, 1 post)"
    assert f"wins: {path} (a post with the same id comes from the last catalogue)" in result.lines


# --- --catalogue anywhere, no arguments -----------------------------------------------------------


@pytest.mark.parametrize("argv", [["check"], ["list", "--ids"], ["show", "blog/2024/1"], ["export", "blog/2024/1"],
                                  ["cite", "blog/2024/1", "--accessed", "2026-06-25"]])  # fmt: skip
def test_catalogue_before_or_after_the_command_is_the_same(run, write_catalogue, argv):
    path = str(write_catalogue([post_record()]))
    before = run("--catalogue", path, *argv)
    after = run(*argv, "--catalogue", path)
    equals = run(argv[0], f"--catalogue={path}", *argv[1:])
    assert before.code == after.code == equals.code == 0, after.err
    assert before.out == after.out == equals.out
    assert ("A TITLE" in before.out or "blog/2024/1" in before.out) if argv != ["check"] else "0 errors" in after.err


def test_catalogue_twice_or_without_a_path_is_a_usage_error(run, write_catalogue):
    path = str(write_catalogue([post_record()]))
    twice = run("--catalogue", path, "list", "--catalogue", path + "x")
    assert twice.code == 2 and "more than once" in twice.err
    bare = run("check", "--catalogue")
    assert bare.code == 2 and bare.err == "avimcite: error: --catalogue needs the path of a catalogue file (e.g. --catalogue my-posts.json).\n"


def test_no_arguments_prints_the_help_and_no_empty_error(run):
    result = run()
    assert result.code == 2
    assert "Usage: avimcite" in result.out and "info" in result.out and "edit" in result.out
    assert "error" not in result.err


def test_every_command_help_ends_with_an_example(run):
    for command in ("info", "check", "remove", "edit", "export", "add", "import"):
        result = run(command, "--help")
        assert result.code == 0
        assert "Example: avimcite " in result.out, command  # the docstring's last line


# --- a broken catalogue names its backup --------------------------------------------------------


def test_truncated_user_catalogue_names_the_backup(run):
    add(run, 1, "A FIRST POST")
    add(run, 2, "A SECOND POST")  # the first version is now posts.json.bak
    path = user_catalogue()
    with open(path, "rb") as handle:
        whole = handle.read()
    with open(path, "wb") as handle:
        handle.write(whole[: len(whole) // 2])
    result = run("list")
    assert result.code == 4
    assert result.err.count("\n") == 1
    assert f"the version before its last change is {path}.bak (cp '{path}.bak' '{path}' puts it back)." in result.err


# --- remove -------------------------------------------------------------------------------------


def test_remove_takes_posts_out_all_or_nothing(run):
    add(run, 1, "A FIRST POST")
    add(run, 2, "A SECOND POST")
    with open(user_catalogue(), "rb") as handle:
        before = handle.read()
    unknown = run("remove", "blog/2024/1", "blog/2024/99")
    assert unknown.code == 3 and unknown.out == ""
    assert "'blog/2024/99'" in unknown.err and "nothing was removed" in unknown.err
    with open(user_catalogue(), "rb") as handle:
        assert handle.read() == before
    shipped = run("remove", "yorum/2020/5")
    assert shipped.code == 3 and "shipped catalogue, which avimcite does not change" in shipped.err
    removed = run("remove", "2024/1", "blog/2024/1")
    assert removed.code == 0 and removed.out == "removed blog/2024/1\n"
    assert run("show", "blog/2024/1").code == 3
    with open(user_catalogue() + ".bak", "rb") as handle:
        assert handle.read() == before
    assert run("list", "--ids", "--search", "second").out == "blog/2024/2\n"


def test_a_removed_post_imported_again_gets_its_key_back(run):
    add(run, 1, "PEACE TALKS")
    first = json.loads(run("export", "blog/2024/1", "-f", "csl-json").out)[0]["id"]
    assert run("remove", "blog/2024/1").code == 0
    add(run, 5, "PEACE AGAIN", date="2024-01-01")  # earlier, same base key
    add(run, 1, "PEACE TALKS")
    again = json.loads(run("export", "blog/2024/1", "blog/2024/5", "-f", "csl-json").out)
    assert again[0]["id"] == first == "kuzio2024peace"
    assert again[1]["id"] == "kuzio2024peacea"


# --- edit with a scripted editor ----------------------------------------------------------------


def test_edit_with_a_scripted_editor_writes_back_and_keeps_a_backup(run, monkeypatch):
    add(run, 1, "A TITEL")
    with open(user_catalogue(), "rb") as handle:
        before = handle.read()
    monkeypatch.setenv("EDITOR", "sed -i s/TITEL/TITLE/")
    result = run("edit", "blog/2024/1")
    assert result.code == 0, result.err
    assert result.out == "edited blog/2024/1\n"
    assert json.loads(run("show", "blog/2024/1", "--json").out)[0]["title"] == "A TITLE"
    with open(user_catalogue() + ".bak", "rb") as handle:
        assert handle.read() == before
    # VISUAL wins over EDITOR, as in git and mail readers
    monkeypatch.setenv("VISUAL", f"{sys.executable} -c \"import sys; p = sys.argv[1]; open(p, 'a').close()\"")
    assert run("edit", "blog/2024/1").out == "unchanged blog/2024/1\n"


def test_an_invalid_edit_changes_nothing_and_keeps_the_text(run, monkeypatch):
    add(run, 1, "A TITLE")
    with open(user_catalogue(), "rb") as handle:
        before = handle.read()
    for script, message in [
        ('sed -i s/2024-02-01/2024-02-31/', "field 'published' must be an ISO date"),
        ("sed -i 1d", "is not valid JSON"),
        ('sed -i s/kuzio2024title/kuzio2023ending/', "the citation key 'kuzio2023ending' is the key of blog/2023/63"),
    ]:
        monkeypatch.setenv("EDITOR", script)
        result = run("edit", "2024/1")
        assert result.code == 4, (script, result.err)
        assert message in result.err and result.err.count("\n") == 1
        assert result.err.count("your edit is kept in") == 1, result.err  # said once, at the end
        kept = result.err.rsplit("your edit is kept in ", 1)[1].rstrip(".\n")
        assert os.path.isfile(kept)
        os.unlink(kept)
        with open(user_catalogue(), "rb") as handle:
            assert handle.read() == before
    monkeypatch.setenv("EDITOR", "false")
    failed = run("edit", "2024/1")
    assert failed.code == 2 and "exited with status 1; nothing was changed" in failed.err


def test_editing_a_shipped_post_copies_it_to_your_catalogue(run, monkeypatch, tmp_path):
    script = tmp_path / "editor.py"
    script.write_text(
        "import json, sys\n"
        "record = json.load(open(sys.argv[1], encoding='utf-8'))\n"
        "record['authors'][0]['display'] = 'Dr. Taras KUZIO'\n"
        "json.dump(record, open(sys.argv[1], 'w', encoding='utf-8'), ensure_ascii=False)\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    result = run("edit", SEED_URL)
    assert result.code == 0, result.err
    assert result.out == f"edited blog/2023/63 (your copy overrides the one in {shipped_catalogue_path()})\n"
    cited = run("cite", "2023/63", "--accessed", "2026-06-25").out
    assert cited.startswith('Dr. Taras KUZIO. 2023. "ENDING THE KARABAKH')
    # the shipped post's key stays its key
    assert json.loads(run("export", "2023/63", "-f", "csl-json").out)[0]["id"] == "kuzio2023ending"
    assert run("check").code == 0


# --- keys in check ------------------------------------------------------------------------------


def test_check_reports_a_key_changed_by_hand_and_a_key_two_posts_hold(run):
    add(run, 1, "A TITLE")
    path = user_catalogue()
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace('"key": "kuzio2024title"', '"key": "kuzio2023ending"'))
    result = run("check")
    assert result.code == 4
    assert (f"{path}: post 1 (blog/2024/1): warning: citation key 'kuzio2023ending' was changed by hand: "
            "'kuzio2024title' was given to it first") in result.out  # fmt: skip
    assert f"{path}: post 1 (blog/2024/1): error: citation key 'kuzio2023ending' is also the key of blog/2023/63" in result.out
    exported = run("export", "--all")
    assert exported.code == 4 and exported.out == ""
    assert "blog/2023/63 and blog/2024/1 both have the citation key 'kuzio2023ending'" in exported.err


def test_check_reads_every_catalogue_in_use(run):
    assert run("check").err == f"avimcite: {shipped_catalogue_path()}: 0 errors, 0 warnings.\n"
    add(run, 1, "A TITLE")
    err = run("check").err
    assert f"{shipped_catalogue_path()}: 0 errors" in err and f"{user_catalogue()}: 0 errors" in err


def test_a_colliding_new_post_gets_a_new_key_and_one_warning_line(run):
    result = run("add", "--series", "Commentary", "--year", "2024", "--number", "2", "--title", "AN OVERVIEW OF THE FIRST DAYS",
                 "--date", "2024-01-03", "--url", "https://avim.org.tr/en/Yorum/AN-OVERVIEW-X", "--lang", "en")  # fmt: skip
    assert result.code == 0
    warnings = [line for line in result.err.splitlines() if "warning" in line]
    assert warnings == ["avimcite: warning: commentary/2024/2 gets the citation key avim2024overviewa: "
                        "avim2024overview is the key of commentary/2024/38."]  # fmt: skip
    keys = {i["custom"]["avim_id"]: i["id"] for i in json.loads(run("export", "--all", "-f", "csl-json").out)}
    assert keys["commentary/2024/38"] == "avim2024overview" and keys["commentary/2024/2"] == "avim2024overviewa"


# --- export: the format from the extension, each post once --------------------------------------


def test_export_takes_the_format_from_the_extension(run, tmp_path):
    ris, csl, bib = tmp_path / "refs.ris", tmp_path / "refs.json", tmp_path / "refs.bib"
    for target in (ris, csl, bib):
        assert run("export", "2023/63", "yorum/2020/5", "-o", str(target)).code == 0
    assert [e["title"] for e in rispy.loads(ris.read_text(encoding="utf-8"))][1] == "ONBİRİNCİ KURULUŞ YILDÖNÜMÜNDE AVİM"
    assert [i["id"] for i in json.loads(csl.read_text(encoding="utf-8"))] == ["kuzio2023ending", "avim2020onbirinci"]
    assert [e.key for e in bibtexparser.parse_string(bib.read_text(encoding="utf-8")).entries] == ["kuzio2023ending", "avim2020onbirinci"]
    upper = tmp_path / "REFS.RIS"
    assert run("export", "2023/63", "-o", str(upper)).code == 0 and upper.read_text().startswith("TY  - ")


def test_a_format_that_contradicts_the_extension_is_refused(run, tmp_path):
    target = tmp_path / "refs.bib"
    target.write_text("% mine\n")
    result = run("export", "2023/63", "-f", "ris", "-o", str(target))
    assert result.code == 2 and "--format ris does not match the extension of -o" in result.err
    assert target.read_text() == "% mine\n"
    assert run("export", "2023/63", "-f", "biblatex", "-o", str(target)).code == 0  # .bib holds either


def test_repeated_ids_are_one_entry(run, tmp_path):
    ids = ["2023/63", "2023/63", "blog/2023/63", "BLOG/2023/63", SEED_URL, SEED_URL.replace("https://www.", "http://")]
    bib = run("export", *ids)
    assert bib.code == 0
    library = bibtexparser.parse_string(bib.out)
    assert [e.key for e in library.entries] == ["kuzio2023ending"] and not library.failed_blocks
    assert run("cite", *ids, "--accessed", "2026-06-25").out.count("\n") == 1
    assert run("cite", *ids, "-s", "apa", "--accessed", "2026-06-25").out.count("\n") == 1
    # a post and its twin asked for in one language are one line too
    assert run("cite", "yorum/2016/81", "commentary/2016/73", "--lang", "en").out.count("\n") == 1


# --- Markdown paragraphs, date bounds -------------------------------------------------------------


def test_markdown_citations_are_one_paragraph_each_for_pandoc(run):
    pypandoc = pytest.importorskip("pypandoc")
    for style in ("avim", "apa"):
        out = run("cite", "2023/63", "yorum/2020/5", "analiz/2018/7", "-s", style, "-f", "markdown", "--accessed", "2026-06-25").out
        html = subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "html"], input=out, capture_output=True,
                              text=True, timeout=120, check=True).stdout  # fmt: skip
        assert html.count("<p>") == 3, (style, html)


@pytest.mark.parametrize(("since", "until", "first", "last"), [
    ("2023", "2023", "2023-01-30", "2023-10-31"),
    ("2017-05", "2017-05", "2017-05-26", "2017-05-29"),
    ("May 2017", "Mayıs 2017", "2017-05-26", "2017-05-29"),
    ("2016", "2016-12", "2016-12-21", "2016-12-28"),
    ("2016-12", "2016-12-21", "2016-12-21", "2016-12-21"),
    ("01-01-2024", "31-12-2024", "2024-12-31", "2024-12-31"),
])  # fmt: skip
def test_years_and_months_as_range_bounds(run, since, until, first, last):
    result = run("list", "--since", since, "--until", until)
    assert result.code == 0, result.err
    dates = [line.split("\t")[1] for line in result.lines]
    assert dates and dates[0] == first and dates[-1] == last


def test_a_month_is_still_refused_where_a_day_is_meant(run):
    result = run("cite", "2023/63", "--accessed", "2026-06")
    assert result.code == 2 and "needs a day, a month and a year" in result.err
    assert run("cite", "2023/63", "--accessed", "25-06-2026").out.endswith(
        "October 31. Accessed June 25, 2026. " + SEED_URL + "\n"
    )


def test_the_csl_cite_reads_the_key_book_without_loading_the_writing_machinery(tmp_path):
    code = ("import sys; from avimcite.entry import main; main(['cite', '2023/63', '-s', 'apa']); "
            "print(sorted(m for m in ('avimcite.store', 'dataclasses', 'typing', 'contextlib') if m in sys.modules))")  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(shipped_catalogue_path().parent.parent), AVIMCITE_NO_ANSWER_CACHE="1")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    loaded = result.stdout.splitlines()[-1]
    assert "avimcite.store" not in loaded, loaded
