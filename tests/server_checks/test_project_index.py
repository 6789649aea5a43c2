"""Imports resolved to project files, and reach followed through them."""

from __future__ import annotations

from pathlib import Path

from assess.catalog import Catalog
from assess.scan.discover import discover_files
from assess.scan.engine import scan_files
from assess.scan.facts import gather_facts
from assess.scan.plan import ScanPlan
from assess.scan.project_index import ProjectIndex
from tests.server_checks.conftest import write_tree


def _index(catalog: Catalog, root: Path, files: dict[str, str]) -> ProjectIndex:
    write_tree(root, files)
    discovery = discover_files(root)
    facts = gather_facts(discovery.files)
    out = scan_files(discovery.files, ScanPlan.build(catalog), facts, 1_000_000)
    return ProjectIndex(out.all_facts(), facts)


def test_js_imports_resolve_relative_extensionless_index_and_alias(catalog: Catalog, tmp_path: Path) -> None:
    llm = (
        'import OpenAI from "openai";\nconst c = new OpenAI();\n'
        'export async function ask(p) { return c.responses.create({ model: "gpt-4o-mini", input: p }); }\n'
    )
    index = _index(
        catalog,
        tmp_path,
        {
            "package.json": '{"dependencies": {"express": "4"}}',
            "src/lib/llm.ts": llm,
            "src/lib/tools/index.ts": 'import { ask } from "../llm";\nexport function tool() { return ask("t"); }\n',
            "src/routes/a.ts": (
                'import { ask } from "../lib/llm.js";\nimport { tool } from "../lib/tools";\n'
                'import * as aliased from "@/lib/llm";\nexport const go = () => ask("x");\n'
            ),
        },
    )
    bindings = index.bindings("src/routes/a.ts")
    assert bindings["ask"].module == "src/lib/llm.ts" and bindings["ask"].imported == "ask"
    assert bindings["tool"].module == "src/lib/tools/index.ts"
    assert bindings["aliased"].module == "src/lib/llm.ts" and bindings["aliased"].imported == "*"


def test_python_imports_resolve_relative_absolute_and_submodules(catalog: Catalog, tmp_path: Path) -> None:
    index = _index(
        catalog,
        tmp_path,
        {
            "app/__init__.py": "",
            "app/services/__init__.py": "",
            "app/services/llm.py": (
                "from openai import OpenAI\nclient = OpenAI()\n"
                "def ask(p):\n    return client.responses.create(model='gpt-4o', input=p)\n"
            ),
            "app/routers/chat.py": (
                "from ..services.llm import ask\nfrom app.services import llm\nimport app.services.llm as direct\n"
                "def go():\n    return ask(1), llm.ask(2), direct.ask(3)\n"
            ),
        },
    )
    bindings = index.bindings("app/routers/chat.py")
    assert bindings["ask"].module == "app/services/llm.py" and bindings["ask"].imported == "ask"
    assert bindings["llm"].module == "app/services/llm.py" and bindings["llm"].imported == "*"
    assert bindings["direct"].module == "app/services/llm.py"
    go = index.functions_named("app/routers/chat.py", "go")[0]
    reach = index.range_reach(go, "llm-call")
    assert reach is not None and reach.via == ("ask() in app/services/llm.py",)


def test_reach_follows_two_hops_and_injected_services(catalog: Catalog, tmp_path: Path) -> None:
    index = _index(
        catalog,
        tmp_path,
        {
            "src/llm.service.ts": (
                'import OpenAI from "openai";\nexport class LlmService {\n  private openai = new OpenAI();\n'
                '  complete(p: string) { return this.openai.responses.create({ model: "gpt-4o", input: p }); }\n}\n'
            ),
            "src/chat.service.ts": (
                'import { LlmService } from "./llm.service";\nexport class ChatService {\n'
                "  constructor(private llm: LlmService) {}\n  reply(p: string) { return this.llm.complete(p); }\n}\n"
            ),
            "src/chat.controller.ts": (
                'import { ChatService } from "./chat.service";\nexport class ChatController {\n'
                "  constructor(private chat: ChatService) {}\n  post(p: string) { return this.chat.reply(p); }\n}\n"
            ),
        },
    )
    post = index.functions_named("src/chat.controller.ts", "post")[0]
    reach = index.range_reach(post, "llm-call")
    assert reach is not None
    assert reach.via == ("reply() in src/chat.service.ts", "complete() in src/llm.service.ts")
