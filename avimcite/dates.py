"""Dates typed by users (--accessed, --since, --until).

ISO dates take a fast path; anything else goes through python-dateutil, read
day-first ("25.06.2026" is 25 June) and with Turkish month names accepted
("25 Haziran 2026"). A date missing its day, month or year is refused rather
than completed from today's date.
"""

from __future__ import annotations

from datetime import date, datetime

from avimcite import rx
from avimcite.errors import UsageError

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December"],
    "tr": ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz",
           "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"],
}  # fmt: skip

_ISO = rx.compile(r"^\d{4}-\d{2}-\d{2}$")


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


def parse_date(text: str, what: str = "date", bound: str | None = None) -> date:
    """Parse a user's date or raise UsageError naming `what` (e.g. '--accessed').

    `bound` "start" or "end" reads a year or a month as the first or last day of it (for
    --since and --until: `2023` is 2023-01-01 or 2023-12-31, `2023-05` or `May 2023` is
    2023-05-01 or 2023-05-31); elsewhere a date needs its day, month and year."""
    text = text.strip()
    if text.lower() in ("today", "bugün"):
        return date.today()
    if _ISO.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise UsageError(f"{what} {text!r} is not a real date.") from None
    if bound and _YEAR.match(text):
        return _bound(int(text), None, bound)
    if bound and _YEAR_MONTH.match(text):
        year, month = int(text[:4]), int(text[5:])
        if not 1 <= month <= 12:
            raise UsageError(f"{what} {text!r} is not a real month.")
        return _bound(year, month, bound)
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
    no_year, no_month, no_day = first.year != second.year, first.month != second.month, first.day != second.day
    if bound and not no_year and no_day and _has_year(first.year, text):  # a month, or a year
        return _bound(first.year, None if no_month else first.month, bound)
    if first != second:
        tip = " (or a year or a month, such as 2023 or 2023-05)" if bound else ""
        raise UsageError(f"{what} {text!r} needs a day, a month and a year{tip}.")
    if not _has_year(first.year, text):
        raise UsageError(f"{what} {text!r} needs a four-digit year, as in 25 June 2026 or 2026-06-25.")
    return first.date()


def _has_year(year: int, text: str) -> bool:
    # dateutil reads "1 1 1" or "12 12 12 12" as dates in 2001/2012: the year must be written out
    return year >= 1000 and str(year) in _YEARS.findall(text)


def _bound(year: int, month: int | None, bound: str) -> date:
    """The first or last day of a year or a month."""
    import calendar

    if year < 1000:
        raise UsageError(f"the year {year} is not a four-digit year.")
    if bound == "start":
        return date(year, month or 1, 1)
    month = month or 12
    return date(year, month, calendar.monthrange(year, month)[1])


_YEARS = rx.compile(r"(?<!\d)(\d{4})(?!\d)")  # 25-06-2026 too
_YEAR = rx.compile(r"^\d{4}$")
_YEAR_MONTH = rx.compile(r"^\d{4}-\d{1,2}$")
