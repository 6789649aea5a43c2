"""Responses in the shapes OpenAI's Administration API documents (ids and amounts are made up).

Admin APIs guide: https://developers.openai.com/api/docs/guides/admin-apis
Spend limits guide (hard limits, alerts; amounts in cents): https://developers.openai.com/api/docs/guides/spend-limits
Organization spend limit (GET /organization/spend_limit, object `organization.spend_limit`):
  https://developers.openai.com/api/reference/cli/resources/admin/subresources/organization/subresources/spend_limit
Spend alerts (GET /organization/spend_alerts, a cursor list of `organization.spend_alert`):
  https://developers.openai.com/api/reference/go/resources/admin/subresources/organization/subresources/spend_alerts
Project rate limits (GET /organization/projects/{project_id}/rate_limits, `project.rate_limit`):
  https://developers.openai.com/api/reference/resources/admin/subresources/organization/subresources/projects/subresources/rate_limits/methods/list_rate_limits
Costs (GET /organization/costs, daily buckets, `page` = the previous `next_page`):
  https://platform.openai.com/docs/api-reference/usage/costs
"""

from __future__ import annotations

from typing import Any

DAY = 86400


def spend_limit(cents: int, scope: str = "organization") -> dict[str, Any]:
    return {
        "object": f"{scope}.spend_limit",
        "threshold_amount": cents,
        "currency": "USD",
        "interval": "month",
        "enforcement": {"status": "inactive"},
    }


def spend_alert(alert_id: str, cents: int, scope: str = "organization") -> dict[str, Any]:
    return {
        "id": alert_id,
        "object": f"{scope}.spend_alert",
        "threshold_amount": cents,
        "currency": "USD",
        "interval": "month",
        "notification_channel": {"type": "email", "recipients": ["billing@example.test"], "subject_prefix": None},
    }


def cursor_list(items: list[dict[str, Any]], has_more: bool = False) -> dict[str, Any]:
    return {
        "object": "list",
        "data": items,
        "first_id": items[0]["id"] if items else None,
        "last_id": items[-1]["id"] if items else None,
        "has_more": has_more,
    }


def project(pid: str, status: str = "active") -> dict[str, Any]:
    return {
        "id": pid,
        "object": "organization.project",
        "name": f"Project {pid}",
        "created_at": 1_760_000_000,
        "archived_at": None,
        "status": status,
    }


def rate_limit(model: str) -> dict[str, Any]:
    return {
        "object": "project.rate_limit",
        "id": f"rl-{model}",
        "model": model,
        "max_requests_per_1_minute": 500,
        "max_tokens_per_1_minute": 200_000,
    }


def costs_page(start: int, daily_usd: list[float], next_page: str | None = None) -> dict[str, Any]:
    return {
        "object": "page",
        "data": [
            {
                "object": "bucket",
                "start_time": start + i * DAY,
                "end_time": start + (i + 1) * DAY,
                "results": [
                    {
                        "object": "organization.costs.result",
                        "amount": {"value": usd, "currency": "usd"},
                        "line_item": None,
                        "project_id": None,
                    }
                ],
            }
            for i, usd in enumerate(daily_usd)
        ],
        "has_more": next_page is not None,
        "next_page": next_page,
    }


def error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}
