"""Text from a catalogue as it may be shown: no terminal escape sequence, control character or
invisible formatting character (bidi overrides, zero-width characters) ever reaches a terminal
or a pipe raw. A hand-edited catalogue can hold anything; `check` names what it finds.

Light: one regular expression, imported by output.py on every run.
"""

from __future__ import annotations

import re

# ESC/CSI sequences (colours, cursor moves, clearing the screen, OSC titles and hyperlinks).
_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|[\x1b\x9d]\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
                       r"|\x1b[P^_X][^\x1b\x9c]*(?:\x1b\\|\x9c)?|\x1b[ -/]*[0-~]")  # fmt: skip
# Invisible characters that change how text reads or hide what it says: bidi embeddings,
# overrides, isolates and marks, zero-width space/joiners, word joiner and invisible operators,
# the BOM, the Mongolian vowel separator, interlinear annotation marks.
INVISIBLE = "\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb"
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and line feed, DEL, C1
_UNSAFE = re.compile(f"[{_CONTROL}{INVISIBLE}]")
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_CONTROLS = re.compile(f"[{_CONTROL}\u2028\u2029]")


def shown(text: str) -> str:
    """`text` safe to print: escape sequences and invisible characters removed, any other
    control character replaced by U+FFFD (visible: `check` says where it is). Tabs and line
    feeds are kept (the line formats use them)."""
    if _UNSAFE.search(text) is None:
        return text
    text = _INVISIBLE.sub("", _SEQUENCE.sub("", text))
    return _CONTROLS.sub("\ufffd", text)


def json_safe(text: str) -> str:
    """JSON text (already dumped) with the invisible and C1 characters written as \\uXXXX
    escapes: the same data, nothing hidden (json escapes C0 itself)."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def findings(text: str) -> list[str]:
    """What `text` holds that is never printed raw, as phrases for `check`."""
    found = []
    if _SEQUENCE.search(text):
        found.append("a terminal escape sequence")
    rest = _SEQUENCE.sub("", text)
    for char in sorted(set(_UNSAFE.findall(rest)) | set(re.findall("[\u2028\u2029]", rest))):
        import unicodedata

        name = unicodedata.name(char, "control character")
        found.append(f"U+{ord(char):04X} ({name.lower()})")
    return found
