"""Files as units of text: lines (text, Markdown, LaTeX, HTML) or Word paragraphs and notes.

Each unit keeps where its text came from: LaTeX is read as LaTeX (accents, escapes, TeX
quotes, \\enquote, \\url, \\href, comments) and HTML with its tags stripped, and a column
in the text read maps back to the column in the file (`Unit.column`). Every reader is one
pass over its input: no pattern that could look at a character twice per start.
"""

from __future__ import annotations

import re
import unicodedata

MEMBER_LIMIT = 50 << 20  # what one part of a .docx may expand to: no real thesis comes near


class Unit:
    __slots__ = ("location", "text", "anchors", "raw", "item")

    def __init__(self, location: str, text: str, anchors: list | None = None, raw: str | None = None,
                 item: bool = False) -> None:  # fmt: skip
        self.location, self.text, self.anchors = location, text, anchors
        self.raw = text if raw is None else raw  # the line as written (LaTeX keys are read there)
        self.item = item  # starts a list item, a note or a \bibitem: a reference starts here

    def column(self, index: int) -> int:
        """The 1-based column in the file of character `index` of `text`."""
        anchors = self.anchors
        if not anchors:
            return index + 1
        import bisect

        i = bisect.bisect_right(anchors, (index, 1 << 62)) - 1
        if i < 0:
            return index + 1
        out, src = anchors[i]
        return src + (index - out) + 1


_ITEM = re.compile(r"\s*(?:[-*+]\s|\d{1,3}[.)]\s|\[\^[^\]\s]{1,40}\]:|\\(?:bibitem|item)\b|<li\b)")


def starts_item(raw: str) -> bool:
    return _ITEM.match(raw) is not None


# --- LaTeX ---------------------------------------------------------------------------------

_TEX_TOKEN = re.compile(r"\\(?:[A-Za-z]+\*?|[^A-Za-z]?)|[{}%~]|``|''|---?|`")
_COMBINING = {".": "\u0307", '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
              "=": "\u0304", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
              "r": "\u030a", "d": "\u0323", "b": "\u0331"}  # fmt: skip
_LETTERS = {"i": "ı", "j": "ȷ", "ss": "ß", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "ae": "æ", "AE": "Æ",
            "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "dh": "ð", "th": "þ", "guillemotleft": "«",
            "guillemotright": "»", "glqq": "„", "grqq": "“", "textquotedblleft": "“", "textquotedblright": "”",
            "textquoteleft": "‘", "textquoteright": "’", "textendash": "–", "textemdash": "—", "ldots": "…",
            "dots": "…", "textellipsis": "…", "S": "§", "copyright": "©", "textasciitilde": "~",
            "textbackslash": "\\", "textunderscore": "_", "textbar": "|"}  # fmt: skip
_ACCENT_ARG = re.compile(r"[ \t]*(?:\{[ \t]*(\\[ij](?![A-Za-z])|[^\\{}\s])?[ \t]*\}|(\\[ij](?![A-Za-z])|[^\\{}\s]))")
_SYMBOLS = {"%": "%", "&": "&", "_": "_", "#": "#", "$": "$", "{": "{", "}": "}", "\\": " ", ",": " ", ";": " ",
            ":": " ", "!": "", " ": " ", "/": "", "-": "", "@": "", "": " "}  # fmt: skip
_QUOTES = ("enquote", "enquote*", "textquote", "textquote*", "mkbibquote", "mkquote", "qquote", "q")
_BREAKS = frozenset("footnote footnotetext endnote item par newline linebreak section section* subsection "
                    "subsection* chapter chapter* paragraph caption noindent indent newpage clearpage "
                    "hfill medskip bigskip smallskip quad qquad".split())  # fmt: skip
# commands whose arguments are not text (keys, labels, sizes, files): dropped with them
_NO_TEXT = frozenset("label ref pageref eqref autoref cref Cref bibitem begin end usepackage documentclass "
                     "input include bibliography bibliographystyle addbibresource hspace vspace setlength "
                     "includegraphics selectlanguage foreignlanguage textcolor color nocite newcommand "
                     "renewcommand def providecommand".split())  # fmt: skip
