"""The engine's style and locale queries answer as the XPath queries they replace: a locale's
terms found from an index by name (fixes._long_form_terms_match_form_long) are the elements
citeproc-py's XPath expression selects, and the compiled XPath objects kept per expression
give what element.xpath gives."""

from __future__ import annotations

import pytest
from lxml import etree

from avimcite.csl import context
from avimcite.paths import package_dir

LOCALES = package_dir("citeproc") / "data" / "locales"
NS = {"cs": "http://purl.org/net/xbiblio/csl"}


def _xpath_term(terms, name, form, zero_padded):
    """The query fixes.get_term ran before the index (the same string, built the same way)."""
    attributes = f"@name='{name}'"
    if form is None or form == "long":
        attributes += " and (not(@form) or @form='long')"
    else:
        attributes += f" and @form='{form}'"
    if zero_padded:
        attributes += " and not(@match='whole-number') and not(@match='last-two-digits')"
    found = terms.xpath(f"./cs:term[{attributes}]", namespaces=NS)
    return found[0] if found else None


@pytest.mark.parametrize("code", ["en-US", "tr-TR", "fr-FR"])
def test_terms_from_the_index_are_the_ones_xpath_selects(code):
    from avimcite.csl._citeproc.frontend import CitationStylesLocale

    locale = CitationStylesLocale(code, validate=False).root
    terms = locale.find("cs:terms", NS)
    names = sorted({t.get("name") for t in terms.iterfind("cs:term", NS)})
    forms = [None, "long", "short", "verb", "verb-short", "symbol"]
    token = context.begin("text")
    try:
        checked = 0
        for name in names + ["no-such-term"]:
            for form in forms:
                for zero_padded in (False, True):
                    expected = _xpath_term(terms, name, form, zero_padded)
                    try:
                        got = locale.get_term(name, form, zero_padded=zero_padded)
                    except IndexError:
                        got = None
                    assert got is expected or (got is not None and expected is not None and got == expected), (name, form)
                    checked += expected is not None
        assert checked > 100  # the locale's terms were really compared, not only misses
    finally:
        context.end(token)


def test_compiled_xpath_answers_as_element_xpath():
    from avimcite.csl import fixes

    compiled = fixes._compiled_xpath_factory(NS)
    style = etree.parse(str(package_dir("citeproc") / "data" / "styles" / "harvard-cite-them-right.csl")).getroot()
    expressions = ["./cs:citation", ".//cs:text[@variable='year-suffix' or @variable='citation-label']",
                   ".//cs:if[@disambiguate='true'] | .//cs:else-if[@disambiguate='true']", "./cs:macro[@name='author'][1]",
                   ".//cs:names", "count(.//cs:text)", "./cs:info/cs:title/text()"]  # fmt: skip
    for element in [style, *style.iter("{http://purl.org/net/xbiblio/csl}layout")]:
        for expression in expressions:
            assert compiled(expression)(element) == element.xpath(expression, namespaces=NS), expression
    assert compiled("./cs:citation") is compiled("./cs:citation")  # compiled once
