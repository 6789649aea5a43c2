"""The command line end to end: outputs, re-rendering, gates, and one-line errors with exit codes."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from assess import cli
from assess.models import CHECKLIST_ORDER, AssessmentResult

ASSESS = [sys.executable, "-m", "assess"]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


@pytest.fixture(scope="module")
def scanned(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    proc = subprocess.run(
        [*ASSESS, "scan", str(demo_root), "--json", str(out / "r.json"), "--html", str(out / "r.html")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return out


def test_scan_writes_the_result_contract(scanned: Path) -> None:
    data = json.loads((scanned / "r.json").read_text())
    result = AssessmentResult.model_validate(data)
    assert data["schema_version"] == 1
    assert set(data) >= {"schema_version", "tool", "project", "score", "grade", "checklist", "findings", "answers"}
    assert [i["id"] for i in data["checklist"]] == list(CHECKLIST_ORDER)
    for finding in data["findings"]:
        assert set(finding) >= {"id", "check", "checklist", "severity", "path", "line", "column", "message", "snippet"}
        assert "\\" not in finding["path"] and not finding["path"].startswith("/")
    assert {a["source"] for a in data["answers"]} <= {"user", "detected", "default"}
    assert 0 <= result.score <= 100


def test_demo_finds_a_risk_for_every_code_checked_item(scanned: Path) -> None:
    data = json.loads((scanned / "r.json").read_text())
    fired = {f["check"] for f in data["findings"]}
    assert {"sdk-in-browser", "client-env-ai-key", "hardcoded-ai-key", "tenacity-retry-without-stop"} <= fired
    paths = {(f["path"], f["line"]) for f in data["findings"] if f["check"] == "sdk-in-browser"}
    assert paths == {("web/src/lib/openai.ts", 6)}, "vendored node_modules copy must not be reported"
    statuses = {i["id"]: i["status"] for i in data["checklist"]}
    assert statuses["backend-proxy"] == "fail" and statuses["key-hygiene"] == "fail"


def test_unanswered_items_are_unknown_not_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "tiny"
    project.mkdir()
    (project / "index.js").write_text("console.log('no AI here');\n")
    code, out, _ = run(["scan", str(project), "--json", "-"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["answers"] == []
    items = {i["id"]: i for i in data["checklist"]}
    assert items["billing-alerts"]["status"] == "unknown" and items["billing-alerts"]["score"] is None
    for item in items.values():
        assert (item["status"] in ("unknown", "not-applicable")) == (item["score"] is None)
    # nothing to judge is never a pass: no AI usage found, no grade, and the result says so
    assert not any(i["status"] == "pass" for i in items.values() if i["id"] != "key-hygiene")  # keys: every file read
    assert data["score"] is None and data["grade"] is None
    assert data["coverage"]["note"] == "no paid AI usage found in the analysed code"


def test_render_re_renders_html_and_pdf(scanned: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        [
            "render",
            str(scanned / "r.json"),
            "--html",
            str(tmp_path / "x.html"),
            "--pdf",
            str(tmp_path / "x.pdf"),
            "--pdf-detail",
            "full",
        ],
        capsys,
    )
    assert code == 0, err
    result = AssessmentResult.model_validate_json((scanned / "r.json").read_text())
    html = (tmp_path / "x.html").read_text()
    text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "x.pdf").pages)
    squashed = " ".join(text.split())
    for doc in (html, squashed):
        assert f"{result.score}" in doc
        for item in result.checklist:
            assert item.title in doc or item.title in doc.replace("\n", " ")
    for finding in result.findings:
        assert f"{finding.path}:{finding.line}" in squashed
    assert "fail" in squashed and "✗" in html


def test_html_is_self_contained(scanned: Path) -> None:
    html = (scanned / "r.html").read_text()
    # one inline script, the bundled filter (allowed by its hash in the page's policy), loading nothing
    assert html.count("<script") == 1 and "<script src" not in html
    # links a reader may click are fine; nothing may be loaded from elsewhere
    for needle in ('src="http', "src='http", "url(http", "url('http", 'url("http', "@import", "<link"):
        assert needle not in html


def test_json_to_stdout_keeps_stdout_clean(demo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["scan", str(demo_root), "--json", "-"], capsys)
    assert code == 0
    assert json.loads(out)["schema_version"] == 1
    assert "wrote" not in out


def test_summary_on_stdout(demo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["scan", str(demo_root)], capsys)
    assert code == 0
    assert "score" in out and "grade" in out and "Fix first" in out


@pytest.mark.parametrize(
    ("gate", "code", "fragment"),
    [
        (["--fail-under", "90"], 1, "below --fail-under 90"),
        (["--fail-under", "101"], 2, "fail_under"),
        (["--fail-under", "0"], 0, None),
        (["--fail-on", "critical"], 1, "at or above critical"),
    ],
)
def test_gates(
    demo_root: Path, capsys: pytest.CaptureFixture[str], gate: list[str], code: int, fragment: str | None
) -> None:
    got, _, err = run(["scan", str(demo_root), "-q", *gate], capsys)
    assert got == code
    if fragment:
        first, *details = err.rstrip("\n").splitlines()
        assert fragment in first, "one line says which gate failed and why"
        if "--fail-on" in gate:  # then each finding that fails it: path:line: check (severity): message
            assert first.startswith("assess: gate failed: ") and first.split()[3].isdigit()
            assert len(details) == int(first.split()[3])
            assert all(re.match(r"  \S+:\d+: [a-z0-9-]+ \(critical\): \S", line) for line in details), details
        else:
            assert details == []


def test_missing_path_is_exit_2_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(["scan", str(tmp_path / "nope")], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(tmp_path / "nope") in err and "does not exist" in err


def test_malformed_answers_is_exit_2_with_line(
    demo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("version: 1\nanswers:\n  spend-limit:\n    value: perhaps\n")
    out_json = tmp_path / "r.json"
    code, _, err = run(["scan", str(demo_root), "--answers", str(answers), "--json", str(out_json)], capsys)
    assert code == 2
    assert f"{answers}:4:" in err and err.count("\n") == 1
    assert not out_json.exists(), "nothing may be written when the input is bad"


def test_unwritable_output_is_exit_2(demo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    target = blocker / "r.json"
    code, _, err = run(["scan", str(demo_root), "--json", str(target)], capsys)
    assert code == 2 and str(target) in err and err.count("\n") == 1


def test_existing_output_survives_a_failed_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assess import atomic

    target = tmp_path / "r.json"
    target.write_text("old result")

    def boom(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", boom)
    with pytest.raises(Exception, match="No space left"):
        atomic.write_text_atomic(target, "new result")
    assert target.read_text() == "old result"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_render_rejects_a_non_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    code, _, err = run(["render", str(bad), "--html", str(tmp_path / "x.html")], capsys)
    assert code == 2 and "not an assess result" in err and str(bad) in err


def test_bad_usage_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["scan", "--fail-under", "lots"], capsys)
    assert code == 2 and "invalid int value" in err and err.count("\n") == 1


def test_internal_error_is_exit_3_without_traceback(
    demo_root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import assess.assessment

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(assess.assessment, "run_assessment", broken)
    monkeypatch.delenv("ASSESS_DEBUG", raising=False)
    code, _, err = run(["scan", str(demo_root)], capsys)
    assert code == 3 and "internal error: RuntimeError: boom" in err and "Traceback" not in err


def test_missing_pango_writes_the_rest_then_exits_2(
    demo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assess.report import pdf

    def no_pango() -> None:
        raise pdf.PdfUnavailable(pdf.PANGO_HINT)

    monkeypatch.setattr(pdf, "_load_weasyprint", no_pango)
    # JUnit comes after the PDF in the formats' order: it must still be written
    outputs = ["--html", str(tmp_path / "r.html"), "--pdf", str(tmp_path / "r.pdf"), "--junit", str(tmp_path / "r.xml")]
    code, _, err = run(["scan", str(demo_root), "-q", *outputs], capsys)
    assert code == 2, "a requested output that cannot be made is bad input, not a pass"
    assert (tmp_path / "r.html").exists() and (tmp_path / "r.xml").exists() and not (tmp_path / "r.pdf").exists()
    hint = [line for line in err.splitlines() if "Pango" in line]
    assert len(hint) == 1 and "libpango" in hint[0]
    assert err.strip().splitlines()[-1] == hint[0], "the reason is the last line, after the outputs written"


def test_unwritable_output_writes_the_others_then_exits_2(
    demo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    bad = blocker / "r.json"  # the JSON is written first: the outputs after it must still be written
    args = ["scan", str(demo_root), "-q", "--json", str(bad), "--html", str(tmp_path / "r.html")]
    args += ["--markdown", str(tmp_path / "r.md")]
    code, _, err = run(args, capsys)
    assert code == 2
    assert (tmp_path / "r.html").is_file() and (tmp_path / "r.md").is_file()
    reasons = [line for line in err.splitlines() if str(bad) in line]
    assert len(reasons) == 1 and reasons[0].startswith("assess: ") and "cannot write" in reasons[0]


def test_render_with_an_unwritable_output_exits_2(
    scanned: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = run(
        ["render", str(scanned / "r.json"), "--markdown", str(blocker / "r.md"), "--html", str(tmp_path / "r.html")],
        capsys,
    )
    assert code == 2 and (tmp_path / "r.html").is_file()
    assert sum(1 for line in err.splitlines() if "cannot write" in line) == 1


def test_checks_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["checks"], capsys)
    assert code == 0 and "sdk-in-browser" in out and "spend-limit" in out
    code, out, _ = run(["explain", "sdk-in-browser"], capsys)
    assert code == 0
    for section in ("## What it finds", "## Why it costs money", "## What to do instead", "## References"):
        assert section in out
    code, _, err = run(["explain", "no-such-check"], capsys)
    assert code == 2 and "no-such-check" in err


def test_explain_accepts_every_id_that_checks_lists(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["checks"], capsys)
    assert code == 0
    checks_part, questions_part = out.split("Questions (keys of the answers file):")
    check_ids = [line.split()[0] for line in checks_part.splitlines()[1:] if line.startswith("  ")]
    question_ids = [line.split()[0] for line in questions_part.splitlines() if line.startswith("  ")]
    assert check_ids and question_ids
    for qid in question_ids:
        code, text, err = run(["explain", qid], capsys)
        assert code == 0, err
        assert text.startswith(f"# {qid}: ") and "## Values (answers file)" in text
    code, text, _ = run(["explain", "spend-limit"], capsys)
    assert "  hard-limit " in text and "    value: hard-limit" in text
    for cid in check_ids[:3]:
        assert run(["explain", cid], capsys)[0] == 0


def test_the_answers_file_hint_names_commands_that_exist(capsys: pytest.CaptureFixture[str]) -> None:
    import re
    import shlex

    from assess.answers import HEADER

    commands = re.findall(r"`(assess [^`]+)`", HEADER)
    assert commands
    for command in commands:
        argv = [word if word != "ID" else "spend-limit" for word in shlex.split(command)[1:]]
        code, out, err = run(argv, capsys)
        assert code == 0 and out, f"{command}: {err}"


def test_no_terminal_behaves_as_scan(demo_root: Path) -> None:
    proc = subprocess.run(
        [*ASSESS, str(demo_root)], capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "score" in proc.stdout and "Fix first" in proc.stdout


def test_help_is_plain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0 and "scan" in out and "demo" in out and "render" in out


def test_demo_command_writes_reports(tmp_path: Path) -> None:
    env = {**os.environ, "ASSESS_NO_TUI": "1"}
    proc = subprocess.run(
        [*ASSESS, "demo", "-q", "--json", "r.json", "--html", "r.html"],
        capture_output=True, text=True, cwd=tmp_path, env=env, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["project"]["root"] == "quillmate (assess demo)"
    assert "/tmp" not in (tmp_path / "r.html").read_text().split("<body", 1)[1][:2000]


def test_stdout_pdf_is_binary_clean(demo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proc = subprocess.run([*ASSESS, "scan", str(demo_root), "--pdf", "-"], capture_output=True, check=False)
    assert proc.returncode == 0
    assert proc.stdout.startswith(b"%PDF")
    assert PdfReader(io.BytesIO(proc.stdout)).pages


def test_demo_in_a_terminal_opens_the_questionnaire(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import assess.tui.app

    seen: list[list[str]] = []

    def fake_tui(argv: list[str]) -> int:
        seen.append(argv)
        assert (Path(argv[0]) / ".assess" / "answers.yaml").exists()
        return 0

    monkeypatch.setattr(cli, "_interactive", lambda: True)
    monkeypatch.setattr(assess.tui.app, "run_tui", fake_tui)
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(["demo"], capsys)
    assert code == 0 and seen == [[str(Path("assess-demo") / "quillmate")]]
    assert (tmp_path / "assess-demo" / "quillmate").is_dir(), "kept so the reports written there stay"
