"""Redaction: the one function every output uses so no full secret ever leaves the scanner.

A secret becomes a few leading characters and a short hash: enough to recognise and rotate the key,
useless to an attacker. Text is redacted twice over: known key shapes first, then any long token
that looks random, so a shape we do not know yet is still hidden.

The key shapes are passed in, never remembered: the engine holds a `Redactor` built from the catalog's
shapes (ScanPlan.keys), renderers call `redact_text(text)` without shapes, so a report renders the same
whether or not a scan ran before it in this process.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# long runs of key alphabet with letters and digits mixed, as keys are and identifiers are not
_TOKEN = re.compile(r"[A-Za-z0-9_\-+/=.]{24,}")
_REDACTED = re.compile(r"^[A-Za-z0-9_\-]{0,12}…[0-9a-f]{8}$")
_PATH_SPLIT = re.compile(r"[/.]")
_PATH_PART_MAX = 20  # random keys run longer than this between separators; path segments do not


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def redact(secret: str) -> str:
    """'sk-proj-AbC…' -> 'sk-proj…1a2b3c4d': at most 8 leading characters and never more than a quarter."""
    keep = min(8, len(secret) // 4)
    return f"{secret[:keep]}…{secret_hash(secret)}"


def shannon_entropy(text: str) -> float:
    if not text:
        return 0.0
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_random(token: str) -> bool:
    classes = sum((any(c.islower() for c in token), any(c.isupper() for c in token), any(c.isdigit() for c in token)))
    return classes >= 3 or (classes == 2 and any(c.isdigit() for c in token) and shannon_entropy(token) >= 3.8)


def _path_like(token: str) -> bool:
    """A URL path or dotted name ("//api.openai.com/v1/chat/completions"): short parts between / and ."""
    return ("/" in token or "." in token) and all(len(part) <= _PATH_PART_MAX for part in _PATH_SPLIT.split(token))


def _token(match: re.Match[str]) -> str:
    token = match.group(0)
    if _REDACTED.match(token) or not looks_random(token) or _path_like(token):
        return token
    return redact(token)


def _redact_match(match: re.Match[str]) -> str:
    """The match with its key redacted: only the `key` group where a shape captures its surroundings too."""
    if "key" not in match.re.groupindex or match.group("key") is None:
        return redact(match.group(0))
    start, end = match.span("key")
    base = match.start()
    whole = match.group(0)
    return whole[: start - base] + redact(match.group("key")) + whole[end - base :]


def redact_text(text: str, shapes: Sequence[re.Pattern[str]] = ()) -> str:
    """`text` with every match of `shapes` (known key shapes) and every random-looking long token redacted."""
    for pattern in shapes:
        text = pattern.sub(_redact_match, text)
    return _TOKEN.sub(_token, text)


@dataclass(frozen=True)
class Redactor:
    """`redact_text` with a fixed set of key shapes: what the engine applies to every string it emits."""

    shapes: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def of(cls, regexes: Iterable[str]) -> Redactor:
        """The shapes compiled once each, in the given order (a repeated regex counts once)."""
        return cls(tuple(re.compile(r) for r in dict.fromkeys(regexes)))

    def __call__(self, text: str) -> str:
        return redact_text(text, self.shapes)
