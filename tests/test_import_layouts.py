"""Every shipped post, laid out as a site, a template or a browser's save may print it, imports
exactly; a page laid out to mislead is refused with one line and nothing stored.

The generator is ours (templates below); the expected records are the shipped catalogue's real
metadata (data/posts.json), never the importer's own output.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avimcite import textfold
from avimcite.importer import PageError, parse_input

REPO = Path(__file__).resolve().parent.parent
POSTS = json.loads((REPO / "data" / "posts.json").read_text(encoding="utf-8"))["posts"]
FIELDS = ("series", "year", "number", "language", "title", "published", "url")
fuzz = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- what a page prints for a post ------------------------------------------------------------


def printed_name(author: dict, lang: str) -> str:
    if "literal" in author:
        return author["literal"]
    if author.get("display"):
        return author["display"]
    name_lang = "tr" if textfold.has_turkish_letters(author["given"] + author["family"]) else lang
    return f"{author['given']} {textfold.upper(author['family'], name_lang)}"


def serial(post: dict, avimbulten: bool) -> str:
    if post["series"] == "Blog" and avimbulten:
        return f"Blog No: {post['number']}"
    return f"{post['series']} No : {post['year']} / {post['number']}"


def day(post: dict) -> str:
    y, m, d = post["published"].split("-")
    return f"{d}.{m}.{y}"


def reading(post: dict) -> str | None:
    if "reading_minutes" not in post:
        return None
    return f"{post['reading_minutes']} {'dk okuma' if post['language'] == 'tr' else 'min read'}"


BODY = {
    "tr": "Avrasya İncelemeleri Merkezi bu konuda bir değerlendirme yayımladı ve bu yazıda da olarak ele alındı.",
    "en": "The Center for Eurasian Studies has published this commentary on the subject, and it is in the archive.",
}


def expected(post: dict, authors: list[dict] | None = None) -> dict:
    record = {k: post[k] for k in FIELDS}
    record["authors"] = [{k: a[k] for k in ("given", "family", "literal") if k in a}
                         for a in (post["authors"] if authors is None else authors)]  # fmt: skip
    return record


def got(record: dict) -> dict:
    out = {k: record[k] for k in FIELDS}
    out["authors"] = [{k: a[k] for k in ("given", "family", "literal") if k in a} for a in record["authors"]]
    return out


# --- layouts ------------------------------------------------------------------------------------


@st.composite
def layouts(draw, hostile: bool = False):
    """(page text, the record it must give or None when it must be refused, url for --url or "")."""
    post = draw(st.sampled_from(POSTS))
    lang = post["language"]
    avimbulten = "avimbulten" in post["url"]
    names = [printed_name(a, lang) for a in post["authors"]]
    org_author = not names and draw(st.booleans())  # "Author : AVİM": the organisation as author
    authors = [{"literal": "AVİM"}] if org_author else None
    label = "Yazar" if lang == "tr" else "Author"
    items = [serial(post, avimbulten), day(post)]
    if reading(post) and draw(st.booleans()):
        items.append(reading(post))
    if names or org_author:
        items.insert(draw(st.integers(0, len(items))), f"{label} : {', '.join(names) if names else 'AVİM'}")
    head_order = draw(st.permutations(items[1:]))
    items = [items[0], *head_order] if draw(st.booleans()) else [*head_order[:1], items[0], *head_order[1:]]
    title = post["title"]
    template = draw(st.sampled_from(["lines", "one-line", "spans", "list", "table", "header-first", "markdown", "md-table", "wrapped"]))
    url_in_page = draw(st.booleans())
    html_page = template in ("spans", "list", "table", "header-first") or (template == "one-line" and draw(st.booleans()))
    want = expected(post, authors)
    if "reading_minutes" in post and reading(post) in items:
        want["reading_minutes"] = post["reading_minutes"]
    body = BODY[lang]

    kinds = ["label-title", "two-headers", "bad-date", "no-date"] + (["title-tag", "og-title"] if html_page else [])
    mislead = draw(st.sampled_from(kinds)) if hostile else ""
    if mislead == "no-date":
        items = [i for i in items if i != day(post)]
    if mislead == "bad-date":
        items = [("32" + i[2:] if i == day(post) else i) for i in items]

    sep = draw(st.sampled_from(["\xa0\xa0", " &nbsp; ", " | ", "\t", " • "])) if template in ("one-line", "header-first") else ""
    if not html_page:
        sep = sep.replace("&nbsp;", "\xa0")
    if html_page:
        esc = html.escape
        head_title = f"<title>{esc(title)} | AVİM</title>" if draw(st.booleans()) else "<title>AVİM</title>"
        if mislead == "title-tag":
            head_title = f"<title>{esc(title)} II | AVİM</title>"
        og = f'<meta property="og:title" content="{esc(title + (" (2)" if mislead == "og-title" else ""))}">'
        og = og if mislead == "og-title" or draw(st.booleans()) else ""
        canonical = f'<link rel="canonical" href="{post["url"]}">' if url_in_page else ""
        lang_attr = f' lang="{lang}"' if draw(st.booleans()) or post["series"] == "Blog" else ""
        heading = f"<h1>{esc(title)}</h1>" if mislead != "label-title" else f"<h2>{esc(items[-1])}</h2>"
        if template == "spans":
            header = "<div class='meta'>" + "".join(f"<span>{esc(i)}</span>" for i in items) + "</div>"
        elif template == "list":
            header = "<ul class='meta'>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"
        elif template == "table":
            rows = []
            for item in items:
                key, colon, value = item.partition(" : ") if " : " in item else item.partition(": ")
                rows.append(f"<tr><td>{esc(key)}{' :' if draw(st.booleans()) else ''}</td><td>{esc(value)}</td></tr>"
                            if colon else f"<tr><td colspan=2>{esc(item)}</td></tr>")  # fmt: skip
            header = "<table>" + "".join(rows) + "</table>"
        else:
            header = "<p class='meta'>" + html.escape(sep.replace("&nbsp;", "\xa0")).join(esc(i) for i in items).replace("\xa0", "&nbsp;") + "</p>"
        second = f"<p>{esc(serial({**post, 'number': post['number'] + 1}, avimbulten))}</p>" if mislead == "two-headers" else ""
        nav = "<nav><a href='/'>Ana Sayfa</a> <a href='/Yorumlar'>Yorumlar</a></nav>"
        if template == "header-first":
            main = header + heading
        else:
            main = heading + header
        text = (f"<!DOCTYPE html><html{lang_attr}><head><meta charset='utf-8'>{head_title}{og}{canonical}"
                f"<script>var x = '<h1>Blog No: 1</h1>';</script></head><body>{nav}<article>{main}"
                f"<p>{esc(body)}</p>{second}</article><footer><p>© 2009-2025 Avrasya İncelemeleri Merkezi (AVİM)</p></footer></body></html>")  # fmt: skip
    else:
        title_lines = [title]
        if template == "wrapped" and len(title) > 20:
            cut = title.rfind(" ", 0, len(title) // 2)
            if cut > 0:
                title_lines = [title[:cut] + "  ", title[cut + 1 :]]
        top = "\n".join(title_lines)
        if template == "markdown" or draw(st.booleans()):
            top = "# " + " ".join(title_lines)
        if mislead == "label-title":
            top = f"{label} : AVİM"
        if template == "one-line":
            header = sep.join(items)
        elif template == "md-table":
            header = "| " + items[0].replace(" : ", " | ").replace(": ", " | ") + " |\n|---|---|\n" + "\n".join(
                f"| {i.replace(' : ', ' | ')} |" for i in items[1:])  # fmt: skip
        else:
            header = "\n".join(items)
        second = f"\n\nİLGİLİ\n{serial({**post, 'number': post['number'] + 1}, avimbulten)}\n" if mislead == "two-headers" else ""
        blank = draw(st.sampled_from(["\n", "\n\n"]))
        text = f"Ana Sayfa | Hakkımızda | Yayınlar\n\n{top}{blank}{header}\n\n{body}{second}\n\n© 2009-2025 Avrasya İncelemeleri Merkezi (AVİM) Tüm Hakları Saklıdır\n"
        if url_in_page:
            text += f"\nKaynak: {post['url']}\n"
        if draw(st.booleans()):
            text = text.replace("\n", "\r\n")
    url = "" if url_in_page else post["url"]
    return text, (None if mislead else want), url


def import_one(text: str, url: str) -> dict | str:
    try:
        (record,) = parse_input(text, url=url).records
    except PageError as exc:
        return str(exc)
    return record


@fuzz
@given(layouts())
def test_every_layout_of_a_real_post_imports_exactly(case):
    text, want, url = case
    result = import_one(text, url)
    assert isinstance(result, dict), f"refused: {result}\n{text}"
    assert got(result) == {k: want[k] for k in want if k != "reading_minutes"}, text
    assert result.get("reading_minutes") == want.get("reading_minutes", result.get("reading_minutes"))


@fuzz
@given(layouts(hostile=True))
def test_every_misleading_layout_is_refused_with_one_line(case):
    text, want, url = case
    result = import_one(text, url)
    assert isinstance(result, str), f"stored {result}\nfrom\n{text}"
    assert "\n" not in result and len(result) < 400


INVISIBLE = ["\u202e", "\u202a", "\u2066", "\u2069", "\u200b", "\u200f", "\ufeff", "\x1b[2J", "\x1b]0;pwned\x07", "\x07", "\x85"]


@fuzz
@given(layouts(), st.lists(st.tuples(st.sampled_from(INVISIBLE), st.floats(0, 1)), min_size=1, max_size=5))
def test_invisible_and_control_characters_never_reach_the_record(case, inserts):
    text, want, url = case
    for char, where in inserts:
        at = int(where * len(text))
        text = text[:at] + char + text[at:]
    result = import_one(text, url)
    if isinstance(result, dict):  # an insert inside a word may break an item: then refused, never wrong
        assert got(result) == {k: want[k] for k in want if k != "reading_minutes"}
        flat = json.dumps(result, ensure_ascii=False)
        assert not any(c in flat for c in "\u202e\u202a\u2066\u2069\u200b\u200f\ufeff\x1b\x07\x85")


@pytest.mark.parametrize("post", POSTS, ids=lambda p: f"{p['series']}/{p['year']}/{p['number']}")
def test_each_shipped_post_in_a_windows_1254_save_imports_through_the_cli(post, run, tmp_path):
    lang = post["language"]
    items = [serial(post, "avimbulten" in post["url"]), day(post), *([reading(post)] if reading(post) else [])]
    names = [printed_name(a, lang) for a in post["authors"]]
    if names:
        items.insert(1, ("Yazar : " if lang == "tr" else "Author : ") + ", ".join(names))
    page = (f'<html lang="{lang}"><head><meta charset="windows-1254"><title>{html.escape(post["title"])} | AVİM</title>'
            f'<link rel="canonical" href="{post["url"]}"></head><body><h1>{html.escape(post["title"])}</h1>'
            f"<p>{'&nbsp; '.join(items)}</p><p>{BODY[lang]}</p></body></html>")  # fmt: skip
    try:
        raw = page.encode("cp1254")
    except UnicodeEncodeError:  # a letter Windows-1254 lacks (none among the shipped posts today)
        pytest.skip("not representable in Windows-1254")
    path = tmp_path / "page.html"
    path.write_bytes(raw)
    target = tmp_path / "mine.json"
    result = run("--catalogue", str(target), "import", str(path))
    assert result.code == 0, result.err
    (saved,) = json.loads(target.read_text(encoding="utf-8"))["posts"]
    assert got(saved) == expected(post)
    assert saved.get("reading_minutes") == post.get("reading_minutes")


def test_the_seed_layouts_still_import_byte_for_byte():
    seed = next(p for p in POSTS if p["series"] == "Blog")
    for name in ("seed-page-real.txt", "seed-page.html", "seed-blog.md", "seed-page-header-first.html"):
        (record,) = parse_input((REPO / "tests" / "data" / "pages" / name).read_text(encoding="utf-8")).records
        assert got(record) == expected(seed), name
        if name != "seed-page-header-first.html":
            assert record["source"] == seed["source"], name
