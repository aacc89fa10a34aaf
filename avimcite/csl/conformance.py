"""CSL rules where avimcite's output differed from citeproc-js on untuned styles.

Each rule is a named function applied by `install(package)` to avimcite's private copy of
citeproc-py (avimcite.csl._citeproc), after fixes.install. Found by drawing fresh samples of
styles the rules were not written for (bench/csl_agreement.py --seed N) and grouping the
differing lines by cause; each is a CSL rule as citeproc-js runs it, never a style's name.
"""

from __future__ import annotations

import re

_installed = False


def install(package) -> None:
    global _installed
    if _installed:
        return
    model = package.model
    _ordinals_come_from_one_locale(model)
    _text_case_on_a_macro_call_is_ignored(model)
    _installed = True


def _ordinal_terms(locale) -> list:
    terms = getattr(locale, "terms", None)
    if terms is None:
        return []
    return [t for t in terms.findall("{http://purl.org/net/xbiblio/csl}term") if (t.get("name") or "").startswith("ordinal")]


def _ordinals_come_from_one_locale(model) -> None:
    """CSL 1.0.1: ordinal terms are one set; a locale that defines any of them replaces every
    ordinal term of the locales below it. citeproc-py looked each term up through every
    locale, so a Turkish day 21 found en-US's "ordinal-01" ("21st Aralık") before tr-TR's
    "ordinal" ("21."). Matching as CSL: ordinal-10..99 on the last two digits, ordinal-00..09
    on the last digit (match="whole-number" / "last-two-digits" when given), else "ordinal"."""

    def suffix_for(number: int, terms) -> str | None:
        by_name = {}
        for term in terms:
            by_name.setdefault(term.get("name"), term)  # the first (highest-priority) definition
        text = lambda term: str(term.single) if term is not None else None  # noqa: E731
        two = number % 100
        for name, term in by_name.items():
            m = re.fullmatch(r"ordinal-(\d\d)", name)
            if not m or int(m.group(1)) < 10:
                continue
            match = term.get("match") or "last-two-digits"
            if (match == "whole-number" and number == int(m.group(1))) or (match != "whole-number" and two == int(m.group(1))):
                return text(term)
        for name, term in by_name.items():
            m = re.fullmatch(r"ordinal-(\d\d)", name)
            if not m or int(m.group(1)) >= 10:
                continue
            value, match = int(m.group(1)), term.get("match") or "last-digit"
            if (match == "whole-number" and number == value) or (match == "last-two-digits" and two == value) or (
                match == "last-digit" and number % 10 == value
            ):
                return text(term)
        return text(by_name.get("ordinal"))

    original = model.to_ordinal

    def to_ordinal(number, context):
        try:
            root = context.get_root()
            locales = list(root.locales)
        except (AttributeError, TypeError):
            return original(number, context)
        try:
            value = int(str(number))
        except ValueError:
            return original(number, context)
        for locale in locales:
            terms = _ordinal_terms(locale)
            if terms:
                found = suffix_for(value, terms)
                return str(number) + (found or "")
        return original(number, context)

    model.to_ordinal = to_ordinal


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
