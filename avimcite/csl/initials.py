"""Initials as citeproc-js makes them (CSL.Util.Names.initializeWith: doInitialize and
doNormalize) from a given name: "Ömer Engin" -> "Ö. E.", "M.E" -> "M. E.". One module for the
engine (avimcite.csl.fixes) and the compiled form (avimcite.csl.quick), which imports it without
the engine."""

from __future__ import annotations

import re

from avimcite import rx
from avimcite.csl.lazyre import LazyPattern as _lazy_re  # speed only: compiled on first use

# Patterns of the functions below (compiled on first use, their code kept by avimcite.rx).
_TAG_RUNS = _lazy_re(r"(?:-*<[^>]+>-*)")
_TRAILING_SPACE = _lazy_re(r"^(.*[^\s])*(\s+)$", re.S)
_TAGS_RUN = _lazy_re(r"(?:<[^>]+>)+")
_TRAILING_BLANKS = _lazy_re(r"[\u0009\u000a\u000b\u000c\u000d\u0020\ufeff\u00a0]+$")
_BLANK_RUNS = _lazy_re(r"[\u0009\u000a\u000b\u000c\u000d\u0020]+")
_SPACED_HYPHEN = _lazy_re(r"\s*-\s*")
_SPACE_RUNS = _lazy_re(r"\s+")
_HYPHEN_LOWER = _lazy_re(r"-([a-z])")
_AFTER_LAST_PERIOD = _lazy_re(r"[^.]+$")
_EN_DASH_LOWER = _lazy_re("\u2013([a-z])")
_LAST_PERIOD = _lazy_re(r"^(.*)\.(.*)$", re.S)
_TRAILING_BOM = _lazy_re("\ufeff$")

# --- initials ---------------------------------------------------------------------------
# citeproc-js's CSL.Util.Names.initializeWith (doInitialize, doNormalize), on the given name.

_INITIAL_FIRST = "A-Z\u0e01-\u0e5b\u00c0-\u017f\u0400-\u042f\u0590-\u05d4\u05d6-\u05ff\u0600-\u06ff\u0370\u0372\u0376\u0386\u0388-\u03ab\u03e2\u03e4\u03e6\u03e8\u03ea\u03ec\u03ee\u03f4\u03f7\u03fd-\u03ff"
_INITIAL_REST = "a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0400-\u052f\u0600-\u06ff\u0370-\u03ff\u1f00-\u1fff"
_ROMANESQUE = "a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4\u05d6-\u05ff\u1f00-\u1fff\u0600-\u06ff\u200c\u200d\u200e\u0218\u0219\u021a\u021b\u202a-\u202e"
_NAME_INITIAL = rx.compile(f"^([{_INITIAL_FIRST}])([{_INITIAL_REST}]*|)(\\.)*")
_STARTS_ROMANESQUE = rx.compile(f"^[&{_ROMANESQUE}]")
_HAS_ROMANESQUE = _lazy_re(f"[-0-9{_ROMANESQUE}]")
_NAME_SPLIT = rx.compile(r'((?:[-\s]*</*(?:span\s+class="no(?:case|decor)"|i|sc|b|sub|sup)>[-\s]*|[-\s]+))')
_TAG = rx.compile(r"^(?:<[^>]+>)*")


def _mergetag(tagstr: str, newstr: str) -> str:
    tags = _TAG_RUNS.findall(tagstr)
    if not tags:
        return newstr
    tagstr = "".join(tags)
    m = _TRAILING_SPACE.match(newstr)
    if m:
        return (m.group(1) or "") + tagstr + m.group(2)
    return newstr + tagstr


def _tagonly(text: str) -> str:
    m = _TAGS_RUN.search(text)
    return m.group(0) if m else text


def _tidy_initials(text: str) -> str:
    text = _TRAILING_BLANKS.sub("", text)
    return _BLANK_RUNS.sub(" ", _SPACED_HYPHEN.sub("-", text))


