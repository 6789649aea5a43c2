"""Denial-of-wallet estimate: dollars per hour at the usage tier's rate limits, and when a cap stops it.

In: the providers and model names found in code, and two answers (`provider-tier`, and `spend-cap-amount`
when `spend-limit` is `hard-limit`). Out: an `Exposure` with one scenario per tier considered, the
assumptions it rests on, and warnings when the price or tier data is stale. The maths are plain:

    tokens/min    combined limit T:  input = T x (1 - s), output = T x s      (s = output share)
                  split limits I, O: input = min(I, O x (1 - s) / s), output = input x s / (1 - s)
    USD/hour    = 60 x (input x input price + output x output price) / 1,000,000

Every pool (a model, or a family sharing one limit) spends in parallel, so pools add up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from assess.cost.prices import Price, installed_version, model_price, provider_claiming
from assess.cost.tables import TIER_ANSWERS, Family, Limits, ProviderTables, Tables, load_tables, normalise_model
from assess.models import AssessmentResult, Exposure, ExposurePool, ExposureProvider, ExposureScenario

STALE_AFTER_DAYS = 90
UNKNOWN_TIER_RANGE = ("tier-1", "tier-5")  # lowest and highest paid tier when the tier is not known
CAP_AMOUNTS = ("100", "500", "1000", "5000", "20000", "100000")


def tokens_per_minute(limits: Limits, output_share: float) -> tuple[float, float]:
    """Input and output tokens a minute that the limits let through at this output share."""
    if limits.tpm is not None:
        return limits.tpm * (1 - output_share), limits.tpm * output_share
    itpm, otpm = limits.itpm or 0, limits.otpm or 0
    if output_share <= 0:
        return float(itpm), 0.0
    ratio = output_share / (1 - output_share)  # output tokens per input token
    spent_input = min(float(itpm), otpm / ratio)
    return spent_input, spent_input * ratio


def usd_per_hour(input_tpm: float, output_tpm: float, price: Price) -> float:
    return 60 * (input_tpm * price.input_per_mtok + output_tpm * price.output_per_mtok) / 1_000_000


@dataclass(frozen=True)
class Stop:
    hours: float | None  # None: nothing stops it
    spent: float | None
    source: str | None  # "yours" or "provider"


def time_to_stop(spenders: Sequence[tuple[float, float | None]], your_cap: float | None) -> Stop:
    """When spending stops. `spenders`: (USD per hour, that provider's monthly limit or None) each.

    Each provider spends until its own limit; your cap (all providers together) stops everything.
    """
    active = [(rate, limit) for rate, limit in spenders if rate > 0]
    if not active:
        return Stop(None, None, None)
    events = sorted((limit / rate if limit is not None else float("inf"), rate) for rate, limit in active)
    now, spent, rate = 0.0, 0.0, sum(r for r, _ in active)
    for until, stopping_rate in events:
        if your_cap is not None and spent + rate * (until - now) >= your_cap:
            return Stop(now + (your_cap - spent) / rate, your_cap, "yours")
        if until == float("inf"):
            return Stop(None, None, None)
        spent += rate * (until - now)
        now, rate = until, rate - stopping_rate
    return Stop(now, spent, "provider")


@dataclass
class _Counted:
    """The models of one provider, grouped into rate-limit pools."""

    provider: str
    tables: ProviderTables
    pools: dict[str, tuple[Family, list[str]]]
    from_code: bool


class _Notes:
    def __init__(self) -> None:
        self.assumptions: list[str] = []
        self.not_estimated: list[str] = []

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)


def _provider_for(tables: Tables, model: str) -> str | None:
    claimed = tables.provider_of(model)
    if claimed is not None:
        return claimed
    prices_id = provider_claiming(model)
    return next((name for name, t in tables.providers.items() if t.prices_id == prices_id), None)


def _count_models(tables: Tables, providers: Iterable[str], models: Iterable[str], notes: _Notes) -> list[_Counted]:
    found: dict[str, list[str]] = {}
    for raw in models:
        model = normalise_model(raw)
        provider = _provider_for(tables, model)
        if provider is None:
            notes.not_estimated.append(f"{raw} (no rate-limit tier data)")
        elif model not in found.setdefault(provider, []):
            found[provider].append(model)
    for provider in providers:
        if provider in tables.providers:
            found.setdefault(provider, [])
        elif provider not in notes.not_estimated:
            notes.not_estimated.append(provider)
    counted: list[_Counted] = []
    for provider, names in found.items():
        provider_tables = tables.providers[provider]
        from_code = bool(names)
        if not names:
            names = [provider_tables.default_model]
            notes.assume(
                f"No {provider} model name was found in code: counted as {provider_tables.default_model}, "
                f"the default for {provider}."
            )
        pools: dict[str, tuple[Family, list[str]]] = {}
        for name in names:
            family = provider_tables.family_of(name)
            if family is None:
                family = provider_tables.family(provider_tables.fallback_family)
                notes.assume(f"No tier data for {name}: counted at the {family.id} limits.")
            key = family.id if family.shared_pool else name
            pools.setdefault(key, (family, []))[1].append(name)
        counted.append(_Counted(provider, provider_tables, pools, from_code))
    return counted


def _pool_price(tables: ProviderTables, names: list[str], share: float, on: dt.date, notes: _Notes) -> Price:
    """The dearest known price among the pool's models (an attacker picks the dearest)."""
    prices = []
    for name in names:
        price = model_price(tables.prices_id, name, on)
        if price is None:
            notes.assume(f"genai-prices has no price for {name}.")
        else:
            prices.append(price)
    if prices:
        return max(prices, key=lambda p: p.blended(share))
    fallback = model_price(tables.prices_id, tables.default_model, on)
    if fallback is None:  # the data file names a default genai-prices does not know: a packaging error
        raise LookupError(f"genai-prices has no price for the default model {tables.default_model}")
    notes.assume(f"{', '.join(names)} counted at the price of {tables.default_model}.")
    return fallback


def _scenario(
    counted: list[_Counted], tier_answer: str, share: float, your_cap: float | None, on: dt.date, notes: _Notes
) -> ExposureScenario:
    providers: list[ExposureProvider] = []
    for item in counted:
        tier = item.tables.tiers[tier_answer]
        name = item.provider
        pools: list[ExposurePool] = []
        for family, names in item.pools.values():
            limits = family.limits[tier.limits]
            price = _pool_price(item.tables, names, share, on, notes)
            input_tpm, output_tpm = tokens_per_minute(limits, share)
            pools.append(
                ExposurePool(
                    provider=name,
                    model=price.model,
                    models=names,
                    from_code=item.from_code,
                    family=family.id,
                    tier=tier.name,
                    requests_per_minute=limits.rpm,
                    input_tokens_per_minute=round(input_tpm),
                    output_tokens_per_minute=round(output_tpm),
                    input_usd_per_mtok=price.input_per_mtok,
                    output_usd_per_mtok=price.output_per_mtok,
                    usd_per_hour=usd_per_hour(input_tpm, output_tpm, price),
                )
            )
        providers.append(
            ExposureProvider(
                provider=name,
                tier=tier.name,
                usd_per_hour=sum(p.usd_per_hour for p in pools),
                monthly_limit_usd=tier.monthly_limit_usd,
                pools=pools,
            )
        )
    stop = time_to_stop([(p.usd_per_hour, p.monthly_limit_usd) for p in providers], your_cap)
    return ExposureScenario(
        tier=tier_answer,
        usd_per_hour=sum(p.usd_per_hour for p in providers),
        hours_to_cap=stop.hours,
        spent_at_cap_usd=stop.spent,
        cap_source=stop.source,  # type: ignore[arg-type]
        providers=providers,
    )


def _tier_name(answer: str) -> str:
    return "Free" if answer == "free" else answer.replace("tier-", "Tier ")


def _your_cap(answers: Mapping[str, str], notes: _Notes) -> float | None:
    limit, amount = answers.get("spend-limit"), answers.get("spend-cap-amount")
    if limit == "hard-limit":
        if amount in CAP_AMOUNTS:
            return float(amount)
        notes.assume("A hard spend limit is set but its amount was not given: only provider limits are counted.")
    elif limit is None or limit == "not-sure":
        notes.assume("Not known whether a hard spend limit is set: only provider limits are counted.")
    else:
        notes.assume("No hard spend limit of your own: only the providers' monthly usage limits stop spending.")
    return None


def _age_warnings(tables: Tables, on: dt.date) -> list[str]:
    warnings = []
    for what, checked in (("Rate-limit tier data", tables.checked), ("Price data", tables.prices.checked)):
        age = (on - dt.date.fromisoformat(checked)).days
        if age > STALE_AFTER_DAYS:
            warnings.append(
                f"{what} was last checked on {checked}, {age} days before this assessment: "
                "providers change prices and limits often, so the figures may be out of date."
            )
    return warnings


def estimate(
    providers: Sequence[str],
    models: Sequence[str],
    answers: Mapping[str, str],
    on: dt.date,
    tables: Tables | None = None,
) -> Exposure | None:
    """The estimate for these providers, model names and answers (question id -> value) on a day.

    None when no provider or model with tier data is in use: there is nothing to estimate.
    """
    tables = tables or load_tables()
    notes = _Notes()
    counted = _count_models(tables, providers, models, notes)
    if not counted:
        return None
    share = tables.output_share
    tier = answers.get("provider-tier")
    tier_known = tier in TIER_ANSWERS
    if not tier_known:
        notes.assume("Usage tier not given: shown from Tier 1 to the highest tier.")
    your_cap = _your_cap(answers, notes)
    tiers = [tier] if tier is not None and tier_known else list(UNKNOWN_TIER_RANGE)
    scenarios = [_scenario(counted, t, share, your_cap, on, notes) for t in tiers]
    if any(item.tables.tiers[t].name != _tier_name(t) for item in counted for t in tiers):
        notes.assume("Where a provider has no tier of that name, its nearest tier is used (named in the table).")
    notes.assume(
        f"{round(share * 100)}% of tokens are output tokens; requests are large enough that the token limit, "
        "not the request limit, is reached; nothing was spent yet this month."
    )
    version = installed_version(tables.prices.package) or "not installed"
    prices_source = f"{tables.prices.package} {version}"
    if version != tables.prices.reviewed_version:
        prices_source += f" (data reviewed with {tables.prices.reviewed_version})"
    return Exposure(
        scenarios=scenarios,
        tier_known=tier_known,
        spend_cap_usd=your_cap,
        output_share=share,
        assumptions=notes.assumptions,
        warnings=_age_warnings(tables, on),
        not_estimated=notes.not_estimated,
        prices_source=prices_source,
        prices_checked=tables.prices.checked,
        limits_source=[s for t in tables.providers.values() for s in t.sources],
        limits_checked=tables.checked,
    )


def estimate_exposure(result: AssessmentResult) -> Exposure | None:
    """The estimate for an assessment: its providers, models found in code and answers, on its date."""
    answers = {a.question: a.value for a in result.answers}
    on = dt.datetime.fromisoformat(result.generated_at).date()
    return estimate(result.project.providers, result.project.models, answers, on)
