"""Find AVİM references in a manuscript and check them against the catalogue (`avimcite scan`).

Reads Markdown, plain text, LaTeX (read as LaTeX: accents, escapes, TeX quotes, \\enquote,
\\url, \\href, comments), .bib files (entry by entry, field by field), HTML (tags stripped,
lines kept) and Word .docx (paragraphs, footnotes and endnotes, each part read streaming
with a limit on what it may expand to). Finds AVİM URLs, "To cite this article:" lines and
house-format citations without their label, serials ("Blog No.2023 / 63") near AVİM's name
with the title, author and year written around them, and our own citation keys
(\\cite{kuzio2023ending}, [@kuzio2023ending]). Every field a reference states is checked
against the post it matches.

Terminal-free: findings are data; the CLI prints them. Linear in the size of the input.
"""

from __future__ import annotations

from avimcite.errors import FileAccessError
from avimcite.scan.check import check
from avimcite.scan.find import find_references
from avimcite.scan.model import Finding

MAX_BYTES = 256 << 20
_TEXT_EXTENSIONS = (".md", ".markdown", ".txt", ".text", ".rst", ".org", ".qmd", ".rmd")
_LATEX_EXTENSIONS = (".tex", ".ltx", ".latex", ".bbl", ".sty", ".cls", ".dtx", ".ins")
_HTML_EXTENSIONS = (".html", ".htm", ".xhtml")

__all__ = ["Finding", "MAX_BYTES", "ScanResult", "check", "find_references", "read_file", "scan", "scan_data"]


class ScanResult:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.errors: list[str] = []  # one sentence per input that could not be scanned
        self.empty: list[str] = []  # inputs scanned that hold no AVİM reference


def _decode(name: str, data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Word's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileAccessError(f"{name}: broken UTF-16 text; not scanned.") from None
    if data[:5] == b"%PDF-":
        raise FileAccessError(f"{name}: a PDF; scan reads text, Markdown, LaTeX, .bib, HTML and .docx (convert it first, e.g. pdftotext); not scanned.")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileAccessError(f"{name}: an old Word .doc or a password-protected document; save it as .docx without a password; not scanned.")
    if b"\x00" in data[:8192]:
        raise FileAccessError(f"{name}: a binary file, not a text, Markdown, LaTeX, .bib, HTML or .docx draft; not scanned.")
    from avimcite.fsutil import decode_text

    return decode_text(data)  # UTF-8, or Windows-1254 as Word on Turkish Windows saves "plain text"


def scan_data(label: str, data: bytes, progress=None) -> list[Finding]:
    """The references in one input (not yet checked); FileAccessError if it cannot be read."""
    from avimcite.scan import units as reader

    lower = label.lower()
    if data[:4] == b"PK\x03\x04" or lower.endswith((".docx", ".docm", ".dotx")):
        units = reader.docx_units(label, data)
        if progress is not None:
            progress(len(data))
        return find_references(label, units, "docx")
    text = _decode(label, data)
    if lower.endswith(".bib") or (not lower.endswith(_TEXT_EXTENSIONS + _LATEX_EXTENSIONS + _HTML_EXTENSIONS)
                                  and _looks_like_bib(text)):  # fmt: skip
        from avimcite.scan.bib import find_entries

        return find_entries(label, text, progress)
    head = text[:2000].lstrip().lower()
    if lower.endswith(_HTML_EXTENSIONS) or (not lower.endswith(_TEXT_EXTENSIONS + _LATEX_EXTENSIONS)
                                            and head.startswith(("<!doctype html", "<html", "<?xml"))):  # fmt: skip
        return find_references(label, reader.html_units(text), "html", progress)
    if lower.endswith(_LATEX_EXTENSIONS) or (not lower.endswith(_TEXT_EXTENSIONS) and _looks_like_latex(text)):
        return find_references(label, reader.tex_units(text), "latex", progress)
    return find_references(label, reader.text_units(text), "text", progress)


def _looks_like_bib(text: str) -> bool:
    from avimcite.scan.bib import looks_like_bib

    return looks_like_bib(text)


def _looks_like_latex(text: str) -> bool:
    head = text[:50000]
    return "\\documentclass" in head or "\\begin{document}" in head or "\\section{" in head


def read_file(name: str) -> bytes:
    """The bytes of FILE or stdin (-), within MAX_BYTES."""
    from avimcite.fsutil import read_input

    return read_input(name, MAX_BYTES, "not scanned.")


def scan(names: list[str], catalogue, keys=None, progress=None) -> ScanResult:
    """Findings over every file (checked), one sentence per input that could not be read
    (each input once), and the inputs that hold no AVİM reference. `keys`: a function
    returning the catalogue's citation keys (post id -> key), called only if a draft
    cites a key; `progress`: called with the number of bytes read, as they are."""
    result = ScanResult()
    seen: set[str] = set()
    per_file: list[tuple[str, list[Finding]]] = []
    for name in names:
        label = "stdin" if name == "-" else name
        if name in seen:
            continue
        seen.add(name)
        try:
            found = scan_data(label, read_file(name), progress)
        except FileAccessError as exc:
            result.errors.append(exc.message)
            continue
        per_file.append((label, found))
    everything = [f for _, found in per_file for f in found]
    kept = set(map(id, check(everything, catalogue, keys)))
    for label, found in per_file:
        found = [f for f in found if id(f) in kept]
        if not found:
            result.empty.append(label)
        result.findings.extend(found)
    return result
