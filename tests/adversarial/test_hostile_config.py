"""The scanned project's config is the repository's, not the user's: the paths it names (outputs, answers,
ignore file) stay inside the project and are relative to it; flags are the user's own and go anywhere
(reproductions 02 and 22 of issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assess import cli

ANSWERS = "version: 1\nanswers: {}\n"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    return int(info.value.code or 0), capsys.readouterr().err


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_NO_CACHE", "1")
    monkeypatch.setenv("ASSESS_NO_TUI", "1")
    for name in ("ASSESS_ANSWERS", "ASSESS_IGNORE_FILE", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "a.js").write_text("export const x = 1;\n")
    return root


def _config(root: Path, style: str, section: str, key: str, value: str) -> Path:
    """`key = value` in the project's .assess.toml or pyproject.toml, in `section` ("" for the top)."""
    if style == "pyproject":
        path, table = root / "pyproject.toml", "tool.assess" + (f".{section}" if section else "")
        path.write_text(f'[project]\nname = "x"\n\n[{table}]\n{key} = {json.dumps(value)}\n')
    else:
        path = root / ".assess.toml"
        path.write_text((f"[{section}]\n" if section else "") + f"{key} = {json.dumps(value)}\n")
    return path


# (section, key): every path the project's config can name
PATH_KEYS = [("outputs", "markdown"), ("outputs", "json"), ("", "answers"), ("", "ignore_file")]


@pytest.mark.parametrize("style", ["pyproject", "assess-toml"])
@pytest.mark.parametrize(("section", "key"), PATH_KEYS)
@pytest.mark.parametrize("escape", ["absolute", "dotdot", "symlink-folder", "symlink-file", "git", "nul"])
def test_a_project_config_path_out_of_the_project_is_refused(
    style: str, section: str, key: str, escape: str, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    bashrc = victim / "bashrc"
    bashrc.write_text(ANSWERS if key == "answers" else "# my shell startup\n")
    if escape == "absolute":
        value = str(bashrc)
    elif escape == "dotdot":
        value = "sub/../../victim/bashrc"
    elif escape == "symlink-folder":
        (project / "reports").symlink_to(victim)
        value = "reports/bashrc"
    elif escape == "symlink-file":
        (project / "report.md").symlink_to(bashrc)
        value = "report.md"
    elif escape == "git":  # inside, yet the user's: hooks, git's own config
        (project / ".git" / "hooks").mkdir(parents=True)
        value = ".git/hooks/pre-commit"
    else:
        value = "report\0.md"
    config = _config(project, style, section, key, value)
    code, err = _run(["scan", str(project), "-q"], capsys)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"assess: {config}:"), err
    dotted = (f"{section}." if section else "") + key
    assert dotted in lines[0] and "inside the project" in lines[0]
    assert bashrc.read_text() == (ANSWERS if key == "answers" else "# my shell startup\n")
    assert sorted(p.name for p in victim.iterdir()) == ["bashrc"]
    assert not (project / ".git" / "hooks" / "pre-commit").exists()


@pytest.mark.parametrize("style", ["pyproject", "assess-toml"])
def test_relative_output_paths_in_the_config_are_the_projects(
    style: str, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """22: `json = "reports/result.json"` lands in the project's reports/, whatever the current folder."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    _config(project, style, "outputs", "json", "reports/result.json")
    code, err = _run(["scan", "../repo", "-q"], capsys)
    assert code == 0, err
    assert json.loads((project / "reports" / "result.json").read_text())["findings"] is not None
    assert list(elsewhere.iterdir()) == []


def test_answers_and_ignore_file_in_the_config_are_read_from_the_project(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative answers path is the project's even when the current folder holds a file of that name."""
    (project / "conf").mkdir()
    (project / "conf" / "answers.yaml").write_text(ANSWERS)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "conf").mkdir(parents=True)
    (elsewhere / "conf" / "answers.yaml").write_text("this: [is not an answers file\n")
    monkeypatch.chdir(elsewhere)
    (project / ".assess.toml").write_text('answers = "conf/answers.yaml"\nignore_file = "conf/ignore.yaml"\n')
    code, err = _run(["scan", str(project), "-q"], capsys)
    assert code == 0, err


def test_a_path_inside_the_project_through_an_inner_symlink_is_fine(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "out").mkdir()
    (project / "latest").symlink_to(project / "out")
    (project / ".assess.toml").write_text('[outputs]\nmarkdown = "latest/report.md"\n')
    code, err = _run(["scan", str(project), "-q"], capsys)
    assert code == 0, err
    assert (project / "out" / "report.md").read_text().startswith("#")


def test_flags_are_the_users_own_and_go_anywhere(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's flag replaces the config's path, so the config's value is not even judged."""
    _config(project, "pyproject", "outputs", "markdown", "/etc/passwd")
    target = tmp_path / "mine" / "report.md"
    code, err = _run(["scan", str(project), "-q", "--markdown", str(target)], capsys)
    assert code == 0, err
    assert target.read_text().startswith("#")
    monkeypatch.setenv("ASSESS_ANSWERS", str(tmp_path / "answers.yaml"))  # the environment is the user's too
    (tmp_path / "answers.yaml").write_text(ANSWERS)
    (project / "pyproject.toml").write_text('[tool.assess]\nanswers = "/nowhere/answers.yaml"\n')
    code, err = _run(["scan", str(project), "-q"], capsys)
    assert code == 0, err


@pytest.mark.parametrize("link", [".assess", ".assess/answers.yaml", ".assess/ignore.yaml"])
def test_a_committed_assess_folder_linking_out_is_refused(
    link: str, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default answers and ignore files live in PATH/.assess: a link out of the project would have assess
    read them (and the TUI write answers and reports) elsewhere."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine\n")
    (project / link).parent.mkdir(parents=True, exist_ok=True)
    (project / link).symlink_to(victim if link == ".assess" else victim / "keep.txt")
    code, err = _run(["scan", str(project), "-q"], capsys)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "leads out of the project" in err
    assert sorted(p.name for p in victim.iterdir()) == ["keep.txt"]
    flags = ["--answers", str(tmp_path / "a.yaml"), "--ignore-file", str(tmp_path / "i.yaml")]
    code, err = _run(["scan", str(project), "-q", *flags], capsys)
    assert code == 0, err


@pytest.mark.parametrize(
    ("name", "body", "line"),
    [
        (".assess.toml", 'exclude = ["x/**"]\ndisable = ["no-such-check"]\n', 2),
        ("pyproject.toml", '[tool.assess]\n\n[tool.assess.severity]\nmade-up-check = "low"\n', 4),
    ],
)
def test_an_unknown_check_id_in_the_config_names_the_file_and_line(
    name: str, body: str, line: int, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / name).write_text(body)
    code, err = _run(["scan", str(project), "-q"], capsys)
    assert code == 2 and f"{name}:{line}:" in err and "unknown check id" in err and err.count("\n") == 1, err
