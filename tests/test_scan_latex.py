"""`avimcite scan` on LaTeX, .bib and Markdown drafts written the ways people write them.

The expected facts come from the catalogue and AVİM's own citation line (tests/data/seed_citation.txt):
blog/2023/63 was published on 2023-10-31 (the line says 2026, its access year); yorum/2017/82 on
2017-10-04. The keys are those `avimcite export` gives (read from its BibLaTeX output here).
"""

from __future__ import annotations

import re

import pytest

from conftest import SEED_LINE

URL = SEED_LINE.rsplit("<", 1)[1].rstrip(">")
TITLE = "ENDING THE KARABAKH CONFLICT OPENS THE WAY FOR PEACE IN THE SOUTH CAUCASUS - EURASIA REVIEW - 30.10.2023"
QUIRK = "year 2026 is the access year (the site's citation-line quirk); published 2023"
TAIL = "Blog No.2023 / 63. October 31. Accessed June 25, 2026."


def exported_key(run, post_id: str) -> str:
    out = run("export", "-f", "biblatex", post_id).out
    return re.match(r"@\w+\{([^,]+),", out).group(1)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "line",
    [
        f"Taras KUZIO. 2026. ``{TITLE}.'' Center For Eurasian Studies (AVİM), {TAIL} \\url{{{URL}}}",
        f"Taras KUZIO. 2026. ``{TITLE}.'' Center For Eurasian Studies (AV\\.{{I}}M), {TAIL}",
        f"Taras KUZIO. 2026. \\enquote{{{TITLE}.}} Center For Eurasian Studies (AV{{\\.I}}M), {TAIL}",
        f"Taras~KUZIO. 2026. \\enquote{{{TITLE}.}} Center For Eurasian Studies (\\textsc{{AV\\.{{I}}M}}), {TAIL} \\href{{{URL}}}{{link}}",
    ],
    ids=["tex-quotes", "dot-accent", "enquote", "href-tilde"],
)
def test_the_sites_line_written_the_latex_ways_is_the_access_year(run, tmp_path, line):
    path = write(tmp_path, "thesis.tex", f"\\documentclass{{article}}\n\\begin{{document}}\nAs argued.\\footnote{{{line}}}\n\\end{{document}}\n")
    result = run("scan", str(path))
    assert result.code == 8, result.out + result.err
    assert len(result.lines) == 1
    assert result.lines[0].startswith(f"{path}:3:21: blog/2023/63 (citation: Taras") and result.lines[0].endswith(QUIRK)


def test_a_comment_is_not_a_reference_and_accents_are_read(run, tmp_path):
    text = ("% Taras KUZIO. 2026. ``X.'' Center For Eurasian Studies (AVİM), Blog No.2023 / 99.\n"
            "AV\\.{I}M, ``T\\\"{U}RK\\.{I}YE HER DA\\.{I}M SARK\\.{I}SYAN'IN G\\\"{U}NDEM\\.{I}NDE'', Yorum No.2017/82, 2017.\n")  # fmt: skip
    path = write(tmp_path, "notes.tex", text)
    result = run("scan", str(path))
    assert result.code == 0, result.out + result.err
    assert result.lines == [f"{path}:2:81: yorum/2017/82 (serial: Yorum No.2017/82): ok"]


def test_a_serial_match_does_not_excuse_a_wrong_year_title_or_author(run, tmp_path):
    path = write(tmp_path, "refs.md", "\n\n".join([
        'AVİM, "TÜRKİYE HER DAİM…", Yorum No.2017/82, 2018.',
        'AVİM, "TÜRKİYE HER ZAMAN SARKİSYAN’IN GÜNDEMİNDE", Yorum No.2017/82, 2017.',
        'Kuzio, "TÜRKİYE HER DAİM SARKİSYAN’IN GÜNDEMİNDE", AVİM Yorum No.2017/82, 2017.',
        'Smith, J. "ENDING THE KARABAKH CONFLICT", AVİM Blog No.2023/63, 2023.',
        'AVİM, "TÜRKİYE HER DAİM SARKİSYAN’IN GÜNDEMİNDE", Yorum No.2017/82, 2017.',
    ]) + "\n")  # fmt: skip
    result = run("scan", str(path))
    assert result.code == 8
    lines = result.lines
    assert len(lines) == 5
    assert lines[0].startswith(f"{path}:1:28: yorum/2017/82") and lines[0].endswith("year 2018, published 2017")
    assert "title 'TÜRKİYE HER ZAMAN" in lines[1] and "year" not in lines[1]
    assert lines[2].endswith("author Kuzio, the catalogue has (none)")
    assert "author Smith, J., the catalogue has Kuzio" in lines[3] and "title 'ENDING THE KARABAKH CONFLICT'" in lines[3]
    assert lines[4].endswith(": ok")


