"""`assess verify --openai` and `assess scan --verify openai`: the verified answers reach the result, a missing
extra or key is one line and the assessment goes on, and a bad provider name is bad input (exit 2)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from assess import cli
from tests.verify import openai_shapes as shape
from tests.verify.conftest import ADMIN_KEY
from tests.verify.server import FakeApi, Reply

ORG = "/v1/organization"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    (root / ".assess").mkdir(parents=True)
    (root / "app.py").write_text(
        "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef reply(text):\n"
        '    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": text}])\n'
    )
    (root / ".assess" / "answers.yaml").write_text("version: 1\nanswers:\n  spend-limit:\n    value: none\n")
    return root


@pytest.fixture
def limited(api: FakeApi) -> FakeApi:
    api.route(f"{ORG}/spend_limit", Reply(body=shape.spend_limit(50_000), headers={"openai-organization": "org-acme"}))
    api.route(f"{ORG}/spend_alerts", Reply(body=shape.cursor_list([shape.spend_alert("alert_1", 25_000)])))
    api.route(f"{ORG}/projects", Reply(body=shape.cursor_list([])))
    api.route(f"{ORG}/costs", Reply(body=shape.costs_page(0, [])))
    return api


def test_verify_prints_the_answers_and_the_persons_contrary_one(
    project: Path, limited: FakeApi, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["verify", str(project), "--openai"], capsys)
    assert code == 0
    assert out.startswith("OpenAI (org-acme), read ")
    assert "  spend-limit: Yes, a hard limit at every provider  (your answer: none)" in out
    assert "  spend-cap-amount: $500 a month" in out
    assert "verify: reading OpenAI settings" in err
    assert ADMIN_KEY not in out + err


def test_scan_with_verify_puts_verified_answers_in_the_result(
    project: Path, limited: FakeApi, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _out, err = run(["scan", str(project), "--verify", "openai", "--json", str(tmp_path / "r.json")], capsys)
    assert code == 0, err
    result = json.loads((tmp_path / "r.json").read_text())
    answers = {a["question"]: a for a in result["answers"]}
    assert answers["spend-limit"]["source"] == "verified:openai" and answers["spend-limit"]["user_value"] == "none"
    assert answers["spend-cap-amount"]["value"] == "500"
    assert result["verifications"][0]["account"] == "org-acme"
    assert result["exposure"]["spend_cap_usd"] == 500  # the worst month uses the verified cap
    assert ADMIN_KEY not in (tmp_path / "r.json").read_text()
    assert "spend-limit:\n    value: none" in (project / ".assess" / "answers.yaml").read_text(), "never saved"


def test_a_missing_extra_is_one_line_and_the_scan_goes_on(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # as if `pip install 'assess-ai-cost[aws]'` was not run
    code, _out, err = run(["scan", str(project), "--verify", "aws", "--json", str(tmp_path / "r.json")], capsys)
    assert code == 0
    assert "verify: AWS: boto3 is not installed: pip install 'assess-ai-cost[aws]'" in err.splitlines()
    answers = {a["question"]: a for a in json.loads((tmp_path / "r.json").read_text())["answers"]}
    assert answers["spend-limit"]["source"] == "user"  # nothing verified: the person's answer stands


NAMES = list(cli.VERIFY_PROVIDERS)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["verify", "."], f"assess: nothing to verify: give {' or '.join(f'--{n}' for n in NAMES)}"),
        (
            ["scan", ".", "--verify", "openai,oracle"],
            f"assess: --verify: unknown provider(s) oracle; use {', '.join(NAMES)}",
        ),
    ],
)
def test_bad_provider_choices_are_bad_input(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(args, capsys)
    assert code == 2 and err.strip() == message
