"""Every server-side check explains itself: why, a fix with framework examples, references."""

from __future__ import annotations

import pytest

from assess.catalog import Catalog
from assess.report.text import render_explain

SERVER_ITEMS = ("rate-limits", "retry-logic", "usage-monitoring", "billing-alerts", "efficiency")


def test_every_server_side_check_has_examples_and_references(catalog: Catalog) -> None:
    checks = [c for c in catalog.checks.values() if c.checklist in SERVER_ITEMS]
    assert len(checks) >= 15
    for check in checks:
        assert check.fix.frameworks, f"{check.id}: no fix example per framework"
        assert check.references, f"{check.id}: no references"
        assert len(check.why) > 200, f"{check.id}: the why is too short to explain the cost"


@pytest.mark.parametrize("framework", ["Express", "FastAPI", "Flask", "NestJS", "Next.js", "Django REST framework"])
def test_the_rate_limit_fix_covers_the_frameworks_it_detects(catalog: Catalog, framework: str) -> None:
    check = catalog.checks["llm-endpoint-without-rate-limit"]
    assert framework in check.fix.frameworks
    assert framework in render_explain(check)
