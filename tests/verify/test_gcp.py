"""Google Cloud verification against a local server answering in the documented shapes (made-up ids):
projects.getBillingInfo: https://cloud.google.com/billing/docs/reference/rest/v1/projects/getBillingInfo
budgets.list (`budgets`, `nextPageToken`; filter `projects/{number}`, `thresholdRules`, `notificationsRule`):
  https://cloud.google.com/billing/docs/reference/budget/rest/v1/billingAccounts.budgets/list
projects.get (`projectNumber`): https://cloud.google.com/resource-manager/reference/rest/v1/projects/get
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assess.models import Verification
from assess.verify import gcp
from tests.verify.server import FakeApi, Reply, fake_api

TOKEN = "ya29." + "Tk8p" * 20  # made up
ACCOUNT = "01AB23-45CD67-89EF01"


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    for name in ("GOOGLE_CLOUD_BILLING_ACCOUNT", "GOOGLE_OAUTH_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "acme-ai")
    with fake_api() as server:
        yield server


def run(api: FakeApi) -> Verification:
    root = api.url.removesuffix("/v1")
    hosts = {name: f"{root}/{name}" for name in gcp.HOSTS}
    return gcp.verify(lambda _m: None, hosts=hosts, token=lambda: (TOKEN, None))


def budget(name: str, projects: list[str] | None = None, alerts: bool = True, **rule: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": f"billingAccounts/{ACCOUNT}/budgets/{name}",
        "displayName": name,
        "budgetFilter": {"projects": projects or [], "creditTypesTreatment": "INCLUDE_ALL_CREDITS"},
        "amount": {"specifiedAmount": {"currencyCode": "USD", "units": "500"}},
        "notificationsRule": rule,
    }
    if alerts:
        body["thresholdRules"] = [{"thresholdPercent": 0.5, "spendBasis": "CURRENT_SPEND"}]
    return body


def account_and_project(api: FakeApi) -> None:
    api.route(
        "/billing/projects/acme-ai/billingInfo",
        Reply(
            body={
                "name": "projects/acme-ai/billingInfo",
                "projectId": "acme-ai",
                "billingAccountName": f"billingAccounts/{ACCOUNT}",
                "billingEnabled": True,
            }
        ),
    )
    api.route("/projects/projects/acme-ai", Reply(body={"projectNumber": "123456789", "projectId": "acme-ai"}))


def test_a_budget_on_the_project_with_threshold_alerts_answers_spend_alerts(api: FakeApi) -> None:
    account_and_project(api)
    path = f"/budgets/billingAccounts/{ACCOUNT}/budgets"
    other = budget("other-project", ["projects/987654321"])
    api.route(path, Reply(body={"budgets": [other], "nextPageToken": "t2"}))
    api.route(f"{path}?pageToken=t2", Reply(body={"budgets": [budget("ai", ["projects/123456789"])]}))
    v = run(api)
    assert v.answers == {"spend-alerts": "yes"} and not v.errors
    assert v.account == f"acme-ai (billing account {ACCOUNT})"
    assert "budgets on the billing account covering acme-ai: 1 of 2, 1 with threshold alerts" in v.evidence
    assert api.hits(path)[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in " ".join([*v.evidence, *v.errors, v.account or ""])


def test_silenced_or_thresholdless_budgets_are_no_alert(api: FakeApi) -> None:
    account_and_project(api)
    quiet = budget("quiet", disableDefaultIamRecipients=True)
    api.route(
        f"/budgets/billingAccounts/{ACCOUNT}/budgets", Reply(body={"budgets": [quiet, budget("bare", alerts=False)]})
    )
    assert run(api).answers == {"spend-alerts": "no"}


def test_a_refused_budget_list_is_one_line_and_unknown(api: FakeApi) -> None:
    account_and_project(api)
    denied = {"error": {"code": 403, "message": "denied", "status": "PERMISSION_DENIED"}}
    api.route(f"/budgets/billingAccounts/{ACCOUNT}/budgets", Reply(403, denied))
    v = run(api)
    assert v.answers == {} and len(v.errors) == 1
    assert v.errors[0].startswith("Google Cloud: budgets not read: HTTP 403 (PERMISSION_DENIED): refused")


def test_no_credentials_or_extra_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_OAUTH_ACCESS_TOKEN", raising=False)
    monkeypatch.setitem(__import__("sys").modules, "google.auth", None)
    v = gcp.verify(lambda _m: None)
    assert v.answers == {} and v.errors == [
        "Google Cloud: google-auth is not installed: pip install 'assess-ai-cost[gcp]'"
    ]
