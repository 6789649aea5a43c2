"""Shared fixtures: the real catalog, the demo project unpacked with generated keys, its assessment."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assess.catalog import Catalog, load_catalog
from assess.fakekeys import has_tokens, materialize
from assess.models import AssessmentResult

REPO = Path(__file__).resolve().parent.parent


def copy_materialized(source: Path, target: Path, seed: str = "test") -> Path:
    """Copy a fixture tree, turning `<<ASSESS_FAKE_KEY:kind>>` tokens into generated keys."""
    for path in sorted(source.rglob("*")):
        dest = target / path.relative_to(source)
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        if b"<<ASSESS_FAKE_KEY:" in data:
            text = data.decode("utf-8")
            if has_tokens(text):
                dest.write_text(materialize(text, seed), encoding="utf-8")
                continue
        shutil.copyfile(path, dest)
    return target


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from assess.demo import unpack_demo

    with unpack_demo(tmp_path_factory.mktemp("demo")) as root:
        yield root


@pytest.fixture(scope="session")
def demo_result(demo_root: Path, catalog: Catalog) -> AssessmentResult:
    from assess.assessment import ScanOptions, run_assessment

    return run_assessment(demo_root, catalog, ScanOptions(display_root="quillmate"))
