"""The installed console script and `python -m avimcite`, through real pipes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import post_record, SEED_LINE

SCRIPT = Path(sys.executable).with_name("avimcite")
ENV = {k: v for k, v in os.environ.items() if not k.startswith("AVIMCITE_")}
ENV["XDG_DATA_HOME"] = os.path.join(os.path.dirname(__file__), ".no-user-data")  # never the developer's own
ENV["XDG_CACHE_HOME"] = os.path.join(os.path.dirname(__file__), ".no-user-data", "cache")


def sh(command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, env=ENV, timeout=60, **kwargs
    )


def test_console_script_is_installed_and_cites_from_any_folder(tmp_path):
    assert SCRIPT.exists(), "install the package first: pip install -e '.[test]'"
    result = sh(f"'{SCRIPT}' cite 2023/63 --style avim-site --accessed 2026-06-25 --format markdown", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, SEED_LINE + "\n", "")


def test_python_dash_m_and_a_real_pipe_into_cite(tmp_path):
    result = sh(f"echo 2023/63 | '{sys.executable}' -m avimcite cite --accessed 2026-06-25", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("Taras KUZIO. 2023. ")


def test_list_into_cite_pipeline_and_json_into_python():
    result = sh(f"'{SCRIPT}' list --year 2023 --ids | '{SCRIPT}' cite --accessed 2026-06-25")
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 2
    shown = sh(f"'{SCRIPT}' show 2023/63 --json")
    assert json.loads(shown.stdout)[0]["title"].startswith("ENDING THE KARABAKH")


def test_head_closing_the_pipe_ends_quietly():
    result = sh(f"'{SCRIPT}' list --ids | head -1")
    assert result.returncode == 0
    assert result.stdout.count("\n") == 1
    assert result.stderr == ""


def test_interrupt_exits_130_with_one_line():
    # Ctrl-C as a terminal delivers it: a runner started in the background (bash's `&`) hands
    # its children SIGINT ignored, and a program keeps that, as it should
    proc = subprocess.Popen(
        [str(SCRIPT), "cite"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(1.5)  # let it start and block on stdin
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert out == ""
    assert err == "avimcite: error: interrupted.\n"


PRINT_MODULES = """
import sys
from avimcite.entry import main
code = main(sys.argv[1:])
sys.stderr.write("\\nMODULES " + " ".join(sorted(sys.modules)) + "\\n")
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["show", "2023/63"],
        ["list", "--search", "karabakh", "--ids"],
        ["list", "--json"],
        ["cite", "2023/63"],
        ["cite", "2023/63", "--accessed", "2026-06-25", "--format", "html"],
    ],
)
def test_light_commands_import_no_heavy_module(args):
    result = subprocess.run(
        [sys.executable, "-c", PRINT_MODULES, *args], capture_output=True, text=True, env=ENV, timeout=60
    )
    assert result.stdout, result.stderr
    modules = set(result.stderr.rsplit("MODULES ", 1)[1].split())
    heavy = {m for m in modules if m.split(".")[0] in {"citeproc", "lxml", "dateutil", "pydantic", "typer"}}
    heavy |= {m for m in modules if m.startswith(("rich.console", "rich.table", "rich.panel"))}
    heavy |= modules & {"html", "tempfile", "shutil", "signal"}  # each a millisecond or more of a start
    assert heavy == set()


def test_shell_completion_offers_post_ids():
    env = dict(ENV, _AVIMCITE_COMPLETE="complete_bash", COMP_WORDS="avimcite cite yorum/2017", COMP_CWORD="2")
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.split() == ["yorum/2017/82", "yorum/2017/83", "yorum/2017/95", "yorum/2017/118"]


def test_shell_completion_reads_the_catalogue_the_command_line_names(tmp_path):
    catalogue = tmp_path / "mine.json"
    catalogue.write_text(json.dumps({"schema": "avimcite-catalogue/1", "posts": [post_record(series="Blog", year=2024, number=1)]}),
                         encoding="utf-8")  # fmt: skip
    for extra_env, words in (({}, f"avimcite --catalogue {catalogue} show bl"), ({"AVIMCITE_CATALOGUE": str(catalogue)}, "avimcite show bl")):
        env = dict(ENV, _AVIMCITE_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=str(len(words.split()) - 1), **extra_env)
        result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 0 and result.stdout.split() == ["blog/2024/1"], result.stderr


def test_help_into_a_closed_pipe_leaves_no_traceback():
    result = sh(f"'{SCRIPT}' --help | head -1")
    assert result.stderr == ""


@pytest.mark.parametrize("into", ["file", "pipe"])
def test_a_fast_path_run_delivers_all_its_output_and_its_exit_code(tmp_path, into):
    # `python -m avimcite` ends a fast-path command with os._exit once its streams are flushed:
    # a block-buffered file or pipe still gets every line, and the exit code is the command's
    ids = [line for line in sh(f"'{sys.executable}' -m avimcite list --ids").stdout.split()]
    args = " ".join(ids) + " 1999/1"
    if into == "file":
        done = sh(f"'{sys.executable}' -m avimcite cite {args} --style apa --accessed 2026-06-25 > '{tmp_path}/out.txt'")
        out = (tmp_path / "out.txt").read_text(encoding="utf-8")
    else:
        done = sh(f"'{sys.executable}' -m avimcite cite {args} --style apa --accessed 2026-06-25 | cat")
        out = done.stdout
    assert done.returncode == 3 and "1999/1" in done.stderr
    assert len(ids) > 20 and out.count("\n") == len(ids) and out.endswith("\n")