_PUNCT = {"``": "“", "''": "”", "`": "‘", "---": "—", "--": "–", "-": "-"}
_OPEN = re.compile(r"[ \t]*\{")
_CITE = re.compile(r"\\(?:[A-Za-z]*[Cc]ite[A-Za-z]*|nocite)\*?")
_OPTIONAL = re.compile(r"[ \t]*\[[^\[\]]{0,300}\]")
_GROUP = re.compile(r"[ \t]*\{([^{}]{0,2000})\}")


def _accent(accent: str, base: str) -> str:
    if base in ("\\i", "ı"):
        base = "i"
    elif base in ("\\j", "ȷ"):
        base = "j"
    return unicodedata.normalize("NFC", base + _COMBINING[accent])


class TexReader:
    """Lines of LaTeX as text, one line at a time; braces opened on one line may close on
    another (\\enquote{... over lines ...})."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, str, int]] = []  # (what closes the group, \\href's URL, output length at its opening)
        self.out: list[str] = []
        self.length = 0
        self.anchors: list[tuple[int, int]] = []

    def emit(self, text: str, src: int) -> None:
        self.anchors.append((self.length, src))
        self.out.append(text)
        self.length += len(text)

    def line(self, line: str) -> tuple[str, list | None]:
        if not any(ch in line for ch in "\\{}%~`'-"):
            return line, None
        self.out, self.length, self.anchors = [], 0, []
        for entry in range(len(self.stack)):  # groups still open from earlier lines start at 0 here
            closer, url, _ = self.stack[entry]
            self.stack[entry] = (closer, url, 0)
        emit = self.emit
        pos = 0
        n = len(line)
        stack = self.stack
        for match in _TEX_TOKEN.finditer(line):
            start = match.start()
            if start < pos:
                continue  # inside an argument already read
            if start > pos:
                emit(line[pos:start], pos)
            token = match.group()
            pos = match.end()
            if token == "%":
                pos = n
                break
            if token == "~":
                emit(" ", start)
            elif token == "{":
                stack.append(("", "", self.length))
            elif token == "}":
                if stack:
                    closer, url, opened = stack.pop()
                    if url:
                        if url not in "".join(self.out)[opened:]:
                            emit(" " + url, start)
                    elif closer:
                        emit(closer, start)
            elif token in _PUNCT:
                emit(_PUNCT[token], start)
            else:  # a control sequence
                name = token[1:]
                if name in _COMBINING and (not name.isalpha() or len(name) == 1):
                    arg = _ACCENT_ARG.match(line, pos)
                    if arg:
                        base = arg.group(1) or arg.group(2)
                        pos = arg.end()
                        emit(_accent(name, base) if base else "", start)
                    else:
                        emit("", start)
                    continue
                if not name[:1].isalpha():
                    emit(_SYMBOLS.get(name, name), start)
                    continue
                if name in _LETTERS:
                    emit(_LETTERS[name], start)
                elif name in ("url", "nolinkurl", "path", "href"):
                    pos = self._link(line, pos, start, name == "href")
                    continue
                elif name in _QUOTES:
                    opened = _OPTIONAL.match(line, pos)  # \\textquote[cite]{...}
                    if opened:
                        pos = opened.end()
                    brace = _OPEN.match(line, pos)
                    if brace:
                        pos = brace.end()
                        emit("“", start)
                        stack.append(("”", "", self.length))
                    continue
                elif _CITE.fullmatch(token) or name in _NO_TEXT:
                    pos = _skip_arguments(line, pos, name)
                    emit(" ", start)
                    continue
                elif name in _BREAKS:
                    emit(" ", start)
                else:
                    emit("", start)  # \\textbf, \\emph, ...: their groups are text
                while pos < n and line[pos] in " \t":  # TeX swallows the spaces after a control word
                    pos += 1
        if pos < n:
            emit(line[pos:], pos)
        self.anchors.append((self.length, n))
        return "".join(self.out), self.anchors

    def _link(self, line: str, pos: int, start: int, href: bool) -> int:
        """\\url{...} and \\href{URL}{text}: the URL as written (% and _ are not LaTeX there)."""
        match = _OPEN.match(line, pos)
        if not match:
            self.emit("", start)
            return pos
        close = line.find("}", match.end())
        if close < 0:
            close = len(line)
        url = line[match.end():close]
        after = min(close + 1, len(line))
        if href:
            text = _OPEN.match(line, after)
            if text:  # the URL follows the link's text at its closing brace, unless the text shows it
                self.emit("", start)
                self.stack.append(("", url.replace("\\%", "%").replace("\\#", "#"), self.length))
                return text.end()
        self.emit(url, match.end())
        return after


def _skip_arguments(line: str, pos: int, name: str) -> int:
    """[opt][opt]{arg}; for \\cites and its kin every further [..]{..}; for
    \\foreignlanguage{lang}{text} only the first group (the second is text)."""
    return arguments(line, pos, name)[1]


def arguments(text: str, pos: int, name: str, optional=_OPTIONAL, group=_GROUP) -> tuple[list, int]:
    """The `group` matches of the arguments of the LaTeX command `name` that ends at `pos`,
    the `optional` ones ([..]) skipped: the first group only, or, for \\cites and its kin
    (\\parencites, \\textcites*, ...), every further one; and where the arguments end."""
    many = name.rstrip("*").endswith("cites")
    groups = []
    while True:
        opt = optional.match(text, pos)
        if opt:
            pos = opt.end()
            continue
        found = group.match(text, pos)
        if not found:
            return groups, pos
        groups.append(found)
        pos = found.end()
        if not many:
            return groups, pos


def tex_units(text: str) -> list[Unit]:
    reader = TexReader()
    units = []
    for n, raw in enumerate(text.splitlines(), 1):
        line, anchors = reader.line(raw)
        units.append(Unit(str(n), line, anchors, raw, starts_item(raw)))
    return units


def detex(value: str) -> str:
    """A LaTeX value (a .bib field) as text."""
    if not any(ch in value for ch in "\\{}%~`'-"):
        return value
    reader = TexReader()
    return " ".join(reader.line(part)[0] for part in value.split("\n"))


# --- HTML ----------------------------------------------------------------------------------

_INLINE = frozenset("a abbr b bdi bdo cite code data dfn em font i kbd mark q s samp small span strong sub sup "
                    "time u var wbr ins del".split())  # fmt: skip
_TAG_NAME = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9:-]*)")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def html_units(text: str) -> list[Unit]:
    """Lines of an HTML file with the tags taken out and the entities read; line numbers
    and columns stay those of the file. A link's address follows its text (once)."""
    import html

    units = []
    state = "text"  # text, tag, comment, raw (inside script/style)
    tag: list[str] = []
    raw_end = ""
    href = ""  # the open <a>'s address
    href_src = tag_start = tag_line = 0
    link_start = 0  # where the link's text began in the output so far (of the current line)
    for n, line in enumerate(text.splitlines(), 1):
        out: list[str] = []
        anchors: list[tuple[int, int]] = []
        length = 0
        pos = 0
        size = len(line)
        link_start = 0

        def emit(chunk: str, src: int) -> None:
            nonlocal length
            anchors.append((length, src))
            out.append(chunk)
            length += len(chunk)

        while pos < size:
            if state == "comment":
                end = line.find("-->", pos)
                if end < 0:
                    pos = size
                    break
                pos = end + 3
                state = "text"
                emit(" ", pos)
            elif state == "raw":
                end = line.lower().find(raw_end, pos)
                if end < 0:
                    pos = size
                    break
                pos = end
                state = "text"
            elif state == "tag":
                end = line.find(">", pos)
                if end < 0:
                    tag.append(line[pos:])
                    pos = size
                    break
                tag.append(line[pos:end])
                pos = end + 1
                state = "text"
                whole = "".join(tag)
                tag = []
                name_match = _TAG_NAME.match(whole)
                name = name_match.group(1).lower() if name_match else ""
                closing = whole[1:2] == "/"
                if name == "a" and not closing:
                    found = _HREF.search(whole)
                    href = ""
                    if found:
                        group = next(i for i in (1, 2, 3) if found.group(i) is not None)
                        href = html.unescape(found.group(group))
                        href_src = tag_start + found.start(group) if tag_line == n else end
                    link_start = length
                    emit("", pos)
                elif name == "a" and closing:
                    if href and href not in "".join(out)[link_start:]:
                        emit(" ", end)
                        emit(href, href_src if href_src <= size else end)
                    href = ""
                    emit("", pos)
                elif name in ("script", "style") and not closing:
                    state, raw_end = "raw", f"</{name}"
                else:
                    emit("" if name in _INLINE else " ", pos)
            else:
                lt = line.find("<", pos)
                if lt < 0:
                    lt = size
                if lt > pos:
                    chunk = line[pos:lt]
                    emit(html.unescape(chunk) if "&" in chunk else chunk, pos)
                if lt >= size:
                    pos = size
                    break
                following = line[lt + 1 : lt + 4]
                if following.startswith("!--"):
                    state, pos = "comment", lt + 4
                elif following[:1].isalpha() or following[:1] in ("/", "!", "?"):
                    state, pos = "tag", lt + 1
                    tag = ["<"]
                    tag_start, tag_line = lt, n
                else:
                    emit("<", lt)
                    pos = lt + 1
        if state == "tag":
            tag.append(" ")
        anchors.append((length, size))
        units.append(Unit(str(n), "".join(out), anchors, line))
    return units


