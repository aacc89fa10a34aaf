"""Personal names as citeproc-js renders them (cs:name): the name list and each person in it.

Reading a name (citeproc-js's NameOutput._parseName and CSL.parseParticles), when the item
is read:

* a family name in double quotes ("\\"Van Dyke\\"") is taken whole, unquoted, unparsed;
  "parse-names": false turns the parsing off;
* a family name that opens with lower-case words ("van der Vlist", "al-One", "d'Aubignac")
  and no explicit non-dropping-particle gives them as that particle; lower-case words ending
  the given name ("Alexander von") become the dropping particle; "John, Jr." in the given
  field gives the suffix ("John,! Jr." with comma-suffix); only for a name with a given name;
* straight apostrophes in a name print as typographic ones ("d’", "in ’t");
* rich text in a name part (<b>Doe</b>) is read after initialization ("<b>J.</b> Q."), and
  the name is escaped for the output here (avimcite.csl.engine passes names raw);
* every CSL 1.0.2 name variable is a name (citeproc-py knew eleven: "reviewed-author",
  "director" ... were text), and a reference finds one under its CSL name
  ("container-author", not only "container_author": those printed nothing).

Rendering one person (NameOutput._renderOnePersonalName):

* the family name-part's formatting and text-case go on the family name and the
  non-dropping particle one at a time ("<b>van</b> <b>Roe</b>", "van DER MEER" when "van" is
  the dropping particle), the given name-part's on the given name and the dropping particle;
  the name-part's affixes go around the whole chunk ("(de La Fontaine III)");
* a particle ending in an apostrophe or a hyphen is written against the family name
  ("d’Aubignac", "al-One"); comma-suffix ("Doe, Jr."); an affix ending in a space is not
  followed by a second one;
* a name with no Latin, Greek, Cyrillic, Hebrew, Arabic or Thai letter in its family name
  prints family and given name without a space ("我妻栄"); a name with a given name only,
  or of an item in Hungarian or Vietnamese, prints family then given name, not inverted;
* a given name alone ("Banksy") is not initialized;
* in a sort key (a sort macro) the particles follow the given name unless
  demote-non-dropping-particle is "never", and the names are joined by the delimiter alone
  (no "and", no "et al."), without the cs:names label.

Joining the list (NameOutput._joinAnd, _joinEtAl, _joinEllipsis): the name delimiter before
"and" (not a fixed ", "), delimiter-precedes-last and delimiter-precedes-et-al with
"after-inverted-name"; "and" and "et al." terms that do not start with a letter (Hebrew "ו",
Chinese "等") are written without spaces around them; et-al-use-first="0" prints no names;
a list is cut only where et-al-use-first is set and not above et-al-min; form="count" over
several variables adds their counts up; an et-al term of only whitespace prints nothing.

cs:names and cs:substitute (citeproc-js's done_vars and can_substitute): a name variable
printed while a cs:substitute renders is not printed again in the entry; a cs:text term or
value in cs:substitute ends the substitution even when empty; subsequent-author-substitute
compares and replaces the names without their label ("--- ed.").

cs:name's prefix and suffix go around each person (avimcite.csl.fixes keeps Name.markup for
that); avimcite.csl.disambiguation renders a list one name at a time through this
Name.process and joins it with `join`.
"""

from __future__ import annotations

import importlib
import re

from avimcite import rx
from avimcite.csl.lazyre import LazyPattern as _lazy_re  # speed only: compiled on first use (avimcite.rx)

# Patterns of the functions below (compiled on first use, their code kept by avimcite.rx).
_SUFFIX_COMMA = _lazy_re(r"(\s*,!*\s*)")
_NBSP_OR_BOM = _lazy_re("[\u00a0\ufeff]")

_FAMILY_PARTICLE = rx.compile(r"^([^ ]+(?:-|\u02bb|\u2019| |') *)(.+)$", re.S)
_GIVEN_PARTICLE = rx.compile(r"^([^ ]+(?:\u02bb |\u2019 | |' ) *)(.+)$", re.S)
_LEAD = rx.compile(r"^[-'\u02bb\u2019\s]*(.)", re.S)
_LETTERS = ("a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4\u05d6-\u05ff"
            "\u1f00-\u1fff\u0600-\u06ff\u200c\u200d\u200e\u0218\u0219\u021a\u021b\u202a-\u202e")  # fmt: skip
