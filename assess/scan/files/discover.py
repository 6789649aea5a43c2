"""Find the files to scan: honour .gitignore, skip vendored folders, never leave the root.

Yields candidates only; reading (binary, size and encoding checks) happens once, in the engine.
Built bundles (`dist/`, `build/`, `.next/static` ... beside a package.json) and minified files are
listed too, even when ignored by git, because a key inlined at build time is proof it reaches the
browser: they are marked `keys_only`, scanned for keys and skipped by every other check.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from assess.safe_read import read_capped
from assess.scan.files.gitsafe import is_work_tree, run_git

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
# Build output of a JavaScript package (relative to the folder holding its package.json).
BUNDLE_DIRS = (
    "dist", "build", "out", ".next/static", ".output/public", ".svelte-kit/output/client",
    ".vercel/output/static", "public/build", "storybook-static",
)  # fmt: skip
BUNDLE_SUFFIXES = (".js", ".mjs", ".cjs", ".html", ".htm", ".map")
# Bundles and minified files are read for keys only: cheap per byte, and often larger than source.
KEYS_ONLY_SIZE_FACTOR = 5
MAX_GITIGNORE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Candidate:
    """A file to scan: path, path from the root, size, kind (source, bundle, minified), git-tracked flag."""

    path: Path  # absolute, inside the root
    rel: str  # relative to the root, "/" separators
    size: int
    kind: str = "source"  # "bundle" (build output) or "minified": read for keys only
    tracked: bool | None = None  # in a git repository: whether git tracks it; None outside git

    @property
    def keys_only(self) -> bool:
        """Whether the file is read for keys only (a built bundle or a minified file)."""
        return self.kind != "source"


@dataclass
class Discovery:
    """The files to scan under one root, and what was left out and why (counted)."""

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


def _accept(
    d: Discovery,
    path: Path,
    rel: str,
    st: os.stat_result,
    max_bytes: int,
    kind: str = "source",
    tracked: bool | None = None,
) -> None:
    reason = _classify_entry(path, d.root, st)
    if kind == "source" and rel.endswith(MINIFIED_SUFFIXES):
        kind = "minified"
    limit = max_bytes * KEYS_ONLY_SIZE_FACTOR if kind != "source" else max_bytes
    if reason is None and st.st_size > limit:
        reason = "too-large"
    if reason is None and not os.access(path, os.R_OK):
        reason = "unreadable"
    if reason:
        d.skipped[reason] += 1
    else:
        d.files.append(Candidate(path, printable_rel(rel), st.st_size, kind, tracked))


def printable_rel(rel: str) -> str:
    """A name that is valid UTF-8 for every output: undecodable bytes become \\xNN (the file is read by `path`)."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return rel


def _bundle_roots(d: Discovery, package_dirs: set[str]) -> list[str]:
    """Build-output folders ("web/dist/") beside the package.json files, real folders inside the root."""
    roots: list[str] = []
    for folder in sorted(package_dirs):
        for sub in BUNDLE_DIRS:
            rel = f"{folder}{sub}"
            path = d.root / rel
            try:
                st = path.lstat()
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                roots.append(rel + "/")
    return roots


def _add_bundles(d: Discovery, roots: list[str], max_bytes: int, tracked: set[str] | None) -> None:
    """Every script and page under the bundle folders, whatever .gitignore says, for the key scan."""
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(d.root / root):
            dirnames[:] = sorted(n for n in dirnames if n not in ALWAYS_EXCLUDED_DIRS and n != "node_modules")
            for name in sorted(filenames):
                if not name.endswith(BUNDLE_SUFFIXES):
                    continue
                path = Path(dirpath) / name
                rel = path.relative_to(d.root).as_posix()
                try:
                    st = path.lstat()
                except OSError:
                    d.skipped["unreadable"] += 1
                    continue
                in_git = None if tracked is None else rel in tracked
                _accept(d, path, rel, st, max_bytes, kind="bundle", tracked=in_git)


def _package_dirs(rels: set[str]) -> set[str]:
    """Folders ("" or "web/") holding a package.json, from a list of relative paths."""
    return {rel[: -len("package.json")] for rel in rels if rel == "package.json" or rel.endswith("/package.json")}


def _git_names(root: Path, *args: str) -> list[str] | None:
    out = run_git(root, "ls-files", "-z", *args)
    return None if out is None else [os.fsdecode(raw) for raw in out.split(b"\0") if raw]


