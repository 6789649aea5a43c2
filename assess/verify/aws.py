"""AWS: Budgets (and their actions) covering Bedrock or the account, Cost Anomaly Detection, Bedrock alarms.

boto3's default credential chain (environment, profiles, SSO, instance roles); read-only calls only:
sts:GetCallerIdentity, budgets:ViewBudget (DescribeBudgets, DescribeNotificationsForBudget,
DescribeBudgetActionsForAccount), ce:GetAnomalyMonitors, ce:GetAnomalySubscriptions, cloudwatch:DescribeAlarms.
boto3 is the optional extra `[aws]`, imported only here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from assess.models import Verification
from assess.verify import money, now_iso

BEDROCK = "Amazon Bedrock"  # the Service name Budgets cost filters use
BEDROCK_NAMESPACE = "AWS/Bedrock"
HARD_ACTIONS = ("APPLY_IAM_POLICY", "APPLY_SCP_POLICY", "RUN_SSM_DOCUMENTS")  # stop spending, not only notify


class _Unread(Exception):
    """One AWS read failed; its answers stay unknown."""


def verify(note: Callable[[str], None], session: Any = None) -> Verification:
    result = Verification(provider="aws", read_at=now_iso())
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        result.errors.append("AWS: boto3 is not installed: pip install 'assess-ai-cost[aws]'")
        return result
    session = session or boto3.Session()
    config = Config(connect_timeout=5, read_timeout=10, retries={"total_max_attempts": 3, "mode": "standard"})
    region = session.region_name or os.environ.get("AWS_REGION") or "us-east-1"

    def client(name: str, where: str = "us-east-1") -> Any:
        return session.client(name, region_name=where, config=config)

    try:
        account = _call(lambda: client("sts").get_caller_identity()["Account"], "sts:GetCallerIdentity")
    except _Unread as exc:
        result.errors.append(f"AWS: {exc}")
        return result
    result.account = str(account)
    note("verify: AWS Budgets …")
    _read_budgets(client("budgets"), result.account, result)
    note("verify: AWS Cost Anomaly Detection and CloudWatch alarms …")
    _read_usage_alerts(client("ce"), client("cloudwatch", region), region, result)
    return result


def _call(read: Callable[[], Any], action: str) -> Any:
    """Run one read; every failure becomes one line naming the IAM action, never the credentials."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    try:
        return read()
    except NoCredentialsError:
        raise _Unread("no credentials found (AWS_PROFILE, environment or instance role): not verified") from None
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", "error"))
        if "AccessDenied" in code or code in ("UnauthorizedOperation", "UnrecognizedClientException"):
            raise _Unread(f"{action} was denied ({code}): add it to the read-only policy in README") from None
        raise _Unread(f"{action} failed ({code})") from None
    except NotImplementedError:
        raise _Unread(f"{action} is not available here") from None
    except BotoCoreError as exc:
        raise _Unread(f"{action}: AWS did not answer ({type(exc).__name__})") from None


def _read_budgets(budgets: Any, account: str, result: Verification) -> None:
    def list_budgets() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for page in budgets.get_paginator("describe_budgets").paginate(AccountId=account):
            found.extend(page.get("Budgets") or [])
        return found

    try:
        covering = [b for b in _call(list_budgets, "budgets:ViewBudget") if _covers_bedrock(b)]
        notified = [b for b in covering if _notifications(budgets, account, str(b["BudgetName"]))]
    except _Unread as exc:
        result.errors.append(f"AWS: budgets not read: {exc}")
        return
    result.answers["spend-alerts"] = "yes" if notified else "no"
    result.evidence.append(
        f"budgets covering Bedrock or the account: {len(covering)}, {len(notified)} with notifications"
    )
    try:
        actions = _call(lambda: _budget_actions(budgets, account), "budgets:DescribeBudgetActionsForAccount")
    except _Unread as exc:
        result.errors.append(f"AWS: budget actions not read, so a hard limit is unknown: {exc}")
        return
    names = {b["BudgetName"]: b for b in covering}
    stops = [a for a in actions if a.get("BudgetName") in names and a.get("ActionType") in HARD_ACTIONS]
    if stops:
        cap = min(_action_amount(names[a["BudgetName"]], a) for a in stops)
        result.answers["spend-limit"] = "hard-limit"
        if cap > 0:
            result.answers["spend-cap-amount"] = str(round(cap))
            result.summary = f"spend limit verified at AWS: a budget action stops spending at {money(round(cap))}"
        result.evidence.append(f"budget actions that stop spending: {len(stops)}")
    else:
        result.answers["spend-limit"] = "alert-only" if notified else "none"
        result.summary = "no AWS budget action stops Bedrock spending (verified)"