# --- Word ------------------------------------------------------------------------------------


def docx_units(name: str, data: bytes, limit: int = MEMBER_LIMIT) -> list[Unit]:
    """Paragraphs ("12") and notes ("footnote 3", "endnote 1") of a .docx, each part read
    streaming and refused once it expands past `limit` bytes (a zip bomb, or a broken or
    encrypted member): FileAccessError in one sentence."""
    import io
    import zipfile
    from xml.etree import ElementTree

    from avimcite.errors import FileAccessError

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    units: list[Unit] = []
    part = "the file"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise FileAccessError(f"{name}: not a Word document (no word/document.xml); not scanned.")
        for label, part in (("", "word/document.xml"), ("footnote ", "word/footnotes.xml"), ("endnote ", "word/endnotes.xml")):
            if part not in names:
                continue
            info = archive.getinfo(part)
            if info.flag_bits & 0x1:
                raise FileAccessError(f"{name}: {part} is encrypted; save the document without a password to scan it.")
            parser = ElementTree.XMLPullParser(events=("end",))
            read = 0
            count = 0
            with archive.open(info) as member:
                while True:
                    chunk = member.read(1 << 20)
                    if not chunk:
                        break
                    read += len(chunk)
                    if read > limit:
                        raise FileAccessError(
                            f"{name}: {part} expands to more than {limit >> 20} MB (a damaged or hostile file); not scanned."
                        )
                    parser.feed(chunk)
                    count = _drain(parser, units, label, w, count)
            parser.close()
            count = _drain(parser, units, label, w, count)
        return units
    except FileAccessError:
        raise
    except zipfile.BadZipFile as exc:
        raise FileAccessError(f"{name}: a broken .docx ({exc}); not scanned.") from None
    except NotImplementedError:
        raise FileAccessError(f"{name}: {part} is compressed with a method Python cannot read; not scanned.") from None
    except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required"
        raise FileAccessError(f"{name}: {part} cannot be read ({exc}); not scanned.") from None
    except ElementTree.ParseError as exc:
        raise FileAccessError(f"{name}: {part} is not well-formed XML ({exc}); not scanned.") from None
    except Exception as exc:  # zlib.error, lzma.LZMAError, OSError (bz2), EOFError, struct.error, ValueError
        reason = str(exc) or type(exc).__name__
        raise FileAccessError(f"{name}: {part} is damaged ({reason}); not scanned.") from None


