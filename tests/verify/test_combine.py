"""Verified answers in the assessment: they beat a person's answer (kept as a contradiction), a file cannot
claim them, several providers merge to the weakest, and the reports say what was verified where and when."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.answers import load_answers
from assess.assessment import combine_answers
from assess.catalog import Catalog
from assess.models import StoredAnswer, Verification
from assess.report.html import render_html
from assess.report.markdown import render_markdown
from assess.report.text import render_summary
from assess.verify import merge_answers, parse_names
from tests.report.conftest import fixed_result

READ_AT = "2026-12-01T09:30:00+00:00"


def openai(**answers: str) -> Verification:
    return Verification(
        provider="openai",
        account="org-acme",
        read_at=READ_AT,
        answers=answers,
        summary="spend limit verified at OpenAI: $500/month (organisation)",
    )


def test_a_verified_answer_beats_the_persons_and_keeps_it_as_a_contradiction(catalog: Catalog) -> None:
    stored = {"spend-limit": StoredAnswer(value="none", source="user"), "spend-alerts": StoredAnswer(value="yes")}
    verified = openai(**{"spend-limit": "hard-limit", "spend-cap-amount": "500", "spend-alerts": "yes"})
    answers = {a.question: a for a in combine_answers(catalog, stored, [], ["OpenAI"], [verified])}
    limit = answers["spend-limit"]
    assert (limit.value, limit.source, limit.answered_at) == ("hard-limit", "verified:openai", READ_AT)
    assert limit.contradicts_evidence and limit.user_value == "none"
    # the cap question is asked only after a hard limit: the verified limit opens it
    assert answers["spend-cap-amount"].value == "500" and answers["spend-cap-amount"].source == "verified:openai"
    assert not answers["spend-alerts"].contradicts_evidence  # the same answer agrees


def test_without_verification_nothing_changes(catalog: Catalog) -> None:
    stored = {"spend-limit": StoredAnswer(value="none", source="user")}
    (answer,) = [a for a in combine_answers(catalog, stored, [], ["OpenAI"]) if a.question == "spend-limit"]
    assert (answer.value, answer.source, answer.contradicts_evidence) == ("none", "user", False)


def test_an_answers_file_cannot_claim_verification(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("version: 1\nanswers:\n  spend-limit:\n    value: hard-limit\n    source: verified:openai\n")
    assert load_answers(path, catalog)["spend-limit"].source == "user"


def test_providers_merge_to_the_weakest_answer_and_caps_add_up(catalog: Catalog) -> None:
    aws = Verification(provider="aws", read_at=READ_AT, answers={"spend-limit": "alert-only", "spend-alerts": "yes"})
    both = merge_answers([openai(**{"spend-limit": "hard-limit", "spend-alerts": "no"}), aws], catalog.questions)
    assert both["spend-limit"] == ("alert-only", "aws") and both["spend-alerts"] == ("no", "openai")
    capped = [
        openai(**{"spend-limit": "hard-limit", "spend-cap-amount": "400"}),
        Verification(provider="aws", read_at=READ_AT, answers={"spend-limit": "hard-limit", "spend-cap-amount": "700"}),
    ]
    assert merge_answers(capped, catalog.questions)["spend-cap-amount"][0] == "1000"


def test_a_floor_raises_a_lower_answer_and_never_lowers_a_higher_one(catalog: Catalog) -> None:
    floor = Verification(provider="openai", read_at=READ_AT, floors={"rate-limit-scope": "per-app"})
    for given, expected in (("none", "per-app"), ("per-user", "per-user")):
        stored = {"rate-limit-scope": StoredAnswer(value=given)}
        (answer,) = [a for a in combine_answers(catalog, stored, [], [], [floor]) if a.question == "rate-limit-scope"]
        assert answer.value == expected


def test_provider_names(catalog: Catalog) -> None:
    assert parse_names(" OpenAI, aws,openai") == ("openai", "aws")
    with pytest.raises(ValueError, match="unknown provider"):
        parse_names("openai,oracle")


def test_reports_show_what_was_verified_where_and_when(catalog: Catalog) -> None:
    verified = openai(**{"spend-limit": "hard-limit"})
    answers = combine_answers(catalog, {"spend-limit": StoredAnswer(value="none")}, [], ["OpenAI"], [verified])
    result = fixed_result(answers=answers, verifications=[verified])
    line = "Spend limit verified at OpenAI: $500/month (organisation) (org-acme, read 2026-12-01 09:30:00 UTC)"
    html = render_html(result)
    assert line in html and "verified at OpenAI" in html
    assert "the provider's settings show otherwise" in html
    assert line in render_markdown(result) and line in render_summary(result)


def test_a_provider_that_could_not_be_read_says_so_on_page_one() -> None:
    down = Verification(provider="aws", read_at=READ_AT, errors=["AWS: sts:GetCallerIdentity failed (Throttling)"])
    assert "Not verified at AWS: AWS: sts:GetCallerIdentity failed (Throttling)" in render_html(
        fixed_result(verifications=[down])
    )


def test_the_readme_policy_grants_every_action_the_aws_reads_name() -> None:
    import json
    import re

    root = Path(__file__).parent.parent.parent
    readme = (root / "README.md").read_text()
    block = re.search(r'```json\n(\{\n  "Version".*?)```', readme, re.S)
    assert block, "README has no IAM policy for assess verify --aws"
    granted = set(json.loads(block.group(1))["Statement"][0]["Action"])
    named = set(re.findall(r'"((?:sts|budgets|ce|cloudwatch):[A-Za-z]+)"', (root / "assess/verify/aws.py").read_text()))
    assert named and named <= granted, sorted(named - granted)
    assert all(a.split(":")[1].startswith(("Get", "Describe", "View")) for a in granted), "read-only actions only"


def _limit(catalog: Catalog, given: str, providers: list[str], *verified: Verification) -> tuple[str, str]:
    stored = {"spend-limit": StoredAnswer(value=given)}
    (answer,) = [a for a in combine_answers(catalog, stored, [], providers, verified) if a.question == "spend-limit"]
    return answer.value, answer.source


def test_an_unread_provider_keeps_a_good_verified_answer_from_counting(catalog: Catalog) -> None:
    both = ["OpenAI", "Anthropic", "LangChain"]  # LangChain is a library: it bills nothing itself
    # a hard limit at OpenAI says nothing of Anthropic: "every provider" is not proven
    assert _limit(catalog, "alert-only", both, openai(**{"spend-limit": "hard-limit"})) == ("alert-only", "user")
    # but no limit at OpenAI disproves "a hard limit at every provider"
    assert _limit(catalog, "hard-limit", both, openai(**{"spend-limit": "none"})) == ("none", "verified:openai")
    assert _limit(catalog, "alert-only", ["OpenAI", "LangChain"], openai(**{"spend-limit": "hard-limit"})) == (
        "hard-limit",
        "verified:openai",
    )


def test_settings_of_a_provider_the_project_does_not_use_are_left_out(catalog: Catalog) -> None:
    aws = Verification(provider="aws", read_at=READ_AT, answers={"spend-limit": "none"})
    verified = openai(**{"spend-limit": "hard-limit"})
    assert _limit(catalog, "none", ["OpenAI"], verified, aws) == ("hard-limit", "verified:openai")


def test_every_provider_the_cli_offers_has_a_module() -> None:
    from assess import cli
    from assess.verify import PROVIDERS

    assert list(cli.VERIFY_PROVIDERS) == list(PROVIDERS)
