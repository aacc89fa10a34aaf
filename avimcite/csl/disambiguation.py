"""CSL 1.0.2 "Disambiguation", worked out as citeproc-js (src/disambig_cites.js,
src/disambig_names.js, src/util_names_*.js) works it out.

Items whose cites render alike (the "ambiguous cite": a subsequent, near-note cite of the
item alone) are disambiguated in this order, each step only as far as it helps:

1. disambiguate-add-names: more names of a name list shown before "et al.";
2. disambiguate-add-givenname with givenname-disambiguation-rule "by-cite": given names
   (initials first where the style initializes, then full) of the names that differ;
   the other rules (all-names, all-names-with-initials, primary-name,
   primary-name-with-initials) expand names over the whole document, ambiguous cite or
   not: a family name cited with two sets of initials gets full given names, ...;
3. disambiguate-add-year-suffix: "a", "b" ... in the bibliography's order;
4. the `disambiguate="true"` condition, the n-th such condition of the cite turned on for
   the n-th try (citeproc-js's order: year suffixes before the condition).

The state of one render (the name register, each item's settings) is a `Session` kept in
`fixes.render_context.disambiguation`; `install(model)` adds the hooks: Layout.render_children
(which item is being laid out), Name.process (how many names, which given names).
"""

from __future__ import annotations

from avimcite.csl import names as names_module
from avimcite.csl.lazyre import LazyPattern as _lazy_re  # speed only: compiled on first use (avimcite.rx)

# Patterns of the functions below (compiled on first use, their code kept by avimcite.rx).
_SPACES = _lazy_re(r"\s+")
_LAST_NAME = _lazy_re(r"[,!]* ([^,]+)$")
_NAME_BREAKS = _lazy_re(r"[\s\-]+")

_installed = False


class AmbigConfig:
    """citeproc-js's CSL.AmbigConfig: per name list (nameset) the number of names shown, per
    name its given-name level (0 family only, 1 initials, 2 full), the year suffix (its
    number, as a string) and how many disambiguate="true" conditions hold."""

    __slots__ = ("names", "givens", "year_suffix", "disambiguate")

    def __init__(self) -> None:
        self.names: list[int] = []
        self.givens: list[list] = []
        self.year_suffix = False
        self.disambiguate = 0

    def clone(self) -> "AmbigConfig":
        other = AmbigConfig()
        other.names = list(self.names)
        other.givens = [list(g) for g in self.givens]
        other.year_suffix = self.year_suffix
        other.disambiguate = self.disambiguate
        return other

    def signature(self) -> tuple:
        """The settings as a value that compares equal when they are the same."""
        return (tuple(self.names), tuple(tuple(g) for g in self.givens), self.year_suffix, self.disambiguate)

    def __repr__(self) -> str:  # pragma: no cover - debugging
        return f"AmbigConfig(names={self.names}, givens={self.givens}, ys={self.year_suffix}, dis={self.disambiguate})"


def _pad(config: AmbigConfig) -> None:
    for i, count in enumerate(config.names):
        while len(config.givens) <= i:
            config.givens.append([])
        givens = config.givens[i]
        while len(givens) < count:
            givens.append(0)
        for j in range(count):
            if givens[j] is None:
                givens[j] = 0


class Frame:
    """One cite (or bibliography entry) being laid out."""

    __slots__ = ("key", "settings", "request", "suppress", "citation", "first", "nameset", "names_max", "count", "max_max")

    def __init__(self, key, settings, request, suppress, citation=True, first=False):
        self.key, self.settings, self.request, self.suppress = key, settings, request, suppress
        self.citation, self.first = citation, first
        self.nameset = 0
        self.names_max: list[int] = []
        self.count = 0
        self.max_max = 0


def _snapshot(frame: Frame) -> tuple:
    """What rendering a cite left in its frame (settings and counts), as values."""
    settings = frame.settings
    return (settings.clone(), frame.nameset, list(frame.names_max), frame.count, frame.max_max)


def _restore(frame: Frame, after: tuple) -> None:
    """Put `after` (a _snapshot) into `frame`, into the very settings object the render would
    have changed (a caller holds it)."""
    config, frame.nameset, names_max, frame.count, frame.max_max = after
    settings = frame.settings
    settings.names = list(config.names)
    settings.givens = [list(g) for g in config.givens]
    settings.year_suffix = config.year_suffix
    settings.disambiguate = config.disambiguate
    frame.names_max = list(names_max)


