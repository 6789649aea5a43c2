"""The scan cache's records as JSON: what a scan found in, plain lists, strings and numbers out, and back.

Nothing read here can run code: `json.loads` makes lists, dicts, strings and numbers, and each object is
built by the functions below from the fields they name. A check is stored by its id and taken back from the
catalog; an id the catalog does not know makes the record unreadable (its file is scanned again). Rows are
positional lists, not dicts: a scan holds tens of thousands of facts, and keys would double the bytes.

Every field of ScanOutput and ProjectOutcome has its own entry below; `CODEC_COMPLETE` says whether that
still covers the dataclasses as they are (a field added without one turns the cache off, never drops data).
RawFinding and Fact rows follow their fields' order; their fields are strings, numbers, flags and, for
facts, the two dicts converted below (tests/bench_cache/test_cache_codec.py holds them to that).
"""

from __future__ import annotations

import json
import operator
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from assess.models import Check
from assess.scan.matching.engine import RawFinding, ScanOutput
from assess.scan.matching.factscan import _NO_LISTS, NO_VALUES, Fact
from assess.scan.project.project_checks import ProjectOutcome
from assess.suppress import Suppression

Checks = dict[str, Check]

_FINDING_FIELDS = tuple(spec.name for spec in fields(RawFinding))
_finding_rest = operator.attrgetter(*_FINDING_FIELDS[1:])  # everything after `check`
_fact_row = operator.attrgetter(*(spec.name for spec in fields(Fact)))


def dumps(value: Any) -> bytes:
    """Compact JSON, ASCII only (a lone surrogate from a file name survives as an escape)."""
    return json.dumps(value, separators=(",", ":"), check_circular=False).encode("ascii")


def loads(data: bytes | memoryview) -> Any:
    """What `dumps` wrote (plain JSON values only: never an object that could run code)."""
    return json.loads(bytes(data) if isinstance(data, memoryview) else data)


# --- the rows --------------------------------------------------------------------------------


def _findings_out(findings: list[RawFinding]) -> list[list[Any]]:
    return [[f.check.id, *_finding_rest(f)] for f in findings]


def _findings_in(rows: list[list[Any]], checks: Checks) -> list[RawFinding]:
    return [RawFinding(checks[row[0]], *row[1:]) for row in rows]  # an unknown id: KeyError, no record


def shared(fact: Fact) -> Fact:
    """`fact` holding the one copy of each of its strings (interned) and the shared empty dicts.

    A fact that crossed the process boundary or came out of the JSON cache holds copies of its own: of the
    same kind, file, role and label as its neighbours', of the same captured names and snippets as the other
    facts of its shape (`import os` in many files). Interned, a scan's facts take a quarter less memory on
    the bench corpus (and much less where files repeat). Dicts are rebuilt, never changed in place.
    """
    intern = sys.intern
    fact.kind, fact.label, fact.rel, fact.role = (
        intern(fact.kind),
        intern(fact.label),
        intern(fact.rel),
        intern(fact.role),
    )
    fact.snippet = intern(fact.snippet)
    if fact.text:
        fact.text = intern(fact.text)
    fact.values = {intern(k): intern(v) for k, v in fact.values.items()} if fact.values else NO_VALUES
    if fact.lists:
        fact.lists = {intern(name): tuple(map(intern, items)) for name, items in fact.lists.items()}
    else:
        fact.lists = _NO_LISTS
    return fact


def share_facts(facts: dict[str, list[Fact]]) -> None:
    """Every fact of one output `shared` (see there)."""
    for found in facts.values():
        for fact in found:
            shared(fact)


# the fields `_facts_in` unpacks, in order: another Fact turns the cache off (CODEC_COMPLETE)
_FACT_FIELDS = ("kind", "label", "rel", "role", "line", "column", "end_line", "snippet", "values", "lists", "text")


def _values_in(values: dict[str, str]) -> dict[str, str]:
    if not values:
        return NO_VALUES
    intern = sys.intern
    for name, value in values.items():  # the row's own dict: its names are already one copy (json's key memo)
        values[name] = intern(value)
    return values


