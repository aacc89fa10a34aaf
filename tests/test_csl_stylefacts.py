"""avimcite.csl.stylefacts: a style's budget verdict and whether it holds character references
are kept for its bytes; a kept verdict skips the walks and changes no output, a failing style
is never kept, and a kept file is used only when it is whole, the user's own and for these
very bytes and this code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from avimcite.csl import budget, fixes, render, stylefacts
from avimcite.errors import RenderError

ITEM = {"id": "k", "type": "post-weblog", "title": "Sea and shore", "issued": {"date-parts": [[2023]]},
        "author": [{"family": "Kılıç", "given": "Alev"}]}  # fmt: skip
STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
<macro name="author"><names variable="author"><name initialize-with=". " name-as-sort-order="all"/></names></macro>
<macro name="title"><text variable="title" prefix="&amp;#171;" suffix="&amp;#187;"/></macro>
<citation><layout><text macro="author"/></layout></citation>
<bibliography><layout><group delimiter=" "><text macro="author"/><text macro="title"/></group></layout></bibliography></style>"""


@pytest.fixture(autouse=True)
def _nothing_pending():
    stylefacts.remember.__defaults__[0].clear()  # facts another test's renders left to write
    yield
    stylefacts.remember.__defaults__[0].clear()


def _kept() -> list[Path]:
    return sorted((Path(os.environ["XDG_CACHE_HOME"]) / "avimcite").glob("stylefacts-*.marshal"))


def _forbid_walks(monkeypatch):
    def walked(*args, **kwargs):
        raise AssertionError("walked the style although its facts were kept")

    monkeypatch.setattr(budget, "check", walked)
    monkeypatch.setattr(fixes, "holds_references", walked)


def test_kept_facts_skip_the_walks_and_print_the_same(tmp_path, monkeypatch):
    path = tmp_path / "mine.csl"
    path.write_text(STYLE, encoding="utf-8")
    first = render([ITEM], path).bibliography
    assert first == ["Kılıç, A. «Sea and shore»"]  # the style's "&amp;#171;" decoded, as citeproc-js does
    assert _kept() == []  # a library render writes nothing
    stylefacts.save_pending()  # what the program does when it ends
    assert len(_kept()) == 1
    with monkeypatch.context() as m:
        _forbid_walks(m)
        assert render([ITEM], path).bibliography == first
    path.write_text(STYLE.replace('delimiter=" "', 'delimiter="; "'), encoding="utf-8")  # other bytes: walked again
    assert render([ITEM], path).bibliography == ["Kılıç, A.; «Sea and shore»"]
    stylefacts.save_pending()
    assert len(_kept()) == 2


def test_a_style_that_fails_the_budget_is_never_kept(tmp_path):
    loop = tmp_path / "loop.csl"
    loop.write_text(STYLE.replace('<text variable="title"', '<text macro="title"'), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RenderError, match="calls itself"):
            render([ITEM], loop)
        stylefacts.save_pending()
    assert _kept() == []


@pytest.mark.parametrize("damage", ["flip", "foreign", "symlink", "shared"])
def test_a_damaged_foreign_or_planted_file_is_not_used(tmp_path, monkeypatch, damage):
    path = tmp_path / "mine.csl"
    path.write_text(STYLE, encoding="utf-8")
    render([ITEM], path)
    stylefacts.save_pending()
    (kept,) = _kept()
    if damage == "flip":
        data = bytearray(kept.read_bytes())
        data[-3] ^= 0xFF
        kept.write_bytes(bytes(data))
    elif damage == "foreign":  # another style's facts under this style's name
        other = tmp_path / "other.csl"
        other.write_text(STYLE.replace("initialize-with", "sort-separator"), encoding="utf-8")
        render([ITEM], other)
        stylefacts.save_pending()
        (theirs,) = [p for p in _kept() if p != kept]
        os.replace(theirs, kept)
    elif damage == "symlink":
        planted = tmp_path / "planted.marshal"
        os.replace(kept, planted)
        os.symlink(planted, kept)
    else:
        os.chmod(kept.parent, 0o777)
    walked = []
    monkeypatch.setattr(budget, "check", lambda root, style_id: walked.append(style_id))
    assert render([ITEM], path).bibliography == ["Kılıç, A. «Sea and shore»"]
    assert walked  # checked again, as with no kept file


def test_the_key_follows_the_bytes_and_the_code():
    a, b = stylefacts.key(STYLE.encode()), stylefacts.key(STYLE.encode() + b" ")
    assert a != b and a == stylefacts.key(STYLE.encode())
    stylefacts._code[:] = [b"another avimcite"]
    try:
        assert stylefacts.key(STYLE.encode()) != a
    finally:
        stylefacts._code.clear()