_ROMANESQUE = rx.compile(f"[-0-9{_LETTERS}]")  # CSL.ROMANESQUE_REGEXP
_STARTS_ROMANESQUE = rx.compile(f"^[&{_LETTERS}]")  # CSL.STARTSWITH_ROMANESQUE_REGEXP
_JOINING = ("\u2019", "'", "-", " ")  # a non-dropping particle ending so is written against the family name
_APOSTROPHES = ("'", "\u02bc", "\u2019", "-")
# CSL 1.0.2's name variables; citeproc-py 0.11.1 knows eleven of them and read the others
# ("reviewed-author", "director", ...) as text
NAME_VARIABLES = ("author", "chair", "collection_editor", "compiler", "composer", "container_author", "contributor",
                  "curator", "director", "editor", "editor_translator", "editorial_director", "executive_producer",
                  "guest", "host", "illustrator", "interviewer", "narrator", "organizer", "original_author",
                  "performer", "producer", "recipient", "reviewed_author", "script_writer", "series_creator",
                  "translator", "commenter")  # fmt: skip
_NAME_FIELDS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix")


# --- reading names (citeproc-js's CSL.parseParticles) ---------------------------------


def _is_particle(text: str) -> bool:
    m = _LEAD.match(text)
    return bool(m) and m.group(1).upper() != m.group(1)


def _split_family(value: str) -> tuple[str, str]:
    particles, rest = [], value
    m = _FAMILY_PARTICLE.match(rest)
    while m and _is_particle(m.group(1)):
        particles.append(m.group(1))
        rest = m.group(2)
        m = _FAMILY_PARTICLE.match(rest)
    joined = "".join(particles)
    particle = joined.strip()
    if joined.endswith(" ") and particle.endswith(("'", "\u2019")):
        particle += " "
    return particle, rest


def _split_given(value: str) -> tuple[str, str]:
    particles, rest = [], value
    m = _GIVEN_PARTICLE.match(rest[::-1])
    while m:
        piece = m.group(1)[::-1]
        if not _is_particle(piece):
            break
        particles.insert(0, piece)
        rest = rest[: len(rest) - len(piece)]
        m = _GIVEN_PARTICLE.match(m.group(2))
    for i in range(1, len(particles)):
        if particles[i].startswith(" "):
            particles[i - 1] += " "
    particles = [p[1:] if p.startswith(" ") else p for p in particles]
    return "".join(particles).strip(), rest


def _parse_suffix(data: dict) -> None:
    given = data.get("given")
    if data.get("suffix") or not isinstance(given, str):
        return
    m = _SUFFIX_COMMA.search(given)
    if not m:
        return
    possible = given[m.end():]
    if possible.replace(".", "") == "et al" and not data.get("dropping-particle"):
        data["dropping-particle"] = possible
        data["comma-dropping-particle"] = ","
    else:
        if len(m.group(1).replace(" ", "")) == 2:
            data["comma-suffix"] = True
        data["suffix"] = possible
    data["given"] = given[: m.start()]


def parse_name(data: dict) -> dict:
    """A CSL-JSON name as citeproc-js reads it before rendering (see the module docstring)."""
    if not isinstance(data, dict):
        return data
    data = {k: (v.replace("'", "\u2019") if k in _NAME_FIELDS and isinstance(v, str) else v) for k, v in data.items()}
    if "literal" in data:
        return data
    parse = data.get("parse-names")
    if parse is not None and parse in (False, 0, "false"):
        return data
    family = data.get("family")
    if not isinstance(family, str):
        return data
    if len(family) > 1 and family.startswith('"') and family.endswith('"'):
        data["family"] = family[1:-1]
        return data
    if data.get("non-dropping-particle") or data.get("static-particles") or not data.get("given"):
        return data
    particle, rest = _split_family(family)
    data["family"] = rest
    if particle:
        data["non-dropping-particle"] = particle
    _parse_suffix(data)
    particle, rest = _split_given(data.get("given") or "")
    data["given"] = rest
    if particle:
        data["dropping-particle"] = particle
    return data


