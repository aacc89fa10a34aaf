"""The engine package: isolation from citeproc-py, the public API, the render budget, forked
workers, and the three silent wrong outputs of issue 24 against citeproc-js (golden-fixes/)."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys

import pytest

from conftest import REPO

CSL = REPO / "tests" / "data" / "csl"
ITEMS = json.loads((CSL / "input" / "shipped.json").read_text(encoding="utf-8"))


def _plain(line: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", line)).strip()


def test_rendering_through_avimcite_leaves_citeproc_untouched():
    code = """
import json, sys, warnings
warnings.simplefilter("ignore")
import citeproc, citeproc.model as m, citeproc.string as s
before = {n: getattr(cls, n) for cls in (m.Group, m.Layout, m.Names, m.Text, m.If, m.Sort, m.Name) for n in dir(cls)
          if callable(getattr(cls, n, None)) and not n.startswith('__')}
seam = s.normalize_seam
def plain():
    from citeproc import CitationStylesStyle, CitationStylesBibliography, Citation, CitationItem, formatter
    from citeproc.source.json import CiteProcJSON
    items = [{k: v for k, v in i.items() if k not in ('custom', 'citation-key')} for i in json.load(open(sys.argv[1]))]
    bib = CitationStylesBibliography(CitationStylesStyle('apa', validate=False), CiteProcJSON(items), formatter.plain)
    for i in items: bib.register(Citation([CitationItem(i['id'])]))
    bib.sort()
    return [str(e) for e in bib.bibliography()]
first = plain()
from avimcite.csl import render
render(json.load(open(sys.argv[1])), 'apa', locale='en-US', mode='both')
after = {n: getattr(cls, n) for cls in (m.Group, m.Layout, m.Names, m.Text, m.If, m.Sort, m.Name) for n in dir(cls)
         if callable(getattr(cls, n, None)) and not n.startswith('__')}