def _strip_periods(text) -> str:
    return _SPACES.sub(" ", str(text or "").replace(".", " ")).rstrip()


class Session:
    """The disambiguation of one render: options, the name register, each item's settings."""

    def __init__(self, csl, bib, source) -> None:
        citation = csl.root.citation
        self.bib, self.source = bib, source
        self.add_names = citation.get("disambiguate-add-names") == "true"
        self.add_givenname = citation.get("disambiguate-add-givenname") == "true"
        self.rule = citation.get("givenname-disambiguation-rule", "by-cite")
        self.add_year_suffix = citation.get("disambiguate-add-year-suffix") == "true"
        self.has_disambiguate = bool(csl.root.xpath_search(".//cs:if[@disambiguate='true'] | .//cs:else-if[@disambiguate='true']"))
        self.demote = csl.root.get("demote-non-dropping-particle", "display-and-sort")
        self.registry: dict[str, AmbigConfig] = {}
        self.ambigcites: dict[str, list[str]] = {}
        self.mylist: list[str] = []
        self.namereg: dict[str, dict[str, set]] = {}
        self.frames: list[Frame] = []
        self.first_notes: dict[str, int] = {}
        self.next_frame: Frame | None = None
        self.last_frame: Frame | None = None
        # ambiguous cites already rendered: (key, request, settings before, name register
        # version) -> (text, the frame after); a run renders most of them again unchanged
        self.memo: dict[tuple, tuple] = {}
        self.namereg_version = 0
        modes = []
        if self.add_names or (self.add_givenname and self.rule == "by-cite"):
            modes.append("names")
        if self.add_year_suffix:
            modes.append("years")
        if self.has_disambiguate:
            modes.append("extra")
        self.modes = modes

    # --- the name register (CSL.Registry.NameReg) ---------------------------------------

    def _keys(self, key: str, name):
        given, family, _dp, ndp, _suffix = name.parts()
        pkey = _strip_periods(family)
        if self.demote == "never" and ndp and family:
            pkey = f"{pkey} {ndp}"
        skey = _strip_periods(given)
        m = _LAST_NAME.search(skey)
        if m and m.group(1) == m.group(1).lower():
            skey = _LAST_NAME.sub("", skey)
        ikey = "".join(part[0] + "%s" for part in _NAME_BREAKS.split(skey) if part)
        if self.rule == "by-cite":
            pkey = key + pkey
        return pkey, ikey, skey

    def addname(self, key: str, name, pos: int) -> None:
        if self.rule.startswith("primary-") and pos != 0:
            return
        pkey, ikey, skey = self._keys(key, name)
        if not pkey:
            return
        entry = self.namereg.get(pkey)
        if entry is None:
            entry = self.namereg[pkey] = {}
            self.namereg_version += 1
        if ikey:
            skeys = entry.get(ikey)
            if skeys is None:
                skeys = entry[ikey] = set()
                self.namereg_version += 1
            if skey and skey not in skeys:
                skeys.add(skey)
                self.namereg_version += 1

    def evalname(self, key: str, name, namenum: int, request_base, form: str, initials) -> int | None:
        pkey, ikey, _skey = self._keys(key, name)
        param = 2
        if form == "short":
            param = 0
        elif isinstance(initials, str):
            param = 1
        entry = self.namereg.get(pkey)
        if entry is None or ikey not in entry:
            return param
        base = request_base if request_base is not None else -1
        if self.rule == "by-cite" and param <= base:
            return request_base
        if not self.add_givenname:
            return param
        if self.rule.startswith("primary-name") and namenum > 0:
            return param
        rule = "all-names" if self.rule == "by-cite" else self.rule
        if rule in ("all-names", "primary-name"):
            if len(entry) > 1:
                param = 1
            if len(entry[ikey]) > 1 or (len(entry) > 1 and not isinstance(initials, str)):
                param = 2
        elif rule in ("all-names-with-initials", "primary-name-with-initials"):
            param = 1 if len(entry) > 1 else 0
        if key not in self.registry:
            if form == "short":
                return 0
            if isinstance(initials, str):
                return 1
            return None
        return param

    # --- rendering the ambiguous cite (CSL.getAmbiguousCite) ----------------------------

    def ambiguous_cite(self, key: str, request: AmbigConfig | None = None, visual: bool = False) -> str:
        """The cite of `key` alone, subsequent and near-note, with the settings `request`
        (mutated by the rendering, as citeproc-js mutates its request), else the item's own.
        `visual`: the form a run compares (citeproc-js's getAmbiguousCite with visualForm),
        which prints the item's first-reference-note-number when the session knows it; the
        key an item is registered under and the cite data never print it."""
        from avimcite.csl._citeproc import Citation, CitationItem

        if request is not None:
            frame = Frame(key, request, True, True)
        elif key in self.registry:
            frame = Frame(key, self.registry[key], True, True)
        else:
            frame = Frame(key, AmbigConfig(), False, True)
        # The cite is a function of the item, its settings and the name register (which only
        # grows, each addition counted): a cite rendered before with the same three is not
        # rendered again; its text and what the render wrote into the settings and the frame
        # are set as the render would set them.
        note = self.first_notes.get(key) if visual else None
        memo_key = (key, frame.request, key in self.registry, frame.settings.signature(), self.namereg_version, note)
        known = self.memo.get(memo_key)
        if known is not None:
            text, after = known
            _restore(frame, after)
            self.last_frame = frame
            return text
        item = CitationItem(key)
        item["avim_position"] = "subsequent"
        item["avim_near_note"] = True
        if note:
            item["avim_first_note"] = note
        citation = Citation([item])
        citation.bibliography = self.bib
        self.next_frame = frame
        failed = False
        try:
            text = str(self.bib.cite(citation, lambda _item: None))
        except Exception as exc:  # noqa: BLE001 - one bad entry must not take the others down
            from avimcite.csl import fixes

            fixes.entry_failures.append((key, exc))
            text = None
            failed = True
        finally:
            self.next_frame = None
        if not failed and memo_key[4] == self.namereg_version:
            self.memo[memo_key] = (text, _snapshot(frame))
        self.last_frame = frame
        return text

    def register(self, akey, key: str, config: AmbigConfig) -> None:
        self.ambigcites.setdefault(akey, [])
        if key not in self.ambigcites[akey]:
            self.ambigcites[akey].append(key)
        self.registry[key] = config.clone()


