"""Key detection: a keyword pass, then each shape's regex, then placeholder and entropy filters.

Filters run cheapest first (as detect-secrets does): keyword in bytes, regex, placeholder words,
entropy, then the provider context a prefix-less shape needs to be credible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from assess.models import SecretPattern
from assess.scan.redact import shannon_entropy

# Words that mark a documentation value, never a live key.
_PLACEHOLDER = re.compile(r"(?i)example|sample|placeholder|your|dummy|changeme|redacted|xxxx|\.\.\.|<|>|\$\{|\{\{")
_REPEAT = re.compile(r"(.)\1{7,}")
CONTEXT_WINDOW = 120


@dataclass(frozen=True, slots=True)
class SecretHit:
    pattern: SecretPattern
    start: int
    end: int
    secret: str


@cache
def _compiled(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


def is_placeholder(secret: str) -> bool:
    return bool(_PLACEHOLDER.search(secret) or _REPEAT.search(secret))


def find_secrets(text: str, patterns: list[SecretPattern], data: bytes) -> list[SecretHit]:
    hits: list[SecretHit] = []
    taken: set[tuple[int, int]] = set()
    for pattern in patterns:
        if not any(k.encode() in data for k in pattern.keywords):
            continue
        for match in _compiled(pattern.regex).finditer(text):
            secret = match.group(0)
            span = match.span()
            if span in taken or is_placeholder(secret):
                continue
            if shannon_entropy(secret) < pattern.min_entropy:
                continue
            if pattern.context:
                window = text[max(0, span[0] - CONTEXT_WINDOW) : span[1] + CONTEXT_WINDOW]
                if not _compiled(pattern.context).search(window):
                    continue
            taken.add(span)
            hits.append(SecretHit(pattern, span[0], span[1], secret))
    return hits
