"""The README's CI recipes, as written: the GitHub Actions steps run in a throwaway git repository (the
`assess` of this environment, no network), the install lines name our distribution, the pre-commit
snippet names the hook and pins a `rev` that can exist."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text()
DIST = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["name"]
SARIF_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text())


def _workflow() -> dict[str, Any]:
    block = re.search(r"```yaml\n(# \.github/workflows/assess\.yml.*?)```", README, re.S)
    assert block, "README has no GitHub Actions workflow example"
    workflow: dict[str, Any] = yaml.safe_load(block.group(1))
    return workflow


def _steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _workflow()["jobs"]["assess"]["steps"]
    return steps


def _assess_steps() -> list[str]:
    runs = [s["run"] for s in _steps() if "assess scan" in s.get("run", "")]
    assert runs, "the workflow runs no 'assess scan'"
    return runs


def _install_lines() -> list[str]:
    """Every pip/pipx install command in README: code blocks, workflow steps and inline code."""
    found = re.findall(r"(?:^|`|run: )((?:pip|pipx) install [^`#\n]+)", README, re.M)
    return [line.strip() for line in found]


def test_every_install_line_names_our_distribution() -> None:
    lines = _install_lines()
    assert any(DIST in line for line in lines)
    for line in lines:
        target = line.split(" install ", 1)[1].strip().strip("\"'")
        name = target.split()[0].split("[", 1)[0]  # extras such as assess-ai-cost[aws] name the same distribution
        assert target == "." or name == DIST or target.startswith(f"{DIST} @ git+https://"), line
    assert not re.search(r"(?:pip|pipx) install assess\b(?!-)", README), "PyPI's 'assess' is another project"


def test_git_install_line_is_a_valid_requirement() -> None:
    from packaging.requirements import Requirement

    (line,) = {line for line in _install_lines() if "git+" in line}
    requirement = Requirement(line.split(" install ", 1)[1].strip().strip('"'))
    assert requirement.name == DIST and requirement.url and requirement.url.startswith("git+https://")


def test_pre_commit_snippet_names_the_hook_and_pins_a_commit() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    block = re.search(r"```yaml\n(repos:\n.*?)```", README, re.S)
    assert block, "README has no pre-commit example"
    (entry,) = yaml.safe_load(block.group(1))["repos"]
    assert [h["id"] for h in entry["hooks"]] == [h["id"] for h in hooks]
    assert re.fullmatch(r"[0-9a-f]{40}", str(entry["rev"])), "no release tag exists: the rev must be a commit sha"
    assert "autoupdate --freeze" in README


def _assess_on_path(tmp_path: Path) -> dict[str, str]:
    """PATH with this environment's `assess` first: the venv's console script, which imports the tree under
    test through PYTHONPATH like every other test."""
    script = Path(sys.executable).parent / "assess"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if script.exists():
        (bin_dir / "assess").symlink_to(script)
    else:  # an interpreter without the console script: the same entry point
        (bin_dir / "assess").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m assess "$@"\n')
        (bin_dir / "assess").chmod(0o755)
    pythonpath = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": pythonpath}


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.email=ci@example.com", "-c", "user.name=ci", *args],
        check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "my app"
    (root / "web" / "src").mkdir(parents=True)
    (root / "web" / "package.json").write_text('{"dependencies": {"openai": "^4", "vite": "^5"}}')
    (root / "web" / "src" / "ai.ts").write_text(
        'import OpenAI from "openai";\nexport const ai = new OpenAI({ dangerouslyAllowBrowser: true });\n'
    )
    (root / "web" / "src" / "ok.ts").write_text("export const x = 1;\n")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "first")
    return root


def _run_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # as GitHub runs a `run:` step: bash -e, in the checkout, with the runner's variables
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env={**os.environ, **env},
        capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False, timeout=300,
    )  # fmt: skip


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("git") is None, reason="needs bash and git")
def test_the_readme_workflow_runs_as_written(project: Path, tmp_path: Path) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("### build\n")
    env = {
        **_assess_on_path(tmp_path),
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "ASSESS_NO_TUI": "1",
    }
    (script,) = _assess_steps()

    failing = _run_step(script, project, env)
    assert failing.returncode == 1, failing.stderr
    assert "gate failed" in failing.stderr and "web/src/ai.ts:2: sdk-in-browser" in failing.stderr
    assert "::error file=web/src/ai.ts,line=2" in failing.stdout
    sarif = json.loads((project / "assess.sarif").read_text())
    jsonschema.validate(sarif, SARIF_SCHEMA)
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"sdk-in-browser"}
    assert json.loads((project / "assess.json").read_text())["findings"]
    text = summary.read_text()
    assert text.startswith("### build\n\n## AI cost-risk assessment: my app\n"), text[:200]

    # the fix lands: the same recipe passes, and the summary keeps both runs
    (project / "web" / "src" / "ai.ts").unlink()
    _git(project, "commit", "-q", "-am", "fix")
    passing = _run_step(script, project, env)
    assert passing.returncode == 0, passing.stderr
    assert summary.read_text().count("## AI cost-risk assessment: my app") == 2

    uploads = [s for s in _steps() if s.get("uses", "").startswith("github/codeql-action/upload-sarif")]
    assert uploads and uploads[0]["with"]["sarif_file"] == "assess.sarif"
