"""The result JSON: the contract other tools read, and what `assess render` re-renders from."""

from __future__ import annotations

from assess.models import AssessmentResult
from assess.result_io import dump_result


def render_json(result: AssessmentResult) -> str:
    return dump_result(result)
