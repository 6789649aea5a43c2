"""Model prices from the genai-prices package's bundled data (never its network updater)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.metadata import PackageNotFoundError, version

# Per-request size the price is read at. Some models price long prompts higher (over 200k input tokens);
# a leaked key is cheapest to abuse with ordinary requests, so the estimate uses the base rate.
_SAMPLE_TOKENS = 1000


@dataclass(frozen=True)
class Price:
    model: str  # the model id genai-prices matched
    input_per_mtok: float
    output_per_mtok: float

    def blended(self, output_share: float) -> float:
        return self.input_per_mtok * (1 - output_share) + self.output_per_mtok * output_share


@cache
def model_price(provider_id: str, model: str, on: dt.date) -> Price | None:
    """USD per million input and output tokens on a day, or None when genai-prices does not know the model."""
    from genai_prices import Usage, calc_price

    when = dt.datetime(on.year, on.month, on.day, 12, tzinfo=dt.UTC)
    usage = Usage(input_tokens=_SAMPLE_TOKENS, output_tokens=_SAMPLE_TOKENS)
    try:
        calc = calc_price(usage, model, provider_id=provider_id, genai_request_timestamp=when)
    except LookupError:
        return None
    per_mtok = Decimal(1_000_000) / _SAMPLE_TOKENS
    return Price(
        model=calc.model.id,
        input_per_mtok=float(calc.input_price * per_mtok),
        output_per_mtok=float(calc.output_price * per_mtok),
    )


@cache
def provider_claiming(model: str) -> str | None:
    """The genai-prices provider id whose model names include this one (e.g. gpt-5 -> openai)."""
    from genai_prices import data_snapshot

    try:
        return data_snapshot.get_snapshot().find_provider(model, None, None).id
    except LookupError:
        return None


@cache
def installed_version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None
