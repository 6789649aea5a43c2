"""`assess render` with the report options: --markdown, --history, --page-size."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess import cli
from assess.result_io import save_result
from tests.report.conftest import fixed_result


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    (tmp_path / "history").mkdir()
    old = fixed_result(generated_at="2026-10-01T08:00:00+00:00", score=20)
    save_result(old, tmp_path / "history" / "old.json")
    path = tmp_path / "result.json"
    save_result(fixed_result(), path)
    return path


def test_render_markdown_to_stdout_and_html_with_history(saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html = saved.parent / "report.html"
    code, out, err = run(
        ["render", str(saved), "--markdown", "-", "--html", str(html), "--history", str(saved.parent / "history")],
        capsys,
    )
    assert code == 0, err
    assert out.startswith("## AI cost-risk assessment: acme-chat")
    text = html.read_text()
    assert "Score history" in text and "(+18)" in text


def test_bad_report_options_are_bad_input(saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["render", str(saved), "--html", "x.html", "--page-size", "tabloid"], capsys)
    assert code == 2 and "--page-size" in err
    code, _, err = run(["render", str(saved), "--html", "x.html", "--history", str(saved.parent / "nope")], capsys)
    assert code == 2 and "history: no such file or folder" in err
