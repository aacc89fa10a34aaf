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


def _opener() -> urllib.request.OpenerDirector:
    context = ssl.create_default_context()  # certificates and host names verified
    return urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _NoRedirects())


def _open(url: str, timeout: float):
    """The final response for `url`, redirects followed (at most MAX_REDIRECTS, http(s) only)."""
    opener = _opener()
    for _ in range(MAX_REDIRECTS + 1):
        request = urllib.request.Request(url, headers={
            "User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
            "Accept-Language": "en, tr;q=0.9",
        })  # fmt: skip
        try:
            return opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            location = exc.headers.get("Location") if exc.code in (301, 302, 303, 307, 308) else None
            exc.close()
            if not location:
                raise
            url = urllib.parse.urljoin(url, location)
            if not url.lower().startswith(("http://", "https://")):
                raise FetchError(f"redirected to {url!r}, which is not an http(s) address") from None
    raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")


def _charset(content_type: str, body: bytes) -> list[str]:
    found = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
    if found:
        return [found[1]]
    meta = _META_CHARSET.search(body[:8192])
    if meta:
        return [meta[1].decode("ascii")]
    return ["utf-8", "cp1254"]


def decode(body: bytes, content_type: str) -> str:
    for name in _charset(content_type, body):
        try:
            return body.decode("utf-8-sig" if name.lower() in ("utf-8", "utf8") else name)
        except LookupError:
            continue
        except UnicodeDecodeError:
            continue
    return body.decode("cp1254", errors="replace")


def download(url: str, timeout: float = DEFAULT_TIMEOUT) -> Page:
    """The page at `url`, or FetchError naming the URL and what went wrong."""
    deadline = time.monotonic() + timeout

    def fail(what: str) -> FetchError:
        return FetchError(f"{url}: {what}")

    try:
        with _open(url, timeout) as response:
            final = response.geturl()
            content_type = response.headers.get("Content-Type", "")
            kind = content_type.split(";")[0].strip().lower()
            if kind and kind not in ACCEPTED:
                raise fail(f"the server sent {kind}, not an HTML page; nothing was written.")
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > MAX_BYTES:
                raise fail(f"the page is {int(length) >> 20} MiB, over the {MAX_BYTES >> 20} MiB limit; nothing was written.")
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise fail(f"timed out after {timeout:g} s; nothing was written.")
                chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BYTES:
                    raise fail(f"the page is larger than {MAX_BYTES >> 20} MiB; nothing was written.")
                chunks.append(chunk)
    except FetchError as exc:
        if exc.message.startswith(url + ": "):
            raise
        raise fail(f"{exc.message}; nothing was written.") from None
    except urllib.error.HTTPError as exc:
        raise fail(f"the server answered HTTP {exc.code} {exc.reason}; nothing was written.") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise fail(f"timed out after {timeout:g} s; nothing was written.") from None
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise fail(f"its TLS certificate could not be verified ({reason.verify_message}); nothing was written.") from None
        if isinstance(reason, socket.gaierror):
            raise fail("the host name could not be resolved (no network, or a typo?); nothing was written.") from None
        text = getattr(reason, "strerror", None) or str(reason)
        raise fail(f"cannot connect ({text}); nothing was written.") from None
    except (socket.timeout, TimeoutError):
        raise fail(f"timed out after {timeout:g} s; nothing was written.") from None
    except (ConnectionError, OSError, ValueError) as exc:  # reset, broken chunked body, bad URL
        text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise fail(f"the download failed ({text}); nothing was written.") from None
    body = b"".join(chunks)
    if kind != "text/plain" and not body.strip():
        raise fail("the server sent an empty page; nothing was written.")
    return Page(url, final, decode(body, content_type))


def _cache_file(cache_dir: Path, url: str) -> Path:
    return cache_dir / "pages" / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json")


def fetch(url: str, cache_dir: Path | None, timeout: float = DEFAULT_TIMEOUT, refresh: bool = False) -> tuple[Page, bool]:
    """The page at `url` and whether it came from the cache."""
    if cache_dir is not None and not refresh:
        try:
            saved = json.loads(_cache_file(cache_dir, url).read_text(encoding="utf-8"))
            if saved.get("url") == url and isinstance(saved.get("text"), str) and isinstance(saved.get("final_url"), str):
                return Page(url, saved["final_url"], saved["text"]), True
        except (OSError, ValueError, AttributeError):
            pass  # no copy, or a damaged one: download again
    page = download(url, timeout)
    if cache_dir is not None:
        from avimcite.fsutil import atomic_write_text

        try:
            target = _cache_file(cache_dir, url)
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(target, json.dumps({"url": url, "final_url": page.final_url, "text": page.text}, ensure_ascii=False))
        except OSError:
            pass  # a cache that cannot be written only costs a download next time
    return page, False
