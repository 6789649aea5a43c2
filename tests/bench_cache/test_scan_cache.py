"""The scan cache (.assess/cache): same results, invalidated by content and catalog, never trusted blindly."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest

from assess import signed
from assess.assessment import ScanOptions, ScanSnapshot, scan_project
from assess.catalog import Catalog, load_catalog
from assess.fakekeys import fake_key
from assess.scan.project.project_checks import ProjectOutcome
from assess.scan.speed import cache, codec, parallel
from tests.conftest import REPO, copy_materialized

DEMO = REPO / "assess" / "demo" / "project"


@pytest.fixture(autouse=True)
def _own_key(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))  # a fresh HMAC key per test
    monkeypatch.delenv("ASSESS_NO_CACHE", raising=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_materialized(DEMO, tmp_path / "project")


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the engine really scans (cache misses), in order."""
    seen: list[str] = []
    real = parallel._scan_one

    def counting(plan: Any, facts: Any, max_bytes: int, cand: Any, annotate: Any = None) -> Any:
        seen.append(cand.rel)
        return real(plan, facts, max_bytes, cand, annotate)

    monkeypatch.setattr(parallel, "_scan_one", counting)
    return seen


def _picture(snapshot: ScanSnapshot) -> str:
    data = dataclasses.asdict(snapshot)
    data.pop("folders_excluded")  # counts .assess/ itself once the cache folder exists
    return json.dumps(data, sort_keys=True, default=str)


def _scan(root: Path, catalog: Catalog, **options: Any) -> ScanSnapshot:
    return scan_project(root, catalog, ScanOptions(**options))


