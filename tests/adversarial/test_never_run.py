"""The scanner never runs what it reads: a hostile repository's git config, hooks and filters stay inert,
and scanned code is never imported or executed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assess import cli


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> int:
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    capsys.readouterr()
    return int(info.value.code or 0)


@pytest.fixture
def hostile_repo(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "repo"
    marker = tmp_path / "PWNED"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "app.js").write_text("new OpenAI({ dangerouslyAllowBrowser: true });\n")
    (root / ".gitattributes").write_text("*.js filter=evil diff=evil\n")
    subprocess.run(["git", "-C", str(root), "-c", "user.email=a@b.c", "-c", "user.name=a", "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.email=a@b.c", "-c", "user.name=a", "commit", "-qm", "x"], check=True
    )
    touch = f"touch {marker}"
    with open(root / ".git" / "config", "a") as fh:
        fh.write(
            "[core]\n"
            f"\tfsmonitor = {touch}\n"
            f"\tsshCommand = {touch}\n"
            f"\tpager = {touch}\n"
            f"\thooksPath = {root / 'hooks'}\n"
            '[filter "evil"]\n'
            f"\tclean = {touch}\n\tsmudge = {touch}\n\tprocess = {touch}\n"
            '[diff "evil"]\n'
            f"\ttextconv = {touch}\n\tcommand = {touch}\n"
            "[alias]\n"
            f"\tls-files = !{touch}\n\trev-parse = !{touch}\n\tlog = !{touch}\n"
        )
    hooks = root / "hooks"
    hooks.mkdir()
    for hook in ("post-checkout", "post-index-change", "pre-commit", "fsmonitor-watchman"):
        (hooks / hook).write_text(f"#!/bin/sh\n{touch}\n")
        (hooks / hook).chmod(0o755)
    # a modified tracked file makes git consult fsmonitor and filters if anything refreshes the index
    (root / "app.js").write_text("new OpenAI({ dangerouslyAllowBrowser: true });\n// changed\n")
    return root, marker


def test_hostile_git_config_runs_nothing(
    hostile_repo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, marker = hostile_repo
    code = _run(["scan", str(root), "-q", "--json", str(tmp_path / "r.json"), "--changed-since", "HEAD"], capsys)
    assert code == 0
    assert not marker.exists(), "the scanned repository's git configuration ran a command"
    assert "app.js" in (tmp_path / "r.json").read_text()


def test_scanned_code_is_never_imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "IMPORTED"
    project = tmp_path / "p"
    project.mkdir()
    payload = f"open({str(marker)!r}, 'w').write('x')\n"
    (project / "setup.py").write_text(payload)
    (project / "conftest.py").write_text(payload)
    (project / "app.py").write_text(
        payload + "from openai import OpenAI\nOpenAI().chat.completions.create(model='x')\n"
    )
    (project / "sitecustomize.py").write_text(payload)
    (project / "package.json").write_text('{"scripts": {"preinstall": "touch ' + str(marker) + '"}}')
    assert _run(["scan", str(project), "-q"], capsys) == 0
    assert not marker.exists()
    assert "app" not in {m.split(".")[0] for m in sys.modules if m == "app"}


def test_history_search_runs_nothing(hostile_repo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    root, marker = hostile_repo
    overrides = ("core.hooksPath=/dev/null", "core.fsmonitor=false", "filter.evil.clean=cat",
                 "filter.evil.smudge=cat", "filter.evil.process=", "user.email=a@b.c", "user.name=a")  # fmt: skip
    safe = [arg for item in overrides for arg in ("-c", item)]
    subprocess.run(["git", "-C", str(root), *safe, "commit", "-qam", "second"], check=True)
    marker.unlink(missing_ok=True)
    assert _run(["scan", str(root), "-q", "--history"], capsys) == 0
    assert not marker.exists(), "the git history search ran the repository's textconv, filters or aliases"
