from __future__ import annotations

from collections.abc import Iterator

import pytest

from assess.verify import http
from tests.verify.server import FakeApi, fake_api

ADMIN_KEY = "sk-admin-" + "Zq7" * 16  # made up: must never appear in any output


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "BACKOFF_S", 0.0)
    monkeypatch.setattr(http, "TIMEOUT_S", 0.5)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    with fake_api() as server:
        monkeypatch.setenv("OPENAI_ADMIN_KEY", ADMIN_KEY)
        monkeypatch.setenv("OPENAI_ADMIN_BASE_URL", server.url)
        yield server
