"""Key detection: a keyword pass over the bytes, then each shape's regex, then the noise filters.

Filters run cheapest first (as detect-secrets does): keywords in the bytes decide which regexes run at
all; a match is then dropped when it is a placeholder, low in entropy, not random-looking, lacks the
provider context a prefix-less shape needs, or sits in a config that is public by design (Firebase).
Patterns come from the catalog (checks/*/check.yaml `patterns`), each with the source of its format.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from assess.models import AiCondition, SecretPattern
from assess.redact import Redactor, shannon_entropy
from assess.scan.matching.lexicon import Lexicon

# Documentation values, never live keys. Words are matched in lower case only: a random key holds
# "your" in any case far more often than in lower case.
_PLACEHOLDER = re.compile(
    r"example|sample|placeholder|your|dummy|changeme|redacted|fake|[xX]{4}|\*{3}|\.\.\.|[<>]|\$\{|\{\{|%\("
)
_REPEAT = re.compile(r"(.)\1{5,}")
_RUNS = frozenset(
    alphabet[i : i + 6]
    for alphabet in ("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789")
    for i in range(len(alphabet) - 5)
)
CONTEXT_WINDOW = 120  # characters either side in which a prefix-less shape needs its provider's name
PUBLIC_WINDOW = 300  # a Firebase config spreads its tell-tale fields over a few lines
_SEARCH_REACH = CONTEXT_WINDOW + 256  # around a provider's name: the window plus the longest key match


@dataclass(frozen=True, slots=True)
class SecretHit:
    """One key found in a file: the pattern that matched, the key, where it starts, and whether it is an AI key."""

    pattern: SecretPattern
    start: int  # offset of the key in the text
    end: int
    secret: str
    ai: bool = True  # False: a shape shared with other products (Google `AIza`) that is no AI key here


@cache
def _compiled(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


def is_placeholder(secret: str) -> bool:
    """Documentation values and masks: `sk-...`, `sk-your-key`, `XXXX`, `${VAR}`, runs and sequences."""
    if _PLACEHOLDER.search(secret) or _REPEAT.search(secret):
        return True
    return any(secret[i : i + 6] in _RUNS for i in range(len(secret) - 5))


def looks_random(secret: str) -> bool:
    """Real keys mix at least two of lower case, upper case and digits; words and hex-less ids do not."""
    classes = any(c.islower() for c in secret) + any(c.isupper() for c in secret) + any(c.isdigit() for c in secret)
    return classes >= 2


def _near(regex: str | None, text: str, start: int, end: int, window: int) -> bool:
    if not regex:
        return False
    return _compiled(regex).search(text, max(0, start - window), min(len(text), end + window)) is not None


def _matches(pattern: SecretPattern, regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The shape's matches; a shape that needs its provider's name nearby is only searched near it."""
    if not pattern.context:
        yield from regex.finditer(text)
        return
    windows: list[list[int]] = []
    for near in _compiled(pattern.context).finditer(text):
        start, end = max(0, near.start() - _SEARCH_REACH), min(len(text), near.end() + _SEARCH_REACH)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    for start, end in windows:
        for match in regex.finditer(text, start, end):
            if match.end() < end or end == len(text):  # not cut short by the window's edge
                yield match


class KeyScanner:
    """Every key shape of the catalog, compiled once and run over one file's text."""

    def __init__(self, patterns: Iterable[SecretPattern]) -> None:
        self.patterns: tuple[SecretPattern, ...] = tuple(patterns)
        self._keywords: dict[bytes, list[SecretPattern]] = {}
        for pattern in self.patterns:
            for keyword in pattern.keywords:
                self._keywords.setdefault(keyword.lower().encode(), []).append(pattern)
        self._lexicon = Lexicon.of(self._keywords)
        # what every string the engine emits goes through: these shapes, then any random-looking token
        self.redactor = Redactor.of(p.regex for p in self.patterns)

    def candidates(self, data: bytes) -> list[SecretPattern]:
        """Patterns whose keywords occur in `data` (case-insensitive), in catalog order."""
        if not self._keywords:
            return []
        found = self._lexicon.find(data.lower())
        hit = {id(p) for keyword in found for p in self._keywords[keyword]}
        return [p for p in self.patterns if id(p) in hit]

    def find(self, text: str, data: bytes, providers: Collection[str] = ()) -> list[SecretHit]:
        """Keys in `text` (whose bytes are `data`); `providers` are the project's, for conditional shapes."""
        hits: list[SecretHit] = []
        for pattern in self.candidates(data):
            regex = _compiled(pattern.regex)
            group = "key" if "key" in regex.groupindex else 0
            for match in _matches(pattern, regex, text):
                start, end = match.span(group)
                if any(start < h.end and h.start < end for h in hits):
                    continue  # an earlier, more specific shape already took this text
                hit = self._judge(pattern, text, start, end, providers)
                if hit is not None:
                    hits.append(hit)
        hits.sort(key=lambda h: h.start)
        return hits

    @staticmethod
    def _judge(pattern: SecretPattern, text: str, start: int, end: int, providers: Collection[str]) -> SecretHit | None:
        secret = text[start:end]
        if is_placeholder(secret) or not looks_random(secret) or shannon_entropy(secret) < pattern.min_entropy:
            return None
        if pattern.context and not _near(pattern.context, text, start, end, CONTEXT_WINDOW):
            return None
        if _near(pattern.public_context, text, start, end, PUBLIC_WINDOW):
            return None
        ai = True
        condition = pattern.ai_only_if
        if condition is not None:
            ai = _uses_provider(condition, text, start, end, providers)
            if not ai and _other_product(condition, text, start, end):
                return None  # a Maps (YouTube, ...) key in a project that does not use Gemini: not an AI key
        return SecretHit(pattern, start, end, secret, ai)


def _uses_provider(condition: AiCondition, text: str, start: int, end: int, providers: Collection[str]) -> bool:
    """The project uses the condition's provider: a manifest names it, its name is near the key, or the file
    imports or calls it."""
    if condition.provider in providers or _near(condition.context, text, start, end, CONTEXT_WINDOW):
        return True
    return condition.uses is not None and _compiled(condition.uses).search(text) is not None


def _other_product(condition: AiCondition, text: str, start: int, end: int) -> bool:
    """The key is plainly another product's: named near the key, or the file is that product's client."""
    if _near(condition.unless, text, start, end, CONTEXT_WINDOW):
        return True
    return condition.unless_file is not None and _compiled(condition.unless_file).search(text) is not None