def initialize_given(name: str, terminator: str, normalize_only: bool = False) -> str:
    """A given name initialized with `terminator` ("J. Q."), or with `normalize_only` (the
    style's initialize="false") only its existing initials and abbreviations normalized
    ("M.E" -> "M. E." for initialize-with ". "), as citeproc-js does."""
    if not name:
        return ""
    terminator = terminator or ""
    if name in ("Lord", "Lady") or (not _STARTS_ROMANESQUE.match(_TAG.sub("", name)) and "%s" not in terminator):
        return name
    name = _SPACE_RUNS.sub(" ", _SPACED_HYPHEN.sub("-", name))
    name = _HYPHEN_LOWER.sub("\u2013\\1", name)
    for i in range(len(name) - 2, -1, -1):
        if name[i] == "." and name[i + 1:i + 2] != " ":
            name = name[:i] + ". " + name[i + 1:]
    parts = _NAME_SPLIT.split(name)  # strings and the separators between them, alternating
    if len(parts) == 1:
        m = _AFTER_LAST_PERIOD.search(parts[0])
        if m and len(m.group(0)) == 1 and m.group(0) != m.group(0).lower():
            parts[0] += "."
    result = _normalize_initials(parts, terminator) if normalize_only else _initialize_parts(parts, terminator)
    return _EN_DASH_LOWER.sub("-\\1", result)


def _normalize_initials(names: list[str], terminator: str) -> str:
    abbrev = []
    for i, n in enumerate(names):
        bare = _TAG.sub("", n)
        if len(bare) > 1 and bare.endswith("."):
            names[i] = _LAST_PERIOD.sub(r"\1\2", n)
            abbrev.append(True)
        elif len(n) == 1 and n.upper() == n:
            abbrev.append(True)
        else:
            abbrev.append(False)
    for i in range(0, len(names), 2):
        if not abbrev[i]:
            continue
        if i < len(names) - 2:
            names[i + 1] = _tagonly(names[i + 1])
            if not abbrev[i + 2]:
                names[i + 1] = _tagonly(names[i + 1]) + " "
            if len(names[i + 2]) > 1:
                names[i + 1] = _TRAILING_BOM.sub("", terminator) + names[i + 1]
            else:
                names[i + 1] = _mergetag(names[i + 1], terminator)
        if i == len(names) - 1:
            names[i] = names[i] + terminator
    return _tidy_initials("".join(names))


def _initialize_parts(names: list[str], terminator: str) -> str:
    count = len(names)
    for i in range(0, count, 2):
        n = names[i]
        if not n:
            continue
        m = _NAME_INITIAL.match(n)
        groups = list(m.groups()) if m else None
        if not m and not _STARTS_ROMANESQUE.match(n) and len(n) > 1 and "%s" in terminator:
            groups = [n[0], n[1:], None]
        if groups and groups[1] and groups[2]:
            groups = [groups[0] + groups[1], "", groups[2]]
        if groups and groups[0][:1] == groups[0][:1].upper():
            extra = ""
            if groups[1]:
                run = ""
                for c in groups[1]:
                    if c != c.upper():
                        break
                    run += c
                if len(run) < len(groups[1]):
                    extra = run.lower()
            names[i] = groups[0] + extra
            if i < count - 1:
                if "%s" in terminator:
                    names[i] = terminator.replace("%s", names[i], 1)
                elif "-" in names[i + 1]:
                    names[i + 1] = _mergetag(names[i + 1].replace("-", "", 1), terminator) + "-"
                else:
                    names[i + 1] = _mergetag(names[i + 1], terminator)
            elif "%s" in terminator:
                names[i] = terminator.replace("%s", names[i], 1)
            else:
                names.append(terminator)
        elif _HAS_ROMANESQUE.search(n) and (not groups or not groups[2]):
            names[i] = " " + n
    return _tidy_initials("".join(names))
