"""The command line (Typer): each command parses its options, calls the core, prints.

Every command's arguments and options come from the one table (avimcite.spec), which the
fast path reads too: `@_command(name)` gives a body the table's signature, and the body
receives the values by `dest`, plain (no Enum). Exit codes: avimcite.errors.ExitCode, each
with its meaning in errors.MEANINGS, which `avimcite --help` prints (and the README's Scripting
section shows as a table).
"""

from __future__ import annotations

import inspect
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from avimcite import __version__, commands, output, spec
from avimcite.errors import MEANINGS, AvimciteError, ExitCode, UsageError

app = typer.Typer(
    name="avimcite",
    no_args_is_help=True,
    epilog="Exit codes:\n" + "\n".join(f"{int(code):>3}  {meaning}" for code, meaning in MEANINGS.items()),
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# --- the catalogue and ids -----------------------------------------------------------


from avimcite.commands import complete_ids as _complete_ids_in  # noqa: E402
from avimcite.commands import state  # noqa: E402
from avimcite.commands import ids_or_stdin as _ids_or_stdin  # noqa: E402
from avimcite.commands import parse_date as _parse_date  # noqa: E402


def _complete_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Ids for shell completion, from the catalogue the command line names: completion does
    not run the --catalogue callback, so read the option (or its variable) here."""
    import os

    path = ctx.find_root().params.get(spec.CATALOGUE.dest) or os.environ.get(spec.CATALOGUE.envvar) or None
    try:
        state.reset(path)
    except AvimciteError:
        return []
    return _complete_ids_in(incomplete)


def _complete_styles(incomplete: str) -> list[str]:
    from avimcite.csl.styles import ALIASES, HOUSE_STYLES, style_ids

    independent, dependent = style_ids()
    names = sorted(set(HOUSE_STYLES) | set(ALIASES) | independent | dependent)
    return [n for n in names if n.startswith(incomplete)]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"avimcite {__version__}\n")
        raise typer.Exit()


# --- Typer's declarations, from the table (avimcite.spec) ------------------------------


def _choices(values: tuple[str, ...]) -> type[Enum]:
    return Enum("Choice", {v.replace("-", "_"): v for v in values}, type=str)


_ENUMS = {c: _choices(c) for c in {o.choices for ps in (*spec.COMMANDS.values(), spec.GLOBAL) for o in ps if getattr(o, "choices", ())}}
_TYPES = {"flag": bool, "text": str, "int": int, "float": float, "path": Path, "many": list[str]}
_COMPLETION = {"style": _complete_styles, "ids": _complete_ids}  # by an option's dest or an Arg's `complete`
_EXTRA = {"version": {"callback": _version, "is_eager": True}}  # by dest


def _annotated(param: spec.Opt | spec.Arg):
    """The Typer declaration of one argument or option of the table."""
    if isinstance(param, spec.Arg):
        kind = list[str] if param.many else str
        extra = {"autocompletion": _COMPLETION[param.complete]} if param.complete else {}
        if param.required:
            return Annotated[kind, typer.Argument(metavar=param.metavar, help=param.help, **extra)]
        return Annotated[Optional[kind], typer.Argument(metavar=param.metavar, help=param.help, show_default=False, **extra)]
    kind = _TYPES.get(param.kind) or _ENUMS[param.choices]
    if param.kind != "flag" and param.default is None and not param.required:
        kind = Optional[kind]
    extra = dict(_EXTRA.get(param.dest, {}))
    if param.dest in _COMPLETION:
        extra["autocompletion"] = _COMPLETION[param.dest]
    if param.minimum is not None:
        extra["min"] = param.minimum
    if param.maximum is not None:
        extra["max"] = param.maximum
    if param.envvar:
        extra.update(envvar=param.envvar, show_default=False)
    return Annotated[kind, typer.Option(*param.names, help=param.help, metavar=param.metavar, **extra)]


def _default(param: spec.Opt | spec.Arg):
    if param.required:
        return inspect.Parameter.empty
    if isinstance(param, spec.Arg):
        return None
    return _ENUMS[param.choices](param.default) if param.kind == "choice" and param.default is not None else param.default


def _plain(value):
    return value.value if isinstance(value, Enum) else value


def _command(name: str, *, table: Optional[tuple] = None, register=None):
    """`@_command("export")`: the body becomes the Typer command `name`, whose arguments and
    options are the table's (spec.COMMANDS[name], or `table`); the body takes them by `dest`
    (a body's parameters that are not the table's are refused when cli.py is imported)."""
    params = spec.COMMANDS[name] if table is None else table

    def decorate(body):
        accepted = inspect.signature(body).parameters
        dests = [p.dest for p in params]
        if not any(p.kind is p.VAR_KEYWORD for p in accepted.values()) and set(accepted) != set(dests):
            raise TypeError(f"{body.__name__} takes {sorted(accepted)}, the table of {name!r} declares {sorted(dests)}")

        def command(**values):
            return body(**{dest: _plain(value) for dest, value in values.items()})

        keyword = inspect.Parameter.KEYWORD_ONLY
        command.__signature__ = inspect.Signature(
            [inspect.Parameter(p.dest, keyword, default=_default(p), annotation=_annotated(p)) for p in params]
        )
        command.__name__, command.__doc__ = body.__name__, body.__doc__
        (register or app.command(name))(command)
        return body

    return decorate


@_command("avimcite", table=spec.GLOBAL, register=app.callback())
def _global(catalogue: Optional[str], version: bool) -> None:
    """Cite AVİM posts from a local catalogue, offline.

    Example: avimcite cite 2023/63
    """
    state.reset(catalogue)


def _light(name: str, doc: str) -> None:
    """show, list, cite and export: one call for both parsers (commands.run)."""

    def body(**values) -> None:
        ids = values.pop("ids", None)
        commands.run(name, ids, values)

    body.__name__, body.__doc__ = name, doc
    _command(name)(body)


_light("show", """Show the metadata of posts: a panel on a terminal, `field: value` lines when piped.

    Example: avimcite show 2023/63 --json
    """)
_light("list", """List posts, filtered: a table on a terminal, one tab-separated line per post when piped.

    Example: avimcite list --year 2023 --search karabakh --ids
    """)
_light("cite", """Cite posts: AVİM's house line (one per id, in the order given) or any CSL style.

    Example: avimcite cite 2023/63 --style apa
    Example: avimcite cite --clusters draft-cites.txt --style chicago-notes --mode both
    """)


@_command("styles")
def styles(query: Optional[list[str]], path: bool) -> None:
    """List or search the CSL styles by id and title (tab-separated: id, title, parent).

    Example: avimcite styles chicago author date
    Example: avimcite styles --path avim      (the file to add to Zotero or give to pandoc --csl)
    """
    from avimcite.csl.styles import ALIASES, OWN_STYLE_NAMES, resolve_style, search_styles, style_index

    if path:
        if not query or len(query) != 1:
            raise UsageError("--path takes one style name, e.g. avimcite styles --path avim")
        name = query[0].strip().lower()
        output.write_lines([str(resolve_style(OWN_STYLE_NAMES.get(name, name)).path)])
        return

    from avimcite.paths import user_cache_dir

    words = " ".join(query or [])
    rows = search_styles(style_index(user_cache_dir()), words)
    if not words:
        output.write_lines(f"{alias}\tshort name for {target}\t" for alias, target in ALIASES.items())
    output.write_lines("\t".join(row).rstrip("\t") for row in rows)


_light("export", """Export posts as BibTeX, BibLaTeX, RIS or CSL-JSON (no access date unless --accessed).

    The format follows the extension of -o when --format is not given: .bib BibTeX, .ris RIS,
    .json CSL-JSON; a --format that contradicts the extension is refused.

    Example: avimcite export --all --format biblatex -o avim.bib
    """)


def _write_posts(found: list[tuple[str, list]], update: bool, dry_run: bool) -> Path:
    """Add the posts of every (source label, posts) pair to the catalogue, in one write."""
    from avimcite.store import add_posts

    target = state.writable_path()
    posts = [post for _, batch in found for post in batch]
    labels = [label for label, batch in found for _ in batch]
    outcomes = add_posts(target, posts, update=update, dry_run=dry_run, others=state.posts_under(target),
                         book=state.key_book_path())  # fmt: skip
    prefix = "would be " if dry_run else ""
    lines = []
    for source, outcome in zip(labels, outcomes):
        detail = f" ({outcome.detail})" if outcome.detail else ""
        lines.append(f"{source}: {prefix if outcome.action in ('added', 'updated') else ''}{outcome.action} {outcome.post_id}{detail}")
    output.write_lines(lines)
    for outcome in outcomes:
        if outcome.warning:
            output.warning(outcome.warning)
    if dry_run:
        output.write_json([p.to_catalogue_record() for p in posts])
    return target


@_command("scan")
def scan(files: list[str], json_: bool, ids: bool, exit_zero: bool) -> int:
    """Find the AVİM references in a draft and check them against the catalogue.

    Finds AVİM URLs, "To cite this article:" lines and house-format citations (also split over
    lines, as in footnotes), serials such as "Blog No.2023 / 63" near AVİM's name, .bib entries
    and our own citation keys (\\cite{kuzio2023ending}, [@kuzio2023ending]); LaTeX and .bib are
    read as LaTeX. Reports each with FILE:LINE:COLUMN (Word: paragraph, "footnote N"), the post
    and every field that disagrees: the year (naming the site's access-year quirk), number,
    title, author, date. The files are only read. Exit 0 when every reference matches (or with
    --exit-zero), 8 when one needs attention, 5 when a file could not be scanned.

    Example: avimcite scan thesis.docx --ids | avimcite export -f biblatex -o avim.bib
    """
    import os

    from avimcite import scan as scanner
    from avimcite.errors import ScanProblems

    if json_ and ids:
        raise UsageError("--json and --ids are two different outputs; choose one.")
    catalogue = state.catalogue()
    total = 0
    for name in files:
        try:
            total += os.stat(name).st_size if name != "-" else 0
        except OSError:
            pass
    bar = output.byte_progress(total, "scanning")
    if bar is None:
        result = scanner.scan(files, catalogue, keys=state.keys)
    else:
        with bar as advance:
            result = scanner.scan(files, catalogue, keys=state.keys, progress=advance)
    findings = result.findings
    for message in result.errors:
        output.error(message)
    for label in result.empty:
        output.note(f"{label}: no AVİM reference found.")
    if ids:
        seen: dict[str, None] = {}
        for finding in findings:
            if finding.id:
                seen.setdefault(finding.id, None)
        output.write_lines(seen)
    elif json_:
        output.write_json([f.as_json() for f in findings])
    elif output.stdout_is_tty():
        output.scan_rich(findings)
    else:
        output.write_lines(output.scan_line(f) for f in findings)
    problems = sum(1 for f in findings if f.problems)
    summary = f"{problems} of {len(findings)} AVİM reference(s) need attention."
    if result.errors:
        if problems:
            output.note(summary)
        return int(ExitCode.FILE)  # each unreadable file has had its one line
    if problems:
        if exit_zero:
            output.note(summary)
            return int(ExitCode.OK)
        raise ScanProblems(summary)
    return int(ExitCode.OK)


@_command("import")
def import_(files: list[str], url: Optional[str], dry_run: bool, update: bool, timeout: float, refresh: bool) -> None:
    """Import posts from AVİM pages (saved files or URLs) or "To cite this article:" lines into your catalogue.

    Writes to --catalogue / $AVIMCITE_CATALOGUE, else to your user catalogue, which every
    command reads over the shipped one. A file or URL that holds no citable AVİM post is
    refused and nothing is written. Only this command touches the network, and only for
    the URLs given; fetched pages are cached, so a rerun does not download again.

    Example: avimcite import https://www.avimbulten.org/Blog/... saved-page.html --dry-run
    """
    from avimcite.errors import ImportRefused
    from avimcite.importer import PageError, is_url, parse_input
    from avimcite.store import validated

    if url and len(files) > 1:
        raise UsageError("--url names the page of one file; import the files one at a time.")
    found = []
    refused: list[AvimciteError] = []

    def known(post_id: str):  # an export entry of a post already catalogued (user or shipped) is that post
        try:
            post = state.catalogue().find(post_id)
        except AvimciteError:  # the catalogue to import into does not exist yet: the shipped posts
            from avimcite.readback import shipped_lookup

            return shipped_lookup(post_id)
        return post.to_catalogue_record() if post is not None else None

    for name in files:
        label = "stdin" if name == "-" else name
        try:
            if is_url(name):
                from avimcite.fetch import shown

                label = shown(name)  # no credentials, not 100,000 characters

                def posts_of(page, label=label):  # a page refused here is not cached
                    return [validated(r, label) for r in parse_input(page.text, url or "", page.final_url, known).records]

                found.append((label, _fetch(name, timeout, refresh, posts_of)))
            else:
                records = parse_input(_read_input(name), url or "", "", known).records
                found.append((label, [validated(r, label) for r in records]))
        except PageError as exc:
            refused.append(ImportRefused(f"{label}: {exc}"))
        except AvimciteError as exc:
            refused.append(exc)
    if refused:
        for exc in refused[:-1]:
            output.error(f"{exc.message.rstrip('.').removesuffix('; nothing was written')}; nothing was written.")
        last = refused[-1]
        raise type(last)(f"{last.message.rstrip('.').removesuffix('; nothing was written')}; nothing was written.")
    target = _write_posts(found, update, dry_run)
    output.note(f"catalogue: {target}{' (dry run: nothing written)' if dry_run else ''}")


def _fetch(url: str, timeout: float, refresh: bool, posts_of) -> list:
    """`posts_of(page)` for the page at `url` (network: `import` only)."""
    from avimcite.catalogue import VALID_URL
    from avimcite.fetch import fetch, shown
    from avimcite.paths import user_cache_dir

    if not VALID_URL.match(url):
        raise UsageError(f"{shown(url)!r} is not a URL avimcite can fetch (no spaces, quotes or angle brackets).")
    posts: list = []
    fetch(url, user_cache_dir(), timeout=timeout, refresh=refresh, accept=lambda page: posts.__setitem__(slice(None), posts_of(page)))
    return posts


MAX_INPUT = 32 << 20  # a saved AVİM page is well under 1 MiB; a file of citation lines far less


def _read_input(name: str) -> str:
    from avimcite.errors import FileAccessError
    from avimcite.fsutil import decode_text, read_input

    if name == "-" and sys.stdin is not None and getattr(sys.stdin, "buffer", None) is None:
        return sys.stdin.read(MAX_INPUT)  # a text stream without bytes underneath (tests)
    raw = read_input(name, MAX_INPUT, "that is not a saved AVİM page.")
    name = "stdin" if name == "-" else name
    try:
        return decode_text(raw, errors="strict")
    except UnicodeDecodeError:
        pass
    raise FileAccessError(f"cannot read {name}: it is neither UTF-8 nor Windows-1254 text.")


@_command("add")
def add(series, year, number, title, date_, url, lang, author, org, source_name, source_date, source_url, dry_run, update) -> None:
    """Add one post by hand to your catalogue (as import does).

    Example: avimcite add --series Blog --year 2023 --number 63 --title "..." --author "Taras KUZIO" --date 31.10.2023 --url https://www.avimbulten.org/Blog/... --lang en
    """
    from avimcite.importer import parse_name
    from avimcite.store import validated

    authors = []
    for name in author or []:
        if "," in name:
            family, given = (part.strip() for part in name.split(",", 1))
            authors.append({"given": given, "family": family} if given else {"family": family})
            continue
        parsed = parse_name(name, lang)
        if parsed is None or "literal" in parsed:
            words = name.split()
            if len(words) < 2:
                raise UsageError(f"--author {name!r}: write 'Given FAMILY' or 'Family, Given' (or use --org).")
            parsed = {"given": " ".join(words[:-1]), "family": words[-1]}
        authors.append(parsed)
    authors += [{"literal": o} for o in org or []]
    record: dict = {
        "series": series, "year": year, "number": number, "language": lang, "title": title,
        "authors": authors, "published": _parse_date(date_, "--date").isoformat(), "url": url,
    }  # fmt: skip
    if source_name:
        record["source"] = {"name": source_name}
        if source_date:
            record["source"]["date"] = _parse_date(source_date, "--source-date").isoformat()
        if source_url:
            record["source"]["url"] = source_url
    elif source_date or source_url:
        raise UsageError("--source-date and --source-url need --source-name.")
    _no_controls(record)
    try:
        post = validated(record, "add")
    except AvimciteError as exc:  # a bad value typed on the command line is a usage error
        raise UsageError(exc.message) from None
    target = _write_posts([("add", [post])], update, dry_run)
    output.note(f"catalogue: {target}{' (dry run: nothing written)' if dry_run else ''}")


def _no_controls(record: dict) -> None:
    """Refuse control characters and undecodable bytes in values typed for `add`."""
    from avimcite.importer import strip_controls

    def walk(value, where):
        if isinstance(value, str):
            if strip_controls(value) != value or "\n" in value:
                raise UsageError(f"the value of {where} holds control characters or bytes that are not UTF-8.")
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}" if where != "add" else key)
        elif isinstance(value, list):
            for item in value:
                walk(item, where)

    walk(record, "add")


@_command("check")
def check(json_: bool) -> None:
    """Check the catalogues the commands read and report every problem: errors (exit 4) and warnings (exit 0).

    Checks --catalogue / $AVIMCITE_CATALOGUE, else the shipped catalogue and your user catalogue
    (each file, then what is between them: citation keys two posts hold or that were changed by
    hand after they were given, twins missing or in the same language).

    Example: avimcite check --catalogue my-posts.json
    """
    from avimcite.check import check_catalogues
    from avimcite.errors import CatalogueError
    from avimcite.keybook import read_key_book

    paths = [p for p in state.read_paths() if state.catalogue_path or p.exists()]
    from avimcite.keybook import book_name

    results = check_catalogues(paths, read_key_book(state.key_book_path(), [book_name(p) for p in paths]))
    if json_:
        output.write_json([{"level": p.level, "catalogue": str(path), "where": p.where, "message": p.message}
                           for path, problems in results for p in problems])  # fmt: skip
    else:
        output.write_lines(p.line(path) for path, problems in results for p in problems)
    failed = []
    for path, problems in results:
        errors = sum(p.level == "error" for p in problems)
        warnings = len(problems) - errors
        summary = f"{path}: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        if errors:
            failed.append(summary)
        else:
            output.note(summary + ".")
    if failed:
        raise CatalogueError("; ".join(failed) + "; fix the errors (avimcite edit ID, or the file by hand) and run avimcite check again.")


@_command("info")
def info(json_: bool) -> None:
    """Say which files avimcite uses: the catalogues read (lowest first), their posts, which one wins, where
    import, add, remove and edit write, the key book, the cache and user data folders.

    Example: avimcite info --json
    """
    import os

    from avimcite import catalogue as catalogue_module
    from avimcite.paths import user_cache_dir, user_data_dir

    if state.catalogue_path:
        roles = [(state.catalogue_path, "--catalogue / AVIMCITE_CATALOGUE")]
    else:
        roles = [(catalogue_module.shipped_catalogue_path(), "shipped"), (state.writable_path(), "yours")]
    files, ids_before = [], set()
    for path, role in roles:
        entry = {"path": str(path), "role": role, "exists": os.path.exists(path), "posts": None, "over_earlier": 0, "problem": ""}
        if entry["exists"]:
            try:
                posts = catalogue_module.load(path).posts
                entry["posts"] = len(posts)
                entry["over_earlier"] = sum(p.id.lower() in ids_before for p in posts)
                ids_before |= {p.id.lower() for p in posts}
            except AvimciteError as exc:
                entry["problem"] = exc.message
        files.append(entry)
    in_use = len(ids_before) if all(not f["problem"] for f in files) else None
    present = [f for f in files if f["exists"]]
    data = {
        "catalogues": files,
        "wins": present[-1]["path"] if present else None,
        "writes": str(state.writable_path()),
        "posts_in_use": in_use,
        "key_book": str(state.key_book_path()),
        "cache_folder": str(user_cache_dir()),
        "user_data_folder": str(user_data_dir()),
    }
    if json_:
        output.write_json(data)
        return
    lines = []
    for f in files:
        if not f["exists"]:
            what = "not there yet: import and add create it" if f["role"] == "yours" else "missing"
        elif f["problem"]:
            what = f"broken: {f['problem']}"
        else:
            what = f"{f['posts']} post{'s' * (f['posts'] != 1)}"
            if f["over_earlier"]:
                what += f", {f['over_earlier']} of them over the shipped post with the same id"
        lines.append(f"catalogue: {f['path']} ({f['role']}, {what})")
    lines += [
        f"wins: {data['wins'] or '-'} (a post with the same id comes from the last catalogue)",
        f"posts in use: {in_use if in_use is not None else '- (a catalogue is broken: avimcite check)'}",
        f"writes: {data['writes']} (import, add, remove, edit)",
        f"key book: {data['key_book']}",
        f"cache folder: {data['cache_folder']}",
        f"user data folder: {data['user_data_folder']}",
    ]
    output.write_lines(lines)


@_command("remove")
def remove(ids: Optional[list[str]]) -> None:
    """Remove posts from your catalogue (or --catalogue), atomically, the old file kept as .bak.

    All or nothing: an id that is not in that file removes nothing (exit 3). The shipped catalogue
    is never changed; a citation key stays given, so a post imported again gets it back.

    Example: avimcite remove yorum/2025/3 blog/2024/1
    """
    from avimcite import catalogue as catalogue_module
    from avimcite.errors import FileAccessError, UnknownIdError
    from avimcite.store import remove_posts

    refs = _ids_or_stdin(ids)
    target = state.writable_path()
    import os

    if not os.path.lexists(target):
        raise FileAccessError(f"there is no catalogue {target} to remove posts from.")
    try:
        removed = remove_posts(target, refs)
    except UnknownIdError as exc:
        if state.catalogue_path is None:
            shipped = catalogue_module.load(catalogue_module.shipped_catalogue_path())
            inside = [r for r in exc.unknown if shipped.find(r) is not None]
            if inside:
                raise UnknownIdError(
                    f"{', '.join(inside)} {'is a post' if len(inside) == 1 else 'are posts'} of the shipped catalogue, "
                    f"which avimcite does not change; nothing was removed from {target}.", exc.unknown
                ) from None
        raise UnknownIdError(f"{exc.message.rstrip('.')}; nothing was removed.", exc.unknown) from None
    output.write_lines(f"removed {post_id}" for post_id in removed)
    output.note(f"catalogue: {target}")


@_command("edit")
def edit(post_id: str) -> None:
    """Edit one post's record as JSON in $VISUAL or $EDITOR (else vi); it is checked before it is written back.

    The catalogue is written atomically under the same lock as import, the old file kept as .bak.
    A shipped post is copied to your catalogue, where the edited record then overrides it. An
    invalid edit changes nothing (exit 4); the edited text is kept in a file named in the message.

    Example: avimcite edit yorum/2020/5
    Example: EDITOR="sed -i s/TITEL/TITLE/" avimcite edit blog/2024/1      (a scripted edit)
    """
    import json
    import os
    import shlex
    import subprocess
    import tempfile

    from avimcite import catalogue as catalogue_module
    from avimcite.errors import CatalogueError, FileAccessError
    from avimcite.store import record_of, replace_record

    target = state.writable_path()
    before, index, record = record_of(target, post_id)
    origin = target
    if record is None and state.catalogue_path is None:
        shipped_path = catalogue_module.shipped_catalogue_path()
        _, _, record = record_of(shipped_path, post_id)
        origin = shipped_path
    if record is None:
        raise state.catalogue().unknown_error([post_id])
    editor = os.environ.get("VISUAL", "").strip() or os.environ.get("EDITOR", "").strip() or "vi"
    text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    fd, name = tempfile.mkstemp(prefix="avimcite-edit-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    keep = False
    try:
        try:
            done = subprocess.run([*shlex.split(editor), name])
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot run the editor {editor!r} ($VISUAL / $EDITOR): {getattr(exc, 'strerror', None) or exc}.") from None
        if done.returncode != 0:
            raise UsageError(f"the editor {editor!r} exited with status {done.returncode}; nothing was changed.")
        try:
            edited = _read_edit(name)
            if edited == record:
                output.write_lines([f"unchanged {post_id}"])
                return
            post = _edited_post(edited)
            _refuse_key_clash(post)
            replace_record(target, before, index if origin == target else None, edited)
        except (CatalogueError, FileAccessError) as exc:  # the one place that says where the text is
            keep = True
            raise type(exc)(f"{exc.message.rstrip('.')}; your edit is kept in {name}.") from None
    finally:
        if not keep:
            os.unlink(name)
    copied = "" if origin == target else f" (your copy overrides the one in {origin})"
    output.write_lines([f"edited {post.id}{copied}"])
    output.note(f"catalogue: {target}")


def _read_edit(name: str):
    """The JSON value of the edited file `name`; CatalogueError when it is not JSON in UTF-8."""
    import json

    from avimcite.errors import CatalogueError

    try:
        with open(name, encoding="utf-8") as handle:
            return json.loads(handle.read())
    except json.JSONDecodeError as exc:
        raise CatalogueError(f"the edited record is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); nothing was changed.") from None
    except UnicodeDecodeError:
        raise CatalogueError("the edited record is not UTF-8 text; nothing was changed.") from None


def _edited_post(edited):
    """The post of an edited record; CatalogueError naming what is wrong with it."""
    from avimcite import catalogue as catalogue_module
    from avimcite.errors import CatalogueError

    if not isinstance(edited, dict):
        raise CatalogueError("the edited record must be one JSON object; nothing was changed.")
    try:
        return catalogue_module.build_post(edited)
    except catalogue_module.PostProblem as problem:
        raise CatalogueError(f"the edited record is not valid: {problem}; nothing was changed.") from None


def _refuse_key_clash(post) -> None:
    """An edited citation key must not be another post's."""
    from avimcite.errors import CatalogueError
    from avimcite.keys import own_key

    key = own_key(post)
    if not key:
        return
    try:
        keys = state.keys()
    except AvimciteError:
        return  # `check` reports a clash already there
    for other, other_key in keys.items():
        if other_key.lower() == key.lower() and other.lower() != post.id.lower():
            raise CatalogueError(
                f"the citation key {key!r} is the key of {other}; choose another; nothing was changed."
            )


# --- the error boundary ---------------------------------------------------------------


def typer_main(argv: list[str]) -> int:
    """Run `argv` through Typer (every command, help, completion, usage errors)."""
    from typer import Abort
    from typer._click.exceptions import NoArgsIsHelpError
    from typer._click.exceptions import UsageError as ClickUsageError

    from avimcite.fastpath import catalogue_first

    argv = catalogue_first(argv)
    given = [a for a in argv if a == "--catalogue" or a.startswith("--catalogue=")]
    if len(given) > 1 and "--" not in argv:
        raise UsageError("--catalogue is given more than once; give one catalogue file.")
    if argv[-1:] == ["--catalogue"]:
        raise UsageError("--catalogue needs the path of a catalogue file (e.g. --catalogue my-posts.json).")
    try:
        result = app(args=argv, prog_name="avimcite", standalone_mode=False)
    except NoArgsIsHelpError:
        return ExitCode.USAGE  # the help is printed: no error line under it
    except ClickUsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "avimcite"
        message = " ".join(exc.format_message().split()).rstrip(".")
        raise UsageError(f"{message} (see '{command} --help').") from None
    except Abort:
        raise KeyboardInterrupt from None
    except SystemExit as exc:  # shell completion, and Rich's help writer on a closed pipe
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # Click's answer to a closed pipe
            return ExitCode.OK  # as the fast path: the reader stopped reading, not a failure
        return exc.code if isinstance(exc.code, int) else ExitCode.OK
    if result == ExitCode.INTERRUPTED:  # Typer turns Ctrl-C into a silent Exit(130)
        raise KeyboardInterrupt
    return result if isinstance(result, int) else ExitCode.OK

