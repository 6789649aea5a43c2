"""Rules backed by the file's LLM-call facts (backed.py) match what the rule with the whole util matches."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from ast_grep_py import Config, SgRoot

from assess import paths
from assess.catalog import Catalog
from assess.scan.files.facts import ProjectFacts
from assess.scan.files.languages import AST_GREP_LANGS, FAMILY, parsed_language
from assess.scan.matching.backed import NONE, backed_config, fill, needs_util
from assess.scan.matching.engine import scan_text
from assess.scan.matching.factscan import Fact
from assess.scan.plan import ScanPlan

UTIL: dict[str, Any] = {"any": [{"kind": "call", "regex": "^llm\\("}], "utils": {}}


def _spans(nodes: list[Any]) -> list[tuple[str, int, int]]:
    return sorted((n.kind(), n.range().start.index, n.range().end.index) for n in nodes)


def _fixture_files() -> list[tuple[Path, str]]:
    found = []
    for path in sorted(paths.checks_dir().glob("*/fixtures/**/*")):
        lang = parsed_language(path.name)
        if path.is_file() and lang in AST_GREP_LANGS:
            found.append((path, lang))
    return found


def test_a_rule_is_backed_only_when_it_reaches_the_util_and_shares_no_metavariable() -> None:
    util = {"kind": "call", "has": {"field": "function", "pattern": "$CALLEE"}}
    loop = {"kind": "for_statement"}
    backed = backed_config(
        {
            "rule": {"all": [{"matches": "llm-call"}, {"inside": {"matches": "loop"}}]},
            "utils": {"llm-call": util, "loop": loop, "unused": loop},
        }
    )
    assert backed is not None
    assert backed["utils"] == {"loop": loop, "llm-call": NONE}  # the util's shapes and what nothing reaches: gone
    assert needs_util(backed["rule"])
    # the rule tests $CALLEE itself: backing would change what it means
    shared = {"rule": {"all": [{"matches": "llm-call"}, {"has": {"pattern": "$CALLEE"}}]}, "utils": {"llm-call": util}}
    assert backed_config(shared) is None
    # a fact that captures the util's metavariable needs the util itself
    alone = {"rule": {"matches": "llm-call"}, "utils": {"llm-call": util}}
    assert backed_config(alone, captures=["CALLEE"]) is None and backed_config(alone) is not None
    assert backed_config({"rule": {"kind": "call"}, "utils": {"loop": loop}}) is None
    nested = backed_config(
        {
            "rule": {"kind": "try_statement", "has": {"stopBy": "end", "matches": "llm-call"}},
            "utils": {"llm-call": util},
        }
    )
    assert nested is not None and not needs_util(nested["rule"])


def test_filled_with_the_util_nodes_every_backed_rule_matches_what_the_whole_rule_matches(catalog: Catalog) -> None:
    """On every fixture file, each backed check and fact rule finds the same nodes with `llm-call` replaced by
    the nodes the util itself matches there: the substitution keeps the rule's meaning."""
    plan = ScanPlan.build(catalog)
    configs: dict[str, list[dict[str, Any]]] = {}
    for (check_id, lang), backed in plan.backed.items():
        full = plan.checks()[check_id].rule_for(lang)
        assert full is not None
        configs.setdefault(lang, []).append({"full": full, "backed": backed})
    for family, variants in plan.fact_plan.tree.items():
        for lang in (lang for lang, fam in FAMILY.items() if fam == family and lang in AST_GREP_LANGS):
            configs.setdefault(lang, []).extend(
                {"full": v.config, "backed": v.backed} for v in variants if v.backed is not None
            )
    assert {"python", "typescript"} <= configs.keys()
    compared = matched = 0
    for path, lang in _fixture_files():
        if lang not in configs:
            continue
        root = SgRoot(path.read_text(encoding="utf-8", errors="replace"), AST_GREP_LANGS[lang]).root()
        for pair in configs[lang]:
            full = pair["full"]
            util_nodes = root.find_all(cast("Config", {"rule": {"matches": "llm-call"}, "utils": full["utils"]}))
            want = _spans(root.find_all(cast("Config", full)))
            got = _spans(root.find_all(cast("Config", fill(pair["backed"], util_nodes))))
            assert got == want, (path, lang)
            compared += 1
            matched += bool(want)
    assert compared > 500 and matched > 20  # the fixtures exercise them, with matches


