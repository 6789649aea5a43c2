"""The saved result JSON: written by `--json`, read back by `assess render`, `--baseline` and `--trend`.

The core and every renderer go through here, so no core module depends on a renderer to read a result.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from assess.atomic import write_text_atomic
from assess.errors import InputError
from assess.models import SCHEMA_VERSION, AssessmentResult
from assess.safe_read import read_text_capped

MAX_RESULT_BYTES = 512 * 1024 * 1024  # a saved result (baseline, --trend, render): never read without end


def dump_result(result: AssessmentResult) -> str:
    """The result as the JSON document `--json` writes (indented, one trailing newline)."""
    return result.model_dump_json(indent=2) + "\n"


def save_result(result: AssessmentResult, path: Path) -> None:
    """Write the result JSON to `path` atomically."""
    write_text_atomic(path, dump_result(result))


def load_result(path: Path) -> AssessmentResult:
    """A saved result, validated; InputError (exit 2) for a missing, unreadable, invalid or newer file."""
    try:
        raw = read_text_capped(path, MAX_RESULT_BYTES, pipe_ok=True)  # the user's own file: `<(git show ...)` too
    except FileNotFoundError:
        raise InputError("result file not found", path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError as exc:
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
