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


def test_every_sdk_generation_and_paid_kind_is_a_call_site(scan: Project) -> None:
    snapshot = scan(
        {
            "svc/legacy.py": (
                "import openai\n"
                "def a(m):\n    return openai.ChatCompletion.create(model='gpt-3.5-turbo', messages=m)\n"
                "def b(t):\n    return openai.Embedding.create(model='text-embedding-ada-002', input=t)\n"
                "def c(p):\n    return openai.Image.create(prompt=p, n=1)\n"
            ),
            "svc/kb.py": (
                "import boto3\nkb = boto3.client('bedrock-agent-runtime')\n"
                "def ask(q):\n    return kb.retrieve_and_generate(input={'text': q})\n"
            ),
            "svc/v3.js": (
                'const { Configuration, OpenAIApi } = require("openai");\n'
                "const api = new OpenAIApi(new Configuration({}));\n"
                'exports.a = (messages) => api.createChatCompletion({ model: "gpt-4", messages });\n'
            ),
            "svc/chat.ts": (
                'import { GoogleGenerativeAI } from "@google/generative-ai";\n'
                'const m = new GoogleGenerativeAI("k").getGenerativeModel({ model: "gemini-1.5-pro" });\n'
                "export const ask = (q: string) => m.startChat({}).sendMessage(q);\n"
            ),
        },
        only=[],
    )
    assert {"gpt-3.5-turbo", "text-embedding-ada-002", "gpt-4", "gemini-1.5-pro"} <= set(snapshot.models)
    assert {"OpenAI", "AWS Bedrock", "Google Gemini"} <= set(snapshot.providers)


def _usage_lines(snapshot: object) -> list[tuple[str, int]]:
    findings = getattr(snapshot, "findings", [])
    return sorted((f.path, f.line) for f in findings if f.check == "llm-usage-not-recorded")


def test_http_calls_to_a_provider_wherever_the_url_comes_from(scan: Project) -> None:
    snapshot = scan(
        {
            "server/rest.ts": (
                'const URL_CONST = "https://api.openai.com/v1/chat/completions";\n'
                "const BASE = process.env.LLM_BASE;\n"
                'export const a = () => fetch(URL_CONST, { method: "POST" });\n'
                'export const b = () => fetch(`${BASE}/v1/chat/completions`, { method: "POST" });\n'
                'export const c = () => fetch(`${BASE}/v1/models`, { method: "GET" });\n'
                "export const d = () => fetch(URL_CONST);\n"
                'export const e = () => fetch("/api/chat/completions", { method: "POST" });\n'
            ),
            "server/rest.py": (
                "import os, requests\nBASE = os.environ['LLM_BASE']\n"
                "def a(p):\n    return requests.post(BASE + '/chat/completions', json=p)\n"
                "def b():\n    return requests.get(f'{BASE}/v1/models')\n"
            ),
            "server/local.py": (
                "import requests\nBASE = 'http://localhost:11434/v1'\n"
                "def a(p):\n    return requests.post(f'{BASE}/chat/completions', json=p)\n"
            ),
            "server/Proxy.kt": (
                'val url = "https://api.mistral.ai/v1/chat/completions"\n'
                "fun send(client: okhttp3.OkHttpClient, req: okhttp3.Request) = client.newCall(req).execute()\n"
            ),
        },
        only=["llm-usage-not-recorded"],
    )
    assert _usage_lines(snapshot) == [
        ("server/Proxy.kt", 2),
        ("server/rest.py", 4),
        ("server/rest.ts", 3),
        ("server/rest.ts", 4),
    ]


def test_the_provider_comes_from_the_base_url_and_local_servers_are_not_paid(scan: Project) -> None:
    snapshot = scan(
        {
            "api/llm.ts": (
                'import OpenAI from "openai";\n'
                "const gemini = new OpenAI({ baseURL: "
                '"https://generativelanguage.googleapis.com/v1beta/openai/", apiKey: process.env.GEMINI_API_KEY });\n'
                "export const ask = (q: string) =>\n"
                '  gemini.chat.completions.create({ model: "gemini-2.0-flash",'
                ' messages: [{ role: "user", content: q }] });\n'
            ),
            "api/local.py": (
                "from openai import OpenAI\n"
                "local = OpenAI(base_url='http://localhost:11434/v1', api_key='ollama')\n"
                "def ask(q):\n"
                "    return local.chat.completions.create(model='llama3.1', messages=[{'role': 'user', 'content': q}])"
                "\n"
            ),
        },
        only=["llm-usage-not-recorded"],
    )
    assert [(f.path, f.provider) for f in snapshot.findings] == [("api/llm.ts", "Google Gemini")]
    assert "llama3.1" not in snapshot.models


