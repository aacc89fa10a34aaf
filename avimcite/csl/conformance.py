"""CSL rules where avimcite's output differed from citeproc-js on untuned styles.

Each rule is a named function applied by `install(package)` to avimcite's private copy of
citeproc-py (avimcite.csl._citeproc), after fixes.install. Found by drawing fresh samples of
styles the rules were not written for (bench/csl_agreement.py --seed N) and grouping the
differing lines by cause; each is a CSL rule as citeproc-js runs it, never a style's name.
"""

from __future__ import annotations

from avimcite import rx
from avimcite.csl.lazyre import LazyPattern as _lazy_re  # speed only: compiled on first use (avimcite.rx)

# Patterns of the functions below (compiled on first use, their code kept by avimcite.rx).
_LOWER_PARTICLES = _lazy_re(r"^([ '\u2019a-z]+\s+)")
_ARTICLE = _lazy_re(r"^(a\s+|the\s+|an\s+)")
_SPACE_RUNS = _lazy_re(r"\s+")

_installed = False


def install(package) -> None:
    global _installed
    if _installed:
        return
    model = package.model
    _text_case_on_a_macro_call_is_ignored(model)
    _citation_label(model)
    _apostrophes_in_terms(model)
    _short_url(model)
    _installed = True


def _text_case_on_a_macro_call_is_ignored(model) -> None:
    """citeproc-js applies text-case to the text an element prints itself, never to what a
    called macro prints (as it ignores it on cs:group): `<text macro="author"
    text-case="uppercase"/>` prints "Anon." and "Kılıç", not "ANON." and "KILIÇ"."""
    original = model.Text.case

    def case(self, text, language=None):
        if "macro" in self.attrib:
            return text
        return original(self, text, language)

    model.Text.case = case


# citeproc-js's defaults for the generated `citation-label` (its "trigraph" option)
_TRIGRAPH = "Aaaa00:AaAa00:AaAA00:AAAA00"
_NAME_VARIABLES = ("author", "chair", "collection-editor", "compiler", "composer", "container-author", "contributor",
                   "curator", "director", "editor", "editor-translator", "editorial-director", "executive-producer",
                   "guest", "host", "illustrator", "interviewer", "narrator", "organizer", "original-author",
                   "performer", "producer", "recipient", "reviewed-author", "script-writer", "series-creator",
                   "translator", "commenter")  # fmt: skip
_NOT_ROMANESQUE = rx.compile(
    "[^a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4\u05d6-\u05ff\u1f00-\u1fff"
    "\u0600-\u06ff\u200c\u200d\u200e\u0218\u0219\u021a\u021b\u202a-\u202e]"
)
# citeproc-js's title skip words (CSL.SKIP_WORDS), matched exactly as written
_SKIP_WORDS = frozenset("""about above across afore after against al along alongside amid amidst among amongst anenst
apropos apud around as aside astride at athwart atop barring before behind below beneath beside besides between beyond
but by circa despite down during et except for forenenst from given in inside into lest like modulo near next
notwithstanding of off on onto out over per plus pro qua sans since than through thru throughout thruout till to toward
towards under underneath until unto up upon versus vs. v. vs v via vis-à-vis with within without or yet so and nor a an
the de d' von van c ca""".split())


def _trigraph():
    params = []
    for part in _TRIGRAPH.split(":"):
        authors, year = [], 0
        for ch in part:
            if ch == "A":
                authors.append(1)
            elif ch == "a":
                authors[-1] += 1
            elif ch == "0":
                year += 1
        params.append((authors, year))
    return params


def _capitalised(text: str) -> str:
    if len(text) > 1:
        return text[0].upper() + text[1:].lower()
    return text.upper()


