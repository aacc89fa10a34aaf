from __future__ import annotations

import json
from typing import Sequence


def dumps(items: Sequence[dict]) -> str:
    """A CSL-JSON array (UTF-8, Turkish letters unescaped), as pandoc and citeproc-js read it."""
    return json.dumps(list(items), ensure_ascii=False, indent=2) + "\n"
