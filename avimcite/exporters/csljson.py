from __future__ import annotations

import json
from typing import Iterable, Iterator


def dumps(items: Iterable[dict]) -> Iterator[str]:
    """A CSL-JSON array, one item per line (UTF-8, Turkish letters unescaped).

    One line per item keeps diffs readable and lets json use its C encoder
    (an `indent` would make it fall back to pure Python: 2.6 s for 100,000 items).
    """
    yield "["
    separator = "\n"
    for item in items:
        yield separator + json.dumps(item, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"
