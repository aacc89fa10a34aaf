from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from avimcite import fsutil
from conftest import SEED_LINE, post_record

PAGES = Path(__file__).parent / "data" / "pages"
SEED_AVIM = SEED_LINE.replace("KUZIO. 2026.", "KUZIO. 2023.").replace("<", "").replace(">", "")


def test_import_a_saved_page_into_an_empty_catalogue_then_cite(run, tmp_path):
    target = tmp_path / "mine.json"
    result = run("--catalogue", str(target), "import", str(PAGES / "seed-blog.md"))
    assert result.code == 0, result.err
    assert result.out == f"{PAGES / 'seed-blog.md'}: added blog/2023/63\n"
    cited = run("--catalogue", str(target), "cite", "2023/63", "--accessed", "2026-06-25")
    assert cited.out == SEED_AVIM + "\n"


def test_turkish_page_imports_with_casing_intact(run, tmp_path):
    target = tmp_path / "mine.json"
    assert run("--catalogue", str(target), "import", str(PAGES / "analiz-tr.html")).code == 0
    assert "ÇEKMECELERİNDEN" in target.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
    cited = run("--catalogue", str(target), "cite", "analiz/2018/7", "--accessed", "2026-06-25").out
    assert cited.startswith("Tutku DİLAVER. 2018. \"ANKARA’NIN “ÇEKMECELERİNDEN” ERMENİSTAN’IN TOZLU RAFLARINA")
    assert "Avrasya İncelemeleri Merkezi (AVİM), Analiz No.2018 / 7. 12 Mart. Erişim tarihi: 25 Haziran 2026." in cited


def test_user_catalogue_is_read_over_the_shipped_one(run):
    result = run("import", "-", stdin=(PAGES / "yorum-tr.md").read_text(encoding="utf-8").replace(
        "5 dk okuma", "5 dk okuma\nTo read: https://avim.org.tr/tr/Yorum/ONBIRINCI-KURULUS-YILDONUMUNDE-AVIM-X"))
    assert result.code == 0, result.err
    assert "catalogue: " in result.err and os.environ["XDG_DATA_HOME"] in result.err
    shown = json.loads(run("show", "yorum/2020/5", "--json").out)[0]
    assert shown["catalogue"].startswith(os.environ["XDG_DATA_HOME"])  # the user's copy wins
    assert json.loads(run("show", "2023/63", "--json").out)[0]["catalogue"].endswith("posts.json")
    assert len(run("list", "--ids").lines) == 24  # same id: replaced, not added


def test_identical_different_and_update(run, tmp_path):
    target = tmp_path / "mine.json"
    page = str(PAGES / "seed-blog.md")
    run("--catalogue", str(target), "import", page)
    assert run("--catalogue", str(target), "import", page).out.endswith("unchanged blog/2023/63\n")
    changed = tmp_path / "changed.md"
    changed.write_text(SEED_LINE.replace("ENDING THE", "ENDING A"), encoding="utf-8")
    skipped = run("--catalogue", str(target), "import", str(changed))
    assert "skipped blog/2023/63 (already there with a different title; --update replaces it)" in skipped.out
    assert "ENDING THE" in target.read_text(encoding="utf-8")
    updated = run("--catalogue", str(target), "import", str(changed), "--update")
    assert "updated blog/2023/63 (title)" in updated.out
    saved = json.loads(target.read_text(encoding="utf-8"))["posts"][0]
    assert saved["title"].startswith("ENDING A") and saved["source"]["name"] == "Eurasia Review"  # kept
    backup = json.loads((tmp_path / "mine.json.bak").read_text(encoding="utf-8"))["posts"][0]
    assert backup["title"].startswith("ENDING THE")


def test_dry_run_writes_nothing(run, tmp_path):
    target = tmp_path / "mine.json"
    result = run("--catalogue", str(target), "import", str(PAGES / "seed-blog.md"), "--dry-run")
    assert result.code == 0 and "would be added blog/2023/63" in result.out
    assert json.loads(result.out.split("\n", 1)[1])[0]["title"].startswith("ENDING")
    assert not target.exists()


