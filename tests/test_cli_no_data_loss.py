"""Nothing lost: every failure leaves files byte-identical, and writes go where the user meant.

Each test is one of the reliability issue's data-loss reproducers (issue 10, items 1-7).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

from avimcite import fsutil, store
from avimcite.errors import FileAccessError
from conftest import post_record


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# 1. export: an unknown id or an empty selection never empties a bibliography


@pytest.mark.parametrize("ids", [["2023/999"], ["2023/63", "2023/999"]])
def test_export_with_an_unknown_id_leaves_the_file_as_it_was(run, tmp_path, ids):
    out = tmp_path / "refs.bib"
    out.write_text("@misc{mine, title={Mine}}\n", encoding="utf-8")
    result = run("export", *ids, "-o", str(out))
    assert result.code == 3 and "2023/999" in result.err
    assert out.read_text(encoding="utf-8") == "@misc{mine, title={Mine}}\n"


def test_export_of_an_empty_selection_does_not_replace_a_file(run, tmp_path):
    out = tmp_path / "refs.bib"
    out.write_text("@misc{mine, title={Mine}}\n", encoding="utf-8")
    result = run("export", "--year", "1999", "-o", str(out))
    assert result.code == 3 and "left as it is" in result.err
    assert out.read_text(encoding="utf-8") == "@misc{mine, title={Mine}}\n"
    fresh = tmp_path / "new.bib"
    assert run("export", "--year", "1999", "-o", str(fresh)).code == 0 and fresh.read_text() == ""


# 2. posts off AVİM's hosts are not all "the same page"


def test_archive_copies_of_different_posts_are_different_posts(tmp_path):
    path = tmp_path / "c.json"
    a = store.validated(post_record(number=1, url="https://example.org/copy-one", title="ONE"), "t")
    b = store.validated(post_record(number=2, url="https://example.org/copy-two", title="TWO"), "t")
    outcomes = store.add_posts(path, [a, b])
    assert [o.action for o in outcomes] == ["added", "added"]
    outcomes = store.add_posts(path, [store.validated(post_record(number=3, url="https://example.org/x", title="T3"), "t")], update=True)
    assert [o.action for o in outcomes] == ["added"]
    titles = [p["title"] for p in json.loads(path.read_text())["posts"]]
    assert titles == ["ONE", "TWO", "T3"]


def test_an_archive_copy_is_the_page_it_copies(tmp_path):
    path = tmp_path / "c.json"
    store.add_posts(path, [store.validated(post_record(url="https://www.avimbulten.org/Blog/A-TITLE"), "t")])
    copy2 = post_record(number=9, url="https://web.archive.org/web/20231101000000/https://avimbulten.org/Blog/A-TITLE")
    outcome = store.add_posts(path, [store.validated(copy2, "t")])[0]
    assert outcome.action == "skipped" and "blog/2024/1" in outcome.detail


# 3. export never overwrites a catalogue


def test_export_onto_the_catalogue_being_read_is_refused(run, write_catalogue):
    path = write_catalogue([post_record()])
    before = path.read_bytes()
    result = run("--catalogue", str(path), "export", "--all", "-f", "csl-json", "-o", str(path))
    assert result.code == 5 and "catalogue" in result.err
    assert path.read_bytes() == before


def test_export_onto_the_user_catalogue_is_refused(run, tmp_path):
    run("add", "--series", "Blog", "--year", "2024", "--number", "1", "--title", "T", "--date", "2024-01-05",
        "--url", "https://www.avimbulten.org/Blog/T", "--lang", "en")  # fmt: skip
    from avimcite.paths import user_catalogue_path

    user = user_catalogue_path()
    before = user.read_bytes()
    result = run("export", "--all", "-f", "csl-json", "-o", str(user))
    assert result.code == 5 and user.read_bytes() == before


# 4. symlinks are followed, not replaced


def test_a_symlinked_catalogue_gets_the_post(run, write_catalogue, tmp_path):
    real = write_catalogue([post_record()], name="real.json")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = run("--catalogue", str(link), "add", "--series", "Blog", "--year", "2024", "--number", "2",
                 "--title", "SECOND", "--date", "2024-02-01", "--url", "https://www.avimbulten.org/Blog/SECOND", "--lang", "en")  # fmt: skip
    assert result.code == 0, result.err
    assert link.is_symlink()
    assert [p["title"] for p in json.loads(real.read_text())["posts"]] == ["A TITLE", "SECOND"]
    assert (tmp_path / "real.json.bak").exists() and not (tmp_path / "link.json.bak").exists()


def test_an_output_symlink_stays_a_symlink(run, tmp_path):
    real = tmp_path / "real.bib"
    real.write_text("old\n")
    link = tmp_path / "link.bib"
    link.symlink_to(real)
    assert run("export", "2023/63", "-o", str(link)).code == 0
    assert link.is_symlink() and "@misc" in real.read_text()


# 5. FIFOs and devices are written to, never replaced


def test_export_to_a_fifo_writes_into_it(run, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    def read():
        with open(fifo, encoding="utf-8") as handle:
            got.append(handle.read())

    reader = threading.Thread(target=read)
    reader.start()
    result = run("export", "2023/63", "-o", str(fifo))
    reader.join(10)
    assert result.code == 0
    assert got and "@misc{kuzio2023ending" in got[0]
    assert fifo.is_fifo()


def test_export_to_dev_null_keeps_the_device(run):
    assert run("export", "--all", "-o", "/dev/null").code == 0
    assert not os.path.isfile("/dev/null")


def test_export_to_a_process_substitution(tmp_path):
    out = tmp_path / "x.txt"
    script = f'{sys.executable} -m avimcite export 2023/63 -o >(cat > {out}); sleep 0.5'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "@misc{kuzio2023ending" in out.read_text()


# 6. an edit saved by another program during a write is never lost


def test_a_hand_edit_saved_during_an_add_is_kept(write_catalogue, monkeypatch):
    path = write_catalogue([post_record()])
    real_render = store.catalogue_text
    edited = json.dumps({"schema": "avimcite-catalogue/1", "posts": [post_record(title="HAND EDIT")]})

    def render_then_someone_saves(posts):
        text = real_render(posts)
        path.write_text(edited, encoding="utf-8")  # the editor saves while avimcite works
        return text

    monkeypatch.setattr(store, "catalogue_text", render_then_someone_saves)
    new = store.validated(post_record(number=2, title="NEW", url="https://www.avimbulten.org/Blog/NEW"), "t")
    with pytest.raises(FileAccessError, match="changed by another program"):
        store.add_posts(path, [new])
    assert path.read_text(encoding="utf-8") == edited
    assert not path.with_name(path.name + ".bak").exists()


# 7. fields avimcite does not know are kept, and ids keep their case


def test_unknown_fields_survive_an_update(tmp_path):
    path = tmp_path / "c.json"
    record = post_record(note="mine", authors=[{"given": "Taras", "family": "Kuzio", "orcid": "0000-1"}],
                         source={"name": "Eurasia Review", "archived": "yes"}, id="Kuzio-2024")  # fmt: skip
    path.write_text(json.dumps({"schema": "avimcite-catalogue/1", "posts": [record]}), encoding="utf-8")
    change = store.validated(post_record(title="A NEW TITLE", id="Kuzio-2024"), "t")
    assert store.add_posts(path, [change], update=True)[0].action == "updated"
    (kept,) = json.loads(path.read_text())["posts"]
    assert kept["note"] == "mine" and kept["id"] == "Kuzio-2024" and kept["title"] == "A NEW TITLE"
    assert kept["authors"][0]["orcid"] == "0000-1" and kept["source"]["archived"] == "yes"


def test_one_write_for_many_imported_files(run, tmp_path, monkeypatch):
    from avimcite import fsutil as fs

    lines = [
        "To cite this article: Taras KUZIO. 2026. \"ONE.\" Center For Eurasian Studies (AVİM), Blog No.2023 / 1. "
        "January 5. Accessed June 25, 2026. https://www.avimbulten.org/Blog/ONE",
        "To cite this article: Taras KUZIO. 2026. \"TWO.\" Center For Eurasian Studies (AVİM), Blog No.2023 / 2. "
        "January 6. Accessed June 25, 2026. https://www.avimbulten.org/Blog/TWO",
    ]
    files = []
    for i, line in enumerate(lines):
        files.append(tmp_path / f"p{i}.txt")
        files[-1].write_text(line + "\n", encoding="utf-8")
    writes = []
    real = fs._write
    monkeypatch.setattr(fs, "_write", lambda path, *a, **k: (writes.append(path), real(path, *a, **k))[1])
    cat = tmp_path / "cat.json"
    result = run("--catalogue", str(cat), "import", *map(str, files))
    assert result.code == 0, result.err
    assert [w for w in writes if str(w).endswith("cat.json")] == [cat]
    assert len(json.loads(cat.read_text())["posts"]) == 2


def test_sigterm_during_export_leaves_no_temp_file(tmp_path):
    from conftest import REPO

    big = tmp_path / "big.json"
    posts = [post_record(number=i, url=f"https://www.avimbulten.org/Blog/P{i}", title=f"T{i}") for i in range(1, 30001)]
    big.write_text(json.dumps({"schema": "avimcite-catalogue/1", "posts": posts}), encoding="utf-8")
    out = tmp_path / "out.bib"
    out.write_text("old\n")
    proc = subprocess.Popen([sys.executable, "-m", "avimcite", "--catalogue", str(big), "export", "--all", "-o", str(out)],
                            cwd=REPO, stderr=subprocess.DEVNULL)  # fmt: skip
    import time

    deadline = time.time() + 20
    while time.time() < deadline and not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
        time.sleep(0.005)
    proc.terminate()
    proc.wait(20)
    assert out.read_text() == "old\n" or "@misc" in out.read_text()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# Issue 25: one check for every output path, whatever folder it is in


@pytest.fixture
def shm(tmp_path):
    """A folder under /dev/shm (a tmpfs under /dev/, which the old check waved through)."""
    import shutil
    import tempfile

    if not os.path.isdir("/dev/shm") or not os.access("/dev/shm", os.W_OK):
        pytest.skip("no writable /dev/shm")
    folder = tempfile.mkdtemp(prefix="avimcite-test-", dir="/dev/shm")
    yield __import__("pathlib").Path(folder)
    shutil.rmtree(folder, ignore_errors=True)


def _catalogue_at(path):
    path.write_text(json.dumps({"schema": "avimcite-catalogue/1", "posts": [post_record()]}, indent=2), encoding="utf-8")
    return path.read_bytes()


def test_export_onto_a_catalogue_under_dev_shm_is_refused(run, shm):
    cat = shm / "cat.json"
    before = _catalogue_at(cat)
    for out in (cat, shm / "." / "cat.json", f"/dev/../{shm}/cat.json".replace("//", "/")):
        result = run("--catalogue", str(cat), "export", "--all", "-o", str(out))
        assert result.code == 5 and "catalogue" in result.err and len(result.err.splitlines()) == 1
        assert cat.read_bytes() == before


def test_export_through_dev_dotdot_onto_the_catalogue_is_refused(run, tmp_path):
    cat = tmp_path / "catalogue.json"
    before = _catalogue_at(cat)
    result = run("--catalogue", str(cat), "export", "--all", "-f", "csl-json", "-o", f"/dev/..{cat}")
    assert result.code == 5 and cat.read_bytes() == before


def test_export_through_a_descriptor_name_onto_the_catalogue_is_refused(tmp_path):
    cat = tmp_path / "catalogue.json"
    before = _catalogue_at(cat)
    code = (f"import sys; from avimcite.entry import main; handle = open({str(cat)!r}, 'rb'); fd = handle.fileno(); "
            f"sys.exit(main(['--catalogue', {str(cat)!r}, 'export', '--all', '-o', f'/dev/fd/{{fd}}']))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # fmt: skip
    assert done.returncode == 5 and "catalogue" in done.stderr and cat.read_bytes() == before


def test_an_empty_selection_leaves_a_file_under_dev_shm_as_it_was(run, shm):
    out = shm / "refs.bib"
    out.write_text("@misc{mine, title={Mine}}\n", encoding="utf-8")
    result = run("export", "--year", "1999", "-o", str(out))
    assert result.code == 3 and out.read_text(encoding="utf-8") == "@misc{mine, title={Mine}}\n"


def test_a_file_under_dev_shm_is_replaced_atomically(run, shm, monkeypatch):
    out = shm / "refs.bib"
    out.write_text("@misc{mine, title={Mine}}\n", encoding="utf-8")
    inode = out.stat().st_ino
    assert run("export", "2023/63", "-o", str(out)).code == 0
    assert out.stat().st_ino != inode and "kuzio2023" in out.read_text(encoding="utf-8")  # a new file, renamed over
    assert sorted(p.name for p in shm.iterdir()) == ["refs.bib"]
    assert fsutil.write_plan(out) == ("replace", out)


def test_devices_fifos_and_descriptor_names_are_written_directly(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert fsutil.write_plan(fifo)[0] == "direct" and fsutil.write_plan("/dev/null")[0] == "direct"
    assert fsutil.write_plan("/dev/stdout")[0] == "append" and fsutil.write_plan("/proc/self/fd/1")[0] == "append"
    assert fsutil.write_plan(tmp_path / "new.bib") == ("replace", tmp_path / "new.bib")


def test_export_to_dev_stdout_appends_to_a_redirected_file(tmp_path):
    out = tmp_path / "all.bib"
    out.write_text("% mine\n", encoding="utf-8")
    with open(out, "a") as handle:
        done = subprocess.run([sys.executable, "-m", "avimcite", "export", "2023/63", "-o", "/dev/stdout"], stdout=handle,
                              stderr=subprocess.PIPE, text=True, timeout=60,
                              env=dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("% mine\n@") and "kuzio2023" in text


_FSIZE = """
import resource, sys
from avimcite.entry import main
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("where", ["tmp", "shm"])
def test_a_catalogue_write_that_hits_a_file_size_limit_leaves_the_old_catalogue(tmp_path, where, request):
    folder = request.getfixturevalue("shm") if where == "shm" else tmp_path
    cat = folder / "cat.json"
    records = [post_record(number=i, title=f"POST NUMBER {i} " + "X" * 200, url=f"https://avim.org.tr/Blog/P{i}") for i in range(1, 40)]
    cat.write_text(json.dumps({"schema": "avimcite-catalogue/1", "posts": records}, indent=2), encoding="utf-8")
    before = cat.read_bytes()
    page = tmp_path / "page.md"
    page.write_text("NEW POST TITLE\nBlog No: 2024 / 77\nTaras KUZIO\n05.01.2024\n\nhttps://avim.org.tr/en/Blog/NEW-POST-TITLE\n",
                    encoding="utf-8")  # fmt: skip
    code = _FSIZE.format(limit=len(before) + 100)  # room for the .bak (the same bytes), not for the longer catalogue
    done = subprocess.run([sys.executable, "-c", code, "--catalogue", str(cat), "import", str(page)], capture_output=True,
                          text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # fmt: skip
    assert done.returncode == 5, (done.stdout, done.stderr)
    assert len(done.stderr.strip().splitlines()) == 1 and "cannot write" in done.stderr
    assert cat.read_bytes() == before
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_dry_run_import_takes_no_lock_and_needs_no_write_access(run, tmp_path):
    import fcntl
    import stat as st

    folder = tmp_path / "ro"
    folder.mkdir()
    cat = folder / "cat.json"
    before = _catalogue_at(cat)
    page = tmp_path / "page.md"
    page.write_text("NEW POST TITLE\nBlog No: 2024 / 77\nTaras KUZIO\n05.01.2024\n\nhttps://avim.org.tr/en/Blog/NEW-POST-TITLE\n",
                    encoding="utf-8")  # fmt: skip
    with open(folder / "cat.json.lock", "a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # a writer stopped while holding the lock
        os.chmod(folder, st.S_IRUSR | st.S_IXUSR)
        try:
            code = (f"import sys; from avimcite.entry import main; "
                    f"sys.exit(main(['--catalogue', {str(cat)!r}, 'import', {str(page)!r}, '--dry-run']))")  # fmt: skip
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20,
                                  env=dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # fmt: skip
        finally:
            os.chmod(folder, 0o755)
    assert done.returncode == 0, done.stderr
    assert "would be added blog/2024/77" in done.stdout
    assert cat.read_bytes() == before and sorted(p.name for p in folder.iterdir()) == ["cat.json", "cat.json.lock"]


# --- the backup kept before a file is replaced (the key book's .bak) ------------------------


def test_the_backup_is_the_old_bytes_and_stays_them_after_the_file_is_replaced(tmp_path):
    path = tmp_path / "keys.json"
    path.write_bytes(b"old\n")
    fsutil.keep_backup(path, b"old\n")
    fsutil.atomic_write_text(path, "new\n", guard=(path, b"old\n"))
    backup = tmp_path / "keys.json.bak"
    assert (path.read_bytes(), backup.read_bytes()) == (b"new\n", b"old\n")
    assert os.stat(path).st_ino != os.stat(backup).st_ino  # editing the file later leaves the backup
    with open(path, "ab") as handle:
        handle.write(b"hand edit\n")
    assert backup.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys.json", "keys.json.bak"]


def test_without_hard_links_the_backup_is_a_copy(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    path = tmp_path / "keys.json"
    path.write_bytes(b"old\n")
    (tmp_path / "keys.json.bak").write_bytes(b"older\n")
    monkeypatch.setattr(fsutil.os, "link", refuse)
    fsutil.keep_backup(path, b"old\n")
    assert (tmp_path / "keys.json.bak").read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys.json", "keys.json.bak"]


def test_a_file_changed_since_it_was_read_gets_no_backup_of_the_wrong_bytes(tmp_path):
    path = tmp_path / "keys.json"
    path.write_bytes(b"saved by another program\n")
    (tmp_path / "keys.json.bak").write_bytes(b"older\n")
    with pytest.raises(fsutil.ChangedUnderneath):
        fsutil.keep_backup(path, b"what avimcite read\n")
    assert (tmp_path / "keys.json.bak").read_bytes() == b"older\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys.json", "keys.json.bak"]


def test_a_first_citation_records_its_key_and_keeps_the_book_before_it(run, write_catalogue, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = write_catalogue([post_record(), post_record(number=2, title="ANOTHER TITLE", url="https://www.avimbulten.org/Blog/2")])
    folder = tmp_path / "data" / "avimcite" / "keys"
    assert run("--catalogue", str(path), "cite", "2024/1", "-s", "apa").code == 0
    [book] = folder.glob("*.json")
    first = book.read_bytes()
    assert run("--catalogue", str(path), "cite", "2024/2", "-s", "apa").code == 0
    assert book.with_name(book.name + ".bak").read_bytes() == first
    page = json.loads(book.read_text(encoding="utf-8"))
    assert page["catalogue"] == os.path.realpath(path) and sorted(page["keys"]) == ["blog/2024/1", "blog/2024/2"]
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
