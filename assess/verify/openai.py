"""OpenAI: hard spend limits, spend alerts, project rate limits and recent costs, read with an Admin API key.

Read-only GETs on the documented Administration API (Admin API keys, `OPENAI_ADMIN_KEY`):
  https://developers.openai.com/api/docs/guides/admin-apis
  https://developers.openai.com/api/docs/guides/spend-limits
  GET /v1/organization/spend_limit, /v1/organization/spend_alerts, /v1/organization/projects,
  /v1/organization/projects/{id}/spend_limit, .../spend_alerts, .../rate_limits, /v1/organization/costs
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from assess.models import Verification
from assess.verify import cost_lines, money, now_iso
from assess.verify.http import ProviderError, get_json, pages

BASE_URL = "https://api.openai.com/v1"
KEY_ENV = "OPENAI_ADMIN_KEY"
BASE_URL_ENV = "OPENAI_ADMIN_BASE_URL"  # a proxy or a test server; the key goes wherever this points
MAX_PROJECTS = 50  # read at most this many active projects' limits (each is three requests)
COST_DAYS = 28  # costs read for the spike check (assess.verify.cost_lines)


def verify(note: Callable[[str], None], base_url: str | None = None) -> Verification:
    """The organisation's settings as answers; what could not be read is an error line and answers nothing."""
    key = os.environ.get(KEY_ENV, "").strip()
    result = Verification(provider="openai", read_at=now_iso())
    if not key:
        result.errors.append(f"OpenAI: {KEY_ENV} is not set (an Admin API key, read-only use): not verified")
        return result
    api = _Api(base_url or os.environ.get(BASE_URL_ENV) or BASE_URL, key)
    try:
        org_limit = _limit(api, "/organization/spend_limit")
    except ProviderError as exc:
        result.errors.append(f"OpenAI: spend limit not read: {_why(exc)}")
        return result  # refused or down: every other read would fail the same way
    result.account = api.seen.get("openai-organization") or None
    _read_settings(api, org_limit, result, note)
    _read_costs(api, result)
    return result


class _Api:
    def __init__(self, base_url: str, key: str) -> None:
        self.base = base_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {key}"}
        self.seen: dict[str, str] = {}

    def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        return get_json(self.base + path, self.headers, params, self.seen)

    def pages(self, path: str, params: dict[str, str] | None = None, limit: int = 20) -> list[dict[str, Any]]:
        """Every item of a cursor list (`has_more`, `last_id`, `after=`), at most `limit` pages."""
        found = pages(self.get, path, params or {}, cursor="last_id", param="after", limit=limit)
        return [d for page in found for d in page.get("data") or [] if isinstance(d, dict)]


def _limit(api: _Api, path: str) -> float | None:
    """A hard spend limit in USD, or None when none is set (404, or no amount)."""
    try:
        body = api.get(path)
    except ProviderError as exc:
        if exc.kind == "missing":
            return None
        raise
    cents = body.get("threshold_amount")
    return cents / 100 if isinstance(cents, int | float) and cents > 0 else None


def _read_settings(api: _Api, org_limit: float | None, result: Verification, note: Callable[[str], None]) -> None:
    try:
        org_alerts = api.pages("/organization/spend_alerts")
        projects = [p for p in api.pages("/organization/projects", {"limit": "100"}) if p.get("status") != "archived"]
    except ProviderError as exc:
        result.errors.append(f"OpenAI: spend alerts or projects not read: {_why(exc)}")
        _answer_limits(org_limit, {}, False, result)  # an organisation limit holds whatever the projects say
        return
    shown = projects[:MAX_PROJECTS]
    if len(projects) > MAX_PROJECTS:
        result.errors.append(f"OpenAI: {len(projects)} projects; only the first {MAX_PROJECTS} were read")
    limits: dict[str, float | None] = {}
    alerted: set[str] = set()
    rate_limited = 0
    for number, project in enumerate(shown, 1):
        pid = str(project.get("id", ""))
        note(f"verify: OpenAI project {number}/{len(shown)}")
        try:
            limits[pid] = _limit(api, f"/organization/projects/{pid}/spend_limit")
            if api.pages(f"/organization/projects/{pid}/spend_alerts"):
                alerted.add(pid)
            if api.pages(f"/organization/projects/{pid}/rate_limits", {"limit": "100"}):
                rate_limited += 1
        except ProviderError as exc:
            result.errors.append(f"OpenAI: project {pid} not read: {_why(exc)}")
    complete = len(limits) == len(projects)
    _answer_limits(org_limit, limits, complete, result)
    every_alerted = bool(projects) and complete and alerted >= set(limits)
    if org_alerts or every_alerted:
        result.answers["spend-alerts"] = "yes"
    elif complete:
        result.answers["spend-alerts"] = "no"
    if result.answers.get("spend-limit") == "none" and result.answers.get("spend-alerts") == "yes":
        result.answers["spend-limit"] = "alert-only"
    result.evidence.append(
        f"spend alerts: {len(org_alerts)} for the organisation, {len(alerted)} of {len(projects)} projects with one"
    )
    if rate_limited:
        result.evidence.append(f"per-model rate limits listed for {rate_limited} project(s)")


def _answer_limits(org: float | None, projects: dict[str, float | None], complete: bool, result: Verification) -> None:
    capped = {pid: usd for pid, usd in projects.items() if usd is not None}
    if org is not None:
        result.answers["spend-limit"] = "hard-limit"
        result.answers["spend-cap-amount"] = str(round(org))  # dollars; the nearest choice when merged
        result.summary = f"spend limit verified at OpenAI: {money(org)}/month (organisation)"
        result.evidence.append(f"organisation hard spend limit: {money(org)}/month")
    elif complete and projects and len(capped) == len(projects):
        total = sum(capped.values())
        result.answers["spend-limit"] = "hard-limit"
        result.answers["spend-cap-amount"] = str(round(total))
        result.summary = f"spend limit verified at OpenAI: {money(total)}/month over {len(capped)} project(s)"
    elif complete:
        result.answers["spend-limit"] = "none"  # refined to alert-only below when alerts exist
        result.summary = "no hard spend limit at OpenAI (verified)"
    if org is None:
        result.evidence.append(
            f"hard spend limits: none for the organisation, {len(capped)} of {len(projects)} projects"
        )


def _read_costs(api: _Api, result: Verification) -> None:
    """Daily costs of the last weeks; the last 3 days far above the days before is a spike worth a look."""
    start = int(time.time()) - COST_DAYS * 86400
    query = {"start_time": str(start), "bucket_width": "1d", "limit": str(COST_DAYS + 2)}
    days: list[tuple[int, float]] = []
    try:
        for page in pages(api.get, "/organization/costs", query, cursor="next_page", param="page", limit=5):
            for bucket in page.get("data") or []:
                total = sum(_amount(r) for r in bucket.get("results") or [] if isinstance(r, dict))
                days.append((int(bucket.get("start_time", 0)), total))
    except ProviderError as exc:
        result.errors.append(f"OpenAI: costs not read: {_why(exc)}")
        return
    days.sort()
    result.evidence.extend(cost_lines([usd for _, usd in days]))


def _amount(row: dict[str, Any]) -> float:
    amount = row.get("amount")
    value = amount.get("value") if isinstance(amount, dict) else None
    return float(value) if isinstance(value, int | float) else 0.0


def _why(exc: ProviderError) -> str:
    if exc.kind == "refused":
        return f"{exc.detail}: the key was refused (an Admin API key with read access is needed)"
    return f"{exc.detail}: OpenAI did not answer; these answers stay unknown"
