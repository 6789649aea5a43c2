"""Deferred files: a file parsed only for its imports waits until it is known to lead to an LLM call or a
rate-limit check. The outcome must be exactly what parsing every file gives, with fewer files parsed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from assess import assessment
from assess.assessment import ScanOptions, scan_project
from assess.catalog import Catalog
from assess.scan.files.discover import discover_files
from assess.scan.files.facts import ProjectFacts
from assess.scan.files.modules import ModuleResolver
from assess.scan.matching.importgraph import leading_to, specifiers
from assess.scan.plan import ScanPlan
from assess.scan.project.judges import JUDGES
from assess.scan.project.project_index import ProjectIndex
from assess.scan.run import run_scan
from tests.conftest import REPO, copy_materialized
from tests.server_checks.conftest import write_tree

CHAIN = {
    "package.json": '{"dependencies": {"express": "4", "openai": "4"}}',
    "src/lib/llm.ts": (
        'import OpenAI from "openai";\n'
        "const client = new OpenAI();\n"
        "export async function chat(q: string) {\n"
        '  return client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: q }] });\n'
        "}\n"
    ),
    # parsed only for its imports, and the only way from the endpoint to the LLM call
    "src/lib/answer.ts": 'import { chat } from "./llm";\nexport async function answer(q: string) { return chat(q); }\n',
    # parsed only for its imports, and leading nowhere: never parsed
    "src/lib/pretty.ts": 'import { format } from "node:util";\nexport const pretty = (x: string) => format(x);\n',
    "src/server.ts": (
        'import express from "express";\n'
        'import { answer } from "./lib/answer";\n'
        "const app = express();\n"
        'app.post("/ask", async (req, res) => { res.json(await answer(req.body.q)); });\n'
    ),
    "api/app/services/llm.py": (
        "from openai import OpenAI\n"
        "client = OpenAI()\n"
        "def ask(q):\n"
        '    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])\n'
    ),
    "api/app/services/__init__.py": "",
    "api/app/services/helper.py": "from app.services.llm import ask\n\ndef helped(q):\n    return ask(q)\n",
    "api/app/main.py": (
        "from fastapi import FastAPI\n"
        "from .services import (\n    helper,\n)\n"
        "app = FastAPI()\n"
        '@app.post("/ask")\n'
        "def ask_route(q: str):\n"
        "    return helper.helped(q)\n"
    ),
    "api/requirements.txt": "fastapi\nopenai\n",
}


def _picture(root: Path, catalog: Catalog, defer: bool, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    monkeypatch.setattr(assessment, "DEFER_IMPORT_ONLY", defer)
    monkeypatch.setenv("ASSESS_NO_CACHE", "1")
    snapshot = scan_project(root, catalog, ScanOptions(include_vendored=True))
    return sorted(
        tuple((k, str(v)) for k, v in sorted(f.model_dump().items()) if k != "new") for f in snapshot.findings
    )


def test_the_chain_through_a_deferred_file_is_followed_and_the_dead_end_never_parsed(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: Counter[str]
) -> None:
    root = write_tree(tmp_path / "p", CHAIN)
    deferred = _picture(root, catalog, True, monkeypatch)
    endpoints = [dict(f) for f in deferred if ("check", "llm-endpoint-without-rate-limit") in f]
    assert {(e["path"], e["line"]) for e in endpoints} == {("src/server.ts", "4"), ("api/app/main.py", "6")}
    assert CHAIN["src/lib/answer.ts"] in parsed  # deferred, then needed
    assert CHAIN["api/app/services/helper.py"] in parsed
    assert CHAIN["src/lib/pretty.ts"] not in parsed  # deferred and never needed
    assert max(parsed.values()) == 1
    assert deferred == _picture(root, catalog, False, monkeypatch)


def test_every_fixture_and_the_demo_give_the_same_findings_with_deferral(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "checks"
    for fixtures in sorted((REPO / "checks").glob("*/fixtures")):  # without the `fixtures/` folder, whose
        copy_materialized(fixtures, root / fixtures.parent.name)  # code is test data and not judged for endpoints
    copy_materialized(REPO / "assess" / "demo" / "project", root / "_demo")
    with_deferral = _picture(root, catalog, True, monkeypatch)
    assert len(with_deferral) > 100  # the fixtures do produce findings, server-side ones included
    followed = {dict(f)["check"] for f in with_deferral}  # checks whose judges follow calls across files
    assert {"llm-endpoint-without-per-user-limit", "stacked-retries", "llm-usage-not-recorded"} <= followed
    assert with_deferral == _picture(root, catalog, False, monkeypatch)


SPECIFIERS = [
    (
        "typescript",
        'import a from "./a";\nexport * from "../b/c";\nconst d = require("@/lib/d");',
        ["../b/c", "./a", "@/lib/d"],
    ),
    ("javascript", "const m = await import('./m.js'); import x from 'express';", ["./m.js"]),
    (
        "python",
        "from .services import (\n    helper as h,\n    other,\n)\n",
        [".services", ".services.helper", ".services.other"],
    ),
    (
        "python",
        "import app.core.llm as llm, json\nfrom app import x  # note\n",
        ["app", "app.core.llm", "app.x", "json"],
    ),
    ("python", "from .. import util\n", ["..", "..util"]),
    (
        "python",
        "from x import a, \\\n    b\nimport os; import app.llm\ny = 1; from .m import (c as d)\n",
        [".m", ".m.c", "app.llm", "os", "x", "x.a", "x.b"],
    ),
    # only where a statement opens: not in a string, a comment or another word
    ("python", "s = 'from x import y'\n# import z\nfromage = 1\nimport_all()\n  from  .  import y", [".", ".y"]),
    (
        "python",
        "x = 1 ;  from m import (\n a,\n b)\nfrom a import b;from c import d",
        ["a", "a.b", "c", "c.d", "m", "m.a", "m.b"],
    ),
    ("python", "print(1)  # nothing imported\n", []),
]


@pytest.mark.parametrize(("lang", "text", "expected"), SPECIFIERS)
def test_specifiers(lang: str, text: str, expected: list[str]) -> None:
    assert list(specifiers(lang, text)) == expected


def test_leading_to_follows_imports_backwards_and_resolves_generously() -> None:
    files = ["web/src/lib/llm.ts", "web/src/lib/index.ts", "web/src/page.tsx", "web/src/other.ts", "api/app/llm.py",
             "api/app/__init__.py", "api/app/views.py", "api/tools/run.py", "api/tools/idle.py"]  # fmt: skip
    imports = {
        "web/src/lib/index.ts": ("./llm",),
        "web/src/page.tsx": ("@/lib",),  # an alias, to an index file
        "web/src/other.ts": ("./missing", "react"),
        "api/app/views.py": ("app.llm",),
        "api/tools/run.py": ("..app", "..app.views"),
        "api/tools/idle.py": ("json",),
    }
    lead = leading_to(imports, {"web/src/lib/llm.ts", "api/app/llm.py"}, files)
    assert lead == {
        "web/src/lib/llm.ts", "web/src/lib/index.ts", "web/src/page.tsx",
        "api/app/llm.py", "api/app/views.py", "api/tools/run.py",
    }  # fmt: skip


def test_deferral_is_declared_in_the_fact_rules(catalog: Catalog) -> None:
    """Which facts end a call chain and which wait for one is data, read by the plan."""
    plan = ScanPlan.build(catalog)
    assert plan.reach == {"llm-call", "limiter-call", "url-const"}  # url-const: its importers make HTTP calls
    assert plan.deferrable == {"import", "route", "retry-wrapper"}
    for check in plan.project_checks:  # every judge follows calls only to reach facts (validated at load)
        assert set(JUDGES[check.judge or ""].follows) <= plan.reach


def test_following_calls_to_a_fact_that_is_not_reach_is_refused(catalog: Catalog) -> None:
    """Deferral is exact only while every chain the judges follow ends at a `reach` fact: the index
    refuses any other kind at once, so a judge that starts following one fails its first test."""
    index = ProjectIndex([], ProjectFacts(), ScanPlan.build(catalog).reach)
    assert index.reaching("llm-call") == {}
    with pytest.raises(ValueError, match="reach"):
        index.reaching("route")


def test_the_file_an_import_refers_to_is_among_those_deferral_follows(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deferral is sound only if every file the judges resolve an import to (`one`) is among the files
    deferral thinks it may name (`every`): checked on every import of the fixtures and the demo."""
    # every fixture sits under a `fixtures/` folder, which is test code (only its LLM calls are kept): here
    # the fixtures stand for project code, whose imports are what this test reads
    monkeypatch.setattr("assess.scan.matching.engine.is_test_path", lambda rel: False)
    monkeypatch.setenv("ASSESS_WORKERS", "1")
    root = REPO / "checks"
    files = [c.rel for c in discover_files(root, include_vendored=True).files]
    run = run_scan(discover_files(root, include_vendored=True).files, ScanPlan.build(catalog), ProjectFacts(), 10**6)
    resolver = ModuleResolver(files)
    imports = [f for f in run.output.all_facts() if f.kind == "import" and f.values.get("SOURCE")]
    resolved = 0
    for fact in imports:
        spec = fact.values["SOURCE"]
        target = resolver.one(fact.rel, spec)
        if target is not None:
            resolved += 1
            assert target in resolver.every(fact.rel, spec), (fact.rel, spec, target)
    assert resolved > 20, "the fixtures hold imports of project files"
