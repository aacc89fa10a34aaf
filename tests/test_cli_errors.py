"""Every failure: one line on stderr, nothing on stdout, a documented exit code."""

from __future__ import annotations

import pytest

from conftest import post_record


def assert_one_line_error(result, code):
    assert result.code == code
    assert result.out == ""
    assert result.err.startswith("avimcite: error: ")
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err and "╭" not in result.err


@pytest.mark.parametrize(
    "args",
    [
        ("cite", "2023/63", "--accessed", "June 2026"),
        ("cite", "2023/63", "--accessed", "31.02.2026"),
        ("cite", "2023/63", "--style", "nonesuch"),
        ("cite", "2023/63", "--format", "pdf"),
        ("list", "--limit", "0"),
        ("list", "--since", "soon"),
        ("list", "--bogus"),
        ("cite",),
        ("nonesuch",),
    ],
)
def test_usage_errors_exit_2(run, args):
    assert_one_line_error(run(*args), 2)


def test_unknown_id_exits_3(run):
    assert_one_line_error(run("show", "blog/1999/1"), 3)
    assert_one_line_error(run("cite", "https://avimbulten.org/Blog/NO-SUCH-POST"), 3)


def test_broken_catalogue_exits_4(run, tmp_path, write_catalogue):
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "avimcite-catalogue/1", "posts": [', encoding="utf-8")
    result = run("--catalogue", str(broken), "cite", "2023/63")
    assert_one_line_error(result, 4)
    assert "broken.json is not valid JSON" in result.err and "line 1, column" in result.err
    bad_field = write_catalogue([post_record(published="tomorrow")])
    result = run("--catalogue", str(bad_field), "list")
    assert_one_line_error(result, 4)
    assert "post 1 (blog/2024/1): field 'published'" in result.err


def test_missing_catalogue_exits_5(run, tmp_path):
    assert_one_line_error(run("--catalogue", str(tmp_path / "nope.json"), "list"), 5)


COMMANDS = ("show", "list", "cite", "styles", "export", "import", "add", "check", "info", "remove", "edit")


def test_help_ends_with_an_example_and_the_readme_shows_every_command(run):
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        result = run(command, "--help")
        assert result.code == 0
        assert "Example: avimcite " in result.out
        assert f"avimcite {command}" in readme


def test_version(run):
    from avimcite import __version__

    assert run("--version").out == f"avimcite {__version__}\n"


def test_every_exit_code_is_listed_with_its_meaning_in_the_help_and_the_readme(run):
    import re

    from conftest import REPO

    from avimcite.errors import MEANINGS, ExitCode

    assert set(MEANINGS) == set(ExitCode)
    shown = " ".join(run("--help").out.split())
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (\d+) \| (.+) \|$", readme, re.MULTILINE))
    assert sorted(int(code) for code in table) == sorted(int(code) for code in ExitCode)
    for code, meaning in MEANINGS.items():
        assert f"{int(code)} {' '.join(meaning.split())}" in shown
        assert table[str(int(code))] == meaning.replace("|", "\\|")


def test_an_unexpected_failure_is_one_line_and_exits_1(run, monkeypatch):
    from avimcite import commands

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(commands, "show", broken)
    result = run("show", "2023/63")
    assert_one_line_error(result, 1)
    assert "internal error" in result.err and "AVIMCITE_DEBUG=1" in result.err


def test_sigterm_exits_143_with_one_line(tmp_path):
    """`cite` waiting for ids on a pipe, terminated: one line, exit 128 + 15."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import REPO

    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_DATA_HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path)}
    child = subprocess.Popen([sys.executable, "-m", "avimcite", "cite"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        waiting = ""
        while time.monotonic() < deadline and "pipe_read" not in waiting:  # blocked reading stdin
            time.sleep(0.05)
            try:
                with open(f"/proc/{child.pid}/wchan") as handle:
                    waiting = handle.read()
            except OSError:
                break
        if "pipe_read" not in waiting:
            pytest.skip("cannot tell when the process waits on its stdin (no /proc/PID/wchan)")
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 143
    assert out == b"" and err.decode() == "avimcite: error: terminated.\n"
