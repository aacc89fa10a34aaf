"""Hostile input, generated: catalogues, ids, dates and pages never crash a command, never print
more than one short line on stderr, and a failed write leaves the catalogue byte-identical."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import post_record

DOCUMENTED = {0, 2, 3, 4, 5, 6}
fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
field_names = st.sampled_from(["series", "year", "number", "language", "title", "authors", "published", "url", "source", "id"])
records = st.builds(
    lambda base, changes: {**base, **changes},
    st.just(post_record()),
    st.dictionaries(field_names, json_values, max_size=3),
)


def contract(result) -> None:
    assert result.code in DOCUMENTED, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert result.err.count("\n") <= 2 and len(result.err) < 2000


@fuzz
@given(st.lists(records, max_size=4))
def test_any_catalogue_gives_a_documented_answer(run, tmp_path, posts):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"schema": "avimcite-catalogue/1", "posts": posts}), encoding="utf-8")
    for args in (["show", "2024/1"], ["list", "--ids"], ["cite", "--all", "--accessed", "2026-06-25"], ["check"],
                 ["export", "--all", "-f", "ris"]):  # fmt: skip
        contract(run("--catalogue", str(path), *args))


@fuzz
@given(st.text(max_size=40))
def test_any_id_or_date_gives_a_documented_answer(run, text):
    if text.startswith("-") or "\x00" in text:
        return  # an option, or a NUL no shell can pass
    contract(run("show", text))
    contract(run("cite", "2023/63", "--accessed", text))
    contract(run("list", "--since", text))


@fuzz
@given(st.text(max_size=400))
def test_any_page_imports_or_is_refused_and_nothing_is_lost(run, tmp_path, page):
    catalogue = tmp_path / "c.json"
    catalogue.write_text(json.dumps({"schema": "avimcite-catalogue/1", "posts": [post_record()]}), encoding="utf-8")
    before = catalogue.read_bytes()
    result = run("--catalogue", str(catalogue), "import", "-", stdin=page)
    contract(result)
    if result.code != 0:
        assert catalogue.read_bytes() == before
    else:
        json.loads(catalogue.read_text(encoding="utf-8"))  # a complete new file
