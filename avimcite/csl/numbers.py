"""Numbers as CSL 1.0.1 defines them: ordinal suffixes (one set of ordinal terms per locale,
matched on the whole number, the last two digits or the last digit, in the gender of the
noun the number counts).

install(package) applies the rules to avimcite's private copy of citeproc-py
(avimcite.csl._citeproc), after avimcite.csl.fixes.
"""

from __future__ import annotations

from avimcite import rx

_CSL = "{http://purl.org/net/xbiblio/csl}"
_ORDINAL = rx.compile(r"ordinal-(\d\d)")


def install(package) -> None:
    model = package.model
    _ordinals_come_from_one_locale(model)
    _day_ordinals_take_the_month_gender(model)


def _terms(locale) -> list:
    terms = getattr(locale, "terms", None)
    return [] if terms is None else terms.findall(_CSL + "term")


def _locales(context) -> list:
    try:
        return list(context.get_root().locales)
    except (AttributeError, TypeError):
        return []


def noun_gender(context, name: str | None) -> str | None:
    """The gender (masculine, feminine) a locale gives the term `name` (`<term name="edition"
    gender="feminine">`), from the locale that decides it first; None if none does."""
    if not name:
        return None
    for locale in _locales(context):
        for term in _terms(locale):
            if term.get("name") == name and term.get("gender"):
                return term.get("gender")
    return None


def ordinal_suffix(number: int, terms: list, gender: str | None) -> str | None:
    """The suffix of `number` among one locale's ordinal terms (CSL 1.0.1 "Ordinal Suffixes"):
    for the gender, then for terms without gender-form: an ordinal-NN term whose `match`
    (whole-number; last-two-digits, the default of ordinal-10..99; last-digit, the default of
    ordinal-00..09) fits, else the "ordinal" term of the gender, else the plain one."""
    table: dict[tuple[str, str, str], str] = {}
    plain: dict[str | None, str] = {}
    for term in terms:  # the first definition of a term is the one that counts
        name, form = term.get("name") or "", term.get("gender-form")
        if term.get("form") not in (None, "long"):
            continue
        text = str(term.single)
        if name == "ordinal":
            plain.setdefault(form, text)
            continue
        m = _ORDINAL.fullmatch(name)
        if not m:
            continue
        stub = m.group(1)
        match = term.get("match") or ("last-digit" if stub[0] == "0" else "last-two-digits")
        table.setdefault((match, stub[1] if stub[0] == "0" else stub, form or "neuter"), text)
    digits = str(number)
    for wanted in ([gender] if gender else []) + ["neuter"]:
        for match, key in (("whole-number", digits), ("last-two-digits", digits[-2:]), ("last-digit", digits[-1:])):
            found = table.get((match, key, wanted))
            if found is not None:
                return found
    return plain.get(gender, plain.get(None))


def ordinal(number, context, gender: str | None = None, original=None):
    """`number` with its ordinal suffix, from the first locale that defines ordinal terms
    (CSL 1.0.1: a locale that defines any replaces every ordinal term of the locales below it)."""
    try:
        value = int(str(number))
    except ValueError:
        return original(number, context) if original else str(number)
    for locale in _locales(context):
        terms = [t for t in _terms(locale) if (t.get("name") or "").startswith("ordinal")]
        if terms:
            return str(number) + (ordinal_suffix(value, terms, gender) or "")
    return original(number, context) if original else str(number)


def _ordinals_come_from_one_locale(model) -> None:
    """CSL 1.0.1: ordinal terms are one set per locale, and the gender of the counted noun
    picks among them: edition 2 in a locale whose "edition" is feminine takes no masculine
    ordinal-02. citeproc-py looked each term up through every locale, so a Turkish day 21
    found en-US's "ordinal-01" ("21st Aralık") before tr-TR's "ordinal" ("21.")."""
    original = model.to_ordinal

    def to_ordinal(number, context):
        variable = context.get("variable") if hasattr(context, "get") else None
        return ordinal(number, context, noun_gender(context, variable), original)

    model.to_ordinal = to_ordinal


