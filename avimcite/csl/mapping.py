"""Post -> CSL-JSON: the one mapping that the CSL renderer and every export read.

Choices (shared/research/formats.md, csl-engines.md section 2):

- Blogs are `post-weblog` with the container "AVİM Blog", so APA and MLA keep
  AVİM in the reference; the AVİM serial is *not* put in `number`, where
  styles would print it as an article number or after the date.
- Commentaries and analyses (Yorum/Analiz) are `report`: a numbered series
  issued by an institution, which styles print as "(Commentary No. 2024/38)".
- Titles stay as AVİM prints them (usually capitals): re-casing them would need
  guesses about proper nouns, and no engine lower-cases all-caps words.
- A post without a recorded author is by AVİM, the issuing body, as one
  organisation (`{"literal": "AVİM"}`): never a person, and the same in every
  format, so that a client reading any of them cites what `avimcite cite` cites.
  APA 7 (section 9.11) and Chicago (14.84) list an organisation as the author
  of a work that names no person; classic BibTeX needs the author (natbib's
  "AVİM (2016)"), and Zotero and pandoc read it from the .bib file, so the CSL
  item carries it too (docs/exports.md, "AVİM as the issuing body").
- `note` holds AVİM's serial exactly as AVİM writes it ("Blog No.2023 / 63",
  "Yorum No.2020 / 5"): the house style (avimcite/styles/avim.csl) prints it from
  there, and the eight tuned styles do not print `note` at all.
- What no CSL variable holds (the original outlet of a repost, its date and URL)
  is data in `custom`; the BibTeX, BibLaTeX and RIS writers turn it into a note.
  (`original-publisher`/`original-date` were tried: APA then cites "(Kuzio,
  2023/2023)" for a post reposted a day after it first appeared.)
"""

from __future__ import annotations

from datetime import date

from avimcite import avim
from avimcite.avim import BLOG_TITLE, ISSUER, PLACE, PUBLISHER, REPORT_SERIES
from avimcite.model import Post


def date_parts(day: date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}


def note(post: Post) -> str:
    """AVİM's serial as AVİM prints it in its citation line: 'Blog No.2023 / 63'."""
    return avim.serial(post.series, post.year, post.number)


def outlet_note(item: dict) -> str:
    """'Originally published in Eurasia Review (2023-10-30): URL', from a CSL item's custom data."""
    custom = item.get("custom", {})
    if "source_name" not in custom:
        return ""
    return avim.outlet_note(custom["source_name"], custom.get("source_date", ""), custom.get("source_url", ""))


_TYPES = {"blog": "post-weblog", **{series: "report" for series in REPORT_SERIES}}


def post_to_csl(post: Post, key: str, accessed: date | None = None) -> dict:
    # Called once per exported post (100,000 in the benchmark): no helpers in the loop.
    kind = _TYPES.get(post.series.lower(), "webpage")
    item: dict = {"id": key, "citation-key": key, "type": kind, "title": post.title}
    if post.authors:
        item["author"] = [
            {"literal": a.literal} if a.literal else ({"family": a.family, "given": a.given} if a.given else {"family": a.family})
            for a in post.authors
        ]
    else:
        item["author"] = [{"literal": ISSUER}]
    if kind == "post-weblog":
        item["container-title"] = BLOG_TITLE
    item["publisher"] = PUBLISHER.get(post.language, PUBLISHER["en"])
    item["publisher-place"] = PLACE
    if kind == "report":
        item["genre"] = post.series
        item["number"] = f"{post.year}/{post.number}"
    day = post.published
    item["issued"] = {"date-parts": [[day.year, day.month, day.day]]}
    if accessed:
        item["accessed"] = {"date-parts": [[accessed.year, accessed.month, accessed.day]]}
    item["URL"] = post.url
    item["language"] = post.language
    item["note"] = note(post)
    custom: dict = {"avim_id": post.id, "avim_series": post.series, "avim_year": post.year, "avim_number": post.number}
    source = post.source
    if source:
        custom["source_name"] = source.name
        if source.date:
            custom["source_date"] = source.date.isoformat()
        if source.url:
            custom["source_url"] = source.url
    item["custom"] = custom
    return item
