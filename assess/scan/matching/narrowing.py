"""Leave out, per file, the `any` branches of a rule that cannot match there, before ast-grep compiles it.

ast-grep-py compiles a rule's whole config on every `find_all`: ~3 us a rule object and up to ~0.3 ms a regex,
for every branch, whether the file can hold a match of it or not. The rule gate (rulegate.py) skips a rule
whose literals a file lacks; a rule whose own literals are there may still hold branches whose literals are
not. Such a branch matches no node of that file, wherever it sits (in a `has`, under `not`, in a `stopBy`,
in a util): the `any` without it gives every node the same answer, so it is left out, and with it every util
that nothing left reaches. What the rule matches, and what it binds, is unchanged.

A config is narrowed only when the plan registered it (`words`): the plan's lexicon must look for every
literal its branches test, since a word the lexicon does not look for is never found.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeAlias, cast

from assess.scan.matching.rulegate import Tested, formulas, holds_tested, literals, tested

# A branch lighter than this (in rule objects, a regex counting as REGEX_WEIGHT) costs less to compile than
# telling it apart costs in Python, and each one more branch means more variants of its rule to build.
MIN_WEIGHT = 10
REGEX_WEIGHT = 20  # a regex compiles in ~15-300 us, a plain rule object in ~3 us

Slots: TypeAlias = "tuple[tuple[Mapping[str, Any], Tested], ...]"  # a branch object and its tested formula


def branch_slots(config: Mapping[str, Any]) -> tuple[Slots, frozenset[bytes]]:
    """Every `any` branch of `config` (its rule and utils) worth leaving out and requiring some literal, with
    those literals. The branches are the config's own objects: pickled with it, they stay its parts."""
    formula_of = formulas(config)
    utils = config.get("utils") or {}
    slots: dict[int, tuple[Mapping[str, Any], Tested]] = {}
    words: set[bytes] = set()
    for branch in _branches(config):
        if id(branch) in slots or _weight(branch, utils, set()) < MIN_WEIGHT:
            continue
        formula = formula_of(branch)
        if formula is not None:
            slots[id(branch)] = (branch, tested(formula))
            words.update(literals(formula))
    return tuple(slots.values()), frozenset(words)


class Narrowing:
    """The narrowed variants of the configs a plan registered, made on first need and then kept.

    `known`: (config, slots, words) derived with the catalog (branch_slots) for these very config objects.
    """

    def __init__(self, known: Iterable[tuple[Mapping[str, Any], Slots, frozenset[bytes]]] = ()) -> None:
        self._known = {id(config): (config, slots, words) for config, slots, words in known}
        self._registered: dict[int, _Config] = {}

    def words(self, config: Mapping[str, Any]) -> frozenset[bytes]:
        """Register `config` for narrowing; returns the literals its branches test, for the plan's lexicon."""
        entry = self._registered.get(id(config))
        if entry is None or entry.config is not config:
            known = self._known.get(id(config))
            slots, words = known[1:] if known is not None and known[0] is config else branch_slots(config)
            entry = self._registered[id(config)] = _Config(config, slots, words)
        return entry.words

    def narrowed(self, config: dict[str, Any], found: frozenset[bytes]) -> dict[str, Any]:
        """`config` without the branches that cannot match in a file whose words are `found`: the very same
        object when there are none (and for a config never registered)."""
        entry = self._registered.get(id(config))
        if entry is None or entry.config is not config or not entry.slots:
            return config
        return entry.narrowed(found)


