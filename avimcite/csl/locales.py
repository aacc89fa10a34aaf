"""Locales as citeproc-js sets them up for a render.

install(package) applies the rules to avimcite's private copy of citeproc-py
(avimcite.csl._citeproc), after avimcite.csl.fixes.
"""

from __future__ import annotations


def install(package) -> None:
    _a_style_locale_without_a_file_still_applies(package.model, package)


def _a_style_locale_without_a_file_still_applies(model, package) -> None:
    """A style whose default-locale no locale file exists for ("gx") renders with en-US's
    terms, and its own `<locale xml:lang="gx">` is still read first (citeproc-js: the
    style's locale for its default language overrides the fallback)."""
    original = model.Style.set_locale_list

    def set_locale_list(self, output_locale, validate=True):
        original(self, output_locale, validate=validate)
        wanted = self.get("default-locale")
        if not wanted or wanted == output_locale or output_locale != "en-US":
            return
        language = wanted.split("-")[0]
        if wanted in package.LANGUAGE_NAMES or language in package.PRIMARY_DIALECTS:
            return  # a locale file exists: the render's locale was chosen over it
        own = [found for lang in dict.fromkeys((wanted, language))
               for found in self.xpath_search(f'./cs:locale[@xml:lang="{lang}"]')]  # fmt: skip
        for locale in reversed(own):
            if locale not in self.locales:
                locale.style = self
                self.locales.insert(0, locale)

    model.Style.set_locale_list = set_locale_list
