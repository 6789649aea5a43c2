"""Does a file run on a server, in a browser or on a phone? Judged from paths and project facts.

A first cut for the foundation: the key-exposure work refines it per framework.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_MOBILE_SUFFIXES = (".swift", ".kt", ".dart", ".m")
_USE_CLIENT = re.compile(rb"""^\s*(?:/\*.*?\*/\s*|//[^\n]*\n\s*)*['"]use client['"]""", re.S)
_SERVER_DIRS = {"api", "server", "backend", "functions", "lambda", "netlify", "worker", "workers"}
_CLIENT_DIRS = {"components", "hooks", "public", "static", "client", "frontend", "web", "app-ui"}


def file_role(rel: str, head: bytes, frontend_roots: tuple[str, ...]) -> str:
    """'frontend', 'backend', 'mobile' or 'unknown' for one file; `head` is its first bytes."""
    path = PurePosixPath(rel)
    suffix = path.suffix.lower()
    if suffix in _MOBILE_SUFFIXES:
        return "mobile"
    if suffix in (".py", ".go", ".rb", ".java", ".php", ".rs", ".cs"):
        return "backend"
    if _USE_CLIENT.match(head):
        return "frontend"
    parts = set(path.parts[:-1])
    if path.stem == "route" or "api" in parts or parts & _SERVER_DIRS:
        return "backend"
    if any(rel.startswith(root) for root in frontend_roots) or parts & _CLIENT_DIRS:
        return "frontend"
    if suffix in (".html", ".vue", ".svelte", ".astro", ".jsx", ".tsx"):
        return "frontend"
    return "unknown"


def scope_applies(scope: str, role: str) -> bool:
    if scope == "any":
        return True
    # unknown files get the benefit of the doubt: a client-only check stays quiet on them
    return scope == role
