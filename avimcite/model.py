"""Posts and authors as the catalogue stores them (schema avimcite-catalogue/1).

Slotted: a catalogue of 100,000 posts builds them in a fraction of the time and
memory. Nothing in avimcite changes a post after loading.
"""

from __future__ import annotations

from datetime import date

from avimcite import avim, textfold

class Author:
    # Plain slotted classes, not dataclasses: `dataclasses` (and the `inspect` it imports)
    # would add about 9 ms to every start of avimcite.
    __slots__ = ("given", "family", "literal", "display", "lang", "extra")

    def __init__(self, given: str = "", family: str = "", literal: str = "", display: str = "", lang: str = "",
                 extra: dict | None = None) -> None:  # fmt: skip
        self.given, self.family, self.literal, self.display, self.lang = given, family, literal, display, lang
        self.extra = extra or None  # fields avimcite does not know, kept as they are
        # display: the form AVİM prints, when it cannot be derived;
        # lang: casing rules for the name ("tr"/"en"), when the letters do not tell.

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Author) and self.to_record() == other.to_record()

    def __repr__(self) -> str:
        return f"Author({self.to_record()!r})"

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
        if self.extra:
            record.update(self.extra)
        return record


class Source:
    """The outlet a reposted op-ed first appeared in."""

    __slots__ = ("name", "date", "url", "extra")

    def __init__(self, name: str, date: date | None = None, url: str = "", extra: dict | None = None) -> None:
        self.name, self.date, self.url = name, date, url
        self.extra = extra or None  # fields avimcite does not know, kept as they are

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Source) and self.to_record() == other.to_record()

    def to_record(self) -> dict:
        record: dict = {"name": self.name}
        if self.date:
            record["date"] = self.date.isoformat()
        if self.url:
            record["url"] = self.url
        if self.extra:
            record.update(self.extra)
        return record


class Post:
    __slots__ = ("series", "year", "number", "language", "title", "published", "url", "authors", "source",
                 "summary", "reading_minutes", "explicit_id", "extra", "id", "origin")  # fmt: skip

    def __init__(self, series: str, year: int, number: int, language: str, title: str, published: date, url: str,
                 authors: tuple = (), source: Source | None = None, summary: str = "",
                 reading_minutes: int | None = None, explicit_id: str = "", extra: dict | None = None) -> None:  # fmt: skip
        self.series, self.year, self.number, self.language, self.title = series, year, number, language, title
        self.published, self.url, self.authors, self.source, self.summary = published, url, authors, source, summary
        self.reading_minutes, self.explicit_id = reading_minutes, explicit_id
        self.extra = extra if extra is not None else {}
        self.id = explicit_id or avim.post_id(series, year, number)
        self.origin = ""  # the catalogue file the post was read from

    def __repr__(self) -> str:
        return f"Post({self.id!r})"

    def series_word(self, lang: str | None = None) -> str:
        """'Commentary' for an English line, 'Yorum' for a Turkish one."""
        lang = lang or self.language
        if lang == self.language:
            return self.series
        return avim.series_in(self.series, lang)

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