import avimcite.csl._citeproc as mine
assert mine.model.Group is not m.Group and mine.model.Group.process is not m.Group.process
assert before == after and s.normalize_seam is seam and m.Group.render.__module__ == 'citeproc.model'
assert plain() == first
print('ok')
"""
    done = subprocess.run([sys.executable, "-c", code, str(CSL / "input" / "shipped.json")], capture_output=True, text=True,
                          cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert done.stdout.strip() == "ok", done.stderr[-2000:]


def test_public_render_with_clusters():
    from avimcite.csl import render

    out = render(ITEMS, "apa", locale="en-US", mode="both",
                 clusters=[[{"id": "kuzio2023ending", "locator": "4", "label": "paragraph"}, {"id": "dilaver2018ankaranin"}],
                           [{"id": "dilaver2018ankaranin", "suppress-author": True, "prefix": "see"}]])  # fmt: skip
    assert out.citations == ["(Dilaver, 2018; Kuzio, 2023, para. 4)", "(see 2018)"]
    assert [line[:12] for line in out.bibliography] == ["Dilaver, T. ", "Kuzio, T. (2"]


_TINY = ('<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">'
         '<citation><layout prefix="(" suffix=")" delimiter="; "><text variable="title" font-style="italic"/>'
         '<date variable="issued" prefix=" "><date-part name="year"/></date></layout></citation>'
         '<bibliography><layout><text variable="title"/></layout></bibliography></style>')


def test_public_render_takes_style_text_and_any_path(tmp_path):
    """A style may come as its XML text (a test suite's fixture, a style built in code) or as
    any pathlib.Path, whatever the file is called; each gives the same output."""
    from pathlib import Path

    from avimcite.csl import render

    items = [{"id": "a", "type": "book", "title": "Göç ve Kimlik", "issued": {"date-parts": [[2019]]}}]
    saved = tmp_path / "tiny.xml"
    saved.write_text(_TINY, encoding="utf-8")
    for style in (_TINY, saved, Path(str(saved))):
        out = render(items, style, mode="both", format="html")
        assert out.citations == ["(<i>Göç ve Kimlik</i> 2019)"]
        assert out.bibliography == ["Göç ve Kimlik"]
    from avimcite.errors import UsageError

    with pytest.raises(UsageError, match="does not exist"):
        render(items, tmp_path / "missing.xml")


_POSITIONS = ('<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="note">'
              '<citation near-note-distance="3"><layout><text variable="title"/><choose><if position="ibid">'
              '<text value=" ibid"/></if><else-if position="near-note"><text value=" near"/></else-if>'
              '<else-if position="subsequent"><text value=" far"/></else-if></choose>'
              '<choose><if type="book"><text value=" (book)"/></if></choose></layout></citation></style>')


def test_public_render_takes_citeproc_js_citations_and_given_positions():
    """Clusters as citeproc-js's citations ({"citationItems", "properties": {"noteIndex"}}):
    near-note is counted in the notes given (CSL 1.0.2, near-note-distance), ibid follows the
    note just before (citeproc-js); cites that give a
    position keep it (makeCitationCluster); an item may come without a type."""
    from avimcite.csl import render
    from avimcite.errors import UsageError

    items = [{"id": "a", "title": "A"}, {"id": "b", "title": "B", "type": "book"}]

    def cite(*notes):
        return render(items, _POSITIONS, mode="citation",
                      clusters=[{"citationItems": [{"id": key}], "properties": {"noteIndex": n}} for key, n in notes]).citations

    assert cite(("a", 1), ("b", 2), ("a", 3)) == ["A", "B (book)", "A near"]
    assert cite(("a", 1), ("b", 2), ("a", 9)) == ["A", "B (book)", "A far"]
    # ibid only from the note just before (citeproc-js), else a subsequent cite
    assert cite(("a", 1), ("a", 2)) == ["A", "A ibid"]
    assert cite(("a", 1), ("a", 9)) == ["A", "A far"]
    given = render(items, _POSITIONS, mode="citation", clusters=[[{"id": "a", "position": 2}], [{"id": "b", "position": "subsequent"}]])
    assert given.citations == ["A ibid", "B far (book)"]
    with pytest.raises(UsageError, match="position 7"):
        render(items, _POSITIONS, mode="citation", clusters=[[{"id": "a", "position": 7}]])
    with pytest.raises(UsageError, match="item 2 has no id"):
        render([{"id": "a"}, {"title": "x"}], _POSITIONS, mode="citation", clusters=[[{"id": "a"}]])


def test_renders_in_threads_each_carry_their_own_state():
    """Each render has its own context (avimcite.csl.context): eight renders of four styles
    and three formats at once, in threads, print what each prints alone. (With the engine's
    state at module level they mixed their stacks and formats: 13 of 16 outputs differed.)"""
    import threading

    from avimcite.csl import render

    jobs = [("apa", "html"), ("chicago-notes-bibliography", "text"), ("ieee", "markdown"),
            ("modern-language-association", "html")] * 2  # fmt: skip
    alone = [render(ITEMS, style, locale="en-US", mode="both", format=fmt) for style, fmt in jobs]
    together: list = [None] * len(jobs)

    def run(n: int) -> None:
        style, fmt = jobs[n]
        together[n] = render(ITEMS, style, locale="en-US", mode="both", format=fmt)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for (style, fmt), one, many in zip(jobs, alone, together):
        assert (many.citations, many.bibliography) == (one.citations, one.bibliography), (style, fmt)


def test_render_errors_name_the_item_and_the_element(tmp_path):
    from avimcite.csl import RenderError, render

    loop = tmp_path / "loop.csl"
    loop.write_text('<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">'
                    '<macro name="a"><text macro="b"/></macro><macro name="b"><text macro="a"/></macro>'
                    '<citation><layout><text macro="a"/></layout></citation></style>', encoding="utf-8")  # fmt: skip
    with pytest.raises(RenderError, match="calls itself") as caught:
        render(ITEMS[:1], str(loop), mode="citation")
    assert caught.value.element.startswith('<macro name="a">')
    from avimcite.errors import ExitCode

    assert caught.value.exit_code == ExitCode.RENDER == 9


def test_a_fan_out_of_26_levels_fails_fast(tmp_path, run):
    import time

    macros = "".join(f'<macro name="m{n}"><text macro="m{n + 1}"/><text macro="m{n + 1}"/></macro>' for n in range(26))
    path = tmp_path / "fan.csl"
    path.write_text('<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">' + macros
                    + '<macro name="m26"><text variable="title"/></macro>'
                    '<citation><layout><text macro="m0"/></layout></citation>'
                    '<bibliography><layout><text macro="m0"/></layout></bibliography></style>', encoding="utf-8")  # fmt: skip
    start = time.monotonic()
    result = run("cite", "2023/63", "-s", str(path))
    assert time.monotonic() - start < 5
    assert result.code == 9 and result.out == "" and "fan out" in result.err and result.err.count("\n") == 1


def test_forked_workers_hold_no_pipe_and_die_with_the_parent():
    code = """
import os, sys
from avimcite.csl import fixes
def job(chunk, start):
    if not start:
        return [None] * len(chunk)
    import ctypes, signal
    libc = ctypes.CDLL(None); sig = ctypes.c_int()
    libc.prctl(2, ctypes.byref(sig), 0, 0, 0)  # PR_GET_PDEATHSIG
    fds = sorted(int(f) for f in os.listdir('/proc/self/fd'))
    return [(os.readlink('/proc/self/fd/1'), sig.value, len(fds))] * len(chunk)
out = fixes.forked_map(job, list(range(fixes.PARALLEL_MIN_ENTRIES + 2)))
print(out[-1])
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "AVIMCITE_WORKERS": "2"})  # fmt: skip
    stdout, signal_number, open_fds = eval(done.stdout.strip())  # noqa: S307 - our own child's repr
    assert stdout == "/dev/null" and signal_number == 9 and open_fds <= 5


