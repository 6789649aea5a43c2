"""The answers file: load and validate against the catalog, save each answer atomically as given."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import yaml
from pydantic import ValidationError

from assess.atomic import write_text_atomic
from assess.catalog import Catalog
from assess.errors import InputError
from assess.models import AnswersFile, AnswerSource, StoredAnswer
from assess.yamlio import read_yaml, validation_error

DEFAULT_ANSWERS = Path(".assess") / "answers.yaml"
HEADER = (
    "# assess answers: what code cannot prove. Commit this file so CI scores the same way.\n"
    "# Each key is a question id (listed by `assess checks`; `assess explain ID` shows one); value is one of\n"
    "# its choices.\n"
)


def default_path(project_root: Path) -> Path:
    return project_root / DEFAULT_ANSWERS


def load_answers(path: Path, catalog: Catalog) -> dict[str, StoredAnswer]:
    """Validated answers by question id; a missing file means no answers yet."""
    if not path.exists() and not path.is_symlink():  # a dangling or looping link is read, and refused
        return {}
    doc = read_yaml(path)
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        raise InputError("expected a mapping with 'answers'", path, 1)
    try:
        parsed = AnswersFile.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(doc, exc) from None
    for qid, answer in parsed.answers.items():
        question = catalog.questions.get(qid)
        if question is None:
            raise InputError(f"unknown question id '{qid}'", path, doc.line_of(("answers", qid)))
        if question.choice(answer.value) is None:
            allowed = ", ".join(c.value for c in question.choices)
            raise InputError(
                f"'{answer.value}' is not a choice of '{qid}' (one of: {allowed})",
                path,
                doc.line_of(("answers", qid, "value")),
            )
    # a file cannot vouch for a provider's settings: only a run of `assess verify` makes an answer verified
    return {
        qid: a.model_copy(update={"source": "user"}) if a.source.startswith("verified:") else a
        for qid, a in parsed.answers.items()
    }


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Two sessions answering at once must not lose each other's answers: read-modify-write under a lock.

    The lock file (`answers.yaml.lock`) lives only while a save runs, so none is left beside the answers
    for a user to commit or wonder about. It is removed while still held; a waiter that then gets the lock
    on the removed file sees that the path no longer names it and takes the lock again on a fresh one.
    """
    lock_path = path.with_name(path.name + ".lock")
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:  # a read-only folder: the answer is not saved, and the caller says so
            raise InputError(f"cannot save the answer: {exc.strerror or exc}", path) from None
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            held = os.fstat(fd)
            current = os.stat(lock_path)
            if (held.st_dev, held.st_ino) == (current.st_dev, current.st_ino):
                break
        except FileNotFoundError:
            pass
        os.close(fd)  # the file was removed by the session before: lock the new one
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock_path)
        os.close(fd)  # closing releases the lock


def dump_answers(answers: dict[str, StoredAnswer]) -> str:
    body = {
        "version": 1,
        "answers": {qid: a.model_dump(exclude_none=True) for qid, a in sorted(answers.items())},
    }
    return HEADER + yaml.safe_dump(body, sort_keys=False, default_style=None, allow_unicode=True)


def save_answer(path: Path, catalog: Catalog, question_id: str, value: str, source: AnswerSource = "user") -> None:
    """Record one answer now, keeping every other answer in the file."""
    if question_id not in catalog.questions or catalog.questions[question_id].choice(value) is None:
        raise InputError(f"'{value}' is not a valid answer to '{question_id}'", path)
    with _locked(path):
        answers = load_answers(path, catalog)
        stamp = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        answers[question_id] = StoredAnswer(value=value, source=source, answered_at=stamp)
        write_text_atomic(path, dump_answers(answers))


def forget_answer(path: Path, catalog: Catalog, question_id: str) -> None:
    with _locked(path):
        answers = load_answers(path, catalog)
        if answers.pop(question_id, None) is not None:
            write_text_atomic(path, dump_answers(answers))