def test_bib_entries_are_read_field_by_field(run, tmp_path):
    key = exported_key(run, "blog/2023/63")
    exported = run("export", "-f", "bibtex", "blog/2023/63", "yorum/2017/82").out
    wrong = exported.replace("year = {2023}", "year = {2026}", 1).replace("  url =", "  urldate = {2026-06-25},\n  url =", 1)
    other = "@article{smith2020,\n  author = {Smith, John},\n  title = {Something else},\n  journal = {J},\n  year = 2020,\n}\n"
    path = write(tmp_path, "refs.bib", other + "\n" + wrong)
    result = run("scan", str(path))
    assert result.code == 8, result.out + result.err
    assert len(result.lines) == 2
    first = result.lines[0]
    assert first.startswith(f"{path}:8:1: blog/2023/63 (bib: @misc{{{key}}}): ") and first.endswith(QUIRK)
    assert result.lines[1].endswith(": ok") and "yorum/2017/82" in result.lines[1]
    clean = write(tmp_path, "clean.bib", exported)
    assert run("scan", str(clean)).code == 0
    assert run("scan", str(clean), "--ids").lines == ["blog/2023/63", "yorum/2017/82"]


def test_a_bib_entry_with_a_wrong_title_number_or_author(run, tmp_path):
    text = ("@online{x,\n  author = {Smith, John},\n  title = {{ENDING A CONFLICT}},\n"
            "  note = {AV{\\.I}M Blog No.2023 / 64},\n  date = {2023-10-31},\n"
            f"  url = {{{URL}}},\n}}\n")  # fmt: skip
    result = run("scan", str(write(tmp_path, "x.bib", text)))
    line = result.lines[0]
    assert result.code == 8 and "blog/2023/63" in line
    assert "number Blog No.2023 / 64, the catalogue has Blog No.2023 / 63" in line
    assert "title 'ENDING A CONFLICT'" in line and "author Smith, John, the catalogue has Kuzio" in line


@pytest.mark.parametrize(
    "text, column",
    [
        ("see \\textcite{KEY}.", 15),
        ("see \\parencite[see][p.~4]{other2020,KEY}.", 37),
        ("see \\citep[p.~4]{KEY}", 18),
        ("see \\autocite{KEY}", 15),
        ("see \\footcite[4]{KEY}", 18),
        ("see \\citeauthor*{KEY}", 18),
        ("see \\citeyear{KEY}", 15),
        ("see \\textcites[4]{other2020}[5]{KEY}", 33),
        ("see \\Citet{KEY}", 12),
    ],
)
def test_our_keys_in_latex_are_references(run, tmp_path, text, column):
    key = exported_key(run, "blog/2023/63")
    path = write(tmp_path, "k.tex", text.replace("KEY", key) + "\n")
    result = run("scan", str(path))
    assert result.code == 0, result.err
    assert result.lines == [f"{path}:1:{column}: blog/2023/63 (key: {key}): ok"]
    assert run("scan", str(path), "--ids").lines == ["blog/2023/63"]


def test_our_keys_in_markdown_are_references(run, tmp_path):
    key = exported_key(run, "blog/2023/63")
    other = exported_key(run, "yorum/2017/82")
    text = f"As [@{key}] shows, and [see @{other}, p. 4; @smith2020], and @{key} again; mail me at a@{key}.org.\n"
    path = write(tmp_path, "k.md", text)
    result = run("scan", str(path))
    assert result.code == 0
    assert [line.split(": ", 1)[1] for line in result.lines] == [
        f"blog/2023/63 (key: @{key}): ok", f"yorum/2017/82 (key: @{other}): ok", f"blog/2023/63 (key: @{key}): ok"]
    assert run("scan", str(path), "--ids").lines == ["blog/2023/63", "yorum/2017/82"]


def test_a_key_that_looks_like_ours_but_is_not(run, tmp_path):
    path = write(tmp_path, "k.md", "As [@avim2024overviw] shows.\n")
    result = run("scan", str(path))
    assert result.code == 8 and "no post has the citation key avim2024overviw" in result.lines[0]


