"""Red-team carriers (issue 16, reproductions 03-07, 20, 21, 27, 08, 26): a key never survives whatever
carries it out of the engine (suppression reasons, routes, model names, file names, unknown shapes on a
flagged line, strings split into short pieces), no output obeys a control character from the project,
snippets come from the reported line, and the demo never deletes what it did not make."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from assess.assessment import ScanOptions, scan_project
from assess.catalog import Catalog
from assess.demo import unpack_demo
from assess.errors import InputError
from assess.fakekeys import fake_key
from assess.models import AssessmentResult, Finding, ProjectInfo, ToolInfo
from assess.report.annotations import render_annotations
from assess.report.html import render_html
from assess.report.markdown import code, fenced, render_markdown
from assess.report.markdown import text as md_text
from assess.report.sarif import render_sarif
from assess.report.text import render_summary
from assess.scan.matching.engine import fingerprint, scan_text
from assess.scan.plan import ScanPlan

REPO = Path(__file__).resolve().parents[2]
FRAGMENT = 16  # no run this long from a key's body may appear anywhere
AWS_ID = "AKIAQ3EGUV5NXJ7WHK2P"  # the shape of an AWS access key id (no catalog check knows it)
AWS_SECRET = "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"  # base64 with `/`: read as a path before


def _fragments(key: str) -> set[str]:
    body = key[8:]  # the leading characters may be shown; the rest never
    return {body[i : i + FRAGMENT] for i in range(0, max(1, len(body) - FRAGMENT + 1))}


def _split(key: str, size: int = 20, joiner: str = " + ") -> str:
    return joiner.join(f'"{key[i : i + size]}"' for i in range(0, len(key), size))


def carriers(root: Path) -> dict[str, str]:
    """A project whose keys travel in every carrier the red team found; the keys by carrier."""
    keys = {
        "reason": fake_key("anthropic", "reason"),
        "route": fake_key("groq", "route"),
        "model": fake_key("xai", "model"),
        "file name": fake_key("openai-project", "name"),
        "azure": fake_key("azure-openai", "azure"),
        "split": fake_key("anthropic", "split"),
        "split lines": fake_key("openai-project", "lines"),
        "aws id": AWS_ID,
        "aws secret": AWS_SECRET,
    }
    files = {
        "package.json": '{"dependencies": {"express": "4", "openai": "4"}}',
        "a.js": "const c = new Anthropic({ /* assess: ignore[hardcoded-ai-key] ok "
        + keys["reason"]
        + ' */ apiKey: "'
        + keys["reason"]
        + '" });\n',
        "server.js": "import express from 'express'; import OpenAI from 'openai';\n"
        "const app = express(); const openai = new OpenAI();\n"
        f"app.post('/hook/{keys['route']}', async (req, res) => {{\n"
        f"  res.json(await openai.chat.completions.create({{ model: '{keys['model']}', messages: req.body.m }}));\n"
        "});\n",
        "web/package.json": '{"dependencies": {"vite": "5", "openai": "4", "@anthropic-ai/sdk": "0.3"}}',
        f"web/{keys['file name']}.js": "new OpenAI({ dangerouslyAllowBrowser: true });\n",
        "web/az.js": "new AzureOpenAI({ endpoint: 'https://acme.openai.azure.com/', apiKey: import.meta.env.K || '"
        + keys["azure"]
        + "', dangerouslyAllowBrowser: true });\n",
        "web/aws.js": "new OpenAI({ dangerouslyAllowBrowser: true }); "
        f'const aws = {{ id: "{AWS_ID}", secret: "{AWS_SECRET}" }};\n',
        "web/split.js": f"new Anthropic({{ apiKey: {_split(keys['split'])}, dangerouslyAllowBrowser: true }});\n",
        # a piece on a line of its own with a flagged call: only the lines joined show a key
        "web/lines.js": f'const parts = ["{keys["split lines"][:20]}" +\n'
        f'  "{keys["split lines"][20:40]}", new OpenAI({{ dangerouslyAllowBrowser: true }})];\n',
    }
    for rel, body in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    return keys


def _assert_no_key(keys: dict[str, str], texts: dict[str, str]) -> None:
    for carrier, key in keys.items():
        pieces = _fragments(key) if len(key) > FRAGMENT + 8 else {key}
        for where, text in texts.items():
            assert key not in text, f"the full key carried by the {carrier} leaked into {where}"
            leaked = [p for p in pieces if p in text]
            assert not leaked, f"part of the key carried by the {carrier} leaked into {where}: {leaked[0][:4]}…"


def test_no_carrier_takes_a_key_into_any_output(tmp_path: Path) -> None:
    root = tmp_path / "project"
    keys = carriers(root)
    out = tmp_path / "out"
    out.mkdir()
    cmd = [sys.executable, "-m", "assess", "scan", str(root)]
    for name, suffix in (("json", "json"), ("sarif", "sarif"), ("markdown", "md"), ("html", "html"), ("junit", "xml")):
        cmd += [f"--{name}", str(out / f"r.{suffix}")]
    cmd += ["--pdf", str(out / "r.pdf")]
    env = {"GITHUB_ACTIONS": "true", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert proc.returncode in (0, 1), proc.stderr

    texts = {"stdout": proc.stdout, "stderr": proc.stderr}
    for path in out.iterdir():
        if path.suffix == ".pdf":
            texts[path.name] = "\n".join(page.extract_text() for page in PdfReader(path).pages)
        else:
            texts[path.name] = path.read_text()
    result = json.loads((out / "r.json").read_text())
    # the carriers were reached: each file is reported, the route and the model are named (redacted)
    paths = {f["path"] for f in result["findings"]}
    assert {"a.js", "web/az.js", "web/aws.js", "web/split.js", "web/lines.js"} <= paths
    assert [f["line"] for f in result["findings"] if f["path"] == "web/lines.js"] == [2]
    named = [f for f in result["findings"] if f["path"].startswith("web/sk-proj-")]
    assert named and named[0]["path"].endswith(".js")
    # its fingerprint is computed on the redacted path: the key is in no form of the result
    assert named[0]["id"] == fingerprint(named[0]["check"], named[0]["path"], named[0]["snippet"], 0)
    assert any((f.get("endpoint") or "").startswith("POST /hook/gsk_") for f in result["findings"])
    assert any((f.get("model") or "").startswith("xai-") for f in result["findings"])
    assert any(f.get("suppression_reason") for f in result["findings"])
    _assert_no_key(keys, texts)
    # the scan cache: the carriers redacted where they are found (reasons, snippets and facts' source lines);
    # file names key the cache, and routes and model names stay in the facts the judges read (issue 16: the
    # cache format is being replaced; these three are left to it)
    cache = {
        str(p.relative_to(root)): p.read_bytes().decode("latin-1") for p in (root / ".assess").rglob("*") if p.is_file()
    }
    _assert_no_key({k: v for k, v in keys.items() if k not in ("file name", "route", "model")}, cache)


def test_the_tui_screens_show_no_key(tmp_path: Path, catalog: Catalog) -> None:
    from textual.widgets import DataTable, Static

    from assess.tui.app import AssessApp
    from assess.tui.session import Session
    from tests.tui.conftest import plain, run, settle

    root = tmp_path / "project"
    keys = carriers(root)
    session = Session.open(root, tmp_path / "answers.yaml", display_root="project", catalog=catalog)
    app = AssessApp(session)
    screens: dict[str, str] = {}

    async def scenario() -> None:
        async with app.run_test(size=(200, 60)) as pilot:
            await settle(app, pilot)
            screens["questionnaire"] = app.export_screenshot()
            screens["evidence"] = plain(app.screen.query_one("#evidence", Static).content)
            await pilot.press("r", "f")
            await pilot.pause()
            screens["findings"] = app.export_screenshot()
            table = app.screen.query_one(DataTable)
            rows = [" ".join(str(getattr(c, "plain", c)) for c in table.get_row_at(i)) for i in range(table.row_count)]
            screens["findings table"] = "\n".join(rows)

    run(scenario)
    assert "sk-proj-" in screens["findings table"], "the file named after a key is not listed"
    _assert_no_key(keys, screens)


def test_snippets_come_from_the_reported_line_whatever_separates_lines(catalog: Catalog) -> None:
    from assess.scan.files.facts import ProjectFacts

    plan = ScanPlan.build(catalog, list(catalog.checks))
    for separator in ("\x0c", "\u2028", "\x1c", "\x85", "\r"):
        text = f"// page 1{separator}page 2\nconst x = 1;\nnew OpenAI({{ dangerouslyAllowBrowser: true }});\n"
        found = scan_text("web/a.js", text.encode(), text, plan, ProjectFacts())
        browser = [f for f in found if f.check.id == "sdk-in-browser"]
        assert [(f.line, f.snippet) for f in browser] == [(3, "new OpenAI({ dangerouslyAllowBrowser: true });")], repr(
            separator
        )


def _result(path: str, message: str) -> AssessmentResult:
    finding = Finding(
        id="f1",
        check="sdk-in-browser",
        checklist="backend-proxy",
        severity="critical",
        path=path,
        line=1,
        message=message,
        snippet=f"new OpenAI({{ dangerouslyAllowBrowser: true }}); // {message}",
        title="An AI SDK is allowed to run in the browser",
    )
    return AssessmentResult(
        tool=ToolInfo(version="0"),
        generated_at="2026-01-01T00:00:00+00:00",
        project=ProjectInfo(root="p"),
        checklist=[],
        findings=[finding],
    )


def test_a_name_cannot_forge_a_workflow_command_or_reorder_a_line() -> None:
    forged = "x\n::error file=README.md,line=1::Injected by a file name\n.js"
    summary = render_summary(_result(forged, "m"))
    assert not any(line.startswith("::") for line in summary.splitlines()), summary
    assert "x\\n::error file=README.md" in summary
    annotations = render_annotations(_result(forged, "a message\n::warning::forged"))
    assert [line[:8] for line in annotations.splitlines()] == ["::error "], annotations

    bidi = "invoice\u202efdp.js"
    result = _result(bidi, "reads \u202eelbissop\u2066 backwards")
    for name, text in (
        ("text", render_summary(result)),
        ("markdown", render_markdown(result)),
        ("html", render_html(result)),
        ("sarif", render_sarif(result)),
    ):
        assert "\u202e" not in text and "\u2066" not in text, f"a raw bidi override in the {name} output"
        assert name == "markdown" or "\\u202e" in text, f"the bidi override is not shown in the {name} output"
    for shown in (code(bidi), md_text(bidi), "\n".join(fenced(bidi, "a.js"))):
        assert "\u202e" not in shown and "\\u202e" in shown


def test_demo_workdir_never_deletes_what_it_did_not_make(tmp_path: Path) -> None:
    mine = tmp_path / "quillmate"
    mine.mkdir()
    (mine / "NOTES.md").write_text("my work")
    with pytest.raises(InputError), unpack_demo(tmp_path):
        pass
    assert (mine / "NOTES.md").read_text() == "my work"
    assert sorted(p.name for p in mine.iterdir()) == ["NOTES.md"]


def test_reopening_the_demo_keeps_the_last_sessions_answers_and_reports(tmp_path: Path) -> None:
    with unpack_demo(tmp_path) as root:
        answers = root / ".assess" / "answers.yaml"
        answers.write_text(answers.read_text() + "# answered in session 1\n")
        (root / ".assess" / "report.html").write_text("session 1 report")
    with unpack_demo(tmp_path) as again:
        assert again == root
        assert answers.read_text().endswith("# answered in session 1\n")
        assert (root / ".assess" / "report.html").read_text() == "session 1 report"
        assert (root / "package.json").is_file() or any(root.iterdir())


def test_the_engine_boundary_redacts_every_carrier(tmp_path: Path, catalog: Catalog) -> None:
    root = tmp_path / "project"
    keys = carriers(root)
    snapshot = scan_project(root, catalog, ScanOptions())
    dumped = json.dumps(
        [f.model_dump() for f in snapshot.findings]
        + [n.model_dump() for n in snapshot.suppression_notes]
        + [e.model_dump() for e in snapshot.errors]
        + [snapshot.models, snapshot.display_root]
    )
    _assert_no_key({k: v for k, v in keys.items()}, {"the snapshot": dumped})


def _assess(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # run from `cwd`, with this checkout's assess (not an installed one) first on the path
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "ASSESS_NO_TUI": "1", "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "assess", *args], capture_output=True, text=True, env=env, cwd=cwd, check=False
    )


def test_small_defects_say_what_is_wrong(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "a.js").write_text("new OpenAI({ dangerouslyAllowBrowser: true });\n")

    usage = _assess("scan", "p", "--frobnicate", cwd=tmp_path)
    assert usage.returncode == 2 and "(see 'assess scan --help')" in usage.stderr, usage.stderr

    empty = _assess("scan", "p", "-q", "--json", "", cwd=tmp_path)
    assert empty.returncode == 2 and "--json" in empty.stderr and "empty file name" in empty.stderr

    (project / ".assess").mkdir()
    (project / ".assess" / "answers.yaml").write_text(
        'version: 1\nanswers:\n  spend-limit:\n    value: hard-limit\n    answered_at: "yesterday"\n'
    )
    stamp = _assess("scan", "p", "-q", cwd=tmp_path)
    assert stamp.returncode == 2, stamp.stderr
    assert "answers.yaml:5" in stamp.stderr and "yesterday" in stamp.stderr and len(stamp.stderr.splitlines()) == 1
