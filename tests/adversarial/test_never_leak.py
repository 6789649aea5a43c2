"""Never leak: keys of every supported provider, planted in every kind of file the scanner reads,
appear in no output (JSON, SARIF, Markdown, HTML, PDF text, JUnit, annotations, summary, stderr,
the cache), not even as a long fragment. Only the redacted form may appear."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from assess.fakekeys import KINDS, fake_key

PUBLIC = {"firebase", "stripe-publishable", "clerk-publishable", "supabase-anon"}
# prefix-less shapes are only credible beside their provider's name or endpoint
CONTEXT = {
    "mistral": "MISTRAL_API_KEY",
    "cohere": "COHERE_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "azure-openai": "AZURE_OPENAI_API_KEY",
    "azure-openai-2024": "AZURE_OPENAI_API_KEY",
    "google": "GEMINI_API_KEY",
    "gemini": "GEMINI_API_KEY",
}
FRAGMENT = 16  # no run this long from a key body may appear anywhere


def _plant(root: Path, keys: dict[str, str]) -> None:
    def lines(fmt: str) -> str:
        return "\n".join(
            fmt.format(name=CONTEXT.get(k, k.upper().replace("-", "_") + "_KEY"), key=v) for k, v in keys.items()
        )

    files = {
        ".env": lines("{name}={key}") + "\nAZURE_OPENAI_ENDPOINT=https://acme.openai.azure.com/\n",
        "config/settings.py": "import google.generativeai\n" + lines('{name} = "{key}"'),
        "web/src/client.ts": lines('export const {name} = "{key}";'),
        "config/app.json": json.dumps({"keys": keys, "endpoint": "https://acme.openai.azure.com/"}),
        "config/app.yaml": lines("{name}: '{key}'"),
        "config/app.toml": lines('{name} = "{key}"'),
        "config/app.ini": "[ai]\n" + lines("{name} = {key}"),
        "Dockerfile": "FROM python:3.11\n" + lines("ENV {name}={key}"),
        "docker-compose.yml": "services:\n  api:\n    environment:\n" + lines("      {name}: {key}"),
        ".github/workflows/ci.yml": "jobs:\n  t:\n    env:\n" + lines("      {name}: {key}"),
        "scripts/run.sh": "#!/bin/sh\n" + lines("export {name}={key}"),
        "notebooks/try.ipynb": json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "source": [lines('{name} = "{key}"')],
                        "outputs": [{"text": list(keys.values())}],
                    }
                ]
            }
        ),
        "web/package.json": '{"dependencies": {"vite": "5", "react": "18", "@google/generative-ai": "0.21"}}',
        "web/dist/assets/index-1a2b.js": "var a={"
        + ",".join(f'{k.replace("-", "_")}:"{v}"' for k, v in keys.items())
        + "};",
    }
    for rel, body in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)


def _fragments(key: str) -> set[str]:
    body = key[8:]  # the leading characters may be shown; the rest never
    return {body[i : i + FRAGMENT] for i in range(0, max(1, len(body) - FRAGMENT + 1))}


def test_no_output_carries_a_key(tmp_path: Path) -> None:
    keys = {kind: fake_key(kind, "leak") for kind in KINDS if kind not in PUBLIC}
    root = tmp_path / "project"
    _plant(root, keys)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.email=a@b.c", "-c", "user.name=a", "commit", "-qm", "keys"], check=True
    )
    out = tmp_path / "out"
    out.mkdir()
    cmd = [sys.executable, "-m", "assess", "scan", str(root), "--history"]
    for name, suffix in (("json", "json"), ("sarif", "sarif"), ("markdown", "md"), ("html", "html"), ("junit", "xml")):
        cmd += [f"--{name}", str(out / f"r.{suffix}")]
    cmd += ["--pdf", str(out / "r.pdf")]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env={"GITHUB_ACTIONS": "true", "PATH": "/usr/bin:/bin"}, check=False
    )
    assert proc.returncode == 0, proc.stderr

    texts = {"stdout": proc.stdout, "stderr": proc.stderr}
    for path in out.iterdir():
        if path.suffix == ".pdf":
            texts[path.name] = "\n".join(page.extract_text() for page in PdfReader(path).pages)
            texts[path.name + " (bytes)"] = path.read_bytes().decode("latin-1")
        else:
            texts[path.name] = path.read_text()
    for path in (root / ".assess").rglob("*") if (root / ".assess").exists() else ():
        if path.is_file():
            texts[str(path.relative_to(root))] = path.read_bytes().decode("latin-1")

    result = json.loads((out / "r.json").read_text())
    assert len([f for f in result["findings"] if f["checklist"] == "key-hygiene"]) >= len(keys), "keys were not found"
    # every findings' snippet holds a redacted form instead of the key
    assert any("…" in f["snippet"] for f in result["findings"])
    for kind, key in keys.items():
        pieces = _fragments(key)
        for where, text in texts.items():
            assert key not in text, f"the full {kind} key leaked into {where}"
            leaked = [p for p in pieces if p in text]
            assert not leaked, f"part of the {kind} key leaked into {where}: {leaked[0][:4]}…"


def test_no_output_carries_a_provider_admin_credential(tmp_path: Path) -> None:
    """`--verify`: the OpenAI and Anthropic Admin keys and the AWS secret reach no output, stream, answers file
    or cache, even when the provider echoes the key in an error (OpenAI's 401 message does)."""
    from tests.verify import openai_shapes as shape
    from tests.verify.server import Reply, fake_api

    admin_key = "sk-admin-" + "Lk4v" * 12
    aws_secret = "Qm9vdGhTZWNyZXQ" + "x7Rt" * 8
    anthropic_key = "sk-ant-admin01-" + "Wp3e" * 14
    root = tmp_path / "project"
    (root / ".assess").mkdir(parents=True)
    (root / "app.py").write_text(
        'from openai import OpenAI\n\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4o", messages=[])\n'
    )
    (root / ".assess" / "answers.yaml").write_text("version: 1\nanswers:\n  spend-limit:\n    value: none\n")
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    org = "/v1/organization"
    with fake_api() as api:
        api.route(f"{org}/spend_limit", Reply(body=shape.spend_limit(50_000), headers={"openai-organization": "org-x"}))
        echo = shape.error("invalid_api_key", f"Incorrect API key provided: {admin_key}")
        api.route(f"{org}/spend_alerts", Reply(401, echo))
        api.route(f"{org}/costs", Reply(403, echo))
        api.route(f"{org}s/me", Reply(body={"id": "org-uuid", "type": "organization", "name": "Acme"}))
        api.route(f"{org}s/workspaces", Reply(401, shape.error("authentication_error", f"bad key {anthropic_key}")))
        cmd = [sys.executable, "-m", "assess", "scan", str(root), "--verify", "openai,aws,anthropic"]
        for name, suffix in (("json", "json"), ("markdown", "md"), ("html", "html"), ("sarif", "sarif")):
            cmd += [f"--{name}", str(out / f"r.{suffix}")]
        cmd += ["--pdf", str(out / "r.pdf")]
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "XDG_CACHE_HOME": str(cache),
            "OPENAI_ADMIN_KEY": admin_key,
            "OPENAI_ADMIN_BASE_URL": api.url,
            "ANTHROPIC_ADMIN_KEY": anthropic_key,
            "ANTHROPIC_ADMIN_BASE_URL": api.url,
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY": aws_secret,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": api.url.removesuffix("/v1"),  # never the real AWS: the local server refuses
            "AWS_MAX_ATTEMPTS": "1",
            **({"PYTHONPATH": p} if (p := __import__("os").environ.get("PYTHONPATH")) else {}),
        }
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "verify: OpenAI: spend alerts or projects not read: HTTP 401 (invalid_api_key)" in proc.stderr
    texts = {"stdout": proc.stdout, "stderr": proc.stderr}
    for folder in (out, cache, root):
        for path in folder.rglob("*"):
            if path.is_file():
                texts[str(path)] = path.read_bytes().decode("latin-1")
                if path.suffix == ".pdf":
                    first = PdfReader(path).pages[0].extract_text()
                    texts[f"{path} (text)"] = first
                    assert "Spend limit verified at OpenAI: $500/month" in " ".join(first.split())
    assert "verify: Anthropic: workspaces not read: HTTP 401 (authentication_error)" in proc.stderr
    for secret in (admin_key, aws_secret, anthropic_key):
        for where, text in texts.items():
            assert secret not in text, f"a credential leaked into {where}"
            leaked = [p for p in _fragments(secret) if p in text]
            assert not leaked, f"part of a credential leaked into {where}: {leaked[0][:4]}…"
