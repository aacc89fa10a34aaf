"""`avimcite scan`: AVİM references in drafts, checked against the catalogue."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from conftest import SEED_LINE

SEED_URL = "https://www.avimbulten.org/Blog/ENDING-THE-KARABAKH-CONFLICT-OPENS-THE-WAY-FOR-PEACE-IN-THE-SOUTH-CAUCASUS-EURASIA-REVIEW-30-10-2023"
OVERVIEW_URL = "https://avim.org.tr/en/Yorum/AN-OVERVIEW-OF-THE-YEAR-2024"
UNKNOWN_URL = "https://www.avim.org.tr/en/Yorum/SOMETHING-NOT-IN-ANY-CATALOGUE"
# the site's line, pasted into a footnote and wrapped as an editor wraps it
PASTED = SEED_LINE.replace(" <", " ").replace(">", "").replace(" CAUCASUS - EURASIA", "\n    CAUCASUS - EURASIA").replace(" October 31.", "\n    October 31.")

DRAFT = f"""# A draft on the South Caucasus

Azerbaijan's operation was not ethnic cleansing, as Kuzio argues.[^1] AVİM's year-end review
({OVERVIEW_URL}) summarises the year.

See also <{UNKNOWN_URL}>.

[^1]: {PASTED}
"""


def w(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def make_docx(path: Path) -> Path:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = "".join(w(t) for t in ["A draft on the South Caucasus", "", f"AVİM's review ({OVERVIEW_URL}) summarises it.",
                                  f"See also {UNKNOWN_URL}."])  # fmt: skip
    note_lines = PASTED.replace("&", "&amp;").split("\n")
    notes = (f'<w:footnotes {ns}><w:footnote w:type="separator" w:id="-1">{w("")}</w:footnote>'
             f'<w:footnote w:id="1">{"".join(w(line) for line in note_lines)}</w:footnote></w:footnotes>')  # fmt: skip
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document {ns}><w:body>{body}</w:body></w:document>")
        archive.writestr("word/footnotes.xml", notes)
    return path


@pytest.fixture
def draft(tmp_path) -> Path:
    path = tmp_path / "draft.md"
    path.write_text(DRAFT, encoding="utf-8")
    return path


def test_the_report_names_each_reference_and_its_problems(run, draft):
    before = draft.read_bytes()
    result = run("scan", str(draft))
    assert result.code == 8 and "need attention" in result.err
    lines = result.lines
    assert len(lines) == 3
    assert lines[0].startswith(f"{draft}:4:2: commentary/2024/38 (url: {OVERVIEW_URL}): ok")
    assert lines[1].startswith(f"{draft}:6:") and "not in the catalogue" in lines[1] and f"avimcite import {UNKNOWN_URL}" in lines[1]
    assert lines[2].startswith(f"{draft}:8:") and "blog/2023/63" in lines[2]
    assert "year 2026 is the access year (the site's citation-line quirk); published 2023" in lines[2]
    assert draft.read_bytes() == before  # never modified


def test_ids_pipe_into_export(run, draft):
    ids = run("scan", str(draft), "--ids")
    assert ids.code == 8 and ids.lines == ["commentary/2024/38", "blog/2023/63"]
    exported = run("export", "-f", "csl-json", stdin=ids.out)
    assert exported.code == 0
    assert [item["custom"]["avim_id"] for item in json.loads(exported.out)] == ["commentary/2024/38", "blog/2023/63"]


def test_json_is_a_list_of_findings(run, draft):
    findings = json.loads(run("scan", str(draft), "--json").out)
    assert isinstance(findings, list) and len(findings) == 3
    assert set(findings[0]) == {"file", "line", "column", "kind", "text", "id", "problems"}
    assert [(f["line"], f["kind"], f["id"]) for f in findings] == [(4, "url", "commentary/2024/38"), (6, "url", None),
                                                                  (8, "citation", "blog/2023/63")]  # fmt: skip


def test_a_word_file_gives_the_same_ids(run, tmp_path):
    path = make_docx(tmp_path / "draft.docx")
    result = run("scan", str(path), "--ids")
    assert result.code == 8 and result.lines == ["commentary/2024/38", "blog/2023/63"]
    report = run("scan", str(path)).lines
    assert any(line.startswith(f"{path}:footnote 1:") and "access year" in line for line in report)


def test_a_draft_whose_references_are_right_exits_0(run, tmp_path):
    correct = SEED_LINE.replace("KUZIO. 2026.", "KUZIO. 2023.")
    path = tmp_path / "ok.tex"
    path.write_text(f"As shown\\footnote{{{correct}}} and in \\url{{{OVERVIEW_URL}}}.\n", encoding="utf-8")
    result = run("scan", str(path))
    assert result.code == 0, result.out + result.err
    assert [line.rsplit(": ", 1)[-1] for line in result.lines] == ["ok", "ok"]


def test_wrong_number_title_and_a_serial_without_url(run, tmp_path):
    wrong = SEED_LINE.replace("Blog No.2023 / 63", "Blog No.2023 / 64").replace("ENDING THE", "ENDING A")
    path = tmp_path / "wrong.txt"
    path.write_text(f"{wrong}\n\nAs AVİM wrote (Yorum No.2020 / 5), the center turned eleven.\n", encoding="utf-8")
    lines = run("scan", str(path)).lines
    assert "the URL is not this post's" not in lines[0] and "title 'ENDING A" in lines[0] and "number Blog No.2023 / 64" in lines[0]
    assert lines[1].startswith(f"{path}:3:") and "yorum/2020/5 (serial" in lines[1] and lines[1].endswith(": ok")


def test_stdin_html_and_broken_files(run, tmp_path):
    html = f'<p>See <a href="{OVERVIEW_URL}">the review</a>.</p>'
    assert run("scan", "-", "--ids", stdin=html).lines == ["commentary/2024/38"]
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + b"\x00" * 100)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = run("scan", str(binary), str(broken))
    assert result.code == 5 and result.out == ""
    assert f"{binary}: a binary file" in result.err and f"{broken}: a broken .docx" in result.err


def test_a_large_draft_scans_quickly(run, tmp_path):
    import time

    filler = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. No. 12 of 2020. " * 10 + "\n\n") * 1000
    path = tmp_path / "thesis.md"
    path.write_text(filler + DRAFT, encoding="utf-8")  # about 1 MB
    started = time.perf_counter()
    assert run("scan", str(path), "--ids").lines == ["commentary/2024/38", "blog/2023/63"]
    assert time.perf_counter() - started < 2.0
