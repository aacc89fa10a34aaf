from __future__ import annotations

import importlib.util
import json
import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avimcite import catalogue
from avimcite.keys import ascii_word, assign_keys, base_key
from conftest import REPO, post_record

spec = importlib.util.spec_from_file_location("make_catalogue", REPO / "bench" / "make_catalogue.py")
make_catalogue = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_catalogue)


def posts_of(records, write_catalogue):
    return catalogue.load(write_catalogue(records)).posts


def test_turkish_letters_are_transliterated_not_dropped():
    assert ascii_word("Kılıç") == "kilic"
    assert ascii_word("İNAN") == "inan"
    assert ascii_word("Öğütcü") == "ogutcu"
    assert ascii_word("Şir") == "sir"


def test_key_pattern(write_catalogue):
    posts = posts_of(
        [
            post_record(number=1, title="THE KILIÇ ANALYSIS", authors=[{"given": "Alev", "family": "Kılıç"}]),
            post_record(number=2, title="15. KURULUŞ YILDÖNÜMÜ", authors=[]),
            post_record(number=3, title="BİR ŞEY VE İKİ", authors=[{"literal": "European Jewish Congress"}]),
        ],
        write_catalogue,
    )
    assert [base_key(p) for p in posts] == ["kilic2024kilic", "avim2024kurulus", "european2024sey"]


def test_collisions_get_deterministic_suffixes_in_date_order(write_catalogue):
    records = [
        post_record(number=3, title="PEACE NOW", published="2024-03-01"),
        post_record(number=1, title="PEACE TALKS", published="2024-01-01"),
        post_record(number=2, title="PEACE AGAIN", published="2024-02-01"),
    ]
    keys = assign_keys(posts_of(records, write_catalogue))
    assert keys == {"blog/2024/1": "kuzio2024peace", "blog/2024/2": "kuzio2024peacea", "blog/2024/3": "kuzio2024peaceb"}
    # the same keys whatever order the catalogue lists them in
    assert assign_keys(posts_of(list(reversed(records)), write_catalogue)) == keys


def test_a_key_is_the_same_alone_and_in_bulk(run, tmp_path):
    path = make_catalogue.write_catalogue(tmp_path / "synthetic.json", 3000)
    bulk = {i["custom"]["avim_id"]: i["id"] for i in json.loads(run("--catalogue", str(path), "export", "--all", "-f", "csl-json").out)}
    assert len(set(bulk.values())) == len(bulk) == 3000
    assert len({k.lower() for k in bulk.values()}) == 3000
    for post_id in sorted(bulk)[::997]:
        alone = json.loads(run("--catalogue", str(path), "export", post_id, "-f", "csl-json").out)
        assert alone[0]["id"] == bulk[post_id]
    shipped = json.loads(run("export", "--all", "-f", "csl-json").out)
    assert len({i["id"] for i in shipped}) == len(shipped)


@settings(max_examples=60, deadline=None)
@given(
    family=st.text(min_size=1, max_size=12).filter(str.strip),
    title=st.text(max_size=40).filter(str.strip),
)
def test_keys_are_ascii_and_safe_for_any_name_and_title(family, title):
    from datetime import date

    from avimcite.model import Author, Post

    post = Post("Blog", 2024, 1, "tr", title, date(2024, 1, 1), "https://avim.org.tr/x", authors=(Author("A", family),))
    assert re.fullmatch(r"[a-z0-9]+", base_key(post))


# --- keys never change once given ---------------------------------------------------------

_WORDS = ["TÜRKİYE", "TURKIYE", "AN", "OVERVIEW", "ERMENİ", "KİLİKYA", "ARMENIA", "THE"]


def _new_post(number: int, data) -> dict:
    """A post whose base key is likely to collide with the shipped ones or with each other."""
    words = data.draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3))
    language = data.draw(st.sampled_from(["tr", "en"]))
    return {
        "series": "Yorum" if language == "tr" else "Commentary",
        "year": 2017,
        "number": 500 + number,
        "language": language,
        "title": " ".join(words) + f" {number}",
        "published": f"2017-{data.draw(st.integers(1, 12)):02d}-{data.draw(st.integers(1, 28)):02d}",
        "url": f"https://avim.org.tr/{language}/Yorum/P-{number}",
    }


def _citation_line(post: dict) -> str:
    """The "To cite this article:" line of `post`, as AVİM's pages print it."""
    from avimcite.dates import month_name

    day = date.fromisoformat(post["published"])
    if post["language"] == "tr":
        serial = f"Avrasya İncelemeleri Merkezi (AVİM), Yorum No.2017 / {post['number']}. {day.day} {month_name(day.month, 'tr')}."
        accessed = "Erişim tarihi: 25 Haziran 2026."
    else:
        serial = f"Center For Eurasian Studies (AVİM), Commentary No.2017 / {post['number']}. {month_name(day.month, 'en')} {day.day}."
        accessed = "Accessed June 25, 2026."
    return f'To cite this article: "{post["title"]}." 2017. {serial} {accessed} {post["url"]}'