def _day_ordinals_take_the_month_gender(model) -> None:
    """A day's ordinal suffix is in the gender of its month's term (fr-FR's months are
    masculine: "1er octobre"), as citeproc-js gives it."""
    original = model.Date_Part.process

    def process(self, date, context=None):
        text = original(self, date, context)
        if self.get("name") != "day" or self.get("form") != "ordinal" or text is None or str(text) == str(getattr(date, "day", "")):
            return text
        try:
            month = int(date.month)
        except Exception:  # noqa: BLE001 - no month (VariableError), or a season
            return text
        gender = noun_gender(context if context is not None else self, f"month-{month:02}")
        if gender is None:
            return text
        return ordinal(date.day, context if context is not None else self, gender)

    model.Date_Part.process = process


# citeproc-js's processNumber (util_number.js) for a cite's locator: the value split where
# "&", "and", ", ", "; " or a hyphen or en dash join its parts; a part's leading particle
# ("C" of "C22") set apart. The first part decides: the locator is numeric when it is a
# number or a run of lowercase i, x and v ("iii", "xii", and, as citeproc-js has it, any
# word that starts with one of them: "intro"), with letters or a range after it
# ("12a", "ix-x"); the label is plural when there are two or more parts and the first is
# a number ("12 and elsewhere", "12, A") or a roman numeral in either case.
_JOINER = r"\s*&\s*|,\s+and\s+|\s+and\s+|;\s+|,\s+|\s*\\*[\-\u2013]+\s*"
_JOINERS = rx.compile(f"({_JOINER})")
_PARTICLE = rx.compile(r"([0-9]*[a-zA-Z]+0*)?([0-9]+(?:[a-zA-Z]*|[-,a-zA-Z]+))")
_JS_NUMERIC = rx.compile(r"(?:[0-9]+|[ixv]+)(?:[-,:a-zA-Z]*|-[-0-9]+)")
_ROMAN = rx.compile(r"[ivxlcmIVXLCM]+")
_LEADING_INT = rx.compile(r"\s*[+-]?\d")
_SUBSECTION = rx.compile(r"(?:[a-z]{1,4}\.\s+)*[0-9]+[,a-zA-Z]+")
_LETTERS = rx.compile(r"[,a-zA-Z]+")
_LABELLED = rx.compile(r"[a-zA-Z]+\.\s")


def _split(value: str, and_word: str | None) -> tuple[list[str], list[str]]:
    """The locator's parts and the joiners between them (the locale's "and" joins too)."""
    if and_word and and_word != "and":
        import re

        pattern = rx.compile(f"({_JOINER}|,\\s+{re.escape(and_word)}\\s+|\\s+{re.escape(and_word)}\\s+)")
    else:
        pattern = _JOINERS
    pieces = pattern.split(str(value).strip())
    return pieces[0::2], pieces[1::2]


def _value(part: str) -> str:
    """A part without its leading particle ("22" of "C22")."""
    found = _PARTICLE.fullmatch(part)
    return found.group(2) if found else part


def locator_is_numeric(value: str, and_word: str | None = None) -> bool:
    first = next((part for part in _split(value, and_word)[0] if part), None)
    return first is not None and _JS_NUMERIC.fullmatch(_value(first)) is not None


def locator_is_plural(value: str, and_word: str | None = None) -> bool:
    """Two or more parts under the locator's own label, the first numeric and a number or
    roman numeral: "12-13", "12, 13", "5, iii", "12 and elsewhere" ("Sections"); not
    "12,13", "12a-c" (one subsection), "12\\-13" (an escaped hyphen), "IV-VI" (not
    numeric for citeproc-js), "12, sec. 3" (the second part has a label of its own)."""
    parts, joiners = _split(value, and_word)
    # citeproc-js's fixupSubsections: "12a-c" is one part
    i = len(joiners) - 1
    while i >= 0:
        if joiners[i].strip() == "-" and _SUBSECTION.fullmatch(parts[i]) and _LETTERS.fullmatch(parts[i + 1]):
            parts[i : i + 2] = [parts[i] + "-" + parts[i + 1]]
            del joiners[i]
        i -= 1
    count = 1
    for joiner, part in zip(joiners, parts[1:]):
        if _LABELLED.match(part):  # a label of its own: another group
            break
        if "\\" not in joiner:  # an escaped hyphen joins no two parts
            count += 1
    if count < 2 or not parts[0]:
        return False
    first = _value(parts[0])
    if _JS_NUMERIC.fullmatch(first) is None:
        return False
    return _LEADING_INT.match(first) is not None or _ROMAN.fullmatch(first) is not None
