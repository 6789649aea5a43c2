"""The catalog side of project checks: shared utils merged per rule, fact rules and judges validated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assess import paths
from assess.catalog import Catalog, load_checks
from assess.errors import InputError
from assess.scan.matching.rulebook import load_rulebook

PROJECT_CHECK = """\
id: my-check
title: t
pass_title: p
checklist: rate-limits
severity: low
languages: [python]
scope: any
keywords: [x]
engine: project
message: m
why: w
fix: {default: f}
"""


def _catalog_with(tmp_path: Path, extra: str) -> Path:
    root = tmp_path / "checks"
    root.mkdir()
    shutil.copytree(paths.checks_dir() / "_shared", root / "_shared")
    shutil.copytree(paths.checks_dir() / "_facts", root / "_facts")
    shutil.copy(paths.checks_dir() / "_providers.yaml", root / "_providers.yaml")  # fills {provider_hosts}
    (root / "my-check").mkdir()
    (root / "my-check" / "check.yaml").write_text(PROJECT_CHECK + extra, encoding="utf-8")
    return root


def test_real_catalog_loads_fact_rules_and_project_checks(catalog: Catalog) -> None:
    assert {"llm-call", "route", "limiter", "usage-read", "iac"} <= set(catalog.facts)
    project = [c for c in catalog.checks.values() if c.engine == "project"]
    assert project and all(c.judge for c in project)


def test_a_rule_gets_only_the_shared_utils_it_reaches(catalog: Catalog) -> None:
    rule = catalog.checks["llm-call-in-loop"].rule_for("python")
    assert rule is not None
    utils = set(rule["utils"])
    assert {"llm-call", "llm-call-openai", "llm-model-arg", "in-unbounded-loop", "bounded-iter"} <= utils
    assert "retry-try" not in utils and "catches-everything" not in utils
    # typescript and tsx use the javascript family's rule and utils
    ts = catalog.checks["llm-call-in-loop"].rule_for("tsx")
    assert ts is not None and "js-function" in ts["utils"]


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ("judge: nobody\n", "unknown judge 'nobody'"),
        ("judge: rate-limits\nfacts: [route, no-such-fact]\n", "unknown fact rule"),
        ("judge: iac-budget\nfacts: [iac]\n", "needs facts ['llm-call']"),
        ("judge: rate-limits\nparams: {report: sometimes}\nfacts: [route, llm-call, function, import, call, limiter, "
         "limiter-def, limiter-call, mount]\n", "params for judge 'rate-limits'"),
        ("judge: expensive-model\nfacts: [llm-call]\n", "params for judge 'expensive-model'"),
        # a deferrable fact is kept only in files on a call chain: a judge that follows none cannot read it
        ("judge: iac-budget\nfacts: [iac, llm-call, route]\n", "deferrable"),
    ],
)  # fmt: skip
def test_a_bad_project_check_names_its_file(tmp_path: Path, extra: str, problem: str) -> None:
    root = _catalog_with(tmp_path, extra)
    with pytest.raises(InputError) as err:
        load_checks(root)
    assert problem in str(err.value) and "my-check" in str(err.value)


def test_a_bad_fact_rule_names_its_file_and_variant(tmp_path: Path) -> None:
    root = tmp_path / "checks"
    (root / "_facts").mkdir(parents=True)
    (root / "_facts" / "broken.yaml").write_text(
        "id: broken\nabout: a\nkeywords: [x]\npython:\n  - label: shape\n    rule: {rule: {kind: no_such_kind}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_rulebook(root)
    assert "broken.yaml" in str(err.value) and "variant 'shape'" in str(err.value)


def test_a_fact_rule_id_must_match_its_file(tmp_path: Path) -> None:
    root = tmp_path / "checks"
    (root / "_facts").mkdir(parents=True)
    (root / "_facts" / "one.yaml").write_text("id: two\nabout: a\nkeywords: [x]\n", encoding="utf-8")
    with pytest.raises(InputError, match="must match its file name"):
        load_rulebook(root)


def test_captures_must_be_metavariable_names(tmp_path: Path) -> None:
    root = tmp_path / "checks"
    (root / "_facts").mkdir(parents=True)
    (root / "_facts" / "one.yaml").write_text("id: one\nabout: a\nkeywords: [x]\ncaptures: [model]\n", encoding="utf-8")
    with pytest.raises(InputError, match="metavariable names"):
        load_rulebook(root)


def test_a_catalog_without_facts_or_shared_utils_still_loads(tmp_path: Path) -> None:
    book = load_rulebook(tmp_path)
    assert book.facts == {} and book.utils.python == {}
