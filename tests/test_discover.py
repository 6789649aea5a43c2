"""File discovery: .gitignore honoured (git and plain folders), vendored folders skipped, nothing
outside the root followed, and everything skipped counted by reason."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from assess.scan.files.discover import discover_files


def _tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


BASIC = {
    "src/app.ts": "export const a = 1;\n",
    "src/secret.log": "ignored by pattern\n",
    "src/nested/.gitignore": "local-only.js\n",
    "src/nested/local-only.js": "ignored by a nested .gitignore\n",
    "src/nested/kept.js": "kept\n",
    "generated/out.js": "ignored folder\n",
    ".gitignore": "*.log\ngenerated/\n!important.log\n",
    "important.log": "re-included by negation\n",
    "node_modules/pkg/index.js": "vendored\n",
    ".venv/lib/site.py": "vendored\n",
    "api/server.py": "print('x')\n",
}


def _rels(root: Path, **kw: object) -> list[str]:
    return [c.rel for c in discover_files(root, **kw).files]  # type: ignore[arg-type]


def test_plain_folder_honours_gitignore_and_excludes(tmp_path: Path) -> None:
    root = _tree(tmp_path, BASIC)
    assert _rels(root) == [
        ".gitignore",
        "api/server.py",
        "important.log",
        "src/app.ts",
        "src/nested/.gitignore",
        "src/nested/kept.js",
    ]
    assert discover_files(root).folders_excluded == 2  # node_modules, .venv


def test_git_repository_uses_git_ls_files(tmp_path: Path) -> None:
    root = _tree(tmp_path, BASIC)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    d = discover_files(root)
    assert d.in_git
    # untracked but not ignored files are listed too; ignored ones are not
    assert [c.rel for c in d.files] == [
        ".gitignore",
        "api/server.py",
        "important.log",
        "src/app.ts",
        "src/nested/.gitignore",
        "src/nested/kept.js",
    ]


def test_vendored_folders_included_on_request(tmp_path: Path) -> None:
    root = _tree(tmp_path, BASIC)
    rels = _rels(root, include_vendored=True)
    assert "node_modules/pkg/index.js" in rels and ".venv/lib/site.py" in rels


def test_size_cap_and_minified_are_counted(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"big.js": "x" * 2000, "small.js": "y", "lib.min.js": "z"})
    d = discover_files(root, max_bytes=1000)
    # minified files are listed for the key scan only (a key in them ships to browsers)
    assert [(c.rel, c.kind) for c in d.files] == [("lib.min.js", "minified"), ("small.js", "source")]
    assert d.skipped["too-large"] == 1


def test_symlinks_never_leave_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("outside the root\n")
    root = tmp_path / "root"
    _tree(root, {"a.js": "a\n", "dir/b.js": "b\n"})
    os.symlink(outside / "secret.txt", root / "link-out.txt")
    os.symlink(outside, root / "dir-out")
    os.symlink(root / "a.js", root / "link-in.js")
    os.symlink(root / "dir", root / "dir" / "loop")  # a folder link back up: a loop if followed
    os.symlink(root / "self1", root / "self2")
    os.symlink(root / "self2", root / "self1")
    d = discover_files(root)
    assert [c.rel for c in d.files] == ["a.js", "dir/b.js"]
    assert d.skipped["symlink-outside-root"] == 2
    assert d.skipped["symlink"] == 2  # link-in.js and dir/loop point inside: scanned via their targets
    assert d.skipped["symlink-broken-or-loop"] == 2


def test_special_files_are_never_opened(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"a.js": "a\n"})
    os.mkfifo(root / "pipe")
    d = discover_files(root)  # would block forever if the FIFO were opened
    assert [c.rel for c in d.files] == ["a.js"]
    assert d.skipped["special-file"] == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read everything")
def test_unreadable_files_are_counted(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"a.js": "a\n", "b.js": "b\n"})
    (root / "b.js").chmod(0)
    d = discover_files(root)
    assert d.skipped["unreadable"] == 1