def test_repeated_run_reuses_everything_and_finds_the_same(
    project: Path, catalog: Catalog, scanned: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSESS_NO_CACHE", "1")
    fresh = _scan(project, catalog)
    assert not (project / cache.CACHE_DIR).exists()
    monkeypatch.delenv("ASSESS_NO_CACHE")
    scanned.clear()
    first = _scan(project, catalog)
    assert scanned, "the first run scans"
    assert (project / cache.CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"
    scanned.clear()
    second = _scan(project, catalog)
    assert scanned == []
    assert _picture(first) == _picture(second) == _picture(fresh)
    assert first.findings, "the demo has findings to compare"


def test_a_changed_file_is_scanned_again_alone(project: Path, catalog: Catalog, scanned: list[str]) -> None:
    _scan(project, catalog)
    target = next(p for p in sorted(project.rglob("*.py")) if "create(" in p.read_text())
    rel = target.relative_to(project).as_posix()
    target.write_text(target.read_text() + "\n\nclient.chat.completions.create(model='gpt-4o', messages=m)\n")
    scanned.clear()
    changed = _scan(project, catalog)
    assert scanned == [rel]
    scanned.clear()
    assert _picture(changed) == _picture(_scan(project, catalog, changed_since=None)) and scanned == []
    new = [f for f in changed.findings if f.path == rel and f.check == "llm-call-without-max-tokens"]
    assert new and new[-1].snippet.startswith("client.chat.completions.create(model='gpt-4o'")


def test_a_catalog_change_empties_the_cache(
    project: Path, catalog: Catalog, scanned: list[str], tmp_path: Path
) -> None:
    _scan(project, catalog)
    checks = tmp_path / "checks"
    copy_materialized(REPO / "checks", checks)
    yaml = checks / "llm-call-without-max-tokens" / "check.yaml"
    yaml.write_text(yaml.read_text().replace("severity: medium", "severity: low", 1))
    changed = load_catalog(checks)
    assert (
        changed.checks["llm-call-without-max-tokens"].severity != catalog.checks["llm-call-without-max-tokens"].severity
    )
    scanned.clear()
    _scan(project, changed)
    assert len(scanned) > 3, "every file is scanned again under another catalog"
    scanned.clear()
    _scan(project, changed, disabled=frozenset({"sdk-in-browser"}))
    assert len(scanned) > 3, "a different set of enabled checks is another scope too"


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "foreign-key"])
def test_a_damaged_or_foreign_cache_is_ignored(
    project: Path, catalog: Catalog, scanned: list[str], damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _scan(project, catalog)
    folder = project / cache.CACHE_DIR
    for name in (cache.CACHE_FILE, cache.TREE_FILE):
        path = folder / name
        blob = path.read_bytes()
        if damage == "garbage":
            path.write_bytes(b"\x80\x04not a cache at all")
        elif damage == "truncated":
            path.write_bytes(blob[: len(blob) // 2])
        elif damage == "flipped":
            path.write_bytes(blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:])
    if damage == "foreign-key":  # a cache made on another machine (or committed to the repository)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-machine"))
    scanned.clear()
    again = _scan(project, catalog)
    assert len(scanned) > 3, "nothing was taken from the damaged cache"
    assert _picture(again) == _picture(first)


def test_a_hostile_cache_cannot_hide_findings(project: Path, catalog: Catalog, tmp_path: Path) -> None:
    """A repository that ships a cache saying 'no findings' (signed with any key but this machine's) is not believed."""
    first = _scan(project, catalog)
    assert first.findings
    tree = project / cache.CACHE_DIR / cache.TREE_FILE
    start = len(signed.MAGIC)  # the scope follows the mark; the signature comes last
    scope = tree.read_bytes()[start : start + 64].decode()  # public: it hashes code, catalog and manifests
    key = cache.machine_key()
    assert key is not None
    tree_key, ids, output_row, _ = cache._load(tree, key, scope)
    output = codec.output_from(output_row, catalog.checks)
    output.findings = []
    record = codec.dumps([tree_key, ids, codec.output_row(output), codec.outcome_row(ProjectOutcome())])

    tree.write_bytes(signed.seal(b"attacker-key-0123456789abcdef0123", scope, record))
    assert _picture(_scan(project, catalog)) == _picture(first)
    tree.write_bytes(signed.seal(key, scope, record))  # the control: with this machine's key it is believed
    assert _scan(project, catalog).findings == []


def test_the_cache_never_holds_a_full_key(tmp_path: Path, catalog: Catalog) -> None:
    key = fake_key("openai-project", "cache-test")
    root = tmp_path / "p"
    (root / "api").mkdir(parents=True)
    (root / "api" / "chat.py").write_text(
        "from openai import OpenAI\n"
        f'client = OpenAI(api_key="{key}")\n'
        "def answer(q):\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': q}])\n"
    )
    (root / "requirements.txt").write_text("openai\n")
    (root / "api" / f"notes-{key}.py").write_text("x = 1\n")  # a key in a file name: files are named by a hash
    snapshot = _scan(root, catalog)
    assert any(f.check == "hardcoded-ai-key" for f in snapshot.findings)
    assert (root / cache.CACHE_DIR / cache.STAT_FILE).exists() and (root / cache.CACHE_DIR / cache.CACHE_FILE).exists()
    stored = b"".join(p.read_bytes() for p in (root / cache.CACHE_DIR).iterdir())
    assert key.encode() not in stored
    assert key[8:40].encode() not in stored
    assert _picture(_scan(root, catalog)) == _picture(snapshot)


def test_parallel_scan_is_the_serial_scan(project: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_NO_CACHE", "1")
    monkeypatch.setenv("ASSESS_WORKERS", "1")
    serial = _scan(project, catalog)
    monkeypatch.setenv("ASSESS_WORKERS", "2")
    monkeypatch.setattr(parallel, "MIN_FILES", 1)
    monkeypatch.setattr(parallel, "BATCH_FILES", 2)
    pools: list[int] = []
    real_pool = parallel.multiprocessing.get_context

    def spy(method: str) -> Any:
        pools.append(1)
        return real_pool(method)

    monkeypatch.setattr(parallel.multiprocessing, "get_context", spy)
    assert _picture(_scan(project, catalog)) == _picture(serial)
    assert pools, "the scan ran in worker processes"


@pytest.mark.parametrize("cached", [False, True])
def test_the_deferral_round_reuses_the_first_rounds_workers(
    project: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    """Workers forked for the first round scan the second too (a pool forked later, from a parent holding
    every file's facts, made each worker copy much of that heap); the findings stay the serial ones."""
    monkeypatch.setenv("ASSESS_NO_CACHE", "1")
    monkeypatch.setenv("ASSESS_WORKERS", "1")
    serial = _scan(project, catalog)
    if cached:
        monkeypatch.delenv("ASSESS_NO_CACHE")
    monkeypatch.setenv("ASSESS_WORKERS", "2")
    monkeypatch.setattr(parallel, "MIN_FILES", 1)
    monkeypatch.setattr(parallel, "BATCH_FILES", 1)
    forks: list[int] = []
    rounds: list[tuple[int, bool]] = []
    real_start, real_scan = parallel._start_pool, parallel.Workers.fits

    def start(count: int) -> Any:
        forks.append(count)
        return real_start(count)

    def fits(self: parallel.Workers, plan: Any, *rest: Any) -> bool:
        rounds.append((len(forks), plan.defer))
        return real_scan(self, plan, *rest)

    monkeypatch.setattr(parallel, "_start_pool", start)
    monkeypatch.setattr(parallel.Workers, "fits", fits)
    assert _picture(_scan(project, catalog)) == _picture(serial)
    assert forks == [2], "one pool of two workers for both rounds"
    assert rounds == [(0, True), (1, False)], "the second round (defer off) asked for the pool the first forked"


def test_same_size_and_mtime_still_a_change(project: Path, catalog: Catalog, scanned: list[str]) -> None:
    """Hashes are reused on an unchanged stat only; a rewrite keeping size and mtime still changes ctime."""
    _scan(project, catalog)
    target = next(p for p in sorted(project.rglob("*.py")) if "create(" in p.read_text())
    before = target.stat()
    text = target.read_text()
    target.write_text(text.replace("create(", "cre8te(", 1))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size and target.stat().st_mtime_ns == before.st_mtime_ns
    scanned.clear()
    _scan(project, catalog)
    assert scanned == [target.relative_to(project).as_posix()]


def test_a_file_hashed_right_after_a_write_is_hashed_again(
    project: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git's racy-clean rule: a stat taken within RACY_NS of the write is not trusted next time."""
    _scan(project, catalog)  # every file was written just now: none of its hashes may be reused
    reads: list[str] = []
    real = cache.content_hash

    def counting(cand: Any, max_bytes: int) -> Any:
        reads.append(cand.rel)
        return real(cand, max_bytes)

    monkeypatch.setattr(cache, "content_hash", counting)
    _scan(project, catalog)
    assert reads, "fresh files are read and hashed again"
    reads.clear()
    monkeypatch.setattr(cache, "RACY_NS", -(10**12))  # as if every file had been hashed long after its write
    _scan(project, catalog)
    _scan(project, catalog)
    assert reads == [], "old, unchanged files are not read again"
