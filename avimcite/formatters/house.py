"""AVİM's own citation line ("To cite this article: ..."), in English or Turkish.

The English blog line is modelled on the one line observed on avimbulten.org
(the seed post):

    Taras KUZIO. 2026. "TITLE." Center For Eurasian Studies (AVİM), Blog No.2023 / 63.
    October 31. Accessed June 25, 2026. URL

The site prints the access year after the author. Style "avim" prints the
publication year there instead; style "avim-site" reproduces the site. The
Turkish line is modelled on the English one (no Turkish line was observed).
"""

from __future__ import annotations

from datetime import date

from avimcite import avim, textfold
from avimcite.dates import month_name
from avimcite.model import Author, Post

PUBLISHER = avim.PUBLISHER_AS_PRINTED
ACCESSED = {"en": "Accessed", "tr": "Erişim tarihi:"}
AND = {"en": "and", "tr": "ve"}
STYLES = ("avim", "avim-site")


def display_name(author: Author, lang: str) -> str:
    """'Taras KUZIO', 'Alev KILIÇ': given names as written, family name in capitals."""
    if author.display:
        return author.display
    if author.literal:
        return author.literal
    family = textfold.upper(author.family, lang)
    return f"{author.given} {family}" if author.given else family


def join_names(names: list[str], lang: str) -> str:
    """'A', 'A and B', 'A, B, and C' (Chicago); Turkish 'A, B ve C'."""
    if len(names) <= 2:
        return f" {AND[lang]} ".join(names)
    comma = "," if lang == "en" else ""
    return f"{', '.join(names[:-1])}{comma} {AND[lang]} {names[-1]}"


def _day_month(day: date, lang: str) -> str:
    if lang == "tr":
        return f"{day.day} {month_name(day.month, lang)}"
    return f"{month_name(day.month, lang)} {day.day}"


def _full_date(day: date, lang: str) -> str:
    if lang == "tr":
        return f"{day.day} {month_name(day.month, lang)} {day.year}"
    return f"{month_name(day.month, lang)} {day.day}, {day.year}"


def _sentence(text: str) -> str:
    """End a piece with a period unless it already ends a sentence."""
    return text if text.endswith((".", "?", "!")) else text + "."


def _escape_html(text: str, quote: bool = False) -> str:
    """html.escape's replacements (the `html` package loads its table of 2,000 named
    entities at import, a millisecond of every house cite)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;").replace("'", "&#x27;") if quote else text


def cite(
    post: Post,
    accessed: date,
    *,
    style: str = "avim",
    lang: str | None = None,
    fmt: str = "text",
) -> str:
    """One citation line in AVİM's house format.

    A post without a recorded author starts with its title, as Chicago does for
    anonymous works; nothing is put in the author's place that AVİM did not print.
    """
    lang = lang or post.language
    if fmt == "markdown":
        from avimcite.csl.markup import MARKDOWN  # the one Markdown escape, the CSL engine's

        escape = MARKDOWN.preformat
    else:
        escape = (lambda s: s) if fmt == "text" else _escape_html
    year = accessed.year if style == "avim-site" else post.published.year
    names = [display_name(a, post.name_lang(a)) for a in post.authors]
    quoted_title = f'"{_sentence(post.title)}"'
    head = [_sentence(join_names(names, lang)), f"{year}.", quoted_title] if names else [
        quoted_title, f"{year}."
    ]
    parts = head + [
        f"{PUBLISHER[lang]}, {avim.serial(post.series_word(lang), post.year, post.number)}.",
        f"{_day_month(post.published, lang)}.",
        f"{ACCESSED[lang]} {_full_date(accessed, lang)}.",
    ]
    text = escape(" ".join(parts))
    if fmt == "markdown":
        link = f"<{post.url}>"
    elif fmt == "html":
        link = f'<a href="{_escape_html(post.url, quote=True)}">{_escape_html(post.url)}</a>'
    else:
        link = post.url
    return f"{text} {link}"
