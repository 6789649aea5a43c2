"""CI mode end to end on a fixture repository with a git history: suppressions, ignore file,
baseline, config, gates and every machine output (JSON, SARIF, JUnit, annotations)."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from assess import cli
from assess.fakekeys import fake_key

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text())

CLIENT = """import OpenAI from "openai";
export const client = new OpenAI({
  apiKey: import.meta.env.VITE_OPENAI_API_KEY,
  dangerouslyAllowBrowser: true,
});
"""
WORKER = """from tenacity import retry, wait_fixed

@retry(wait=wait_fixed(1))
def call():
    return None
"""


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    (root / "web" / "src").mkdir(parents=True)
    (root / "worker").mkdir()
    (root / "web" / "package.json").write_text('{"dependencies": {"openai": "^4", "react": "^18", "vite": "^5"}}')
    (root / "web" / "src" / "client.ts").write_text(CLIENT)
    (root / "worker" / "job.py").write_text(WORKER)
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", "-A")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "first")
    return root


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def scan_json(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code, out, err = run(["scan", str(root), "--json", "-", *extra], capsys)
    assert code in (0, 1), err
    return code, json.loads(out)


def test_sarif_is_valid_and_complete(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["scan", str(repo), "-q", "--sarif", str(tmp_path / "r.sarif")], capsys)
    assert code == 0, err
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    jsonschema.validate(sarif, SCHEMA)
    run_ = sarif["runs"][0]
    rules = {r["id"]: r for r in run_["tool"]["driver"]["rules"]}
    assert "sdk-in-browser" in rules and "tenacity-retry-without-stop" in rules
    assert all(r["help"]["text"] and r["shortDescription"]["text"] for r in rules.values())
    assert all("helpUri" in r for r in rules.values() if r["id"] == "sdk-in-browser")
    results = {r["ruleId"]: r for r in run_["results"]}
    browser = results["sdk-in-browser"]
    loc = browser["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "web/src/client.ts"
    assert loc["region"]["startLine"] == 4
    assert browser["level"] == "error" and results["tenacity-retry-without-stop"]["level"] == "error"
    assert browser["partialFingerprints"]["assessFingerprint/v1"]


def test_sarif_uris_are_percent_encoded_and_the_category_is_settable(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from urllib.parse import unquote

    odd = "web/src/my app 100%:v2.ts"
    (repo / odd).write_text("import OpenAI from 'openai';\nnew OpenAI({ dangerouslyAllowBrowser: true });\n")
    out = tmp_path / "r.sarif"
    code, _, err = run(["scan", str(repo), "-q", "--sarif", str(out), "--sarif-category", "assess-web"], capsys)
    assert code == 0, err
    sarif = json.loads(out.read_text())
    jsonschema.validate(sarif, SCHEMA)
    run_ = sarif["runs"][0]
    assert run_["automationDetails"]["id"] == "assess-web/"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]}
    assert "web/src/my%20app%20100%25%3Av2.ts" in uris and "web/src/client.ts" in uris
    assert all(" " not in u and ":" not in u for u in uris)
    assert unquote("web/src/my%20app%20100%25%3Av2.ts") == odd
    code, _, _ = run(["scan", str(repo), "-q", "--sarif", str(out)], capsys)
    assert json.loads(out.read_text())["runs"][0]["automationDetails"]["id"] == "assess/"


def test_sarif_renders_from_a_saved_result_alone(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scanned, saved = tmp_path / "scan.sarif", tmp_path / "r.json"
    code, _, err = run(["scan", str(repo), "-q", "--sarif", str(scanned), "--json", str(saved)], capsys)
    assert code == 0, err

    def no_catalog() -> None:
        raise AssertionError("render loaded the catalog")

    monkeypatch.setattr("assess.catalog.load_catalog", no_catalog)
    code, _, err = run(["render", str(saved), "--sarif", str(tmp_path / "render.sarif")], capsys)
    assert code == 0, err
    rendered = json.loads((tmp_path / "render.sarif").read_text())
    jsonschema.validate(rendered, SCHEMA)
    assert rendered == json.loads(scanned.read_text())
    rules = rendered["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({f["ruleId"] for f in rendered["runs"][0]["results"]})


def test_fingerprints_survive_moved_lines(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, before = scan_json(repo, capsys)
    client = repo / "web" / "src" / "client.ts"
    client.write_text("// a new header comment\n\n\n" + client.read_text())
    _, after = scan_json(repo, capsys)
    ids = lambda d: {(f["check"], f["id"]) for f in d["findings"]}  # noqa: E731
    lines = lambda d: {f["line"] for f in d["findings"] if f["check"] == "sdk-in-browser"}  # noqa: E731
    assert ids(before) == ids(after)
    assert lines(before) == {4} and lines(after) == {7}


def test_inline_suppressions(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client = repo / "web" / "src" / "client.ts"
    client.write_text(
        client.read_text().replace(
            "  dangerouslyAllowBrowser: true,",
            "  // assess: ignore[sdk-in-browser] internal demo page behind SSO, key is spend-capped\n"
            "  dangerouslyAllowBrowser: true,",
        )
    )
    job = repo / "worker" / "job.py"
    job.write_text(job.read_text().replace("@retry(", "@retry(  # assess: ignore[tenacity-retry-without-stop]\n    "))
    (repo / "worker" / "old.py").write_text("x = 1  # assess: ignore[sdk-in-browser] left over from a refactor\n")
    _, data = scan_json(repo, capsys)
    by_check = {f["check"]: f for f in data["findings"]}
    browser = by_check["sdk-in-browser"]
    assert browser["suppressed"] and browser["suppressed_by"] == "inline"
    assert browser["suppression_reason"].startswith("internal demo page")
    assert by_check["tenacity-retry-without-stop"]["suppressed"]
    notes = {(n["kind"], n["path"]) for n in data["suppressions"]}
    assert ("no-reason", "worker/job.py") in notes
    assert ("unused", "worker/old.py") in notes
    assert not any(kind == "unused" and path == "web/src/client.ts" for kind, path in notes)
    # suppressed findings no longer cap their item
    backend = next(i for i in data["checklist"] if i["id"] == "backend-proxy")
    open_backend = [f for f in data["findings"] if f["checklist"] == "backend-proxy" and not f["suppressed"]]
    assert backend["findings"] == len(open_backend) == 1  # only client-env-ai-key still counts


def test_ignore_file_with_glob_and_expiry(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".assess").mkdir()
    (repo / ".assess" / "ignore.yaml").write_text(
        "version: 1\nignore:\n"
        "  - check: sdk-in-browser\n    path: web/**\n    reason: prototype, removed next sprint\n"
        "  - check: tenacity-retry-without-stop\n    path: worker/*.py\n    reason: batch job\n"
        "    expires: 2020-01-01\n"
    )
    _, data = scan_json(repo, capsys)
    by_check = {f["check"]: f for f in data["findings"]}
    assert by_check["sdk-in-browser"]["suppressed_by"] == "ignore-file"
    assert not by_check["tenacity-retry-without-stop"]["suppressed"], "an expired entry must stop applying"
    expired = [n for n in data["suppressions"] if n["kind"] == "expired"]
    assert len(expired) == 1 and "2020-01-01" in expired[0]["message"]


def test_ignore_file_unknown_check_is_exit_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".assess").mkdir()
    (repo / ".assess" / "ignore.yaml").write_text("ignore:\n  - check: nope\n    reason: r\n")
    code, _, err = run(["scan", str(repo)], capsys)
    assert code == 2 and "ignore.yaml:2:" in err and "unknown check id 'nope'" in err


def test_baseline_gates_only_new_findings(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "baseline.json"
    run(["scan", str(repo), "-q", "--json", str(baseline)], capsys)
    code, _, err = run(["scan", str(repo), "-q", "--baseline", str(baseline), "--fail-on", "high"], capsys)
    assert code == 0, err
    (repo / "web" / "src" / "second.ts").write_text(
        "import OpenAI from 'openai';\nnew OpenAI({ dangerouslyAllowBrowser: true });\n"
    )
    code, _, err = run(["scan", str(repo), "-q", "--baseline", str(baseline), "--fail-on", "high"], capsys)
    assert code == 1 and "1 open new finding(s) at or above high" in err
    _, data = scan_json(repo, capsys, "--baseline", str(baseline))
    # known: the three findings of the first commit and the note that its SDK's calls were not recognised
    assert data["baseline"]["new"] == 1 and data["baseline"]["known"] == 4
    assert [f["path"] for f in data["findings"] if f["new"]] == ["web/src/second.ts"]


def test_baseline_survives_comments_edits_and_moves_on_flagged_lines(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    run(["scan", str(repo), "-q", "--json", str(baseline)], capsys)
    client = repo / "web" / "src" / "client.ts"
    edited = client.read_text().replace("true,", "true, // TODO: proxy through the API")
    edited = edited.replace("export const client", "export const openaiClient")
    client.write_text("// moved down\n\n" + edited)
    job = repo / "worker" / "job.py"
    job.write_text(job.read_text().replace("@retry(wait=wait_fixed(1))", "@retry(wait=wait_fixed(1))  # noqa"))
    code, _, err = run(["scan", str(repo), "-q", "--baseline", str(baseline), "--fail-on", "high"], capsys)
    assert code == 0, err
    _, data = scan_json(repo, capsys, "--baseline", str(baseline))
    # known: the three findings and the note that the SDK's calls were not recognised
    assert data["baseline"]["new"] == 0 and data["baseline"]["known"] == 4

    (repo / "web" / "src" / "second.ts").write_text(
        "import OpenAI from 'openai';\nnew OpenAI({ dangerouslyAllowBrowser: true });\n"
    )
    code, out, _ = run(["scan", str(repo), "--baseline", str(baseline)], capsys)
    rows = [line.split() for line in out.splitlines() if line.startswith("  new ") or line.startswith("  known ")]
    assert [r[0] for r in rows] == ["new", "known", "known", "known", "known"], out
    assert rows[0][2] == "web/src/second.ts:2"


def test_markdown_appends_to_the_github_step_summary_and_names_the_project(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("### tests passed\n")  # an earlier step's summary
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    for _ in range(2):
        code, _, err = run(["scan", str(repo), "-q", "--markdown", str(summary)], capsys)
        assert code == 0 and "appended MARKDOWN" in err, err
    text = summary.read_text()
    assert text.startswith("### tests passed\n\n## AI cost-risk assessment: app\n")
    assert text.count("## AI cost-risk assessment: app\n") == 2
    assert str(repo) not in text, "the heading names the project, not the runner's absolute path"

    other = tmp_path / "comment.md"
    other.write_text("stale\n")
    run(["scan", str(repo), "-q", "--markdown", str(other)], capsys)
    assert other.read_text().startswith("## AI cost-risk assessment: app\n"), "any other file is replaced"


def test_config_gates_and_precedence(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "worker" / "llm.py").write_text(  # a paid call: with none found there is no score to gate on
        "from openai import OpenAI\nclient = OpenAI()\n"
        "def ask(q):\n    return client.chat.completions.create(model='gpt-4o', messages=[q])\n"
    )
    (repo / "pyproject.toml").write_text("[tool.assess]\nfail_under = 100\ndisable = ['tenacity-retry-without-stop']\n")
    code, _, err = run(["scan", str(repo), "-q"], capsys)
    assert code == 1 and "below --fail-under 100" in err
    monkeypatch.setenv("ASSESS_FAIL_UNDER", "0")  # environment beats the file
    assert run(["scan", str(repo), "-q"], capsys)[0] == 0
    code, _, err = run(["scan", str(repo), "-q", "--fail-under", "100"], capsys)  # the flag beats both
    assert code == 1
    _, data = scan_json(repo, capsys)
    assert "tenacity-retry-without-stop" not in {f["check"] for f in data["findings"]}


def test_config_severity_override_and_excludes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".assess.toml").write_text('exclude = ["worker/**"]\n[severity]\nsdk-in-browser = "low"\n')
    _, data = scan_json(repo, capsys)
    severities = {f["check"]: f["severity"] for f in data["findings"]}
    assert severities == {
        "sdk-in-browser": "low",
        "client-env-ai-key": "critical",
        "ai-sdk-calls-not-recognised": "info",  # the SDK is installed and no call of it was seen
    }
    assert data["project"]["skipped_by_reason"]["excluded-by-config"] == 1


@pytest.mark.parametrize(
    ("body", "fragment", "line"),
    [
        ("[tool.assess]\nfail_under = 80\nfail_unde = 90\n", "unknown key 'fail_unde'", 3),
        ("[tool.assess]\nfail_on = 'severe'\n", "fail_on", 2),
        ("[tool.assess\n", "invalid TOML", 1),
    ],
)
def test_bad_config_is_exit_2_naming_key_and_line(
    repo: Path, capsys: pytest.CaptureFixture[str], body: str, fragment: str, line: int
) -> None:
    (repo / "pyproject.toml").write_text(body)
    code, _, err = run(["scan", str(repo)], capsys)
    assert code == 2 and fragment in err and f"pyproject.toml:{line}:" in err and err.count("\n") == 1


def test_bad_environment_value_is_exit_2(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSESS_FAIL_UNDER", "high")
    code, _, err = run(["scan", str(repo)], capsys)
    assert code == 2 and "ASSESS_FAIL_UNDER" in err


def test_github_annotations(repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run(["scan", str(repo), "-q"], capsys)
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith("::")]
    assert "::error file=web/src/client.ts,line=4,col=3,title=assess sdk-in-browser::" in "\n".join(lines)
    assert all("\n" not in line for line in lines)


def test_changed_since_limits_file_checks(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "web" / "src" / "new.ts").write_text("new OpenAI({ dangerouslyAllowBrowser: true });\n")
    _, data = scan_json(repo, capsys, "--changed-since", "HEAD")
    assert {f["path"] for f in data["findings"]} == {"web/src/new.ts"}
    assert "React" in data["project"]["frameworks"], "project facts still come from the whole tree"
    code, _, err = run(["scan", str(repo), "--changed-since", "no-such-ref"], capsys)
    assert code == 2 and "no-such-ref" in err


def test_pre_commit_fast_path(repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    key = fake_key("openai-project", "precommit")
    (repo / "web" / "src" / "staged.ts").write_text(f'const k = "{key}";\n')
    args = ["scan", "--only", "backend-proxy,key-hygiene", "--fail-on", "high", "-q", "--files"]
    code, out, err = run([*args, "web/src/staged.ts", "worker/job.py"], capsys)
    assert code == 1 and "at or above high" in err
    assert key not in out + err
    code, _, _ = run([*args, "worker/job.py"], capsys)
    assert code == 0, "the retry check is not part of the pre-commit fast path"


def test_junit_counts_failures(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["scan", str(repo), "-q", "--junit", str(tmp_path / "r.xml")], capsys)
    root = ET.parse(tmp_path / "r.xml").getroot()
    assert root.tag == "testsuites"
    failures = [case for case in root.iter("testcase") if case.find("failure") is not None]
    names = {case.get("name") for case in failures}
    assert "web/src/client.ts:4" in names and "worker/job.py:3" in names
    assert int(root.get("failures", "0")) >= 2


def test_stale_answers_are_flagged(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".assess").mkdir()
    (repo / ".assess" / "answers.yaml").write_text(
        "version: 1\nanswers:\n"
        "  spend-limit:\n    value: hard-limit\n    answered_at: '2020-01-01T00:00:00+00:00'\n"
        "  spend-alerts:\n    value: 'yes'\n    answered_at: '2099-01-01T00:00:00+00:00'\n"
    )
    _, data = scan_json(repo, capsys)
    stale = {a["question"]: a["stale"] for a in data["answers"] if a["question"] in ("spend-limit", "spend-alerts")}
    assert stale == {"spend-limit": True, "spend-alerts": False}


def test_pre_commit_hook_definition_runs(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex

    import yaml

    hooks = yaml.safe_load((Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "assess" and hook["pass_filenames"] is True
    argv = shlex.split(hook["entry"])
    assert argv[0] == "assess"
    monkeypatch.chdir(repo)
    key = fake_key("anthropic", "hook")
    (repo / "web" / "src" / "leak.ts").write_text(f'export const k = "{key}";\n')
    code, out, err = run([*argv[1:], "web/src/leak.ts"], capsys)  # pre-commit appends the staged files
    assert code == 1 and out == "" and "gate failed" in err
    # what blocks the commit: path:line, check, severity and message, one line each, the key redacted
    blocking = [line.strip() for line in err.splitlines() if line.startswith("  ")]
    assert blocking and all(line.startswith("web/src/leak.ts:1: ") for line in blocking), err
    assert any(": client-hardcoded-ai-key (critical): " in line for line in blocking), err  # one finding per key
    assert key not in err and key[:12] not in err
    code, _, _ = run([*argv[1:], "worker/job.py"], capsys)
    assert code == 0


def test_readme_workflow_commands_parse() -> None:
    """The GitHub Actions example in README uses only flags that exist."""
    import re
    import shlex

    import yaml

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = re.search(r"```yaml\n(# \.github/workflows/assess\.yml.*?)```", readme, re.S)
    assert block, "README has no GitHub Actions workflow example"
    workflow = yaml.safe_load(block.group(1))
    steps = workflow["jobs"]["assess"]["steps"]
    commands = [
        line.strip() for s in steps for line in s.get("run", "").splitlines() if line.strip().startswith("assess ")
    ]
    assert commands
    parser = cli.build_parser()
    for command in commands:
        parser.parse_args(shlex.split(command.replace("\\", ""))[1:])
    uses = {s.get("uses", "").split("@")[0] for s in steps}
    assert "github/codeql-action/upload-sarif" in uses


def test_markdown_puts_new_findings_first(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "baseline.json"
    run(["scan", str(repo), "-q", "--json", str(baseline)], capsys)
    (repo / "web" / "src" / "second.ts").write_text("new OpenAI({ dangerouslyAllowBrowser: true });\n")
    (repo / "worker" / "old.py").write_text("x = 1  # assess: ignore[sdk-in-browser] left over\n")
    code, out, _ = run(["scan", str(repo), "--baseline", str(baseline), "--markdown", "-"], capsys)
    assert code == 0
    new_at, known_at = out.index("#### New"), out.index("Already in the baseline")
    assert new_at < out.index("web/src/second.ts") < known_at < out.index("web/src/client.ts")
    assert "1 new finding" in out
    assert "Suppressions to review" in out and "unused suppression" in out


def test_a_check_that_raises_marks_its_item_unknown_and_the_run_goes_on(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checkov pattern: a judge or a per-file check that raises costs its checklist item, not the run."""
    import dataclasses

    from assess.scan.matching import engine
    from assess.scan.project.judges import JUDGES

    monkeypatch.setenv("ASSESS_NO_CACHE", "1")

    def broken_judge(_ctx: object, _params: object) -> None:
        raise RuntimeError("judge bug")

    monkeypatch.setitem(JUDGES, "usage-unrecorded", dataclasses.replace(JUDGES["usage-unrecorded"], run=broken_judge))
    message = engine._message

    def broken_check(check: engine.Check, **values: str) -> str:
        if check.id == "sdk-in-browser":
            raise ValueError("check bug")
        return message(check, **values)

    monkeypatch.setattr(engine, "_message", broken_check)
    md, sarif, html = tmp_path / "r.md", tmp_path / "r.sarif", tmp_path / "r.html"
    code, result = scan_json(repo, capsys, "--markdown", str(md), "--sarif", str(sarif), "--html", str(html))
    assert code == 0
    errors = {e["check"]: e for e in result["errors"]}
    assert errors["llm-usage-not-recorded"]["message"] == "RuntimeError: judge bug"
    assert errors["llm-usage-not-recorded"]["path"] is None
    assert errors["sdk-in-browser"] == {
        "check": "sdk-in-browser",
        "checklist": "backend-proxy",
        "message": "ValueError: check bug",
        "path": "web/src/client.ts",
        "files": 1,
    }
    status = {item["id"]: item["status"] for item in result["checklist"]}
    assert status["usage-monitoring"] == "unknown" and status["backend-proxy"] == "unknown"
    assert status["retry-logic"] == "fail"  # the other checks still ran and reported
    assert "tenacity-retry-without-stop" in {f["check"] for f in result["findings"]}
    assert "sdk-in-browser" not in {f["check"] for f in result["findings"]}
    assert "### Checks that failed to run" in md.read_text() and "judge bug" in md.read_text()
    assert "Checks that failed to run (2)" in html.read_text()
    document = json.loads(sarif.read_text())
    jsonschema.validate(document, SCHEMA)
    notes = document["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert {n["associatedRule"]["id"] for n in notes} == set(errors)