# --- rendering -------------------------------------------------------------------------


def _join(pieces, sep: str) -> str:
    """citeproc-js's _join of name pieces: empty ones dropped; a separator's leading space is
    not added after a piece that ends in a space (a no-break space from an affix)."""
    out = ""
    for piece in pieces:
        if not piece:
            continue
        if out:
            out += sep[1:] if sep[:1] == " " and out[-1].isspace() else sep
        out += piece
    return out


def _cat(*pieces):
    """Pieces of a name list put together; a space that meets a space is written once
    (cs:name suffix=" " before " and ")."""
    out = pieces[0]
    for piece in pieces[1:]:
        if not piece:
            continue
        if str(out)[-1:].isspace() and str(piece)[:1] == " ":
            piece = piece[1:]
        out = out + piece
    return out


def _rich(text: str) -> str:
    """A name part's CSL-JSON markup (<b>Doe</b>) as the engine's formatting markers, after
    initialization has read the tags as citeproc-js's initializeWith does; the text is
    escaped later (`_escape`, after text-case), a stray tag with it."""
    if "<" not in text:
        return text
    from avimcite.csl import richtext

    return richtext.parse(text, None, quotes=False)


def _escape(text: str) -> str:
    """Name text escaped for the render's output format (HTML, Markdown); names reach the
    engine unescaped (avimcite.csl.engine) so that their rich text can be read here."""
    if not text:
        return text
    from avimcite.csl import fixes, markup

    return markup.formatter(fixes.render_context.format).preformat(text)


def _romanesque(given, family, language) -> int:
    """0: no Latin (or Greek, ...) letter in the family name; 1: mixed, or a Chinese or
    Japanese item; 2: a Latin name (NameOutput._isRomanesque)."""
    ret = 2 if _ROMANESQUE.search((family or "").replace('"', "")) else 0
    if not ret and given and _STARTS_ROMANESQUE.match(given):
        ret = 1
    if ret == 2 and (language or "")[:2] in ("ja", "zh"):
        ret = 1
    return ret


class _Parts:
    """A cs:name's cs:name-part children: formatting and text-case (one piece at a time),
    affixes (around a chunk)."""

    def __init__(self, element, language) -> None:
        from avimcite.csl._citeproc.string import String

        self._string = String
        self.language = language
        self.parts = {p.get("name"): p for p in element.findall("cs:name-part", element.nsmap)}

    def decor(self, which: str, text):
        """The name-part's text-case and formatting on one piece, escaped for the output."""
        part = self.parts.get(which)
        if not text:
            return ""
        if part is None:
            return _escape(text)
        cased = part.case(self._string(str(text)), self.language)
        return str(part.format(self._string(_escape(str(cased)))))

    def affix(self, which: str, text: str) -> str:
        part = self.parts.get(which)
        if part is None or not text:
            return text
        return str(part.wrap(self._string(text)))


def _nbspace(element) -> str:
    locale = (element.get_root().get("default-locale") or "en-US")[:2]
    return "\u00a0" if locale in ("fr", "ru", "cs") else " "


