"""What AVİM is, in one place: its hosts and URLs, its series and their languages, its names,
the serial it prints ("Blog No.2023 / 63"), post ids, and how a title is compared.

Every other module asks this one (the catalogue, the importer, scan, check, the house line,
the CSL mapping, the exports, readback). Sources: /work/shared/avim (real pages) and
shared/avim/house_format.md. Importing it is light (re only).
"""

from __future__ import annotations

import re

from avimcite import rx

# Patterns only some commands need are compiled on first use (module __getattr__ below):
# a light command's start-up does not pay for the importer's or scan's.
_COMPILED: dict[str, re.Pattern] = {}


def _compiled(name: str) -> re.Pattern:
    pattern = _COMPILED.get(name)
    if pattern is None:
        pattern = _COMPILED[name] = rx.compile(*globals()[name])
    return pattern


def __getattr__(name: str):
    """HOST, URL_SECTION, NAMED, SERIAL_IN_TEXT, OUTLET: compiled when first asked for."""
    if name in ("HOST", "URL_SECTION", "NAMED", "SERIAL_IN_TEXT", "OUTLET"):
        return _compiled("_" + name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- hosts and URLs ------------------------------------------------------------------------

HOSTS = ("avim.org.tr", "avimbulten.org")
# avim.org.tr and avimbulten.org serve the same paths, with or without www, http or https.
HOST_PATTERN = r"(?:avim\.org\.tr|avimbulten\.org)"
_HOST = (HOST_PATTERN, re.IGNORECASE)
# One AVİM URL inside running text (scan, the importer): scheme and www optional, the path
# up to the first character no URL in a draft carries.
URL_IN_TEXT = r"(?:https?://)?(?:www\.)?" + HOST_PATTERN + r"(?:/[^\s<>\"'`(){}\[\]|\\^“”‘’]*)?"
# A whole string that is an AVİM URL.
_URL = (r"^(?:https?://)?(?:www\.)?" + HOST_PATTERN + r"(?P<path>/[^?#]*)?(?:[?#].*)?$", re.IGNORECASE)
_ARCHIVE = (
    r"^(?:https?://)?(?:www\.)?(?:web\.archive\.org/web|archive\.(?:ph|today|is|li|md|vn|fo))"
    r"/\d{1,14}[a-z_]*/(?P<url>.+)$",
    re.IGNORECASE,
)


def unwrap_archive(url: str) -> str:
    """The original URL inside an archive copy's URL; other URLs as they are."""
    match = _compiled("_ARCHIVE").match(url)
    return match.group("url") if match else url


def url_key(url: str) -> str | None:
    """A host-independent key for an AVİM page URL, or None for other URLs.

    The hosts serve the same paths, with or without www, http or https, and sometimes
    behind a /public prefix. An archive copy (web.archive.org/web/<time>/<url>,
    archive.ph/<time>/<url>) has the key of the page it copies.
    """
    match = _compiled("_URL").match(unwrap_archive(url.strip()))
    if not match:
        return None
    path = (match.group("path") or "").rstrip("/")
    if path.lower().startswith("/public/"):
        path = path[len("/public") :]
    return path.lower()


# The section of a post's URL (/Blog/, /Yorum/, /Analiz/) and the series words it may carry:
# the English pages live under the Turkish paths.
_URL_SECTION = (r"/(Blog|Yorum|Analiz)/", re.IGNORECASE)
URL_SECTION_SERIES = {"blog": {"blog"}, "yorum": {"yorum", "commentary"}, "analiz": {"analiz", "analysis"}}

# --- series --------------------------------------------------------------------------------

# Each series word AVİM prints (lower case) -> (the word as printed, its language or None
# when both languages use it, the word in the other language).
SERIES = {
    "blog": ("Blog", None, "Blog"),
    "commentary": ("Commentary", "en", "Yorum"),
    "yorum": ("Yorum", "tr", "Commentary"),
    "analysis": ("Analysis", "en", "Analiz"),
    "analiz": ("Analiz", "tr", "Analysis"),
    # /tr/Bulten/ seen only as a URL quoted elsewhere: the word's language is not taken as
    # the post's (the importer then goes by the page and its URL).
    "bulletin": ("Bulletin", None, "Bülten"),
    "bülten": ("Bülten", None, "Bulletin"),
}
# The words seen on AVİM's pages (shared/avim); others are accepted, and `check` warns.
SEEN_SERIES = ("Blog", "Commentary", "Yorum", "Analysis", "Analiz")
# Series printed as a numbered report of an institution (CSL `report`), not a blog post.
REPORT_SERIES = frozenset({"commentary", "yorum", "analysis", "analiz"})
# A regex alternative of every series word (case-insensitive patterns match any casing).
SERIES_WORDS = "|".join(word for word, _, _ in SERIES.values())
_ENGLISH_WORDS = frozenset({"commentary", "analysis", "bulletin"})
_TURKISH_WORDS = frozenset({"yorum", "analiz", "bülten"})
# The series list is open: a word not listed is printed as it is, in both languages.
SERIES_IN = {
    "en": {key: (twin if key in _TURKISH_WORDS else word) for key, (word, _, twin) in SERIES.items() if key not in _ENGLISH_WORDS},
    "tr": {key: (twin if key in _ENGLISH_WORDS else word) for key, (word, _, twin) in SERIES.items() if key not in _TURKISH_WORDS},
}  # fmt: skip


def series_language(series: str) -> str | None:
    """'en' for Commentary, 'tr' for Yorum, None for Blog or an unknown word."""
    entry = SERIES.get(series.lower())
    return entry[1] if entry else None


def series_word(series: str) -> str:
    """The series word as AVİM prints it ('yorum' -> 'Yorum'); an unknown word capitalised."""
    entry = SERIES.get(series.lower())
    return entry[0] if entry else series[:1].upper() + series[1:].lower()


def series_in(series: str, lang: str) -> str:
    """The series word a line in `lang` prints: Yorum in English is Commentary."""
    return SERIES_IN.get(lang, {}).get(series.lower(), series)


# --- names ---------------------------------------------------------------------------------

NAME = "AVİM"
# The author of a post that names no person: AVİM, the issuing body (one organisation, never a
# person; docs/exports.md). Its full name is the publisher in the same reference.
ISSUER = NAME
PUBLISHER = {"en": "Center for Eurasian Studies (AVİM)", "tr": "Avrasya İncelemeleri Merkezi (AVİM)"}
# As the site's own citation line prints it ("Center For"): the house line follows the site.
PUBLISHER_AS_PRINTED = {"en": "Center For Eurasian Studies (AVİM)", "tr": PUBLISHER["tr"]}
PLACE = "Ankara"
BLOG_TITLE = "AVİM Blog"
# Names of AVİM itself, as a page or a byline may print them (folded when compared).
ORGANISATION_NAMES = ("avim", "avım", "avİm", "center for eurasian studies", "center for eurasian studies (avim)",
                      "avrasya incelemeleri merkezi", "avrasya incelemeleri merkezi (avim)")  # fmt: skip
# AVİM named in running text (scan: a serial counts only near one of these).
_NAMED = (r"AV[İI]M|Avrasya|Eurasian Studies|avim\.org\.tr|avimbulten", re.IGNORECASE)

# --- the serial: "Blog No.2023 / 63" -------------------------------------------------------


def serial(series: str, year: int | str, number: int | str) -> str:
    """AVİM's serial as AVİM prints it: 'Blog No.2023 / 63', 'Yorum No.2020 / 5'."""
    return f"{series} No.{year} / {number}"


# The serial as AVİM and its readers write it: "Yorum No.2017 / 82", "Blog No: 2023 / 63",
# "Commentary No : 2024 / 38", "Blog No.2023/63". The series word is open (see SERIES_IN).
_SERIAL = rx.compile(
    r"^(?P<series>[^\W\d_]{2,20})\s{0,3}No\s{0,3}[.:]?\s{0,3}(?P<year>\d{4})\s{0,3}/\s{0,3}(?P<number>\d{1,9})\.?$",
    re.IGNORECASE,
)
# The serial as `serial` writes it, inside other text (an export's note): known words only.
_SERIAL_IN_TEXT = (rf"(?:^|\s|,)(?P<series>{SERIES_WORDS}) No\.\s?(?P<year>\d{{4}}) / (?P<number>\d{{1,6}})\.?(?:\s|$)",)


def parse_serial(text: str) -> tuple[str, int, int] | None:
    """('Blog', 2023, 63) from a whole string that is a serial ('Blog No.2023 / 63'), else None."""
    match = _SERIAL.match(text.strip())
    return (match["series"], int(match["year"]), int(match["number"])) if match else None


# --- ids -----------------------------------------------------------------------------------

_SHORT_ID = rx.compile(r"^\d{4}/\d+$")
SHORT_ID_SERIES = "blog"  # a short id (2023/63) names a blog post


def post_id(series: str, year: int | str, number: int | str) -> str:
    """The id a post has when its record gives none: 'blog/2023/63'."""
    return f"{str(series).lower()}/{year}/{number}"


def normalise_ref(ref: str) -> str:
    """'2023/63' -> 'blog/2023/63'; 'Blog / 2023 / 63' and 'Blog No.2023 / 63' -> 'blog/2023/63'."""
    printed = parse_serial(ref)
    if printed:
        return post_id(*printed)
    ref = re.sub(r"\s*/\s*", "/", ref.strip()).lower()
    if _SHORT_ID.match(ref):
        return f"{SHORT_ID_SERIES}/{ref}"
    return ref


# --- titles --------------------------------------------------------------------------------

_NOT_WORD = (r"[\W_]+",)


def title_key(text: str) -> str:
    """A title as compared: case, accents, Turkish dotted/dotless i, punctuation and spacing
    ignored ('TÜRKİYE’S ROLE.' and 'Turkiye's role' have one key)."""
    from avimcite.textfold import fold

    return _compiled("_NOT_WORD").sub(" ", fold(text)).strip()


# --- a repost's outlet ---------------------------------------------------------------------

OUTLET_LEAD = "Originally published in "
_OUTLET = (OUTLET_LEAD + r"(?P<name>.+?)(?: \((?P<date>\d{4}-\d{2}-\d{2})\))?(?:: (?P<url>\S+)|\.)$",)


def outlet_note(name: str, date: str = "", url: str = "") -> str:
    """'Originally published in Eurasia Review (2023-10-30): URL' (no period after a URL: link
    detectors would take it as part of the URL). `OUTLET` reads it back."""
    text = OUTLET_LEAD + name
    if date:
        text += f" ({date})"
    return text + (f": {url}" if url else ".")
