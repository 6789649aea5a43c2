"""The catalog cache: a run reads the validated catalog from the user's cache folder only while every file
it was loaded from (and assess's own code) is byte for byte the same, and only if this machine signed it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from assess import catalog as catalog_module
from assess import paths, signed
from assess.catalog import load_catalog
from assess.errors import InputError
from assess.scan.matching.rulegate import literals, rule_formula
from assess.scan.plan import ScanPlan


@pytest.fixture
def trees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    monkeypatch.delenv("ASSESS_NO_CACHE", raising=False)
    checks, questions = tmp_path / "checks", tmp_path / "questions"
    shutil.copytree(paths.checks_dir(), checks)
    shutil.copytree(paths.questions_dir(), questions)
    return checks, questions


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The catalogs really loaded from YAML (cache misses)."""
    seen: list[Path] = []
    real = catalog_module._load

    def counting(checks_root: Path, questions_root: Path) -> Any:
        seen.append(checks_root)
        return real(checks_root, questions_root)

    monkeypatch.setattr(catalog_module, "_load", counting)
    return seen


def test_a_second_load_comes_from_the_cache_and_is_the_same(trees: tuple[Path, Path], loads: list[Path]) -> None:
    first = load_catalog(*trees)
    second = load_catalog(*trees)
    assert len(loads) == 1
    assert second.checks.keys() == first.checks.keys() and second.facts.keys() == first.facts.keys()
    assert all(second.checks[k].model_dump() == first.checks[k].model_dump() for k in first.checks)
    assert second.questions == first.questions


def test_a_changed_file_is_read_again_and_its_mistake_reported(trees: tuple[Path, Path], loads: list[Path]) -> None:
    checks, _ = trees
    load_catalog(*trees)
    check_file = next(checks.glob("*/check.yaml"))
    check_file.write_text(check_file.read_text(encoding="utf-8").replace("severity:", "severity: nonsense\nx:", 1))
    with pytest.raises(InputError) as info:
        load_catalog(*trees)
    assert str(check_file) in str(info.value)
    with pytest.raises(InputError):  # a bad catalog is never kept: still reported on the next run
        load_catalog(*trees)
    assert len(loads) == 3


def test_a_cache_signed_elsewhere_is_not_believed(
    trees: tuple[Path, Path], loads: list[Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    load_catalog(*trees)
    stored = catalog_module._cache_path().read_bytes()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-machine"))  # another key
    catalog_module._cache_path().parent.mkdir(parents=True, exist_ok=True)
    catalog_module._cache_path().write_bytes(stored)
    load_catalog(*trees)
    assert len(loads) == 2
    assert signed.machine_key() is not None


def test_no_cache_when_turned_off(trees: tuple[Path, Path], loads: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_NO_CACHE", "1")
    load_catalog(*trees)
    load_catalog(*trees)
    assert len(loads) == 2
    assert not catalog_module._cache_path().exists()


def test_the_cached_catalog_brings_the_rule_gate_formulas_of_its_own_rules(
    trees: tuple[Path, Path], loads: list[Path]
) -> None:
    load_catalog(*trees)
    cached = load_catalog(*trees)
    assert len(loads) == 1
    configs = {id(rule): rule for check in cached.checks.values() for rule in check.rules.values()}
    assert configs and set(configs) <= {id(config) for config, _, _ in cached.gate}  # the very objects
    gate = ScanPlan.build(cached).gate  # a plan's gate starts from the catalog's formulas
    for config, formula, words in cached.gate:
        assert formula == rule_formula(config)
        assert gate.formula(config) == formula
        assert words == literals(formula) and gate.words(config) == words


def test_a_cache_file_others_could_write_is_not_read(trees: tuple[Path, Path], loads: list[Path]) -> None:
    """The catalog cache is pickled: it is read only while it is this user's file that nobody else can write,
    and its key is this user's alone (assess/signed.py)."""
    load_catalog(*trees)
    stored = catalog_module._cache_path()
    assert stored.stat().st_mode & 0o777 == 0o600
    stored.chmod(0o666)
    load_catalog(*trees)
    assert len(loads) == 2, "a file others could have written is loaded again from YAML"
    assert stored.stat().st_mode & 0o777 == 0o600, "and stored privately"
    load_catalog(*trees)
    assert len(loads) == 2
