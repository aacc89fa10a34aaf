"""Each reference matched to a post (by URL, serial, our citation key, then title) and every
field it states compared with that post: a match on one field never excuses another."""

from __future__ import annotations

import re

from avimcite import textfold
from avimcite.avim import serial, title_key, url_key
from avimcite.scan.model import Finding

_ORGANISATION = re.compile(r"av[i]m|avrasya incelemeleri|eurasian studies|anon", re.IGNORECASE)
_AVIM_KEY = re.compile(r"avim\d{4}[a-z]*$")


def _same_title(written: str, title: str) -> bool:
    written = written.strip()
    partial = written.endswith(("…", "...", "[…]", "[...]"))
    a, b = title_key(written), title_key(title)
    if partial:
        return bool(a) and b.startswith(a)
    return a == b


def check(findings: list[Finding], catalogue, keys=None) -> list[Finding]:
    """Match and check every finding; a citation key that is not ours (and does not look
    like AVİM's) is not an AVİM reference and is dropped, as is a .bib entry that names
    AVİM nowhere and carries no key of ours."""
    from avimcite.dates import month_name

    index: dict[str, str] | None = None  # our key -> post id
    own: dict[str, str] = {}  # post id -> our key

    def key_index() -> dict[str, str]:
        nonlocal index
        if index is None:
            own.update(keys() if keys is not None else {})
            index = {key: post_id for post_id, key in own.items()}
        return index

    by_title = None
    by_id = exact = None
    kept = []
    for finding in findings:
        data = finding.data
        key = data.get("key")
        key_post = None
        if key is not None and (finding.kind in ("key", "bib")):
            post_id = key_index().get(key)
            if post_id is not None:
                if by_id is None:
                    by_id = {p.id: p for p in catalogue.posts}
                key_post = by_id.get(post_id)
            elif finding.kind == "key" and not _AVIM_KEY.match(key):
                continue
            elif finding.kind == "bib" and not data.get("avim"):
                continue
        kept.append(finding)
        post = None
        by_url = False
        if finding.url:
            if exact is None:
                exact = {p.url: p for p in catalogue.posts}
            post = exact.get(finding.url) or catalogue.find(finding.url)
            by_url = post is not None
            if post is None and finding.kind == "url":
                finding.problems.append(f"an AVİM page that is in no catalogue; add it with: avimcite import {finding.url}")
                continue
        if post is None and data.get("series"):
            post = catalogue.find(f"{data['series'].lower()}/{data['syear']}/{data['number']}")
        if post is None:
            post = key_post
        if post is None and data.get("title") and finding.kind in ("citation", "bib"):
            if by_title is None:
                by_title = {}
                for candidate in catalogue.posts:
                    by_title.setdefault(title_key(candidate.title), candidate)
            post = by_title.get(title_key(data["title"]))
        if post is None:
            if finding.kind == "key":
                finding.problems.append(f"no post has the citation key {key} (the keys are those `avimcite export` gives)")
                continue
            what = serial(data["series"], data["syear"], data["number"]) if data.get("series") else (key or finding.text)
            if finding.url and url_key(finding.url):
                finding.problems.append(f"no post {what} in the catalogue; add it with: avimcite import {finding.url}")
            else:
                finding.problems.append(f"no post {what} in the catalogue (with its URL: avimcite import URL)")
            continue
        finding.id = post.id
        finding.problems.extend(_disagreements(finding, post, key_post, own, month_name, by_url))
    return kept


def _disagreements(finding: Finding, post, key_post, own: dict[str, str], month_name, by_url: bool) -> list[str]:
    data = finding.data
    problems = []
    published = post.published
    if finding.url and not by_url and url_key(finding.url) != url_key(post.url):
        problems.append(f"the URL is not this post's ({post.url})")
    if key_post is not None and key_post is not post:
        theirs = f"; this post's is {own[post.id]}" if post.id in own else ""
        problems.append(f"the key {data['key']} is {key_post.id}'s{theirs}")
    stated = [data["year"]] if data.get("year") else list(data.get("years") or [])
    wrong_year = bool(stated) and all(int(y) != published.year for y in stated)
    if wrong_year:
        accessed = re.search(r"\d{4}", data.get("accessed") or "")
        accessed_year = int(accessed.group(0)) if accessed else None
        year = int(stated[0])
        if accessed_year == year:
            problems.append(f"year {year} is the access year (the site's citation-line quirk); published {published.year}")
        else:
            problems.append(f"year {year}, published {published.year}")
    elif data.get("year_text"):
        problems.append(f"year {data['year_text']!r}, published {published.year}")
    if data.get("date") and data["date"] != published.isoformat() and not (stated and int(stated[0]) != published.year):
        problems.append(f"date {data['date']}, published {published.isoformat()}")
    if data.get("series"):
        if (int(data["syear"]), int(data["number"])) != (post.year, post.number) or data["series"].lower() != post.id.split("/")[0]:
            problems.append(f"number {serial(data['series'], data['syear'], data['number'])}, the catalogue has {serial(post.series, post.year, post.number)}")
    if data.get("title") and data["title"] != post.title and not _same_title(data["title"], post.title):
        problems.append(f"title {data['title']!r}, the catalogue has {post.title!r}")
    if data.get("authors") or data.get("authors_required"):
        problem = _author_problem(data.get("authors") or "", post)
        if problem:
            problems.append(problem)
    if data.get("dates"):
        known = {published.isoformat()}
        if post.source is not None and post.source.date is not None:
            known.add(post.source.date.isoformat())  # a repost's first publication, as its title says
        for written, iso in data["dates"]:
            if iso not in known and not (wrong_year and int(iso[:4]) == int(stated[0])):
                problems.append(f"date {written}, published {published.isoformat()}")
    day = (data.get("day") or "").strip()
    if day:
        names = {month_name(published.month, lang).lower() for lang in ("en", "tr")}
        words = day.lower().replace(",", " ").split()
        if str(published.day) not in words or not names & set(words):
            problems.append(f"date {day}, published {published.isoformat()}")
    return problems


def _author_problem(written: str, post) -> str | None:
    if post.authors and all(a.family and a.family in written for a in post.authors):
        return None  # as written in the catalogue: no folding needed
    folded = textfold.fold(written)
    families = [textfold.fold(a.family or a.literal or "") for a in post.authors]
    names = ", ".join(a.family or a.literal or "" for a in post.authors) or "(none)"
    if families:
        if "et al" in folded or " vd" in folded:
            families = families[:1]
        if all(f in folded for f in families if f):
            return None
        return f"author {written or '(none)'}, the catalogue has {names}"
    if not folded.strip() or _ORGANISATION.search(folded):
        return None
    return f"author {written}, the catalogue has {names}"
