from __future__ import annotations

import pytest

from conftest import CSL_GOLDEN, post_record


def test_short_names_and_old_ids_resolve(run):
    apa = run("cite", "2023/63", "--style", "apa", "--accessed", "2026-06-25").out
    assert apa == CSL_GOLDEN("shipped", "apa", "en-US")[-1] + "\n" or apa.startswith("Kuzio, T. (2023, October 31).")
    assert run("cite", "2023/63", "-s", "chicago", "--accessed", "2026-06-25").out == run(
        "cite", "2023/63", "-s", "chicago-author-date", "--accessed", "2026-06-25").out  # fmt: skip
    for old, new in (("harvard1", "harvard-cite-them-right"), ("mla", "modern-language-association"),
                     ("chicago-note-bibliography", "chicago-shortened-notes-bibliography"),
                     ("vancouver", "nlm-citation-sequence")):  # fmt: skip
        assert run("cite", "2023/63", "-s", old, "--accessed", "2026-06-25").out == run(
            "cite", "2023/63", "-s", new, "--accessed", "2026-06-25").out  # fmt: skip


def test_a_csl_file_path(run, tmp_path):
    from avimcite.csl.styles import resolve_style

    path = tmp_path / "my-style.csl"
    path.write_bytes(resolve_style("ieee").path.read_bytes())
    assert run("cite", "2023/63", "-s", str(path), "--accessed", "2026-06-25").out.startswith("[1] T. Kuzio, “ENDING")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-s", "apa7"), "unknown style 'apa7' (did you mean apa"),
        (("-s", "apa", "--locale", "xx-YY"), "unknown locale 'xx-YY'"),
        (("-s", "apa", "--lang", "tr"), "--lang is for the house styles"),
        (("--locale", "tr-TR"), "--locale and --mode are for CSL styles"),
        (("-s", "/no/such/style.csl"), "does not exist"),
    ],
)
def test_bad_styles_and_locales_exit_2(run, args, message):
    result = run("cite", "2023/63", *args)
    assert result.code == 2 and result.out == ""
    assert message in result.err and result.err.count("\n") == 1


def test_locale_is_validated_not_silently_english(run):
    tr = run("cite", "2023/63", "-s", "ieee", "--locale", "tr", "--accessed", "2026-06-25").out
    assert "Erişim: 25 Haziran 2026. [Çevrimiçi]. Erişim adresi:" in tr


def test_hostile_style_files_are_refused_without_reading_local_files(run, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    hostile = tmp_path / "evil.csl"
    hostile.write_text(
        f'<?xml version="1.0"?><!DOCTYPE style [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text"><info><title>&x;</title></info>'
        "<citation><layout><text value=\"&x;\"/></layout></citation></style>",
        encoding="utf-8",
    )
    result = run("cite", "2023/63", "-s", str(hostile))
    assert result.code == 2 and "TOP SECRET" not in result.out + result.err
    assert "declares a DTD or entities" in result.err
    not_csl = tmp_path / "page.csl"
    not_csl.write_text("<html><body>hi</body></html>", encoding="utf-8")
    assert "is not a CSL style" in run("cite", "2023/63", "-s", str(not_csl)).err
    broken = tmp_path / "broken.csl"
    broken.write_text("<style", encoding="utf-8")
    assert run("cite", "2023/63", "-s", str(broken)).code == 2


def test_html_is_escaped_and_markdown_italic(run, write_catalogue):
    path = write_catalogue([post_record(title="R&D <script>alert(1)</script>")])
    html = run("--catalogue", str(path), "cite", "--all", "-s", "mla", "-f", "html", "--accessed", "2026-01-01").out
    assert "<script>" not in html and "R&amp;D &lt;script&gt;" in html and "<i>AVİM Blog</i>" in html
    md = run("--catalogue", str(path), "cite", "--all", "-s", "mla", "-f", "markdown", "--accessed", "2026-01-01").out
    assert "*AVİM Blog*" in md and "\\<script\\>" in md


def test_modes_and_selection(run):
    notes = run("cite", "2023/63", "yorum/2020/5", "-s", "chicago-notes", "--mode", "citation", "--accessed", "2026-06-25")
    assert notes.lines[0].startswith("Taras Kuzio, “ENDING THE KARABAKH")
    assert len(notes.lines) == 2
    both = run("cite", "--year", "2023", "-s", "apa", "--mode", "both", "--accessed", "2026-06-25").lines
    # a post without a recorded author is by AVİM, the issuing body (docs/exports.md)
    assert both[:2] == ["(AVİM, 2023)", "(Kuzio, 2023)"] and both[2] == ""
    assert both[3].startswith("AVİM. (2023). 15. KURULUŞ YILDÖNÜMÜNE GİDEN YOLDA AVİM (Yorum No. 2023/5).")
    piped = run("cite", "-s", "apa", "--accessed", "2026-06-25", stdin="2023/63\n")
    assert piped.lines[0].startswith("Kuzio, T. (2023, October 31).")


def test_styles_lists_and_searches(run):
    found = run("styles", "chicago", "author", "date").lines
    assert "chicago-author-date\tChicago Manual of Style 18th edition (author-date)" in found
    assert all("chicago" in line.lower() for line in found)
    everything = run("styles").lines
    assert len(everything) > 10000 and everything[0].startswith("apa\tshort name for apa")


def test_html_escapes_what_the_style_adds_around_a_url(run):
    out = run("cite", "2023/63", "--style", "iso690-numeric-lt", "--format", "html", "--accessed", "2026-06-25").out
    assert "Prieiga per internetą: &lt;https://www.avimbulten.org/Blog/" in out
    assert "-30-10-2023&gt;." in out and "<https" not in out
