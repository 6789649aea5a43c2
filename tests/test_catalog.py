"""Catalog loading: the shipped catalog is valid; every kind of mistake names its file (and line)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assess import paths
from assess.catalog import Catalog, load_catalog
from assess.errors import InputError
from assess.models import CHECKLIST_ORDER


def test_shipped_catalog_covers_the_checklist(catalog: Catalog) -> None:
    assert list(catalog.items) == list(CHECKLIST_ORDER)
    for item in CHECKLIST_ORDER:
        assert catalog.questions_for(item), f"no question for {item}"
    assert len(catalog.checks) >= 3
    for check in catalog.checks.values():
        assert check.why and check.fix.default and check.pass_title


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    checks = tmp_path / "checks"
    questions = tmp_path / "questions"
    shutil.copytree(paths.checks_dir(), checks)
    shutil.copytree(paths.questions_dir(), questions)
    return checks, questions


def _error(trees: tuple[Path, Path]) -> InputError:
    with pytest.raises(InputError) as info:
        load_catalog(*trees)
    return info.value


def test_copy_loads(trees: tuple[Path, Path]) -> None:
    assert load_catalog(*trees).checks


def test_unknown_key_names_file_and_line(trees: tuple[Path, Path]) -> None:
    path = trees[0] / "sdk-in-browser" / "check.yaml"
    path.write_text(path.read_text() + "severty: high\n")
    err = _error(trees)
    assert err.path == str(path)
    assert "unknown key 'severty'" in err.message
    assert err.line == len(path.read_text().splitlines())


def test_missing_field(trees: tuple[Path, Path]) -> None:
    path = trees[0] / "sdk-in-browser" / "check.yaml"
    data = yaml.safe_load(path.read_text())
    del data["why"]
    path.write_text(yaml.safe_dump(data))
    err = _error(trees)
    assert err.path == str(path) and "missing field 'why'" in err.message


def test_duplicate_check_id(trees: tuple[Path, Path]) -> None:
    shutil.copytree(trees[0] / "sdk-in-browser", trees[0] / "sdk-in-browser-copy")
    err = _error(trees)
    assert "must match its folder" in err.message and "sdk-in-browser-copy" in str(err.path)


def test_duplicate_question_id(trees: tuple[Path, Path]) -> None:
    source = (trees[1] / "rate-limits.yaml").read_text()
    dup = source.replace("id: rate-limits", "id: efficiency").replace("weight: 15", "weight: 1")
    (trees[1] / "efficiency.yaml").write_text(dup)
    err = _error(trees)
    assert err.path is not None and err.path.endswith(".yaml")


def test_broken_yaml_names_line(trees: tuple[Path, Path]) -> None:
    path = trees[1] / "retry-logic.yaml"
    path.write_text("checklist:\n  id: retry-logic\n  title: [unclosed\n")
    err = _error(trees)
    assert err.path == str(path) and err.line is not None and "invalid YAML" in err.message


def test_invalid_ast_grep_rule(trees: tuple[Path, Path]) -> None:
    path = trees[0] / "sdk-in-browser" / "check.yaml"
    path.write_text(path.read_text().replace("kind: pair", "kind: no_such_node_kind"))
    err = _error(trees)
    assert err.path == str(path) and "invalid ast-grep rule" in err.message


def test_yaml_aliases_refused(trees: tuple[Path, Path]) -> None:
    path = trees[1] / "retry-logic.yaml"
    bomb = "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"
    path.write_text(bomb)
    err = _error(trees)
    assert "aliases are not allowed" in err.message and err.path == str(path)


def test_detect_must_name_a_real_check(trees: tuple[Path, Path]) -> None:
    path = trees[1] / "retry-logic.yaml"
    path.write_text(path.read_text().replace("[tenacity-retry-without-stop,", "[no-such-check,"))
    err = _error(trees)
    assert "unknown check" in err.message


def test_duplicate_yaml_key_names_line(trees: tuple[Path, Path]) -> None:
    path = trees[0] / "sdk-in-browser" / "check.yaml"
    path.write_text(path.read_text().replace("severity: critical\n", "severity: critical\nseverity: low\n"))
    err = _error(trees)
    assert err.path == str(path) and "duplicate key 'severity'" in err.message
    assert path.read_text().splitlines()[err.line - 1] == "severity: low"  # type: ignore[operator]
