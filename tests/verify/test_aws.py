"""AWS verification through moto (in-process, no network, no account). moto does not implement budget actions
or Cost Anomaly Detection; those reads are answered by botocore's Stubber in the shapes the AWS API documents:
  https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_DescribeBudgetActionsForAccount.html
  https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetAnomalySubscriptions.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")
from botocore.stub import Stubber  # noqa: E402

from assess.models import Verification  # noqa: E402
from assess.verify import aws  # noqa: E402

ACCOUNT = "123456789012"  # moto's default account
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY9"  # made up


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with moto.mock_aws():
        yield boto3.Session(region_name="us-east-1")


def budget(session: Any, name: str, filters: dict[str, list[str]] | None = None, notify: bool = True) -> None:
    client = session.client("budgets", region_name="us-east-1")
    spec: dict[str, Any] = {
        "BudgetName": name,
        "BudgetLimit": {"Amount": "1000", "Unit": "USD"},
        "TimeUnit": "MONTHLY",
        "BudgetType": "COST",
    }
    if filters:
        spec["CostFilters"] = filters
    notifications = [
        {
            "Notification": {
                "NotificationType": "ACTUAL",
                "ComparisonOperator": "GREATER_THAN",
                "Threshold": 80.0,
                "ThresholdType": "PERCENTAGE",
            },
            "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "billing@example.test"}],
        }
    ]
    client.create_budget(AccountId=ACCOUNT, Budget=spec, NotificationsWithSubscribers=notifications if notify else [])


def bedrock_alarm(session: Any, actions: bool = True) -> None:
    session.client("cloudwatch", region_name="us-east-1").put_metric_alarm(
        AlarmName="bedrock-output-tokens",
        Namespace="AWS/Bedrock",
        MetricName="OutputTokenCount",
        Statistic="Sum",
        Period=3600,
        EvaluationPeriods=1,
        Threshold=1_000_000,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=["arn:aws:sns:us-east-1:123456789012:billing"] if actions else [],
    )


def run(session: Any) -> Verification:
    notes: list[str] = []
    result = aws.verify(notes.append, session=session)
    assert all(SECRET not in n for n in notes)
    return result


def test_a_budget_with_notifications_on_the_account_verifies_spend_alerts(session: Any) -> None:
    budget(session, "monthly-total")
    budget(session, "ec2-only", {"Service": ["Amazon Elastic Compute Cloud - Compute"]})
    bedrock_alarm(session)
    v = run(session)
    assert v.account == ACCOUNT
    assert v.answers["spend-alerts"] == "yes"
    assert "budgets covering Bedrock or the account: 1, 1 with notifications" in v.evidence
    assert "CloudWatch alarms on Bedrock metrics in us-east-1: 1" in v.evidence
    assert v.answers["usage-alerts"] == "yes"  # the alarm notifies someone
    # moto has no budget actions and no anomaly detection: those stay unknown, each one line
    assert "spend-limit" not in v.answers
    assert any(e.startswith("AWS: budget actions not read") for e in v.errors)
    assert any(e.startswith("AWS: cost anomaly detection not read") for e in v.errors)
    assert all(SECRET not in line for line in [*v.evidence, *v.errors])


def test_a_budget_on_another_service_only_is_no_alert(session: Any) -> None:
    budget(session, "ec2-only", {"Service": ["Amazon Elastic Compute Cloud - Compute"]})
    bedrock_alarm(session, actions=False)
    v = run(session)
    assert v.answers["spend-alerts"] == "no"
    assert "usage-alerts" not in v.answers  # no alarm notifies, but anomaly detection could not be read


def test_a_bedrock_budget_without_notifications_is_no_alert(session: Any) -> None:
    budget(session, "bedrock", {"Service": ["Amazon Bedrock"]}, notify=False)
    assert run(session).answers["spend-alerts"] == "no"


class _Stubbed:
    """A session whose budgets and ce clients answer from Stubber; the rest from moto."""

    def __init__(self, real: Any, actions: list[dict[str, Any]], subscriptions: list[dict[str, Any]]) -> None:
        self.real, self.region_name = real, "us-east-1"
        self.actions, self.subscriptions = actions, subscriptions
        self.stubbers: list[Stubber] = []

    def client(self, name: str, **kwargs: Any) -> Any:
        client = self.real.client(name, **kwargs)
        if name == "budgets":
            original = client.get_paginator

            def paginator(op: str) -> Any:
                if op != "describe_budget_actions_for_account":
                    return original(op)
                stubbed = self.real.client("budgets", **kwargs)
                stub = Stubber(stubbed)
                stub.add_response("describe_budget_actions_for_account", {"Actions": self.actions})
                stub.activate()
                self.stubbers.append(stub)
                return stubbed.get_paginator(op)

            client.get_paginator = paginator
        if name == "ce":
            stub = Stubber(client)
            stub.add_response("get_anomaly_monitors", {"AnomalyMonitors": []})
            stub.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": self.subscriptions})
            stub.activate()
            self.stubbers.append(stub)
        return client


def action(budget_name: str, percent: float) -> dict[str, Any]:
    return {
        "ActionId": "a1b2c3d4-0000-0000-0000-000000000001",
        "BudgetName": budget_name,
        "NotificationType": "ACTUAL",
        "ActionType": "APPLY_SCP_POLICY",
        "ActionThreshold": {"ActionThresholdValue": percent, "ActionThresholdType": "PERCENTAGE"},
        "Definition": {"ScpActionDefinition": {"PolicyId": "p-deny-bedrock", "TargetIds": [ACCOUNT]}},
        "ExecutionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/budgets-action",
        "ApprovalModel": "AUTOMATIC",
        "Status": "STANDBY",
        "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "billing@example.test"}],
    }


SUBSCRIPTION = {
    "SubscriptionArn": f"arn:aws:ce::{ACCOUNT}:anomalysubscription/1",
    "AccountId": ACCOUNT,
    "MonitorArnList": [f"arn:aws:ce::{ACCOUNT}:anomalymonitor/1"],
    "Subscribers": [{"Address": "billing@example.test", "Type": "EMAIL"}],
    "Frequency": "DAILY",
    "SubscriptionName": "ai-spend",
}


def test_a_budget_action_that_stops_spending_is_a_hard_limit(session: Any) -> None:
    budget(session, "bedrock", {"Service": ["Amazon Bedrock"]})
    v = run(_Stubbed(session, [action("bedrock", 90.0)], [SUBSCRIPTION]))  # type: ignore[arg-type]
    assert v.answers == {
        "spend-alerts": "yes",
        "spend-limit": "hard-limit",
        "spend-cap-amount": "900",
        "usage-alerts": "yes",
    }
    assert v.summary == "spend limit verified at AWS: a budget action stops spending at $900"
    assert not v.errors


def test_alerts_without_an_action_are_alert_only(session: Any) -> None:
    budget(session, "monthly-total")
    v = run(_Stubbed(session, [], []))  # type: ignore[arg-type]
    assert v.answers["spend-limit"] == "alert-only"
    assert v.answers["usage-alerts"] == "no"  # no Bedrock alarm, no anomaly subscription: both read


def test_denied_reads_are_one_line_each_and_the_rest_goes_on(session: Any) -> None:
    class Denied(_Stubbed):
        def client(self, name: str, **kwargs: Any) -> Any:
            client = self.real.client(name, **kwargs)
            if name == "budgets":
                stub = Stubber(client)
                stub.add_client_error("describe_budgets", "AccessDeniedException", "User is not authorized", 403)
                stub.activate()
                self.stubbers.append(stub)
                return client
            return super().client(name, **kwargs)

    bedrock_alarm(session)
    v = run(Denied(session, [], [SUBSCRIPTION]))  # type: ignore[arg-type]
    assert v.errors == [
        "AWS: budgets not read: budgets:ViewBudget was denied (AccessDeniedException): "
        "add it to the read-only policy in README"
    ]
    assert "spend-alerts" not in v.answers and v.answers["usage-alerts"] == "yes"


def test_no_credentials_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    v = aws.verify(lambda _m: None, session=boto3.Session(region_name="us-east-1"))
    assert v.answers == {} and len(v.errors) == 1 and "no credentials found" in v.errors[0]
