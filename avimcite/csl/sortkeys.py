"""Sort keys as citeproc-js builds them from a macro.

A citation-number printed inside a sort macro is the item's place in the registry, padded
with zeros to 20 digits (citeproc-js's CSL.Util.padding), so that it sorts as a number: 6
before 10 among items whose other keys tie (food-and-agriculture-organization sorts its
anonymous items "1Anonymous2017" + the citation number).
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"\s*(-?[0-9]+)")


def padded(text: str) -> str:
    """citeproc-js's CSL.Util.padding: the first integer, 20 digits; other text as it is."""
    match = _NUMBER.match(text)
    if not match:
        return text
    number = int(match.group(1))
    if number < 0:
        number += 99999999999999999999
    return f"{number:020d}"


def install(package) -> None:
    model, string = package.model, package.string
    render = model.Text.render

    def text_render(self, *args, **kwargs):
        text = render(self, *args, **kwargs)
        if text is not None and kwargs.get("sort_options") is not None and self.get("variable") == "citation-number":
            return string.String(padded(str(text)))
        return text

    model.Text.render = text_render
