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
