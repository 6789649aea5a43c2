"""Redaction: the one function every output uses so no full secret ever leaves the scanner.

A secret becomes a few leading characters and a short hash: enough to recognise and rotate the key,
useless to an attacker. Text is redacted twice over: known key shapes first, then any long token
that looks random, so a shape we do not know yet is still hidden.

The key shapes are passed in, never remembered: the engine holds a `Redactor` built from the catalog's
shapes (ScanPlan.keys), renderers call `redact_text(text)` without shapes, so a report renders the same
whether or not a scan ran before it in this process.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# long runs of key alphabet with letters and digits mixed, as keys are and identifiers are not
_TOKEN = re.compile(r"[A-Za-z0-9_\-+/=.]{24,}")
_REDACTED = re.compile(r"^[A-Za-z0-9_\-]{0,12}…[0-9a-f]{8}$")
_PATH_SPLIT = re.compile(r"[/.:_-]")
_PATH_PART_MAX = 20  # random keys run longer than this between separators; path segments do not
_HEX = re.compile(r"[0-9a-fA-F]{32,}")
# Well-known secret shapes of other products, hidden in every output whatever the catalog knows (a flagged
# line's other secrets): AWS access key ids, GitHub, Slack and Stripe tokens.
WELL_KNOWN = tuple(
    re.compile(r)
    for r in (
        r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])",
        r"(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})",
        r"(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,}",
        r"(?<![A-Za-z0-9])[sr]k_(?:live|test)_[A-Za-z0-9]{16,}",
    )
)
# What every match of a WELL_KNOWN shape holds: text without it skips them all (each opens with a lookbehind,
# so the regex engine has no literal to search for and tries every character, four times over).
_WELL_KNOWN_HINT = re.compile(r"A(?:KIA|SIA|BIA|CCA)|gh[pousr]_|github_pat_|xox|[sr]k_(?:live|test)_")
# A string literal (no escapes, one line) and what joins two into one value: `+`, PHP's `.`, Lua's `..`, or
# nothing (Python and C join adjacent literals); pieces may sit on separate lines.
_LITERAL = r"(?:\"[^\"\\\n]*\"|'[^'\\\n]*'|`[^`\\\n$]*`)"
_LITERAL_RE = re.compile(_LITERAL)
# Every WELL_KNOWN shape and every _TOKEN holds a run of at least this many of these characters: text without
# one has nothing for them to redact (the test of most fact snippets, which are ordinary code lines).
RUN_FLOOR = 15
_RUN = re.compile(rf"[A-Za-z0-9_\-+/=.]{{{RUN_FLOOR},}}")
_CONCAT = re.compile(rf"{_LITERAL}(?:\s*(?:(?:\+|\.\.?)\s*)?{_LITERAL})+")


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
    if classes >= 3 or (classes == 2 and any(c.isdigit() for c in token) and shannon_entropy(token) >= 3.8):
        return True
    # 32+ hex digits with letters and digits: an Azure key, a secret's digest; never a word
    return _HEX.fullmatch(token) is not None and classes == 2


def _scrambled(part: str) -> bool:
    """A path segment that is a random string, not a word: mixed case and digits, switching between them
    at almost every other character (`bPxRfiCYZq8Tw3Lm4A`), where camel case switches once a word."""
    if len(part) < 10 or not looks_random(part):
        return False
    switches = sum(1 for a, b in itertools.pairwise(part) if _kind(a) != _kind(b))
    return switches >= 0.4 * (len(part) - 1)


def _kind(c: str) -> int:
    return 0 if c.islower() else 1 if c.isupper() else 2 if c.isdigit() else 3


def _path_like(token: str) -> bool:
    """A URL path, a dotted or dashed name ("//api.openai.com/v1/chat/completions",
    "claude-3-5-sonnet-20241022", "meta-llama/Llama-3.3-70B-Instruct"): short, word-like parts between
    separators. A key has a long random run somewhere (a base64 secret holding `/` has scrambled parts)."""
    parts = _PATH_SPLIT.split(token)
    if len(parts) < 2:
        return False
    return all(len(part) <= _PATH_PART_MAX and not _scrambled(part) for part in parts)


def _well_known(text: str) -> tuple[re.Pattern[str], ...]:
    """The WELL_KNOWN shapes, or none when `text` cannot hold a match of one."""
    return WELL_KNOWN if _WELL_KNOWN_HINT.search(text) else ()


def _token(match: re.Match[str]) -> str:
    return _token_text(match.group(0))


@functools.lru_cache(maxsize=8192)
def _token_text(token: str) -> str:
    """A long token, redacted when it looks random; remembered, as code repeats its long names on many lines."""
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


def _secret_spans(text: str, shapes: Sequence[re.Pattern[str]]) -> list[tuple[int, int]]:
    """Where `text` holds a secret: a known shape's key, or a random-looking long token."""
    spans: list[tuple[int, int]] = []
    for pattern in (*shapes, *WELL_KNOWN):
        for match in pattern.finditer(text):
            group = "key" if "key" in pattern.groupindex and match.group("key") is not None else 0
            spans.append(match.span(group))
    spans += [m.span() for m in _TOKEN.finditer(text) if _token(m) != m.group(0)]
    return spans


