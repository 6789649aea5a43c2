"""Earlier results for the score trend: loaded from result JSON files or folders of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assess.errors import InputError
from assess.models import AssessmentResult

MAX_HISTORY = 24  # the chart stays readable; older points are dropped first


@dataclass(frozen=True)
class HistoryPoint:
    generated_at: str
    score: int | None  # None: not assessed (no paid AI usage found, or a partial run)
    grade: str | None
    commit: str | None
    open_findings: int

    @classmethod
    def of(cls, result: AssessmentResult) -> HistoryPoint:
        return cls(
            generated_at=result.generated_at,
            score=result.score,
            grade=result.grade,
            commit=result.project.commit,
            open_findings=sum(1 for f in result.findings if not f.suppressed),
        )


def _moment(point: HistoryPoint) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(point.generated_at)
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _result_files(sources: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files.extend(sorted(p for p in source.glob("*.json") if p.is_file()))
        elif source.is_file():
            files.append(source)
        else:
            raise InputError("history: no such file or folder", source)
    return files


def load_history(sources: Iterable[Path]) -> list[HistoryPoint]:
    """Each source is a result JSON or a folder of them; a file that is not an assess result is an error."""
    from assess.result_io import load_result

    return [HistoryPoint.of(load_result(path)) for path in _result_files(sources)]


def history_points(result: AssessmentResult, earlier: Sequence[HistoryPoint]) -> list[HistoryPoint]:
    """This result among the earlier ones, oldest first; empty when there is nothing to compare with.

    A point at the same moment as this result (its own JSON in the history folder) counts once.
    """
    current = HistoryPoint.of(result)
    unique = {p.generated_at: p for p in earlier}
    unique[current.generated_at] = current
    if len(unique) < 2:
        return []
    ordered = sorted(unique.values(), key=_moment)
    position = ordered.index(current)
    # keep the newest points, and this result even when it is older than all of them
    kept = ordered[-MAX_HISTORY:]
    if current not in kept:
        kept = [*ordered[max(0, position - MAX_HISTORY + 1) : position + 1]]
    return kept
