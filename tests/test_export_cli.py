from __future__ import annotations

import json
import os
import stat

from avimcite import fsutil


def test_stdout_by_default_and_each_format(run):
    assert run("export", "2023/63", "-f", "bibtex").out.startswith("@misc{kuzio2023ending,\n")
    assert run("export", "2023/63", "-f", "biblatex").out.startswith("@online{kuzio2023ending,\n")
    assert run("export", "2023/63", "-f", "ris").out.startswith("TY  - BLOG\r\n")
    assert json.loads(run("export", "2023/63", "-f", "csl-json").out)[0]["id"] == "kuzio2023ending"


def test_no_access_date_unless_asked(run):
    assert "urldate" not in run("export", "2023/63", "-f", "biblatex").out
    assert "urldate = {2026-06-25}" in run("export", "2023/63", "-f", "biblatex", "--accessed", "25.06.2026").out


def test_selection_by_filters_ids_and_stdin(run):
    by_filter = json.loads(run("export", "--year", "2017", "--lang", "en", "-f", "csl-json").out)
    assert [i["custom"]["avim_id"] for i in by_filter] == ["analysis/2017/19", "commentary/2017/53"]
    by_stdin = json.loads(run("export", "-f", "csl-json", stdin="2023/63\nyorum/2020/5\n").out)
    assert [i["custom"]["avim_id"] for i in by_stdin] == ["blog/2023/63", "yorum/2020/5"]
    both = run("export", "2023/63", "--all")
    assert both.code == 2 and both.out == ""


def test_output_file_is_written(run, tmp_path):
    target = tmp_path / "avim.bib"
    result = run("export", "--all", "-f", "biblatex", "-o", str(target))
    assert (result.code, result.out, result.err) == (0, "", "")
    assert target.read_text(encoding="utf-8").count("\n@") == 23
    assert os.listdir(tmp_path) == ["avim.bib"]


def test_a_refused_write_exits_5_and_keeps_the_old_file(run, tmp_path, monkeypatch):
    """As for a read-only folder (root, which CI runs as, may write anywhere, so refuse the rename)."""
    target = tmp_path / "avim.bib"
    target.write_bytes(b"old contents\n")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fsutil.os, "replace", refuse)
    result = run("export", "--all", "-o", str(target))
    assert result.code == 5 and result.out == ""
    assert result.err == f"avimcite: error: cannot write {target}: Permission denied.\n"
    assert target.read_bytes() == b"old contents\n"
    assert os.listdir(tmp_path) == ["avim.bib"]


def test_a_folder_as_output_exits_5(run, tmp_path):
    result = run("export", "--all", "-o", str(tmp_path))
    assert result.code == 5 and result.out == ""


def test_missing_folder_exits_5(run, tmp_path):
    result = run("export", "--all", "-o", str(tmp_path / "no" / "such" / "avim.bib"))
    assert result.code == 5 and result.err.startswith("avimcite: error: cannot write ")


def test_a_failure_mid_write_leaves_the_old_file_byte_identical(run, tmp_path, monkeypatch):
    target = tmp_path / "avim.bib"
    target.write_bytes(b"old contents\n")
    real_fsync = os.fsync

    def interrupted(fd):
        real_fsync(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(fsutil.os, "fsync", interrupted)
    result = run("export", "--all", "-o", str(target))
    assert result.code == 130
    assert target.read_bytes() == b"old contents\n"
    assert os.listdir(tmp_path) == ["avim.bib"]  # no temp file left behind


def test_a_failed_render_does_not_touch_the_file(run, tmp_path, monkeypatch):
    target = tmp_path / "avim.bib"
    target.write_bytes(b"old contents\n")
    result = run("--catalogue", str(tmp_path / "missing.json"), "export", "--all", "-o", str(target))
    assert result.code == 5
    assert target.read_bytes() == b"old contents\n"


def test_existing_file_keeps_its_permissions(run, tmp_path):
    target = tmp_path / "avim.ris"
    target.write_bytes(b"old")
    target.chmod(0o640)
    assert run("export", "2023/63", "-f", "ris", "-o", str(target)).code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_unknown_id_exports_nothing_and_exits_3(run):
    result = run("export", "2023/63", "2023/64", "-f", "csl-json")
    assert result.code == 3 and result.out == ""
    assert "2023/64" in result.err


def test_letters_without_a_latex_form_are_kept_quietly(run, write_catalogue):
    from conftest import post_record

    path = write_catalogue([post_record(title="中文 TITLE ☃")])
    result = run("--catalogue", str(path), "export", "--all", "-f", "bibtex")
    assert result.code == 0 and result.err == ""
    assert "title = {{中文 TITLE ☃}}" in result.out
