"""Narrow the files to check: config globs, `--changed-since REF`, and explicit files (pre-commit).

Project facts still come from the whole tree; only the per-file checks are narrowed.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pathspec

from assess.errors import InputError
from assess.scan.discover import Candidate, Discovery
from assess.scan.facts import MANIFEST_NAMES
from assess.scan.gitsafe import run_git


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


def changed_since(root: Path, ref: str) -> set[str]:
    """Paths (relative to root) changed between `ref` and the work tree, plus untracked files."""
    if run_git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is None:
        raise InputError(f"--changed-since: '{ref}' is not a commit in this repository", root)
    changed = run_git(root, "diff", "--name-only", "--relative", "-z", "--no-renames", ref, "--")
    untracked = run_git(root, "ls-files", "-z", "--others", "--exclude-standard")
    names = (changed or b"") + b"\0" + (untracked or b"")
    return {os.fsdecode(n) for n in names.split(b"\0") if n}


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
    if before > after:
        skipped[reason] += before - after