def _lists_in(lists: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {name: tuple(map(sys.intern, items)) for name, items in lists.items()} if lists else _NO_LISTS


def _facts_out(facts: dict[str, list[Fact]]) -> list[list[Any]]:
    return [[rel, [list(_fact_row(f)) for f in found]] for rel, found in facts.items()]


def _facts_in(rows: list[list[Any]], _checks: Checks) -> dict[str, list[Fact]]:
    """Each file's facts, their strings interned as `shared` does (in one pass: this is the cache's hot loop).
    A row of another length than Fact's fields raises ValueError (the entry is not used)."""
    intern = sys.intern
    facts: dict[str, list[Fact]] = {}
    for rel, found in rows:
        facts[intern(rel)] = [
            Fact(
                intern(kind),
                intern(label),
                intern(at),
                intern(role),
                line,
                column,
                end_line,
                intern(snippet),
                _values_in(values),
                _lists_in(lists),
                intern(text) if text else "",
            )
            for kind, label, at, role, line, column, end_line, snippet, values, lists, text in found
        ]
    return facts


def _suppressions_out(found: list[Suppression]) -> list[list[Any]]:
    return [[s.rel, s.line, list(s.checks), s.reason] for s in found]


def _suppressions_in(rows: list[list[Any]], _checks: Checks) -> list[Suppression]:
    return [Suppression(rel, line, tuple(ids), reason) for rel, line, ids, reason in rows]


def _imports_in(rows: list[list[Any]], _checks: Checks) -> list[tuple[str, tuple[str, ...]]]:
    return [(rel, tuple(specs)) for rel, specs in rows]


def _errors_in(rows: list[list[Any]], _checks: Checks) -> list[tuple[str, str | None, str]]:
    return [(check_id, rel, message) for check_id, rel, message in rows]


def _as_is(value: Any) -> Any:
    return value


def _listed(value: Any) -> list[Any]:
    return list(value)


def _plain(kind: type) -> Callable[[Any, Checks], Any]:
    return lambda value, _checks: kind(value)


# field -> (to JSON, from JSON with the catalog's checks)
Field = tuple[Callable[[Any], Any], Callable[[Any, Checks], Any]]
_FINDINGS: Field = (_findings_out, _findings_in)
_ERRORS: Field = (_listed, _errors_in)
_INT: Field = (_as_is, _plain(int))
_COUNTER: Field = (dict, _plain(Counter))
_SET: Field = (_listed, _plain(set))
_LIST: Field = (_listed, _plain(list))

_OUTPUT: dict[str, Field] = {
    "findings": _FINDINGS,
    "files_scanned": _INT,
    "files_keys_only": _INT,
    "skipped": _COUNTER,
    "languages": _COUNTER,
    "providers": _SET,
    "suppressions": (_suppressions_out, _suppressions_in),
    "facts": (_facts_out, _facts_in),
    "imports": (_listed, _imports_in),
    "targets": _SET,
    "deferred": _LIST,
    "errors": _ERRORS,
    "cut_short": _LIST,
}

_OUTCOME: dict[str, Field] = {
    "findings": _FINDINGS,
    "models": _LIST,
    "providers": _LIST,
    "applied_items": _SET,
    "errors": _ERRORS,
    "call_sites": (dict, _plain(dict)),
    "endpoints": (_as_is, lambda value, _checks: value if value is None else int(value)),
}

CODEC_COMPLETE = (
    tuple(_OUTPUT) == tuple(spec.name for spec in fields(ScanOutput))
    and tuple(_OUTCOME) == tuple(spec.name for spec in fields(ProjectOutcome))
    and tuple(spec.name for spec in fields(Fact)) == _FACT_FIELDS
)


def _decoded(table: dict[str, Field], row: list[Any], checks: Checks) -> dict[str, Any]:
    """Each field's value from its place in `row` (a row of another length: ValueError)."""
    return {name: decode(value, checks) for (name, (_, decode)), value in zip(table.items(), row, strict=True)}


def output_row(out: ScanOutput) -> list[Any]:
    """One file's (or a tree's) scan output as a JSON row, field by field."""
    return [encode(getattr(out, name)) for name, (encode, _) in _OUTPUT.items()]


def output_from(row: list[Any], checks: Checks) -> ScanOutput:
    """The scan output `output_row` wrote; checks are found again by id in the catalog."""
    return ScanOutput(**_decoded(_OUTPUT, row, checks))


def outcome_row(outcome: ProjectOutcome) -> list[Any]:
    """A judged project outcome as a JSON row, field by field."""
    return [encode(getattr(outcome, name)) for name, (encode, _) in _OUTCOME.items()]


def outcome_from(row: list[Any], checks: Checks) -> ProjectOutcome:
    """The judged outcome `outcome_row` wrote."""
    return ProjectOutcome(**_decoded(_OUTCOME, row, checks))
