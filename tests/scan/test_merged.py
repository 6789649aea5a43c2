"""Fact rules that share one walk (merged.py) find what each finds alone; placeholders gate dynamic rules."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import Any, cast

import pytest
from ast_grep_py import Config, SgNode, SgRoot

from assess import paths
from assess.catalog import Catalog
from assess.scan.files.languages import AST_GREP_LANGS, FAMILY, parsed_language
from assess.scan.matching.factscan import Fact, FactPlan, TreeVariant, collect_tree_facts
from assess.scan.matching.merged import find_each, mergeable, node_kinds
from assess.scan.matching.rulebook import FactRule, FactVariant
from assess.scan.plan import ScanPlan


def _seen(nodes: list[SgNode], names: list[str]) -> list[tuple[str, int, int, tuple[str | None, ...]]]:
    """Each node as kind, range and the text of every metavariable in `names`: what a fact keeps of it."""
    found = []
    for node in nodes:
        rng = node.range()
        values = tuple((m.text() if (m := node.get_match(n)) is not None else None) for n in names)
        found.append((node.kind(), rng.start.index, rng.end.index, values))
    return found


def test_the_kinds_of_a_rule_come_from_kind_any_all_and_utils() -> None:
    assert node_kinds({"rule": {"kind": "call"}}) == {"call"}
    assert node_kinds({"rule": {"any": [{"kind": "call"}, {"kind": "pair"}]}}) == {"call", "pair"}
    assert node_kinds({"rule": {"any": [{"kind": "call"}, {"pattern": "$X"}]}}) is None  # one branch unknown
    assert node_kinds({"rule": {"all": [{"pattern": "$X"}, {"kind": "call"}]}}) == {"call"}
    assert node_kinds({"rule": {"matches": "u"}, "utils": {"u": {"kind": "assignment"}}}) == {"assignment"}
    assert node_kinds({"rule": {"matches": "u"}, "utils": {"u": {"matches": "u"}}}) is None  # a circle says nothing
    assert node_kinds({"rule": {"has": {"kind": "call"}}}) is None  # what it holds, not what it is
    assert node_kinds({"rule": {"kind": "call", "inside": {"kind": "block"}}}) == {"call"}


def test_a_mergeable_form_renames_utils_after_what_they_hold_and_shares_regexes() -> None:
    one = mergeable({"rule": {"matches": "u"}, "utils": {"u": {"kind": "call", "regex": "^a$"}}}, frozenset({"^a$"}))
    two = mergeable({"rule": {"matches": "u"}, "utils": {"u": {"kind": "call", "regex": "^b$"}}}, frozenset({"^a$"}))
    assert one is not None and two is not None
    assert one["rule"]["matches"] != two["rule"]["matches"]  # one name, other bodies: never confused
    shared = [name for name in one["utils"] if name.startswith("re-")]
    assert len(shared) == 1 and one["utils"][shared[0]] == {"regex": "^a$"}
    assert not any(name.startswith("re-") for name in two["utils"])  # not shared: stays where it was
    assert mergeable({"rule": {"pattern": "$X"}, "constraints": {"X": {"regex": "a"}}}) is None


def _fixture_files() -> list[tuple[Path, str]]:
    return [
        (path, lang)
        for path in sorted(paths.checks_dir().glob("*/fixtures/**/*"))
        if path.is_file() and (lang := parsed_language(path.name)) in AST_GREP_LANGS
    ]


def test_on_every_fixture_file_the_shared_walk_finds_what_each_fact_rule_finds_alone(catalog: Catalog) -> None:
    """Every static fact variant of the catalog (with the utils and regexes as the plan shares them), run in
    one call of find_each and alone: the same nodes, in the same order, with the same metavariables."""
    plan = ScanPlan.build(catalog).fact_plan
    merged_walks = compared = 0
    for path, lang in _fixture_files():
        family = FAMILY[lang]
        variants = [*plan.tree.get(family, ()), *plan.piggyback.get(family, ())]
        variants = [v for v in variants if v.backed is None]
        root = SgRoot(path.read_text(encoding="utf-8", errors="replace"), AST_GREP_LANGS[lang]).root()
        together = find_each(root, [(v.config, v.kinds, v.form) for v in variants])
        merged_walks += sum(v.form is not None and v.kinds is not None for v in variants) > 1
        for variant, found in zip(variants, together, strict=True):
            names = [c for c in variant.fact.captures if not c.startswith("$$$")]
            alone = root.find_all(cast("Config", variant.config))
            assert _seen(found, names) == _seen(alone, names), (path, variant.fact.id, variant.label)
            compared += len(alone)
    assert merged_walks > 50 and compared > 1000  # the test ran on real work


def test_rules_whose_kinds_overlap_or_whose_utils_clash_walk_apart() -> None:
    root = SgRoot("x = make()\ny = other()\nmake()\n", "python").root()
    call_a = {"rule": {"kind": "call", "has": {"field": "function", "regex": "^make$"}}}
    call_b = {"rule": {"kind": "call"}}
    assign = {"rule": {"matches": "u"}, "utils": {"u": {"kind": "assignment", "regex": "^x"}}}
    other_u = {"rule": {"matches": "u"}, "utils": {"u": {"kind": "expression_statement", "regex": "^y"}}}
    rules = [(c, node_kinds(c), c) for c in (call_a, call_b, assign, other_u)]  # as given: utils not renamed
    found = find_each(root, rules)
    assert [len(f) for f in found] == [2, 3, 1, 1]
    assert [n.text() for n in found[2]] == ["x = make()"] and [n.text() for n in found[3]] == ["y = other()"]


def _plan_of(*rules: FactRule) -> FactPlan:
    return FactPlan.build(rules)


def _rule(fact_id: str, rule: dict[str, Any], **extra: Any) -> FactRule:
    variant = FactVariant(rule={"rule": rule}, names=extra.pop("names", {}))
    return FactRule(id=fact_id, about="x", captures=extra.pop("captures", []), python=[variant], **extra)


def test_a_placeholder_fills_from_an_internal_fact_that_is_never_kept() -> None:
    source = "helper = Maker()\nother = 3\nhelper.run()\nother.run()\n"
    maker = _rule("maker", {"kind": "identifier", "regex": "^Maker$", "pattern": "$NAME"}, captures=["NAME"])
    maker = maker.model_copy(update={"keywords": ["Maker"]})
    assigned = _rule(
        "assigned",
        {
            "kind": "assignment",
            "all": [
                {"has": {"field": "left", "kind": "identifier", "pattern": "$OBJ"}},
                {"has": {"field": "right", "kind": "call", "has": {"field": "function", "regex": "^(?:{names})$"}}},
            ],
        },
        captures=["OBJ"],
        names_from=["maker.NAME"],
        internal=True,
    )
    method = _rule(
        "method",
        {"kind": "call", "has": {"field": "function", "has": {"field": "object", "regex": "^(?:{objects})$"}}},
        names={"objects": ["assigned.OBJ"]},
    )
    plan = _plan_of(method, assigned, maker)  # `method` first: the plan orders it after what it reads
    assert [v.fact.id for v in plan.dynamic["python"]] == ["assigned", "method"]
    root = SgRoot(source, "python").root()
    out: list[Fact] = []
    collect_tree_facts(root, "a.py", "python", "backend", source, plan, list(plan.tree["python"]), out)
    assert sorted((f.kind, f.line) for f in out) == [("maker", 1), ("method", 3)]  # `assigned` feeds, never kept
    # no name for the placeholder: the rule does not run at all
    out = []
    collect_tree_facts(root, "a.py", "python", "backend", source, plan, [], out)
    assert out == []


def test_rules_that_fill_each_other_in_a_circle_are_refused() -> None:
    one = _rule("one", {"kind": "call", "regex": "{names}"}, names={"names": ["two.X"]})
    two = _rule("two", {"kind": "call", "regex": "{names}"}, names={"names": ["one.X"]})
    with pytest.raises(ValueError, match="circle"):
        _plan_of(one, two)


def test_a_match_that_binds_a_label_metavariable_gets_that_label() -> None:
    source = "run(x)\nself.svc.run(x)\n"
    rule = {
        "kind": "call",
        "has": {
            "field": "function",
            "any": [
                {"kind": "identifier", "pattern": "$NAME"},
                {"kind": "attribute", "has": {"field": "object", "kind": "attribute", "pattern": "$MEMBER"}},
            ],
        },
    }
    variant = FactVariant(rule={"rule": rule}, labels={"member": "MEMBER"})
    fact = FactRule(id="calls", about="x", keywords=["run"], captures=["NAME"], python=[variant])
    plan = _plan_of(fact)
    root = SgRoot(source, "python").root()
    out: list[Fact] = []
    collect_tree_facts(root, "a.py", "python", "backend", source, plan, list(plan.tree["python"]), out)
    assert [(f.line, f.label) for f in out] == [(1, ""), (2, "member")]


def test_labels_must_name_a_metavariable_the_rule_binds(tmp_path: Path) -> None:
    from assess.errors import InputError
    from assess.scan.matching.rulebook import load_rulebook

    (tmp_path / "_facts").mkdir()
    (tmp_path / "_facts" / "calls.yaml").write_text(
        "id: calls\nabout: x\nkeywords: [run]\npython:\n"
        "  - labels: {member: MEMBER}\n    rule: {rule: {kind: call, has: {field: function, pattern: $NAME}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="MEMBER"):
        load_rulebook(tmp_path)


def test_with_config_is_replace_of_config_and_form_for_every_variant(catalog: Catalog) -> None:
    """TreeVariant.with_config spells out its fields for speed: it must stay what dataclasses.replace makes."""
    plan = ScanPlan.build(catalog)
    variants = [v for group in (*plan.fact_plan.tree.values(), *plan.fact_plan.piggyback.values()) for v in group]
    assert variants
    for variant in variants:
        config, form = {"rule": {"kind": "call"}}, {"rule": {"kind": "call_expression"}}
        for made, expected in (
            (variant.with_config(config, form), replace(variant, config=config, form=form)),
            (variant.with_config(config, None), replace(variant, config=config, form=None)),
        ):
            assert all(getattr(made, f.name) is getattr(expected, f.name) for f in fields(TreeVariant))
