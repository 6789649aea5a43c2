"""The wheel carries checks/, questions/, templates/ and the demo, and an installed assess finds them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DIST = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["name"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (built,) = out.glob(f"{DIST.replace('-', '_')}-*.whl")
    return built


def test_distribution_name_is_not_the_unrelated_pypi_project() -> None:
    """`assess` on PyPI is someone else's (Stokes equations): ours installs as another name, runs as `assess`."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["name"] != "assess"
    assert project["scripts"] == {"assess": "assess.cli:main"}


def test_wheel_and_sdist_ship_the_mit_license(wheel: Path, tmp_path: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    (license_file,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    assert "MIT License" in zipfile.ZipFile(wheel).read(license_file).decode()
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert f"Name: {DIST}" in metadata and "License-Expression: MIT" in metadata
    proc = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(tmp_path)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    (sdist,) = tmp_path.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    assert {"LICENSE", "pyproject.toml", ".pre-commit-hooks.yaml"} <= members


def test_wheel_holds_the_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for check_dir in (REPO / "checks").iterdir():
        if (check_dir / "check.yaml").exists():
            assert f"assess/_data/checks/{check_dir.name}/check.yaml" in names
    for question in (REPO / "questions").glob("*.yaml"):
        assert f"assess/_data/questions/{question.name}" in names
    assert "assess/_data/templates/report.html.j2" in names
    assert "assess/demo/project/.env" in names  # dotfiles of the demo are part of the story
    assert "assess/demo/project/web/node_modules/some-dep/index.js" in names


def test_installed_wheel_runs_the_demo_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    # the wheel's copy comes first on the path; dependencies come from this interpreter's site-packages
    env = {**os.environ, "PYTHONPATH": str(target), "ASSESS_NO_TUI": "1"}
    probe = subprocess.run(
        [sys.executable, "-c", "import assess, assess.paths as p; print(assess.__file__); print(p.data_dir())"],
        capture_output=True, text=True, cwd=work, env=env, check=True,
    )  # fmt: skip
    module_file, data_dir = probe.stdout.split()
    assert module_file.startswith(str(target)) and data_dir == str(target / "assess" / "_data")
    run = subprocess.run(
        [sys.executable, "-m", "assess", "demo", "-q", "--json", "r.json"],
        capture_output=True, text=True, cwd=work, env=env, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    data = json.loads((work / "r.json").read_text())
    assert data["findings"], "the installed demo found nothing: data files not found?"


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from assess import cli; cli.build_parser().format_help();"
        "heavy = {'pydantic', 'ast_grep_py', 'weasyprint', 'textual', 'jinja2', 'yaml'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
