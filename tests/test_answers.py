"""The answers file: validated against the catalog, errors name file and line, saves are atomic."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from assess.answers import forget_answer, load_answers, save_answer
from assess.catalog import Catalog, load_catalog
from assess.errors import InputError


def test_missing_file_means_no_answers(tmp_path: Path, catalog: Catalog) -> None:
    assert load_answers(tmp_path / "none.yaml", catalog) == {}


def test_save_then_load_round_trip(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / ".assess" / "answers.yaml"
    save_answer(path, catalog, "spend-limit", "hard-limit")
    save_answer(path, catalog, "retry-policy", "capped")
    save_answer(path, catalog, "spend-limit", "alert-only")  # a later answer replaces the earlier one
    answers = load_answers(path, catalog)
    assert {k: v.value for k, v in answers.items()} == {"spend-limit": "alert-only", "retry-policy": "capped"}
    assert all(a.source == "user" and a.answered_at for a in answers.values())
    assert not list(path.parent.glob("*.tmp")), "temp files left behind"


@pytest.mark.parametrize(
    ("body", "fragment", "line"),
    [
        ("version: 1\nanswers:\n  no-such-question:\n    value: x\n", "unknown question id 'no-such-question'", 3),
        ("version: 1\nanswers:\n  spend-limit:\n    value: maybe\n", "'maybe' is not a choice of 'spend-limit'", 4),
        ("version: 1\nanswers:\n  spend-limit:\n    valu: hard-limit\n", "unknown key 'valu'", 4),
        ("version: 1\nanswers:\n  spend-limit: [\n", "invalid YAML", 4),
        ("version: 7\nanswers: {}\n", "version", 1),
        ("- a\n- b\n", "expected a mapping", 1),
        ("version: 1\nanswers:\n  spend-limit:\n    value: 3\n", "Input should be a valid string", 4),
    ],
)
def test_bad_answers_name_file_and_line(tmp_path: Path, catalog: Catalog, body: str, fragment: str, line: int) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(body)
    with pytest.raises(InputError) as info:
        load_answers(path, catalog)
    assert fragment in info.value.message
    assert info.value.path == str(path)
    assert info.value.line == line


def test_save_rejects_invalid_value(tmp_path: Path, catalog: Catalog) -> None:
    with pytest.raises(InputError):
        save_answer(tmp_path / "a.yaml", catalog, "spend-limit", "maybe")
    assert not (tmp_path / "a.yaml").exists()


def _answer_many(path: str, qid: str, values: list[str]) -> None:
    catalog = load_catalog()
    for value in values:
        save_answer(Path(path), catalog, qid, value)


def test_two_processes_answering_at_once_lose_nothing(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "answers.yaml"
    ctx = multiprocessing.get_context("spawn")
    workers = [
        ctx.Process(target=_answer_many, args=(str(path), "spend-limit", ["hard-limit", "alert-only"] * 10)),
        ctx.Process(target=_answer_many, args=(str(path), "retry-policy", ["partly", "capped"] * 10)),
        ctx.Process(target=_answer_many, args=(str(path), "leaked-key-runbook", ["yes", "no"] * 10)),
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    answers = load_answers(path, catalog)
    assert answers["spend-limit"].value == "alert-only"
    assert answers["retry-policy"].value == "capped"
    assert answers["leaked-key-runbook"].value == "no"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yaml"], "the lock file is removed after use"


def test_no_lock_file_is_left_beside_the_answers(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / ".assess" / "answers.yaml"
    save_answer(path, catalog, "spend-limit", "hard-limit")
    forget_answer(path, catalog, "spend-limit")
    assert sorted(p.name for p in path.parent.iterdir()) == ["answers.yaml"]


def test_saved_files_follow_the_umask(tmp_path: Path, catalog: Catalog) -> None:
    import os

    old = os.umask(0o022)
    try:
        save_answer(tmp_path / "a.yaml", catalog, "spend-limit", "hard-limit")
    finally:
        os.umask(old)
    assert (tmp_path / "a.yaml").stat().st_mode & 0o777 == 0o644


def test_accepted_evidence_that_is_gone_is_asked_again(catalog: Catalog) -> None:
    from assess.models import StoredAnswer
    from assess.questionnaire import question_flow

    stored = {"ai-calls-location": StoredAnswer(value="some-client", source="detected")}
    (state,) = [s for s in question_flow(catalog, [], stored, []) if s.question.id == "ai-calls-location"]
    assert state.stored is None and state.effective is None
    stored = {"ai-calls-location": StoredAnswer(value="some-client", source="user")}
    (state,) = [s for s in question_flow(catalog, [], stored, []) if s.question.id == "ai-calls-location"]
    assert state.effective == "some-client"


def test_questions_come_in_checklist_order(catalog: Catalog) -> None:
    from assess.models import CHECKLIST_ORDER

    order = [CHECKLIST_ORDER.index(q.checklist) for q in catalog.questions.values()]
    assert order == sorted(order)