def test_a_file_s_llm_call_facts_are_the_nodes_of_the_util(catalog: Catalog) -> None:
    """Backed rules test the LLM-call facts: on every fixture file those are the nodes the util matches, so a
    check sees exactly the calls the judges see."""
    plan = ScanPlan.build(catalog)
    differ = []
    for path, lang in _fixture_files():
        data = path.read_bytes()
        facts: list[Fact] = []
        scan_text(path.name, data, data.decode("utf-8", "replace"), plan, ProjectFacts(), facts_out=facts)
        # as a set: two SDK shapes may both name one call (a fact each), the util matches it once
        got = sorted({(f.line, f.column) for f in facts if f.kind == "llm-call" and f.label != "bound"})
        full = plan.checks()["llm-call-in-loop"].rule_for(lang)
        if full is None:
            continue
        root = SgRoot(data.decode("utf-8", "replace"), AST_GREP_LANGS[lang]).root()
        nodes = root.find_all(cast("Config", {"rule": {"matches": "llm-call"}, "utils": full["utils"]}))
        want = sorted((n.range().start.line + 1, n.range().start.column + 1) for n in nodes)
        if got != want:
            differ.append((str(path.relative_to(paths.checks_dir())), got, want))
    assert not differ, differ


@pytest.mark.parametrize("lang", ["python", "typescript"])
def test_a_backed_check_runs_on_the_calls_of_the_file_and_not_without_them(catalog: Catalog, lang: str) -> None:
    plan = ScanPlan.build(catalog, ["llm-call-in-loop", "llm-usage-not-recorded"])
    assert ("llm-call-in-loop", lang) in plan.backed
    if lang == "python":
        loud = (
            "from openai import OpenAI\nc = OpenAI()\n"
            "for row in rows:\n    c.chat.completions.create(model='m', messages=row)\n"
        )
        quiet = "for row in rows:\n    c.chat.create(model='m', messages=row)  # completions\n"
        rel = "app/batch.py"
    else:
        loud = (
            "import OpenAI from 'openai';\nconst c = new OpenAI();\n"
            "for (const row of rows) {\n  await c.chat.completions.create({ model: 'm', messages: row });\n}\n"
        )
        quiet = "for (const row of rows) {\n  await c.chat.create({ model: 'm', messages: row }); // completions\n}\n"
        rel = "server/batch.ts"
    for text, lines in ((loud, [4]), (quiet, [])):
        facts: list[Fact] = []
        found = scan_text(rel, text.encode(), text, plan, ProjectFacts(), facts_out=facts)
        assert [f.line for f in found if f.check.id == "llm-call-in-loop"] == lines
        assert [f.line for f in facts if f.kind == "llm-call"] == lines


def test_a_test_file_keeps_only_the_facts_that_name_llm_calls(catalog: Catalog) -> None:
    """Tests are not on a request's path: of their facts only the LLM calls, clients and models stay (they
    name the project's providers and models); routes, imports and calls there would only mislead the judges."""
    plan = ScanPlan.build(catalog)
    text = (
        "from flask import Flask\nfrom openai import OpenAI\nfrom app.chat import answer\n\napp = Flask(__name__)\n"
        "client = OpenAI()\n\n@app.post('/ask')\ndef ask():\n    return answer(client.chat.completions.create("
        "model='gpt-4o', messages=[]))\n"
    )
    kinds = {}
    for rel in ("app/views.py", "tests/test_views.py"):
        facts: list[Fact] = []
        scan_text(rel, text.encode(), text, plan, ProjectFacts(), facts_out=facts)
        kinds[rel] = {f.kind for f in facts}
    assert {"route", "import", "llm-call", "llm-client"} <= kinds["app/views.py"]
    assert {"llm-call", "llm-client"} <= kinds["tests/test_views.py"] <= {"llm-call", "llm-client", "model-const"}
