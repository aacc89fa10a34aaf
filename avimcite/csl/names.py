"""Personal names as CSL 1.0.2 and citeproc-js render them (cs:name), replacing citeproc-py's
Name.process:

* et-al-subsequent-min / et-al-subsequent-use-first for a cite that is not the item's first
  (subsequent, ibid, ibid-with-locator), falling back to et-al-min / et-al-use-first when
  not set; citeproc-py read them and never used them;
* delimiter-precedes-last and delimiter-precedes-et-al "after-inverted-name"; the name
  delimiter (not a fixed ", ") before "and"; a list cut by et-al whose et-al term is empty
  ends without "and";
* form="count" counts the names that would print (all of them below et-al-min);
* the family name-part's formatting covers the non-dropping particle ("van DER MEER") and its
  affixes the whole family chunk ("(de La Fontaine III)"); a part whose suffix ends in a space
  (a no-break space) is not followed by another; a particle ending in an apostrophe or a hyphen
  is written against the family name ("d’Aubignac", "al-One"); comma-suffix ("Doe, Jr.");
* a name with a given name only prints it whole as its family ("Banksy", not "B.");
* a name written in a non-Latin script of East Asia (no Latin, Greek, Cyrillic, Hebrew, Arabic
  letter in it) prints family then given name without a space ("我妻栄"), as citeproc-js's
  static ordering does.

And the input side (CiteProcJSON.parse_names), as citeproc-js's parseParticles: a family name
that starts with lower-case particles ("van der Vlist", "al-One", "d'Aubignac") and has no
explicit non-dropping-particle gives them as that particle; lower-case words ending a given
name ("Alexander von") become the dropping particle; "John, Jr." in the given field gives the
suffix; a family name in double quotes ("\"Van Dyke\"") is taken as it is, unquoted;
"parse-names": false turns the parsing off.

The per-person affixes of avimcite.csl.fixes._name_affixes_apply_to_each_person are kept.
"""

from __future__ import annotations

import re
import unicodedata

_FAMILY_PARTICLE = re.compile(r"^([^ ]+(?:-|\u02bb|\u2019| |') *)(.+)$", re.S)
_GIVEN_PARTICLE = re.compile(r"^([^ ]+(?:\u02bb |\u2019 | |' ) *)(.+)$", re.S)
_LEAD = re.compile(r"^[-'\u02bb\u2019\s]*(.)", re.S)
_ROMANESQUE = re.compile(
    "[a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4\u05d6-\u05ff"
    "\u1f00-\u1fff\u0600-\u06ff\u200c\u200d\u200e\u0218\u0219\u021a\u021b\u202a-\u202e]"
)
_NO_SPACE_AFTER = ("'", "\u2019", "-", "\u02bb")
_SUBSEQUENT = ("subsequent", "ibid", "ibid-with-locator")


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
        m = _GIVEN_PARTICLE.match(rest[::-1])
    return " ".join(p.strip() for p in particles).strip(), rest


def parse_name(data: dict) -> dict:
    """A CSL-JSON name as citeproc-js reads it before rendering (see the module docstring)."""
    data = dict(data)
    family = data.get("family")
    if not isinstance(family, str) or "literal" in data:
        return data
    if len(family) > 1 and family.startswith('"') and family.endswith('"'):
        data["family"] = family[1:-1]
        return data
    if data.get("parse-names") in (False, 0, "false") or data.get("non-dropping-particle") or data.get("static-particles"):
        return data
    given = data.get("given")
    if not isinstance(given, str) or not given:
        return data
    particle, rest = _split_family(family)
    if particle and rest:
        data["non-dropping-particle"], data["family"] = particle, rest
    if not data.get("suffix"):
        m = re.search(r"(\s*,!*\s*)", given)
        if m:
            possible = given[m.end():]
            if possible.replace(".", "") == "et al" and not data.get("dropping-particle"):
                data["dropping-particle"] = possible
            else:
                if len(m.group(1).replace(" ", "")) == 2:
                    data["comma-suffix"] = True
                data["suffix"] = possible
            given = given[: m.start()]
            data["given"] = given
    if not data.get("dropping-particle"):
        particle, rest = _split_given(given)
        if particle and rest.strip():
            data["dropping-particle"], data["given"] = particle, rest.rstrip()
    return data


# --- rendering ---------------------------------------------------------------------------


def _join(pieces, sep=" ") -> str:
    out = ""
    for piece in pieces:
        piece = str(piece) if piece is not None else ""
        if not piece:
            continue
        if out and not (sep == " " and (out.endswith(_NO_SPACE_AFTER) or out[-1].isspace())):
            out += sep
        out += piece
    return out


def _static_order(given, family) -> bool:
    text = f"{given or ''}{family or ''}"
    return bool(text.strip()) and not _ROMANESQUE.search(text)


def _no_space(given, family) -> bool:
    """Han, kana (and other East Asian ideographs): family and given name written together."""
    for ch in f"{given or ''}{family or ''}":
        name = unicodedata.name(ch, "")
        if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "IDEOGRAPHIC")):
            return True
    return False


def _explicit(element, context, name: str) -> bool:
    if element.get(name) is not None:
        return True
    found = (context if context is not None else element).xpath_search("./ancestor::*[self::cs:citation or self::cs:bibliography][1]")
    if found and found[0].get(name) is not None:
        return True
    return element.get_root().get(name) is not None


