"""Run git on a repository we did not write, so that its own configuration cannot run anything.

A hostile .git/config can name programs in core.fsmonitor, core.hooksPath, core.sshCommand,
filters, aliases or a pager; the overrides below neutralise those for the commands we use.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_OVERRIDES = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.untrackedCache=false",
    "core.sshCommand=false",
    "core.pager=cat",
    "safe.directory=*",
    "protocol.allow=never",
    "diff.external=",
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_OPTIONAL_LOCKS="0",  # a read-only scan must not rewrite the index
        GIT_NO_REPLACE_OBJECTS="1",
        LC_ALL="C",
    )
    return env


def _command(root: Path, args: tuple[str, ...]) -> list[str]:
    cmd = ["git"]
    for item in _OVERRIDES:
        cmd += ["-c", item]
    return [*cmd, "-C", str(root), *args]


def run_git(root: Path, *args: str, timeout: float = 60.0) -> bytes | None:
    """stdout of a git command, or None when git is missing, fails or the folder is no repository."""
    cmd = _command(root, args)
    try:
        proc = subprocess.run(
            cmd, capture_output=True, env=_env(), timeout=timeout, stdin=subprocess.DEVNULL, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def is_work_tree(root: Path) -> bool:
    """Whether `root` is inside a git work tree (asked without running the repository's hooks or filters)."""
    out = run_git(root, "rev-parse", "--is-inside-work-tree")
    return out is not None and out.strip() == b"true"


def head_commit(root: Path) -> str | None:
    """The commit HEAD names, or None outside a repository or before the first commit."""
    out = run_git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    return out.decode("ascii", "replace").strip() or None if out else None


@contextlib.contextmanager
def stream_git(root: Path, *args: str) -> Iterator[IO[bytes] | None]:
    """stdout of a long git command (`git log -p`) as a stream, with run_git's protections.

    Yields None when git cannot start. The process is ended when the block ends, so a reader may stop early.
    """
    try:
        proc = subprocess.Popen(
            _command(root, args),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            env=_env(),
        )
    except OSError:
        yield None
        return
    try:
        yield proc.stdout
    finally:
        proc.kill()
        proc.wait()
