"""Skip an ast-grep rule on a file that cannot hold a match: literals every match needs, tested on the bytes.

ast-grep-py compiles a rule on every `find_all` call (regexes included: a Unicode `\\w` or a case-insensitive
alternation costs ~0.5 ms each), so on a typical file running a rule costs far more than the match itself.
Every node a rule can match is a piece of the file, and so is every node it relates to (`has`, `inside`,
`follows`, `precedes`): a literal the rule's regexes or patterns require must occur in the file's bytes.
From each rule config this module derives a formula of such literals (AND for `all` and a rule's fields,
OR for `any`, nothing for `not`, `kind` and anything it cannot read) and tests it on the bytes. The test
is sound, never a guess: when it says no, `find_all` would have returned nothing.

Conservative on purpose: a case-insensitive regex part, an unknown regex syntax, a pattern object with a
selector or strictness, a whitespace-containing or non-ASCII piece of a literal all count as "no requirement".
"""

from __future__ import annotations

import re
import re._constants as sre_c  # type: ignore[import-not-found]  # the stdlib regex parser (no stubs)
import re._parser as sre_p  # type: ignore[import-not-found]
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

# A formula: None (no requirement), a literal, or ("&" | "|", parts)
Formula: TypeAlias = "bytes | tuple[str, tuple[Formula, ...]] | None"

MIN_LITERAL = 3  # shorter literals are in nearly every file: testing them costs more than it saves
_WORD = re.compile(r"(?<![$\w])[A-Za-z_][A-Za-z0-9_]*")
_SPACE = re.compile(r"\s+")
_RELATIONS = ("has", "inside", "follows", "precedes")
_REPEATS = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", sre_c.MAX_REPEAT))


def _all(parts: list[Formula]) -> Formula:
    kept: list[Formula] = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, tuple) and part[0] == "&":
            kept.extend(part[1])
        elif part not in kept:
            kept.append(part)
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else ("&", tuple(kept))


def _any(parts: list[Formula]) -> Formula:
    if not parts or any(p is None for p in parts):
        return None
    kept: list[Formula] = []
    for part in parts:
        if isinstance(part, tuple) and part[0] == "|":
            kept.extend(part[1])
        elif part not in kept:
            kept.append(part)
    return kept[0] if len(kept) == 1 else ("|", tuple(kept))


def _literal(text: str) -> Formula:
    """Every whitespace-free piece of `text` (script regions are parsed with the markup blanked to spaces)."""
    pieces: list[Formula] = []
    for piece in _SPACE.split(text):
        if len(piece) >= MIN_LITERAL and piece.isascii():
            pieces.append(piece.encode())
    return _all(pieces)


def _sequence(items: Any) -> Formula:
    parts: list[Formula] = []
    run: list[str] = []
    for op, av in items:
        if op is sre_c.LITERAL:
            run.append(chr(av))
            continue
        if run and op is sre_c.BRANCH:
            # the parser factors a common prefix out of alternatives ("c(?:hat|ompletions)"): put it back
            prefix = [(sre_c.LITERAL, ord(c)) for c in run]
            parts.append(_any([_sequence(prefix + list(alt)) for alt in av[1]]))
            run = []
            continue
        if run:
            parts.append(_literal("".join(run)))
            run = []
        parts.append(_node(op, av))
    if run:
        parts.append(_literal("".join(run)))
    return _all(parts)


def _node(op: Any, av: Any) -> Formula:
    if op is sre_c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & sre_c.SRE_FLAG_IGNORECASE else _sequence(sub)
    if op is sre_c.BRANCH:
        return _any([_sequence(alt) for alt in av[1]])
    if op in _REPEATS:
        low, _high, sub = av
        return _sequence(sub) if low >= 1 else None
    return None  # classes, anchors, categories, lookarounds, backreferences: no literal


def regex_formula(regex: str) -> Formula:
    """Literals every string matching `regex` (as ast-grep's Rust regex reads it) contains."""
    try:
        parsed = sre_p.parse(regex)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    if parsed.state.flags & (sre_c.SRE_FLAG_IGNORECASE | sre_c.SRE_FLAG_VERBOSE):
        return None
    return _sequence(parsed)


def pattern_formula(pattern: str) -> Formula:
    """Identifiers of a pattern string that are not metavariables: a match holds each one as written."""
    if any(mark in pattern for mark in ("#", "//", "/*")):
        return None  # a comment in a pattern may be skipped by the matcher
    return _all([_literal(word) for word in _WORD.findall(pattern)])


