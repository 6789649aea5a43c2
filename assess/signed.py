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

MAGIC = b"assess-scan-cache\n"
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
    head = scope.encode("ascii")
    mac = hmac.new(key, head, hashlib.sha256)
    mac.update(payload)  # not head + payload: a large cache is not copied once more for its signature
    return b"".join((MAGIC, mac.digest(), head, payload))


def unseal(blob: bytes, key: bytes, scope: str) -> bytes | None:
    """The payload of a file this machine wrote for this scope; None for anything else (never unpickled)."""
    head = scope.encode("ascii")
    start = len(MAGIC) + _DIGEST
    if not blob.startswith(MAGIC) or blob[start : start + len(head)] != head:
        return None
    payload = blob[start + len(head) :]
    mac = hmac.new(key, head, hashlib.sha256)
    mac.update(payload)
    if not hmac.compare_digest(blob[len(MAGIC) : start], mac.digest()):
        return None
    return payload
