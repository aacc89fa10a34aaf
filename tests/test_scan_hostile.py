"""`avimcite scan` on inputs that are not drafts, or are built to hurt: one line each, exit 5,
bounded time and memory; HTML read with its line numbers; a terminal too narrow for a table."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from conftest import SEED_LINE

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
OVERVIEW_URL = "https://avim.org.tr/en/Yorum/AN-OVERVIEW-OF-THE-YEAR-2024"
UNKNOWN_URL = "https://www.avim.org.tr/en/Yorum/SOMETHING-NOT-IN-ANY-CATALOGUE-WITH-A-LONG-ADDRESS-THAT-WOULD-WRAP"
DOCUMENT = (f"<w:document {NS}><w:body>" + "<w:p><w:r><w:t>AVİM Blog No.2023 / 63 and more text</w:t></w:r></w:p>" * 300
            + "</w:body></w:document>")  # fmt: skip


def docx(path: Path, method: int = zipfile.ZIP_DEFLATED, document: str = DOCUMENT) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    return path


def _headers(data: bytearray):
    """(offset of a header, its kind) for document.xml's local and central headers."""
    for signature, name_at in ((b"PK\x03\x04", 30), (b"PK\x01\x02", 46)):
        start = 0
        while (i := data.find(signature, start)) >= 0:
            if data[i + name_at : i + name_at + 17] == b"word/document.xml":
                yield i, signature
            start = i + 4


def corrupt_member(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    local = next(i for i, kind in _headers(data) if kind == b"PK\x03\x04")
    name_length, extra_length = struct.unpack("<HH", data[local + 26 : local + 30])
    begin = local + 30 + name_length + extra_length
    for k in range(begin + 4, begin + 60):  # past the codec's own header, inside the stream
        data[k] ^= 0xA5
    path.write_bytes(bytes(data))
    return path


def patch_headers(path: Path, flag: int | None = None, method: int | None = None) -> Path:
    data = bytearray(path.read_bytes())
    for i, kind in list(_headers(data)):
        flags_at, method_at = (6, 8) if kind == b"PK\x03\x04" else (8, 10)
        if flag is not None:
            data[i + flags_at] |= flag
        if method is not None:
            data[i + method_at : i + method_at + 2] = struct.pack("<H", method)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["zlib", "bzip2", "xz"])
def test_a_corrupt_member_is_one_line_and_exit_5(run, tmp_path, method):
    path = corrupt_member(docx(tmp_path / "bad.docx", method))
    result = run("scan", str(path))
    assert result.code == 5 and result.out == ""
    assert len(result.err.splitlines()) == 1
    assert result.err.startswith(f"avimcite: error: {path}: word/document.xml") and result.err.rstrip().endswith("not scanned.")


def test_an_encrypted_or_unknown_method_member(run, tmp_path):
    encrypted = patch_headers(docx(tmp_path / "encrypted.docx"), flag=0x1)
    unknown = patch_headers(docx(tmp_path / "unknown.docx"), method=99)
    result = run("scan", str(encrypted), str(unknown))
    assert result.code == 5 and result.out == ""
    assert result.err.splitlines() == [
        f"avimcite: error: {encrypted}: word/document.xml is encrypted; save the document without a password to scan it.",
        f"avimcite: error: {unknown}: word/document.xml is compressed with a method Python cannot read; not scanned.",
    ]


def test_a_member_that_expands_too_far_is_refused_while_it_is_read(run, tmp_path):
    path = tmp_path / "bomb.docx"
    paragraph = ("<w:p><w:r><w:t>" + "A" * 1000 + "</w:t></w:r></w:p>").encode() * 1000  # ~1 MB
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f"<w:document {NS}><w:body>".encode())
            for _ in range(56):
                member.write(paragraph)
            member.write(b"</w:body></w:document>")
    assert path.stat().st_size < 1 << 20
    result = run("scan", str(path))
    assert result.code == 5
    assert result.err == f"avimcite: error: {path}: word/document.xml expands to more than 50 MB (a damaged or hostile file); not scanned.\n"


def test_a_good_docx_with_the_same_parts_still_scans(run, tmp_path):
    path = docx(tmp_path / "good.docx", zipfile.ZIP_LZMA)
    result = run("scan", str(path), "--ids")
    assert result.code == 0 and result.lines == ["blog/2023/63"]


