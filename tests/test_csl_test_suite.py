"""The CSL processor test suite (citation-style-language/test-suite) through our engine.

Runs whenever the suite is present: $CSL_TEST_SUITE, or ../shared/csl-test-suite beside the
repository (bench/csl_test_suite.py: suite_dir). Every fixture of processor-tests/humans is
run, one the runner cannot run counts as a failure. The fixtures our engine is known to fail
are listed in tests/data/csl/test-suite-expected-failures.txt, and that list may only shrink:
a fixture outside it must pass, and one in it that now passes must be taken out.
"""

from __future__ import annotations

import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import csl_test_suite  # noqa: E402

SUITE = csl_test_suite.suite_dir()
pytestmark = pytest.mark.skipif(SUITE is None, reason="no CSL test suite (set CSL_TEST_SUITE or put it at ../shared/csl-test-suite)")


@pytest.fixture(scope="module")
def results():
    paths = csl_test_suite.fixtures(SUITE)
    return {row["name"]: row for row in csl_test_suite.run_all(paths, patched=True, workers=2)}


def test_every_fixture_is_run(results):
    assert len(results) == len(csl_test_suite.fixtures(SUITE)) >= 845


def test_no_fixture_outside_the_list_fails(results):
    expected = csl_test_suite.expected_failures()
    new = sorted(name for name, row in results.items() if row["outcome"] != "pass" and name not in expected)
    details = "\n".join(f"{n}: {results[n]['outcome']}\n  expected {results[n]['expected'][:300]!r}\n  got      {results[n]['got'][:300]!r}"
                        for n in new[:5])  # fmt: skip
    assert new == [], f"newly failing fixtures:\n{details}"


def test_the_list_only_shrinks(results):
    expected = csl_test_suite.expected_failures()
    fixed = sorted(name for name in expected if name in results and results[name]["outcome"] == "pass")
    assert fixed == [], "these fixtures now pass: take them out of tests/data/csl/test-suite-expected-failures.txt"
    unknown = sorted(expected - set(results))
    assert unknown == [], "the expected failures name fixtures the suite does not have"


# What the runner does that a caller of avimcite.csl.render does not: it cites every item of a
# fixture without citations in one citation in the registry's order (the bibliography's sort).
_REGISTRY_ORDER = {"bugreports_ChicagoAuthorDateLooping.txt", "disambiguate_InitializeWithButNoDisambiguation.txt"}


def test_passes_are_passes_through_the_public_api(results):
    """Every fixture that passes, without the runner's citation tracking, renders the same
    through avimcite.csl.render as a library caller gives it: the INPUT items as they are,
    CITATION-ITEMS as the clusters (or one cluster citing every item), the CSL as text, HTML."""
    import json

    from avimcite.csl import render

    differ, checked = [], 0
    for name, row in sorted(results.items()):
        fixture = csl_test_suite.parse(SUITE / "processor-tests" / "humans" / name)
        if row["outcome"] != "pass" or name in _REGISTRY_ORDER or "CITATIONS" in fixture:
            continue
        items = json.loads(fixture["INPUT"])
        ids = [item.get("id") for item in items]
        if None in ids or len(set(ids)) < len(ids):
            continue  # the runner names an item without an id "undefined" and keeps one of two with one id; we refuse both
        if fixture["MODE"].strip() == "citation":
            clusters = json.loads(fixture["CITATION-ITEMS"]) if "CITATION-ITEMS" in fixture else [[{"id": i["id"]} for i in items]]
            got = "\n".join(render(items, fixture["CSL"], clusters=clusters, mode="citation", format="html").citations)
        else:
            entries = render(items, fixture["CSL"], mode="bibliography", format="html").bibliography
            got = '<div class="csl-bib-body">\n' + "".join(f'  <div class="csl-entry">{e}</div>\n' for e in entries) + "</div>"
        checked += 1
        if csl_test_suite._normalise(got) != csl_test_suite._normalise(fixture["RESULT"]):
            differ.append(name)
    assert checked > 700
    assert differ == [], f"{len(differ)} passing fixtures render otherwise through avimcite.csl.render: {differ[:10]}"
