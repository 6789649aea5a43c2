"""The app's state without the app: where to resume, where to go, and answers written as given."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.answers import load_answers, save_answer
from assess.assessment import ScanSnapshot
from assess.catalog import Catalog
from assess.errors import InputError
from assess.tui.app import build_app, parse_args, run_tui, scan_line
from assess.tui.session import ReportTargets, Session
from tests.tui.conftest import frozen_snapshot


@pytest.fixture
def session(demo_root: Path, answers: Path, catalog: Catalog) -> Session:
    return Session.open(demo_root, answers, display_root="quillmate", catalog=catalog)


def test_before_the_scan_lands(session: Session) -> None:
    ids = [s.question.id for s in session.flow()]
    assert "provider-tier" not in ids, "provider questions wait for the scan to name the providers"
    assert all(s.detected is None for s in session.flow())
    before = session.result()  # a result exists before the scan, from answers alone, with no overall score
    assert before.score is None and before.coverage.note == "the code is still being scanned"


def test_flow_follows_the_checklist_order(session: Session, demo_snapshot: ScanSnapshot) -> None:
    session.snapshot = frozen_snapshot(session.root)
    items = [s.question.checklist for s in session.flow()]
    order = ["backend-proxy", "rate-limits", "billing-alerts", "usage-monitoring", "retry-logic", "key-hygiene"]
    assert list(dict.fromkeys(items)) == [*order, "efficiency"]
    assert len(session.flow()) <= 12


def test_at_most_twelve_questions_even_when_every_condition_holds(session: Session, answers: Path) -> None:
    session.snapshot = frozen_snapshot(session.root)
    session.answer("spend-limit", "hard-limit")
    assert len(session.flow()) == 12


def test_resume_point_and_moves(session: Session, answers: Path, catalog: Catalog) -> None:
    session.snapshot = frozen_snapshot(session.root)
    assert session.resume_point() == "ai-calls-location"
    save_answer(answers, catalog, "ai-calls-location", "some-client", "detected")
    save_answer(answers, catalog, "spend-limit", "none")
    reopened = Session.open(session.root, answers, catalog=catalog)
    reopened.snapshot = session.snapshot
    assert reopened.resume_point() == "rate-limit-scope"
    assert reopened.next_unanswered("rate-limit-scope") == "spend-alerts"
    assert reopened.next_question("rate-limit-scope") == "spend-limit"
    assert reopened.previous_question("ai-calls-location") is None
    assert reopened.previous_question("spend-alerts") == "spend-limit"
    # a question that no longer applies still has a place in the order
    assert reopened.next_question("spend-cap-amount") == "spend-alerts"
    assert reopened.position("spend-alerts") == (4, 10, None)
    assert reopened.position("spend-cap-amount") == (0, 10, None)


def test_answer_writes_now_and_keeps_other_sessions_answers(session: Session, answers: Path, catalog: Catalog) -> None:
    assert session.answer("spend-limit", "alert-only") is True
    save_answer(answers, catalog, "spend-alerts", "yes")  # another session, same file
    assert session.answer("retry-policy", "capped") is True
    on_disk = load_answers(answers, catalog)
    assert {q: a.value for q, a in on_disk.items()} == {
        "spend-limit": "alert-only",
        "spend-alerts": "yes",
        "retry-policy": "capped",
    }
    assert session.stored == on_disk
    stamp = on_disk["spend-limit"].answered_at
    assert session.answer("spend-limit", "alert-only") is False, "the same answer again writes nothing"
    assert load_answers(answers, catalog)["spend-limit"].answered_at == stamp


def test_input_errors_come_before_the_app(tmp_path: Path, demo_root: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        run_tui([str(tmp_path / "missing")])
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nanswers:\n  spend-limit: {value: maybe}\n")
    with pytest.raises(InputError, match="not a choice"):
        run_tui([str(demo_root), "--answers", str(bad)])
    with pytest.raises(InputError, match="unrecognized arguments"):
        run_tui([str(demo_root), "--fail-under", "50"])


def test_arguments(tmp_path: Path, demo_root: Path) -> None:
    args = parse_args([])
    assert args.path == "." and args.answers is None
    app = build_app([str(demo_root), "--answers", str(tmp_path / "a.yaml"), "--include-vendored"])
    assert app.options.include_vendored
    assert app.reports == ReportTargets(html=tmp_path / "report.html", pdf=tmp_path / "report.pdf")


def test_project_config_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSESS_ANSWERS", raising=False)
    project = tmp_path / "proj"
    project.mkdir()
    (project / ".assess.toml").write_text(
        'answers = "ops/answers.yaml"\nexclude = ["legacy/**"]\ndisable = ["sdk-in-browser"]\n'
        '[outputs]\npdf = "out/assess.pdf"\n'
    )
    app = build_app([str(project)])
    assert app.session.answers_path == project / "ops" / "answers.yaml"
    assert app.options.exclude == ("legacy/**",)
    assert app.options.disabled == frozenset({"sdk-in-browser"})
    assert app.reports.pdf == project / "out" / "assess.pdf"  # the config's paths are the project's
    assert app.reports.html == project / "ops" / "report.html"
    (project / ".assess.toml").write_text("fail_undr = 3\n")
    with pytest.raises(InputError, match="unknown key 'fail_undr'"):
        build_app([str(project)])


def test_the_scan_line_names_the_second_round() -> None:
    """After the walk, deferred files that lead to an LLM call are scanned: the status line says so."""
    assert scan_line("scan", 5, 21).startswith("Scanning: 5 of 21 files")
    line = scan_line("follow", 3, 12)
    assert line.startswith("Scanning: following imports to the LLM calls, 3 of 12 files")


@pytest.mark.parametrize("answers_exists_here", [False, True])
def test_the_tui_and_the_cli_read_settings_into_the_same_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers_exists_here: bool
) -> None:
    """One settings -> options function: relative paths resolve alike. The project's config names paths
    in the project, even when the working folder holds a file of that name."""
    from assess import cli

    for name in ("ANSWERS", "IGNORE_FILE", "EXCLUDE", "DISABLE", "MAX_FILE_SIZE"):
        monkeypatch.delenv(f"ASSESS_{name}", raising=False)
    project, here = tmp_path / "proj", tmp_path / "here"
    project.mkdir()
    here.mkdir()
    monkeypatch.chdir(here)
    if answers_exists_here:
        (here / "ops").mkdir()
        (here / "ops" / "answers.yaml").write_text("")
    (project / ".assess.toml").write_text(
        'answers = "ops/answers.yaml"\nignore_file = "ops/ignore.yaml"\nexclude = ["legacy/**"]\n'
        'disable = ["sdk-in-browser"]\nmax_file_size = 5000\nstale_answer_days = 30\n'
        '[severity]\nsdk-in-browser = "low"\n'
    )
    args = cli.build_parser().parse_args(["scan", str(project)])
    from_cli = cli._options(project, args, cli._settings(project, args), None)
    from_tui = build_app([str(project)]).options
    assert from_tui == from_cli
    assert from_cli.answers_path == project / "ops" / "answers.yaml"
    assert from_cli.ignore_path == project / "ops" / "ignore.yaml"


def test_verify_names_and_readings(session: Session, demo_root: Path) -> None:
    from assess.models import Verification

    assert session.verify_names() == (), "before the scan no provider is known"
    session.snapshot = frozen_snapshot(demo_root)  # Anthropic and OpenAI
    assert set(session.verify_names()) == {"anthropic", "openai"}
    first = Verification(provider="openai", read_at="2026-12-07T10:00:00+00:00", errors=["OpenAI: HTTP 503"])
    other = Verification(provider="anthropic", read_at="2026-12-07T10:00:00+00:00")
    session.add_verifications([first, other])
    again = Verification(provider="openai", read_at="2026-12-07T11:00:00+00:00", answers={"spend-limit": "none"})
    session.add_verifications([again])
    assert session.verifications == [other, again], "a provider read again replaces its earlier reading"
    assert session.result().verifications == [other, again]
