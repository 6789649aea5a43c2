"""Narrow the files to check: config globs, `--changed-since REF`, and explicit files (pre-commit).

Project facts still come from the whole tree; only the per-file checks are narrowed.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import Counter
from pathlib import Path

import pathspec

from assess.errors import InputError
from assess.safe_read import read_capped
from assess.scan.files.discover import Candidate, Discovery
from assess.scan.files.facts import MANIFEST_NAMES
from assess.scan.files.gitsafe import run_git

MAX_HASHED_BYTES = 64 * 1024 * 1024  # larger files count as changed: the scan skips them as too large


def apply_globs(discovery: Discovery, exclude: tuple[str, ...], include: tuple[str, ...]) -> None:
    """Drop files matching `exclude` (or not matching `include`) from the discovery, counted."""
    if not exclude and not include:
        return
    drop = pathspec.GitIgnoreSpec.from_lines(exclude) if exclude else None
    keep = pathspec.GitIgnoreSpec.from_lines(include) if include else None
    kept: list[Candidate] = []
    for cand in discovery.files:
        if (drop is not None and drop.match_file(cand.rel)) or (keep is not None and not keep.match_file(cand.rel)):
            discovery.skipped["excluded-by-config"] += 1
        else:
            kept.append(cand)
    discovery.files = kept


def _blob_id(path: Path) -> str | None:
    """git's object id of a file's bytes as they are (sha1 repositories), computed without running git."""
    try:
        if stat.S_ISLNK(path.lstat().st_mode):
            data = os.fsencode(os.readlink(path))  # git stores a symlink as its target, never what it points at
        else:
            data = read_capped(path, MAX_HASHED_BYTES)
    except OSError:
        return None  # unreadable, not a regular file or too large: "changed", so the scan decides
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def changed_since(root: Path, ref: str) -> set[str]:
    """Paths (relative to root) changed between `ref` and the work tree, plus untracked files.

    `git diff REF` against the work tree would run the repository's clean filters and fsmonitor (code
    from a repository we do not trust), so commits are compared tree to tree, and the work tree is
    compared with HEAD by hashing files here. A file with a filter may look changed: that only means it
    is checked, which is the safe side.
    """
    if run_git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is None:
        raise InputError(f"--changed-since: '{ref}' is not a commit in this repository", root)
    changed: set[str] = set()
    committed = run_git(
        root, "diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", ref, "HEAD", "--"
    )
    changed.update(os.fsdecode(n) for n in (committed or b"").split(b"\0") if n)
    prefix = (run_git(root, "rev-parse", "--show-prefix") or b"").decode("utf-8", "replace").strip()
    sha1 = (run_git(root, "rev-parse", "--show-object-format") or b"sha1").strip() == b"sha1"
    listing = run_git(root, "ls-tree", "-r", "-z", "--full-tree", "HEAD") or b""
    for entry in listing.split(b"\0"):
        if not entry or b"\t" not in entry:
            continue
        meta, name = entry.split(b"\t", 1)
        full = os.fsdecode(name)
        if not full.startswith(prefix):
            continue
        rel = full[len(prefix) :]
        current = _blob_id(root / rel) if sha1 else None
        if current is None or current != meta.split()[2].decode("ascii", "replace"):
            changed.add(rel)
    untracked = run_git(root, "ls-files", "-z", "--others", "--exclude-standard")
    changed.update(os.fsdecode(n) for n in (untracked or b"").split(b"\0") if n)
    # `git diff --relative` is not used above (it reads the work tree); make committed names relative here
    return {name[len(prefix) :] if prefix and name.startswith(prefix) else name for name in changed}


def explicit_files(root: Path, paths: list[str], max_bytes: int) -> Discovery:
    """A discovery of just the named files (pre-commit's fast path), plus the manifests above them."""
    d = Discovery(root=root.resolve())
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if not path.is_absolute():
            path = Path.cwd() / path
        try:
            rel = path.resolve().relative_to(d.root).as_posix()
        except (OSError, RuntimeError):  # a symlink loop
            d.skipped["not-a-file"] += 1
            continue
        except ValueError:
            d.skipped["outside-root"] += 1
            continue
        if rel in seen:
            continue
        seen.add(rel)
        try:
            st = path.lstat()
        except OSError:
            d.skipped["missing"] += 1
            continue
        if not path.is_file() or path.is_symlink():
            d.skipped["not-a-file"] += 1
        elif st.st_size > max_bytes:
            d.skipped["too-large"] += 1
        else:
            d.files.append(Candidate(d.root / rel, rel, st.st_size))
    d.files.sort(key=lambda c: c.rel)
    return d


def nearby_manifests(root: Path, files: list[Candidate]) -> list[Candidate]:
    """package.json / pyproject.toml / requirements*.txt in the folders holding `files` and above them."""
    folders: set[Path] = set()
    for cand in files:
        folder = cand.path.parent
        while folder.is_relative_to(root):
            folders.add(folder)
            if folder == root:
                break
            folder = folder.parent
    found: list[Candidate] = []
    for folder in sorted(folders):
        for name in (*MANIFEST_NAMES, "requirements.txt"):
            path = folder / name
            if path.is_file() and not path.is_symlink():
                found.append(Candidate(path, path.relative_to(root).as_posix(), path.stat().st_size))
    return found


def count_narrowed(before: int, after: int, skipped: Counter[str], reason: str) -> None:
    """Count under `reason` the files a narrowing step left out."""
    if before > after:
        skipped[reason] += before - after
