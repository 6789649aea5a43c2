"""The saved result: what `--json` writes reads back as the same result; a bad file is bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assess.baseline import load_baseline
from assess.errors import InputError
from assess.models import SCHEMA_VERSION
from assess.report.json_report import render_json
from assess.result_io import load_result, save_result
from tests.report.conftest import fixed_result


def test_a_saved_result_loads_back_equal_and_as_the_json_output(tmp_path: Path) -> None:
    result = fixed_result()
    path = tmp_path / "r.json"
    save_result(result, path)
    assert load_result(path) == result
    assert path.read_text(encoding="utf-8") == render_json(result)
    assert load_baseline(path).fingerprints == {f.id for f in result.findings}


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "result file not found"),
        ("{}", "not an assess result"),
        ("no json", "not an assess result"),
    ],
)
def test_a_bad_file_is_input_error(tmp_path: Path, content: str | None, says: str) -> None:
    path = tmp_path / "r.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=says):
        load_result(path)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    data = json.loads(render_json(fixed_result()))
    data["schema_version"] = SCHEMA_VERSION + 1
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match="newer"):
        load_result(path)