def citation_label(reference, reference_term: str = "reference") -> str:
    """The `citation-label` citeproc-js generates when an item has none ("Kılı23", "Emek10"
    from a title): the first letters of up to four family names of the first name variable
    present (4, 2+2, 2+1+1, 1+1+1+1), else of the title's words but skip words, then the
    last two digits of the year ("00" without one)."""
    params = _trigraph()
    authors, year_digits = params[0]
    myname = reference_term.replace(".", "", 1)
    myname = myname[:1].upper() + myname[1:]
    label = ""
    for variable in _NAME_VARIABLES:
        names = reference.get(variable.replace("-", "_")) if hasattr(reference, "get") else None
        if not names:
            continue
        authors, year_digits = params[-1] if len(names) > len(params) else params[len(names) - 1]
        for index, name in enumerate(names):
            if index == len(authors):
                break
            family = name.get("family") if hasattr(name, "get") else None
            if family:
                myname = _LOWER_PARTICLES.sub("", str(family))
            elif hasattr(name, "get") and name.get("literal"):
                myname = str(name.get("literal"))
            m = _ARTICLE.match(myname.lower())
            if m:
                myname = myname[len(m.group(1)) :]
            myname = _NOT_ROMANESQUE.sub("", myname)
            if not myname:
                break
            label += _capitalised(myname[: authors[index]])
        break
    if not label:
        title = reference.get("title") if hasattr(reference, "get") else None
        if title:
            words = [w for w in _SPACE_RUNS.split(str(title)) if w not in _SKIP_WORDS]
            label = _capitalised("".join(words)[: params[0][0][0]])
    year = "0000"
    issued = reference.get("issued") if hasattr(reference, "get") else None
    if issued is not None:
        value = issued.get("year") if hasattr(issued, "get") else None
        if value is None and hasattr(issued, "get") and issued.get("begin") is not None:
            value = issued["begin"].get("year")
        if value is not None:
            year = str(value)
    return label + (year[-year_digits:] if year_digits else "")


def _citation_label(model) -> None:
    """`citation-label` is generated when the item has none, as citeproc-js does (CSL 1.0.2
    leaves the form to the processor; citeproc-py printed nothing, the cite became
    "[NO_PRINTED_FORM]"), with the item's year-suffix appended (to a label given in the
    item's data too); a sort key on citation-label sorts on that label."""
    original = model.Text._variable

    def _variable(self, item, context):
        if self.get("variable") != "citation-label":
            return original(self, item, context)
        reference = item.reference
        label = _label(self, reference)
        if "year_suffix" in reference:
            label += str(reference["year_suffix"])
        return model.String(label) if hasattr(model, "String") else label

    model.Text._variable = _variable
    original_sort_keys = model.Key.sort_keys

    def sort_keys(self, items, context):
        # a sort on citation-label sorts on the label printed, given or generated
        if self.get("variable") != "citation-label":
            return original_sort_keys(self, items, context)
        return [_label(self, item.reference) for item in items]

    model.Key.sort_keys = sort_keys


def _label(element, reference) -> str:
    """The item's own citation-label, else the one citeproc-js generates (no year suffix)."""
    if "citation_label" in reference:
        return str(reference["citation_label"])
    term = element.get_single_term(name="reference", form="short")
    return citation_label(reference, str(term) if term else "reference")


_QUOTED = rx.compile(r"(?:^|\s)'[^']+'(?=$|[\s.,;:?!])")


def _typographic_apostrophes(text: str) -> str:
    if "'" not in text or _QUOTED.search(text):  # a quoted stretch is rich text's business
        return text
    return text.replace("'", "\u2019")


def _apostrophes_in_terms(model) -> None:
    """citeproc-js runs every string it prints through its rich-text parser, terms and
    `value` texts included, which makes a straight apostrophe typographic: a style's
    `<term name="from">à l'adresse</term>` prints "à l’adresse" (cahiers-d-ethnomusicologie)."""
    original_term = model.Text._term

    def _term(self, item):
        text = original_term(self, item)
        if text and "'" in str(text):
            fixed = _typographic_apostrophes(str(text))
            if fixed != str(text):
                return text.__class__(fixed)
        return text

    model.Text._term = _term


_URL_PATH = rx.compile(r"(.*\.[^/]+)/.*")
_URL_SCHEME = rx.compile(r"https?://")


def _short_url(model) -> None:
    """`<text variable="URL" form="short"/>` prints the URL up to its host, without the
    scheme when the host starts with "www." (citeproc-js, node_text.js: "www.avim.org.tr",
    "https://avim.org.tr"); citeproc-py printed the whole URL."""
    original = model.Text._variable

    def _variable(self, item, context):
        text = original(self, item, context)
        if text is None or self.get("variable") != "URL" or self.get("form") != "short":
            return text
        value = _URL_PATH.sub(r"\1", str(text), count=1)
        if "//www." in value:
            value = _URL_SCHEME.sub("", value, count=1)
        return type(text)(value)

    model.Text._variable = _variable