def test_a_file_without_avim_references_says_so(run, tmp_path):
    path = write(tmp_path, "plain.md", "Nothing about it here, [@smith2020].\n")
    result = run("scan", str(path))
    assert result.code == 0 and result.out == ""
    assert result.err == f"avimcite: {path}: no AVİM reference found.\n"


def test_exit_zero_for_pipelines(run, tmp_path):
    path = write(tmp_path, "d.md", 'AVİM, "TÜRKİYE HER DAİM…", Yorum No.2017/82, 2018.\n')
    assert run("scan", str(path), "--ids").code == 8
    result = run("scan", str(path), "--ids", "--exit-zero")
    assert result.code == 0 and result.lines == ["yorum/2017/82"]
    assert "1 of 1 AVİM reference(s) need attention" in result.err


def test_a_full_date_the_reference_states_is_checked_in_every_written_form(run, tmp_path):
    # commentary/2024/38 was published on 2024-12-31 (AVİM's page: 31.12.2024); yorum/2020/5 on
    # 2020-01-27; blog/2023/63 on 2023-10-31, a repost of Eurasia Review's piece of 2023-10-30
    refs = [
        ("AVİM. 2024. ``An Overview of the Year 2024.'' Commentary No. 2024/38, 31~December 2023.", "date 31 December 2023, published 2024-12-31"),
        ('AVİM. 2024. "An Overview of the Year 2024." Commentary No. 2024/38. December 30, 2024.', "date December 30, 2024, published 2024-12-31"),
        ("AVİM (2024, December 30). \\emph{An overview of the year 2024} (Commentary No. 2024/38).", "date 2024, December 30, published 2024-12-31"),
        ("AVİM, ``ONBİRİNCİ KURULUŞ YILDÖNÜMÜNDE AVİM'', Yorum No. 2020/5, 28 Ocak 2020.", "date 28 Ocak 2020, published 2020-01-27"),
        ("AVİM, Yorum No. 2020/5 (28.01.2020).", "date 28.01.2020, published 2020-01-27"),
        ("AVİM, Yorum No. 2020/5, 2020-02-27.", "date 2020-02-27, published 2020-01-27"),
        # right, in each form; an access date and a repost's first publication are not the post's date
        ("AVİM. 2024. ``An Overview of the Year 2024.'' Commentary No. 2024/38, 31 December 2024. Accessed 25 June 2026.", "ok"),
        ("AVİM (2024, December 31). An overview of the year 2024 (Commentary No. 2024/38). Retrieved June 1, 2026.", "ok"),
        ("AVİM, Yorum No. 2020/5, 27 Ocak 2020, erişim 3 Mart 2026.", "ok"),
        ("Kuzio, Taras. ``Ending the Karabakh conflict.'' Eurasia Review, 30 October 2023; AVİM Blog No. 2023/63 (2023-10-31).", "ok"),
        ("AVİM, Yorum No. 2020/5 (Jan. 27, 2020).", "ok"),
        # a wrong year in the date is reported once, as the year
        ("AVİM (2023, December 31). An overview of the year 2024 (Commentary No. 2024/38).", "year 2023, published 2024"),
    ]
    path = write(tmp_path, "refs.tex", "\\begin{thebibliography}{9}\n" + "".join(f"\\bibitem{{r{i}}} {text}\n" for i, (text, _) in enumerate(refs))
                 + "\\end{thebibliography}\n")  # fmt: skip
    result = run("scan", str(path), "--exit-zero")
    assert result.code == 0, result.err
    assert len(result.lines) == len(refs), result.out
    for line, (text, verdict) in zip(result.lines, refs):
        assert line.endswith(f": {verdict}"), (text, line)


def test_a_year_written_after_citeauthor_is_checked(run, tmp_path):
    # \citeauthor prints the author alone, so the year after it is typed by hand (blog/2023/63: 2023)
    key = exported_key(run, "blog/2023/63")
    text = (f"As \\citeauthor{{{key}}} (2022) argues, \\Citeauthor*{{{key}}}'s~(2023, p.~4) view, "
            f"\\citeauthor{{{key}}} alone, and \\citet{{{key}}} (2021) prints its own year.\n")  # fmt: skip
    path = write(tmp_path, "ch1.tex", text)
    result = run("scan", str(path), "--exit-zero")
    assert [line.rsplit(": ", 1)[1] for line in result.lines] == ["year 2022, published 2023", "ok", "ok", "ok"], result.out