def _export_keys(run, *ids: str) -> dict[str, str]:
    result = run("export", *ids, "-f", "csl-json") if ids else run("export", "--all", "-f", "csl-json")
    assert result.code == 0, result.err
    return {item["custom"]["avim_id"]: item["id"] for item in json.loads(result.out)}


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_keys_once_exported_never_change_whatever_is_added_later(run, monkeypatch, tmp_path_factory, data):
    """Posts added by `add`, by `import` of citation lines and by hand (records without a key, as an
    older avimcite or an editor leaves them), in a drawn order, with exports of drawn selections
    in between: every key an export printed is printed again by every later export."""
    home = tmp_path_factory.mktemp("keys-home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    user = home / "avimcite" / "posts.json"
    given_keys = _export_keys(run)  # the shipped catalogue: today's keys
    assert given_keys["commentary/2024/38"] == "avim2024overview"
    assert given_keys["analiz/2017/11"] == "avim2017turkiye"
    ids = list(given_keys)
    for number in range(data.draw(st.integers(2, 6))):
        post = _new_post(number, data)
        how = data.draw(st.sampled_from(["add", "import", "hand"]))
        if how == "add":
            result = run("add", "--series", post["series"], "--year", "2017", "--number", str(post["number"]),
                         "--title", post["title"], "--date", post["published"], "--url", post["url"], "--lang", post["language"])  # fmt: skip
            assert result.code == 0, result.err
        elif how == "import":
            result = run("import", "-", stdin=_citation_line(post) + "\n")
            assert result.code == 0, result.err
            assert "added" in result.out
        else:
            data_ = json.loads(user.read_text(encoding="utf-8")) if user.exists() else {"schema": "avimcite-catalogue/1", "posts": []}
            data_["posts"].append(post)
            user.parent.mkdir(parents=True, exist_ok=True)
            user.write_text(json.dumps(data_, ensure_ascii=False), encoding="utf-8")
        ids.append(f"{post['series'].lower()}/2017/{post['number']}")
        chosen = data.draw(st.lists(st.sampled_from(ids), max_size=4, unique=True))
        now = _export_keys(run, *chosen) if chosen else _export_keys(run)
        for post_id, key in now.items():
            assert given_keys.setdefault(post_id, key) == key, f"{post_id}: {given_keys[post_id]} became {key}"
    everything = _export_keys(run)
    assert all(everything[i] == k for i, k in given_keys.items())
    assert len({k.lower() for k in everything.values()}) == len(everything)  # no two posts share a key


def _keyless_catalogue(write_catalogue, name):
    return write_catalogue([post_record(), post_record(number=2, title="ANOTHER TITLE", url="https://www.avimbulten.org/Blog/2")], name)


def test_a_key_book_of_an_earlier_version_is_kept_and_split_into_pages(run, write_catalogue, tmp_path, monkeypatch):
    """keys.json, the one-file book of earlier versions: its keys stay the posts' keys, the file
    is kept as keys.json.old, and its catalogues are pages of the book folder."""
    import os

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = _keyless_catalogue(write_catalogue, "mine.json")
    data = tmp_path / "data" / "avimcite"
    data.mkdir(parents=True)
    old = {"schema": "avimcite-keys/1", "catalogues": {os.path.realpath(path): {"blog/2024/1": "given2024earlier"},
                                                          "/elsewhere/other.json": {"blog/2019/3": "other2019key"}}}  # fmt: skip
    (data / "keys.json").write_text(json.dumps(old), encoding="utf-8")
    done = run("--catalogue", str(path), "export", "--all", "-f", "csl-json")
    assert done.code == 0, done.err
    assert [item["id"] for item in json.loads(done.out)][:1] == ["given2024earlier"]
    assert not (data / "keys.json").exists()
    assert json.loads((data / "keys.json.old").read_text(encoding="utf-8")) == old
    pages = {page["catalogue"]: page["keys"] for page in (json.loads(p.read_text(encoding="utf-8")) for p in (data / "keys").glob("*.json"))}
    assert pages["/elsewhere/other.json"] == {"blog/2019/3": "other2019key"}
    assert pages[os.path.realpath(path)]["blog/2024/1"] == "given2024earlier"


def test_a_run_reads_the_key_book_pages_of_its_own_catalogues_only(run, write_catalogue, tmp_path, monkeypatch):
    """A cite of one catalogue does not read (or pay for) the keys recorded for another: a
    damaged page of another catalogue leaves it alone, and `check` of that one reports it."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    mine, other = _keyless_catalogue(write_catalogue, "mine.json"), _keyless_catalogue(write_catalogue, "other.json")
    assert run("--catalogue", str(other), "export", "--all", "-f", "bibtex").code == 0
    assert run("--catalogue", str(mine), "export", "--all", "-f", "bibtex").code == 0
    pages = {json.loads(p.read_text(encoding="utf-8"))["catalogue"]: p for p in (tmp_path / "data" / "avimcite" / "keys").glob("*.json")}
    assert len(pages) == 2
    pages[str(other.resolve())].write_text("{ damaged", encoding="utf-8")
    done = run("--catalogue", str(mine), "cite", "2024/2", "-s", "apa")
    assert done.code == 0 and "ANOTHER TITLE" in done.out, done.err
    refused = run("--catalogue", str(other), "cite", "2024/2", "-s", "apa")
    assert refused.code != 0 and "key book" in refused.err and "damaged" in refused.err
