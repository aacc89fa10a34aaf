"""Posts and authors as the catalogue stores them (schema avimcite-catalogue/1).

Slotted, not frozen: a catalogue of 100,000 posts builds them in a fraction of
the time and memory; nothing in avimcite mutates a post after loading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from avimcite import textfold

# The word AVİM prints for each series in the other language. The series list
# is open: a word not listed here is printed as it is in both languages.
SERIES_IN = {
    "en": {"yorum": "Commentary", "analiz": "Analysis", "blog": "Blog"},
    "tr": {"commentary": "Yorum", "analysis": "Analiz", "blog": "Blog"},
}


@dataclass(slots=True)
class Author:
    given: str = ""
    family: str = ""
    literal: str = ""
    display: str = ""  # the form AVİM prints, when it cannot be derived
    lang: str = ""  # casing rules for the name ("tr"/"en"), when the letters do not tell

    @property
    def name(self) -> str:
        """The name in natural order, as a reader would write it."""
        if self.literal:
            return self.literal
        return " ".join(part for part in (self.given, self.family) if part)

    def to_record(self) -> dict:
        record = {}
        for key in ("given", "family", "literal", "display", "lang"):
            value = getattr(self, key)
            if value:
                record[key] = value
        return record


@dataclass(slots=True)
class Source:
    """The outlet a reposted op-ed first appeared in."""

    name: str
    date: date | None = None
    url: str = ""

    def to_record(self) -> dict:
        record: dict = {"name": self.name}
        if self.date:
            record["date"] = self.date.isoformat()
        if self.url:
            record["url"] = self.url
        return record


@dataclass(slots=True, eq=False)
class Post:
    series: str
    year: int
    number: int
    language: str
    title: str
    published: date
    url: str
    authors: tuple[Author, ...] = ()
    source: Source | None = None
    summary: str = ""
    reading_minutes: int | None = None
    explicit_id: str = ""
    extra: dict = field(default_factory=dict)
    id: str = field(init=False)
    origin: str = field(init=False, default="")  # the catalogue file the post was read from

    def __post_init__(self) -> None:
        self.id = self.explicit_id or f"{self.series.lower()}/{self.year}/{self.number}"

    def series_word(self, lang: str | None = None) -> str:
        """'Commentary' for an English line, 'Yorum' for a Turkish one."""
        lang = lang or self.language
        if lang == self.language:
            return self.series
        return SERIES_IN.get(lang, {}).get(self.series.lower(), self.series)

    def name_lang(self, author: Author) -> str:
        """Which casing rules an author's name follows.

        An explicit `lang` wins; a name with Turkish letters (Kılıç, Şir) is
        Turkish; otherwise the post's language decides.
        """
        if author.lang:
            return author.lang
        if textfold.has_turkish_letters(author.name):
            return "tr"
        return self.language

    def to_record(self) -> dict:
        """The post as JSON data, `id` first, in the catalogue's key order."""
        record: dict = {
            "id": self.id,
            "series": self.series,
            "year": self.year,
            "number": self.number,
            "language": self.language,
            "title": self.title,
            "authors": [a.to_record() for a in self.authors],
            "published": self.published.isoformat(),
            "url": self.url,
        }
        if self.source:
            record["source"] = self.source.to_record()
        if self.summary:
            record["summary"] = self.summary
        if self.reading_minutes is not None:
            record["reading_minutes"] = self.reading_minutes
        record.update(self.extra)
        return record

    def to_catalogue_record(self) -> dict:
        """The record as a catalogue file stores it: the id only when it is explicit."""
        record = self.to_record()
        if self.explicit_id:
            record["id"] = self.explicit_id
        else:
            del record["id"]
        return record