class _Config:
    """One registered config: its branches to test, and its narrowed forms by the words a file holds."""

    __slots__ = ("_by_dropped", "_by_words", "_layout", "config", "slots", "words")

    def __init__(self, config: Mapping[str, Any], slots: Slots, words: frozenset[bytes]) -> None:
        self.config = cast("dict[str, Any]", config)  # only read: the plan's configs are dicts
        self.slots = tuple((id(branch), formula) for branch, formula in slots)
        self.words = words
        # by the words of `words` a file holds: one set operation a file, the formulas tested once per set
        self._by_words: dict[frozenset[bytes], dict[str, Any]] = {}
        self._by_dropped: dict[frozenset[int], dict[str, Any]] = {}
        self._layout: _Layout | None = None  # read on the first narrowing that leaves something out

    def narrowed(self, found: frozenset[bytes]) -> dict[str, Any]:
        present = self.words & found
        done = self._by_words.get(present)
        if done is None:
            dropped = frozenset(branch for branch, formula in self.slots if not holds_tested(formula, present))
            done = self._by_dropped.get(dropped)
            if done is None:
                done = self._by_dropped[dropped] = self._build(dropped) if dropped else self.config
            self._by_words[present] = done
        return done

    def _build(self, dropped: frozenset[int]) -> dict[str, Any]:
        if self._layout is None:
            self._layout = _Layout(self.config, {branch for branch, _ in self.slots})
        parents, sites = self._layout.parents, self._layout.sites
        spine: set[int] = set()  # the objects that hold a dropped branch: only they are copied
        pending = [parent for branch in dropped for parent in parents.get(branch, ())]
        while pending:
            node = pending.pop()
            if id(node) not in spine:
                spine.add(id(node))
                pending.extend(parents.get(id(node), ()))

        def edit(node: Any) -> Any:
            if id(node) not in spine:
                return node
            if isinstance(node, list):
                return [edit(item) for item in node]
            return {
                key: [edit(b) for b in value if id(b) not in dropped]
                if key == "any" and isinstance(value, list)
                else edit(value)
                for key, value in node.items()
            }

        utils: dict[str, Any] = self.config.get("utils") or {}
        reached: set[str] = set()
        pending_names = [name for name, owner, around in sites if owner is None and not around & dropped]
        while pending_names:
            name = pending_names.pop()
            if name not in reached and name in utils:
                reached.add(name)
                pending_names.extend(n for n, owner, around in sites if owner == name and not around & dropped)
        result = {key: edit(value) for key, value in self.config.items() if key != "utils"}
        if utils:
            result["utils"] = {name: edit(body) for name, body in utils.items() if name in reached}
        return result


class _Layout:
    """Of one config: each list's and object's containers (by id), and each `matches` with its owner (None:
    the rule; else the util it is in) and the branches around it, so a util only left-out branches name is
    left out too."""

    def __init__(self, config: Mapping[str, Any], slots: set[int]) -> None:
        self.parents: dict[int, list[Any]] = {}
        self.sites: list[tuple[str, str | None, frozenset[int]]] = []
        self._slots = slots
        for key, value in config.items():
            if key == "utils" and isinstance(value, Mapping):
                for name, body in value.items():
                    self._visit(body, name, frozenset())
            else:
                self._visit(value, None, frozenset())

    def _visit(self, node: Any, owner: str | None, around: frozenset[int], branches: bool = False) -> None:
        """`branches`: `node` is the list of an `any`, the only place a branch is left out from."""
        if isinstance(node, list):
            for item in node:
                self._contains(node, item)
                inner = around | {id(item)} if branches and id(item) in self._slots else around
                self._visit(item, owner, inner)
        elif isinstance(node, Mapping):
            for key, value in node.items():
                if key == "matches" and isinstance(value, str):
                    self.sites.append((value, owner, around))
                else:
                    self._contains(node, value)
                    self._visit(value, owner, around, key == "any")

    def _contains(self, container: Any, item: Any) -> None:
        if isinstance(item, (list, Mapping)):
            self.parents.setdefault(id(item), []).append(container)


def _branches(node: Any) -> Iterator[Mapping[str, Any]]:
    """Every item of every `any` list in `node`, outer ones first."""
    if isinstance(node, list):
        for item in node:
            yield from _branches(item)
    elif isinstance(node, Mapping):
        for key, value in node.items():
            if key == "any" and isinstance(value, list):
                yield from (item for item in value if isinstance(item, Mapping))
            yield from _branches(value)


def _weight(node: Any, utils: Mapping[str, Any], seen: set[str]) -> int:
    """What compiling `node` costs, in rule objects: the utils it reaches count too (they go with it when
    nothing else names them)."""
    if isinstance(node, list):
        return sum(_weight(item, utils, seen) for item in node)
    if not isinstance(node, Mapping):
        return 0
    own = REGEX_WEIGHT if isinstance(node.get("regex"), str) else 1
    util = node.get("matches")
    if isinstance(util, str) and util in utils and util not in seen:
        seen.add(util)
        own += _weight(utils[util], utils, seen)
    return own + sum(_weight(value, utils, seen) for value in node.values())
