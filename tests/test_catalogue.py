from __future__ import annotations

import json
from datetime import date

import pytest

from avimcite import catalogue
from avimcite.catalogue import Filters, select
from avimcite.errors import CatalogueError, FileAccessError, UnknownIdError
from conftest import REPO, SHARED, post_record


def test_shipped_catalogue_holds_only_what_the_research_records_show():
    """Each shipped post matches an observed record in shared/avim field by field."""
    raw = SHARED / "avim"
    if not raw.exists():
        pytest.skip("shared/ is not beside this checkout")
    records = json.loads((raw / "posts_raw.json").read_text()) + json.loads((raw / "posts_more.json").read_text())
    by_url = {r["avim_url"]: r for r in records if r.get("avim_url")}
    cat = catalogue.load(REPO / "data" / "posts.json")
    assert len(cat.posts) >= 20
    for post in cat.posts:
        seen = by_url[post.url]
        assert post.title == seen["title"]
        assert (post.year, post.number) == (seen["year"], seen["number"])
        assert post.published.isoformat() == seen["date_iso"]
        assert post.language == seen["language"]
        shown = seen.get("header_number_shown") or seen.get("number_shown") or seen.get("cite_number_shown")
        assert shown.startswith(post.series + " No")
        assert [f"{a.given} {a.family}".upper() for a in post.authors] == [
            n.upper().replace("İ", "I") for n in seen.get("authors") or []
        ]
        if post.source:
            assert post.source.name in seen["source_outlet"]
            assert post.source.url == seen["original_url"]
        twin = post.extra.get("twin")
        if twin:  # a language version is recorded only where the research notes pair the two pages
            other = cat.find(twin)
            assert other.language != post.language and other.extra.get("twin") == post.id
            assert f"{other.series} No : {other.year} / {other.number}" in seen["notes"]


def test_the_seed_post_is_complete():
    post = catalogue.load(catalogue.shipped_catalogue_path()).get(["2023/63"])[0]
    assert post.id == "blog/2023/63"
    assert post.authors[0].given == "Taras" and post.authors[0].family == "Kuzio"
    assert post.published == date(2023, 10, 31)
    assert post.source.name == "Eurasia Review"
    assert post.source.date == date(2023, 10, 30)
    assert post.source.url.startswith("https://www.eurasiareview.com/30102023-ending-the-karabakh")


@pytest.mark.parametrize(
    "ref",
    [
        "2023/63",
        "blog/2023/63",
        "Blog/2023/63",
        "https://www.avimbulten.org/Blog/ENDING-THE-KARABAKH-CONFLICT-OPENS-THE-WAY-FOR-PEACE-IN-THE-SOUTH-CAUCASUS-EURASIA-REVIEW-30-10-2023",
        "avim.org.tr/Blog/ENDING-THE-KARABAKH-CONFLICT-OPENS-THE-WAY-FOR-PEACE-IN-THE-SOUTH-CAUCASUS-EURASIA-REVIEW-30-10-2023/",
        "http://avimbulten.org/public/Blog/ENDING-THE-KARABAKH-CONFLICT-OPENS-THE-WAY-FOR-PEACE-IN-THE-SOUTH-CAUCASUS-EURASIA-REVIEW-30-10-2023?utm=x",
    ],
)
def test_a_post_is_found_by_id_short_id_or_url_on_either_host(ref):
    cat = catalogue.load(catalogue.shipped_catalogue_path())
    assert cat.find(ref).id == "blog/2023/63"


def test_unknown_ids_are_reported_together_with_a_suggestion():
    cat = catalogue.load(catalogue.shipped_catalogue_path())
    with pytest.raises(UnknownIdError) as info:
        cat.get(["2023/64", "2023/63", "nope"])
    assert info.value.unknown == ["2023/64", "nope"]
    assert "blog/2023/63" in info.value.message


