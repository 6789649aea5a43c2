"""OpenAI verification against a local server answering in the documented shapes (tests/verify/openai_shapes.py):
limits, alerts, pagination, and every way a read can fail (401, 403, 429, 5xx, timeouts)."""

from __future__ import annotations

import time

import pytest

from assess.catalog import load_catalog
from assess.models import Verification
from assess.verify import describe, merge_answers
from assess.verify.openai import verify
from tests.verify import openai_shapes as shape
from tests.verify.conftest import ADMIN_KEY
from tests.verify.server import FakeApi, Reply

ORG = "/v1/organization"


def run(notes: list[str] | None = None) -> Verification:
    return verify((notes if notes is not None else []).append)


def no_alerts_no_projects(api: FakeApi) -> None:
    api.route(f"{ORG}/spend_alerts", Reply(body=shape.cursor_list([])))
    api.route(f"{ORG}/projects", Reply(body=shape.cursor_list([])))
    api.route(f"{ORG}/costs", Reply(body=shape.costs_page(0, [])))


def texts(v: Verification) -> str:
    return "\n".join([*v.evidence, *v.errors, v.summary, v.account or "", describe([v], {}, {})])


def test_an_organisation_limit_and_alert_answer_the_billing_questions(api: FakeApi) -> None:
    api.route(f"{ORG}/spend_limit", Reply(body=shape.spend_limit(50_000), headers={"openai-organization": "org-acme"}))
    no_alerts_no_projects(api)
    api.route(f"{ORG}/spend_alerts", Reply(body=shape.cursor_list([shape.spend_alert("alert_1", 25_000)])))
    v = run()
    assert v.answers == {"spend-limit": "hard-limit", "spend-cap-amount": "500", "spend-alerts": "yes"}
    assert v.account == "org-acme" and not v.errors
    assert v.summary == "spend limit verified at OpenAI: $500/month (organisation)"
    assert api.hits(f"{ORG}/spend_limit")[0].headers["authorization"] == f"Bearer {ADMIN_KEY}"
    assert ADMIN_KEY not in texts(v)


def test_projects_are_paged_and_each_needs_its_own_limit(api: FakeApi) -> None:
    api.route(f"{ORG}/spend_limit", Reply(404, shape.error("not_found", "No spend limit")))
    api.route(f"{ORG}/spend_alerts", Reply(body=shape.cursor_list([])))
    api.route(f"{ORG}/projects", Reply(body=shape.cursor_list([shape.project("proj_a")], has_more=True)))
    api.route(f"{ORG}/projects?after=proj_a", Reply(body=shape.cursor_list([shape.project("proj_b")])))
    api.route(f"{ORG}/projects/proj_a/spend_limit", Reply(body=shape.spend_limit(30_000, "project")))
    api.route(f"{ORG}/projects/proj_b/spend_limit", Reply(404, shape.error("not_found", "No spend limit")))
    for pid in ("proj_a", "proj_b"):
        api.route(f"{ORG}/projects/{pid}/spend_alerts", Reply(body=shape.cursor_list([])))
        api.route(f"{ORG}/projects/{pid}/rate_limits", Reply(body=shape.cursor_list([shape.rate_limit("gpt-4o")])))
    api.route(f"{ORG}/costs", Reply(body=shape.costs_page(0, [])))
    v = run()
    assert [h.query.get("after") for h in api.hits(f"{ORG}/projects")] == [None, "proj_a"]
    # proj_b has no hard limit: a leaked key there spends without end
    assert v.answers == {"spend-limit": "none", "spend-alerts": "no"}
    assert "1 of 2 projects" in " ".join(v.evidence)
    assert "per-model rate limits listed for 2 project(s)" in v.evidence


