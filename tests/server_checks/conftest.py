"""Helpers: write a small project from a dict of files and scan it with the real catalog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assess.assessment import ScanOptions, ScanSnapshot, scan_project
from assess.catalog import Catalog

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
