"""ASCII spellings of `\\w`, `\\d` and `\\s` in the regexes of ast-grep rules.

ast-grep-py compiles a rule's config on every `find_all` call, and that compile, not the tree walk, is most of
what a rule costs on an ordinary file. In the Rust regex engine a Unicode `\\w` costs about 0.3 ms to compile
against 0.01 ms for `[0-9A-Za-z_]`, and the catalog's rules hold dozens of them: spelling them in ASCII
halves the compile time of the whole catalog. The regexes test identifiers and literals of source code,
where the difference between Unicode and ASCII word characters does not arise in practice.
"""

from __future__ import annotations

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


def ascii_rules(node: Any) -> Any:
    """A rule config (rules, utils, nested relations) with every `regex` spelled in ASCII."""
    if isinstance(node, dict):
        return {
            key: ascii_regex(value) if key == "regex" and isinstance(value, str) else ascii_rules(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [ascii_rules(item) for item in node]
    return node
