"""Google Cloud: Cloud Billing budgets on the billing account of the Gemini/Vertex project, read-only.

Credentials: `GOOGLE_OAUTH_ACCESS_TOKEN`, or Application Default Credentials through google-auth (the optional
extra `[gcp]`, imported only here). The project: `GOOGLE_CLOUD_PROJECT` or the one ADC names; the billing
account: `GOOGLE_CLOUD_BILLING_ACCOUNT` or the project's billing info. Documented GETs:
  https://cloud.google.com/billing/docs/reference/rest/v1/projects/getBillingInfo
  https://cloud.google.com/billing/docs/reference/budget/rest/v1/billingAccounts.budgets/list
  https://cloud.google.com/resource-manager/reference/rest/v1/projects/get (the project number budgets filter by)
Budgets only alert (Google: "Billing budgets only alert"), so they answer `spend-alerts`, never `spend-limit`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from assess.models import Verification
from assess.verify import now_iso
from assess.verify.http import ProviderError, get_json

HOSTS = {
    "billing": "https://cloudbilling.googleapis.com/v1",
    "budgets": "https://billingbudgets.googleapis.com/v1",
    "projects": "https://cloudresourcemanager.googleapis.com/v1",
}
SCOPE = "https://www.googleapis.com/auth/cloud-billing.readonly"


class _NoCredentials(Exception):
    pass


def default_token() -> tuple[str, str | None]:
    """(access token, ADC project or None); raises _NoCredentials with one line when none can be had."""
    token = os.environ.get("GOOGLE_OAUTH_ACCESS_TOKEN", "").strip()
    if token:
        return token, None
    try:
        import google.auth
        import google.auth.transport.requests
    except ImportError:
        raise _NoCredentials("google-auth is not installed: pip install 'assess-ai-cost[gcp]'") from None
    try:
        credentials, project = google.auth.default(scopes=[SCOPE])
        credentials.refresh(google.auth.transport.requests.Request())
    except Exception as exc:  # DefaultCredentialsError, RefreshError, transport errors: one line, no detail
        raise _NoCredentials(f"no Application Default Credentials ({type(exc).__name__}): not verified") from None
    return str(credentials.token), project


def verify(
    note: Callable[[str], None],
    hosts: dict[str, str] | None = None,
    token: Callable[[], tuple[str, str | None]] = default_token,
) -> Verification:
    result = Verification(provider="gcp", read_at=now_iso())
    urls = {**HOSTS, **(hosts or {})}
    try:
        access, adc_project = token()
    except _NoCredentials as exc:
        result.errors.append(f"Google Cloud: {exc}")
        return result
    headers = {"Authorization": f"Bearer {access}"}
    project = os.environ.get("GOOGLE_CLOUD_PROJECT") or adc_project
    if not project:
        result.errors.append("Google Cloud: no project: set GOOGLE_CLOUD_PROJECT to the Gemini/Vertex project")
        return result
    try:
        account = os.environ.get("GOOGLE_CLOUD_BILLING_ACCOUNT") or _billing_account(urls, headers, project)
    except ProviderError as exc:
        result.errors.append(f"Google Cloud: billing info of {project} not read: {_why(exc)}")
        return result
    if not account:
        result.errors.append(f"Google Cloud: project {project} has no billing account")
        return result
    account = account.removeprefix("billingAccounts/")
    result.account = f"{project} (billing account {account})"
    note("verify: Google Cloud budgets …")
    try:
        budgets = _budgets(urls, headers, account)
    except ProviderError as exc:
        result.errors.append(f"Google Cloud: budgets not read: {_why(exc)}")
        return result
    number = _project_number(urls, headers, project)
    mine = {f"projects/{project}"} | ({f"projects/{number}"} if number else set())
    covering = [b for b in budgets if _covers(b, mine)]
    alerting = [b for b in covering if _alerts(b)]
    result.answers["spend-alerts"] = "yes" if alerting else "no"
    result.evidence.append(
        f"budgets on the billing account covering {project}: {len(covering)} of {len(budgets)}, "
        f"{len(alerting)} with threshold alerts"
    )
    return result


def _billing_account(urls: dict[str, str], headers: dict[str, str], project: str) -> str | None:
    info = get_json(f"{urls['billing']}/projects/{project}/billingInfo", headers)
    name = info.get("billingAccountName")
    return str(name) if name and info.get("billingEnabled", True) else None


def _budgets(urls: dict[str, str], headers: dict[str, str], account: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    query = {"pageSize": "100"}
    for _ in range(20):
        page = get_json(f"{urls['budgets']}/billingAccounts/{account}/budgets", headers, query)
        found.extend(b for b in page.get("budgets") or [] if isinstance(b, dict))
        if not page.get("nextPageToken"):
            break
        query["pageToken"] = str(page["nextPageToken"])
    return found


def _project_number(urls: dict[str, str], headers: dict[str, str], project: str) -> str | None:
    """Budgets filter by project number; without it only account-wide budgets and id matches count."""
    try:
        number = get_json(f"{urls['projects']}/projects/{project}", headers).get("projectNumber")
    except ProviderError:
        return None
    return str(number) if number else None


def _covers(budget: dict[str, Any], mine: set[str]) -> bool:
    """The whole billing account, or this project; a budget narrowed to some services may miss the AI ones."""
    scope = budget.get("budgetFilter") or {}
    if scope.get("services"):
        return False
    projects = scope.get("projects") or []
    return not projects or bool(mine & set(projects))


def _alerts(budget: dict[str, Any]) -> bool:
    if not budget.get("thresholdRules"):
        return False
    rule = budget.get("notificationsRule") or {}
    return (
        not rule.get("disableDefaultIamRecipients")
        or bool(rule.get("monitoringNotificationChannels"))
        or bool(rule.get("pubsubTopic"))
    )


def _why(exc: ProviderError) -> str:
    if exc.kind == "refused":
        return f"{exc.detail}: refused (billing.budgets.list and billing.resourceAssociations.list are needed)"
    if exc.kind == "missing":
        return f"{exc.detail}: not found"
    return f"{exc.detail}: Google Cloud did not answer; these answers stay unknown"
