"""A scanned repository can ship its own `.assess/cache`: nothing in it ever runs, no link in it is ever
followed, and the key that signs caches stays this user's alone (reproductions 01, 19 and 28 of issue 16)."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import stat
from pathlib import Path
from typing import Any

import pytest

from assess import signed
from assess.assessment import ScanOptions, ScanSnapshot, scan_project
from assess.catalog import Catalog
from assess.scan.speed import cache

KEY_BYTES = 32  # the key's length
CALL = "from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='gpt-4o', messages=m)\n"


@pytest.fixture(autouse=True)
def _own_key_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("ASSESS_NO_CACHE", raising=False)
    return home


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "api").mkdir(parents=True)
    (root / "api" / "chat.py").write_text(CALL)
    (root / "web.js").write_text("export const x = 1;\n")
    (root / "requirements.txt").write_text("openai\n")
    return root


class _Payload:
    """Unpickling this creates `marker`: proof that a pickle from the repository was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.marker), "w"))


def _scan(root: Path, catalog: Catalog) -> ScanSnapshot:
    return scan_project(root, catalog, ScanOptions())


def _picture(snapshot: ScanSnapshot) -> str:
    data = dataclasses.asdict(snapshot)
    data.pop("folders_excluded")  # counts .assess/ itself once the cache folder exists
    return json.dumps(data, sort_keys=True, default=str)


def _scope(root: Path) -> str:
    blob = (root / cache.CACHE_DIR / cache.STAT_FILE).read_bytes()  # the scope is public: not a secret
    return blob[len(signed.MAGIC) : len(signed.MAGIC) + 64].decode()


def _key_file() -> Path:
    return signed.machine_key_path()


def test_a_forged_cache_under_an_empty_key_never_runs(project: Path, catalog: Catalog, tmp_path: Path) -> None:
    """01: a first run on a full disk left an empty key; a repository ships caches signed with it (and, worse
    still, with this machine's real key): none of them is ever executed, and the scan finds what it finds."""
    key_file = _key_file()
    key_file.parent.mkdir(parents=True)
    key_file.touch(mode=0o600)  # what the disk-full first run left
    first = _scan(project, catalog)
    assert first.findings, "the project has something to find"
    key = key_file.read_bytes()
    marker = tmp_path / "PWNED"
    payload = pickle.dumps(_Payload(marker))
    scope = _scope(project)
    for signer in (b"", key):  # the empty key the attacker knows, and the real one (the worst case)
        for name in (cache.STAT_FILE, cache.CACHE_FILE, cache.TREE_FILE):
            (project / cache.CACHE_DIR / name).write_bytes(signed.seal(signer, scope, payload))
        again = _scan(project, catalog)
        assert not marker.exists(), f"a pickle in the repository's cache ran (signed with {signer!r:.10})"
        assert _picture(again) == _picture(first)
    assert len(key) >= KEY_BYTES, "the empty key was replaced by a whole one"


def test_a_short_key_never_signs_or_unseals() -> None:
    sealed = signed.seal(b"", "s" * 64, b"[]")
    assert signed.unseal(sealed, b"", "s" * 64) is None


def test_a_failed_first_key_write_leaves_no_empty_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk while the key is made: no key this time (no cache), and no empty key file left behind."""

    def full(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(signed.os, "fsync", full)
        assert signed.machine_key() is None
    assert not _key_file().exists()
    key = signed.machine_key()
    assert key is not None and len(key) == KEY_BYTES


def _other_owner(path: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("changing a file's owner needs root")
    os.chown(path, 65534, 65534)


@pytest.mark.parametrize(
    "damage",
    ["empty", "short", "readable-by-group", "readable-by-others", "writable-by-others", "other-owner", "symlink"],
)
def test_a_key_that_is_not_this_users_alone_is_replaced(damage: str, tmp_path: Path) -> None:
    """28: a key another user could read (or wrote) would let them sign caches: it is never used."""
    key_file = _key_file()
    key_file.parent.mkdir(parents=True)
    old = os.urandom(KEY_BYTES)
    if damage == "symlink":
        elsewhere = tmp_path / "elsewhere-key"
        elsewhere.write_bytes(old)
        elsewhere.chmod(0o600)
        key_file.symlink_to(elsewhere)
    else:
        key_file.write_bytes({"empty": b"", "short": old[:16]}.get(damage, old))
        key_file.chmod(
            {"readable-by-group": 0o640, "readable-by-others": 0o644, "writable-by-others": 0o602}.get(damage, 0o600)
        )
        if damage == "other-owner":
            _other_owner(key_file)
    key = signed.machine_key()
    assert key is not None and len(key) == KEY_BYTES
    assert key != old and not key.startswith(old[:16])
    st = os.lstat(key_file)
    assert stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) == 0o600
    assert key_file.read_bytes() == key
    assert signed.machine_key() == key, "the new key is kept"
    if damage == "symlink":
        assert (tmp_path / "elsewhere-key").read_bytes() == old, "the link's target is left alone"


def test_a_good_key_is_kept(tmp_path: Path) -> None:
    first = signed.machine_key()
    assert first is not None and stat.S_IMODE(_key_file().stat().st_mode) == 0o600
    assert signed.machine_key() == first


def _outside_untouched(outside: Path, *names: str) -> None:
    assert sorted(p.name for p in outside.iterdir()) == sorted(["keep.txt", *names])
    assert (outside / "keep.txt").read_text() == "mine\n"


@pytest.mark.parametrize("link", [".assess", ".assess/cache"])
def test_a_symlinked_cache_folder_is_never_followed(
    link: str, project: Path, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """19: a committed `.assess` or `.assess/cache` link would send the cache files out of the project."""
    outside = tmp_path / "outside"
    (outside / "cache").mkdir(parents=True)
    (outside / "keep.txt").write_text("mine\n")
    (project / link).parent.mkdir(parents=True, exist_ok=True)
    (project / link).symlink_to(outside / "cache" if link.endswith("cache") else outside)
    monkeypatch.setenv("ASSESS_NO_CACHE", "1")
    fresh = _scan(project, catalog)
    monkeypatch.delenv("ASSESS_NO_CACHE")
    for _ in range(2):
        assert _picture(_scan(project, catalog)) == _picture(fresh)
    assert list((outside / "cache").iterdir()) == []
    _outside_untouched(outside, "cache")


@pytest.mark.parametrize("name", [".gitignore", cache.STAT_FILE, cache.CACHE_FILE, cache.TREE_FILE])
def test_a_symlinked_cache_file_is_never_read_or_written(
    name: str, project: Path, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """19: a committed dangling `.assess/cache/.gitignore` link made assess create the file it names (a
    git global excludes file, hiding new files in every repository); a linked cache file is not read."""
    monkeypatch.setenv("ASSESS_NO_CACHE", "1")
    fresh = _scan(project, catalog)
    monkeypatch.delenv("ASSESS_NO_CACHE")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine\n")
    folder = project / cache.CACHE_DIR
    folder.mkdir(parents=True)
    (folder / name).symlink_to(outside / "ignore")  # dangling: a write through it creates outside/ignore
    for _ in range(2):
        assert _picture(_scan(project, catalog)) == _picture(fresh)
    _outside_untouched(outside)
    assert (folder / name).is_symlink(), "the project's own files are left as they are"
