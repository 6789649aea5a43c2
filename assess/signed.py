"""Data this machine wrote for itself, signed so that data from anywhere else is never unpickled.

The key lives outside every project (~/.cache/assess/cache-key, mode 0600): a scan cache committed to a
repository, or copied from another machine, fails the check and is ignored. Used by the scan cache
(assess/scan/cache.py) and the catalog cache (assess/catalog.py). `ASSESS_NO_CACHE=1` turns both off.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import BinaryIO

MAGIC = b"assess-signed-2\n"  # 2: the signature comes last
_DIGEST = hashlib.sha256().digest_size


def cache_enabled() -> bool:
    return os.environ.get("ASSESS_NO_CACHE", "").strip().lower() not in ("1", "true", "yes")


def machine_key_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "assess" / "cache-key"


def machine_key() -> bytes | None:
    """The HMAC key of this user on this machine, made on first use; None when it cannot be had."""
    path = machine_key_path()
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
        return path.read_bytes()
    except FileExistsError:  # another process made it a moment ago
        try:
            return path.read_bytes()
        except OSError:
            return None
    except OSError:
        return None


def seal(key: bytes, scope: str, payload: bytes) -> bytes:
    """MAGIC, the scope, the payload, then the signature of scope and payload (last, so that a large payload
    can be written as it is made: see `SealedWriter`)."""
    head = scope.encode("ascii")
    mac = hmac.new(key, head, hashlib.sha256)
    mac.update(payload)
    return b"".join((MAGIC, head, payload, mac.digest()))


class SealedWriter:
    """A file-like object that signs what passes through it: `pickle.dump(obj, writer)`, then `close()`
    writes the signature. The same bytes as `seal`, without the payload ever being whole in memory."""

    def __init__(self, out: BinaryIO, key: bytes, scope: str) -> None:
        head = scope.encode("ascii")
        self.out = out
        self.mac = hmac.new(key, head, hashlib.sha256)
        out.write(MAGIC + head)

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.out.write(data)

    def close(self) -> None:
        self.out.write(self.mac.digest())


def unseal(blob: bytes, key: bytes, scope: str) -> memoryview | None:
    """The payload of a file this machine wrote for this scope; None for anything else (never unpickled)."""
    head = MAGIC + scope.encode("ascii")
    if not blob.startswith(head) or len(blob) < len(head) + _DIGEST:
        return None
    view = memoryview(blob)
    payload = view[len(head) : len(blob) - _DIGEST]  # a view: a large cache is not copied to be checked
    mac = hmac.new(key, head[len(MAGIC) :], hashlib.sha256)
    mac.update(payload)
    if not hmac.compare_digest(view[len(blob) - _DIGEST :], mac.digest()):
        return None
    return payload
