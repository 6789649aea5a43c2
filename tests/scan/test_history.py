"""`--git-history`: AI keys added in any commit are reported once, at the commit that added them, even
after removal; keys still in a file are left to the file scan; the repository's config runs nothing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from assess.assessment import ScanOptions, scan_project
from assess.catalog import Catalog
from assess.cli import main
from assess.fakekeys import fake_key
from assess.scan.facts import ProjectFacts
from assess.scan.history import scan_history
from assess.scan.plan import ScanPlan

OLD = fake_key("openai-project", "history")
KEPT = fake_key("anthropic", "history")


def _git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True)
    return proc.stdout.strip()


def _commit(root: Path, files: dict[str, str], message: str) -> str:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message)
    return _git(root, "rev-parse", "HEAD")


@pytest.fixture()
def repo(tmp_path: Path) -> tuple[Path, str]:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    _git(root, "config", "user.email", "dev@example.com")
    _git(root, "config", "user.name", "dev")
    added = _commit(root, {"README.md": "hello\n", "app/config.py": "X = 1\n"}, "start")
    added = _commit(root, {"app/config.py": f'X = 1\nOPENAI_API_KEY = "{OLD}"\n'}, "add key")
    _commit(root, {"app/config.py": 'import os\nX = 1\nOPENAI_API_KEY = os.environ["OPENAI_API_KEY"]\n'}, "use env")
    _commit(root, {"app/again.py": f'KEY = "{OLD}"\n'}, "paste it again")  # the same key: reported once
    _commit(root, {"app/again.py": "KEY = None\n"}, "remove it again")
    _commit(root, {"worker/keys.py": f'ANTHROPIC = "{KEPT}"\nDOC = "sk-proj-..."\n'}, "a key still here")
    return root, added


def test_removed_keys_are_reported_with_commit_and_path(repo: tuple[Path, str], catalog: Catalog) -> None:
    root, added = repo
    found = scan_history(root, ScanPlan.build(catalog), ProjectFacts(), current=set())
    by_path = {f.rel: f for f in found}
    assert set(by_path) == {"app/config.py", "worker/keys.py"}  # once per key, at its first commit
    leak = by_path["app/config.py"]
    assert leak.check.id == "hardcoded-ai-key" and leak.line == 2 and leak.column == 19
    assert added[:10] in leak.message and "rotate" in leak.message
    assert OLD not in leak.message and OLD not in leak.snippet and OLD[:8] in leak.snippet


def test_keys_still_in_files_are_left_to_the_file_scan(repo: tuple[Path, str], catalog: Catalog) -> None:
    root, _ = repo
    snapshot = scan_project(root, catalog, ScanOptions(git_history=True))
    keys = sorted((f.check, f.path, f.message.split(" is in ")[1][:12]) for f in snapshot.findings)
    assert keys == [
        ("hardcoded-ai-key", "app/config.py", "git history:"),
        ("hardcoded-ai-key", "worker/keys.py", "this file."),
    ]
    assert not any("history" in f.message for f in scan_project(root, catalog).findings)


def test_the_repository_config_runs_nothing(repo: tuple[Path, str], catalog: Catalog, tmp_path: Path) -> None:
    root, _ = repo
    marker = tmp_path / "ran"
    (root / ".gitattributes").write_text("*.py diff=evil\n")
    _git(root, "config", "diff.evil.textconv", f"sh -c 'touch {marker}; cat' --")
    _git(root, "config", "diff.external", f"sh -c 'touch {marker}'")
    _git(root, "config", "core.pager", f"sh -c 'touch {marker}; cat'")
    found = scan_history(root, ScanPlan.build(catalog), ProjectFacts(), current=set())
    assert found and not marker.exists()


def test_only_when_the_check_reports_history(repo: tuple[Path, str], catalog: Catalog) -> None:
    root, _ = repo
    plan = ScanPlan.build(catalog, ["committed-env-ai-key"])
    assert scan_history(root, plan, ProjectFacts(), current=set()) == []


def test_cli_flag(repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    root, added = repo
    with pytest.raises(SystemExit) as done:
        main(["scan", str(root), "--git-history", "--json", "-"])
    assert done.value.code == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert any(added[:10] in f["message"] and f["path"] == "app/config.py" for f in findings)