def _subsequent(element, item, context) -> bool:
    try:
        position = item.get("position_name")
    except AttributeError:
        return False
    if position not in _SUBSEQUENT:
        return False
    return not (context if context is not None else element).xpath_search("./ancestor::*[self::cs:bibliography]")


def install(model, source_json) -> None:
    from avimcite.csl import fixes
    from avimcite.csl._citeproc.string import String

    Name = source_json.Name
    original_parse = source_json.CiteProcJSON.parse_names

    def parse_names(self, json_data):
        try:
            return [Name(**parse_name(data)) for data in json_data]
        except (TypeError, AttributeError):
            return original_parse(self, json_data)

    source_json.CiteProcJSON.parse_names = parse_names

    def name_parts(self):
        return {p.get("name"): p for p in self.findall("cs:name-part", self.nsmap)}

    def styled(part, text, affixes=True):
        if part is None or not text:
            return text
        language = fixes._item_language[-1] if fixes._item_language else None
        out = part.format(part.case(String(text), language))
        return str(part.wrap(out) if affixes else out)

    def affixed(part, text):
        return str(part.wrap(String(text))) if part is not None and text else text

    def one_name(self, name, inverted, form, initialize_with, sort_separator, demote, context):
        given, family, dp, ndp, suffix = name.parts()
        parts = name_parts(self)
        gpart, fpart = parts.get("given"), parts.get("family")
        if "literal" in name:  # an institution takes the family name-part's formatting
            return styled(fpart, str(family or ""), affixes=False)
        if not family and given:
            family, given = given, None
        if given and initialize_with is not None:
            given = self.initialize(given, initialize_with, context)
        if _static_order(given, family):
            fam, giv = styled(fpart, family), styled(gpart, given)
            if form == "short":
                return fam
            return _join([fam, giv], "" if _no_space(given, family) else " ")
        if form == "short":
            return styled(fpart, _join([ndp, family]))
        if not inverted:
            core = styled(fpart, _join([ndp, family]), affixes=False)
            chunk = _join([dp, core])
            if suffix:
                chunk = chunk + (", " if name.get("comma-suffix") else " ") + suffix
            return _join([styled(gpart, given), affixed(fpart, chunk)])
        if demote in ("never", "sort-only"):
            fam = styled(fpart, _join([ndp, family]))
            giv = affixed(gpart, _join([styled(gpart, given, affixes=False), dp]))
        else:
            fam = styled(fpart, family)
            giv = affixed(gpart, _join([styled(gpart, given, affixes=False), dp, ndp]))
        return _join([fam, giv, suffix], sort_separator)

    def process(self, item, variable, context=None, sort_options=None, **kwargs):
        def option(name):
            return self.get_option(name, context, sort_options)

        and_, delimiter = option("and"), option("delimiter")
        precedes_et_al, precedes_last = option("delimiter-precedes-et-al"), option("delimiter-precedes-last")
        et_al_min, use_first = option("et-al-min"), option("et-al-use-first")
        if sort_options is None and _subsequent(self, item, context):
            if _explicit(self, context, "et-al-subsequent-min"):
                et_al_min = option("et-al-subsequent-min")
            if _explicit(self, context, "et-al-subsequent-use-first"):
                use_first = option("et-al-subsequent-use-first")
        use_last = option("et-al-use-last")
        initialize_with, order = option("initialize-with"), option("name-as-sort-order")
        sort_separator, form, demote = option("sort-separator"), option("form"), option("demote-non-dropping-particle")
        names = list(item.reference.get(variable, []))
        truncate = len(names) > 1 and bool(et_al_min) and len(names) >= et_al_min and use_first < len(names)
        last = truncate and use_last and use_first <= et_al_min - 2
        if form == "count":
            return min(len(names), use_first) if truncate else len(names)
        shown = names[:use_first] + [names[-1]] if last else (names[:use_first] if truncate else names)
        person_affixes = bool(self.get("prefix", "") or self.get("suffix", ""))
        inverted = [(order == "all" or (order == "first" and i == 0)) and "literal" not in name for i, name in enumerate(shown)]
        output = []
        for i, name in enumerate(shown):
            text = one_name(self, name, inverted[i] and form == "long", form, initialize_with, sort_separator, demote, context)
            if person_affixes and "literal" not in name:
                text = self.wrap(String(text))
            output.append(text)
        finish = self.wrap if person_affixes else (lambda text: text)
        if not output:
            return String("")
        if truncate:
            et_al = self.et_al()
            if last:
                output[-1] = self.unicode_character("horizontal ellipsis") + " " + output[-1]
                return finish(self.join(output, delimiter))
            if not et_al:
                return self.join(output, delimiter)
            before = (precedes_et_al == "always" or (precedes_et_al == "contextual" and len(output) >= 2)
                      or (precedes_et_al == "after-inverted-name" and inverted[len(output) - 1]))  # fmt: skip
            return finish(self.join(output, delimiter) + (delimiter if before else " ") + et_al)
        if and_ is not None and len(output) > 1:
            and_term = self.get_single_term(name="and") if and_ == "text" else self.preformat("&")
            before = (precedes_last == "always" or (precedes_last == "contextual" and len(output) > 2)
                      or (precedes_last == "after-inverted-name" and inverted[len(output) - 2]))  # fmt: skip
            text = self.join(output[:-1], delimiter)
            return text + (delimiter if before else " ") + f"{and_term} " + output[-1]
        return self.join(output, delimiter)

    model.Name.process = process
