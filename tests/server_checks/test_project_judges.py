"""Judges end to end through scan_project: facts on findings, order and prefix of limiters, partial scans."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.models import Finding
from tests.server_checks.conftest import Project

EXPRESS = '{"dependencies": {"express": "^4.21.1", "express-rate-limit": "^7.4.0", "openai": "^4.67.0"}}'
ROUTE = """\
const express = require("express");
const rateLimit = require("express-rate-limit");
const OpenAI = require("openai");
const app = express();
const client = new OpenAI();
{before}
app.post("/api/chat", async (req, res) => {{
  res.json(await client.responses.create({{ model: "gpt-4o", input: req.body.q, max_output_tokens: 300 }}));
}});
{after}
"""


def _rate(snapshot_findings: list[Finding]) -> list[Finding]:
    return [f for f in snapshot_findings if f.check == "llm-endpoint-without-rate-limit"]


def test_an_unlimited_endpoint_finding_carries_endpoint_framework_provider_model(scan: Project) -> None:
    snapshot = scan({"package.json": EXPRESS, "server.js": ROUTE.format(before="", after="")})
    (finding,) = _rate(snapshot.findings)
    assert (finding.endpoint, finding.framework, finding.provider, finding.model) == (
        "POST /api/chat",
        "Express",
        "OpenAI",
        "gpt-4o",
    )
    assert finding.line == 7 and "rate-limits" in snapshot.items_with_checks


def test_a_limiter_registered_after_the_route_does_not_cover_it(scan: Project) -> None:
    limiter = "app.use(rateLimit({ windowMs: 60000, limit: 10 }));"
    covered = scan({"package.json": EXPRESS, "server.js": ROUTE.format(before=limiter, after="")})
    assert not _rate(covered.findings)
    late = scan({"package.json": EXPRESS, "server.js": ROUTE.format(before="", after=limiter)})
    assert len(_rate(late.findings)) == 1


def test_a_limiter_on_another_prefix_does_not_cover_the_route(scan: Project) -> None:
    other = 'app.use("/auth", rateLimit({ windowMs: 60000, limit: 5 }));'
    snapshot = scan({"package.json": EXPRESS, "server.js": ROUTE.format(before=other, after="")})
    assert len(_rate(snapshot.findings)) == 1


def test_stacked_retries_report_the_multiplier(scan: Project) -> None:
    snapshot = scan(
        {
            "worker.py": (
                "from openai import OpenAI\nfrom tenacity import retry, stop_after_attempt, wait_random_exponential\n"
                "client = OpenAI()\n"
                "@retry(stop=stop_after_attempt(4), wait=wait_random_exponential())\n"
                "def ask(p):\n    return client.responses.create(model='gpt-4o-mini', input=p, max_output_tokens=9)\n"
            )
        },
        only=["stacked-retries"],
    )
    (finding,) = snapshot.findings
    assert finding.attempts == 12 and "12 requests" in finding.message


def test_project_findings_honour_inline_suppressions(scan: Project) -> None:
    route = ROUTE.format(before="", after="").replace(
        "app.post(", "// assess: ignore[llm-endpoint-without-rate-limit] behind the company API gateway\napp.post("
    )
    snapshot = scan({"package.json": EXPRESS, "server.js": route})
    (finding,) = _rate(snapshot.findings)
    assert finding.suppressed


def test_a_partial_scan_judges_the_whole_tree_and_reports_the_changed_files(
    scan: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pre-commit's --files: an unlimited endpoint added in a staged file is reported (it used to vanish with
    every project check), and a run over other files does not report it."""
    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path / "project")  # pre-commit names files relative to the repository
    tree = {"package.json": EXPRESS, "server.js": ROUTE.format(before="", after=""), "util.js": "module.exports = 1;\n"}
    snapshot = scan(tree, files=("server.js",))
    assert [f.path for f in _rate(snapshot.findings)] == ["server.js"]
    assert "llm-endpoint-without-rate-limit" in snapshot.checks_run
    assert snapshot.coverage.partial and snapshot.coverage.partial_files == 1
    assert not _rate(scan(tree, files=("util.js",)).findings)


def test_an_iac_project_without_llm_calls_is_not_judged_for_budgets(scan: Project) -> None:
    snapshot = scan({"main.tf": 'resource "aws_lambda_function" "f" {\n  function_name = "thumbs"\n}\n'})
    assert not [f for f in snapshot.findings if f.check == "iac-llm-without-budget"]
    assert "billing-alerts" not in snapshot.items_with_checks
