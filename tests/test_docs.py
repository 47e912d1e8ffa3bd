"""Every code block of README.md and docs/*.md runs on a fresh clone.

The ```python blocks and the code cells of a page (MyST-NB, the docs site executes them too)
run in order in one namespace, in a temporary working
directory; a block written as a session (``>>>``) has its printed output checked like a
doctest. The lines of ```sh blocks that call ``ruhrgeo`` run through the CLI; every other
shell command (installing, testing, benchmarks, git) is listed as not run and must be one of
those kinds. Nothing may read ``../shared``: a fresh clone has only the shipped data.
Warnings are shown as a user sees them, not raised.
"""

from __future__ import annotations

import doctest
import re
import shlex
import warnings

import pytest
from click.testing import CliRunner
from conftest import REPO

PAGES = sorted(
    str(p.relative_to(REPO)) for p in [REPO / "README.md", *(REPO / "docs").glob("*.md")]
)
# shell commands the docs may show without their being run here
NOT_RUN = (
    "pip ",
    "pytest",
    "python -m pytest",
    "python -m sphinx",
    "python -m build",
    "python benchmarks/",
    "python tools/",
    "git ",
)
# ```python blocks, and the executed cells of MyST-NB pages (```{code-cell} python, whose
# option lines such as ``:tags: [remove-cell]`` lead the cell)
FENCE = re.compile(r"^```(?:\{code-cell\}\s*)?(\w*)[^\n]*\n(.*?)^```", re.M | re.S)
OPTION = re.compile(r"\A(?::[\w-]+:[^\n]*\n)+\n?")
OPTIONS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def blocks(text: str) -> list[tuple[str, int, str]]:
    """(language, line number, code) of each fenced block of a Markdown text."""
    return [
        (m[1].lower(), text[: m.start()].count("\n") + 1, OPTION.sub("", m[2]))
        for m in FENCE.finditer(text)
    ]


def shell_commands(code: str) -> list[str]:
    """The commands of a shell block: continuation lines joined, prompts and comments gone,
    ``a && b`` split."""
    joined = re.sub(r"\s*\\\n\s*", " ", code)
    commands = []
    for line in joined.splitlines():
        line = line.strip().removeprefix("$ ")
        if line and not line.startswith("#"):
            commands += [part.strip() for part in line.split("&&")]
    return commands


@pytest.mark.parametrize("page", PAGES)
def test_page_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_page((REPO / page).read_text(encoding="utf-8"), page)


def run_page(text: str, page: str) -> None:
    """Run the blocks of one page in order, in one namespace."""
    namespace: dict = {"__name__": f"docs:{page}"}
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=OPTIONS)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        for language, line, code in blocks(text):
            where = f"{page}, block at line {line}"
            assert "../shared" not in code, f"{where} reads ../shared, which a fresh clone lacks"
            if language == "python":
                if code.lstrip().startswith(">>>"):  # a session: its outputs are checked
                    test = parser.get_doctest(code, namespace, where, page, line)
                    result = runner.run(test, clear_globs=False)
                    namespace.update(test.globs)  # a DocTest works on a copy
                    assert result.failed == 0, f"{where}: {result.failed} example(s) failed"
                else:
                    exec(compile(code, where, "exec"), namespace)
            elif language in ("sh", "bash", "shell", "console"):
                for command in shell_commands(code):
                    if command.startswith("ruhrgeo "):
                        _run_cli(command, where)


_RAN: set[str] = set()  # a command shown on several pages (the demo) runs once per session


def _run_cli(command: str, where: str) -> None:
    from ruhrgeo.cli.main import main

    if command in _RAN:
        return
    result = CliRunner().invoke(main, shlex.split(command)[1:], catch_exceptions=False)
    assert result.exit_code == 0, f"{where}: `{command}` exited {result.exit_code}: {result.output}"
    _RAN.add(command)


@pytest.mark.parametrize("page", PAGES)
def test_commands_not_run_are_installs_tests_benchmarks_or_git(page):
    not_run = []
    for language, line, code in blocks((REPO / page).read_text(encoding="utf-8")):
        if language in ("sh", "bash", "shell", "console"):
            not_run += [(line, c) for c in shell_commands(code) if not c.startswith("ruhrgeo ")]
    print(f"{page}: shell commands shown but not run:", *not_run, sep="\n  ")
    unexpected = [(line, c) for line, c in not_run if not c.startswith(NOT_RUN)]
    assert not unexpected, f"{page}: shell commands the docs test cannot run: {unexpected}"


def test_the_runner_catches_what_a_fresh_clone_would_not_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = "Text\n\n```python\nx = 2\n```\n\n```python\n>>> x * 21\n42\n```\n"
    run_page(page, "ok.md")  # blocks share one namespace; the session's output matches
    with pytest.raises(AssertionError, match="1 example"):
        run_page(page.replace("42", "41"), "wrong.md")
    with pytest.raises(AssertionError, match=r"reads \.\./shared"):
        run_page("```python\nopen('../shared/data/x')\n```\n", "shared.md")
    with pytest.raises(AssertionError, match="exited 2"):
        run_page("```sh\nruhrgeo index missing.csv --out o.csv\n```\n", "cli.md")
    assert shell_commands("$ pip install . && ruhrgeo demo \\\n  --out d\n# note\n") == [
        "pip install .",
        "ruhrgeo demo --out d",
    ]
