"""The provider registry (checks/_providers.yaml): validated at load, and the one place a provider is spelled."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assess import paths
from assess.assessment import ScanOptions, scan_project
from assess.catalog import Catalog, load_catalog
from assess.errors import InputError
from assess.providers import ProviderRegistry
from assess.scan.files.discover import discover_files
from assess.scan.files.facts import gather_facts
from assess.scan.matching.engine import scan_files
from assess.scan.plan import ScanPlan
from assess.scan.project.callsites import call_sites
from assess.scan.project.project_index import ProjectIndex
from tests.server_checks.conftest import write_tree

ACME = """
  - id: acme
    name: Acme Inference
    packages:
      pypi: [acme-inference]
      npm: ["@acme/inference"]
    hosts:
      - {host: llm.acme-inference.test}
"""
ACME_PROJECT = {
    "server/ask.py": (
        "import requests\n"
        "def ask(q):\n"
        "    return requests.post('https://llm.acme-inference.test/v2/generate', json={'q': q}).json()\n"
    ),
    "web/api/ask.js": (
        "export async function ask(q) {\n"
        "  const r = await fetch(`https://llm.acme-inference.test/v2/generate`, { method: 'POST', body: q });\n"
        "  return r.json();\n}\n"
    ),
}


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    checks, questions = tmp_path / "checks", tmp_path / "questions"
    shutil.copytree(paths.checks_dir(), checks)
    shutil.copytree(paths.questions_dir(), questions)
    return checks, questions


def _with(trees: tuple[Path, Path], edit: str, *, after: str = "providers:\n") -> Path:
    path = trees[0] / "_providers.yaml"
    text = path.read_text(encoding="utf-8")
    assert after in text
    path.write_text(text.replace(after, after + edit.lstrip("\n"), 1), encoding="utf-8")
    return path


def _error(trees: tuple[Path, Path]) -> InputError:
    with pytest.raises(InputError) as info:
        load_catalog(*trees)
    return info.value


def _index(catalog: Catalog, root: Path, files: dict[str, str]) -> ProjectIndex:
    write_tree(root, files)
    discovery = discover_files(root)
    facts = gather_facts(discovery.files, catalog.providers)
    out = scan_files(discovery.files, ScanPlan.build(catalog), facts, 1_000_000)
    return ProjectIndex(out.all_facts(), facts)


# --- validation ------------------------------------------------------------------------------------------


def test_the_catalog_carries_the_registry(catalog: Catalog) -> None:
    names = catalog.providers.names()
    assert {"OpenAI", "Anthropic", "Google Gemini", "AWS Bedrock", "Azure OpenAI"} <= names
    assert catalog.providers.key_shapes in catalog.checks


def test_an_unknown_key_in_the_registry_names_the_file_and_line(trees: tuple[Path, Path]) -> None:
    path = _with(trees, "  - id: acme\n    name: Acme\n    hostz: [llm.acme.test]\n")
    err = _error(trees)
    line = 1 + path.read_text(encoding="utf-8").splitlines().index("    hostz: [llm.acme.test]")
    assert err.path == str(path) and "unknown key 'hostz'" in err.message and err.line == line


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("  - id: acme\n    name: Acme\n    hosts: [{host: api.openai.com}]\n", "host 'api.openai.com' is claimed"),
        ("  - id: acme\n    name: Acme\n    packages: {npm: [openai]}\n", "package 'openai' is claimed"),
        ("  - id: openai\n    name: Acme\n", "duplicate provider id(s): openai"),
        ("  - id: acme\n    name: Acme\n    packages: {pypi: [Acme_SDK]}\n", "PyPI names are written normalised"),
        ("  - id: acme\n    name: Acme\n    models: '^(acme'\n", "provider 'acme' models: bad regex"),
        ("  - id: acme\n    name: Acme\n    call_labels: [acme-sdk]\n", "no llm-call shape(s) ['acme-sdk']"),
        ("  - id: acme\n    name: Acme\n    hosts: [{host: acme.test, url: 'acme\\.test/v1'}]\n", "needs an example"),
    ],
)
def test_a_bad_registry_entry_names_the_file(trees: tuple[Path, Path], entry: str, problem: str) -> None:
    path = _with(trees, entry)
    err = _error(trees)
    assert err.path == str(path) and problem in err.message


def test_a_key_shape_must_name_a_registry_provider(trees: tuple[Path, Path]) -> None:
    path = trees[0] / "hardcoded-ai-key" / "check.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("provider: Groq", "provider: Groq Cloud", 1), encoding="utf-8")
    err = _error(trees)
    assert err.path == str(path) and "provider 'Groq Cloud' is not in _providers.yaml" in err.message


# --- one place: a provider added to the registry needs no Python edit ------------------------------------


def test_a_provider_added_to_the_registry_is_recognised_by_host_and_package(
    trees: tuple[Path, Path], tmp_path: Path
) -> None:
    project = {**ACME_PROJECT, "requirements.txt": "acme-inference==1.2\n"}
    before = scan_project(write_tree(tmp_path / "before", project), load_catalog(*trees), ScanOptions())
    assert "Acme Inference" not in before.providers  # the near miss: unknown until the registry names it

    _with(trees, ACME)
    catalog = load_catalog(*trees)
    index = _index(catalog, tmp_path / "after", project)
    sites = {(s.rel, s.provider) for s in call_sites(index)}
    assert sites == {("server/ask.py", "Acme Inference"), ("web/api/ask.js", "Acme Inference")}
    after = scan_project(tmp_path / "after", catalog, ScanOptions())
    assert "Acme Inference" in after.providers
    assert gather_facts(discover_files(write_tree(tmp_path / "manifest", {"package.json": '{"dependencies": '
        '{"@acme/inference": "1"}}'})).files, catalog.providers).providers == {"Acme Inference"}  # fmt: skip


def test_every_registry_host_is_a_call_site_of_its_provider(catalog: Catalog, tmp_path: Path) -> None:
    """Each host's endpoint, posted to with requests and with fetch, is an LLM call named for its provider."""
    files: dict[str, str] = {}
    expected: set[tuple[str, str]] = set()
    for n, (provider, host) in enumerate((p, h) for p in catalog.providers.providers for h in p.hosts):
        url = host.example or f"https://{host.host}/v1/chat/completions"
        files[f"py/call{n}.py"] = f"import requests\ndef ask(b):\n    return requests.post('{url}', json=b)\n"
        files[f"js/call{n}.js"] = f"export const ask = (b) => fetch('{url}', {{ method: 'POST', body: b }});\n"
        expected |= {(f"py/call{n}.py", provider.name), (f"js/call{n}.js", provider.name)}
    sites = {(s.rel, s.provider) for s in call_sites(_index(catalog, tmp_path / "p", files))}
    assert sites == expected