def render_person(element, name, *, language, inverted: bool, form: str, initialize_with, sort_separator: str, demote: str,
                  context, sort_key: bool = False) -> str:  # fmt: skip
    """One personal name as citeproc-js's _renderOnePersonalName writes it."""
    from avimcite.csl import fixes

    parts = _Parts(element, fixes._item_language[-1] if fixes._item_language else None)
    given, family, dp, ndp, suffix = (str(p) if p else "" for p in name.parts())
    if sort_key:
        ndp, dp = ndp.replace("\u2019", "", 1).replace("'", "", 1), dp.replace("\u2019", "", 1).replace("'", "", 1)
    comma_dp = name.get("comma-dropping-particle") or ""
    romanesque = _romanesque(given, family, language)
    static = romanesque < 2 or (language or "")[:2] in ("vi", "hu")
    if form != "long":
        given = ""
    elif given and family and initialize_with is not None and romanesque:
        given = str(element.initialize(given, initialize_with, context))
    if not given:
        dp, suffix = "", ""
    from avimcite.csl.richtext import stripping_periods

    if stripping_periods():  # inside a macro call with strip-periods: every period of
        # the name parts goes (citeproc-js's NameOutput._stripPeriods), not the affixes'
        given, family, dp, ndp, suffix = (p.replace(".", "") for p in (given, family, dp, ndp, suffix))
    given, family, dp, ndp, suffix = (_rich(p) for p in (given, family, dp, ndp, suffix))
    hyphenated = ndp.endswith(_JOINING)
    suffix = _escape(suffix)
    nbsp = _nbspace(element)
    g, f = parts.decor("given", given), parts.decor("family", family)
    d, n = parts.decor("given", dp), parts.decor("family", ndp)
    if romanesque == 0:
        return _join([n, f, g], "")
    if static:
        return _join([_join([n, f], nbsp), g], " ")
    if sort_key:
        if demote == "never":
            merged = _join([_join([_join([n, f], nbsp), d], " "), g], sort_separator)
        else:
            merged = _join([f, _join([g, d, n], " ")], sort_separator)
        return _join([merged, suffix], " ")
    if inverted:
        if given in ("Lord", "Lady"):
            sort_separator = ", "
        if demote in ("always", "display-and-sort"):
            second = parts.affix("given", _join([_join([g, d], comma_dp + " "), n], " "))
            first = parts.affix("family", f)
        else:
            first = parts.affix("family", _join([n, f], "" if hyphenated else nbsp))
            second = parts.affix("given", _join([g, d], comma_dp + " "))
        return _join([_join([first, second], sort_separator), suffix], sort_separator)
    if dp and family and not ndp and dp.endswith(_APOSTROPHES) and dp[:-1] != "de":
        f, d = d + f, ""
    if hyphenated:
        second = _join([d, n + f], nbsp)
    else:
        second = _join([d, n, f], nbsp)
    second = parts.affix("family", _join([second, suffix], ", " if name.get("comma-suffix") else " "))
    space = " "
    if isinstance(initialize_with, str) and _NBSP_OR_BOM.search(initialize_with) and given:
        space = nbsp
    return _join([parts.affix("given", g), second], comma_dp + space)


def _literal(element, name, language) -> str:
    """An institution's literal name: the family name-part's text-case and formatting, not its
    affixes (citeproc-js's addInstitutionNodes copies the INSTITUTION_KEYS, font-style,
    font-variant, font-weight, text-decoration and text-case, to the institution-part it
    makes: a family suffix ", " is not printed after "European Jewish Congress")."""
    from avimcite.csl.richtext import strip_field_periods, stripping_periods

    parts = _Parts(element, language)
    literal = str(name["literal"])
    if stripping_periods():  # a string blob inside a strip-periods element (Queue.append)
        literal = strip_field_periods(literal)
    return parts.decor("family", _rich(literal))


def join(element, texts: list, inverted: list, **kwargs):
    """A rendered name list joined as citeproc-js joins it (see the module docstring).
    `texts` are the persons' texts, `inverted` whether each is written inverted;
    `institution_last`: the last name is a literal one, joined by cs:institution's "and"
    (which has no after-inverted-name rule of its own). A person's own suffix (cs:name's
    affixes go around each person) and the delimiter after it are both printed: citeproc-js
    joins the persons' pieces without merging their marks ("Şir, A.Y.,, Işık, İ.," for
    suffix="," and delimiter ", ")."""
    return _join_list(element, texts, inverted, **kwargs)


def _persons(element, texts: list, delimiter: str, affixed: bool):
    """The persons joined by the delimiter; with affixes of their own, their marks unmerged."""
    if not affixed:
        return element.join(texts, delimiter)
    from avimcite.csl.adjust import raw_seams

    with raw_seams():
        return element.join(texts, delimiter)


