"""One finding per root cause: the same flaw in sibling provider adapters is one finding listing its other
places; different flaws, other folders, other checks and keys stay apart; the first place keeps its id."""

from __future__ import annotations

import json
from pathlib import Path

from assess.assessment import scan_project
from assess.catalog import Catalog
from assess.grouping import group_root_causes
from assess.models import Finding, Place
from assess.report.html import render_html
from assess.report.markdown import render_markdown
from assess.report.sarif import render_sarif
from assess.report.text import render_summary
from tests.report.conftest import fixed_result

ADAPTER = """import OpenAI from "openai";

export class {name}Provider {{
  private client = new OpenAI({{ baseURL: process.env.{env}_BASE_URL }});

  async complete(prompt: string, model: string) {{
    const r = await this.client.chat.completions.create({{ model, messages: [{{ role: "user", content: prompt }}] }});
    return r.choices[0].message.content;
  }}
}}
"""


def _finding(path: str, line: int, snippet: str = "client.chat.completions.create({ model })", **kw: object) -> Finding:
    values: dict[str, object] = {
        "id": f"{path}:{line}",
        "check": "llm-call-without-max-tokens",
        "checklist": "efficiency",
        "severity": "medium",
        "path": path,
        "line": line,
        "message": "no cap",
        "snippet": snippet,
    }
    values.update(kw)
    return Finding.model_validate(values)


def test_siblings_with_the_same_snippet_fold_into_the_first_place() -> None:
    found = [
        _finding("src/providers/openai.ts", 7),
        _finding("src/providers/groq.ts", 9, snippet="client.chat.completions.create({   model })"),
        _finding("src/providers/mistral.ts", 7),
    ]
    [one] = group_root_causes(found)
    assert (one.path, one.line, one.id) == ("src/providers/groq.ts", 9, "src/providers/groq.ts:9")
    assert [(p.path, p.line) for p in one.also] == [("src/providers/mistral.ts", 7), ("src/providers/openai.ts", 7)]


def test_what_is_not_one_root_cause_stays_apart() -> None:
    found = [
        _finding("src/providers/openai.ts", 7),
        _finding("src/providers/openai.ts", 30),  # the same file twice: two calls, not siblings
        _finding("src/providers/legacy/groq.ts", 7),  # another folder
        _finding("src/providers/groq.ts", 7, snippet="client.responses.create({ model })"),  # other text
        _finding("src/providers/cohere.ts", 7, check="llm-call-in-loop"),  # other check
        _finding("src/providers/azure.ts", 7, suppressed=True),  # suppressed: its own decision
        _finding("src/providers/vertex.ts", 7, endpoint="POST /api/a"),  # endpoints: each its own door
        _finding("src/providers/bedrock.ts", 7, endpoint="POST /api/b"),
        _finding("chat.py", 7),  # top-level scripts
        _finding("summarize.py", 7),
    ]
    assert group_root_causes(found) == found


def test_keys_are_never_folded() -> None:
    found = [_finding(f"config/{name}.ts", 1, check="hardcoded-ai-key", snippet='KEY = "sk-…"') for name in "ab"]
    assert group_root_causes(found, apart={"hardcoded-ai-key"}) == found


def test_a_scan_reports_sibling_adapters_once(tmp_path: Path, catalog: Catalog) -> None:
    providers = tmp_path / "src" / "providers"
    providers.mkdir(parents=True)
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"openai": "^4.0.0"}}))
    for name in ("Groq", "Together", "OpenRouter"):
        (providers / f"{name.lower()}.ts").write_text(ADAPTER.format(name=name, env=name.upper()))
    capped = ADAPTER.format(name="Capped", env="CAPPED")
    capped = capped.replace("content: prompt }] }", "content: prompt }], max_tokens: 200 }")
    (providers / "capped.ts").write_text(capped)
    found = [f for f in scan_project(tmp_path, catalog).findings if f.check == "llm-call-without-max-tokens"]
    assert len(found) == 1
    assert found[0].path == "src/providers/groq.ts" and found[0].line == 7
    assert [(p.path, p.line) for p in found[0].also] == [
        ("src/providers/openrouter.ts", 7),
        ("src/providers/together.ts", 7),
    ]


def test_reports_name_the_other_places() -> None:
    result = fixed_result()
    first = result.findings[0].model_copy(update={"also": [Place(path="app/b/client.tsx", line=4)]})
    result = result.model_copy(update={"findings": [first, *result.findings[1:]]})
    assert "and 1 more place" in render_markdown(result)
    assert "`app/b/client.tsx:4`" in render_markdown(result)
    assert "and 1 more place:" in render_html(result)
    assert "app/chat/client.tsx:12 (and 1 more)" in render_summary(result)
    sarif = json.loads(render_sarif(result))
    related = sarif["runs"][0]["results"][0]["relatedLocations"]
    assert related[0]["physicalLocation"]["artifactLocation"]["uri"] == "app/b/client.tsx"
    assert related[0]["physicalLocation"]["region"] == {"startLine": 4}
