"""Azure: Consumption budgets on the subscription (and resource group) holding Azure OpenAI, read-only.

Credentials: azure-identity's DefaultAzureCredential (environment, managed identity, Azure CLI login; the
optional extra `[azure]`, imported only here). Scope: `AZURE_SUBSCRIPTION_ID`, optionally
`AZURE_RESOURCE_GROUP`. Documented GET (`value`, `nextLink`; `properties.notifications` keyed by name):
  https://learn.microsoft.com/en-us/rest/api/consumption/budgets/list
Budgets only notify (action groups may automate more, which is not visible here), so they answer
`spend-alerts`, never `spend-limit`.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Callable
from typing import Any

from assess.models import Verification
from assess.verify import now_iso
from assess.verify.http import ProviderError, get_json

MANAGEMENT = "https://management.azure.com"
API_VERSION = "2023-05-01"


class _NoCredentials(Exception):
    pass


def default_token() -> str:
    try:
        from azure.identity import DefaultAzureCredential
    except ImportError:
        raise _NoCredentials("azure-identity is not installed: pip install 'assess-ai-cost[azure]'") from None
    try:
        return str(DefaultAzureCredential().get_token(f"{MANAGEMENT}/.default").token)
    except Exception as exc:  # CredentialUnavailableError, ClientAuthenticationError: one line, no detail
        raise _NoCredentials(f"no Azure credentials ({type(exc).__name__}): not verified") from None


def verify(
    note: Callable[[str], None], base_url: str | None = None, token: Callable[[], str] = default_token
) -> Verification:
    result = Verification(provider="azure", read_at=now_iso())
    subscription = os.environ.get("AZURE_SUBSCRIPTION_ID", "").strip()
    if not subscription:
        result.errors.append("Azure: AZURE_SUBSCRIPTION_ID is not set (the subscription holding Azure OpenAI)")
        return result
    try:
        headers = {"Authorization": f"Bearer {token()}"}
    except _NoCredentials as exc:
        result.errors.append(f"Azure: {exc}")
        return result
    group = os.environ.get("AZURE_RESOURCE_GROUP", "").strip()
    scopes = [f"/subscriptions/{subscription}"] + (
        [f"/subscriptions/{subscription}/resourceGroups/{group}"] if group else []
    )
    result.account = scopes[-1]
    budgets: list[dict[str, Any]] = []
    note("verify: Azure budgets …")
    try:
        for scope in scopes:
            budgets.extend(_budgets(base_url or MANAGEMENT, headers, scope))
    except ProviderError as exc:
        result.errors.append(f"Azure: budgets not read: {_why(exc)}")
        return result
    costs = [b for b in budgets if (b.get("properties") or {}).get("category", "Cost") == "Cost"]
    alerting = [b for b in costs if _alerts(b)]
    result.answers["spend-alerts"] = "yes" if alerting else "no"
    result.evidence.append(f"cost budgets on {' and '.join(scopes)}: {len(costs)}, {len(alerting)} notifying someone")
    return result


def _budgets(base: str, headers: dict[str, str], scope: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    url: str | None = f"{base.rstrip('/')}{scope}/providers/Microsoft.Consumption/budgets"
    params: dict[str, str] | None = {"api-version": API_VERSION}
    for _ in range(20):
        if url is None:
            break
        page = get_json(url, headers, params)
        found.extend(b for b in page.get("value") or [] if isinstance(b, dict))
        url, params = _next(page.get("nextLink"), base), None
    return found


def _next(link: Any, base: str) -> str | None:
    """Follow `nextLink` only to the management host this run reads (never elsewhere with the token)."""
    if not isinstance(link, str) or not link:
        return None
    ours, theirs = urllib.parse.urlsplit(base), urllib.parse.urlsplit(link)
    return link if (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc) else None


def _alerts(budget: dict[str, Any]) -> bool:
    notifications = (budget.get("properties") or {}).get("notifications") or {}
    return any(
        n.get("enabled", True) and (n.get("contactEmails") or n.get("contactGroups") or n.get("contactRoles"))
        for n in notifications.values()
        if isinstance(n, dict)
    )


def _why(exc: ProviderError) -> str:
    if exc.kind == "refused":
        return f"{exc.detail}: refused (Cost Management Reader on the subscription is enough)"
    return f"{exc.detail}: Azure did not answer; these answers stay unknown"
