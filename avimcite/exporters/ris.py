"""RIS from CSL-JSON items, written with rispy.

Lines end in CRLF, as the RIS specification and Zotero's exporter do; the text
is UTF-8 without a byte-order mark (rispy's own reader returns nothing for a
file that starts with one). No numbered header line before records.
"""

from __future__ import annotations

from typing import Sequence

RIS_TYPE = {"post-weblog": "BLOG", "report": "RPRT", "webpage": "ELEC"}


def _ris_date(parts: dict) -> str:
    y, m, d = parts["date-parts"][0]
    return f"{y:04d}/{m:02d}/{d:02d}/"


def ris_record(item: dict) -> dict:
    record: dict = {"type_of_reference": RIS_TYPE.get(item["type"], "GEN")}
    authors = [
        a["literal"] if "literal" in a else (f"{a['family']}, {a['given']}" if a.get("given") else a["family"])
        for a in item.get("author", [])
    ]
    if authors:
        record["authors"] = authors
    record["title"] = item["title"]
    if "container-title" in item:
        record["secondary_title"] = item["container-title"]
    if item["type"] == "report":
        record["type_of_work"] = item.get("genre", "")
        record["issn"] = item.get("number", "")  # SN: the report number, as Zotero maps it
    else:
        custom = item.get("custom", {})
        record["section"] = f"{custom.get('avim_year')}/{custom.get('avim_number')}"
    record["publisher"] = item.get("publisher", "")
    record["place_published"] = item.get("publisher-place", "")
    record["year"] = str(item["issued"]["date-parts"][0][0])
    record["date"] = _ris_date(item["issued"])
    if "accessed" in item:
        record["access_date"] = _ris_date(item["accessed"])
    record["urls"] = [item["URL"]]
    record["language"] = item.get("language", "")
    record["notes"] = [item["note"]] if item.get("note") else []
    record["id"] = item["id"]
    return {k: v for k, v in record.items() if v not in ("", [])}


def dumps(items: Sequence[dict]) -> str:
    import rispy

    class Writer(rispy.RisWriter):
        NEWLINE = "\r\n"

        def set_header(self, count: int) -> str:
            return ""

    return rispy.dumps([ris_record(item) for item in items], implementation=Writer)
