"""CSL-JSON item data as citeproc-js reads it before rendering.

- Zotero's field names for the short forms, `journalAbbreviation` and `shortTitle`, give
  `container-title-short` and `title-short` when those are absent.
- The `note` field's variables (citeproc-js's parseNoteFieldHacks, the "cheater syntax" Zotero
  writes into Extra): lines "variable: value" at the start of the note, and `{:variable:
  value}` inside a line, set a variable the item does not have (a date variable, a name
  variable as "Family || Given" or a literal name, any other variable as text; `type` always);
  the lines read are taken out of the note.
"""

from __future__ import annotations

from avimcite import rx
from avimcite.csl.lazyre import LazyPattern as _lazy_re  # speed only: compiled on first use (avimcite.rx)

# Patterns of the functions below (compiled on first use, their code kept by avimcite.rx).
_DOUBLE_BAR = _lazy_re(r"\s*\|\|\s*")

SHORT_FORM_ALIASES = {"journalAbbreviation": "container-title-short", "shortTitle": "title-short"}

_INLINE = rx.compile(r"\{:(?:[-_a-z]+|[A-Z]+):[^}]+\}")
_LINE = rx.compile(r"^([-_a-z]+|[A-Z]+):\s*([^}]+)$")
_DATE_VARIABLES = frozenset({"locator-date", "issued", "event-date", "accessed", "original-date", "publication-date",
                             "available-date", "submitted"})  # fmt: skip
_NAME_VARIABLES = frozenset({"author", "chair", "collection-editor", "compiler", "composer", "container-author",
                             "contributor", "curator", "director", "editor", "editor-translator", "editorial-director",
                             "executive-producer", "guest", "host", "illustrator", "interviewer", "narrator", "organizer",
                             "original-author", "performer", "producer", "recipient", "reviewed-author", "script-writer",
                             "series-creator", "translator", "commenter"})  # fmt: skip
_ISO_DATE = rx.compile(r"^(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def prepare(item: dict) -> dict:
    """The item with its short-form aliases and note variables read (a new dict)."""
    item = dict(item)
    for alias, variable in SHORT_FORM_ALIASES.items():
        value = item.pop(alias, None)
        if value and not item.get(variable):
            item[variable] = value
    if isinstance(item.get("note"), str) and ":" in item["note"]:
        _note_variables(item)
    return item


def _date(text: str) -> dict:
    parts = []
    for piece in text.split("/"):
        m = _ISO_DATE.match(piece.strip())
        if not m:
            return {"raw": text}
        parts.append([int(g) for g in m.groups() if g is not None])
    return {"date-parts": parts}


def _note_variables(item: dict) -> None:
    lines = item["note"].split("\n")
    for i, line in enumerate(lines):
        fields = _INLINE.findall(line)
        if not fields:
            continue
        texts = _INLINE.split(line)
        out = [texts[0]]
        converting = True
        for j, field in enumerate(fields):
            before = texts[j]
            # a field after text that is no field of its own stays as written (and so do the rest)
            if converting and before.strip() and (i > 0 or j > 0) and not _LINE.match(before):
                converting = False
            out += ["\n" + field[2:-1].strip() + "\n" if converting else field, texts[j + 1]]
        lines[i] = "".join(out)
    lines = "\n".join(lines).split("\n")
    names: dict[str, list] = {}
    for i, line in enumerate(lines):
        m = _LINE.match(line)
        if not line.strip():
            continue
        if not m:
            if i == 0:
                continue
            break
        key, value = m.group(1), m.group(2).strip()
        if key == "type":
            item["type"] = value
            lines[i] = ""
        elif key in _DATE_VARIABLES:
            if not item.get(key):
                item[key] = _date(value)
                lines[i] = ""
        elif not item.get(key):
            if key in _NAME_VARIABLES:
                parts = _DOUBLE_BAR.split(value)
                if len(parts) == 1:
                    names.setdefault(key, []).append({"literal": parts[0]})
                elif len(parts) == 2:
                    names.setdefault(key, []).append({"family": parts[0], "given": parts[1]})
            else:
                item[key] = value
            lines[i] = ""
    item.update(names)
    note = "\n".join(lines).strip()
    if note:
        item["note"] = note
    else:
        item.pop("note")
