"""Where keys end up: built bundles and minified files are read for keys only (even when git ignores
them), .env files are judged by git, and each key is reported once per place."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from assess.catalog import Catalog
from assess.fakekeys import fake_key
from assess.scan.files.discover import discover_files
from assess.scan.files.facts import ProjectFacts, gather_facts
from assess.scan.matching.engine import RawFinding, scan_files, scan_text
from assess.scan.matching.keys import is_env_file
from assess.scan.plan import ScanPlan

KEY = fake_key("openai-project", "places")


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _scan(root: Path, catalog: Catalog) -> list[RawFinding]:
    discovery = discover_files(root)
    return scan_files(discovery.files, ScanPlan.build(catalog), gather_facts(discovery.files), 1_000_000).findings


SPA = {
    ".gitignore": "dist/\n.next/\nnode_modules/\n",
    "web/package.json": json.dumps({"dependencies": {"react": "18"}, "devDependencies": {"vite": "5"}}),
    "web/dist/assets/index-1a2b.js": f'const k="{KEY}";export{{k}};\n',
    "web/dist/assets/vendor.js.LICENSE.txt": f"{KEY}\n",  # not a script: not read
    "web/node_modules/dep/dist/index.js": f'const k="{KEY}";\n',  # vendored: never read
    "web/src/App.tsx": "export default function App() { return null; }\n",
    "site/public/js/chat.min.js": f'var k="{KEY}";\n',
    "next/package.json": json.dumps({"dependencies": {"next": "15"}}),
    "next/.next/static/chunks/page.js": f'e.exports="{KEY}"\n',
    "next/.next/server/app/page.js": f'e.exports="{KEY}"\n',  # server output: not a browser bundle
}


@pytest.mark.parametrize("in_git", [False, True], ids=["plain folder", "git repository"])
def test_bundles_and_minified_files_are_read_for_keys_only(tmp_path: Path, catalog: Catalog, in_git: bool) -> None:
    root = _tree(tmp_path, SPA)
    if in_git:
        _git(root, "init", "-q")
    files = {c.rel: c for c in discover_files(root).files}
    assert files["web/dist/assets/index-1a2b.js"].kind == "bundle"
    assert files["next/.next/static/chunks/page.js"].kind == "bundle"
    assert files["site/public/js/chat.min.js"].kind == "minified"
    assert files["web/src/App.tsx"].kind == "source"
    assert not any("node_modules" in rel or ".next/server" in rel or rel.endswith(".txt") for rel in files)

    found = {(f.check.id, f.rel) for f in _scan(root, catalog)}
    assert found == {
        ("client-hardcoded-ai-key", "web/dist/assets/index-1a2b.js"),
        ("client-hardcoded-ai-key", "next/.next/static/chunks/page.js"),
        ("client-hardcoded-ai-key", "site/public/js/chat.min.js"),  # minified, in the repository: one finding
    }


def test_keys_only_files_are_counted(tmp_path: Path, catalog: Catalog) -> None:
    root = _tree(tmp_path, SPA)
    discovery = discover_files(root)
    out = scan_files(discovery.files, ScanPlan.build(catalog), gather_facts(discovery.files), 1_000_000)
    assert out.files_keys_only == 3
    assert "JavaScript" not in out.languages or out.languages["JavaScript"] == 0
    assert out.languages["TypeScript"] == 1


def test_a_bundle_keeps_other_checks_out(tmp_path: Path, catalog: Catalog) -> None:
    root = _tree(
        tmp_path,
        {
            "web/package.json": json.dumps({"devDependencies": {"vite": "5"}}),
            "web/dist/app.js": "new OpenAI({apiKey: k, dangerouslyAllowBrowser: true});\n",
        },
    )
    assert _scan(root, catalog) == []


@pytest.mark.parametrize(
    ("name", "is_env"),
    [(".env", True), (".env.local", True), (".env.production", True), ("prod.env", True), (".envrc", True),
     (".dev.vars", True), ("env.ts", False), (".environment", False), ("dotenv.py", False)],
)  # fmt: skip
def test_env_file_names(name: str, is_env: bool) -> None:
    assert is_env_file(f"app/{name}") is is_env


def test_committed_env_says_whether_git_tracks_it(tmp_path: Path, catalog: Catalog) -> None:
    root = _tree(
        tmp_path,
        {
            ".gitignore": ".env.local\n",
            ".env": f"OPENAI_API_KEY={KEY}\n",
            ".env.staging": f"OPENAI_API_KEY={KEY}\n",
            ".env.local": f"OPENAI_API_KEY={KEY}\n",
        },
    )
    _git(root, "init", "-q")
    _git(root, "add", ".env", ".gitignore")
    messages = {f.rel: f.message for f in _scan(root, catalog) if f.check.id == "committed-env-ai-key"}
    assert set(messages) == {".env", ".env.staging"}  # .env.local is ignored: the healthy place
    assert messages[".env"].endswith("is in a .env file that git tracks.")
    assert messages[".env.staging"].endswith("is in a .env file that no .gitignore ignores.")


def test_public_name_in_env_is_also_an_exposure(tmp_path: Path, catalog: Catalog) -> None:
    root = _tree(tmp_path, {".env": f"VITE_OPENAI_API_KEY={KEY}\nexport OPENAI_API_KEY={KEY}\n"})
    found = sorted((f.check.id, f.line) for f in _scan(root, catalog))
    assert found == [("client-env-ai-key", 1), ("committed-env-ai-key", 2)]  # the exposure says it all


def test_one_key_one_place_one_finding_and_only_redacted(catalog: Catalog) -> None:
    plan = ScanPlan.build(catalog)
    text = f'"use client";\nconst KEY = "{KEY}";\n'
    found = scan_text("app/Chat.tsx", text.encode(), text, plan, ProjectFacts())
    assert [(f.check.id, f.line) for f in found] == [("client-hardcoded-ai-key", 2)]
    for finding in found:
        assert KEY not in finding.snippet and KEY not in finding.message
        assert KEY[:8] in finding.snippet and finding.key_hash and finding.key_hash not in KEY


def test_astro_frontmatter_is_server_code(catalog: Catalog) -> None:
    plan = ScanPlan.build(catalog)
    text = f'---\nconst a = "{KEY}";\n---\n<script>\n  const b = "{KEY}";\n</script>\n'
    found = scan_text("src/pages/index.astro", text.encode(), text, plan, ProjectFacts())
    assert sorted((f.check.id, f.line) for f in found) == [
        ("client-hardcoded-ai-key", 5),
        ("hardcoded-ai-key", 2),
    ]
