"""Fetch an AVİM page over HTTP(S) for `import URL` (the only place avimcite touches the network).

The standard library's urllib does everything this needs — TLS verified against the system's
certificates, redirects, proxies from the environment, no cookie jar unless one is installed —
so no HTTP dependency is added. What it does not do by itself is done here: one deadline for
the whole download (a page that drips a byte a second never hits a per-read timeout), a bounded
number of redirects, a size limit, a content-type check, and the charset rule
(header, then `<meta>`, then UTF-8, then Windows-1254).

Fetched pages are kept in the user cache folder (pages/<sha256 of the URL>.json) so that a
rerun does not download again; `refresh=True` ignores that copy.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from avimcite import __version__
from avimcite.errors import FetchError

USER_AGENT = f"avimcite/{__version__} (citation tool for AVIM posts; python-urllib)"  # header values are ASCII
DEFAULT_TIMEOUT = 20.0
MAX_BYTES = 5 << 20  # an AVİM post page is well under 1 MiB
MAX_REDIRECTS = 5
ACCEPTED = ("text/html", "application/xhtml+xml", "text/plain")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    url: str  # as asked for
    final_url: str  # after redirects
    text: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as responses: `download` follows them itself, closing each one."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("timed out")
    return left


class _DeadlineSocket:
    """A connected socket whose every receive and send is bounded by what is left of one
    deadline: a server that drips a byte at a time never resets a per-read timeout."""

    def __init__(self, sock, deadline: float) -> None:
        self._sock, self._deadline = sock, deadline

    def recv_into(self, buffer, nbytes: int = 0, flags: int = 0) -> int:
        self._sock.settimeout(_remaining(self._deadline))
        return self._sock.recv_into(buffer, nbytes, flags)

    def recv(self, size: int, flags: int = 0) -> bytes:
        self._sock.settimeout(_remaining(self._deadline))
        return self._sock.recv(size, flags)

    def sendall(self, data, flags: int = 0) -> None:
        self._sock.settimeout(_remaining(self._deadline))
        self._sock.sendall(data, flags)

    def makefile(self, mode: str = "r", buffering=None, **kwargs):
        import io

        self._sock._io_refs += 1  # as socket.makefile does: close() waits for the file
        return io.BufferedReader(socket.SocketIO(self, "rb"), io.DEFAULT_BUFFER_SIZE)

    def _decref_socketios(self) -> None:
        self._sock._decref_socketios()

    def __getattr__(self, name):
        return getattr(self._sock, name)


def _resolve(host: str, port: int, deadline: float) -> list:
    """getaddrinfo within the deadline: the system resolver cannot be given a timeout and can
    hang for tens of seconds on a dead DNS server, so it runs in a thread we stop waiting for."""
    import threading

    found: dict = {}

    def look_up() -> None:
        try:
            found["addresses"] = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
        except OSError as exc:
            found["error"] = exc

    thread = threading.Thread(target=look_up, name="avimcite-dns", daemon=True)
    thread.start()
    thread.join(_remaining(deadline))
    if thread.is_alive():
        raise TimeoutError("timed out")
    if "error" in found:
        raise found["error"]
    return found["addresses"]


def _connect_within(deadline: float):
    """socket.create_connection with the name lookup and every connect attempt inside `deadline`."""

    def create_connection(address, timeout=None, source_address=None, **kwargs):
        host, port = address
        last: OSError | None = None
        for family, kind, proto, _, sockaddr in _resolve(host, port, deadline):
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(_remaining(deadline))
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                sock.close()
                last = exc
                if isinstance(exc, TimeoutError):
                    raise
        raise last or OSError(f"no address for {host}")

    return create_connection


class _Bounded:
    """http.client connections that look up, connect within the deadline and then read through it."""

    def __init__(self, *args, deadline: float, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline
        self._create_connection = _connect_within(deadline)

    def connect(self) -> None:
        self.timeout = _remaining(self.deadline)  # connect, TLS handshake, proxy tunnel
        super().connect()
        self.sock = _DeadlineSocket(self.sock, self.deadline)


class _HTTP(_Bounded, http.client.HTTPConnection):
    pass


class _HTTPS(_Bounded, http.client.HTTPSConnection):
    pass


def _opener(deadline: float) -> urllib.request.OpenerDirector:
    import functools

    context = ssl.create_default_context()  # certificates and host names verified

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(functools.partial(_HTTP, deadline=deadline), req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(functools.partial(_HTTPS, deadline=deadline), req, context=context)

    return urllib.request.build_opener(HTTP(), HTTPS(context=context), _NoRedirects())


def _open(url: str, deadline: float):
    """The final response for `url`, redirects followed (at most MAX_REDIRECTS, http(s) only),
    every one of them within the one deadline."""
    opener = _opener(deadline)
    for _ in range(MAX_REDIRECTS + 1):
        request = urllib.request.Request(url, headers={
            "User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
            "Accept-Language": "en, tr;q=0.9",
        })  # fmt: skip
        try:
            return opener.open(request, timeout=_remaining(deadline))
        except urllib.error.HTTPError as exc:
            location = exc.headers.get("Location") if exc.code in (301, 302, 303, 307, 308) else None
            exc.close()
            if not location:
                raise
            url = without_credentials(urllib.parse.urljoin(url, location))
            if not url.lower().startswith(("http://", "https://")):
                raise FetchError(f"redirected to {shown(url)!r}, which is not an http(s) address") from None
    raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")


def without_credentials(url: str) -> str:
    """`url` without a user name or password (`http://user:pass@host/` -> `http://host/`):
    avimcite never sends them, and never shows them."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    return f"{scheme}{sep}{authority.rpartition('@')[2]}{slash}{path}"


