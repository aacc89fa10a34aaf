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
