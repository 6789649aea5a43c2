"""How the regexes of ast-grep rules are spelled for a fast compile, matching the same strings.

ast-grep-py compiles a rule's config on every `find_all` call, and that compile, not the tree walk, is most of
what a rule costs on an ordinary file. Two spellings make the Rust regex engine compile less:
- `\\w`, `\\d` and `\\s` as ASCII classes. A Unicode `\\w` costs about 0.3 ms to compile against 0.01 ms for
  `[0-9A-Za-z_]`. The regexes test identifiers and literals of source code, where the difference between
  Unicode and ASCII word characters does not arise in practice.
- A search that starts with many literals, `(?i)usage|limit|quota`, as an anchored one,
  `^[\\s\\S]*?(?:(?i)usage|limit|quota)`. ast-grep only asks whether a node's text matches, and both say yes
  for the same texts; the anchored one gives the engine no literals to build a prefilter of, and for many
  literals that is half the compile (a node's text is short: a prefilter never pays for itself there). For a
  few literals the prefix costs more than it saves: the count is estimated from the regex (`_literals`).
"""

from __future__ import annotations

import re
from re import _constants, _parser
from typing import Any

_CLASSES = {"w": "0-9A-Za-z_", "d": "0-9", "s": "\\t\\n\\x0B\\f\\r "}


def ascii_regex(regex: str) -> str:
    """`regex` with `\\w`, `\\d` and `\\s` as ASCII classes, inside or outside a bracketed class."""
    out: list[str] = []
    i = 0
    in_class = False
    while i < len(regex):
        char = regex[i]
        if char == "\\" and i + 1 < len(regex):
            escaped = regex[i + 1]
            if escaped in _CLASSES:
                out.append(_CLASSES[escaped] if in_class else f"[{_CLASSES[escaped]}]")
            else:
                out.append(regex[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            i += 1
            for lead in ("^", "]"):  # a leading ^ negates; a ] right after the opening is a literal
                if regex.startswith(lead, i):
                    out.append(lead)
                    i += 1
            continue
        if char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


MIN_LITERALS = 25  # fewer, and the prefilter costs less to build than the prefix does (~40 us for `[\s\S]*?`)
_ANCHORED = re.compile(r"(?:\(\?[a-zA-Z]+\))?\^")  # `^...` and `(?i)^...`: no prefilter is built


def without_prefilter(regex: str) -> str:
    """`regex` anchored after a lazy run of anything when it is an unanchored search with many leading
    literals: a text holds a match of one exactly when it holds a match of the other."""
    try:  # read with Python's own regex parser, which knows the syntax the catalog uses
        tree = _parser.parse(regex)
        keep = _anchored(list(tree)) or _literals(list(tree), bool(tree.state.flags & re.IGNORECASE)) < MIN_LITERALS
    except Exception:  # Rust syntax Python cannot read (`\\z`, `(?-u)`): judged by its alternatives alone
        keep = bool(_ANCHORED.match(regex)) or regex.count("|") < 3
    return regex if keep else f"^[\\s\\S]*?(?:{regex})"


# How many literals the regex engine would take as the start of a match, estimated the way its prefilter
# extractor reads a regex: alternatives add up, a sequence multiplies, a small class or an ignored case
# multiplies by its choices, and anything else ends the prefix. Measured on the catalog's regexes: from ~25
# literals on, the prefix compiles faster than the prefilter; below, slower (a few literals: 20-50 us).
_MAX = 10_000
_SMALL_CLASS = 10


def _literals(items: list[Any], ignore_case: bool) -> int:
    total = 1
    for op, value in items:
        n = _choices(op, value, ignore_case)
        if n is None:
            break
        total *= n
        if total > _MAX:
            break
    return total


def _choices(op: Any, value: Any, ignore_case: bool) -> int | None:
    if op is _constants.LITERAL:
        return 2 if ignore_case and chr(value).isalpha() else 1
    if op is _constants.AT:
        return 1
    if op is _constants.IN:
        n = 0
        for part, span in value:
            if part is _constants.LITERAL:
                n += 1
            elif part is _constants.RANGE:
                n += span[1] - span[0] + 1
            else:
                return None
        return n if n <= _SMALL_CLASS else None
    if op is _constants.BRANCH:
        return sum(_literals(list(branch), ignore_case) for branch in value[1])
    if op is _constants.SUBPATTERN:
        return _literals(list(value[3]), ignore_case or bool(value[1] & re.IGNORECASE))
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) and value[0] == 0 and value[1] == 1:
        return 1 + _literals(list(value[2]), ignore_case)  # `(?:Async)?OpenAI`: with it or without
    return None


def _anchored(items: list[Any]) -> bool:
    """Every match starts at the start of the text: the regex opens with `^`, in each of its alternatives."""
    if not items:
        return False
    op, value = items[0]
    if op is _constants.AT:
        return bool(value is _constants.AT_BEGINNING or value is _constants.AT_BEGINNING_STRING)
    if op is _constants.BRANCH:
        return all(_anchored(list(branch)) for branch in value[1])
    if op is _constants.SUBPATTERN:
        return _anchored(list(value[3]))
    return False


def ascii_rules(node: Any) -> Any:
    """A rule config (rules, utils, nested relations) with every `regex` spelled for a fast compile: in
    ASCII, and searches that start with many literals without a prefilter."""
    if isinstance(node, dict):
        return {
            key: without_prefilter(ascii_regex(value))
            if key == "regex" and isinstance(value, str)
            else ascii_rules(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [ascii_rules(item) for item in node]
    return node