def test_a_page_that_is_not_a_post_is_refused_and_nothing_is_written(run, tmp_path):
    target = tmp_path / "mine.json"
    junk = tmp_path / "junk.html"
    junk.write_text("<html><body><p>Hello</p></body></html>", encoding="utf-8")
    result = run("--catalogue", str(target), "import", str(PAGES / "seed-blog.md"), str(junk))
    assert result.code == 6 and result.out == ""
    assert f"{junk}: no AVİM post header" in result.err and "nothing was written" in result.err
    assert not target.exists()
    no_url = run("--catalogue", str(target), "import", str(PAGES / "commentary-en.txt"))
    assert no_url.code == 6 and "--url" in no_url.err
    with_url = run("--catalogue", str(target), "import", str(PAGES / "commentary-en.txt"),
                   "--url", "https://avim.org.tr/en/Yorum/AN-OVERVIEW-OF-THE-YEAR-2024")  # fmt: skip
    assert with_url.code == 0 and "added commentary/2024/38" in with_url.out


def test_an_interrupted_write_leaves_the_old_catalogue(run, tmp_path, monkeypatch):
    target = tmp_path / "mine.json"
    run("--catalogue", str(target), "import", str(PAGES / "seed-blog.md"))
    before = target.read_bytes()

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(fsutil.os, "replace", interrupted)
    result = run("--catalogue", str(target), "import", str(PAGES / "analiz-tr.html"))
    assert result.code == 130
    assert target.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["mine.json", "mine.json.lock"]


