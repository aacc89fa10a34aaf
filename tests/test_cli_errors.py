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