def test_a_method_called_on_an_instance_of_an_imported_class_leads_to_its_calls(scan: Project) -> None:
    service_py = (
        "from openai import OpenAI\nclient = OpenAI()\n"
        "class ChatService:\n"
        "    def ask(self, q):\n"
        "        return client.responses.create(model='gpt-4o-mini', input=q, max_output_tokens=50)\n"
    )
    service_ts = (
        'import OpenAI from "openai";\nconst client = new OpenAI();\n'
        "export class Summarizer {\n"
        '  run(q: string) { return client.responses.create({ model: "gpt-4o-mini", input: q }); }\n'
        "}\n"
    )
    snapshot = scan(
        {
            "api/service.py": service_py,
            "api/views.py": (
                "import logging\nfrom api.service import ChatService\nlog = logging.getLogger(__name__)\n"
                "def answer(q, user):\n"
                "    helper = ChatService()\n"
                "    r = helper.ask(q)\n"
                "    log.info('llm', extra={'user': user, 'tokens': r.usage.total_tokens})\n"
                "    return r.output_text\n"
            ),
            "web/summarizer.ts": service_ts,
            "web/route.ts": (
                'import { Summarizer } from "./summarizer";\n'
                "export async function POST(q: string, user: string) {\n"
                "  const svc = new Summarizer();\n"
                "  const r = await svc.run(q);\n"
                "  console.log(JSON.stringify({ user, tokens: r.usage?.total_tokens }));\n"
                "  return r.output_text;\n"
                "}\n"
            ),
            "other/service.py": service_py,
            "other/views.py": (
                "from other.service import ChatService\n"
                "def answer(q):\n    helper = ChatService()\n    return helper.ask(q).output_text\n"
            ),
        },
        only=["llm-usage-not-recorded"],
    )
    assert _usage_lines(snapshot) == [("other/service.py", 5)]


def test_a_proxy_forwarding_to_a_provider_base_url_is_a_paid_call(scan: Project) -> None:
    snapshot = scan(
        {
            "server/proxy.ts": (
                'import express from "express";\nconst app = express();\n'
                'app.all("/v1/*", async (req, res) => {\n'
                "  const upstream = await fetch(`${process.env.OPENAI_BASE_URL}/${req.params[0]}`, {\n"
                "    method: req.method,\n"
                "    headers: { Authorization: `Bearer ${process.env.OPENAI_API_KEY}` },\n"
                "    body: JSON.stringify(req.body),\n"
                "  });\n"
                "  res.status(upstream.status).send(await upstream.text());\n"
                "});\n"
            ),
            "app/api/llm/[...path]/route.ts": (
                "export async function POST(req: Request, { params }: { params: { path: string[] } }) {\n"
                "  return fetch(`https://api.anthropic.com/${params.path.join('/')}`, {\n"
                '    method: "POST", headers: { "x-api-key": process.env.ANTHROPIC_API_KEY! }, body: req.body,\n'
                "  });\n"
                "}\n"
            ),
            "svc/forward.py": (
                "import os\nimport httpx\nfrom fastapi import FastAPI, Request\napp = FastAPI()\n"
                "@app.post('/proxy/{path:path}')\n"
                "async def forward(path: str, request: Request):\n"
                "    async with httpx.AsyncClient() as client:\n"
                "        r = await client.post(f\"{os.environ['MISTRAL_API_BASE']}/{path}\", "
                "content=await request.body(),\n"
                "                              headers={'Authorization': 'Bearer ' + os.environ['MISTRAL_API_KEY']})\n"
                "    return r.json()\n"
            ),
            # near misses: the app's own API base, a read of the model list, a local model server
            "server/own.ts": (
                "export const save = (path: string, body: string) =>\n"
                '  fetch(`${process.env.NEXT_PUBLIC_API_BASE_URL}/${path}`, { method: "POST", body });\n'
                "export const models = () =>\n"
                '  fetch(`${process.env.OPENAI_BASE_URL}/models`, { method: "GET" });\n'
                "export const local = (path: string, body: string) =>\n"
                '  fetch(`${process.env.OPENAI_BASE_URL ?? "http://localhost:11434"}/${path}`, '
                '{ method: "POST", body });\n'
            ),
        },
        only=["llm-usage-not-recorded"],
    )
    assert _usage_lines(snapshot) == [
        ("app/api/llm/[...path]/route.ts", 2),
        ("server/proxy.ts", 4),
        ("svc/forward.py", 8),
    ]