def test_concurrent_imports_all_land(tmp_path):
    target = tmp_path / "shared.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVIMCITE_")} | {"AVIMCITE_CATALOGUE": str(target)}
    lines = [
        post_record(number=n, title=f"POST {n}", url=f"https://avim.org.tr/Blog/POST-{n}") for n in range(1, 7)
    ]
    files = []
    for record in lines:
        path = tmp_path / f"{record['number']}.txt"
        path.write_text(
            f'Taras KUZIO. 2026. "{record["title"]}." Center For Eurasian Studies (AVİM), Blog No.2024 / '
            f'{record["number"]}. January 5. Accessed June 25, 2026. {record["url"]}\n', encoding="utf-8")  # fmt: skip
        files.append(path)
    procs = [
        subprocess.Popen([sys.executable, "-m", "avimcite", "import", str(f)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for f in files
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    saved = json.loads(target.read_text(encoding="utf-8"))["posts"]
    assert sorted(p["number"] for p in saved) == [1, 2, 3, 4, 5, 6]


def test_add_by_hand(run, tmp_path):
    target = tmp_path / "mine.json"
    result = run(
        "--catalogue", str(target), "add", "--series", "Yorum", "--year", "2025", "--number", "3",
        "--title", "İKİ ŞEHİR", "--author", "Ayşe ŞİR", "--author", "Işık, Ali", "--org", "European Jewish Congress",
        "--date", "09.03.2025", "--url", "https://avim.org.tr/tr/Yorum/IKI-SEHIR", "--lang", "tr",
        "--source-name", "Daily Sabah", "--source-date", "8 Mart 2025",
    )  # fmt: skip
    assert result.code == 0, result.err
    cited = run("--catalogue", str(target), "cite", "yorum/2025/3", "--accessed", "2026-01-02").out
    assert cited.startswith('Ayşe ŞİR, Ali IŞIK ve European Jewish Congress. 2025. "İKİ ŞEHİR."')
    saved = json.loads(target.read_text(encoding="utf-8"))["posts"][0]
    assert saved["source"] == {"name": "Daily Sabah", "date": "2025-03-08"}
    bad = run("--catalogue", str(target), "add", "--series", "Blog", "--year", "2025", "--number", "4", "--title", "T",
              "--date", "31.02.2025", "--url", "https://avim.org.tr/Blog/T", "--lang", "en")  # fmt: skip
    assert bad.code == 2 and bad.out == ""


def test_check_names_every_planted_fault_and_exits_4(run, write_catalogue):
    path = write_catalogue(
        [
            post_record(number=1, published="2024-13-01"),                                   # malformed date
            post_record(number=2, url="https://example.com/x"),                             # not AVİM
            post_record(number=2, url="https://avim.org.tr/Blog/TWO"),                      # duplicate id
            post_record(number=4, url="https://www.avimbulten.org/Blog/A-TITLE"),          # duplicate URL
            post_record(number=5, year=2023, url="https://avim.org.tr/Blog/FIVE"),          # year != date
            post_record(number=6, url="https://avim.org.tr/Blog/SIX", authors=[{"given": "Numan", "family": "HAzar"}]),
            {k: v for k, v in post_record(number=7, url="https://avim.org.tr/Blog/SEVEN").items() if k != "title"},
            post_record(number=8, series="Yorum", url="https://avim.org.tr/Blog/EIGHT"),   # Yorum in English
        ]
    )  # fmt: skip
    result = run("--catalogue", str(path), "check")
    assert result.code == 4
    out = result.out
    assert "post 1 (blog/2024/1): error: field 'published' must be an ISO date" in out
    assert "post 2 (blog/2024/2): warning: url 'https://example.com/x' is not on AVİM's hosts" in out
    assert "post 3 (blog/2024/2): error: duplicate id: post 2 (blog/2024/2) has the same id" in out
    # every command reads a catalogue with two posts on one page, so check only warns
    assert "post 4 (blog/2024/4): warning: duplicate url: post 1 (blog/2024/1) has the same page" in out
    assert "post 5 (blog/2023/5): warning: series year 2023 differs from the year of 'published'" in out
    assert "post 6 (blog/2024/6): warning: author 1: family name 'HAzar' has odd casing" in out
    assert "post 7 (blog/2024/7): error: field 'title' must be a non-empty string and is missing" in out
    assert "post 8 (yorum/2024/8): warning: series 'Yorum' is AVİM's Turkish word, but 'language' is 'en'" in out
    assert result.err.startswith(f"avimcite: error: {path}: 3 errors, 5 warnings;")


def test_check_clean_and_warnings_only_exit_0(run, write_catalogue):
    assert run("check").code == 0  # the shipped catalogue
    path = write_catalogue([post_record(year=2023)])
    result = run("--catalogue", str(path), "check", "--json")
    assert result.code == 0
    assert [p["level"] for p in json.loads(result.out)] == ["warning"]


def test_user_data_folder_is_platformdirs_own(monkeypatch, tmp_path):
    from platformdirs import user_cache_path, user_data_path

    from avimcite.paths import user_cache_dir, user_data_dir

    for value in (str(tmp_path), ""):
        monkeypatch.setenv("XDG_DATA_HOME", value)
        monkeypatch.setenv("XDG_CACHE_HOME", value)
        assert user_data_dir() == user_data_path("avimcite", appauthor=False)
        assert user_cache_dir() == user_cache_path("avimcite", appauthor=False)


def test_an_id_may_be_written_as_avim_prints_the_serial(run):
    by_id = run("cite", "yorum/2017/82", "--accessed", "2026-06-25")
    for printed in ("Yorum No.2017 / 82", "Yorum No : 2017 / 82", "yorum no.2017/82"):
        result = run("cite", printed, "--accessed", "2026-06-25")
        assert result.code == 0 and result.out == by_id.out, (printed, result.err)
    blog = run("show", "Blog No.2023 / 63", "--json")
    assert json.loads(blog.out)[0]["id"] == "blog/2023/63"
    unknown = run("cite", "Yorum No.2017 / 999")
    assert unknown.code == 3 and unknown.err.count("\n") == 1
