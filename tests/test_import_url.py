"""`import` of real saved pages, and of URLs served by a local HTTP server (never the internet)."""

from __future__ import annotations

import http.server
import os
import json
import threading
import time
from pathlib import Path

import pytest

from conftest import SEED_LINE

PAGES = Path(__file__).parent / "data" / "pages"
SEED_URL = "https://www.avimbulten.org/Blog/ENDING-THE-KARABAKH-CONFLICT-OPENS-THE-WAY-FOR-PEACE-IN-THE-SOUTH-CAUCASUS-EURASIA-REVIEW-30-10-2023"
OUTLET_URL = "https://www.eurasiareview.com/30102023-ending-the-karabakh-conflict-opens-the-way-for-peace-in-the-south-caucasus-oped"
YORUM_URL = "https://avim.org.tr/tr/Yorum/KARADENIZ-DE-YENI-BIR-DONEM"
YORUM = f"""<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1254">
<link rel="canonical" href="{YORUM_URL}"></head>
<body><nav><a href="/">Ana Sayfa</a> | <a href="/Yorumlar">Yorumlar</a></nav>
<h1>KARADENİZ’DE YENİ BİR DÖNEM:<br>ŞİMDİ NE OLACAK?</h1>
<div><span>Yorum No : 2024 / 12</span> <span>Yazar : Alev KILIÇ</span> <span>14.03.2024</span> <span>4 dk okuma</span></div>
<p>Karadeniz’de güvenlik ortamı değişiyor; Türkiye’nin tutumu ...</p>
</body></html>"""


class _Handler(http.server.BaseHTTPRequestHandler):
    seed_html = (PAGES / "seed-page.html").read_bytes()
    seed_text = (PAGES / "seed-page-real.txt").read_bytes()
    hits: list[str] = []

    def log_message(self, *args):  # keep the test output clean
        pass

    def _send(self, code: int, body: bytes, kind: str, extra: dict | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).hits.append(self.path)
        if self.path == "/go/seed":
            self._send(302, b"", "text/html", {"Location": "/pages/seed.html"})
        elif self.path == "/pages/seed.html":
            self._send(200, self.seed_html, "text/html; charset=utf-8")
        elif self.path == "/seed.txt":
            self._send(200, self.seed_text, "text/plain")
        elif self.path == "/yorum":
            self._send(200, YORUM.encode("cp1254"), "text/html")  # the charset is in <meta> only
        elif self.path == "/yorum-header":
            self._send(200, YORUM.replace("windows-1254", "x").encode("cp1254"), "text/html; charset=windows-1254")
        elif self.path.startswith("/web/20231101000000/"):  # an archive copy
            self._send(200, self.seed_html.replace(b'<link rel="canonical"', b'<link rel="x"'), "text/html")
        elif self.path == "/slow":
            time.sleep(8)
            self._send(200, self.seed_html, "text/html")
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(20):
                    self.wfile.write(b"<p>")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
        elif self.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b"<p>AVIM</p>" * 10000)
            except OSError:
                pass
        elif self.path == "/image":
            self._send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")
        elif self.path == "/loop":
            self._send(302, b"", "text/html", {"Location": "/loop"})
        elif self.path == "/nothing":
            self._send(200, b"<html><body><p>Hello</p></body></html>", "text/html")
        else:
            self._send(404, b"not here", "text/plain")


