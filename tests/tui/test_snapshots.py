"""Screen snapshots at 80x24 (pytest-textual-snapshot). Update with `pytest tests/tui --snapshot-update`.

The scan is a fixed snapshot and nothing on these screens shows a time, so the pictures only change
when the screens (or the question bank) do. The answers file sits in the test's own folder, shown
relative to it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.worker import get_current_worker

from assess.assessment import ScanOptions, ScanSnapshot
from assess.catalog import Catalog
from assess.tui.app import AssessApp
from assess.tui.session import Session
from tests.tui.conftest import fixed_scanner, frozen_snapshot, settle

SnapCompare = Callable[..., bool]


@pytest.fixture
def snap_app(demo_root: Path, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AssessApp:
    monkeypatch.chdir(tmp_path)  # paths on screen are relative to here: "answers.yaml", "report.pdf"
    session = Session.open(demo_root, tmp_path / "answers.yaml", display_root="quillmate", catalog=catalog)
    return AssessApp(session, scanner=fixed_scanner(frozen_snapshot(demo_root)))


async def _landed(pilot: Any) -> None:
    await settle(pilot.app, pilot)


def test_first_question_with_evidence(snap_app: AssessApp, snap_compare: SnapCompare) -> None:
    assert snap_compare(snap_app, run_before=_landed)


def test_contradiction(snap_app: AssessApp, snap_compare: SnapCompare) -> None:
    assert snap_compare(snap_app, run_before=_landed, press=["1", "left"])


def test_question_with_seven_choices(snap_app: AssessApp, snap_compare: SnapCompare) -> None:
    # spend limit "hard limit" brings the amount question: the longest choice list must fit at 80x24
    assert snap_compare(snap_app, run_before=_landed, press=["right", "right", "1"])


def test_results_summary(snap_app: AssessApp, snap_compare: SnapCompare) -> None:
    # "1" on the first question contradicts the code: the summary says so
    assert snap_compare(snap_app, run_before=_landed, press=["1", "1", "2", "y", "r"])


def test_results_findings(snap_app: AssessApp, snap_compare: SnapCompare) -> None:
    assert snap_compare(snap_app, run_before=_landed, press=["r", "f", "down", "down"])


def test_while_scanning(
    demo_root: Path, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snap_compare: SnapCompare
) -> None:
    monkeypatch.chdir(tmp_path)
    release = threading.Event()

    def slow_scan(root: Path, catalog: Catalog, options: ScanOptions, progress: Any) -> ScanSnapshot:
        progress("scan", 5, 21)
        worker = get_current_worker()
        while not release.wait(0.02) and not worker.is_cancelled:
            pass  # until the test ends or the app shuts down (which cancels its workers)
        return frozen_snapshot(root)

    session = Session.open(demo_root, tmp_path / "answers.yaml", display_root="quillmate", catalog=catalog)
    app = AssessApp(session, scanner=slow_scan)

    async def progress_shown(pilot: Any) -> None:
        while not app.scan_line.startswith("Scanning: 5"):
            await pilot.pause(0.02)

    try:
        assert snap_compare(app, run_before=progress_shown)
    finally:
        release.set()
