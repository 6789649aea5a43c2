"""Anthropic: workspaces, their rate-limit overrides and the cost report, read with an Admin API key.

Read-only GETs on the documented Admin API (`ANTHROPIC_ADMIN_KEY`, `sk-ant-admin...`):
  https://platform.claude.com/docs/en/manage-claude/admin-api
  https://platform.claude.com/docs/en/manage-claude/rate-limits-api
  https://platform.claude.com/docs/en/manage-claude/usage-cost-api
  GET /v1/organizations/me, /v1/organizations/workspaces, /v1/organizations/workspaces/{id}/rate_limits,
  /v1/organizations/cost_report
The Admin API does not expose workspace spend limits or alerts (Console → Settings → Limits only), so the
billing questions stay as the person answered them; what is read is shown as evidence.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

from assess.models import Verification
from assess.verify import cost_lines, now_iso
from assess.verify.http import Get, ProviderError, get_json, pages

BASE_URL = "https://api.anthropic.com/v1"
KEY_ENV = "ANTHROPIC_ADMIN_KEY"
BASE_URL_ENV = "ANTHROPIC_ADMIN_BASE_URL"  # a proxy or a test server; the key goes wherever this points
API_VERSION = "2023-06-01"
MAX_WORKSPACES = 50
COST_DAYS = 28


def verify(note: Callable[[str], None], base_url: str | None = None) -> Verification:
    key = os.environ.get(KEY_ENV, "").strip()
    result = Verification(provider="anthropic", read_at=now_iso())
    if not key:
        result.errors.append(f"Anthropic: {KEY_ENV} is not set (an Admin API key, read-only use): not verified")
        return result
    base = (base_url or os.environ.get(BASE_URL_ENV) or BASE_URL).rstrip("/")
    headers = {"x-api-key": key, "anthropic-version": API_VERSION}

    def get(path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        return get_json(base + path, headers, params)

    try:
        me = get("/organizations/me")
    except ProviderError as exc:
        result.errors.append(f"Anthropic: organisation not read: {_why(exc)}")
        return result
    result.account = str(me.get("name") or me.get("id") or "") or None
    _read_workspaces(get, result, note)
    _read_costs(get, result)
    result.summary = "Anthropic read: spend limits are not exposed by its Admin API, so they stay as answered"
    return result


def _read_workspaces(get: Get, result: Verification, note: Callable[[str], None]) -> None:
    workspaces: list[dict[str, Any]] = []
    try:
        for page in pages(
            get, "/organizations/workspaces", {"limit": "100"}, cursor="last_id", param="after_id", limit=20
        ):
            workspaces.extend(w for w in page.get("data") or [] if isinstance(w, dict) and not w.get("archived_at"))
    except ProviderError as exc:
        result.errors.append(f"Anthropic: workspaces not read: {_why(exc)}")
        return
    overridden = 0
    shown = workspaces[:MAX_WORKSPACES]
    for number, workspace in enumerate(shown, 1):
        note(f"verify: Anthropic workspace {number}/{len(shown)}")
        try:
            limits = get(f"/organizations/workspaces/{workspace.get('id', '')}/rate_limits", None)
        except ProviderError as exc:
            result.errors.append(f"Anthropic: workspace {workspace.get('id', '?')} not read: {_why(exc)}")
            continue
        if limits.get("data"):
            overridden += 1
    result.evidence.append(
        f"workspaces: {len(workspaces)}, {overridden} with rate limits of their own (the rest use the organisation's)"
    )


def _read_costs(get: Get, result: Verification) -> None:
    start = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=COST_DAYS)
    query = {"starting_at": start.isoformat().replace("+00:00", "Z"), "bucket_width": "1d", "limit": "31"}
    days: list[tuple[str, float]] = []
    try:
        for page in pages(get, "/organizations/cost_report", query, cursor="next_page", param="page", limit=5):
            for bucket in page.get("data") or []:
                cents = sum(_cents(r) for r in bucket.get("results") or [] if isinstance(r, dict))
                days.append((str(bucket.get("starting_at", "")), cents / 100))
    except ProviderError as exc:
        result.errors.append(f"Anthropic: cost report not read: {_why(exc)}")
        return
    days.sort()
    result.evidence.extend(cost_lines([usd for _, usd in days]))


def _cents(row: dict[str, Any]) -> float:
    """`amount` is a decimal string in cents (the lowest currency unit)."""
    try:
        return float(row.get("amount") or 0)
    except (TypeError, ValueError):
        return 0.0


def _why(exc: ProviderError) -> str:
    if exc.kind == "refused":
        return f"{exc.detail}: the key was refused (an Admin API key is needed)"
    return f"{exc.detail}: Anthropic did not answer; these answers stay unknown"
