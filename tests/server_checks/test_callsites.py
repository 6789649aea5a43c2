"""Provider and model per call site, and what ProjectInfo gets from them."""

from __future__ import annotations

from tests.server_checks.conftest import Project


def test_models_and_providers_come_from_call_sites_and_clients(scan: Project) -> None:
    snapshot = scan(
        {
            "api/llm.py": (
                "from openai import AzureOpenAI\nimport litellm\n"
                "azure = AzureOpenAI(azure_endpoint='https://x.openai.azure.com', api_version='2024-10-21')\n"
                "MODEL = 'gpt-4o-mini'\n"
                "def a(m):\n    return azure.chat.completions.create(model=MODEL, messages=m, max_tokens=5)\n"
                "def b(m):\n"
                "    return litellm.completion(model='anthropic/claude-3-5-haiku-latest', messages=m, max_tokens=5)\n"
            ),
            "api/route.ts": (
                'import { generateText } from "ai";\nimport { google } from "@ai-sdk/google";\n'
                "export const t = (p: string) =>\n"
                '  generateText({ model: google("gemini-2.5-flash"), prompt: p });\n'
            ),
            "api/http.js": (
                'export const h = () => fetch("https://api.mistral.ai/v1/chat/completions", { method: "POST" });\n'
            ),
        }
    )
    assert snapshot.models == ["anthropic/claude-3-5-haiku-latest", "gemini-2.5-flash", "gpt-4o-mini"]
    assert {"Azure OpenAI", "Anthropic", "Google Gemini", "Mistral"} <= set(snapshot.providers)


def test_per_file_findings_name_the_call_sites_provider_and_model(scan: Project) -> None:
    snapshot = scan(
        {
            "api/app.ts": (
                'import Anthropic from "@anthropic-ai/sdk";\nimport OpenAI from "openai";\n'
                "const client = new OpenAI();\n"
                'export const f = (messages: any) => client.chat.completions.create({ model: "gpt-4o", messages });\n'
            )
        },
        only=["llm-call-without-max-tokens"],
    )
    (finding,) = snapshot.findings
    assert (finding.provider, finding.model) == ("OpenAI", "gpt-4o")