class _Deriver:
    def __init__(self, utils: Mapping[str, Any]) -> None:
        self.utils = utils
        self.active: set[str] = set()
        # per rule object (kept, so its id is not reused): a node's formula is asked again for every `any`
        # around it (branch_slots). One cut short by a cycle of utils is weaker, never wrong: it is kept too.
        self.known: dict[int, tuple[Any, Formula]] = {}

    def rule(self, rule: Any) -> Formula:
        if not isinstance(rule, Mapping):
            return None
        known = self.known.get(id(rule))
        if known is not None and known[0] is rule:
            return known[1]
        formula = self._derive(rule)
        self.known[id(rule)] = (rule, formula)
        return formula

    def _derive(self, rule: Mapping[str, Any]) -> Formula:
        parts: list[Formula] = []
        for key, value in rule.items():
            if key == "pattern":
                parts.append(pattern_formula(value) if isinstance(value, str) else None)
            elif key == "regex":
                parts.append(regex_formula(value) if isinstance(value, str) else None)
            elif key in _RELATIONS:
                parts.append(self.rule(value))  # its stopBy and field add no literal: the loop passes over them
            elif key == "all":
                parts.append(_all([self.rule(item) for item in value]) if isinstance(value, list) else None)
            elif key == "any":
                parts.append(_any([self.rule(item) for item in value]) if isinstance(value, list) else None)
            elif key == "matches":
                parts.append(self.util(value))
            # kind, not, nthChild, range: no literal requirement
        return _all(parts)

    def util(self, name: Any) -> Formula:
        if not isinstance(name, str) or name not in self.utils or name in self.active:
            return None
        self.active.add(name)
        try:
            return self.rule(self.utils[name])
        finally:
            self.active.discard(name)


def formulas(config: Mapping[str, Any]) -> Callable[[Any], Formula]:
    """The formula of any part of `config` (its utils read as the config's), each part derived once."""
    utils = config.get("utils") or {}
    return _Deriver(utils if isinstance(utils, Mapping) else {}).rule


def rule_formula(config: Mapping[str, Any]) -> Formula:
    """The literal formula of one ast-grep config ({rule, constraints, utils, ...})."""
    utils = config.get("utils") or {}
    return _Deriver(utils if isinstance(utils, Mapping) else {}).rule(config.get("rule"))


def holds(formula: Formula, found: frozenset[bytes]) -> bool:
    """Whether the formula holds for a file whose literals (of those the formula names) are `found`."""
    return holds_tested(tested(formula), found)


def literals(formula: Formula) -> set[bytes]:
    """Every literal a formula tests: the words the plan's lexicon must look for."""
    if formula is None:
        return set()
    if isinstance(formula, bytes):
        return {formula}
    return {word for part in formula[1] for word in literals(part)}


# A formula arranged for the hot loop: (is_and, literals, sub-formulas); its literal parts are tested with
# one set operation instead of a call per literal (the gate asks hundreds of thousands of times per scan).
Tested: TypeAlias = "tuple[bool, frozenset[bytes], tuple[Tested, ...]] | None"


def tested(formula: Formula) -> Tested:
    """`formula` arranged for `holds_tested`: what a hot loop tests many times."""
    if formula is None:
        return None
    if isinstance(formula, bytes):
        return (True, frozenset((formula,)), ())
    op, parts = formula
    words = frozenset(p for p in parts if isinstance(p, bytes))
    return (op == "&", words, tuple(tested(p) for p in parts if not isinstance(p, bytes)))


def holds_tested(formula: Tested, found: frozenset[bytes]) -> bool:
    """Whether a formula already `tested` holds for a file whose literals are `found`."""
    if formula is None:
        return True
    every, words, subs = formula
    if every:
        return words <= found and all(holds_tested(s, found) for s in subs)
    return not words.isdisjoint(found) or any(holds_tested(s, found) for s in subs)


class RuleGate:
    """Formulas per rule config, derived once; `may_match` tells whether a file can hold a match.

    One gate belongs to one scan plan. `known`: formulas derived earlier (at catalog load, kept with the
    cached catalog) for these very config objects; any other config's formula is derived on first use.
    """

    def __init__(self, known: Iterable[tuple[Mapping[str, Any], Formula, frozenset[bytes]]] = ()) -> None:
        # keyed by id(config); the config is kept in the value so its id is never reused while held here.
        # The tested form is made on first use: a run asks about a fraction of the catalog's configs, and
        # every run builds its plan (and this gate) anew.
        self._formulas: dict[int, tuple[Mapping[str, Any], Formula, Tested]] = {}
        self._words: dict[int, frozenset[bytes]] = {}
        for config, formula, words in known:
            self._formulas.setdefault(id(config), (config, formula, None))
            self._words.setdefault(id(config), words)

    def _entry(self, config: Mapping[str, Any]) -> tuple[Mapping[str, Any], Formula, Tested]:
        entry = self._formulas.get(id(config))
        if entry is None or entry[0] is not config:
            formula = rule_formula(config)
            entry = self._formulas[id(config)] = (config, formula, tested(formula))
        elif entry[2] is None and entry[1] is not None:
            entry = self._formulas[id(config)] = (config, entry[1], tested(entry[1]))
        return entry  # its tested form is None only where the formula is None (no requirement)

    def formula(self, config: Mapping[str, Any]) -> Formula:
        """The literal formula of one rule config (derived once, then kept)."""
        return self._entry(config)[1]

    def words(self, config: Mapping[str, Any]) -> frozenset[bytes]:
        """Every literal the formula of `config` tests: what the plan's lexicon must find (kept when known)."""
        words = self._words.get(id(config))
        known = self._formulas.get(id(config))
        if words is None or known is None or known[0] is not config:
            words = self._words[id(config)] = frozenset(literals(self.formula(config)))
        return words

    def may_match(self, config: Mapping[str, Any] | None, found: frozenset[bytes]) -> bool:
        """`found`: the file's words from a lexicon that holds every literal of this config's formula."""
        return config is None or holds_tested(self._entry(config)[2], found)
