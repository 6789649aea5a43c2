"""The denial-of-wallet estimate: hand-computed figures, caps, pools, assumptions and stale-data warnings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assess.cost import estimate, estimate_exposure
from assess.cost.exposure import time_to_stop, tokens_per_minute, usd_per_hour
from assess.cost.prices import Price
from assess.cost.tables import Limits, load_tables, normalise_model
from assess.errors import InputError
from assess.models import AssessmentResult
from assess.yamlio import load_model

ON = dt.date(2026, 11, 27)


def test_facts_worked_example_tier5_gpt4o() -> None:
    # FACTS.md: 30M TPM x 60 x $4.375 per million blended (25% output) = $7,875 an hour,
    # and OpenAI's Tier 5 monthly usage limit of $200,000 stops it after about 25 hours.
    exposure = estimate(["OpenAI"], ["gpt-4o"], {"provider-tier": "tier-5", "spend-limit": "alert-only"}, ON)
    assert exposure is not None
    [scenario] = exposure.scenarios
    assert scenario.usd_per_hour == pytest.approx(7875.0)
    assert scenario.hours_to_cap == pytest.approx(200_000 / 7875)  # 25.4 h
    assert scenario.spent_at_cap_usd == pytest.approx(200_000)
    assert scenario.cap_source == "provider"
    [pool] = scenario.providers[0].pools
    assert (pool.input_tokens_per_minute, pool.output_tokens_per_minute) == (22_500_000, 7_500_000)
    assert (pool.input_usd_per_mtok, pool.output_usd_per_mtok) == (2.5, 10.0)  # genai-prices' gpt-4o
    assert pool.from_code and pool.tier == "Tier 5"


def test_tier1_gpt4o_is_a_thousand_times_less() -> None:
    exposure = estimate(["OpenAI"], ["gpt-4o"], {"provider-tier": "tier-1"}, ON)
    assert exposure is not None
    assert exposure.scenarios[0].usd_per_hour == pytest.approx(7.875)  # FACTS.md: about $7.88


def test_split_limits_bind_on_output_first() -> None:
    # Sonnet 4.x at Tier 4: 2M input, 400k output a minute. At 25% output, 400k output goes with 1.2M input
    # (the output limit binds first): 1.2 x $3 + 0.4 x $15 = $9.60 a minute = $576 an hour.
    limits = Limits(rpm=4000, itpm=2_000_000, otpm=400_000)
    assert tokens_per_minute(limits, 0.25) == pytest.approx((1_200_000, 400_000))
    assert usd_per_hour(1_200_000, 400_000, Price("claude-sonnet-4-5", 3.0, 15.0)) == pytest.approx(576.0)
    # with 10% output the input limit binds: 2M input and 222,222 output
    assert tokens_per_minute(limits, 0.10) == pytest.approx((2_000_000, 2_000_000 / 9))
    assert tokens_per_minute(Limits(rpm=1, tpm=1000), 0.25) == (750, 250)


def test_your_hard_limit_stops_it() -> None:
    answers = {"provider-tier": "tier-5", "spend-limit": "hard-limit", "spend-cap-amount": "1000"}
    exposure = estimate(["OpenAI"], ["gpt-4o"], answers, ON)
    assert exposure is not None
    scenario = exposure.scenarios[0]
    assert exposure.spend_cap_usd == 1000
    assert scenario.cap_source == "yours"
    assert scenario.hours_to_cap == pytest.approx(1000 / 7875)  # under 8 minutes
    assert scenario.spent_at_cap_usd == 1000


def test_hard_limit_without_amount_is_said() -> None:
    exposure = estimate(["OpenAI"], [], {"spend-limit": "hard-limit", "spend-cap-amount": "not-sure"}, ON)
    assert exposure is not None and exposure.spend_cap_usd is None
    assert any("amount was not given" in a for a in exposure.assumptions)


def test_time_to_stop_walks_each_provider_to_its_limit() -> None:
    # A spends $100/h up to $500 (5 h), B $50/h up to $1,000 (20 h): at 5 h $750 is spent, then only B runs.
    assert time_to_stop([(100, 500), (50, 1000)], None).hours == pytest.approx(20)
    assert time_to_stop([(100, 500), (50, 1000)], None).spent == pytest.approx(1500)
    # your $600 cap is reached after 4 h at $150/h
    stop = time_to_stop([(100, 500), (50, 1000)], 600)
    assert (stop.hours, stop.spent, stop.source) == (pytest.approx(4), 600, "yours")
    # after A stops at 5 h ($750), B alone reaches $900 one hour later
    assert time_to_stop([(100, 500), (50, 1000)], 900).hours == pytest.approx(8)
    # a provider without a limit and no cap of yours: nothing stops it
    assert time_to_stop([(100, None)], None).hours is None
    assert time_to_stop([(0, 100)], None).hours is None


def test_unknown_tier_gives_the_range_and_says_so() -> None:
    exposure = estimate(["OpenAI", "Anthropic"], [], {}, ON)
    assert exposure is not None and not exposure.tier_known
    assert [s.tier for s in exposure.scenarios] == ["tier-1", "tier-5"]
    low, high = (s.usd_per_hour for s in exposure.scenarios)
    # Tier 1: gpt-4o $7.875 + Sonnet (24k in, 8k out) $11.52; top tier: $7,875 + Sonnet Tier 4 $576
    assert low == pytest.approx(7.875 + 11.52)
    assert high == pytest.approx(7875 + 576)
    anthropic = next(p for p in exposure.scenarios[1].providers if p.provider == "Anthropic")
    assert anthropic.tier == "Tier 4"  # Anthropic has no Tier 5
    text = " ".join(exposure.assumptions)
    assert "Usage tier not given" in text
    assert "counted as gpt-4o" in text and "counted as claude-sonnet-4-5" in text
    assert "nearest tier" in text
    assert all(not pool.from_code for s in exposure.scenarios for p in s.providers for pool in p.pools)


def test_models_in_code_are_pooled_as_the_provider_does() -> None:
    exposure = estimate(
        ["OpenAI", "Anthropic"],
        ["gpt-4o", "gpt-4o-mini", "openai/gpt-4o-2024-08-06", "claude-sonnet-4-5", "claude-sonnet-4-0"],
        {"provider-tier": "tier-2"},
        ON,
    )
    assert exposure is not None
    pools = {p.provider: p.pools for p in exposure.scenarios[0].providers}
    # OpenAI limits are per model: gpt-4o (its dated snapshot folded in) and gpt-4o-mini are two pools
    assert sorted(p.model for p in pools["OpenAI"]) == ["gpt-4o", "gpt-4o-mini"]
    # Anthropic's Sonnet 4.x models share one limit: one pool, priced at the dearer model
    [sonnet] = pools["Anthropic"]
    assert sonnet.models == ["claude-sonnet-4-5", "claude-sonnet-4-0"] and sonnet.family == "claude-sonnet-4"


def test_a_model_without_tier_data_uses_the_fallback_limits_at_its_own_price() -> None:
    exposure = estimate(["OpenAI"], ["gpt-5"], {"provider-tier": "tier-1"}, ON)
    assert exposure is not None
    [pool] = exposure.scenarios[0].providers[0].pools
    assert pool.model == "gpt-5" and pool.family == "gpt-4o"
    assert any("No tier data for gpt-5" in a for a in exposure.assumptions)


def test_providers_without_tier_data_are_named_not_guessed() -> None:
    assert estimate(["Google"], [], {}, ON) is None
    exposure = estimate(["Google", "OpenAI"], ["mystery-model-9000"], {"provider-tier": "tier-1"}, ON)
    assert exposure is not None
    assert "Google" in exposure.not_estimated
    assert any("mystery-model-9000" in n for n in exposure.not_estimated)


def test_stale_data_is_flagged_after_90_days() -> None:
    tables = load_tables()
    checked = dt.date.fromisoformat(tables.checked)
    fresh = estimate(["OpenAI"], [], {}, checked + dt.timedelta(days=90))
    stale = estimate(["OpenAI"], [], {}, checked + dt.timedelta(days=91))
    assert fresh is not None and stale is not None
    assert fresh.warnings == []
    assert len(stale.warnings) == 2 and "91 days" in stale.warnings[0]


def test_estimate_from_a_result_uses_its_answers_and_date(demo_result: AssessmentResult) -> None:
    exposure = estimate_exposure(demo_result)
    assert exposure is not None and demo_result.exposure == exposure
    answers = {a.question: a.value for a in demo_result.answers}
    if answers.get("provider-tier") == "tier-2" and not demo_result.project.models:
        # the demo: OpenAI and Anthropic at Tier 2, default models: $118.125 + $129.60 an hour
        assert exposure.scenarios[0].usd_per_hour == pytest.approx(247.725)


def test_normalise_model_names() -> None:
    assert normalise_model("OpenAI/GPT-4o-2024-08-06") == "gpt-4o"
    assert normalise_model("claude-opus-4-1-20250805") == "claude-opus-4-1"
    assert normalise_model(" claude-3-5-haiku-latest ") == "claude-3-5-haiku"


def test_tier_tables_are_validated(tmp_path: Path) -> None:
    bad = (Path(__file__).parents[2] / "assess/cost/rate_limits.yaml").read_text()
    bad = bad.replace("tier-5: {rpm: 30000, tpm: 150000000}", "tier-5: {rpm: 30000}")
    target = tmp_path / "rate_limits.yaml"
    target.write_text(bad)
    with pytest.raises(InputError, match="either tpm"):
        load_model(target, type(load_tables()))
