"""One table of output formats (assess/formats.py) drives the flags, the settings, `assess render` and the
TUI's report keys: every row is all four, with nothing else to edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess import cli
from assess.config import load_settings
from assess.errors import InputError
from assess.formats import FORMATS, TUI_KEYS, OutputFormat
from assess.result_io import save_result
from assess.tui.session import ReportTargets
from tests.report.conftest import fixed_result


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_a_format_is_a_flag_of_scan_and_render_and_a_setting(fmt: OutputFormat, tmp_path: Path) -> None:
    name = fmt.name
    parser = cli.build_parser()
    assert getattr(parser.parse_args(["scan", ".", f"--{name}", "a"]), name) == "a"
    assert getattr(parser.parse_args(["render", "r.json", f"--{name}", "b"]), name) == "b"
    (tmp_path / ".assess.toml").write_text(f'[outputs]\n{name} = "from-file"\n')
    assert load_settings(tmp_path, {}).outputs.target(name) == str(tmp_path / "from-file")  # the project's
    assert load_settings(tmp_path, {name: "from-flag"}).outputs.target(name) == "from-flag"


def test_an_unknown_output_setting_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / ".assess.toml").write_text('[outputs]\nhtml = "r.html"\nxlsx = "r.xlsx"\n')
    with pytest.raises(InputError, match=r"unknown key 'outputs\.xlsx'") as info:
        load_settings(tmp_path, {})
    assert info.value.line == 3


def test_render_writes_every_format_of_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("assess.report.pdf.render_pdf", lambda result, options=None: b"%PDF-1.7 stub")
    saved = tmp_path / "r.json"
    save_result(fixed_result(), saved)
    flags = [arg for f in FORMATS for arg in (f"--{f.name}", str(tmp_path / f"out{f.suffix}"))]
    with pytest.raises(SystemExit) as info:
        cli.main(["render", str(saved), *flags])
    err = capsys.readouterr().err
    assert info.value.code == 0, err
    for fmt in FORMATS:
        data = (tmp_path / f"out{fmt.suffix}").read_bytes()
        assert data, fmt.name
        assert data.startswith(b"%PDF") if fmt.binary else data.decode("utf-8")
        assert f"wrote {fmt.label} " in err


def test_the_tui_report_keys_come_from_the_table(tmp_path: Path) -> None:
    targets = ReportTargets.beside(tmp_path / "answers.yaml")
    assert {targets.path(f.name) for f in TUI_KEYS.values()} == {
        tmp_path / f"report{f.suffix}" for f in TUI_KEYS.values()
    }
    assert list(TUI_KEYS) == ["p", "h"]
