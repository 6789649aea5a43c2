"""The result JSON: the contract other tools read, and what `assess render` re-renders from."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from assess.errors import InputError
from assess.models import SCHEMA_VERSION, AssessmentResult


def render_json(result: AssessmentResult) -> str:
    return result.model_dump_json(indent=2) + "\n"


def load_result(path: Path) -> AssessmentResult:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("result file not found", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", path) from None
    try:
        result = AssessmentResult.model_validate_json(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "document"
        raise InputError(f"not an assess result: {where}: {err['msg']}", path) from None
    if result.schema_version > SCHEMA_VERSION:
        raise InputError(f"schema_version {result.schema_version} is newer than this assess understands", path)
    return result
