"""Data this machine wrote for itself, signed so that data from anywhere else is never believed.

The key lives outside every project (~/.cache/assess/cache-key): a regular file of at least KEY_BYTES bytes,
owned by this user, readable by nobody else (mode 0600). A key that is not (empty or short after a full
disk, readable by others, owned by someone else, a symlink) is replaced by a new one before it is used, so
nobody else can sign. A new key is written beside its place and linked in whole: a key file is never seen
half written. The signature checks integrity only: the scan cache (assess/scan/speed/cache.py) stores JSON,
never objects that can run code; the catalog cache (assess/catalog.py) is pickled, but lives in the user's
own folder beside the key. `ASSESS_NO_CACHE=1` turns both off.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

MAGIC = b"assess-signed-2\n"  # 2: the signature comes last
KEY_BYTES = 32
# open for reading: never through a symlink at the last step, never blocking on a FIFO (POSIX; 0 elsewhere)
NO_LINK = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
READ_NO_LINK = os.O_RDONLY | NO_LINK | getattr(os, "O_NONBLOCK", 0)
_DIGEST = hashlib.sha256().digest_size


def cache_enabled() -> bool:
    return os.environ.get("ASSESS_NO_CACHE", "").strip().lower() not in ("1", "true", "yes")


def machine_key_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "assess" / "cache-key"


def owned_file(fd: int, forbidden: int = 0o077) -> bool:
    """Whether an open file is a regular file of this user with none of the `forbidden` mode bits (by
    default: nobody else may read or write it)."""
    st = os.fstat(fd)
    uid = getattr(os, "getuid", None)  # no owners to compare on Windows
    return stat.S_ISREG(st.st_mode) and (uid is None or st.st_uid == uid()) and not st.st_mode & forbidden


def read_owned(path: Path, limit: int | None = None, forbidden: int = 0o077) -> bytes | None:
    """The bytes of `path` if it is a file of this user (`owned_file`), not reached through a symlink at its
    last step; None otherwise, and for every error. `limit`: read at most that many bytes."""
    try:
        fd = os.open(path, READ_NO_LINK)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            if not owned_file(fd, forbidden):
                return None
            return fh.read() if limit is None else fh.read(limit)
    except OSError:
        return None


def machine_key() -> bytes | None:
    """The HMAC key of this user on this machine, made (or replaced) on first use; None when it cannot be had."""
    path = machine_key_path()
    key = _usable(read_owned(path, 4096))
    if key is not None:
        return key
    try:
        folder = path.parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".cache-key.", dir=folder)  # 0600, this user's
    except OSError:
        return None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(KEY_BYTES))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # only where there is no key: two first runs agree on one
        except FileExistsError:  # a bad key (above), or another process's key made a moment ago
            key = _usable(read_owned(path, 4096))
            if key is not None:
                return key
            os.replace(tmp, path)
    except OSError:
        return None  # a full disk: no key, no cache (and no empty key file left behind)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return _usable(read_owned(path, 4096))


def _usable(key: bytes | None) -> bytes | None:
    return key if key is not None and len(key) >= KEY_BYTES else None


def seal(key: bytes, scope: str, payload: bytes) -> bytes:
    """MAGIC, the scope, the payload, then the signature of scope and payload (last, so that a large payload
    can be written as it is made: see `SealedWriter`)."""
    head = scope.encode("ascii")
    mac = hmac.new(key, head, hashlib.sha256)
    mac.update(payload)
    return b"".join((MAGIC, head, payload, mac.digest()))


class SealedWriter:
    """A file-like object that signs what passes through it: write the payload in pieces, then `close()`
    writes the signature. The same bytes as `seal`, without the payload ever being whole in memory."""

    def __init__(self, out: BinaryIO, key: bytes, scope: str) -> None:
        head = scope.encode("ascii")
        self.out = out
        self.mac = hmac.new(key, head, hashlib.sha256)
        out.write(MAGIC + head)

    def write(self, data: bytes | memoryview) -> int:
        self.mac.update(data)
        return self.out.write(data)

    def close(self) -> None:
        self.out.write(self.mac.digest())


def unseal(blob: bytes, key: bytes, scope: str) -> memoryview | None:
    """The payload of a file this machine wrote for this scope; None for anything else (and for a short key)."""
    head = MAGIC + scope.encode("ascii")
    if len(key) < KEY_BYTES or not blob.startswith(head) or len(blob) < len(head) + _DIGEST:
        return None
    view = memoryview(blob)
    payload = view[len(head) : len(blob) - _DIGEST]  # a view: a large cache is not copied to be checked
    mac = hmac.new(key, head[len(MAGIC) :], hashlib.sha256)
    mac.update(payload)
    if not hmac.compare_digest(view[len(blob) - _DIGEST :], mac.digest()):
        return None
    return payload