@pytest.fixture(scope="module")
def server():
    class Quiet(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):  # a client that gave up: not the test's output
            pass

    httpd = Quiet(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _cite_seed(run, catalogue: Path) -> str:
    return run("--catalogue", str(catalogue), "cite", "2023/63", "--style", "avim-site", "--format", "markdown",
               "--accessed", "2026-06-25").out  # fmt: skip


def test_the_real_saved_seed_page_imports_to_the_sites_line(run, tmp_path):
    catalogue = tmp_path / "c.json"
    result = run("--catalogue", str(catalogue), "import", str(PAGES / "seed-page-real.txt"))
    assert result.code == 0, result.err
    assert _cite_seed(run, catalogue) == SEED_LINE + "\n"
    post = json.loads(catalogue.read_text(encoding="utf-8"))["posts"][0]
    assert post["source"] == {"name": "Eurasia Review", "date": "2023-10-30", "url": OUTLET_URL}


def test_the_saved_page_with_windows_line_ends_and_no_trailing_spaces(run, tmp_path):
    text = (PAGES / "seed-page-real.txt").read_text(encoding="utf-8")
    page = tmp_path / "crlf.md"
    page.write_bytes(text.replace("  \n", "\n").replace("\n", "\r\n").encode("utf-8"))
    catalogue = tmp_path / "c.json"
    assert run("--catalogue", str(catalogue), "import", str(page)).code == 0
    assert _cite_seed(run, catalogue) == SEED_LINE + "\n"


def test_a_header_title_that_disagrees_with_the_citation_line_is_reported(run, tmp_path):
    text = (PAGES / "seed-page-real.txt").read_text(encoding="utf-8")
    page = tmp_path / "odd.md"
    page.write_text(text.replace("ENDING THE KARABAKH CONFLICT OPENS THE WAY  \n", "ENDING A WAR OPENS THE WAY  \n"), encoding="utf-8")
    catalogue = tmp_path / "c.json"
    result = run("--catalogue", str(catalogue), "import", str(page))
    assert result.code == 6
    assert "disagree" in result.err and "ENDING A WAR" in result.err and "nothing was written" in result.err
    assert not catalogue.exists()


def test_a_url_through_a_redirect_imports_the_same_line_and_stores_avims_url(run, tmp_path, server):
    catalogue = tmp_path / "c.json"
    result = run("--catalogue", str(catalogue), "import", f"{server}/go/seed")
    assert result.code == 0, result.err
    assert result.out == f"{server}/go/seed: added blog/2023/63\n"
    assert _cite_seed(run, catalogue) == SEED_LINE + "\n"
    post = json.loads(catalogue.read_text(encoding="utf-8"))["posts"][0]
    assert post["url"] == SEED_URL and post["source"]["url"] == OUTLET_URL


def test_files_and_urls_mix_and_a_rerun_uses_the_cached_page(run, tmp_path, server):
    catalogue = tmp_path / "c.json"
    _Handler.hits.clear()
    result = run("--catalogue", str(catalogue), "import", f"{server}/yorum", str(PAGES / "seed-blog.md"))
    assert result.code == 0, result.err
    assert run("--catalogue", str(catalogue), "import", f"{server}/yorum").out.endswith("unchanged yorum/2024/12\n")
    assert _Handler.hits == ["/yorum"]  # the second run did not download
    run("--catalogue", str(catalogue), "import", f"{server}/yorum", "--refresh")
    assert _Handler.hits == ["/yorum", "/yorum"]


@pytest.mark.parametrize("path", ["/yorum", "/yorum-header"])
def test_a_windows_1254_commentary_keeps_its_letters_and_author(run, tmp_path, server, path):
    catalogue = tmp_path / "c.json"
    assert run("--catalogue", str(catalogue), "import", server + path).code == 0
    post = json.loads(catalogue.read_text(encoding="utf-8"))["posts"][0]
    assert post["title"] == "KARADENİZ’DE YENİ BİR DÖNEM: ŞİMDİ NE OLACAK?"
    assert post["authors"] == [{"given": "Alev", "family": "Kılıç"}]
    assert post["url"] == YORUM_URL  # the canonical link, not the server's address
    cited = run("--catalogue", str(catalogue), "cite", "yorum/2024/12", "--accessed", "2026-06-25").out
    assert cited.startswith("Alev KILIÇ. 2024. \"KARADENİZ’DE YENİ BİR DÖNEM: ŞİMDİ NE OLACAK?\"")


def test_an_archive_copy_imports_the_same_post(run, tmp_path, server):
    catalogue = tmp_path / "c.json"
    result = run("--catalogue", str(catalogue), "import", f"{server}/web/20231101000000/{SEED_URL}")
    assert result.code == 0, result.err
    assert json.loads(catalogue.read_text(encoding="utf-8"))["posts"][0]["url"] == SEED_URL


@pytest.mark.parametrize(("path", "words", "code"), [
    ("/slow", "timed out after 2 s", 7),
    ("/drip", "timed out after 2 s", 7),
    ("/endless", "larger than 5 MiB", 7),
    ("/image", "image/png, not an HTML page", 7),
    ("/missing", "HTTP 404", 7),
    ("/loop", "redirect", 7),
    ("/nothing", "no AVİM post header", 6),
])  # fmt: skip
def test_failures_name_the_url_and_leave_the_catalogue_alone(run, tmp_path, server, path, words, code):
    catalogue = tmp_path / "c.json"
    run("--catalogue", str(catalogue), "import", str(PAGES / "seed-blog.md"))
    before = catalogue.read_bytes()
    started = time.monotonic()
    result = run("--catalogue", str(catalogue), "import", server + path, "--timeout", "2")
    assert time.monotonic() - started < 6
    assert result.code == code
    assert result.out == ""
    assert result.err.startswith(f"avimcite: error: {server}{path}: ") and words in result.err
    assert len(result.err.strip().splitlines()) == 1 and result.err.rstrip().endswith("nothing was written.")
    assert catalogue.read_bytes() == before


def test_an_unreachable_host_is_one_line(run, tmp_path):
    result = run("--catalogue", str(tmp_path / "c.json"), "import", "http://127.0.0.1:9/x", "--timeout", "2")
    assert result.code == 7 and "http://127.0.0.1:9/x: cannot connect" in result.err
    assert not (tmp_path / "c.json").exists()


def test_a_name_lookup_that_hangs_is_stopped_at_the_deadline(run, tmp_path, monkeypatch):
    """A dead DNS server makes getaddrinfo hang for tens of seconds, with no timeout of its own;
    the lookup is inside the one deadline like every other step."""
    import socket
    import threading

    release = threading.Event()
    real = socket.getaddrinfo

    def hanging(host, *args, **kwargs):
        if host == "avim.example":
            release.wait(30)
        return real("127.0.0.1", *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    started = time.monotonic()
    try:
        result = run("--catalogue", str(tmp_path / "c.json"), "import", "http://avim.example:9/x", "--timeout", "1")
    finally:
        release.set()
    assert time.monotonic() - started < 3
    assert result.code == 7 and result.err == "avimcite: error: http://avim.example:9/x: timed out after 1 s; nothing was written.\n"
    assert not (tmp_path / "c.json").exists()


def test_several_urls_are_all_or_nothing(run, tmp_path, server):
    catalogue = tmp_path / "c.json"
    result = run("--catalogue", str(catalogue), "import", f"{server}/yorum", f"{server}/missing")
    assert result.code == 7 and f"{server}/missing" in result.err
    assert not catalogue.exists()


@pytest.mark.parametrize("command", ["cite", "show", "export"])
def test_cite_show_export_point_an_unknown_avim_url_to_import(run, command):
    result = run(command, "https://www.avimbulten.org/Blog/NOT-IN-ANY-CATALOGUE")
    assert result.code == 3
    assert "avimcite import https://www.avimbulten.org/Blog/NOT-IN-ANY-CATALOGUE" in result.err


def test_a_layout_with_the_number_above_the_title_is_read_through_the_citation_line(run, tmp_path):
    # navigation ("Home Blog") where the author usually stands, the number above the title
    catalogue = tmp_path / "c.json"
    assert run("--catalogue", str(catalogue), "import", str(PAGES / "seed-page-header-first.html")).code == 0
    assert _cite_seed(run, catalogue) == SEED_LINE + "\n"


def test_a_labelled_author_that_disagrees_with_the_citation_line_is_reported(run, tmp_path):
    page = tmp_path / "page.md"
    page.write_text("A TITLE\nBlog No: 5\nYazar : Alev KILIÇ\n05.01.2024\n\nTo cite this article: " + SEED_LINE.replace("Blog No.2023 / 63", "Blog No.2024 / 5")
                    .replace("ENDING THE KARABAKH CONFLICT OPENS THE WAY FOR PEACE IN THE SOUTH CAUCASUS - EURASIA REVIEW - 30.10.2023", "A TITLE")
                    .replace("October 31", "January 5") + "\n", encoding="utf-8")  # fmt: skip
    result = run("--catalogue", str(tmp_path / "c.json"), "import", str(page))
    assert result.code == 6 and "disagree" in result.err and "KILIÇ" in result.err


# --- misbehaving servers (issue 25): one deadline, one line, exit 7 --------------------------

import socket


@pytest.fixture
def raw_server():
    """A TCP server on 127.0.0.1 that answers every connection with `answer(conn, request)`."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    state = {"answer": None, "requests": []}

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    def handle(conn):
        with conn:
            try:
                conn.settimeout(10)
                request = b""
                while b"\r\n\r\n" not in request:
                    data = conn.recv(65536)
                    if not data:
                        break
                    request += data
                state["requests"].append(request)
                state["answer"](conn, request)
            except OSError:
                pass

    threading.Thread(target=serve, daemon=True).start()

    def use(answer):
        state["answer"] = answer
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    use.requests = state["requests"]
    yield use
    listener.close()


def _drip(data: bytes, pause: float):
    def answer(conn, request):
        for i in range(len(data)):
            conn.sendall(data[i : i + 1])
            time.sleep(pause)

    return answer


def _send(data: bytes):
    return lambda conn, request: conn.sendall(data)


_OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"


@pytest.mark.parametrize("answer", [
    _drip(_OK + b"X-Pad: " + b"a" * 200 + b"\r\n\r\n<p>", 0.1),  # headers one byte at a time
    _drip(b"HTTP/1.1 200 OK" + b" " * 100 + b"\r\n", 0.1),  # the status line
    _drip(_OK + b"\r\n" + b"<p>" * 100, 0.1),  # the body
], ids=["headers", "status", "body"])  # fmt: skip
def test_a_dripping_server_is_stopped_at_the_deadline(run, tmp_path, raw_server, answer):
    base = raw_server(answer)
    started = time.monotonic()
    result = run("--catalogue", str(tmp_path / "c.json"), "import", f"{base}/x", "--timeout", "1.5")
    assert time.monotonic() - started < 3.5
    assert result.code == 7 and "timed out after 1.5 s" in result.err and len(result.err.splitlines()) == 1
    assert not (tmp_path / "c.json").exists()


def test_slow_redirects_share_one_deadline(run, tmp_path, raw_server):
    def answer(conn, request):
        time.sleep(0.8)
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    base = raw_server(answer)
    started = time.monotonic()
    result = run("--catalogue", str(tmp_path / "c.json"), "import", f"{base}/x", "--timeout", "2")
    assert time.monotonic() - started < 3.2
    assert result.code == 7 and "timed out after 2 s" in result.err


@pytest.mark.parametrize("reply", [
    _OK + b"".join(b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\n<p>",  # too many headers
    _OK + b"X-Long: " + b"a" * 70000 + b"\r\n\r\n<p>",  # a header line too long
    b"HELLO THERE\r\n\r\n",  # not a status line
    b"<html><body><p>an HTTP/0.9 answer</p></body></html>",  # no status line at all
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\ngarbage\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n<p>short</p>",  # cut short
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html><p>only part</p>",  # short body
    b"HTTP/1.1 99999 WHAT\r\n\r\n",
    b"",  # closed without a word
], ids=["many-headers", "long-header", "bad-status", "http09", "chunk-garbage", "chunk-truncated", "short-body",
        "odd-code", "silent"])  # fmt: skip
def test_broken_http_is_one_line_and_exit_7(run, tmp_path, raw_server, reply):
    base = raw_server(_send(reply))
    result = run("--catalogue", str(tmp_path / "c.json"), "import", f"{base}/x", "--timeout", "5")
    assert result.code == 7, result.err
    assert result.err.startswith(f"avimcite: error: {base}/x: ") and len(result.err.splitlines()) == 1
    assert len(result.err) < 300 and "internal error" not in result.err
    assert not (tmp_path / "c.json").exists()


def test_a_body_short_of_its_content_length_is_not_imported(run, tmp_path, raw_server):
    body = (PAGES / "seed-page.html").read_bytes()
    base = raw_server(_send(_OK + b"Content-Length: %d\r\n\r\n" % (len(body) + 1000) + body))
    result = run("--catalogue", str(tmp_path / "c.json"), "import", f"{base}/x")
    assert result.code == 7 and f"{len(body)} of the {len(body) + 1000} bytes" in result.err
    assert not (tmp_path / "c.json").exists()


_MAINTENANCE = b"<html><body><h1>Site under maintenance</h1><p>Back soon.</p></body></html>"


def test_a_refused_page_is_not_cached(run, tmp_path, raw_server):
    base = raw_server(_send(_OK + b"Content-Length: %d\r\n\r\n" % len(_MAINTENANCE) + _MAINTENANCE))
    for attempt in (1, 2):
        result = run("--catalogue", str(tmp_path / "c.json"), "import", f"{base}/x")
        assert result.code == 6 and "--refresh" not in result.err
        assert len(raw_server.requests) == attempt  # the rerun asked the server again


def test_a_cached_copy_the_importer_refuses_names_refresh_and_is_dropped(run, tmp_path, server, monkeypatch):
    import hashlib

    cache = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    url = f"{server}/pages/seed.html"
    pages = cache / "avimcite" / "pages"
    pages.mkdir(parents=True, mode=0o700)
    os.chmod(cache / "avimcite", 0o700)
    copy = pages / (hashlib.sha256(url.encode()).hexdigest() + ".json")
    copy.write_text(json.dumps({"url": url, "final_url": url, "text": _MAINTENANCE.decode()}))
    _Handler.hits.clear()
    result = run("--catalogue", str(tmp_path / "c.json"), "import", url)
    assert result.code == 6 and "--refresh" in result.err and len(result.err.splitlines()) == 1
    assert _Handler.hits == [] and not copy.exists()
    assert run("--catalogue", str(tmp_path / "c.json"), "import", url).code == 0
    assert _Handler.hits == ["/pages/seed.html"]


def test_credentials_in_a_url_are_never_sent_or_shown(run, tmp_path, raw_server):
    base = raw_server(_send(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))
    url = base.replace("http://", "http://someone:s3cret-pass@") + "/x"
    result = run("--catalogue", str(tmp_path / "c.json"), "import", url)
    assert result.code == 7 and "s3cret" not in result.err and "someone" not in result.err
    assert f"{base}/x: " in result.err
    assert all(b"s3cret" not in r and b"authorization" not in r.lower() for r in raw_server.requests)


def test_a_very_long_url_is_cut_short_in_the_message(run, tmp_path, raw_server):
    base = raw_server(_send(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))
    result = run("--catalogue", str(tmp_path / "c.json"), "import", f"{base}/" + "a" * 100_000)
    assert result.code == 7 and len(result.err) < 300 and len(result.err.splitlines()) == 1