def test_a_limit_on_every_project_is_a_hard_limit_summed(api: FakeApi) -> None:
    api.route(f"{ORG}/spend_limit", Reply(404, shape.error("not_found", "No spend limit")))
    api.route(f"{ORG}/spend_alerts", Reply(body=shape.cursor_list([])))
    projects = [shape.project("proj_a"), shape.project("proj_b"), shape.project("proj_x", "archived")]
    api.route(f"{ORG}/projects", Reply(body=shape.cursor_list(projects)))
    for pid, cents in (("proj_a", 30_000), ("proj_b", 45_000)):
        api.route(f"{ORG}/projects/{pid}/spend_limit", Reply(body=shape.spend_limit(cents, "project")))
        api.route(
            f"{ORG}/projects/{pid}/spend_alerts",
            Reply(body=shape.cursor_list([shape.spend_alert(f"alert_{pid}", cents // 2, "project")])),
        )
        api.route(f"{ORG}/projects/{pid}/rate_limits", Reply(body=shape.cursor_list([])))
    api.route(f"{ORG}/costs", Reply(body=shape.costs_page(0, [])))
    v = run()
    assert v.answers == {"spend-limit": "hard-limit", "spend-cap-amount": "750", "spend-alerts": "yes"}
    assert not api.hits(f"{ORG}/projects/proj_x/spend_limit"), "archived projects are not read"
    merged = merge_answers([v], load_catalog().questions)
    assert merged["spend-cap-amount"] == ("1000", "openai")  # $750 is nearer $1,000 than $500 by ratio


def test_alerts_without_a_limit_are_alert_only(api: FakeApi) -> None:
    api.route(f"{ORG}/spend_limit", Reply(404, shape.error("not_found", "No spend limit")))
    no_alerts_no_projects(api)
    api.route(f"{ORG}/spend_alerts", Reply(body=shape.cursor_list([shape.spend_alert("alert_1", 10_000)])))
    assert run().answers == {"spend-limit": "alert-only", "spend-alerts": "yes"}


@pytest.mark.parametrize(("status", "code"), [(401, "invalid_api_key"), (403, "insufficient_permissions")])
def test_a_refused_key_answers_nothing_and_is_never_retried(api: FakeApi, status: int, code: str) -> None:
    # the real 401 message echoes part of the key: the body's message must never be shown
    api.route(f"{ORG}/spend_limit", Reply(status, shape.error(code, f"Incorrect API key provided: {ADMIN_KEY}")))
    v = run()
    assert v.answers == {} and len(v.errors) == 1
    assert f"HTTP {status} ({code})" in v.errors[0] and "refused" in v.errors[0]
    assert len(api.hits(f"{ORG}/spend_limit")) == 1
    assert ADMIN_KEY not in texts(v) and ADMIN_KEY[9:30] not in texts(v)


def test_a_refused_project_list_leaves_the_limit_unknown(api: FakeApi) -> None:
    api.route(f"{ORG}/spend_limit", Reply(404, shape.error("not_found", "No spend limit")))
    api.route(f"{ORG}/spend_alerts", Reply(body=shape.cursor_list([])))
    api.route(f"{ORG}/projects", Reply(403, shape.error("insufficient_permissions", "no")))
    api.route(f"{ORG}/costs", Reply(body=shape.costs_page(0, [])))
    v = run()
    assert "spend-limit" not in v.answers and "spend-alerts" not in v.answers
    assert any("projects not read" in e for e in v.errors)


def test_429_and_5xx_are_retried_twice_at_most(api: FakeApi) -> None:
    busy = Reply(429, shape.error("rate_limit_exceeded", "slow down"))
    api.route(f"{ORG}/spend_limit", busy, Reply(503, {}), Reply(body=shape.spend_limit(10_000)))
    no_alerts_no_projects(api)
    v = run()
    assert len(api.hits(f"{ORG}/spend_limit")) == 3
    assert v.answers["spend-limit"] == "hard-limit"


def test_a_provider_that_stays_down_is_unknown_never_a_pass(api: FakeApi) -> None:
    api.route(f"{ORG}/spend_limit", Reply(500, {}))
    v = run()
    assert v.answers == {} and len(api.hits(f"{ORG}/spend_limit")) == 3
    assert "HTTP 500" in v.errors[0] and "unknown" in v.errors[0]


def test_a_timeout_is_bounded_and_unknown(api: FakeApi) -> None:
    api.route(f"{ORG}/spend_limit", Reply(body=shape.spend_limit(10_000), delay=1.5))
    started = time.monotonic()
    v = run()
    assert time.monotonic() - started < 4  # three attempts of 0.5 s, not a hang
    assert v.answers == {} and "no answer within" in v.errors[0]


def test_costs_are_paged_and_a_spike_is_reported(api: FakeApi) -> None:
    api.route(f"{ORG}/spend_limit", Reply(body=shape.spend_limit(100_000)))
    api.route(f"{ORG}/spend_alerts", Reply(body=shape.cursor_list([])))
    api.route(f"{ORG}/projects", Reply(body=shape.cursor_list([])))
    start = 1_764_000_000
    api.route(f"{ORG}/costs", Reply(body=shape.costs_page(start, [10.0] * 14, next_page="page_2")))
    api.route(f"{ORG}/costs?page=page_2", Reply(body=shape.costs_page(start + 14 * 86400, [10.0] * 11 + [80.0] * 3)))
    v = run()
    assert [h.query.get("page") for h in api.hits(f"{ORG}/costs")] == [None, "page_2"]
    assert api.hits(f"{ORG}/costs")[0].query["bucket_width"] == "1d"
    assert "costs: $490 over the last 28 day(s)" in v.evidence
    assert any(e.startswith("cost spike: $80/day over the last 3 days, 8.0x") for e in v.evidence)


def test_steady_costs_are_no_spike(api: FakeApi) -> None:
    api.route(f"{ORG}/spend_limit", Reply(body=shape.spend_limit(100_000)))
    no_alerts_no_projects(api)
    api.route(f"{ORG}/costs", Reply(body=shape.costs_page(0, [10.0] * 25 + [20.0] * 3)))
    assert not any("spike" in e for e in run().evidence)


def test_no_key_is_one_line_and_no_request(monkeypatch: pytest.MonkeyPatch, api: FakeApi) -> None:
    monkeypatch.delenv("OPENAI_ADMIN_KEY")
    v = run()
    assert v.answers == {} and api.requests == []
    assert v.errors == ["OpenAI: OPENAI_ADMIN_KEY is not set (an Admin API key, read-only use): not verified"]


def test_a_redirect_is_not_followed_with_the_key(api: FakeApi) -> None:
    api.route(f"{ORG}/spend_limit", Reply(302, {}, headers={"Location": f"{api.url}/organization/elsewhere"}))
    v = run()
    assert v.answers == {} and "HTTP 302" in v.errors[0]
    assert not api.hits(f"{ORG}/elsewhere") and len(api.requests) == 1
