"""Atomic file writes: a temp file beside the target, fsync, rename. A crash leaves the old file whole.

A device or FIFO (`/dev/null`, `/dev/stdout`) is written in place: there is nothing to keep whole, and a
rename would replace the device node itself with a regular file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from assess.errors import InputError


def _special(path: Path) -> bool:
    """A device, FIFO or socket (`--json /dev/null`, `/dev/stdout`): renaming over it would replace it."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_bytes_atomic(path: Path, data: bytes) -> None:
    if _special(path):
        try:
            with open(path, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror or exc}", path) from None
        return
    parent = path.parent if str(path.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
        # mkstemp makes the file private (0600); answers are committed and reports forwarded: use the umask
        os.chmod(tmp, _default_mode())
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", path) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InputError(f"cannot write: {exc.strerror or exc}", path) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))
