"""Anthropic verification against a local server answering in the documented shapes (made-up ids and amounts):
Admin API (x-api-key + anthropic-version, cursor lists with has_more/last_id, `after_id=`):
  https://platform.claude.com/docs/en/manage-claude/admin-api
Workspace rate limits (GET /v1/organizations/workspaces/{id}/rate_limits: overrides only, each with org_limit):
  https://platform.claude.com/docs/en/manage-claude/rate-limits-api
Cost report (GET /v1/organizations/cost_report, daily buckets, `amount` a decimal string in cents, `page` =
the previous `next_page`): https://platform.claude.com/docs/en/manage-claude/usage-cost-api
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assess.models import Verification
from assess.verify.anthropic import verify
from tests.verify.server import FakeApi, Reply, fake_api

KEY = "sk-ant-admin01-" + "Hq2w" * 14  # made up
ORG = "/v1/organizations"


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    with fake_api() as server:
        monkeypatch.setenv("ANTHROPIC_ADMIN_KEY", KEY)
        monkeypatch.setenv("ANTHROPIC_ADMIN_BASE_URL", server.url)
        yield server


def workspace(wid: str) -> dict[str, Any]:
    return {
        "id": wid,
        "type": "workspace",
        "name": f"Workspace {wid}",
        "created_at": "2026-01-05T10:00:00Z",
        "archived_at": None,
        "display_color": "#6C5BB9",
    }


def page(items: list[dict[str, Any]], has_more: bool = False) -> dict[str, Any]:
    return {
        "data": items,
        "has_more": has_more,
        "first_id": items[0]["id"] if items else None,
        "last_id": items[-1]["id"] if items else None,
    }


def override() -> dict[str, Any]:
    return {
        "type": "rate_limit",
        "group_type": "model_group",
        "models": ["claude-sonnet-4-5"],
        "limits": [{"type": "requests_per_minute", "value": 50, "org_limit": 4000}],
    }


def cost_page(days: list[str], cents: list[str], next_page: str | None = None) -> dict[str, Any]:
    return {
        "data": [
            {
                "starting_at": f"{day}T00:00:00Z",
                "ending_at": f"{day}T23:59:59Z",
                "results": [{"currency": "USD", "amount": amount, "cost_type": "tokens"}],
            }
            for day, amount in zip(days, cents, strict=True)
        ],
        "has_more": next_page is not None,
        "next_page": next_page,
    }


def run() -> Verification:
    return verify(lambda _m: None)


def test_workspaces_and_costs_are_evidence_not_answers(api: FakeApi) -> None:
    api.route(f"{ORG}/me", Reply(body={"id": "org-uuid-1", "type": "organization", "name": "Acme"}))
    api.route(f"{ORG}/workspaces", Reply(body=page([workspace("wrkspc_a")], has_more=True)))
    api.route(f"{ORG}/workspaces?after_id=wrkspc_a", Reply(body=page([workspace("wrkspc_b")])))
    api.route(f"{ORG}/workspaces/wrkspc_a/rate_limits", Reply(body={"data": [override()], "next_page": None}))
    api.route(f"{ORG}/workspaces/wrkspc_b/rate_limits", Reply(body={"data": [], "next_page": None}))
    days = [f"2026-11-{d:02d}" for d in range(1, 15)]
    api.route(f"{ORG}/cost_report", Reply(body=cost_page(days[:7], ["1000.0"] * 7, next_page="page_2")))
    api.route(f"{ORG}/cost_report?page=page_2", Reply(body=cost_page(days[7:], ["1000.0"] * 4 + ["9000.5"] * 3)))
    v = run()
    assert v.account == "Acme" and v.answers == {} and not v.errors
    first = api.hits(f"{ORG}/me")[0].headers
    assert first["x-api-key"] == KEY and first["anthropic-version"] == "2023-06-01"
    assert "workspaces: 2, 1 with rate limits of their own (the rest use the organisation's)" in v.evidence
    assert "costs: $380.01 over the last 14 day(s)" in v.evidence  # cents: 11 x $10 + 3 x $90.005
    assert any(line.startswith("cost spike: $90/day over the last 3 days, 9.0x") for line in v.evidence)
    assert "not exposed" in v.summary


def test_a_refused_key_answers_nothing(api: FakeApi) -> None:
    body = {"type": "error", "error": {"type": "authentication_error", "message": f"invalid x-api-key {KEY}"}}
    api.route(f"{ORG}/me", Reply(401, body))
    v = run()
    assert v.answers == {} and v.errors == [
        "Anthropic: organisation not read: HTTP 401 (authentication_error): the key was refused "
        "(an Admin API key is needed)"
    ]
    assert KEY not in " ".join(v.errors + v.evidence)


def test_a_failing_cost_report_is_one_line(api: FakeApi) -> None:
    api.route(f"{ORG}/me", Reply(body={"id": "org-uuid-1", "type": "organization", "name": "Acme"}))
    api.route(f"{ORG}/workspaces", Reply(body=page([])))
    api.route(f"{ORG}/cost_report", Reply(529, {"type": "error", "error": {"type": "overloaded_error"}}))
    v = run()
    assert v.errors == [
        "Anthropic: cost report not read: HTTP 529 (overloaded_error): Anthropic did not answer; "
        "these answers stay unknown"
    ]
    assert len(api.hits(f"{ORG}/cost_report")) == 3


def test_no_key_is_one_line(monkeypatch: pytest.MonkeyPatch, api: FakeApi) -> None:
    monkeypatch.delenv("ANTHROPIC_ADMIN_KEY")
    v = run()
    assert api.requests == [] and len(v.errors) == 1 and "ANTHROPIC_ADMIN_KEY is not set" in v.errors[0]