def _join_list(element, texts: list, inverted: list, *, et_al: bool, ellipsis: bool, context, sort_options=None,
               institution_last: bool = False):  # fmt: skip
    from avimcite.csl._citeproc.string import String

    def option(name):
        return element.get_option(name, context, sort_options)

    delimiter = option("delimiter")
    delimiter = ", " if delimiter is None else str(delimiter)
    pairs = [(t, inv) for t, inv in zip(texts, inverted) if t]
    texts, inverted = [t for t, _ in pairs], [inv for _, inv in pairs]
    if not texts:
        return String("")
    affixed = bool(element.get("prefix", "") or element.get("suffix", ""))
    finish = element.wrap if affixed else (lambda text: text)
    if et_al:
        term = element.et_al()
        from avimcite.csl.richtext import strip_field_periods, stripping_periods

        if term and stripping_periods():  # "et al." inside a strip-periods element: "et al"
            term = String(strip_field_periods(str(term)))
        if not term or not str(term).strip():  # an empty term (or one of only XML whitespace)
            return _persons(element, texts, delimiter, affixed)
        found = element.xpath_search("./following-sibling::cs:et-al[1]")
        plain = element.get_single_term(found[0].get("term", "et-al") if found else "et-al")
        precedes = option("delimiter-precedes-et-al") or "contextual"
        single, multiple = " ", delimiter
        if precedes == "always":
            single = delimiter
        elif precedes == "never":
            multiple = " "
        elif precedes == "after-inverted-name":
            single, multiple = delimiter, " "
        if not _STARTS_ROMANESQUE.match(str(plain or "")):
            single, multiple = ("" if single == " " else single), ("" if multiple == " " else multiple)
        persons = _persons(element, texts, delimiter, affixed)
        return finish(_cat(persons, _before_term(persons, single if len(texts) == 1 else multiple), term))
    if len(texts) < 2:
        return _persons(element, texts, delimiter, affixed)
    precedes = option("delimiter-precedes-last") or "contextual"
    if ellipsis:
        single, multiple, term, after = " ", delimiter, element.unicode_character("horizontal ellipsis"), " "
    else:
        and_ = option("and")
        if and_ not in ("text", "symbol"):
            if not delimiter:
                return _persons(element, texts, delimiter, affixed)
            # without an "and", citeproc-js puts the delimiter before the last name in a piece
            # of its own (node_name.js: and.single/multiple are the delimiter as a field), so a
            # mark the name before it ends with stays: family suffix "," prints "Işık,, Lütem"
            # (the delimiters before are suffixes of the names and merge: "Şir, Işık,, Lütem")
            from avimcite.csl.adjust import raw_seams

            before = _persons(element, texts[:-1], delimiter, affixed)
            with raw_seams():
                return _cat(before, String(delimiter), texts[-1])
        term = str(element.get_single_term(name="and") if and_ == "text" else element.preformat("&"))
        if _STARTS_ROMANESQUE.match(str(term)):
            single, multiple, after = " ", delimiter, " "
        else:
            single, multiple, after = "", "", ""
        if precedes == "always":
            single = delimiter
        elif precedes == "never":
            multiple = " " if multiple else multiple
        elif precedes == "after-inverted-name" and not institution_last:
            single = delimiter if single else single
            multiple = " " if multiple else multiple
    prefix = single if len(texts) == 2 else multiple
    if precedes == "after-inverted-name" and inverted[-2]:
        prefix = delimiter
    persons = _persons(element, texts[:-1], delimiter, affixed)
    text = _cat(persons, _before_term(persons, prefix), term, after, texts[-1])
    return finish(text) if ellipsis else text


def _before_term(persons, delimiter: str) -> str:
    """The delimiter before an "and" or "et al." term: it is the prefix of the term's blob in
    citeproc-js, and a leading mark the name before it already ends with is dropped (the
    sibling rule of Queue.adjust): "Işık İ." + ". " + "& Lütem" prints "Işık İ. & Lütem"
    (the delimiter before a last name without a term is a piece of its own, and stays)."""
    from avimcite.csl.richtext import MARKERS

    # formatting closed after the mark aside (matchLastChar reads a decorated name part too)
    if delimiter and delimiter[0] in ".,;:!?" and str(persons).rstrip(MARKERS).endswith(delimiter[0]):
        return delimiter[1:]
    return delimiter