def test_a_model_list_or_a_local_server_on_a_registry_host_is_no_call_site(catalog: Catalog, tmp_path: Path) -> None:
    files = {
        "models.py": "import requests\ndef ls():\n    return requests.post('https://api.openai.com/v1/models')\n",
        "local.js": (
            "const BASE = 'http://localhost:11434/v1';\n"
            "export const ask = (b) => fetch(`${BASE}/chat/completions`, { method: 'POST', body: b });\n"
        ),
    }
    assert call_sites(_index(catalog, tmp_path / "p", files)) == []


# --- what other rules must agree with -------------------------------------------------------------------


def _words(path: Path) -> set[str]:
    return set(re.findall(r"[A-Za-z_]+", path.read_text(encoding="utf-8")))


def test_every_output_limit_is_accepted_by_the_max_tokens_check(catalog: Catalog) -> None:
    accepted = _words(paths.checks_dir() / "llm-call-without-max-tokens" / "check.yaml")
    missing = {(p.name, o) for p in catalog.providers.providers for o in p.output_limits if o not in accepted}
    assert not missing, f"Missing: output limits the check does not know: {sorted(missing)}"


def test_every_usage_field_is_read_by_the_usage_fact(catalog: Catalog) -> None:
    read = _words(paths.checks_dir() / "_facts" / "usage-read.yaml")
    missing = {(p.name, u) for p in catalog.providers.providers for u in p.usage_fields if u not in read}
    assert not missing, f"Missing: usage fields usage-read does not read: {sorted(missing)}"


def test_sdk_retry_defaults_agree_with_the_stacked_retries_check(catalog: Catalog) -> None:
    registry = {p.name: p.retries.default for p in catalog.providers.providers if p.retries is not None}
    assert registry  # OpenAI, Azure OpenAI and Anthropic are sourced (shared/FACTS.md)
    assert catalog.checks["stacked-retries"].params.get("sdk_default_retries") == registry


def _host_like(words: list[str]) -> set[str]:
    return {w for w in words if "." in w.strip(".") and not re.search(r"[/:\s]", w)}


def test_hosts_spelled_in_other_rules_are_registry_hosts(catalog: Catalog) -> None:
    """Rules that still list hosts by hand (a subset on purpose) name no provider host the registry lacks."""
    hosts = [h.host for p in catalog.providers.providers for h in p.hosts]
    spelled = _host_like(catalog.checks["client-ai-endpoint-call"].keywords)
    spelled |= {w for v in catalog.facts["llm-call"].text for w in _host_like(v.keywords)}
    assert "generativelanguage.googleapis.com" in spelled
    unknown = sorted(w for w in spelled if not any(h in w for h in hosts))
    assert not unknown, f"Missing: hosts not in checks/_providers.yaml: {unknown}"


def test_question_and_key_shape_providers_are_registry_names(catalog: Catalog) -> None:
    names = catalog.providers.names()
    shapes = {p.provider for p in catalog.checks[catalog.providers.key_shapes or ""].patterns}
    asked = {p for q in catalog.questions.values() for p in q.providers}
    assert shapes and shapes <= names and asked <= names


def test_an_empty_registry_names_nothing() -> None:
    empty = ProviderRegistry()
    assert empty.host_provider("https://api.openai.com") is None and not empty.is_local("http://localhost")