@pytest.mark.parametrize("style", ["apa", "chicago-author-date", "modern-language-association", "harvard-cite-them-right",
                                   "chicago-notes-bibliography"])  # fmt: skip
def test_html_bibliography_sorts_and_punctuates_as_citeproc_js(style):
    from avimcite.csl import render

    golden = (CSL / "golden-fixes" / "html" / f"{style}.txt").read_text(encoding="utf-8").splitlines()
    ours = render(ITEMS, style, locale="en-US", format="html").bibliography
    text = render(ITEMS, style, locale="en-US").bibliography
    assert [_plain(line)[:30] for line in ours] == [_plain(line)[:30] for line in golden] == [line[:30] for line in text]
    assert not [line for line in ours if re.search(r"[?!.]</i>[.?!]", line)]
    assert ours == [re.sub(r'^<div class="csl-entry">(.*)</div>$', r"\1", line) for line in golden]


@pytest.mark.parametrize("style", ["istanbul-universitesi-sosyal-bilimler-enstitusu", "apa-tr"])
def test_a_turkish_default_locale_is_used_without_locale(run, style):
    golden = (CSL / "golden-fixes" / "locale" / f"{style}.txt").read_text(encoding="utf-8").splitlines()
    result = run("--catalogue", str(REPO / "data" / "posts.json"), "cite", "--all", "-s", style, "--mode", "both",
                 "--accessed", "2026-06-25")  # fmt: skip
    assert result.code == 0
    assert result.lines == [("" if line == "----" else line) for line in golden]
    english = run("--catalogue", str(REPO / "data" / "posts.json"), "cite", "2018/7", "-s", style, "--locale", "en-US")
    assert english.out != result.lines[-1]


def test_the_ad_term_follows_years_below_500_as_citeproc_js():
    # golden-fixes/years: citeproc-js (tools/csl-reference/render_citeprocjs.js --mode both)
    from avimcite.csl import render

    items = json.loads((CSL / "golden-fixes" / "years" / "items.json").read_text(encoding="utf-8"))
    golden = (CSL / "golden-fixes" / "years" / "harvard-cite-them-right.txt").read_text(encoding="utf-8").split("\n----\n")
    out = render(items, "harvard-cite-them-right", locale="en-US", mode="both")
    assert out.citations == golden[0].splitlines()
    assert out.bibliography == golden[1].splitlines()


@pytest.mark.parametrize("style", ["apa", "chicago-notes-bibliography", "vancouver"])
def test_note_field_variables_and_zotero_short_forms_as_citeproc_js(style):
    # golden-fixes/note-fields: citeproc-js (tools/csl-reference/render_citeprocjs.js --mode both):
    # "variable: value" lines and {:variable: value} in `note`, journalAbbreviation; AVİM's
    # own note ("Blog No.2023 / 63") is no variable
    from avimcite.csl import render

    items = json.loads((CSL / "golden-fixes" / "note-fields" / "items.json").read_text(encoding="utf-8"))
    golden = (CSL / "golden-fixes" / "note-fields" / f"{style}.txt").read_text(encoding="utf-8").split("\n----\n")
    out = render(items, style, locale="en-US", mode="both")
    assert out.citations == golden[0].splitlines()
    assert out.bibliography == golden[1].splitlines()
