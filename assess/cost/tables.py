"""The rate-limit tier tables (rate_limits.yaml beside this file): schema, loading, model matching."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assess.yamlio import load_model

TABLES_PATH = Path(__file__).resolve().parent / "rate_limits.yaml"
TIER_ANSWERS: tuple[str, ...] = ("free", "tier-1", "tier-2", "tier-3", "tier-4", "tier-5")
_DATE = r"^\d{4}-\d{2}-\d{2}$"
# a dated snapshot shares its alias's limits and price: gpt-4o-2024-08-06, claude-opus-4-1-20250805
_SNAPSHOT = re.compile(r"(-\d{4}-\d{2}-\d{2}|-\d{8}|-latest)$")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limits(_Data):
    """Per-minute limits of one family at one tier: a combined `tpm`, or separate input/output limits."""

    rpm: int = Field(ge=0)
    tpm: int | None = Field(default=None, ge=0)
    itpm: int | None = Field(default=None, ge=0)
    otpm: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_kind(self) -> Limits:
        split = self.itpm is not None and self.otpm is not None
        if (self.tpm is None) == (not split) or (self.tpm is not None and (self.itpm or self.otpm)):
            raise ValueError("give either tpm, or both itpm and otpm")
        return self


class Family(_Data):
    id: str
    match: list[str] = Field(min_length=1)
    shared_pool: bool
    limits: dict[str, Limits]


class Tier(_Data):
    name: str
    limits: str  # the key of the family tables this tier uses
    monthly_limit_usd: float | None = Field(default=None, gt=0)


class ProviderTables(_Data):
    prices_id: str  # the provider id in genai-prices
    default_model: str
    sources: list[str] = Field(min_length=1)
    tiers: dict[str, Tier]
    fallback_family: str
    families: list[Family] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ProviderTables:
        if set(self.tiers) != set(TIER_ANSWERS):
            raise ValueError(f"tiers must be exactly {', '.join(TIER_ANSWERS)}")
        ids = {f.id for f in self.families}
        if self.fallback_family not in ids:
            raise ValueError(f"fallback_family {self.fallback_family!r} is not a family")
        for family in self.families:
            missing = {t.limits for t in self.tiers.values()} - set(family.limits)
            if missing:
                raise ValueError(f"family {family.id!r} has no limits for {', '.join(sorted(missing))}")
        return self

    def family_of(self, model: str) -> Family | None:
        """The family whose longest `match` prefix starts the model name, if any."""
        best: tuple[int, Family] | None = None
        for family in self.families:
            for prefix in family.match:
                if model.startswith(prefix) and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), family)
        return best[1] if best else None

    def family(self, family_id: str) -> Family:
        return next(f for f in self.families if f.id == family_id)


class PriceSource(_Data):
    package: str
    reviewed_version: str
    checked: str = Field(pattern=_DATE)


class Tables(_Data):
    checked: str = Field(pattern=_DATE)
    output_share: float = Field(ge=0.0, lt=1.0)
    providers: dict[str, ProviderTables]
    prices: PriceSource

    def provider_of(self, model: str) -> str | None:
        """The provider (as named in ProjectInfo.providers) whose families claim this model name."""
        for name, tables in self.providers.items():
            if tables.family_of(model) is not None:
                return name
        return None


def normalise_model(name: str) -> str:
    """`OpenAI/GPT-4o-2024-08-06` -> `gpt-4o`: lower case, no provider prefix, no snapshot date."""
    model = name.strip().lower().rsplit("/", 1)[-1]
    return _SNAPSHOT.sub("", model)


@cache
def load_tables(path: Path = TABLES_PATH) -> Tables:
    return load_model(path, Tables)