def test_explicit_id_overrides_and_duplicates_are_errors(write_catalogue):
    path = write_catalogue([post_record(), post_record(id="special/1")])
    assert [p.id for p in catalogue.load(path).posts] == ["blog/2024/1", "special/1"]
    path = write_catalogue([post_record(), post_record(url="https://avim.org.tr/Blog/OTHER")])
    with pytest.raises(CatalogueError, match=r"post 2 has the id 'blog/2024/1'"):
        catalogue.load(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"published": "31.10.2023"}, r"post 1 \(blog/2024/1\): field 'published' must be an ISO date"),
        ({"published": "2023-02-30"}, r"field 'published' must be an ISO date"),
        ({"language": "de"}, r"field 'language' must be one of en, tr"),
        ({"year": "2024"}, r"field 'year' must be a whole number"),
        ({"title": ""}, r"field 'title' must be a non-empty string"),
        ({"url": "avim.org.tr/x"}, r"field 'url' must be an http\(s\) URL"),
        ({"authors": [{"given": "Taras"}]}, r"author 1 needs a 'family' name or a 'literal' name"),
        ({"source": {"date": "2023-10-30"}}, r"field 'source' must be an object with a non-empty 'name'"),
        ({"source": {"name": "X", "date": "30 Oct"}}, r"field 'source.date' must be an ISO date"),
    ],
)
def test_validation_names_the_file_the_post_and_the_field(write_catalogue, change, message):
    path = write_catalogue([post_record(**change)])
    with pytest.raises(CatalogueError, match=message) as info:
        catalogue.load(path)
    assert str(path) in info.value.message


def test_missing_field_is_named(write_catalogue):
    record = post_record()
    del record["url"]
    with pytest.raises(CatalogueError, match=r"field 'url' must be a non-empty string and is missing"):
        catalogue.load(write_catalogue([record]))


def test_invalid_json_gives_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"schema": "avimcite-catalogue/1",\n  "posts": [,]}', encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"broken.json is not valid JSON: .* at line 2, column 13"):
        catalogue.load(path)


def test_wrong_schema_and_missing_file(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"schema": "avimcite-catalogue/2", "posts": []}', encoding="utf-8")
    with pytest.raises(CatalogueError, match="has schema 'avimcite-catalogue/2'"):
        catalogue.load(path)
    with pytest.raises(FileAccessError, match="does not exist"):
        catalogue.load(tmp_path / "missing.json")


def test_unknown_fields_are_kept(write_catalogue):
    post = catalogue.load(write_catalogue([post_record(evidence="seen on page X")])).posts[0]
    assert post.to_record()["evidence"] == "seen on page X"


def test_select_filters_combine_and_fold_turkish(write_catalogue):
    posts = catalogue.load(
        write_catalogue(
            [
                post_record(number=1, title="İSTANBUL NOTES", authors=[{"given": "Alev", "family": "Kılıç"}]),
                post_record(number=2, title="ANKARA", published="2024-03-01", language="tr",
                            authors=[{"given": "Ali", "family": "Işık"}]),
                post_record(number=3, title="BAKU", published="2024-02-01", series="Commentary",
                            source={"name": "Daily Sabah"}),
            ]
        )
    ).posts  # fmt: skip
    ids = lambda **kw: [p.id for p in select(posts, Filters(**kw))]  # noqa: E731
    assert ids(author="kilic") == ["blog/2024/1"]
    assert ids(author="ISIK") == ["blog/2024/2"]
    assert ids(search="istanbul notes") == ["blog/2024/1"]
    assert ids(search="sabah") == ["commentary/2024/3"]
    assert ids(series="commentary") == ["commentary/2024/3"]
    assert ids(language="tr") == ["blog/2024/2"]
    assert ids(since=date(2024, 2, 1)) == ["commentary/2024/3", "blog/2024/2"]
    assert ids(until=date(2024, 1, 31)) == ["blog/2024/1"]
    assert ids(year=2023) == []
    assert [p.id for p in select(posts, Filters(), sort="id")] == ["blog/2024/1", "blog/2024/2", "commentary/2024/3"]
    assert [p.id for p in select(posts, Filters(), reverse=True, limit=1)] == ["blog/2024/2"]


@pytest.mark.parametrize(
    "record",
    [
        {k: v for k, v in post_record().items() if k != "authors"} | {"note": "kept"},
        post_record(note="kept"),
        post_record(note="kept", source={"name": "Daily Sabah", "date": "2024-01-04"}),
        post_record(note="kept", reading_minutes=4, summary="S", id="x/1"),
    ],
)
def test_unknown_fields_survive_every_record_shape(write_catalogue, record):
    post = catalogue.load(write_catalogue([record])).posts[0]
    assert post.to_record()["note"] == "kept"
