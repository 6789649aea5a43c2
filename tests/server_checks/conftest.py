"""Helpers: write a small project from a dict of files and scan it with the real catalog."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assess.assessment import ScanOptions, ScanSnapshot, scan_project
from assess.catalog import Catalog
from assess.scan.matching import engine

Project = Callable[..., ScanSnapshot]


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def scan(tmp_path: Path, catalog: Catalog) -> Project:
    """scan({"path": "text", ...}, only=[check ids]) -> the snapshot of that project."""

    def run(tree: dict[str, str], only: list[str] | None = None, **options: object) -> ScanSnapshot:
        root = write_tree(tmp_path / "project", tree)
        disabled = frozenset(c for c in catalog.checks if only is not None and c not in only)
        return scan_project(root, catalog, ScanOptions(disabled=disabled, **options))  # type: ignore[arg-type]

    return run


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each text is parsed by the engine (in this process: ASSESS_WORKERS=1)."""
    counts: Counter[str] = Counter()
    real = engine.SgRoot

    def counting(text: str, lang: str) -> Any:
        counts[text] += 1
        return real(text, lang)

    monkeypatch.setattr(engine, "SgRoot", counting)
    monkeypatch.setenv("ASSESS_WORKERS", "1")
    return counts