SHOWN = 100  # characters of a URL quoted in a message


def shown(url: str) -> str:
    """`url` as messages quote it: without credentials, cut to about SHOWN characters."""
    url = without_credentials(url)
    return url if len(url) <= SHOWN else url[: SHOWN - 1] + "…"


def _charset(content_type: str, body: bytes) -> list[str]:
    found = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
    if found:
        return [found[1]]
    meta = _META_CHARSET.search(body[:8192])
    if meta:
        return [meta[1].decode("ascii")]
    return []  # undeclared: UTF-8, else Windows-1254 (decode_text)


def decode(body: bytes, content_type: str) -> str:
    for name in _charset(content_type, body):
        try:
            return body.decode("utf-8-sig" if name.lower() in ("utf-8", "utf8") else name)
        except LookupError:
            continue
        except UnicodeDecodeError:
            continue
    from avimcite.fsutil import decode_text

    return decode_text(body)


def download(url: str, timeout: float = DEFAULT_TIMEOUT) -> Page:
    """The page at `url`, or FetchError naming the URL and what went wrong. `timeout` is one
    deadline for everything: connecting, the status line, the headers, the body, every redirect."""
    deadline = time.monotonic() + timeout
    asked, url = url, without_credentials(url)

    def fail(what: str) -> FetchError:
        return FetchError(f"{shown(url)}: {what}")

    timed_out = f"timed out after {timeout:g} s; nothing was written."
    try:
        with _open(url, deadline) as response:
            final = without_credentials(response.geturl())
            content_type = response.headers.get("Content-Type", "")
            kind = content_type.split(";")[0].strip().lower()
            if kind and kind not in ACCEPTED:
                raise fail(f"the server sent {kind[:60]}, not an HTML page; nothing was written.")
            length = response.headers.get("Content-Length", "").strip()
            chunked = "chunked" in response.headers.get("Transfer-Encoding", "").lower()
            if length.isdigit() and int(length) > MAX_BYTES:
                raise fail(f"the page is {int(length) >> 20} MiB, over the {MAX_BYTES >> 20} MiB limit; nothing was written.")
            chunks, size = [], 0
            while True:
                _remaining(deadline)
                chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BYTES:
                    raise fail(f"the page is larger than {MAX_BYTES >> 20} MiB; nothing was written.")
                chunks.append(chunk)
            if not chunked and length.isdigit() and size < int(length):
                raise fail(f"the connection closed after {size} of the {int(length)} bytes the server announced; nothing was written.")
    except FetchError as exc:
        if exc.message.startswith(shown(url) + ": "):
            raise
        raise fail(f"{exc.message}; nothing was written.") from None
    except urllib.error.HTTPError as exc:
        reason = " ".join(str(exc.reason or "").split())[:60]
        raise fail(f"the server answered HTTP {exc.code} {reason}; nothing was written.") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)) or time.monotonic() >= deadline:
            raise fail(timed_out) from None
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise fail(f"its TLS certificate could not be verified ({reason.verify_message}); nothing was written.") from None
        if isinstance(reason, socket.gaierror):
            raise fail("the host name could not be resolved (no network, or a typo?); nothing was written.") from None
        if isinstance(reason, http.client.HTTPException):
            raise fail(f"the server's answer is not valid HTTP ({_http_problem(reason)}); nothing was written.") from None
        text = getattr(reason, "strerror", None) or str(reason)
        raise fail(f"cannot connect ({_one_line(text)}); nothing was written.") from None
    except (socket.timeout, TimeoutError):
        raise fail(timed_out) from None
    except http.client.HTTPException as exc:  # bad status line, HTTP/0.9, too many or long headers, bad chunks
        if time.monotonic() >= deadline:
            raise fail(timed_out) from None
        raise fail(f"the server's answer is not valid HTTP ({_http_problem(exc)}); nothing was written.") from None
    except (ConnectionError, OSError, ValueError) as exc:  # reset, bad URL
        if time.monotonic() >= deadline:
            raise fail(timed_out) from None
        text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise fail(f"the download failed ({_one_line(text)}); nothing was written.") from None
    body = b"".join(chunks)
    if kind != "text/plain" and not body.strip():
        raise fail("the server sent an empty page; nothing was written.")
    return Page(asked, final, decode(body, content_type))


