"""avimcite.csl.quick and avimcite.csl.compiled: a first citation from a style's compiled form.

What a user sees must not depend on which path rendered it: every render the compiled form
accepts equals the engine's (itself checked against citeproc-js by the agreement tests), in
the bench's styles, the tuned ones and styles nobody picked, over the shipped posts and
synthetic ones; the CLI prints the same line from the form as from the engine; a form is
used only for the very bytes it was built from, and a damaged or planted file is not used.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

import pytest

from avimcite.csl import compiled, compiler, engine, quick
from avimcite.csl.styles import resolve_style, style_locale

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from make_catalogue import make_posts  # noqa: E402

from conftest import kept_forms  # noqa: E402

# the bench's styles, the tuned ones, and some nobody picked (author-date, numeric, notes)
STYLES = ["apa", "chicago-author-date", "springer-basic-author-date", "modern-language-association",
          "harvard-cite-them-right", "chicago-notes-bibliography", "emerald-harvard",
          "american-sociological-association", "elsevier-harvard", "law-and-society-review", "world-politics",
          "universidad-de-leon-harvard", "european-journal-of-political-research", "swedish-legal",
          "istanbul-universitesi-sosyal-bilimler-enstitusu", "apa-tr", "ieee", "nlm-citation-sequence",
          "american-medical-association-10th-edition", "organization", "agora", "fold-and-r"]  # fmt: skip


# titles as AVİM writes them: a question, a closing period, an apostrophe, inner quotes, and mixed case
TITLES = ["WHAT DOES THE KOZAN CASE TELL US?", "THE LAST ISSUE IS OUT.", "ARMENIA’S “FROZEN” PROTOCOLS: A REVIEW",
          "ERMENİSTAN’IN “TOZLU” RAFLARI NEDEN?", "What Does the Kozan Case Tell Us?", "the south caucasus after the war",
          "A Review of “Frozen” Protocols", "Türkiye’nin Kafkasya Politikası!", "NEDEN ŞİMDİ?",
          "Peace in the South Caucasus: a new era."]  # fmt: skip


def _items() -> list[dict]:
    """The shipped posts, 60 synthetic ones, and 30 of those under the titles above, as the
    CLI maps them (CSL-JSON)."""
    from avimcite import catalogue
    from avimcite.csl.mapping import post_to_csl
    from avimcite.keys import assign_keys

    shipped = catalogue.load(catalogue.shipped_catalogue_path()).posts
    raw = json.dumps({"schema": "avimcite-catalogue/1", "posts": make_posts(60, seed=11)}).encode()
    synthetic = catalogue.load_bytes(raw, Path("synthetic.json")).posts
    posts = list(shipped) + list(synthetic)
    keys = assign_keys(posts)
    items = [post_to_csl(p, keys[p.id], date(2026, 6, 25)) for p in posts]
    titled = [dict(item, id=f"{item['id']}-t{n}", title=TITLES[n % len(TITLES)]) for n, item in enumerate(items[-30:])]
    hyphened = [dict(item, id=f"{item['id']}-h", author=[dict(item["author"][0], given="Jean-Paul")] + item["author"][1:])
                for item in items[-40:-30] if item.get("author") and "given" in item["author"][0]]  # fmt: skip
    return items + titled + hyphened


def _engine_text(style, locale, item, mode):
    rendered = engine.render([item], style, locale, mode, "text")
    out = rendered.citations if mode == "citation" else rendered.bibliography
    return out[0] if out else None


@pytest.fixture(scope="module")
def items():
    return _items()


def _assert_form_agrees(name: str, locale: str | None, items: list[dict]) -> None:
    """The style has a verified compiled form in `locale` (its own when None), every render of
    `items` the form accepts, in both modes, is the engine's text, and it accepts more than
    half of them."""
    style = resolve_style(name)
    locale = style_locale(style, locale)
    form = compiler.compile_and_verify(style, locale)
    assert form is not None, f"{name} in {locale}: no verified compiled form"
    accepted = 0
    for mode in form["layouts"]:
        for item in items:
            try:
                mine = quick.render(form, item, mode)
            except quick.Refuse:
                continue
            accepted += 1
            assert mine == _engine_text(style, locale, item, mode), (name, locale, mode, item["id"], item["title"])
    assert accepted > len(items) // 2, f"{name}: the compiled form rendered only {accepted} of {2 * len(items)}"


@pytest.mark.parametrize("name", STYLES)
def test_every_render_the_compiled_form_accepts_equals_the_engines(name, items):
    """Among them the bench's styles (apa, chicago-author-date, springer-basic-author-date),
    whose first citations bench/run.py measures from their compiled forms."""
    _assert_form_agrees(name, None, items)


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB", "tr-TR", "de-DE"])
@pytest.mark.parametrize("name", ["chicago-author-date", "modern-language-association", "ieee"])
def test_in_another_locale_too(name, locale, items):
    """« TITLE ? » then "." (fr-FR), ‘ ’ quotes without punctuation-in-quote (en-GB), Turkish and
    German terms and dates: what the form accepts prints as the engine prints it."""
    _assert_form_agrees(name, locale, items[::3])


def test_the_cli_prints_the_same_line_from_the_form_as_from_the_engine(run):
    ids = run("list", "--ids").lines
    assert len(ids) > 20
    for style in ("apa", "springer-basic-author-date", "chicago-author-date"):
        first = run("cite", ids[0], "--style", style, "--accessed", "2026-06-25")
        assert first.code == 0
        assert kept_forms(), "the first cite in a style keeps its compiled form"
        for post_id in ids:
            quick_line = run("cite", post_id, "--style", style, "--accessed", "2026-06-25")
            engine_line = run("cite", post_id, "--style", style, "--accessed", "2026-06-25", "--json")
            assert quick_line.code == engine_line.code == 0
            assert quick_line.lines == json.loads(engine_line.out)["bibliography"], (style, post_id)
        for post_id in ids[:8]:
            both = run("cite", post_id, "--style", style, "--mode", "both", "--accessed", "2026-06-25")
            engine_both = json.loads(run("cite", post_id, "--style", style, "--mode", "both", "--accessed", "2026-06-25",
                                         "--json").out)  # fmt: skip
            expected = [c["text"] for c in engine_both["citations"]] + [""] + engine_both["bibliography"]
            assert both.lines == expected, (style, post_id)


def test_the_form_is_used_for_its_own_bytes_only(run, tmp_path):
    """A changed style file renders as changed (a new form for the new bytes), never from the
    form of the old bytes."""
    source = resolve_style("springer-basic-author-date").path.read_text(encoding="utf-8")
    path = tmp_path / "mine.csl"
    path.write_text(source, encoding="utf-8")
    before = run("cite", "2023/63", "--style", str(path), "--accessed", "2026-06-25")
    again = run("cite", "2023/63", "--style", str(path), "--accessed", "2026-06-25")
    assert before.code == again.code == 0 and before.out == again.out
    assert "In: AVİM Blog" in before.out
    path.write_text(source.replace('<text prefix="In: " variable="container-title" form="short"/>',
                                             '<text prefix="In → " variable="container-title" form="short"/>'), encoding="utf-8")
    changed = run("cite", "2023/63", "--style", str(path), "--accessed", "2026-06-25")
    assert changed.code == 0
    assert "In → AVİM Blog" in changed.out and "In:" not in changed.out


def test_a_damaged_or_planted_form_is_not_used(run):
    good = run("cite", "2023/63", "--style", "apa", "--accessed", "2026-06-25")
    kept = kept_forms()
    assert good.code == 0 and kept
    for path in kept:
        data = bytearray(path.read_bytes())
        data[-5] ^= 0xFF  # one byte changed: the checksum no longer holds
        path.write_bytes(bytes(data))
    damaged = run("cite", "2023/63", "--style", "apa", "--accessed", "2026-06-25")
    assert damaged.out == good.out
    for path in kept_forms():  # a form written by someone else: the folder is not private
        path.chmod(0o666)
    os.chmod(path.parent, 0o777)
    try:
        planted = run("cite", "2023/63", "--style", "apa", "--accessed", "2026-06-25")
        assert planted.out == good.out
    finally:
        os.chmod(path.parent, 0o700)


def test_plain_values_only():
    """What the compiled form leaves to the engine: straight quotes, markup, a quote that opens
    or closes the text, doubled marks, marks at the start."""
    for text in ("“QUOTED” TITLE", "A <i>TITLE</i>", "TITLE?!", "TITLE -", " TITLE", "A  TITLE", "[TITLE]",
                 "'STRAIGHT' TITLE", "ENDS WITH L’", "…AND MORE", "A “NESTED “TWICE”” TITLE"):  # fmt: skip
        with pytest.raises(quick.Refuse):
            quick._plain(text)
    for text in ("ANKARA: A TITLE - 30.10.2023", "TITLE?", "ARMENIA’S “FROZEN” PROTOCOLS: A REVIEW"):
        assert quick._plain(text) == text


def test_a_form_this_code_cannot_read_falls_back_to_the_engine(run):
    """A whole form (its checksum holds) that the renderer fails on is the engine's to render:
    the same line, exit 0, no traceback."""
    good = run("cite", "2023/63", "--style", "apa", "--accessed", "2026-06-25")
    assert good.code == 0
    import marshal

    from avimcite import cache

    for path in kept_forms():
        key_, form = marshal.loads(path.read_bytes()[cache._SUM :])
        if form:
            for options in form["name_options"].values():
                options["et-al-min"] = "many"
            compiled.save(key_, form)
    again = run("cite", "2023/63", "--style", "apa", "--accessed", "2026-06-25")
    assert (again.code, again.out, again.err) == (0, good.out, "")


def test_no_form_is_built_where_it_could_not_be_kept(run, monkeypatch):
    """A cache folder others can write to keeps nothing, so no form is built (and verified)
    at every cite there: the engine renders, as before."""
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "avimcite"
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o777)
    built = []
    monkeypatch.setattr(compiler, "compile_and_verify", lambda *a: built.append(a))
    try:
        result = run("cite", "2023/63", "--style", "apa", "--accessed", "2026-06-25")
    finally:
        os.chmod(folder, 0o700)
    assert result.code == 0 and result.out.startswith("Kuzio, T. (2023, October 31).")
    assert built == [] and not kept_forms()


def test_a_form_is_built_once_where_it_can_be_kept(run, monkeypatch):
    """The counterpart: in a private cache folder the first cite builds the form, the next
    ones read it."""
    built = []
    real = compiler.compile_and_verify
    monkeypatch.setattr(compiler, "compile_and_verify", lambda *a: built.append(a) or real(*a))
    for _ in range(3):
        result = run("cite", "2023/63", "--style", "apa", "--accessed", "2026-06-25")
        assert result.code == 0 and result.out.startswith("Kuzio, T. (2023, October 31).")
    assert len(built) == 1 and len(kept_forms()) == 1


def test_the_key_changes_with_the_engine_code_and_its_base(tmp_path, monkeypatch):
    """A form verified against one engine is not read by another: the key digests avimcite.csl's
    and citeproc-py's modules (by size and modification time) and Python's version."""
    style = resolve_style("apa")
    data = style.path.read_bytes()
    files = compiled.locale_files("en-US")
    before = compiled.key(data, "en-US", files)
    assert before == compiled.key(data, "en-US", files)
    fake = tmp_path / "citeproc"
    fake.mkdir()
    (fake / "model.py").write_text("# another citeproc-py\n")
    real_package_dir = __import__("avimcite.paths", fromlist=["package_dir"]).package_dir
    monkeypatch.setattr("avimcite.paths.package_dir", lambda name: fake if name == "citeproc" else real_package_dir(name))
    assert compiled.key(data, "en-US", files) != before
    monkeypatch.undo()
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert compiled.key(data, "en-US", files) != before
    assert compiled.key(data + b" ", "en-US", files) != compiled.key(data, "en-US", files)
    assert compiled.key(data, "tr-TR", compiled.locale_files("tr-TR")) != compiled.key(data, "en-US", files)


FUZZ_WORDS = ["ARMENIA", "Peace", "the", "of", "Türkiye’nin", "İSTANBUL", "ısı", "and", "“FROZEN”", "Kafkasya", "NEDEN",
              "a", "review", "2023", "II", "1915", "—", "-", "South:", "Caucasus,", "(AVİM)", "USA", "U.S.", "e-mail",
              "Ömer", "çağ", "İnceleme", "What", "Is", "To", "Jr.", "vs.", "%", "&", "A/B", "+", "10.5"]  # fmt: skip


@pytest.mark.parametrize("name", ["apa", "chicago-author-date", "springer-basic-author-date"])
def test_random_titles_and_given_names(name, items):
    """Titles drawn from words AVİM's titles hold (cases, Turkish letters, quotes, marks, "Jr.",
    "U.S.", "&") and given names with hyphens and initials: what the form accepts prints as the
    engine prints it."""
    import random

    rng = random.Random(2026)
    drawn = []
    for n in range(60):
        item = dict(rng.choice(items), id=f"fuzz{n}")
        item["title"] = " ".join(rng.choice(FUZZ_WORDS) for _ in range(rng.randint(1, 7))) + rng.choice(["", "", "?", ".", "!", ":"])
        if item.get("author") and "given" in item["author"][0] and n % 4 == 0:
            item["author"] = [dict(item["author"][0], given=rng.choice(["Jean-Paul", "Ayşe Nur", "İlter", "Işıl", "Ö."]))]
        drawn.append(item)
    _assert_form_agrees(name, None, drawn)
