"""What a scan runs, decided once per catalog and set of enabled checks: the `ScanPlan`.

The plan holds the checks per language with their keywords as bytes, the key shapes and where each key is
reported, the fact rules the enabled project checks need, the rule gate's formula of every ast-grep config,
and which fact kinds deferral treats specially (declared in the fact rules' data: `reach`, `deferrable`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assess.models import Check
from assess.scan.matching.backed import backed_config
from assess.scan.matching.factscan import FactPlan, plan_facts
from assess.scan.matching.lexicon import Lexicon, WordIndex
from assess.scan.matching.narrowing import Narrowing
from assess.scan.matching.rulegate import RuleGate
from assess.scan.matching.secrets import KeyScanner

if TYPE_CHECKING:
    from assess.catalog import Catalog

# A field with this metadata is derived from the others: left out of the cache's fingerprint of the plan.
DERIVED = {"derived": True}


@dataclass(frozen=True)
class ScanPlan:
    """The catalog arranged for the hot loop: checks per language with their keywords as bytes."""

    by_language: dict[str, list[tuple[Check, tuple[bytes, ...]]]]
    secret_checks: list[Check]
    # Every key shape of the catalog (also when only one key check is enabled), and per place a key
    # can sit (keys.py routes) the enabled check that reports it there.
    keys: KeyScanner = field(default_factory=lambda: KeyScanner(()))
    key_routes: dict[str, Check] = field(default_factory=dict)
    # engine "project" checks, judged after the walk, and the fact rules collected for them on each parse
    project_checks: list[Check] = field(default_factory=list)
    fact_plan: FactPlan = field(default_factory=FactPlan)
    # every literal tested on a file's bytes (check and fact keywords, rule-gate literals): one pass per file
    lexicon: Lexicon = field(default_factory=Lexicon)
    # defer files whose only reason for a parse is a `deferrable` fact (see importgraph.py); the second
    # round rescans, with `defer` off, those that lead to a file holding a `reach` fact (deferred.py)
    defer: bool = False
    reach: frozenset[str] = frozenset()  # fact kinds the judges follow calls to
    deferrable: frozenset[str] = frozenset()  # fact kinds that matter only on a call chain to a reach fact
    # per check id: literal groups a file must also hold, one literal of each (Check.requires)
    requires: dict[str, tuple[frozenset[bytes], ...]] = field(default_factory=dict)
    # the literals every match of each rule config needs (rulegate.py): derived at catalog load
    gate: RuleGate = field(default_factory=RuleGate, compare=False, metadata=DERIVED)
    # per (check id, language): its config with `llm-call` filled per file from the file's facts (backed.py)
    backed: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict, compare=False, metadata=DERIVED)
    # the configs above narrowed per file to the branches that may match there (narrowing.py)
    narrowing: Narrowing = field(default_factory=Narrowing, compare=False, metadata=DERIVED)

    @classmethod
    def build(cls, catalog: Catalog, enabled: Iterable[str] | None = None, *, defer: bool = False) -> ScanPlan:
        """The plan for the `enabled` checks of `catalog` (all when None); `defer` turns deferral on."""
        wanted = set(enabled) if enabled is not None else set(catalog.checks)
        by_language: dict[str, list[tuple[Check, tuple[bytes, ...]]]] = {}
        secrets: list[Check] = []
        key_routes: dict[str, Check] = {}
        project: list[Check] = []
        requires: dict[str, tuple[frozenset[bytes], ...]] = {}
        for check in catalog.checks.values():
            if check.id not in wanted:
                continue
            for route in check.key_routes or (["code"] if check.engine == "secrets" else []):
                key_routes.setdefault(route, check)
            if check.engine == "secrets":
                secrets.append(check)
                continue
            if check.engine == "project":
                project.append(check)
                continue
            keywords = tuple(k.encode() for k in check.keywords)
            if check.requires:
                requires[check.id] = tuple(frozenset(w.encode() for w in group) for group in check.requires)
            for lang in check.languages:
                by_language.setdefault(lang, []).append((check, keywords))
        patterns = [p for c in catalog.checks.values() for p in c.patterns]
        gate = RuleGate(catalog.gate)
        narrowing = Narrowing(catalog.narrowing)
        fact_plan = plan_facts(catalog.facts, project, catalog.forms)
        words = fact_plan.keywords()
        words.update(w for groups in requires.values() for group in groups for w in group)
        backed: dict[tuple[str, str], dict[str, Any]] = {}
        for language, entries in by_language.items():
            for check, keywords in entries:
                words.update(keywords)
                rule = check.rule_for(language)
                if rule is not None:
                    words.update(gate.words(rule) | narrowing.words(rule))
                if catalog.backed is not None:  # derived with the catalog
                    config = catalog.backed.get((check.id, language))
                else:
                    config = backed_config(rule) if rule is not None else None
                if config is not None:
                    backed[(check.id, language)] = config
                    words.update(narrowing.words(config))
        for variants in (*fact_plan.tree.values(), *fact_plan.piggyback.values()):
            for v in variants:
                words.update(gate.words(v.config) | narrowing.words(v.config))
                words.update(narrowing.words(v.form) if v.form is not None else ())
        reach = frozenset(f.id for f in catalog.facts.values() if f.reach)
        deferrable = frozenset(f.id for f in catalog.facts.values() if f.deferrable)
        return cls(
            by_language,
            secrets,
            KeyScanner(patterns),
            key_routes,
            project,
            fact_plan,
            Lexicon.of(words),
            defer,
            reach,
            deferrable,
            requires,
            gate,
            backed,
            narrowing,
        )

    def without_deferral(self) -> ScanPlan:
        """The same plan with `defer` off: the second round's (deferred files scanned in full)."""
        return dataclasses.replace(self, defer=False)

    def checks_with_words(self, lang: str, found: frozenset[bytes]) -> list[Check]:
        """The checks of `lang` one of whose keywords occurs in the file (`found`: its words), in plan order."""
        index = self._check_index.get(lang)
        return index.pick(found) if index is not None else []

    @functools.cached_property
    def _check_index(self) -> dict[str, WordIndex[Check]]:
        # derived on first use (not a field: the scan cache pictures the plan by its fields); a check without
        # keywords is never picked (no word of the file can meet an empty set)
        return {
            lang: WordIndex([(check, frozenset(keywords)) for check, keywords in entries if keywords])
            for lang, entries in self.by_language.items()
        }

    def checks(self) -> dict[str, Check]:
        """Every check this plan can report, by id."""
        found: dict[str, Check] = {}
        for entries in self.by_language.values():
            found.update((c.id, c) for c, _ in entries)
        for group in (self.secret_checks, self.key_routes.values(), self.project_checks):
            found.update((c.id, c) for c in group)
        return found
