"""Rules narrowed per file (narrowing.py) find what the whole rule finds, and leave out what cannot match."""

from __future__ import annotations

import json
import pickle
import re
from typing import Any, cast

from ast_grep_py import Config, SgNode, SgRoot

from assess.catalog import Catalog
from assess.scan.files.languages import AST_GREP_LANGS, FAMILY
from assess.scan.matching.narrowing import Narrowing, branch_slots
from assess.scan.plan import ScanPlan
from tests.scan.test_merged import _fixture_files
from tests.scan.test_merged import _seen as seen_as_facts

_METAVAR = re.compile(r"\$([A-Z_][A-Z0-9_]*)")


def _seen(nodes: list[SgNode], config: dict[str, Any]) -> list[tuple[str, int, int, tuple[str | None, ...]]]:
    """Each match as kind, range and the text of every metavariable the config names: what a rule reports."""
    return seen_as_facts(nodes, sorted(set(_METAVAR.findall(json.dumps(config)))))


def _find(root: SgNode, config: dict[str, Any]) -> list[SgNode]:
    return root.find_all(cast("Config", config))


RULE: dict[str, Any] = {
    "rule": {
        "kind": "call",
        "any": [
            {"has": {"field": "function", "regex": "^openai\\.ChatCompletion\\.create$"}},
            {"has": {"field": "function", "matches": "anthropic-call"}},
        ],
    },
    "utils": {"anthropic-call": {"all": [{"kind": "attribute"}, {"regex": "^anthropic_client\\.messages\\.create$"}]}},
}


def test_a_branch_whose_literals_the_file_lacks_is_left_out_with_the_utils_only_it_reached() -> None:
    narrowing = Narrowing()
    words = narrowing.words(RULE)
    assert {b"openai.ChatCompletion.create", b"anthropic_client.messages.create"} <= words  # for the lexicon
    source = "import openai\nopenai.ChatCompletion.create(model='m')\nprint(1)\n"
    found = frozenset(w for w in words if w in source.encode())
    narrowed = narrowing.narrowed(RULE, found)
    assert len(narrowed["rule"]["any"]) == 1 and "anthropic-call" not in narrowed.get("utils", {})
    assert RULE["utils"] and len(RULE["rule"]["any"]) == 2  # the catalog's config itself is never changed
    root = SgRoot(source, "python").root()
    assert _seen(_find(root, narrowed), narrowed) == _seen(_find(root, RULE), RULE)
    assert len(_find(root, narrowed)) == 1
    assert narrowing.narrowed(RULE, found) is narrowed  # made once for these words, then kept
    every = frozenset(words)
    assert narrowing.narrowed(RULE, every) is RULE  # nothing to leave out: the very same object


def test_a_util_that_a_kept_part_also_names_stays() -> None:
    config = {**RULE, "rule": {**RULE["rule"], "all": [{"has": {"field": "function", "matches": "anthropic-call"}}]}}
    narrowing = Narrowing()
    words = narrowing.words(config)
    narrowed = narrowing.narrowed(config, frozenset(w for w in words if b"ChatCompletion" in w))
    assert len(narrowed["rule"]["any"]) == 1  # the branch goes, the util it named stays: `all` names it too
    assert narrowed["utils"] == RULE["utils"]
    assert narrowed["rule"]["all"] is config["rule"]["all"]  # untouched parts are the very same objects


def test_a_config_the_plan_did_not_register_is_never_narrowed() -> None:
    # its branch literals may not be in the lexicon: "not found" would only mean "not looked for"
    assert Narrowing().narrowed(RULE, frozenset()) is RULE


def test_a_branch_without_a_literal_or_too_light_to_matter_always_stays() -> None:
    config = {"rule": {"any": [{"kind": "call"}, {"regex": "^x$"}, {"has": {"kind": "identifier", "regex": "^yy$"}}]}}
    slots, words = branch_slots(config)
    assert words == set()  # `kind` names no literal; one- and two-letter literals are never tested
    assert slots == ()
    heavy = {"rule": {"any": [{"kind": "call"}, {"has": {"kind": "identifier", "regex": "^retry_count$"}}]}}
    slots, words = branch_slots(heavy)
    assert [branch for branch, _ in slots] == [heavy["rule"]["any"][1]] and words == {b"retry_count"}


def test_the_branches_derived_with_the_catalog_are_its_configs_own_objects_after_a_pickle(catalog: Catalog) -> None:
    loaded = pickle.loads(pickle.dumps(catalog))
    assert loaded.narrowing, "the catalog derives its branches once"
    for config, slots, _words in loaded.narrowing[:50]:
        inside = {id(node) for node in _objects(config)}
        assert all(id(branch) in inside for branch, _ in slots)


def _objects(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [node, *(o for value in node.values() for o in _objects(value))]
    if isinstance(node, list):
        return [o for item in node for o in _objects(item)]
    return []


def test_on_every_fixture_file_each_narrowed_rule_finds_what_the_whole_rule_finds(catalog: Catalog) -> None:
    """Every check rule and static fact shape (alone and in its shared-walk form) the plan narrows on a
    fixture file: the same nodes, in the same order, binding the same metavariables as the whole rule."""
    plan = ScanPlan.build(catalog)
    narrowed = 0
    for path, lang in _fixture_files():
        data = path.read_bytes()
        found = plan.lexicon.find(data)
        family = FAMILY[lang]
        configs = [rule for check, _ in plan.by_language.get(lang, ()) if (rule := check.rule_for(lang))]
        for v in (*plan.fact_plan.tree.get(family, ()), *plan.fact_plan.piggyback.get(family, ())):
            configs += [v.config, *([v.form] if v.form is not None else [])]
        root = SgRoot(data.decode("utf-8", errors="replace"), AST_GREP_LANGS[lang]).root()
        for config in configs:
            smaller = plan.narrowing.narrowed(config, found)
            if smaller is config:
                continue
            narrowed += 1
            assert _seen(_find(root, smaller), config) == _seen(_find(root, config), config), (path, config)
    assert narrowed > 500  # the test compared real narrowing