def _from_git(d: Discovery, max_bytes: int, include_vendored: bool) -> bool:
    tracked = _git_names(d.root, "--cached")
    untracked = _git_names(d.root, "--others", "--exclude-standard")
    if tracked is None or untracked is None:
        return False
    tracked_set = set(tracked)
    # a file with merge conflicts is listed once per stage: dict.fromkeys keeps one, in order
    names = list(dict.fromkeys(tracked + untracked))
    bundles = _bundle_roots(d, _package_dirs(set(names)))
    folders: dict[tuple[str, ...], str | None] = {}
    for rel in names:
        if rel.startswith(tuple(bundles)):
            continue  # bundle folders are read below, for keys only, tracked or not
        parts = tuple(rel.split("/"))
        if _excluded(parts[:-1], include_vendored):
            d.skipped["vendored-or-generated"] += 1
            continue
        path = d.root / rel
        linked = _linked_folder(d.root, parts[:-1], folders)
        if linked:
            d.skipped[linked] += 1
            continue
        try:
            st = path.lstat()
        except OSError:
            continue  # tracked but deleted in the work tree: nothing to read
        _accept(d, path, rel, st, max_bytes, tracked=rel in tracked_set)
    _add_bundles(d, bundles, max_bytes, tracked_set)
    d.in_git = True
    return True


def _linked_folder(root: Path, parts: tuple[str, ...], seen: dict[tuple[str, ...], str | None]) -> str | None:
    """A skip reason when a folder on a git-listed path is a symlink (git never lists a file through one:
    the work tree replaced a folder by a link, maybe out of the root), else None. `seen` caches folders."""
    for depth in range(1, len(parts) + 1):
        folder = parts[:depth]
        if folder not in seen:
            path = root.joinpath(*folder)
            try:
                st = path.lstat()
            except OSError:
                st = None  # a deleted folder: its files fail their own lstat
            seen[folder] = _classify_entry(path, root, st) if st and stat.S_ISLNK(st.st_mode) else None
        if seen[folder]:
            return seen[folder]
    return None


def _load_gitignore(directory: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        text = read_capped(directory / ".gitignore", MAX_GITIGNORE_BYTES).decode("utf-8", "replace")
    except OSError:
        return None  # missing, a FIFO or device, or absurdly large: no rules from it
    return pathspec.GitIgnoreSpec.from_lines(text.splitlines())


def _walk(d: Discovery, max_bytes: int, include_vendored: bool) -> None:
    # Each folder carries the .gitignore specs of its ancestors with the folder each is relative to.
    stack: list[tuple[Path, str, list[tuple[str, pathspec.GitIgnoreSpec]]]] = [(d.root, "", [])]
    bundles: set[str] = set()
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
        if any(e.name == "package.json" for e in entries):
            found = _bundle_roots(d, {f"{rel_dir}/" if rel_dir else ""})
            bundles.update(found)
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if rel + "/" in bundles:
                continue  # read below, for keys only, whatever .gitignore says
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
                stack.append((directory / entry.name, rel, specs))
            else:  # the folder's Path joined with a name: half the cost of parsing the whole path anew
                _accept(d, directory / entry.name, rel, st, max_bytes)
    _add_bundles(d, sorted(bundles), max_bytes, None)


def _ignored(specs: list[tuple[str, pathspec.GitIgnoreSpec]], rel: str, is_dir: bool) -> bool:
    for base, spec in specs:
        sub = rel[len(base) + 1 :] if base else rel
        if spec.match_file(sub + "/" if is_dir else sub):
            return True
    return False


def discover_files(root: Path, *, max_bytes: int = 1_000_000, include_vendored: bool = False) -> Discovery:
    """Every file worth reading under `root`, and a count of what was skipped and why.

    Source files are `Candidate.kind` "source"; build output and minified files are "bundle" and
    "minified", for the key scan only. `Candidate.tracked` says whether git tracks a file.
    """
    d = Discovery(root=root.resolve())
    # a folder the enclosing repository ignores (a .venv, a download) is walked: git lists nothing in it
    ignored = run_git(d.root, "check-ignore", "-q", ".") is not None
    if not (is_work_tree(d.root) and not ignored and _from_git(d, max_bytes, include_vendored)):
        _walk(d, max_bytes, include_vendored)
    d.files.sort(key=lambda c: c.rel)
    return d
