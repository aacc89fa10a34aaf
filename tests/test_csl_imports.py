"""What a render imports: lxml.etree without inspect and gzip (avimcite.csl._lxml), citeproc-py's
HTML formatter and BibTeX reader only when used (avimcite.csl._citeproc), no `html` package;
and every feature that would have used them still working as its documentation says
(checked in fresh interpreters, where the engine is the first to import lxml)."""

from __future__ import annotations

import json
import subprocess
import sys

FRESH = r"""
import json, sys
import avimcite.csl._citeproc  # the engine's private citeproc-py: imports lxml.etree first
from lxml import etree
report = {"loaded": [m for m in ("inspect", "gzip") if m in sys.modules],
          "placeholders": [type(m).__name__ for m in sys.modules.values() if type(m).__name__ == "_Placeholder"]}

# lxml's gzip path (_FilelikeWriter -> GzipFile): a compressed document that gzip reads back
import io
buffer = io.BytesIO()
etree.ElementTree(etree.fromstring("<a>ğüşİ</a>")).write(buffer, compression=6, encoding="utf-8")
import gzip
report["gzip_roundtrip"] = gzip.decompress(buffer.getvalue()).decode("utf-8")
report["gzip_real"] = type(gzip).__name__ == "module" and gzip.__file__.endswith("gzip.py")

# lxml's parser-target path (inspect_getargspec): a start() taking nsmap is given the nsmap
class Target:
    def __init__(self):
        self.seen = []
    def start(self, tag, attrib, nsmap):
        self.seen.append((tag, dict(nsmap)))
    def close(self):
        return self.seen
parser = etree.XMLParser(target=Target())
report["target"] = etree.fromstring('<x:a xmlns:x="urn:x"><x:b/></x:a>', parser)
import inspect
report["inspect_real"] = inspect.__file__.endswith("inspect.py") and inspect.getfullargspec(len) is not None
print(json.dumps(report))
"""


def _fresh(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_lxml_is_imported_without_inspect_and_gzip_and_its_features_work():
    report = _fresh(FRESH)
    assert report["loaded"] == []  # neither module was loaded for lxml's start
    assert report["placeholders"] == []  # and no placeholder is left filed under their names
    assert report["gzip_roundtrip"] == "<a>ğüşİ</a>"  # lxml's compressed output, read by gzip
    assert report["gzip_real"] is True
    # lxml passes the nsmap only to a start() whose signature it read with inspect: the target
    # sees what it sees under lxml imported the ordinary way (lxml 6.1 passes each start the
    # namespaces it declares, 6.2 an empty map; the engine must change neither)
    plain = _fresh(FRESH.replace("import avimcite.csl._citeproc  # the engine's private citeproc-py: imports lxml.etree first\n", ""))
    assert plain["loaded"] != []  # the control run did import lxml the ordinary way
    assert report["target"] == plain["target"]
    assert report["target"][1] == ["{urn:x}b", {}] and report["target"][0][0] == "{urn:x}a"
    assert report["inspect_real"] is True


def test_a_program_that_imported_inspect_and_gzip_first_keeps_them():
    code = "import inspect, gzip\nbefore = (inspect, gzip)\n" + FRESH.replace(
        "print(json.dumps(report))",
        'report["same"] = sys.modules["inspect"] is before[0] and sys.modules["gzip"] is before[1]\nprint(json.dumps(report))',
    )
    report = _fresh(code)
    assert report["same"] is True
    assert report["loaded"] == ["inspect", "gzip"]
    assert report["gzip_roundtrip"] == "<a>ğüşİ</a>"


RENDERED = r"""
import json, sys
from avimcite.csl import render
item = {"id": "k", "type": "post-weblog", "title": "Fish & chips < 3 > 2", "issued": {"date-parts": [[2023]]},
        "author": [{"family": "Kılıç", "given": "Alev"}]}
text = render([item], "apa", format="text")
report = {"text": text.bibliography, "loaded": [m for m in ("html", "html.entities", "inspect", "gzip") if m in sys.modules]}
html_out = render([item], "apa", format="html")
report["html"] = html_out.bibliography
import avimcite.csl._citeproc as copy, citeproc.formatter.html as upstream
report["formatter"] = [copy.formatter.html.preformat("<a & 'b'>"), upstream.preformat("<a & 'b'>")]
report["formatter_file"] = copy.formatter.html.__file__ == upstream.__file__
report["bibtex"] = copy.source.bibtex.BibTeX.__name__
print(json.dumps(report))
"""


def test_a_text_render_loads_no_html_package_and_the_deferred_modules_still_work():
    report = _fresh(RENDERED)
    assert report["loaded"] == []  # a plain-text render: no html, html.entities, inspect or gzip
    assert report["text"] == ["Kılıç, A. (2023). Fish & chips < 3 > 2."]
    assert report["html"] == ["Kılıç, A. (2023). <i>Fish &amp; chips &lt; 3 &gt; 2</i>."]  # escaped as html.escape does
    assert report["formatter"][0] == report["formatter"][1] == "&lt;a &amp; 'b'&gt;"  # citeproc-py's own, loaded on use
    assert report["formatter_file"] is True
    assert report["bibtex"] == "BibTeX"


def test_markup_escapes_as_html_escape():
    import html

    from avimcite.csl import markup

    samples = ["", "plain", "a & b", "<i>x</i>", "&amp;", "\"quoted\" 'single'", "ğüşİ <>&&", "&#8220;"]
    for text in samples:
        assert markup.HTML.preformat(text) == html.escape(text, quote=False)