def session():
    from avimcite.csl import fixes

    return getattr(fixes.render_context, "disambiguation", None)


# --- the run over a group of ambiguous cites (CSL.Disambiguation) -------------------------


class _Run:
    def __init__(self, s: Session, order: dict[str, int], suffix_order: dict[str, int] | None = None) -> None:
        self.s = s
        self.order = order
        self.suffix_order = suffix_order or {}

    def run(self, akey) -> None:
        if not self.s.modes:
            return
        self.akey = akey
        if self.init_vars(akey):
            self.run_disambig()

    def run_disambig(self) -> None:
        self.init_givens = True
        while self.lists:
            self.gnameset = 0
            self.gname = 0
            self.clashes = [1, 0]
            while self.lists[0][1]:
                self.listpos = 0
                if not self.base:
                    self.base = self.lists[0][0]
                ismax = self.increment()
                self.scan(self.lists[0])
                self.eval_scan(ismax)
            self.lists = self.lists[1:]

    def scan(self, entry) -> None:
        items = entry[1]
        self.item = items[0]
        cite = self.s.ambiguous_cite(self.item, self.base, visual=True)
        self.partners = [self.item]
        self.nonpartners = []
        clashes = 0
        for other in items[1:]:
            if self.s.ambiguous_cite(other, self.base, visual=True) == cite:
                clashes += 1
                self.partners.append(other)
            else:
                self.nonpartners.append(other)
        self.clashes[0] = self.clashes[1]
        self.clashes[1] = clashes

    def eval_scan(self, maxed: bool) -> None:
        getattr(self, "dis_" + self.s.modes[self.modeindex])(maxed)
        if maxed:
            if self.modeindex < len(self.s.modes) - 1:
                self.modeindex += 1
            else:
                self._set_list(self.listpos + 1, [self.base, []])

    def _set_list(self, index: int, value) -> None:
        if index < len(self.lists):
            self.lists[index] = value
        else:
            self.lists.append(value)

    def dis_names(self, ismax: bool) -> None:
        register = self.s.register
        if self.clashes[1] == 0 and len(self.nonpartners) == 1:
            self.capture()
            register(self.akey, self.nonpartners[0], self.betterbase)
            register(self.akey, self.partners[0], self.betterbase)
            self.lists[self.listpos] = [self.betterbase, []]
        elif self.clashes[1] == 0:
            self.capture()
            register(self.akey, self.partners[0], self.betterbase)
            self.lists[self.listpos] = [self.betterbase, self.nonpartners]
            if self.nonpartners:
                self.init_givens = True
        elif len(self.nonpartners) == 1:
            self.capture()
            register(self.akey, self.nonpartners[0], self.betterbase)
            self.lists[self.listpos] = [self.betterbase, self.partners]
        elif self.clashes[1] < self.clashes[0]:
            self.capture()
            self.lists[self.listpos] = [self.betterbase, self.partners]
            self.lists.append([self.betterbase, self.nonpartners])
        elif ismax:
            self.lists[self.listpos] = [self.betterbase, self.nonpartners]
            self.lists.append([self.betterbase, self.partners])
            if self.modeindex == len(self.s.modes) - 1:
                for key in self.partners:
                    register(self.akey, key, self.betterbase)
                self.lists[self.listpos] = [self.betterbase, []]

    def dis_extra(self, _maxed: bool = False) -> None:
        last = self.s.last_frame
        count, max_max = (last.count, last.max_max) if last is not None else (0, 0)
        done = self.clashes[1] == 0 and len(self.nonpartners) < 2
        if not done and (not self.base.disambiguate or count != max_max):
            self.modeindex = 0
            self.base.disambiguate = count
            self.betterbase.disambiguate = count
            if not self.base.disambiguate:
                self.init_givens = True
                self.base.disambiguate = 1
            else:
                self.dis_names(False)
        elif done or count == max_max:
            if done or self.modeindex == len(self.s.modes) - 1:
                base = self.lists[self.listpos][0]
                for key in self.lists[self.listpos][1]:
                    self.s.register(self.akey, key, base)
                self.lists[self.listpos] = [self.betterbase, []]
            else:
                self.modeindex = len(self.s.modes) - 1
                base = self.lists[self.listpos][0]
                base.disambiguate = True
                for key in self.lists[self.listpos][1]:
                    self.s.register(self.akey, key, base)

    def dis_years(self, _maxed: bool = False) -> None:
        base = self.lists[self.listpos][0]
        tokens = []
        if self.clashes[1]:
            members = set(self.lists[self.listpos][1])
            tokens = [key for key in self.s.mylist if key in members]
        if tokens and all(k in self.suffix_order for k in tokens):
            tokens.sort(key=lambda k: self.suffix_order[k])
        else:
            tokens.sort(key=lambda k: self.order.get(k, 0))
        for pos, key in enumerate(tokens):
            base.year_suffix = str(pos)
            self.s.register(self.akey, key, base)
        self.lists[self.listpos] = [self.betterbase, []]

    def increment(self) -> bool:
        if self.init_givens:
            self.init_givens = False
            return False
        maxed = False
        mode = self.s.modes[self.modeindex]
        if mode == "names":
            base = self.base
            increment_names = self.givens_max is None
            increment_namesets = self.names_max is None
            if self.givens_max is not None:
                level = _at(base.givens, self.gnameset, self.gname)
                if base.givens and level is not None and level < self.givens_max:
                    base.givens[self.gnameset][self.gname] += 1
                else:
                    increment_names = True
            if self.names_max is not None and increment_names:
                if self.s.add_names:
                    increment_namesets = False
                    if self.gname < self.names_max:
                        while len(base.names) <= self.gnameset:
                            base.names.append(0)
                        base.names[self.gnameset] += 1
                        self.gname += 1
                    else:
                        increment_namesets = True
                else:
                    increment_namesets = True
            if self.namesets_max is not None and increment_namesets:
                if self.gnameset < self.namesets_max:
                    self.gnameset += 1
                    while len(base.names) <= self.gnameset:
                        base.names.append(0)
                    base.names[self.gnameset] = 1
                    self.gname = 0
            level = _at(base.givens, self.gnameset, self.gname)
            if ((self.namesets_max is None or self.namesets_max == -1 or self.gnameset == self.namesets_max)
                    and (not self.s.add_names or self.names_max is None or self.gname == self.names_max)
                    and (self.givens_max is None or level is None or level == self.givens_max)):  # fmt: skip
                maxed = True
        elif mode == "extra":
            self.base.disambiguate += 1
            self.betterbase.disambiguate += 1
        return maxed

    def init_vars(self, akey) -> bool:
        s = self.s
        self.lists = []
        self.base = None
        self.betterbase = None
        self.max_names: dict[str, list[int]] = {}
        self.namesets_max = None
        ids = s.ambigcites.get(akey) or []
        if len(ids) < 2:
            return False
        self.cite_data(ids[0])
        self.base = s.registry[ids[0]].clone()  # getAmbigConfig(): the request just rendered
        bundles = [(self.max_names[ids[0]], ids[0])]
        for key in ids[1:]:
            self.cite_data(key, self.base)
            bundles.append((self.max_names[key], key))
        bundles.sort(key=lambda b: (",".join(map(str, b[0])), b[1]))  # JavaScript compares the arrays as strings
        items = [key for _, key in bundles]
        self.lists.append([self.base, items])
        self.item = items[0]
        self.modeindex = 0
        first = self.max_names.get(self.item) or []
        self.names_max = first[0] if first else None
        _pad(self.base)
        _pad(self.betterbase)
        self.base.year_suffix = False
        self.base.disambiguate = 0
        self.betterbase.year_suffix = False
        self.betterbase.disambiguate = 0
        self.givens_max = 2 if (s.rule == "by-cite" and s.add_givenname) else None
        return True

    def cite_data(self, key: str, base: AmbigConfig | None = None) -> None:
        s = self.s
        if key in self.max_names:
            return
        s.ambiguous_cite(key, base)
        frame = s.last_frame
        base = frame.settings.clone()
        self.max_names[key] = list(frame.names_max)
        s.registry[key].givens = [list(g) for g in frame.settings.givens]
        self.namesets_max = len(s.registry[key].names) - 1
        if not self.base:
            self.base = base
            self.betterbase = base.clone()
        if len(base.names) < len(self.base.names):
            self.base = base
        for i in range(len(base.names)):
            if i < len(self.base.names) and base.names[i] > self.base.names[i]:
                while len(self.base.givens) <= i:
                    self.base.givens.append([])
                self.base.givens[i] = list(base.givens[i]) if i < len(base.givens) else []
                self.base.names[i] = base.names[i]
                self.betterbase.names = list(self.base.names)
                self.betterbase.givens = list(self.base.givens)
                _pad(self.base)
                _pad(self.betterbase)
        self.betterbase.givens = [list(g) for g in self.base.givens]

    def capture(self) -> None:
        base, better = self.base, self.betterbase
        if self.s.rule == "by-cite" and base.givens:
            if _at(base.givens, self.gnameset, self.gname) is not None:
                if len(better.givens) < len(base.givens):
                    better.givens = [list(g) for g in base.givens]
                while len(better.givens[self.gnameset]) <= self.gname:
                    better.givens[self.gnameset].append(0)
                better.givens[self.gnameset][self.gname] = base.givens[self.gnameset][self.gname]
        while len(better.names) <= self.gnameset:
            better.names.append(0)
        better.names[self.gnameset] = base.names[self.gnameset] if self.gnameset < len(base.names) else 0