def test_a_function_returning_a_bound_llm_method_leads_its_callers_to_the_call(scan: Project) -> None:
    snapshot = scan(
        {
            "bot/agent.py": (
                "from langchain_openai import ChatOpenAI\n"
                "class Agent:\n"
                "    def __init__(self):\n"
                "        self.llm = ChatOpenAI(model='gpt-4o-mini', max_tokens=200)\n"
                "        self.store = {}\n"
                "    @property\n"
                "    def run(self):\n"
                "        return self.llm.predict\n"
                "    @property\n"
                "    def save(self):\n"
                "        return self.store.update\n"
            ),
            "bot/routes.py": (
                "from flask import Flask, request\nfrom bot.agent import Agent\napp = Flask(__name__)\n"
                "@app.post('/ask')\n"
                "def ask():\n"
                "    agent = Agent()\n"
                "    return {'answer': agent.run(request.json['q'])}\n"
                "@app.post('/keep')\n"
                "def keep():\n"
                "    agent = Agent()\n"
                "    return {'ok': agent.save(request.json)}\n"
            ),
            "web/llm.ts": (
                'import OpenAI from "openai";\nconst client = new OpenAI();\n'
                "export const getCompletion = () => client.chat.completions.create;\n"
                "export const getCache = () => client.baseURL;\n"
            ),
            "web/claude.ts": (
                'import Anthropic from "@anthropic-ai/sdk";\n'
                "export class Writer {\n"
                "  private client = new Anthropic();\n"
                "  get write() {\n"
                "    return this.client.messages.create.bind(this.client.messages);\n"
                "  }\n"
                "}\n"
            ),
            "web/app.ts": (
                'import express from "express";\nimport { Writer } from "./claude";\nconst app = express();\n'
                'app.post("/write", async (req, res) => {\n'
                "  const writer = new Writer();\n"
                '  res.json(await writer.write({ model: "claude-3-5-haiku-latest", max_tokens: 100, messages: [] }));\n'
                "});\n"
            ),
            "web/route.ts": (
                'import { getCompletion, getCache } from "./llm";\n'
                "export async function POST(req: Request) {\n"
                "  const create = getCompletion();\n"
                '  return Response.json(await create({ model: "gpt-4o-mini", messages: await req.json() }));\n'
                "}\n"
                "export async function GET() {\n"
                "  return Response.json({ base: getCache() });\n"
                "}\n"
            ),
        },
        only=["llm-endpoint-without-rate-limit"],
    )
    assert sorted((f.path, f.line) for f in snapshot.findings) == [
        ("bot/routes.py", 4),
        ("web/app.ts", 4),
        ("web/route.ts", 2),
    ]


