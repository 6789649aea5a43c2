"""How the regexes of ast-grep rules are spelled for a fast compile, matching the same strings.

ast-grep-py compiles a rule's config on every `find_all` call, and that compile, not the tree walk, is most of
what a rule costs on an ordinary file. Two spellings make the Rust regex engine compile less:
- `\\w`, `\\d` and `\\s` as ASCII classes. A Unicode `\\w` costs about 0.3 ms to compile against 0.01 ms for
  `[0-9A-Za-z_]`. The regexes test identifiers and literals of source code, where the difference between
  Unicode and ASCII word characters does not arise in practice.
- A search for a long alternation, `a|b|c|d`, as an anchored one, `^[\\s\\S]*?(?:a|b|c|d)`. ast-grep only asks
  whether a node's text matches, and both say yes for the same texts; the anchored one gives the engine no
  literals to build a prefilter of, and those make up half the compile time of a long alternation (a node's
  text is short: a prefilter never pays for itself there). ~0.2 s less per run of the bench corpus.
"""

from __future__ import annotations

import re
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


MIN_ALTERNATIVES = 4  # fewer, and the prefilter is cheap (a single literal is found with memchr)
_ANCHORED = re.compile(r"(?:\(\?[a-zA-Z]+\))?\^")  # `^...` and `(?i)^...`: no prefilter is built


def without_prefilter(regex: str) -> str:
    """`regex` anchored after a lazy run of anything when it is a long unanchored alternation: a text holds
    a match of one exactly when it holds a match of the other."""
    if _ANCHORED.match(regex) or regex.count("|") < MIN_ALTERNATIVES - 1:
        return regex
    return f"^[\\s\\S]*?(?:{regex})"


def ascii_rules(node: Any) -> Any:
    """A rule config (rules, utils, nested relations) with every `regex` spelled for a fast compile: in
    ASCII, and long alternations without a prefilter."""
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
