"""Dates as citeproc-js reads and renders them, on top of citeproc-py's cs:date.

Reading (CiteProcJSON.parse_date), as citeproc-js normalises date-parts:

* empty strings among the date-parts are no parts ("2000", "", "" is the year 2000, not
  "00/00/2000"); numbers written as strings are numbers;
* a month 13–24 is a season (13, 17, 21 → spring; 14, 18, 22 → summer; …; 24 → winter), and a
  season has no day; a month outside 1–24 and a day outside 1–31 are dropped; a `season`
  field gives the season of a date without a month;
* no date-parts but a `raw` date: an ISO date ("1999", "1999-02", "1999-02-03") is read, any
  other text is kept as a literal date ("Bogus Date"), as is `literal`;
* a range whose end is empty is a single date; one whose end is [0] is open ("1987–").

Rendering:

* a season prints the locale's season term where the month would ("Spring 1999");
* the "ad" term follows a year below 500 ("499 AD", "600"), as citeproc-js;
* a date range takes the `range-delimiter` of the largest date-part that differs (the
  style's date-part, else the locale's; an en dash by default), and the parts the two dates
  share are joined to the range with the date's delimiter ("2 January–4 March 1999", not
  "…March1999").
"""

from __future__ import annotations

from avimcite import rx
from avimcite.csl.lazyre import LazyPattern as _lazy_re  # speed only: compiled on first use (avimcite.rx)

# Patterns of the functions below (compiled on first use, their code kept by avimcite.rx).
_INTEGER = _lazy_re(r"\s*-?\d+\s*")

_ISO = rx.compile(r"^\s*(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")
_SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}
SEASON_BASE = 20  # a season n is kept as month 20 + n, so ranges compare it as a month


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    return None


def normalise_parts(parts, season=None) -> dict | None:
    """{"year", "month", "day"} of one date-parts array, or None when it has no year."""
    values = [_number(p) for p in (parts or []) if not (isinstance(p, str) and not p.strip())][:3]
    if not values or values[0] is None or values[0] == 0:
        return None
    date = {"year": values[0]}
    month = values[1] if len(values) > 1 else None
    day = values[2] if len(values) > 2 else None
    if month is not None and 13 <= month <= 24:
        date["month"] = SEASON_BASE + (month - 13) % 4 + 1
        return date
    if month is None or not 1 <= month <= 12:
        s = _season(season)
        if s:
            date["month"] = SEASON_BASE + s
        return date
    date["month"] = month
    if day is not None and 1 <= day <= 31:
        date["day"] = day
    return date


def _season(value) -> int | None:
    number = _number(value)
    if number is not None:
        return number if 1 <= number <= 4 else (number - 12 if 13 <= number <= 16 else None)
    if isinstance(value, str):
        return _SEASONS.get(value.strip().lower())
    return None


def install(model, source_json) -> None:
    Date, DateRange, LiteralDate = source_json.Date, source_json.DateRange, source_json.LiteralDate

    def parse_date(self, json_data):
        if not isinstance(json_data, dict):
            return None
        circa = json_data.get("circa", 0) not in (0, False, "", None)
        arrays = json_data.get("date-parts") or []
        dates = [normalise_parts(a, json_data.get("season")) for a in arrays if isinstance(a, (list, tuple))]
        if dates and dates[0] is None:
            dates = []
        dates = [d for d in dates if d is not None]
        if not dates and not json_data.get("literal") and isinstance(json_data.get("raw"), str) and json_data["raw"].strip():
            m = _ISO.match(json_data["raw"])
            if m:
                found = normalise_parts([g for g in m.groups() if g is not None], json_data.get("season"))
                dates = [found] if found else []
            if not dates:
                return LiteralDate(json_data["raw"].strip(), circa=circa)
        if len(dates) == 1 and len(arrays) > 1 and isinstance(arrays[1], (list, tuple)) and arrays[1][:1] in ([0], ["0"]):
            return DateRange(begin=Date(**dates[0]), end=Date(year=0), circa=circa)  # an open range: "1987–"
        if len(dates) > 1 and dates[0] != dates[1]:
            return DateRange(begin=Date(**dates[0]), end=Date(**dates[1]), circa=circa)
        if dates:
            return Date(circa=circa, **dates[0])
        if json_data.get("literal"):
            return LiteralDate(json_data["literal"], circa=circa)
        return None

    source_json.CiteProcJSON.parse_date = parse_date

    original_part = model.Date_Part.process

    def part_process(self, date, context=None):
        if self.get("name") == "month":
            try:
                month = date.month
            except Exception:  # noqa: BLE001 - no month (VariableError)
                month = None
            if isinstance(month, int) and month > SEASON_BASE:
                season = Date(year=date.year, season=month - SEASON_BASE)
                return original_part(self, season, context)
        text = original_part(self, date, context)
        if self.get("name") == "year" and self.get("form", "long") == "long" and text is not None:
            try:
                year = int(date.year)
            except (TypeError, ValueError, AttributeError):
                return text
            if 500 <= year < 1000:
                return str(year)  # citeproc-js adds the "ad" term below the year 500 only
        return text

    model.Date_Part.process = part_process

    part_render = model.Date_Part.render

    def render_part(self, date, context=None, *args, **kwargs):
        # citeproc-py's Date_Part.process copies the style's date-part attributes onto the
        # locale's date-part (attrib.update) and never takes them back, so a localized date
        # with <date-part name="month" form="short"/> made every later localized date of the
        # form print short months ("Oct. 31, 2023" for a plain form="text" date; citeproc-js
        # "October 31, 2023"): the locale's part keeps its own attributes after each render
        if context is None or context is self:
            return part_render(self, date, context, *args, **kwargs)
        saved = dict(self.attrib)
        try:
            return part_render(self, date, context, *args, **kwargs)
        finally:
            if dict(self.attrib) != saved:
                self.attrib.clear()
                self.attrib.update(saved)

    model.Date_Part.render = render_part

    def part_attribute(self, context, name: str, attribute: str, default):
        for holder in (context, self):
            if holder is None:
                continue
            found = holder.xpath_search(f'./cs:date-part[@name="{name}"]')
            if found and found[0].get(attribute) is not None:
                return found[0].get(attribute)
        return default

    def render_date_range(self, date_range, show_parts=None, context=None):
        from avimcite.csl._citeproc.string import String

        show_parts = list(show_parts or ["year", "month", "day"])
        begin, end = date_range.begin, date_range.get("end")
        if end is None or end.is_nil():
            first = self.render_single_date(begin, show_parts, context)
            return String(str(first).rstrip()) + String(self.unicode_character("EN DASH")) if first else None
        largest, same = None, []
        for name in ("year", "month", "day"):
            if name not in show_parts:
                continue
            if begin.get(name) != end.get(name):
                largest = name
                break
            same.append(name)
        if largest is None:
            return self.render_single_date(begin, show_parts, context)
        differ = [p for p in show_parts if p not in same]
        delimiter = part_attribute(self, context if context is not self else None, largest, "range-delimiter",
                                   self.unicode_character("EN DASH"))  # fmt: skip
        first = self.render_single_date(begin, list(differ), context)
        last = self.render_single_date(end, list(differ), context)
        if not first or not last:
            return None
        text = String(str(first).rstrip()) + String(delimiter) + last
        if not same:
            return text
        shared = self.render_single_date(end, list(same), context)
        if not shared:
            return text
        joiner = self if (self.is_locale_date() and self.get("delimiter") is not None) or context is None else context
        return joiner.join([text, String(str(shared).rstrip())])

    model.Date.render_date_range = render_date_range
