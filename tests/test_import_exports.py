"""avimcite's own exports and catalogues import back: each of the four formats, exported from the
shipped catalogue by the real exporters (the CLI's `export --all`) and imported into an empty
catalogue, gives the same records; a second catalogue merges, a conflicting post is reported and
kept unless --update."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from avimcite.importer import PageError, parse_input
from avimcite.readback import latex_text, read_export
from conftest import post_record

REPO = Path(__file__).resolve().parent.parent
SHIPPED = json.loads((REPO / "data" / "posts.json").read_text(encoding="utf-8"))["posts"]
# What the four formats carry; the reading time, AVİM's printed form of a name and the evidence do not.
CARRIED = ("series", "year", "number", "language", "title", "published", "url", "source")


def carried(record: dict) -> dict:
    out = {k: record[k] for k in CARRIED if k in record}
    out["authors"] = [{k: a[k] for k in ("given", "family", "literal") if k in a} for a in record.get("authors", [])]
    return out


def export_all(run, tmp_path, fmt: str, catalogue: Path | None = None) -> Path:
    out = tmp_path / f"all.{fmt}"
    args = ["--catalogue", str(catalogue)] if catalogue else []
    result = run(*args, "export", "--all", "--format", fmt, "-o", str(out))
    assert result.code == 0, result.err
    return out


@pytest.mark.parametrize("fmt", ["csl-json", "ris", "bibtex", "biblatex"])
def test_each_export_of_the_shipped_catalogue_imports_back_as_the_same_records(run, tmp_path, fmt):
    exported = export_all(run, tmp_path, fmt)
    target = tmp_path / "empty.json"
    result = run("--catalogue", str(target), "import", str(exported))
    assert result.code == 0, result.err
    assert result.out.count(": added ") == len(SHIPPED)
    saved = json.loads(target.read_text(encoding="utf-8"))["posts"]
    assert saved == SHIPPED  # the posts are the shipped ones: every field, in order
    again = run("--catalogue", str(target), "import", str(exported))
    assert again.code == 0 and again.out.count(": unchanged ") == len(SHIPPED)


@pytest.mark.parametrize("fmt", ["csl-json", "ris", "biblatex", "bibtex"])
def test_posts_no_catalogue_knows_come_back_with_what_the_format_states(run, tmp_path, write_catalogue, fmt):
    own = [
        post_record(number=7, title="İKİ ŞEHİR: A “TEST” & 100% {BRACES} ~ --", url="https://avim.org.tr/Blog/IKI-SEHIR",
                    authors=[{"given": "Ayşe", "family": "Şir"}, {"literal": "European Jewish Congress"}],
                    source={"name": "Daily Sabah", "date": "2024-01-04", "url": "https://example.com/a_b%20c#d"}),
        post_record(series="Yorum", number=8, language="tr", title="IŞIK VE İZ", url="https://avim.org.tr/tr/Yorum/ISIK",
                    authors=[], source={"name": "Milliyet"}),
    ]  # fmt: skip
    exported = export_all(run, tmp_path, fmt, write_catalogue(own))
    records, _ = read_export(exported.read_text(encoding="utf-8"), known=lambda _id: None)
    assert [carried(r) for r in records] == [carried(p) for p in own]


def test_another_catalogue_merges_a_conflict_is_reported_and_kept_unless_update(run, tmp_path, write_catalogue):
    mine = write_catalogue([post_record(number=1, title="MINE"), post_record(number=2, url="https://avim.org.tr/Blog/TWO")], "mine.json")
    theirs = write_catalogue([post_record(number=1, title="THEIRS"), post_record(number=3, url="https://avim.org.tr/Blog/THREE")], "theirs.json")
    result = run("--catalogue", str(mine), "import", str(theirs))
    assert result.code == 0, result.err
    assert "skipped blog/2024/1 (already there with a different title; --update replaces it)" in result.out
    assert "added blog/2024/3" in result.out
    posts = {p["number"]: p for p in json.loads(mine.read_text(encoding="utf-8"))["posts"]}
    assert sorted(posts) == [1, 2, 3] and posts[1]["title"] == "MINE"
    updated = run("--catalogue", str(mine), "import", str(theirs), "--update")
    assert "updated blog/2024/1 (title)" in updated.out
    assert json.loads(mine.read_text(encoding="utf-8"))["posts"][0]["title"] == "THEIRS"


def test_a_broken_catalogue_or_foreign_json_is_refused_with_one_line(run, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": "avimcite-catalogue/1", "posts": [{"series": "Blog"}]}), encoding="utf-8")
    for text in (bad.read_text(encoding="utf-8"), '{"hello": 1}', '[{"type": "report", "title": "T"}]'):
        bad.write_text(text, encoding="utf-8")
        result = run("--catalogue", str(tmp_path / "mine.json"), "import", str(bad))
        assert result.code in (4, 6) and result.err.count("\n") == 1, result.err
        assert not (tmp_path / "mine.json").exists()


def test_latex_escapes_decode_one_at_a_time():
    assert latex_text(r"{ONB{\.I}R{\.I}NC{\.I} KURULU{\c{S}} -- A~B {\&} 100{\%}}") == "ONBİRİNCİ KURULUŞ -- A~B & 100%"
    assert latex_text(r"Originally published in X: \url{https://e.com/a}") == "Originally published in X: https://e.com/a"


def test_a_ris_record_without_an_avim_serial_is_refused():
    with pytest.raises(PageError, match="no AVİM serial"):
        parse_input("TY  - BLOG\nTI  - SOMETHING\nER  - \n")