def _drain(parser, units: list[Unit], label: str, w: str, count: int) -> int:
    """Take the paragraphs (or notes) the parser has finished, and free them."""
    paragraph, note = f"{w}p", (f"{w}footnote", f"{w}endnote")
    for _, element in parser.read_events():
        tag = element.tag
        if not label and tag == paragraph:
            count += 1
            units.append(Unit(str(count), _paragraph_text(element, w)))
            element.clear()
        elif label and tag in note:
            note_id = element.get(f"{w}id", "")
            if not (note_id.startswith("-") or note_id == "0" or element.get(f"{w}type") in ("separator", "continuationSeparator")):
                text = " ".join(_paragraph_text(p, w) for p in element.iter(paragraph))
                units.append(Unit(f"{label}{note_id}", text, item=True))
            element.clear()
    return count


def _paragraph_text(paragraph, w: str) -> str:
    out = []
    for node in paragraph.iter():
        if node.tag == f"{w}t" and node.text:
            out.append(node.text)
        elif node.tag in (f"{w}tab", f"{w}br", f"{w}cr"):
            out.append(" ")
    return "".join(out)


# --- plain text ---------------------------------------------------------------------------


def text_units(text: str) -> list[Unit]:
    return [Unit(str(n), line, None, None, starts_item(line)) for n, line in enumerate(text.splitlines(), 1)]