def split_pieces(text: str, shapes: Sequence[re.Pattern[str]] = ()) -> list[tuple[int, int]]:
    """(start, end) in `text` of string pieces that only together make a secret: `"sk-ant-api03-…" + "…"`,
    adjacent literals, pieces on separate lines. Each piece alone is too short to look like a key."""
    found: list[tuple[int, int]] = []
    for concat in _CONCAT.finditer(text):
        pieces = [(m.start() + 1, m.end() - 1) for m in _LITERAL_RE.finditer(text, concat.start(), concat.end())]
        joined: list[str] = []
        starts: list[int] = []  # where each piece starts in the joined text
        at = 0
        for start, end in pieces:
            joined.append(text[start:end])
            starts.append(at)
            at += end - start
        for s_start, s_end in _secret_spans("".join(joined), shapes):
            first = bisect.bisect_right(starts, s_start) - 1
            last = bisect.bisect_left(starts, s_end) - 1  # the last piece starting before the span ends
            if last > first:
                found += [pieces[i] for i in range(first, last + 1) if pieces[i][1] > pieces[i][0]]
    return sorted(set(found))


def redact_pieces(text: str, pieces: Iterable[tuple[int, int]]) -> str:
    """`text` with each (start, end) piece replaced by its redacted form (non-overlapping, in one pass)."""
    out: list[str] = []
    at = 0
    for start, end in sorted(pieces):
        if start < at:
            continue
        out += [text[at:start], redact(text[start:end])]
        at = end
    return "".join(out) + text[at:] if out else text


def redact_text(text: str, shapes: Sequence[re.Pattern[str]] = ()) -> str:
    """`text` with every match of `shapes` (known key shapes), of the well-known secret shapes, every piece
    of a secret split into strings, and every random-looking long token redacted."""
    if "'" in text or '"' in text or "`" in text:
        text = redact_pieces(text, split_pieces(text, shapes))
    if not shapes and not _RUN.search(text):
        return text
    for pattern in (*shapes, *_well_known(text)):
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

    def pieces(self, text: str) -> list[tuple[int, int]]:
        """`split_pieces` with these shapes."""
        return split_pieces(text, self.shapes)

    def path(self, path: str) -> str:
        """A path with each component that looks like a key redacted: the known shapes, and random tokens
        that mix upper case, lower case and digits (content hashes in bundle names are left alone)."""
        return "/".join(self._component(part) for part in path.split("/"))

    def _component(self, part: str) -> str:
        for pattern in (*self.shapes, *WELL_KNOWN):
            part = pattern.sub(_redact_match, part)
        return _TOKEN.sub(_mixed_token, part)


def _mixed_token(match: re.Match[str]) -> str:
    """A random run in a file name (upper, lower and digits scrambled); names like `MyService2024Backend`
    and content hashes in bundle names (`index-3f9a8b7c.js`) stay."""
    token = match.group(0)
    for piece in token.split("."):
        if len(piece) >= 24 and _scrambled(piece) and sum(_kind(c) < 3 for c in piece) and _classes(piece) == 3:
            token = token.replace(piece, redact(piece))
    return token


def _classes(text: str) -> int:
    return sum((any(c.islower() for c in text), any(c.isupper() for c in text), any(c.isdigit() for c in text)))