def test_an_http_call_to_a_provider_url_kept_in_another_module_is_a_paid_call(scan: Project) -> None:
    snapshot = scan(
        {
            "py/app/__init__.py": "",
            "py/app/config.py": (
                "OPENAI_URL = 'https://api.openai.com/v1/chat/completions'\n"
                "HOOK_URL = 'https://hooks.example.com/notify'\n"
                "MODELS_URL = 'https://api.openai.com/v1/models'\n"
                "class Settings:\n"
                "    LLM_ENDPOINT = 'https://api.groq.com/openai/v1/chat/completions'\n"
                "settings = Settings()\n"
            ),
            "py/app/llm.py": (
                "import requests\nfrom app.config import OPENAI_URL, HOOK_URL, MODELS_URL, settings\n"
                "def ask(q):\n"
                "    return requests.post(OPENAI_URL, json={'model': 'gpt-4o-mini', 'messages': q}).json()\n"
                "def fast(q):\n"
                "    return requests.post(settings.LLM_ENDPOINT, json={'messages': q}).json()\n"
                "def notify(q):\n"
                "    return requests.post(HOOK_URL, json={'text': q})\n"
                "def models():\n"
                "    return requests.request('GET', MODELS_URL)\n"
            ),
            "js/src/constants.ts": (
                'export const API_URL = "https://api.anthropic.com/v1/messages";\n'
                'export const STATUS_URL = "https://status.example.com/api";\n'
            ),
            "js/src/config.ts": (
                "export default {\n"
                '  openai: { url: "https://api.openai.com/v1/responses" },\n'
                '  slack: { url: "https://hooks.slack.com/services/x" },\n'
                "};\n"
            ),
            "js/src/llm.ts": (
                'import axios from "axios";\nimport { API_URL, STATUS_URL } from "./constants";\n'
                'import config from "./config";\n'
                "export const claude = (body: object) => axios.post(API_URL, body);\n"
                "export const gpt = (body: object) =>"
                ' fetch(config.openai.url, { method: "POST", body: JSON.stringify(body) });\n'
                "export const status = () => fetch(STATUS_URL);\n"
                "export const ping = (body: object) =>"
                ' fetch(config.slack.url, { method: "POST", body: JSON.stringify(body) });\n'
                "export const peek = () => fetch(API_URL);\n"
            ),
        },
        only=["llm-usage-not-recorded"],
    )
    assert _usage_lines(snapshot) == [
        ("js/src/llm.ts", 4),
        ("js/src/llm.ts", 5),
        ("py/app/llm.py", 4),
        ("py/app/llm.py", 6),
    ]
    assert {"Anthropic", "OpenAI", "Groq"} <= set(snapshot.providers)


def test_two_classes_with_a_client_of_one_name_each_call_their_own(scan: Project) -> None:
    """`self.client` is an OpenAI client in one class and an Anthropic one in the next: each call is its own
    class's (the client assigned last above it), in Python and in JavaScript."""
    snapshot = scan(
        {
            "svc/providers.py": (
                "from anthropic import Anthropic\nfrom openai import OpenAI\n"
                "class Gpt:\n    def __init__(self):\n        self.client = OpenAI()\n"
                "    def ask(self, m):\n"
                "        return self.client.chat.completions.create(model=MODEL_A, messages=m, max_tokens=5)\n"
                "class Claude:\n    def __init__(self):\n        self.client = Anthropic()\n"
                "    def ask(self, m):\n"
                "        return self.client.messages.create(model=MODEL_B, messages=m, max_tokens=5)\n"
            ),
            "web/providers.js": (
                'import Anthropic from "@anthropic-ai/sdk";\nimport OpenAI from "openai";\n'
                "export class Claude {\n  constructor() { this.client = new Anthropic(); }\n"
                "  ask(m) { return this.client.messages.create({ model: MODEL_B, messages: m, max_tokens: 5 }); }\n}\n"
                "export class Gpt {\n  constructor() { this.client = new OpenAI(); }\n"
                "  ask(messages) {\n"
                "    return this.client.chat.completions.create({ model: MODEL_A, messages, max_tokens: 5 });\n"
                "  }\n}\n"
            ),
        },
        only=["llm-usage-not-recorded"],
    )
    by_place = {(f.path, f.line): f.provider for f in snapshot.findings}
    assert by_place == {
        ("svc/providers.py", 7): "OpenAI",
        ("svc/providers.py", 12): "Anthropic",
        ("web/providers.js", 5): "Anthropic",
        ("web/providers.js", 10): "OpenAI",
    }


def test_a_method_of_what_a_local_value_made_runs_no_same_named_function(scan: Project) -> None:
    """`res` is made by a function of the file in one place and by a local model's method in the handler:
    there, res.get() is a method of what the model returned, not the module's get() that calls the LLM."""
    snapshot = scan(
        {
            "requirements.txt": "fastapi\nopenai\n",
            "app/main.py": (
                "from fastapi import FastAPI\nfrom openai import OpenAI\n"
                "app = FastAPI()\nclient = OpenAI()\n"
                "def get(q):\n"
                "    return client.responses.create(model='gpt-4o-mini', input=q, max_output_tokens=50)\n"
                "def warm():\n    res = get('hi')\n    return res.output_text\n"
                "@app.post('/transcribe')\n"
                "def transcribe(audio: bytes):\n"
                "    res = model.transcribe(audio)\n"
                "    return {'text': res.get('text')}\n"
            ),
        },
        only=["llm-endpoint-without-rate-limit"],
    )
    assert [(f.path, f.line) for f in snapshot.findings] == []
