"""Dates typed by users (--accessed, --since, --until).

ISO dates take a fast path; anything else goes through python-dateutil, read
day-first ("25.06.2026" is 25 June) and with Turkish month names accepted
("25 Haziran 2026"). A date missing its day, month or year is refused rather
than completed from today's date.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from avimcite.errors import UsageError

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December"],
    "tr": ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz",
           "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"],
}  # fmt: skip

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def month_name(month: int, lang: str) -> str:
    return MONTHS.get(lang, MONTHS["en"])[month - 1]


def _parserinfo():
    from dateutil import parser

    from avimcite.textfold import fold

    class TurkishAwareInfo(parser.parserinfo):
        MONTHS = [
            (*names, fold(tr), fold(tr)[:3])
            for names, tr in zip(parser.parserinfo.MONTHS, MONTHS["tr"], strict=True)
        ]

        def month(self, name):  # dateutil lower-cases; fold also drops Turkish letters' marks
            return super().month(fold(name))

    return TurkishAwareInfo(dayfirst=True)


def parse_date(text: str, what: str = "date") -> date:
    """Parse a user's date or raise UsageError naming `what` (e.g. '--accessed')."""
    text = text.strip()
    if text.lower() in ("today", "bugün"):
        return date.today()
    if _ISO.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise UsageError(f"{what} {text!r} is not a real date.") from None
    from dateutil import parser

    info = _parserinfo()
    # Two different defaults reveal a part the text left out: the results differ.
    try:
        first = parser.parse(text, parserinfo=info, default=datetime(2000, 1, 1))
        second = parser.parse(text, parserinfo=info, default=datetime(2004, 2, 2))
    except (ValueError, OverflowError, parser.ParserError):
        raise UsageError(
            f"{what} {text!r} is not a date I can read; write it like 2026-06-25 or 25 June 2026."
        ) from None
    if first != second:
        raise UsageError(f"{what} {text!r} needs a day, a month and a year.")
    # dateutil reads "1 1 1" or "12 12 12 12" as dates in 2001/2012: the year must be written out
    if str(first.year) not in _YEARS.findall(text) or first.year < 1000:
        raise UsageError(f"{what} {text!r} needs a four-digit year, as in 25 June 2026 or 2026-06-25.")
    return first.date()


_YEARS = re.compile(r"(?<![\d-])(\d{4})(?!\d)")