def test_pdf_missing_and_repeated_files(run, tmp_path):
    pdf = tmp_path / "thesis.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    missing = tmp_path / "missing.md"
    good = tmp_path / "good.md"
    good.write_text(f"See {OVERVIEW_URL}.\n", encoding="utf-8")
    result = run("scan", str(pdf), str(missing), str(missing), str(good))
    assert result.code == 5  # a skipped input is never a clean scan
    assert result.lines == [f"{good}:1:5: commentary/2024/38 (url: {OVERVIEW_URL}): ok"]
    errors = result.err.splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"avimcite: error: {pdf}: a PDF;")
    assert errors[1] == f"avimcite: error: {missing} does not exist."
    only_missing = run("scan", str(missing))
    assert only_missing.code == 5 and only_missing.err == f"avimcite: error: {missing} does not exist.\n"


def test_html_keeps_its_line_numbers_and_hrefs_stay_apart(run, tmp_path):
    text, url = SEED_LINE.rsplit(" <", 1)
    url = url.rstrip(">")
    page = (f'<html><body><p class="note"><a href="{OVERVIEW_URL}">the review</a>\n'
            f"<p><strong>To cite this article:</strong> {text} <a href=\"{url}\">{url}</a></p>\n</body></html>\n")  # fmt: skip
    path = tmp_path / "post.html"
    path.write_text(page, encoding="utf-8")
    result = run("scan", str(path))
    assert result.code == 8
    assert len(result.lines) == 2
    assert result.lines[0] == f"{path}:1:38: commentary/2024/38 (url: {OVERVIEW_URL}): ok"
    second = result.lines[1]
    assert second.startswith(f"{path}:2:12: blog/2023/63 (citation: To cite this article: Taras KUZIO. 2026.")
    assert second.endswith("year 2026 is the access year (the site's citation-line quirk); published 2023")


def test_long_lines_are_read_in_linear_time(run, tmp_path):
    lt = tmp_path / "lt.html"
    lt.write_text("<p>" + "<" * 160_000 + "</p>\n", encoding="utf-8")
    caps = tmp_path / "caps.txt"
    caps.write_text(f"x (AVİM) {'A' * 2_000_000} AVİM Blog No.2023 / 63 {'B' * 2_000_000}\n", encoding="utf-8")
    result = run("scan", str(lt), str(caps))
    assert result.code == 0
    assert result.lines == [f"{caps}:1:2000016: blog/2023/63 (serial: Blog No.2023 / 63): ok"]
    assert result.err == f"avimcite: {lt}: no AVİM reference found.\n"


@pytest.fixture
def mixed(tmp_path):
    path = tmp_path / "d.md"
    path.write_text(f"See {OVERVIEW_URL}.\n\nAnd {UNKNOWN_URL}.\n\n"
                    'AVİM, "TÜRKİYE HER DAİM…", Yorum No.2017/82, 2018.\n', encoding="utf-8")  # fmt: skip
    return path


def test_a_narrow_terminal_gets_plain_lines(run, mixed, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    result = run("scan", str(mixed), tty=True)
    assert result.code == 8
    assert result.lines == [
        f"{mixed}:1:5: commentary/2024/38 (url: {OVERVIEW_URL}): ok",
        f"{mixed}:3:5: not in the catalogue (url: {UNKNOWN_URL}): an AVİM page that is in no catalogue; add it with: avimcite import {UNKNOWN_URL}",
        f"{mixed}:5:28: yorum/2017/82 (serial: Yorum No.2017/82): year 2018, published 2017",
    ]


def test_a_wide_terminal_table_never_splits_a_command_or_url(run, mixed, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.chdir(mixed.parent)
    mixed = Path(mixed.name)
    result = run("scan", str(mixed), tty=True)
    assert "┃" in result.out or "|" in result.out  # a table
    assert result.code == 8
    out = result.out
    assert "commentary/2024/38" in out and "yorum/2017/82" in out and "year 2018, published 2017" in out
    assert f"{mixed}:3:5: an AVİM page that is in no catalogue; add it with: avimcite import {UNKNOWN_URL}" in result.lines
    for line in result.lines:  # every location whole on one line of the table
        if "d.md:" in line and "avimcite import" not in line:
            assert any(f"d.md:{where}" in line for where in ("1:5", "3:5", "5:28"))