def _notifications(budgets: Any, account: str, name: str) -> list[dict[str, Any]]:
    def read() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        pages = budgets.get_paginator("describe_notifications_for_budget")
        for page in pages.paginate(AccountId=account, BudgetName=name):
            found.extend(page.get("Notifications") or [])
        return found

    found: list[dict[str, Any]] = _call(read, "budgets:ViewBudget")
    return found


def _budget_actions(budgets: Any, account: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in budgets.get_paginator("describe_budget_actions_for_account").paginate(AccountId=account):
        found.extend(page.get("Actions") or [])
    return found


def _covers_bedrock(budget: dict[str, Any]) -> bool:
    """A cost budget on the whole account, or one whose service filter names Bedrock."""
    if budget.get("BudgetType") != "COST":
        return False
    filters = budget.get("CostFilters") or {}
    services = filters.get("Service")
    return not filters or (services is not None and BEDROCK in services)


def _action_amount(budget: dict[str, Any], action: dict[str, Any]) -> float:
    limit = float((budget.get("BudgetLimit") or {}).get("Amount") or 0)
    threshold = action.get("ActionThreshold") or {}
    value = float(threshold.get("ActionThresholdValue") or 0)
    return value if threshold.get("ActionThresholdType") == "ABSOLUTE_VALUE" else limit * value / 100


def _read_usage_alerts(ce: Any, cloudwatch: Any, region: str, result: Verification) -> None:
    alarms: list[dict[str, Any]] | None = None
    subscriptions: list[dict[str, Any]] | None = None
    try:
        alarms = [a for a in _call(lambda: _alarms(cloudwatch), "cloudwatch:DescribeAlarms") if _on_bedrock(a)]
        result.evidence.append(f"CloudWatch alarms on Bedrock metrics in {region}: {len(alarms)}")
    except _Unread as exc:
        result.errors.append(f"AWS: alarms not read: {exc}")
    try:
        monitors = _call(lambda: ce.get_anomaly_monitors().get("AnomalyMonitors") or [], "ce:GetAnomalyMonitors")
        subscriptions = _call(
            lambda: ce.get_anomaly_subscriptions().get("AnomalySubscriptions") or [], "ce:GetAnomalySubscriptions"
        )
        result.evidence.append(f"cost anomaly monitors: {len(monitors)}, subscriptions: {len(subscriptions)}")
    except _Unread as exc:
        result.errors.append(f"AWS: cost anomaly detection not read: {exc}")
    if any(a.get("AlarmActions") for a in alarms or []) or subscriptions:
        result.answers["usage-alerts"] = "yes"
    elif alarms is not None and subscriptions is not None:
        result.answers["usage-alerts"] = "no"


def _alarms(cloudwatch: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in cloudwatch.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"]):
        found.extend(page.get("MetricAlarms") or [])
    return found


def _on_bedrock(alarm: dict[str, Any]) -> bool:
    if alarm.get("Namespace") == BEDROCK_NAMESPACE:
        return True
    return any(
        (m.get("MetricStat") or {}).get("Metric", {}).get("Namespace") == BEDROCK_NAMESPACE
        for m in alarm.get("Metrics") or []
    )
