"""Azure verification against a local server answering in the documented shape (made-up ids):
Budgets - List: https://learn.microsoft.com/en-us/rest/api/consumption/budgets/list
(`value`, `nextLink`; `properties.category`, `properties.notifications` keyed by name)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assess.models import Verification
from assess.verify import azure
from tests.verify.server import FakeApi, Reply, fake_api

TOKEN = "eyJ0eXAiOiJKV1Qi" + "Az9q" * 20  # made up
SUB = "00000000-1111-2222-3333-444444444444"
PATH = f"/subscriptions/{SUB}/providers/Microsoft.Consumption/budgets"


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUB)
    monkeypatch.delenv("AZURE_RESOURCE_GROUP", raising=False)
    with fake_api() as server:
        yield server


def run(api: FakeApi) -> Verification:
    return azure.verify(lambda _m: None, base_url=api.url.removesuffix("/v1"), token=lambda: TOKEN)


def budget(name: str, enabled: bool = True, emails: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": f"subscriptions/{SUB}/providers/Microsoft.Consumption/budgets/{name}",
        "name": name,
        "type": "Microsoft.Consumption/budgets",
        "properties": {
            "category": "Cost",
            "amount": 500,
            "timeGrain": "Monthly",
            "timePeriod": {"startDate": "2026-01-01T00:00:00Z"},
            "notifications": {
                "Actual_GreaterThan_80_Percent": {
                    "enabled": enabled,
                    "operator": "GreaterThan",
                    "threshold": 80,
                    "contactEmails": ["billing@example.test"] if emails is None else emails,
                    "contactRoles": [],
                    "contactGroups": [],
                    "thresholdType": "Actual",
                }
            },
        },
    }


def test_a_budget_that_notifies_answers_spend_alerts_across_pages(api: FakeApi) -> None:
    root = api.url.removesuffix("/v1")
    api.route(PATH, Reply(body={"value": [budget("quiet", enabled=False)], "nextLink": f"{root}{PATH}?skiptoken=2"}))
    api.route(f"{PATH}?skiptoken=2", Reply(body={"value": [budget("monthly")]}))
    v = run(api)
    assert v.answers == {"spend-alerts": "yes"} and not v.errors
    assert v.account == f"/subscriptions/{SUB}"
    assert api.hits(PATH)[0].query["api-version"] == "2023-05-01"
    assert api.hits(PATH)[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert f"cost budgets on /subscriptions/{SUB}: 2, 1 notifying someone" in v.evidence


def test_a_next_link_to_another_host_is_not_followed_with_the_token(api: FakeApi) -> None:
    api.route(PATH, Reply(body={"value": [budget("x", emails=[])], "nextLink": "https://elsewhere.example/p2"}))
    v = run(api)
    assert v.answers == {"spend-alerts": "no"} and len(api.requests) == 1


def test_a_refusal_is_one_line_and_unknown(api: FakeApi) -> None:
    api.route(PATH, Reply(403, {"error": {"code": "AuthorizationFailed", "message": "no"}}))
    v = run(api)
    assert v.answers == {} and v.errors == [
        "Azure: budgets not read: HTTP 403 (AuthorizationFailed): refused "
        "(Cost Management Reader on the subscription is enough)"
    ]


def test_no_subscription_or_extra_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    assert azure.verify(lambda _m: None).errors == [
        "Azure: AZURE_SUBSCRIPTION_ID is not set (the subscription holding Azure OpenAI)"
    ]
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUB)
    monkeypatch.setitem(__import__("sys").modules, "azure.identity", None)
    assert azure.verify(lambda _m: None).errors == [
        "Azure: azure-identity is not installed: pip install 'assess-ai-cost[azure]'"
    ]