def _one_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= 80 else text[:79] + "…"


def _http_problem(exc: Exception) -> str:
    """What http.client found wrong, in a few words (never the server's bytes at length)."""
    if isinstance(exc, http.client.IncompleteRead):
        return "the body ended early or its chunks are malformed"
    if isinstance(exc, http.client.LineTooLong):
        return "a line too long"
    if isinstance(exc, http.client.BadStatusLine):
        return "no HTTP/1.x status line"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    return _one_line(str(exc) or type(exc).__name__)


def _cache_file(cache_dir: Path, url: str) -> Path:
    return cache_dir / "pages" / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json")


def fetch(url: str, cache_dir: Path | None, timeout: float = DEFAULT_TIMEOUT, refresh: bool = False,
          accept=None) -> tuple[Page, bool]:
    """The page at `url` and whether it came from the cache.

    `accept(page)`, if given, is called before the page is cached: a page it refuses (by
    raising; a maintenance page, say) is not cached, and a cached copy it refuses is dropped
    and the error says that `--refresh` downloads the page again. A cache folder others can
    write to is neither read nor written (avimcite.cache.private_dir)."""
    from avimcite.cache import make_private_dir

    target = _cache_file(cache_dir, without_credentials(url)) if cache_dir is not None else None
    if target is not None and not refresh:
        page = _cached_copy(target, url)
        if page is not None:
            if accept is not None:
                try:
                    accept(page)
                except Exception as exc:
                    _drop(target)
                    _mention_refresh(exc)
                    raise
            return page, True
    page = download(url, timeout)
    if accept is not None:
        accept(page)  # a refused page is never cached
    if target is not None:
        from avimcite.fsutil import atomic_write_text

        try:
            if make_private_dir(target.parent.parent) and make_private_dir(target.parent):
                record = {"url": without_credentials(url), "final_url": page.final_url, "text": page.text}
                atomic_write_text(target, json.dumps(record, ensure_ascii=False))
        except Exception:  # noqa: BLE001 - a cache that cannot be written only costs a download next time
            pass
    return page, False


def _cached_copy(target: Path, url: str) -> Page | None:
    from avimcite.cache import read_private

    try:
        raw = read_private(target)
        saved = json.loads(raw) if raw is not None else None
    except (OSError, ValueError, RecursionError):
        return None  # no copy, or a damaged one: download again
    if (isinstance(saved, dict) and saved.get("url") == without_credentials(url)
            and isinstance(saved.get("text"), str) and isinstance(saved.get("final_url"), str)):  # fmt: skip
        return Page(url, saved["final_url"], saved["text"])
    return None


def _drop(target: Path) -> None:
    try:
        target.unlink()
    except OSError:
        pass


_REFRESH = " (that was the copy of the page cached by an earlier import, now dropped; --refresh downloads it again)"


def _mention_refresh(exc: Exception) -> None:
    """Say in the refusal that a cached copy was used, whatever kind of error it is."""
    if hasattr(exc, "message") and isinstance(exc.message, str):
        exc.message = exc.message.rstrip(".") + _REFRESH
        exc.args = (exc.message,)
    else:
        exc.args = ((str(exc).rstrip(".") + _REFRESH),) + tuple(exc.args[1:])
