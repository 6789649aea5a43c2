"""Read a file the scanned project names without trusting what it is: a regular file, within a size cap.

A path may be a symlink to /dev/zero (st_size 0, endless bytes) or a FIFO (an open that never returns).
So the file is opened non-blocking, checked with fstat on the open descriptor (what is read, not what the
name pointed at a moment earlier), and read with a limit whatever its size claims.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_CHUNK = 1 << 16
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


class RefusedFile(OSError):
    """Not a regular file, or larger than the cap: an OSError, so every caller's `except OSError` holds."""


def read_capped(path: Path | str, limit: int, *, pipe_ok: bool = False) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed), at most `limit` of them.

    Raises RefusedFile for a device, FIFO, socket or folder, or a file larger than `limit`; OSError when
    it cannot be opened. `pipe_ok`: a path the user named may be a pipe (`--baseline <(git show ...)`),
    read to its end or the limit; never one the scanned project names."""
    fd = os.open(path, _FLAGS)
    try:  # os.read on the descriptor: a buffered file object costs more than the read of a small file
        st = os.fstat(fd)
        if pipe_ok and stat.S_ISFIFO(st.st_mode):
            os.set_blocking(fd, True)
        elif not stat.S_ISREG(st.st_mode):
            raise RefusedFile(errno.EINVAL, "not a regular file (a device, FIFO or folder)", str(path))
        if st.st_size > limit:
            raise RefusedFile(errno.EFBIG, f"larger than {limit} bytes", str(path))
        chunks: list[bytes] = []
        left = limit + 1
        regular = stat.S_ISREG(st.st_mode)
        while left > 0:
            want = min(left, max(st.st_size + 1, _CHUNK))
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
            if regular and len(chunk) < want:
                break  # a regular file reads short only at its end: no second call to learn it
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while read
        raise RefusedFile(errno.EFBIG, f"larger than {limit} bytes", str(path))
    return data


def read_text_capped(path: Path | str, limit: int, *, pipe_ok: bool = False) -> str:
    """read_capped, decoded as UTF-8 (UnicodeDecodeError when it is not)."""
    return read_capped(path, limit, pipe_ok=pipe_ok).decode("utf-8")
