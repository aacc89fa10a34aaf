"""Punctuation where elements meet, as citeproc-js merges it (avimcite.csl.adjust, sortkeys).

Expected lines were printed by citeproc-js (tools/csl-reference/render_citeprocjs.js, --mode
bib) for the same item and layout; none comes from avimcite.
"""

from __future__ import annotations

import pytest

from avimcite.csl import render

ITEM = {"id": "a", "type": "report", "title": "Why Now?", "publisher": "Pub (AV)", "number": "2010/7",
        "issued": {"date-parts": [[2010]]}}  # fmt: skip

# (bibliography layout, locale, what citeproc-js prints)
CASES = [
    ('<group delimiter=". "><text variable="title" font-style="italic"/><text variable="publisher"/></group>', 'en-US', 'Why Now?. Pub (AV)'),
    ('<group delimiter=". "><text variable="title"/><text variable="publisher"/></group>', 'en-US', 'Why Now? Pub (AV)'),
    ('<group delimiter=". "><group><text variable="title" font-style="italic"/></group><text variable="publisher"/></group>', 'en-US', 'Why Now? Pub (AV)'),
    ('<text variable="title" font-style="italic" suffix=". "/><text variable="publisher"/>', 'en-US', 'Why Now?. Pub (AV)'),
    ('<text variable="title" font-style="italic"/><text variable="publisher" prefix=". "/>', 'en-US', 'Why Now?. Pub (AV)'),
    ('<text variable="title"/><text variable="publisher" prefix=". " font-style="italic"/>', 'en-US', 'Why Now?. Pub (AV)'),
    ('<text variable="title" quotes="true"/><text variable="publisher" prefix=". "/>', 'en-US', '“Why Now?” Pub (AV)'),
    ('<group delimiter=". "><text variable="title" quotes="true"/><text variable="publisher"/></group>', 'en-US', '“Why Now?” Pub (AV)'),
    ('<group delimiter=". "><text variable="title" quotes="true"/><text variable="publisher"/></group>', 'tr-TR', '“Why Now?”. Pub (AV)'),
    ('<group delimiter=". "><text variable="publisher" suffix=";"/><text variable="title"/></group>', 'en-US', 'Pub (AV);. Why Now?'),
    ('<group delimiter=": "><text variable="title" suffix="."/><text variable="publisher"/></group>', 'en-US', 'Why Now?: Pub (AV)'),
    ('<group delimiter=", "><text variable="title" font-style="italic" suffix="."/><text variable="publisher"/></group>', 'en-US', 'Why Now?., Pub (AV)'),
    ('<group delimiter=". "><group suffix="."><text variable="title" font-style="italic"/></group><text variable="publisher"/></group>', 'en-US', 'Why Now? Pub (AV)'),
]


def _style(layout: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>t</title><id>t</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout>{layout}</layout></bibliography>
</style>"""


@pytest.mark.parametrize(("layout", "locale", "expected"), CASES)
def test_marks_meet_as_in_citeproc_js(layout, locale, expected):
    assert render([ITEM], _style(layout), locale=locale).bibliography == [expected]


def test_citation_number_in_a_sort_macro_sorts_as_a_number():
    # food-and-agriculture-organization-of-the-united-nations sorts on "1", the author
    # ("Anonymous"), the date and the citation number; citeproc-js pads the number (T9
    # before T10; as text, "…201010" came before "…20109")
    items = [dict(ITEM, id=f"i{n}", title=f"T{n}") for n in range(1, 12)]
    result = render(items, "food-and-agriculture-organization-of-the-united-nations", locale="en-US")
    assert result.bibliography == [f"Anonymous. 2010{chr(96 + n)}. T{n}. 2010/7. Pub (AV)." for n in range(1, 12)]
