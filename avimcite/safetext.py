"""Text from a catalogue as it may be shown: no terminal escape sequence, control character or
invisible formatting character (bidi overrides, zero-width characters) ever reaches a terminal
or a pipe raw. A hand-edited catalogue can hold anything; `check` names what it finds.

Light: imported by output.py on every run; its patterns are compiled when text needs them.
"""

from __future__ import annotations

import re

# The patterns are compiled on first use, through re's own cache of compiled patterns: their
# large character classes cost more to compile than a light command does otherwise, and most
# text is printable (str.isprintable is False for every character below, and for tabs, line
# feeds and no-break spaces, which are kept).
# ESC/CSI sequences (colours, cursor moves, clearing the screen, OSC titles and hyperlinks).
_SEQUENCE = (r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|[\x1b\x9d]\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
             r"|\x1b[P^_X][^\x1b\x9c]*(?:\x1b\\|\x9c)?|\x1b[ -/]*[0-~]")  # fmt: skip
# Invisible characters that change how text reads or hide what it says: bidi embeddings,
# overrides, isolates and marks, zero-width space/joiners, word joiner and invisible operators,
# the BOM, the Mongolian vowel separator, interlinear annotation marks.
INVISIBLE = "\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb"
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and line feed, DEL, C1
_UNSAFE = f"[{_CONTROL}{INVISIBLE}]"
_INVISIBLE = f"[{INVISIBLE}]"
_CONTROLS = f"[{_CONTROL}\u2028\u2029]"


def shown(text: str) -> str:
    """`text` safe to print: escape sequences and invisible characters removed, any other
    control character replaced by U+FFFD (visible: `check` says where it is). Tabs and line
    feeds are kept (the line formats use them)."""
    if text.isprintable() or re.search(_UNSAFE, text) is None:
        return text
    text = re.sub(_INVISIBLE, "", re.sub(_SEQUENCE, "", text))
    return re.sub(_CONTROLS, "\ufffd", text)


def json_safe(text: str) -> str:
    """JSON text (already dumped) with the invisible and C1 characters written as \\uXXXX
    escapes: the same data, nothing hidden (json escapes C0 itself)."""
    if text.isprintable():
        return text
    return re.sub(_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", text)


def findings(text: str) -> list[str]:
    """What `text` holds that is never printed raw, as phrases for `check`."""
    found = []
    if re.search(_SEQUENCE, text):
        found.append("a terminal escape sequence")
    rest = re.sub(_SEQUENCE, "", text)
    for char in sorted(set(re.findall(_UNSAFE, rest)) | set(re.findall("[\u2028\u2029]", rest))):
        import unicodedata

        name = unicodedata.name(char, "control character")
        found.append(f"U+{ord(char):04X} ({name.lower()})")
    return found
