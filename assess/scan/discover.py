"""Find the files to scan: honour .gitignore, skip vendored folders, never leave the root.

Yields candidates only; reading (binary, size and encoding checks) happens once, in the engine.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from assess.scan.gitsafe import is_work_tree, run_git

# Folders that hold other people's code or build output; `include_vendored` turns this off.
DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        "node_modules", "bower_components", "jspm_packages", ".venv", "venv", "__pycache__", ".git",
        ".hg", ".svn", "dist", "build", ".next", ".nuxt", ".svelte-kit", ".output", ".vercel",
        ".netlify", ".serverless", ".turbo", ".parcel-cache", ".cache", "coverage", ".tox", ".nox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", "vendor", "target", "Pods",
        ".gradle", ".idea", ".terraform", ".assess", ".eggs",
    }
)  # fmt: skip
# Always skipped: version-control internals are never source, even with include_vendored.
ALWAYS_EXCLUDED_DIRS = frozenset({".git", ".hg", ".svn", ".assess"})
MINIFIED_SUFFIXES = (".min.js", ".min.mjs", ".min.css", ".js.map", ".css.map")


@dataclass(frozen=True)
class Candidate:
    path: Path  # absolute, inside the root
    rel: str  # relative to the root, "/" separators
    size: int


@dataclass
class Discovery:
    root: Path
    files: list[Candidate] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    folders_excluded: int = 0
    in_git: bool = False


def _excluded(parts: tuple[str, ...], include_vendored: bool) -> bool:
    names = ALWAYS_EXCLUDED_DIRS if include_vendored else DEFAULT_EXCLUDED_DIRS
    return any(p in names for p in parts)


def _classify_entry(path: Path, root: Path, st: os.stat_result) -> str | None:
    """A skip reason for entries that are not plain files inside the root, else None."""
    if stat.S_ISLNK(st.st_mode):
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "symlink-broken-or-loop"
        if not target.is_relative_to(root):
            return "symlink-outside-root"
        # a link inside the root points at a file that is scanned in its own right
        return "symlink"
    if not stat.S_ISREG(st.st_mode):
        return "special-file"
    return None


def _accept(d: Discovery, path: Path, rel: str, st: os.stat_result, max_bytes: int) -> None:
    reason = _classify_entry(path, d.root, st)
    if reason is None and rel.endswith(MINIFIED_SUFFIXES):
        reason = "minified"
    if reason is None and st.st_size > max_bytes:
        reason = "too-large"
    if reason is None and not os.access(path, os.R_OK):
        reason = "unreadable"
    if reason:
        d.skipped[reason] += 1
    else:
        d.files.append(Candidate(path, rel, st.st_size))


def _from_git(d: Discovery, max_bytes: int, include_vendored: bool) -> bool:
    out = run_git(d.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    if out is None:
        return False
    seen: set[str] = set()
    for raw in out.split(b"\0"):
        if not raw:
            continue
        rel = os.fsdecode(raw)
        if rel in seen:  # a file with merge conflicts is listed once per stage
            continue
        seen.add(rel)
        parts = tuple(rel.split("/"))
        if _excluded(parts[:-1], include_vendored):
            d.skipped["vendored-or-generated"] += 1
            continue
        path = d.root / rel
        try:
            st = path.lstat()
        except OSError:
            continue  # tracked but deleted in the work tree: nothing to read
        _accept(d, path, rel, st, max_bytes)
    d.in_git = True
    return True


def _load_gitignore(directory: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        with open(directory / ".gitignore", encoding="utf-8", errors="replace") as fh:
            return pathspec.GitIgnoreSpec.from_lines(fh)
    except OSError:
        return None


def _walk(d: Discovery, max_bytes: int, include_vendored: bool) -> None:
    # Each folder carries the .gitignore specs of its ancestors with the folder each is relative to.
    stack: list[tuple[Path, str, list[tuple[str, pathspec.GitIgnoreSpec]]]] = [(d.root, "", [])]
    while stack:
        directory, rel_dir, specs = stack.pop()
        spec = _load_gitignore(directory)
        if spec is not None:
            specs = [*specs, (rel_dir, spec)]
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            d.skipped["unreadable-folder"] += 1
            continue
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                d.skipped["unreadable"] += 1
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            if _ignored(specs, rel, is_dir):
                continue
            if is_dir:
                if _excluded((entry.name,), include_vendored):
                    d.folders_excluded += 1
                    continue
                stack.append((Path(entry.path), rel, specs))
            else:
                _accept(d, Path(entry.path), rel, st, max_bytes)


def _ignored(specs: list[tuple[str, pathspec.GitIgnoreSpec]], rel: str, is_dir: bool) -> bool:
    for base, spec in specs:
        sub = rel[len(base) + 1 :] if base else rel
        if spec.match_file(sub + "/" if is_dir else sub):
            return True
    return False


def discover_files(root: Path, *, max_bytes: int = 1_000_000, include_vendored: bool = False) -> Discovery:
    """Every file worth reading under `root`, and a count of what was skipped and why."""
    d = Discovery(root=root.resolve())
    if not (is_work_tree(d.root) and _from_git(d, max_bytes, include_vendored)):
        _walk(d, max_bytes, include_vendored)
    d.files.sort(key=lambda c: c.rel)
    return d
