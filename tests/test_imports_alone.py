"""Every module of the package imports on its own, first, in a fresh interpreter, as a library
caller's `from avimcite.model import Post` does (avimcite.model once failed so: the regex
table it reads through avimcite.cache imported avimcite.model back)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "avimcite"
MODULES = sorted(
    ".".join(("avimcite",) + path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
    for path in PACKAGE.rglob("*.py")
    if path.name != "__main__.py"
)


def test_there_are_modules_to_check():
    assert "avimcite.model" in MODULES and "avimcite.csl.quick" in MODULES


@pytest.mark.parametrize("chunk", [MODULES[i::4] for i in range(4)], ids=[f"part{i}" for i in range(4)])
def test_each_module_imports_first_and_alone(chunk, tmp_path):
    failures = []
    for module in chunk:
        done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")})  # fmt: skip
        if done.returncode != 0:
            failures.append(f"{module}: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
    assert not failures, failures