def _is_set(element, name: str, context, sort_options) -> bool:
    """Whether a name option is given: in the sort key's options, on cs:name, on its
    cs:citation or cs:bibliography, or on cs:style (citeproc-js's inheritOpt finds it)."""
    if sort_options and name in sort_options:
        return True
    if element.get(name) is not None:
        return True
    found = (context if context is not None else element).xpath_search("./ancestor::*[self::cs:citation or self::cs:bibliography][1]")
    if found and found[0].get(name) is not None:
        return True
    return element.get_root().get(name) is not None


def _language(item):
    """The item's own language field (not the style's default locale)."""
    try:
        value = item.reference.get("language")
    except Exception:  # noqa: BLE001 - citeproc-py's VariableError, or no reference
        return None
    return str(value) if value else None


def _name_variables_by_csl_name(package) -> None:
    """citeproc-py files a reference's names under Python names ("container_author") and
    cs:names asked for the CSL name ("container-author"): every name variable with a hyphen
    printed nothing. A reference answers for a name variable under either name."""
    Reference = importlib.import_module(package.__name__ + ".source").Reference
    names = package.NAMES

    def key_of(key):
        if isinstance(key, str) and "-" in key:
            python = key.replace("-", "_")
            if python in names:
                return python
        return key

    Reference.__contains__ = lambda self, key: dict.__contains__(self, key_of(key))
    original_getitem, original_get = Reference.__getitem__, Reference.get
    Reference.__getitem__ = lambda self, key: original_getitem(self, key_of(key))
    Reference.get = lambda self, key, default=None: original_get(self, key_of(key), default)


_DONE = "{avimcite}names-done"  # layout.repressed key: name variables a cs:substitute printed


def _substituted_names_are_suppressed(model) -> None:
    """A name variable printed while a cs:substitute renders is printed once: a later
    cs:names asking for it, in the same substitute or after it, leaves it out, and with no
    variable left renders its own cs:substitute (citeproc-js's done_vars, set while
    can_block_substitute holds). citeproc-py suppressed only cs:text."""
    from avimcite.csl import fixes

    original = model.Names.process

    def process(self, item, names_context=None, context=None, **kwargs):
        repressed = (context if context is not None else self).get_layout().repressed
        done = repressed.get(_DONE)
        variables = (self.get("variable") or "").split()
        left = [v for v in variables if not done or v not in done]
        attribute = self.get("variable")
        if len(left) < len(variables):
            self.set("variable", " ".join(left))
        try:
            text = original(self, item, names_context=names_context, context=context, **kwargs)
        finally:
            if attribute is not None:
                self.set("variable", attribute)
        if text and fixes._tracking:
            repressed.setdefault(_DONE, set()).update(v for v in left if v in item.reference)
        return text

    model.Names.process = process


class _SubstitutionEnded(Exception):
    """A cs:text term or value in a cs:substitute rendered nothing: the substitution ends."""


def _substitute_ends_at_a_term(model) -> None:
    """A cs:text with a term or a value, directly in cs:substitute, ends the substitution even
    when it prints nothing (an empty term): citeproc-js's term output sets can_substitute
    false whatever it printed. citeproc-py went on to the next child."""
    original_text, original_substitute = model.Text.render, model.Substitute.render

    def text_render(self, *args, **kwargs):
        text = original_text(self, *args, **kwargs)
        if not text and ("term" in self.attrib or "value" in self.attrib) and isinstance(self.getparent(), model.Substitute):
            raise _SubstitutionEnded
        return text

    def substitute_render(self, *args, **kwargs):
        try:
            return original_substitute(self, *args, **kwargs)
        except _SubstitutionEnded:
            return None

    model.Text.render = text_render
    model.Substitute.render = substitute_render


def _name_labels(model) -> None:
    """A cs:names label is left out of a sort key (citeproc-js renders names without labels
    when sorting), and the label of an entry's first names is recorded for
    subsequent-author-substitute, which compares and replaces the names without it
    (avimcite.csl.fixes: "--- ed.")."""
    from avimcite.csl import fixes

    original = model.Label.render

    def render(self, *args, **kwargs):
        in_names = isinstance(self.getparent(), model.Names)
        if in_names and fixes._sort_macro:
            return None
        text = original(self, *args, **kwargs)
        state = fixes._entry_names[-1] if fixes._entry_names else None
        if in_names and text and state is not None and state["names"] is None:
            state["label"] = str(text)
        return text

    model.Label.render = render