def _at(givens, i, j):
    if i < len(givens) and j < len(givens[i]):
        return givens[i][j]
    return None


def _suffix_letters(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa ... as citeproc-js numbers year suffixes."""
    out = ""
    n += 1
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def run(csl, bib, source, keys: list[str], first_notes: dict[str, int] | None = None,
        suffix_order: dict[str, int] | None = None) -> Session:
    """Register every key (its ambiguous cite), disambiguate each group of cites that render
    alike, give year suffixes; the session stays on the render context for the final renders.
    `first_notes`: the note of each item's first cite, for the items whose registry entry
    holds it (clusters.registry_first_notes); under givenname-disambiguation-rule="by-cite"
    the cites a run compares print it as first-reference-note-number (citeproc-js's
    getAmbiguousCite with visualForm), the key an item is registered under does not: two
    items by one author first cited in different notes are one group, and a run over three
    or more gives every one of them the `disambiguate` condition (its scan compares the first
    item with the others only). `suffix_order`: the order year suffixes are given in within a
    group (clusters.registry_order), where it is not the bibliography's."""
    from avimcite.csl import fixes

    s = Session(csl, bib, source)
    if s.rule == "by-cite" and first_notes:
        s.first_notes = {k: n for k, n in first_notes.items() if n}
    fixes.render_context.disambiguation = s
    keys = list(dict.fromkeys(keys))

    def probe(chunk, _start):
        # each item's ambiguous cite before any is registered: no cite depends on another, so a
        # long list is rendered on two cores; the name register is a union (order-free)
        out = [(key, s.ambiguous_cite(key), s.last_frame.settings) for key in chunk]
        return out + [(None, None, s.namereg)]

    for key, akey, settings in fixes.forked_map(probe, keys):
        if key is None:
            for pkey, ikeys in settings.items():
                entry = s.namereg.setdefault(pkey, {})
                for ikey, skeys in ikeys.items():
                    entry.setdefault(ikey, set()).update(skeys)
            continue
        s.mylist.append(key)
        s.register(akey if akey is not None else ("failed", key), key, settings)
    order = {k: i for i, k in enumerate(bib.keys)}
    runner = _Run(s, order, suffix_order or {})
    # Each group of cites that render alike is disambiguated by itself (its run reads and
    # sets only its own items' settings), so a long list of groups is run on two cores, the
    # largest groups dealt to both halves in turn; the settings come back as values.
    groups = sorted((akey for akey, ids in s.ambigcites.items() if len(ids) > 1 and s.modes),
                    key=lambda akey: -len(s.ambigcites[akey]))  # fmt: skip
    groups = groups[0::2] + groups[1::2]

    def disambiguate(chunk, _start):
        out = []
        for akey in chunk:
            runner.run(akey)
            out.extend((key, s.registry[key]) for key in s.ambigcites[akey])
        return out

    for key, config in fixes.forked_map(disambiguate, groups, [len(s.ambigcites[a]) ** 2 for a in groups]):
        s.registry[key] = config
    for key, config in s.registry.items():
        if config.year_suffix is not False and key in source:
            source[key]["year_suffix"] = _suffix_letters(int(config.year_suffix))
    fixes.ambiguous_keys.clear()
    fixes.ambiguous_keys.update(k for k, c in s.registry.items() if c.disambiguate)
    bib._cites.clear()
    return s


# --- the hooks --------------------------------------------------------------------------


def condition(item, context) -> bool:
    """disambiguate="true": the n-th such test of a cite holds while n is below the item's
    setting (citeproc-js's disambiguate_count), in the bibliography as well."""
    from avimcite.csl import fixes

    s = session()
    frame = s.frames[-1] if s is not None and s.frames else None
    if frame is None or frame.key != item.key:
        return item.key in fixes.ambiguous_keys
    if frame.citation:
        frame.max_max += 1
        limit = frame.settings.disambiguate
    else:
        config = s.registry.get(item.key)
        limit = config.disambiguate if config is not None else 0
    if limit and frame.count < int(limit):
        frame.count += 1
        return True
    return False


class _OneName:
    """An item whose `variable` holds one name: citeproc-py renders that name alone."""

    def __init__(self, item, variable, name) -> None:
        self._item = item
        self.reference = {variable: [name]}

    def __getattr__(self, name):
        return getattr(self._item, name)


def _position_first(item) -> bool:
    position = item.get("avim_position") if isinstance(item, dict) else None
    if position is None and isinstance(item, dict):
        position = item.get("position_name")
    return position in (None, "first")


def install(model) -> None:
    global _installed

    if _installed:
        return
    original_children = model.Layout.render_children

    def render_children(self, item, **kwargs):
        s = session()
        key = getattr(item, "key", None)
        if s is None or key is None:
            return original_children(self, item, **kwargs)
        citation = self.getparent().tag.endswith("}citation")
        frame = None
        if citation and s.next_frame is not None and s.next_frame.key == key:
            frame, s.next_frame = s.next_frame, None
        elif citation:
            config = s.registry.get(key)
            frame = Frame(key, config.clone() if config is not None else AmbigConfig(), config is not None, False,
                          first=_position_first(item))  # fmt: skip
        else:
            frame = Frame(key, AmbigConfig(), False, False, citation=False)
        s.frames.append(frame)
        try:
            return original_children(self, item, **kwargs)
        finally:
            s.frames.pop()

    model.Layout.render_children = render_children
    original_date_render = model.Date.render

    def date_render(self, item, *args, **kwargs):
        # the ambiguous cite leaves out the accessed date (citeproc-js's just_looking): two
        # cites that differ only in it are ambiguous ("n.d.-a", "n.d.-b")
        s = session()
        if s is not None and s.frames and s.frames[-1].suppress and self.get("variable") == "accessed":
            return None
        return original_date_render(self, item, *args, **kwargs)

    model.Date.render = date_render

    original_process = model.Name.process

    def process(self, item, variable, context=None, sort_options=None, **kwargs):
        s = session()
        frame = s.frames[-1] if s is not None and s.frames else None
        if frame is not None and not frame.citation and s.add_names and s.add_givenname and sort_options is None and frame.key == getattr(item, "key", None):
            return _bibliography_names(self, s, frame, original_process, item, variable, context, kwargs)
        if frame is None or not frame.citation or sort_options is not None or frame.key != getattr(item, "key", None):
            return original_process(self, item, variable, context=context, sort_options=sort_options, **kwargs)
        option = lambda name: self.get_option(name, context)  # noqa: E731
        form = option("form")
        names = list(item.reference.get(variable, None) or [])
        if form == "count" or not names:
            return original_process(self, item, variable, context=context, sort_options=sort_options, **kwargs)
        pos = frame.nameset
        frame.nameset += 1
        settings = frame.settings
        initials = option("initialize-with")
        while len(settings.givens) <= pos:
            settings.givens.append([])
        givens = settings.givens[pos]
        # disambigNames: each name's given-name level
        for i, name in enumerate(names):
            given, family = name.parts()[:2]
            if "literal" in name or not (given or family):
                while len(givens) <= i:
                    givens.append(2)
                continue
            s.addname(frame.key, name, i)
            while len(givens) <= i:
                givens.append(None)
            if givens[i] is None:
                givens[i] = s.evalname(frame.key, name, i, 0, form, initials)
            paramx = s.evalname(frame.key, name, i, 0, form, initials)
            if frame.request:
                val = givens[i]
                if val == 1 and s.rule == "by-cite" and (initials is None or not given):
                    val = 2
                param = val
                if s.add_givenname and given:
                    param = s.evalname(frame.key, name, i, param, form, initials)
            else:
                param = paramx
            if not frame.suppress and frame.first and (paramx or 0) > (param or 0):
                param = paramx
            givens[i] = param
        # constrainNames: how many names
        count = len(names)
        subsequent = not frame.first if not frame.suppress else True
        etal_min, use_first = option("et-al-min"), option("et-al-use-first")
        if subsequent:
            etal_min = option("et-al-subsequent-min") or etal_min
            use_first = option("et-al-subsequent-use-first") if self._inherited("et-al-subsequent-use-first", context) else use_first
        use_last = option("et-al-use-last")
        request_names = settings.names[pos] if frame.request and pos < len(settings.names) else 0
        shown_default = count  # what citeproc-py shows: et-al-min and et-al-use-first, whatever the position
        use_first_set = names_module._is_set(self, "et-al-use-first", context, None)  # unset: no list is cut (citeproc-js)
        if option("et-al-min") and count >= option("et-al-min") and count > 1 and use_first_set and option("et-al-min") >= option("et-al-use-first"):
            shown_default = option("et-al-use-first")
        disc = None
        if frame.suppress:
            if request_names:
                disc = request_names
            elif etal_min and count >= etal_min:
                disc = use_first
        else:
            if request_names and request_names > use_first:
                disc = count if count < etal_min else request_names
            elif etal_min and count >= etal_min:
                disc = use_first
            if use_last and disc is not None and disc > etal_min - 2:
                disc = etal_min - 2
        sane = bool(etal_min) and etal_min >= use_first and (use_first_set or bool(subsequent and self._inherited("et-al-subsequent-use-first", context)))
        overlength = disc is not None and count > disc
        shown = count
        if sane and overlength:
            shown = disc + (1 if use_last else 0)
        while len(settings.names) <= pos:
            settings.names.append(0)
        settings.names[pos] = shown
        _pad(settings)
        frame.names_max.append(count)
        # _givenName: the level each shown name is rendered at
        initialize_on = str(self._inherited("initialize", context) or "true").lower() != "false"
        default_level = 0 if form != "long" else (1 if isinstance(initials, str) and initialize_on else 2)
        levels = []
        for i, name in enumerate(names[:shown]):
            requested = givens[i] if i < len(givens) and givens[i] is not None else 0
            levels.append(max(requested, default_level))
        # citeproc-py printed "et al." after a list cut to et-al-use-first names even when
        # that left no name out; a list shown whole is rendered here
        whole_but_cut = shown >= count and count > 1 and bool(etal_min) and count >= option("et-al-min")
        if use_last or (not whole_but_cut and shown == shown_default and all(level == default_level for level in levels)):
            return original_process(self, item, variable, context=context, sort_options=sort_options, **kwargs)
        with_initials = s.rule.endswith("-with-initials")
        return _render_names(self, original_process, item, variable, names, shown, levels, default_level,
                             initials, with_initials, context, kwargs)  # fmt: skip

    def inherited(self, name, context):
        """The attribute on cs:name, else on its cs:citation / cs:bibliography, else None."""
        if name in self.attrib:
            return self.get(name)
        expr = "./ancestor::*[self::cs:citation or self::cs:bibliography][1]"
        parent = (context if context is not None else self).xpath_search(expr)
        return parent[0].get(name) if parent else None

    model.Name._inherited = inherited
    model.Name.process = process
    _installed = True


def _bibliography_names(self, s, frame, original_process, item, variable, context, kwargs):
    """A bibliography entry's names with disambiguate-add-names and -add-givenname:
    citeproc-js gives the entry the item's disambiguation request (api_cite.js with
    disambig_override: the names are copied under add-names, the request is made under
    add-givenname), so a list the citation showed more of than the bibliography's
    et-al-use-first keeps that many names (_imposeNameConstraints): three authors cited
    whole under a citation et-al-min="4" print whole under a bibliography et-al-min="3"
    et-al-use-first="1"."""
    option = lambda name: self.get_option(name, context)  # noqa: E731
    names = list(item.reference.get(variable, None) or [])
    if option("form") == "count" or not names:
        return original_process(self, item, variable, context=context, **kwargs)
    pos = frame.nameset
    frame.nameset += 1
    config = s.registry.get(frame.key)
    requested = config.names[pos] if config is not None and pos < len(config.names) else 0
    count, etal_min, use_first = len(names), option("et-al-min"), option("et-al-use-first")
    if not (requested and etal_min and use_first and requested > use_first and count >= etal_min >= use_first
            and names_module._is_set(self, "et-al-use-first", context, None) and not option("et-al-use-last")):
        return original_process(self, item, variable, context=context, **kwargs)
    shown = min(requested, count)
    initials = option("initialize-with")
    initialize_on = str(self._inherited("initialize", context) or "true").lower() != "false"
    form = option("form")
    default_level = 0 if form != "long" else (1 if isinstance(initials, str) and initialize_on else 2)
    return _render_names(self, original_process, item, variable, names, shown, [default_level] * shown, default_level,
                         initials, s.rule.endswith("-with-initials"), context, kwargs)  # fmt: skip


def _render_names(self, original_process, item, variable, names, shown, levels, default_level, initials, with_initials,
                  context, kwargs):  # fmt: skip
    """The first `shown` names, each at its level, joined as citeproc-py joins a name list."""
    option = lambda name: self.get_option(name, context)  # noqa: E731
    sort_order = option("name-as-sort-order")
    parts, inverted = [], []
    for i, (name, level) in enumerate(zip(names[:shown], levels)):
        opts: dict = {"et-al-min": 0, "et-al-use-first": 1}
        if level != default_level and "literal" not in name:
            if level == 0:
                opts["form"] = "short"
            elif level == 1:
                opts["form"] = "long"
                opts["initialize-with"] = initials if isinstance(initials, str) else ("" if with_initials else None)
            else:
                opts["form"] = "long"
                opts["initialize-with"] = None
        if i > 0 and sort_order == "first":
            opts["name-as-sort-order"] = None
        text = original_process(self, _OneName(item, variable, name), variable, context=context, sort_options=opts, **kwargs)
        parts.append(text)
        form = opts.get("form", option("form"))
        inverted.append(form == "long" and "literal" not in name and (sort_order == "all" or (sort_order == "first" and i == 0)))
    return names_module.join(self, parts, inverted, et_al=shown < len(names), ellipsis=False, context=context,
                             institution_last=shown > 0 and "literal" in names[shown - 1])  # fmt: skip
