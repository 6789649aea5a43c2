"""A lookahead of the characters a regex can start with, so Python's `re` skips ahead instead of trying the
whole pattern at every position.

The text fact rules are alternations such as `@(?:functools\\.)?lru_cache\\b|\\bset_llm_cache\\b|...`: `re`
finds no literal prefix there and tries every branch at every character (about 0.45 s on the benchmark
corpus). Prefixed with `(?=[@s...])`, the same regex runs four times faster and matches exactly the same
text, because every match starts with one of those characters. When the first characters cannot be told
(a class like `\\w`, a pattern that can match nothing at all) the regex is left as it is.
"""

from __future__ import annotations

import re
import re._constants as sre_c  # type: ignore[import-not-found]  # the stdlib regex parser (no stubs)
import re._parser as sre_p  # type: ignore[import-not-found]
from typing import Any

_ZERO_WIDTH = (sre_c.AT,)
_MAX_CHARS = 40  # a longer set would hardly narrow anything


class _Unknown(Exception):
    pass


def _first(items: Any, ignore_case: bool) -> set[str]:
    """First characters of a sequence of parsed items; _Unknown when they cannot be told."""
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # ^, $, \b: the next item starts the match
        if ignore_case:
            raise _Unknown  # Unicode case folding: `s` also matches `ſ`, `k` the Kelvin sign
        if op is sre_c.LITERAL:
            return {chr(av)}
        if op is sre_c.IN:
            chars: set[str] = set()
            for kind, value in av:
                if kind is not sre_c.LITERAL:
                    raise _Unknown  # ranges, categories, negation: too wide to be worth it
                chars.add(chr(value))
            return chars
        if op is sre_c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            flag = sre_c.SRE_FLAG_IGNORECASE
            return _first(sub, (ignore_case or bool(add_flags & flag)) and not del_flags & flag)
        if op is sre_c.BRANCH:
            return set().union(*(_first(alt, ignore_case) for alt in av[1]))
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) and av[0] >= 1:
            return _first(av[2], ignore_case)
        raise _Unknown  # optional items, any character, lookarounds, backreferences
    raise _Unknown  # nothing but anchors: a zero-width match


def first_chars(regex: str, flags: int = 0) -> set[str] | None:
    """Every character a match of `regex` can start with, or None when that cannot be told."""
    try:
        parsed = sre_p.parse(regex, flags)
        chars = _first(parsed, bool(parsed.state.flags & sre_c.SRE_FLAG_IGNORECASE))
    except (_Unknown, re.error, RecursionError, OverflowError, ValueError):
        return None
    return chars if 0 < len(chars) <= _MAX_CHARS else None


def with_start(regex: str, flags: int = 0) -> re.Pattern[str]:
    """`regex` compiled, behind a lookahead of its first characters when they can be told."""
    return re.compile(start_source(regex, flags), flags)


def start_source(regex: str, flags: int = 0) -> str:
    """The source `with_start` compiles (parsing the regex costs more than compiling it: kept by the catalog)."""
    chars = first_chars(regex, flags)
    if not chars:
        return regex
    lead = _GLOBAL_FLAGS.match(regex)  # global flags must stay at the very start
    head, body = (lead.group(0), regex[lead.end() :]) if lead else ("", regex)
    ahead = "(?=[" + "".join(re.escape(c) for c in sorted(chars)) + "])"
    return f"{head}{ahead}(?:{body})"


_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
