from __future__ import annotations

import importlib.util
import json
import re

from hypothesis import given, settings
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