def install(package) -> None:
    """Name.process and the JSON reader's parse_names of avimcite's copy of citeproc-py."""
    from avimcite.csl import fixes
    from avimcite.csl._citeproc.string import String

    model = package.model
    for variable in NAME_VARIABLES:  # the private copy's lists (model, source and source.json read the same objects)
        if variable not in package.NAMES:
            package.NAMES.append(variable)
        if variable not in package.VARIABLES:
            package.VARIABLES.append(variable)
    _name_variables_by_csl_name(package)
    _substituted_names_are_suppressed(package.model)
    _substitute_ends_at_a_term(package.model)
    _name_labels(package.model)
    source_json = importlib.import_module(package.__name__ + ".source.json")
    Name = source_json.Name
    original_parse = source_json.CiteProcJSON.parse_names

    def parse_names(self, json_data):
        try:
            return [Name(**parse_name(data)) for data in json_data]
        except (TypeError, AttributeError):
            return original_parse(self, json_data)

    source_json.CiteProcJSON.parse_names = parse_names

    def process(self, item, variable, context=None, sort_options=None, **kwargs):
        def option(name):
            return self.get_option(name, context, sort_options)

        names = list(item.reference.get(variable, None) or [])
        et_al_min, use_first, use_last = option("et-al-min"), option("et-al-use-first"), option("et-al-use-last")
        # citeproc-js cuts a list only where et-al-use-first is set and not above et-al-min
        sane = bool(et_al_min) and et_al_min >= use_first and _is_set(self, "et-al-use-first", context, sort_options)
        # with et-al-use-last citeproc-js keeps room for the ellipsis and the last name: it shows
        # at most et-al-min - 2 names before them (_imposeNameConstraints), so three authors under
        # et-al-min="3" et-al-use-first="2" print "A … C", not "A, B, et al."
        first = min(use_first, et_al_min - 2) if use_last and et_al_min else use_first
        truncate = sane and len(names) > 1 and len(names) >= et_al_min and first < len(names)
        if truncate:
            shown = names[:first] + [names[-1]] if use_last else names[:first]
        else:
            shown = names
        cut = len(shown) < len(names)
        last = cut and bool(use_last)
        form = option("form")
        if form == "count":
            return len(shown)
        if truncate and not shown:
            return String("")
        order, demote = option("name-as-sort-order"), option("demote-non-dropping-particle")
        sort_key = bool(fixes._sort_macro) and sort_options is not None
        affixed = bool(self.get("prefix", "") or self.get("suffix", ""))
        language = fixes._item_language[-1] if fixes._item_language else None
        item_language = _language(item)
        texts, inverted = [], []
        for i, name in enumerate(shown):
            literal = "literal" in name
            inv = form == "long" and not literal and (order == "all" or (order == "first" and i == 0))
            if literal:
                text = _literal(self, name, language)
            else:
                text = render_person(self, name, language=item_language, inverted=inv, form=form, initialize_with=option("initialize-with"),
                                     sort_separator=str(option("sort-separator")), demote=demote, context=context,
                                     sort_key=sort_key)  # fmt: skip
                if affixed and text:
                    text = str(self.wrap(String(text)))
            texts.append(text)
            inverted.append(inv)
        if sort_key:  # a sort key: the names joined by the delimiter, no "and", no "et al." (joinPersons)
            delimiter = option("delimiter")
            return self.join([t for t in texts if t], ", " if delimiter is None else str(delimiter))
        return join(self, texts, inverted, et_al=cut and not last, ellipsis=last, context=context,
                    sort_options=sort_options, institution_last=bool(shown) and "literal" in shown[-1])  # fmt: skip

    original_markup = model.Name.markup

    def markup(self, text):
        if isinstance(text, int) and not isinstance(text, bool):
            return text  # form="count": cs:names adds the counts of its variables up ("5", not "32")
        return original_markup(self, text)

    model.Name.process = process
    model.Name.markup = markup
