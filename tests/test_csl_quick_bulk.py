"""A long bibliography whose entries print from the style's compiled form.

From citing.BULK_ENTRIES posts on, `cite` gives the engine the style's compiled form: the
engine sorts and disambiguates as always, then each entry the form renders (given the
citation-number, year suffix and disambiguation the engine settled) prints from it, the
others from the engine. What a user sees must not depend on it: the bibliography, entry for
entry and in order, is the one the engine prints alone (itself checked against citeproc-js by
the agreement tests), with year suffixes, numbers, names added by the disambiguation and
Turkish default locales.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest

from avimcite import citing
from avimcite.csl import compiler, engine
from avimcite.csl.styles import resolve_style, style_locale

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from make_catalogue import make_posts  # noqa: E402

from conftest import forget_answers, kept_forms  # noqa: E402

# author-date (springer and elsevier-harvard print no year-suffix variable: the first year takes
# it), numeric (citation-number in the entry), a Turkish default locale; MLA substitutes an
# entry's names by the one before's ("———"): the engine prints those
BULK = ["apa", "chicago-author-date", "springer-basic-author-date", "harvard-cite-them-right", "elsevier-harvard", "ieee",
        "apa-tr"]  # fmt: skip
SUBSTITUTING = ["modern-language-association"]
YEAR_SUFFIX = re.compile(r"\b(?:19|20)\d\d[a-z]\b")


def _posts(n: int, seed: int) -> list[dict]:
    """Synthetic posts, and as many again by the same authors in the same years (year suffixes,
    names added and given names expanded in the citations)."""
    posts = make_posts(n, seed=seed)
    for post in posts[: n // 2]:
        twin = dict(post, number=post["number"] + 500, title="ANOTHER " + post["title"])
        twin["url"] = post["url"] + "-another"
        posts.append(twin)
    return posts


@pytest.fixture(scope="module")
def items() -> list[dict]:
    from avimcite import catalogue
    from avimcite.csl.mapping import post_to_csl
    from avimcite.keys import assign_keys

    raw = json.dumps({"schema": "avimcite-catalogue/1", "posts": _posts(80, seed=7)}).encode()
    posts = list(catalogue.load(catalogue.shipped_catalogue_path()).posts) + list(catalogue.load_bytes(raw, Path("s.json")).posts)
    keys = assign_keys(posts)
    return [post_to_csl(p, keys[p.id], date(2026, 6, 25)) for p in posts]


@pytest.mark.parametrize("name", BULK + SUBSTITUTING)
def test_a_long_bibliography_is_the_engines_entry_for_entry(name, items):
    style = resolve_style(name)
    locale = style_locale(style, None)
    form = compiler.compile_and_verify(style, locale, bulk=True)
    assert form is not None and form["bulk"] != (name in SUBSTITUTING), f"{name}: bulk verification {form and form['bulk']}"
    form = dict(form, bulk=True)  # a substituting style's too: the engine still prints its entries
    alone = engine.render(items, style, None, "bibliography", "text")
    mine = engine.render(items, style, None, "bibliography", "text", form=form)
    assert not alone.failures and len(alone.bibliography) == len(items)
    for n, (expected, got) in enumerate(zip(alone.bibliography, mine.bibliography)):
        assert got == expected, (name, n, alone.keys[n])
    assert mine.bibliography == alone.bibliography
    if name in SUBSTITUTING:
        assert mine.quick_entries == 0  # the entry before decides each entry's names: the engine's
    else:
        assert mine.quick_entries > len(items) // 2, f"{name}: {mine.quick_entries} of {len(items)} from the form"
    if name not in ("ieee", *SUBSTITUTING):
        assert len(YEAR_SUFFIX.findall("\n".join(alone.bibliography))) > 20  # the twins were told apart


def test_both_modes_at_once(items):
    style = resolve_style("apa")
    form = compiler.compile_and_verify(style, "en-US", bulk=True)
    alone = engine.render(items, style, None, "both", "text")
    mine = engine.render(items, style, None, "both", "text", form=form)
    assert (mine.citations, mine.bibliography) == (alone.citations, alone.bibliography)
    assert mine.quick_entries > len(items) // 2


def test_the_cli_prints_the_engines_bibliography(run, write_catalogue, monkeypatch):
    """`cite --all` over a catalogue of more than BULK_ENTRIES posts: the form is built on the
    first run and kept; the lines are those the engine prints with no form, every time."""
    path = write_catalogue(_posts(2 * citing.BULK_ENTRIES // 3 + 2, seed=3))
    argv = ["--catalogue", str(path), "cite", "--all", "--style", "apa", "--accessed", "2026-06-25"]
    built, printed = [], []
    real = compiler.compile_and_verify
    monkeypatch.setattr(compiler, "compile_and_verify", lambda *a: built.append(a) or real(*a))
    from avimcite.csl import quick

    real_render = quick.render
    monkeypatch.setattr(quick, "render", lambda form, item, mode, entry=None:
                        printed.append(entry) or real_render(form, item, mode, entry) if entry else real_render(form, item, mode))
    first = run(*argv)
    forget_answers()  # else the run before answers again (the same lines)
    second = run(*argv)
    assert len(printed) >= 2 * len(first.lines), "each run's entries were offered to the form"
    assert len(built) == 1, "the first long bibliography builds the style's compiled form, the next reads it"
    assert len(first.lines) >= citing.BULK_ENTRIES
    monkeypatch.setattr(citing, "BULK_ENTRIES", 10**9)  # the engine alone
    forget_answers()
    alone = run(*argv)
    assert first.code == second.code == alone.code == 0
    assert YEAR_SUFFIX.search(alone.out)
    assert first.out == second.out == alone.out


def test_a_form_kept_for_a_first_citation_is_verified_for_many_entries_when_first_needed(run, write_catalogue, monkeypatch):
    """A first citation keeps a form not yet verified for long bibliographies (bulk unknown):
    the first long bibliography verifies it once and keeps the answer; the lines stay the
    engine's."""
    path = write_catalogue(_posts(2 * citing.BULK_ENTRIES // 3 + 2, seed=5))
    argv = ["--catalogue", str(path), "cite", "--all", "--style", "harvard-cite-them-right", "--accessed", "2026-06-25"]
    single = run("cite", "2023/63", "--style", "harvard-cite-them-right", "--accessed", "2026-06-25")
    assert single.code == 0
    from avimcite.csl import compiled

    def bulk_flags():
        return [compiled.load(p.name[len("compiled-"):-len(".marshal")])["bulk"] for p in kept_forms()]

    assert bulk_flags() == [None]  # a first citation does not pay for the bulk probes
    threshold = citing.BULK_ENTRIES
    monkeypatch.setattr(citing, "BULK_ENTRIES", 10**9)
    alone = run(*argv)
    monkeypatch.setattr(citing, "BULK_ENTRIES", threshold)
    verified = []
    real = compiler.verify_bulk
    monkeypatch.setattr(compiler, "verify_bulk", lambda *a: verified.append(a) or real(*a))
    forget_answers()  # else the run before answers again (the same lines)
    first = run(*argv)
    forget_answers()
    second = run(*argv)
    assert first.code == second.code == alone.code == 0
    assert len(verified) == 1
    assert bulk_flags() == [True]
    assert first.out == second.out == alone.out


def test_a_form_not_verified_for_many_entries_is_not_used_for_them(items):
    """The form says whether the bulk probes printed the same (form["bulk"]); one that did not
    prints no entry of a long bibliography, and an Entry refuses a form not verified for it."""
    from avimcite.csl import quick

    style = resolve_style("apa")
    form = dict(compiler.compile_and_verify(style, "en-US"), bulk=False)
    mine = engine.render(items[:40], style, None, "bibliography", "text", form=form)
    assert mine.quick_entries == 0
    assert mine.bibliography == engine.render(items[:40], style, None, "bibliography", "text").bibliography
    with pytest.raises(quick.Refuse):
        quick.render(form, items[0], "bibliography", quick.Entry())


def test_an_entry_that_prints_nothing_is_the_engines(tmp_path, items):
    """A style whose entry prints only the title, and posts without one among those with one:
    the engine decides what such an entry prints (avimcite.csl.bibliography.empty_entry), the
    form prints no empty line in its place."""
    path = tmp_path / "titles-only.csl"
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n'
                    '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
                    '<info><title>Titles only</title><id>titles-only</id><updated>2026-12-05T00:00:00+00:00</updated></info>'
                    '<citation><layout><text variable="title"/></layout></citation>'
                    '<bibliography><sort><key variable="URL"/></sort><layout><text variable="title"/></layout></bibliography>'
                    '</style>\n', encoding="utf-8")  # fmt: skip
    style = resolve_style(str(path))
    form = compiler.compile_and_verify(style, "en-US", bulk=True)
    assert form is not None and form["bulk"]
    some = [dict(item) for item in items[:60]]
    for item in some[::3]:
        del item["title"]
    alone = engine.render(some, style, "en-US", "bibliography", "text")
    mine = engine.render(some, style, "en-US", "bibliography", "text", form=form)
    assert mine.bibliography == alone.bibliography
    assert 0 < mine.quick_entries < len(some)
